"""Team e-mails: tasks take ids, the link is signed again here, nothing secret travels."""

from celery import shared_task
from django.db.models import F
from django.urls import reverse

from apps.i18n import user_language
from apps.links import portal_url
from apps.mail import MailTask
from apps.outbox.services import send_mail

from .models import TeamInvitation
from .selectors import team_invitation_token


@shared_task(base=MailTask, bind=True, acks_late=True, autoretry_for=(OSError,),
             retry_backoff=True, retry_kwargs={"max_retries": 5})
def send_team_invitation(self, invitation_id):
    claimed = (TeamInvitation.objects
               .filter(pk=invitation_id, status=TeamInvitation.Status.PENDING,
                       mails_sent__lt=F("mails_requested"))
               .update(mails_sent=F("mails_sent") + 1))
    if not claimed:
        return "skipped"
    invitation = (TeamInvitation.objects.select_related("organization", "invited_by")
                  .get(pk=invitation_id))
    # An error here rolls the claim back with the rest (MailTask): a later delivery sends it.
    _send(invitation)
    return "sent"


def _send(invitation):
    link = portal_url() + reverse(
        "team_invitation", kwargs={"token": team_invitation_token(invitation)})
    # A new address reads it in the inviter's language.
    send_mail(f"team-invitation:{invitation.pk}:send:{invitation.mails_sent}",
              "team_invitation", {"invitation": invitation, "link": link},
              to=[invitation.email], language=user_language(invitation.invited_by))
