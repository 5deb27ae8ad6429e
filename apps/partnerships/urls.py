from django.urls import path

from . import views

app_name = "partnerships"

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
]
