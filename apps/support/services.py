"""Support use cases: open, reply, change status. Each one transaction, audited, notified."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError, FieldErrors
from apps.outbox.services import enqueue
from apps.webhooks.services import emit

from .forms import ReplyForm, StatusForm
from .models import SupportMessage, SupportRequest
from .selectors import support_routing

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription

Status = SupportRequest.Status


def _notify(message: SupportMessage) -> None:
    from .tasks import send_support_notification

    enqueue(send_support_notification, message_id=str(message.pk),
            key=f"support-message:{message.pk}:notify")


@transaction.atomic
def support_request_open(*, customer_organization: Organization, user: User, title: str,
                         description: str, severity: str,
                         subscription: Subscription | None = None,
                         request: HttpRequest | None = None) -> SupportRequest:
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
    emit("support_request.created", support_request, organizations=[handler],
         key=support_request.pk)
    return support_request


def _lock(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


@transaction.atomic
def support_reply(*, support_request: SupportRequest, user: User, organization: Organization,
                  body: str, idempotency_key: uuid.UUID | None = None,
                  request: HttpRequest | None = None) -> SupportMessage:
    """A reply from either side. The handler's first reply starts the work; a customer's
    reply to a resolved request opens it again. A reply sent again with the same
    `idempotency_key` (a double click) is the reply saved the first time: nothing new is
    written, logged or mailed."""
    support_request = _lock(support_request)  # one reply at a time: the key check holds
    is_handler = organization.pk == support_request.handled_by_id
    if not is_handler and organization.pk != support_request.customer_id:
        raise DomainError(_("Only the customer and its support contact take part."))
    if idempotency_key is not None:
        existing = SupportMessage.objects.filter(request=support_request,
                                                 idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    message = SupportMessage.objects.create(request=support_request, author=user,
                                            author_organization=organization, body=body,
                                            idempotency_key=idempotency_key)
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
    emit("support_request.updated", support_request, organizations=[support_request.handled_by],
         key=message.pk)
    return message


@transaction.atomic
def support_set_status(*, support_request: SupportRequest, status: str, user: User,
                       organization: Organization,
                       request: HttpRequest | None = None) -> SupportRequest:
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
    emit("support_request.updated", support_request, organizations=[support_request.handled_by],
         key=message.pk)
    return support_request


def _form_errors(form: ReplyForm | StatusForm) -> FieldErrors:
    return FieldErrors({field: [str(m) for m in messages]
                        for field, messages in form.errors.items()})


def support_reply_data(*, support_request: SupportRequest, user: User,
                       organization: Organization, data: Mapping[str, Any],
                       idempotency_key: uuid.UUID | None = None,
                       request: HttpRequest | None = None) -> SupportMessage:
    """support_reply from plain data (the API): `data` is validated by the page's reply
    form (its rules and messages). Raises FieldErrors or DomainError."""
    form = ReplyForm({"body": data.get("body")})
    if not form.is_valid():
        raise _form_errors(form)
    return support_reply(support_request=support_request, user=user, organization=organization,
                         body=form.cleaned_data["body"], idempotency_key=idempotency_key,
                         request=request)


def support_set_status_data(*, support_request: SupportRequest, user: User,
                            organization: Organization, data: Mapping[str, Any],
                            request: HttpRequest | None = None) -> SupportRequest:
    """support_set_status from plain data (the API), validated by the page's status form."""
    form = StatusForm({"status": data.get("status")})
    if not form.is_valid():
        raise _form_errors(form)
    return support_set_status(support_request=support_request,
                              status=form.cleaned_data["status"], user=user,
                              organization=organization, request=request)


# ------------------------------------------------------------------ access lost


def _hand_over(requests: QuerySet[SupportRequest], *, to_org: Organization,
               actor: User | None = None, request: HttpRequest | None = None) -> int:
    """The requests (any status: a customer's reply reopens a resolved one) now go to
    `to_org`, each with an entry in its thread and an audit event; the former handler no
    longer sees them. How many moved."""
    moved = 0
    now = timezone.now()
    for support_request in (requests.exclude(handled_by=to_org).select_for_update(of=("self",))
                            .select_related("customer", "handled_by").order_by("pk")):
        former = support_request.handled_by
        support_request.handled_by = to_org
        support_request.updated_at = now
        support_request.save(update_fields=["handled_by", "updated_at"])
        # No mail: the entry only tells the thread's readers who handles it now.
        SupportMessage.objects.create(
            request=support_request, kind=SupportMessage.Kind.HANDLER,
            author_organization=to_org, moved_from=former, notified_at=now)
        for organization in (support_request.customer, to_org, former):
            record(actor=actor, organization=organization, action="support.handler_changed",
                   target=support_request, data={"from": former.name, "to": to_org.name},
                   request=request)
        moved += 1
    return moved


def support_requests_partnership_ended(*, provider: Organization, reseller: Organization) -> int:
    """Registered with apps.partnerships.hooks: the requests of the provider's customers
    that the reseller handles go to the provider."""
    return _hand_over(SupportRequest.objects.filter(handled_by=reseller,
                                                    customer__customer__provider=provider),
                      to_org=provider)


def support_requests_customer_undelegated(*, customer: Any, reseller: Organization,
                                          actor: User | None = None,
                                          request: HttpRequest | None = None) -> int:
    """Registered with apps.customers.hooks: the customer's requests that its former
    reseller handles go to the customer's provider."""
    return _hand_over(SupportRequest.objects.filter(handled_by=reseller,
                                                    customer_id=customer.pk),
                      to_org=customer.provider, actor=actor, request=request)


def support_requests_contact_changed(*, subscription: Subscription, previous: Organization,
                                     contact: Organization, actor: User | None = None,
                                     request: HttpRequest | None = None) -> int:
    """Registered with apps.subscriptions.hooks: the requests about the subscription that its
    previous support contact (a reseller) handles go to the new contact. The provider keeps
    seeing its customers' requests, so a change away from it moves nothing."""
    if previous.pk == subscription.customer.provider_id:
        return 0
    return _hand_over(SupportRequest.objects.filter(handled_by=previous,
                                                    subscription=subscription),
                      to_org=contact, actor=actor, request=request)
