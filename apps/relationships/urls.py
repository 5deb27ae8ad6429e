from django.urls import path

from . import views

app_name = "relationships"

urlpatterns = [
    path("customers/<uuid:customer_id>/reseller-request/", views.relationship_new, name="new"),
    path("customers/<uuid:customer_id>/reseller-request/<uuid:request_id>/withdraw/",
         views.relationship_withdraw, name="withdraw"),
    path("partners/", views.partners, name="partners"),
    path("partners/requests/<uuid:request_id>/", views.relationship_answer, name="answer"),
    path("partners/remove-reseller/", views.remove_reseller, name="remove_reseller"),
]
