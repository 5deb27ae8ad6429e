"""Reseller relationship notices: the request to the customer, the answer to the provider."""

import smtplib

from celery import shared_task
from django.urls import reverse

from apps.links import portal_url
from apps.mail import MailTask, sender_on_behalf_of
from apps.outbox.services import send_mail

from .models import ResellerRelationshipRequest as Relationship

# Transient delivery problems are retried with exponential backoff; others fail at once.
TRANSIENT = (smtplib.SMTPException, OSError)
MAX_RETRIES = 5


# The task keeps the name it had in the resellers app: messages queued before an upgrade
# still find it.
@shared_task(base=MailTask, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=MAX_RETRIES, name="apps.resellers.tasks.send_relationship_notice")
def send_relationship_notice(relationship_id):
    """The request to the customer's admins, then the answer to the provider: once each."""
    pending = Relationship.Status.PENDING
    claimed = (Relationship.objects.filter(pk=relationship_id, status=pending, notices_sent=0)
               .update(notices_sent=1))
    stage = "request"
    if not claimed:
        claimed = (Relationship.objects.filter(pk=relationship_id, notices_sent__lt=2)
                   .exclude(status__in=[pending, Relationship.Status.WITHDRAWN])
                   .update(notices_sent=2))
        stage = "answer"
    if not claimed:
        return "skipped"
    relationship = (Relationship.objects.select_related("provider", "customer", "reseller",
                                                        "requested_by")
                    .get(pk=relationship_id))
    if stage == "request":
        to = list(relationship.customer.memberships.filter(role="admin")
                  .values_list("user__email", flat=True))
        workspace = relationship.customer
        url_name = "relationships:partners"
    else:
        to = [relationship.requested_by.email] if relationship.requested_by else []
        workspace = relationship.provider
        url_name = "customers:list"
    link = portal_url() + reverse(url_name, kwargs={"org_slug": workspace.slug})
    if to:
        send_mail(f"relationship:{relationship_id}:{stage}", f"relationship_{stage}",
                  {"relationship": relationship, "link": link},
                  to=to, from_email=sender_on_behalf_of(relationship.provider.name)
                  if stage == "request" else None)
    return "sent"
