from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.support_list, name="list"),
    path("new/", views.support_new, name="new"),
    path("<uuid:request_id>/", views.support_detail, name="detail"),
    path("<uuid:request_id>/reply/", views.support_reply, name="reply"),
    path("<uuid:request_id>/status/", views.support_status, name="status"),
]
