"""The public directory of indirect providers (no sign-in, no organization in the URL)."""

from django.urls import path, re_path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.directory, name="index"),
    re_path(r"^logos/(?P<digest>[0-9a-f]{64})\.png$", views.logo, name="logo"),
]
