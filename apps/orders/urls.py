from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.orders, name="list"),
    path("orders/<uuid:order_id>/confirmation/", views.confirmation, name="confirmation"),
    path("orders/<uuid:order_id>/status/", views.status, name="status"),
]
