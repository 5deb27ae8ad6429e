from django.urls import path

from . import views

app_name = "resellers"

urlpatterns = [
    path("resellers/", views.indirect_resellers, name="list"),
    path("resellers/invitations/", views.invitations, name="invitations"),
    path("resellers/request/", views.request_partnership, name="request"),
    path("resellers/invitations/<uuid:invitation_id>/draft/", views.invitation_draft,
         name="invitation_draft"),
    path("resellers/invitations/<uuid:invitation_id>/resend/", views.invitation_resend,
         name="invitation_resend"),
    path("resellers/invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("resellers/partnerships/<uuid:partnership_id>/end/", views.partnership_end,
         name="partnership_end"),
    path("providers/", views.providers, name="providers"),
    path("incentives/", views.incentives, name="incentives"),
    path("incentives.csv", views.incentives_csv, name="incentives_csv"),
    path("customers/<uuid:customer_id>/reseller-request/", views.relationship_new,
         name="relationship_new"),
    path("customers/<uuid:customer_id>/reseller-request/<uuid:request_id>/withdraw/",
         views.relationship_withdraw, name="relationship_withdraw"),
    path("partners/requests/<uuid:request_id>/", views.relationship_answer,
         name="relationship_answer"),
    path("partners/remove-reseller/", views.remove_reseller, name="remove_reseller"),
]
