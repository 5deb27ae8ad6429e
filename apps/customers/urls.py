from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customers, name="list"),
    path("customers/new/", views.new_customer, name="new"),
    path("customers/new/domain-check/", views.domain_check, name="domain_check"),
    path("customers/new/<slug:step>/", views.new_customer, name="new_step"),
    path("customers/<uuid:customer_id>/", views.customer_detail, name="detail"),
    path("partners/", views.partners, name="partners"),
]
