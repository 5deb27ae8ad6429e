from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("subscriptions/", views.subscriptions, name="list"),
]
