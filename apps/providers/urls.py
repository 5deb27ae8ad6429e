"""Directory profile pages of a provider workspace (under /o/<org_slug>/)."""

from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/request/", views.profile_request, name="profile_request"),
    path("profile/requests/<uuid:request_id>/withdraw/", views.profile_withdraw,
         name="profile_withdraw"),
]
