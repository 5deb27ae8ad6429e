from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("time-zone/", views.time_zone, name="time_zone"),
    path("set-new-password/", views.set_new_password, name="set_new_password"),
]
