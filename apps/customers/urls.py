from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customers, name="list"),
    path("customers/new/", views.new_customer, name="new"),
    path("customers/new/domain-check/", views.domain_check, name="domain_check"),
    path("customers/new/<slug:step>/", views.new_customer, name="new_step"),
    path("customers/<uuid:customer_id>/", views.customer_detail, name="detail"),
    path("customers/<uuid:customer_id>/summary/", views.customer_summary, name="summary"),
    path("customers/<uuid:customer_id>/subscriptions/", views.customer_subscriptions_page,
         name="subscriptions"),
    path("customers/<uuid:customer_id>/subscriptions/new/", views.add_subscription,
         name="add_subscription"),
]
