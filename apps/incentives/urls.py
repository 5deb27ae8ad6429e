from django.urls import path

from . import views

app_name = "incentives"

urlpatterns = [
    path("incentives/", views.incentives, name="list"),
    path("incentives.csv", views.incentives_csv, name="csv"),
]
