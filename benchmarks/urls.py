"""The bench's URLconf: the product's URLs plus the bare reference views under /bench-ref/.

Used only by benchmarks/settings.py (the bench's gunicorn and in-process checks).
"""

from django.urls import path

from benchmarks import reference
from partnercenter.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench-ref/o/<slug:org_slug>/customers/", reference.customers),
    path("bench-ref/o/<slug:org_slug>/resellers/", reference.resellers),
    path("bench-ref/o/<slug:org_slug>/orders/", reference.orders),
    path("bench-ref/o/<slug:org_slug>/support/", reference.support),
    path("bench-ref/o/<slug:org_slug>/audit/", reference.audit),
    path("bench-ref/o/<slug:org_slug>/incentives/", reference.incentives),
    path("bench-ref/o/<slug:org_slug>/reseller-customers/", reference.reseller_customers),
    path("bench-ref/o/<slug:org_slug>/providers/", reference.providers),
    path("bench-ref/directory/", reference.directory),
    *product_urlpatterns,
]
