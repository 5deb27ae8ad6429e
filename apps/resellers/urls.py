from django.urls import path

from . import views

app_name = "resellers"

urlpatterns = [
    path("resellers/", views.indirect_resellers, name="list"),
    path("providers/", views.providers, name="providers"),
]
