from django.urls import path

from . import views

app_name = "provisioning"

urlpatterns = [
    path("orders/<uuid:order_id>/retry/", views.retry, name="retry"),
]
