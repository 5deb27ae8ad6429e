from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.endpoints, name="list"),
    path("webhooks/new/", views.endpoint_new, name="new"),
    path("webhooks/<uuid:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("webhooks/<uuid:endpoint_id>/edit/", views.endpoint_edit, name="edit"),
    path("webhooks/<uuid:endpoint_id>/rotate-secret/", views.endpoint_rotate, name="rotate"),
    path("webhooks/<uuid:endpoint_id>/delete/", views.endpoint_delete, name="delete"),
    path("webhooks/<uuid:endpoint_id>/test/", views.endpoint_test, name="test"),
    path("webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/resend/",
         views.delivery_resend, name="resend"),
]
