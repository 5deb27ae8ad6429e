from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path("team/members/<uuid:membership_id>/role/", views.member_role, name="member_role"),
    path("team/members/<uuid:membership_id>/remove/", views.member_remove,
         name="member_remove"),
    path("team/invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
]
