"""Support use cases: open, reply, change status. Each one transaction, audited, notified."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.outbox.services import enqueue

from .models import SupportMessage, SupportRequest
from .selectors import support_routing

Status = SupportRequest.Status


def _notify(message):
    from .tasks import send_support_notification

    enqueue(send_support_notification, message_id=str(message.pk))


@transaction.atomic
def support_request_open(*, customer_organization, user, title, description, severity,
                         subscription=None, request=None):
    if subscription is not None and subscription.customer_id != customer_organization.pk:
        raise DomainError(_("Choose one of your own subscriptions."), field="subscription")
    handler = support_routing(customer_organization=customer_organization,
                              subscription=subscription)
    support_request = SupportRequest.objects.create(
        customer=customer_organization, subscription=subscription, handled_by=handler,
        opened_by=user, title=title.strip(), severity=severity)
    message = SupportMessage.objects.create(
        request=support_request, kind=SupportMessage.Kind.OPENED, author=user,
        author_organization=customer_organization, body=description)
    for organization in (customer_organization, handler):
        record(actor=user, organization=organization, action="support.opened",
               target=support_request, data={"handled_by": handler.name,
                                             "severity": severity}, request=request)
    _notify(message)
    return support_request


def _lock(support_request):
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


@transaction.atomic
def support_reply(*, support_request, user, organization, body, request=None):
    """A reply from either side. The handler's first reply starts the work; a customer's
    reply to a resolved request opens it again."""
    support_request = _lock(support_request)
    is_handler = organization.pk == support_request.handled_by_id
    if not is_handler and organization.pk != support_request.customer_id:
        raise DomainError(_("Only the customer and its support contact take part."))
    message = SupportMessage.objects.create(request=support_request, author=user,
                                            author_organization=organization, body=body)
    now = timezone.now()
    if is_handler and support_request.status == Status.OPEN:
        support_request.status = Status.IN_PROGRESS
    elif not is_handler and support_request.status == Status.RESOLVED:
        support_request.status = Status.OPEN
        support_request.resolved_at = None
    support_request.updated_at = now
    support_request.save(update_fields=["status", "updated_at", "resolved_at"])
    record(actor=user, organization=organization, action="support.replied",
           target=support_request, request=request)
    _notify(message)
    return message


@transaction.atomic
def support_set_status(*, support_request, status, user, organization, request=None):
    support_request = _lock(support_request)
    if organization.pk != support_request.handled_by_id:
        raise DomainError(_("Only the designated support contact changes the status."))
    if status not in Status.values:
        raise DomainError(_("Choose a valid status."), field="status")
    if status == support_request.status:
        return support_request
    old = support_request.status
    support_request.status = status
    support_request.updated_at = timezone.now()
    support_request.resolved_at = support_request.updated_at if status == Status.RESOLVED \
        else None
    support_request.save(update_fields=["status", "updated_at", "resolved_at"])
    message = SupportMessage.objects.create(
        request=support_request, kind=SupportMessage.Kind.STATUS, author=user,
        author_organization=organization, status=status)
    record(actor=user, organization=organization, action="support.status_changed",
           target=support_request, data={"from": old, "to": status}, request=request)
    _notify(message)
    return support_request
