from django.urls import path

from . import pages

app_name = "apikeys"

urlpatterns = [
    path("api-keys/", pages.api_keys, name="list"),
    path("api-keys/new/", pages.api_key_new, name="new"),
    path("api-keys/<uuid:key_id>/revoke/", pages.api_key_revoke_page, name="revoke"),
]
