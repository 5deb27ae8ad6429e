"""Webhooks: emit() in the transaction of a change, delivery with retries, endpoint admin.

`emit(event_type, obj, organizations=…, key=…)` is one line in a domain service: it writes
the event once (keyed by what happened) and one delivery per enabled endpoint of those
organizations that subscribed to the type, and enqueues each delivery through the outbox,
all in the caller's transaction. Nothing is written when no endpoint listens.

Delivery itself (claim, retries, the three-day limit) is apps.webhooks.delivery, run by
the tasks; its entry points are re-exported here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.outbox.services import enqueue, enqueue_many

from . import crypto, http, payloads, tasks
from .delivery import backoff, deliver, endpoint_secret, headers_for, webhooks_retry
from .events import EVENTS, TEST_EVENT
from .models import WebhookDelivery, WebhookEndpoint, WebhookMessage

__all__ = ["backoff", "deliver", "endpoint_secret", "headers_for", "webhooks_retry"]

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Organization

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
DELIVER_TASK = tasks.deliver_webhook
# The data builders, for the API to draw its resources the same way (payloads.data_of).
data_of = payloads.data_of


# ----------------------------------------------------------------------------- emit


def emit(event_type: str, obj: Any, *, organizations: Iterable[Organization | None],
         key: Any) -> int:
    """Write `event_type` about `obj` (a model instance, or its data as a dict) for the
    endpoints of `organizations` that listen; returns how many deliveries were written.

    `key` tells this occurrence of the event from others: the object's id, with a counter
    or the id of the change when the event can happen again to the same object (the event's
    key is `<event_type>:<key>`). Emitting it again writes nothing more for an endpoint that
    already has it."""
    return emit_many(event_type, [(obj, organizations, key)])


# One occurrence for emit_many: (the object, its data as a dict, or a function returning
# its data (called only when an endpoint listens); its organizations (instances or ids;
# None is skipped); its key).
Occurrence = tuple[Any, Iterable[Any], Any]


def emit_many(event_type: str, occurrences: Iterable[Occurrence]) -> int:
    """`emit()` of many occurrences of one event type (a chunk of renewals, a month's
    invoices) in a few statements whatever their number: the endpoints of all their
    organizations, the events, the deliveries already written, the new ones and their
    outbox rows. The data is built only for the occurrences an endpoint listens to.
    Returns how many deliveries were written."""
    wanted: dict[str, tuple[Any, set[Any]]] = {}
    for obj, organizations, key in occurrences:
        ids = {getattr(organization, "pk", organization) for organization in organizations
               if organization is not None}
        wanted.setdefault(f"{event_type}:{key}"[:200], (obj, ids))
    everyone = set().union(*(ids for _obj, ids in wanted.values()))
    if not everyone:
        return 0
    # An organization has a handful of endpoints: their event lists are read and matched
    # here, which works on every database (SQLite has no JSON containment lookup).
    listening: dict[Any, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(organization_id__in=everyone, enabled=True):
        if event_type in (endpoint.events or []):
            listening.setdefault(endpoint.organization_id, []).append(endpoint)
    if not listening:
        return 0
    targets = {key: [endpoint for pk in ids for endpoint in listening.get(pk, [])]
               for key, (_obj, ids) in wanted.items()}
    targets = {key: endpoints for key, endpoints in targets.items() if endpoints}
    if not targets:
        return 0
    messages = _messages(event_type, {key: _data(wanted[key][0]) for key in targets})
    have = set(WebhookDelivery.objects.filter(message__in=list(messages.values()))
               .values_list("message_id", "endpoint_id"))
    new = [WebhookDelivery(message=messages[key], endpoint=endpoint)
           for key, endpoints in targets.items() for endpoint in endpoints
           if (messages[key].pk, endpoint.pk) not in have]
    return _write_deliveries(new)


def _data(obj: Any) -> dict[str, Any]:
    return obj() if callable(obj) else payloads.data_of(obj)


def _messages(event_type: str, data: dict[str, dict[str, Any]], *,
              now: datetime | None = None) -> dict[str, WebhookMessage]:
    """The events of these keys (key: data): written now, or those written before (by this
    or a concurrent transaction: INSERT … ON CONFLICT DO NOTHING, then read, without a
    savepoint)."""
    timestamp = (now or timezone.now()).replace(microsecond=0)
    WebhookMessage.objects.bulk_create(
        [WebhookMessage(key=key, type=event_type, timestamp=timestamp,
                        body=json.dumps({"type": event_type,
                                         "timestamp": timestamp.isoformat(), "data": item},
                                        cls=DjangoJSONEncoder, separators=(",", ":"),
                                        ensure_ascii=False))
         for key, item in data.items()], ignore_conflicts=True)
    return {message.key: message
            for message in WebhookMessage.objects.filter(key__in=list(data))}


def _write_deliveries(new: list[WebhookDelivery]) -> int:
    # A row a concurrent emit of the same event wrote first is skipped; its task, queued
    # here under this row's id, finds nothing to claim.
    WebhookDelivery.objects.bulk_create(new, ignore_conflicts=True)
    enqueue_many(DELIVER_TASK, [(f"webhook-delivery:{delivery.pk}",
                                 {"delivery_id": str(delivery.pk)}) for delivery in new])
    return len(new)


def _message(event_type: str, data: dict[str, Any], *, key: str,
             now: datetime | None = None) -> WebhookMessage:
    """The event of `key` (see _messages)."""
    return _messages(event_type, {key[:200]: data}, now=now)[key[:200]]


def _deliveries(message: WebhookMessage, endpoints: list[WebhookEndpoint]) -> int:
    have = set(WebhookDelivery.objects.filter(message=message, endpoint__in=endpoints)
               .values_list("endpoint_id", flat=True))
    return _write_deliveries([WebhookDelivery(message=message, endpoint=endpoint)
                              for endpoint in endpoints if endpoint.pk not in have])


# ------------------------------------------------------------------------ endpoints


def _audit(action: str, endpoint: WebhookEndpoint, actor: User | None,
           request: HttpRequest | None, **data: Any) -> None:
    record(actor=actor, organization=endpoint.organization, action=f"webhook.{action}",
           target=endpoint, data={"url": endpoint.url, **data}, request=request)


def _check(url: str, events: Iterable[str]) -> list[str]:
    problem = http.check_url(url)
    if problem:
        raise DomainError(problem, field="url", code="url")
    chosen = list(dict.fromkeys(events))
    if not chosen:
        raise DomainError(_("Choose at least one event."), field="events", code="events")
    unknown = [name for name in chosen if name not in EVENTS]
    if unknown:
        raise DomainError(_("Unknown event: %(name)s.") % {"name": unknown[0]}, field="events",
                          code="events")
    return chosen


@transaction.atomic
def endpoint_create(*, organization: Organization, url: str, description: str,
                    events: Iterable[str], actor: User,
                    request: HttpRequest | None = None) -> WebhookEndpoint:
    chosen = _check(url, events)
    endpoint = WebhookEndpoint.objects.create(
        organization=organization, url=url, description=description, events=chosen,
        secret_encrypted=crypto.encrypt(crypto.new_secret()), created_by=actor)
    _audit("endpoint_created", endpoint, actor, request, events=chosen)
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, url: str, description: str,
                    events: Iterable[str], enabled: bool, actor: User,
                    request: HttpRequest | None = None) -> WebhookEndpoint:
    chosen = _check(url, events)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changes = {"url": url, "description": description, "events": chosen, "enabled": enabled}
    before = {name: getattr(endpoint, name) for name in changes}
    for name, value in changes.items():
        setattr(endpoint, name, value)
    if enabled and not before["enabled"]:
        endpoint.disabled_reason = ""
        endpoint.failing_since = None
    elif not enabled and before["enabled"]:
        endpoint.disabled_reason = "admin"
    endpoint.save()
    _audit("endpoint_changed", endpoint, actor, request,
           changed=sorted(name for name in changes if before[name] != changes[name]))
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: User,
                    request: HttpRequest | None = None) -> None:
    _audit("endpoint_deleted", endpoint, actor, request)
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: User,
                           request: HttpRequest | None = None) -> WebhookEndpoint:
    """A new signing secret; deliveries from now on are signed with it."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret_encrypted = crypto.encrypt(crypto.new_secret())
    endpoint.save(update_fields=["secret_encrypted"])
    _audit("secret_rotated", endpoint, actor, request)
    return endpoint


def _in_flight(delivery: WebhookDelivery) -> bool:
    """Claimed by a worker that is sending it (its lease not over): moving its next attempt
    would let a second worker send it at the same time."""
    lease = timedelta(seconds=settings.PORTAL_WEBHOOKS_LEASE_SECONDS)
    return (delivery.last_attempt_at is not None
            and delivery.next_attempt_at == delivery.last_attempt_at + lease
            and delivery.next_attempt_at > timezone.now())


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, actor: User,
                    request: HttpRequest | None = None) -> WebhookDelivery:
    """Send the event again to its endpoint (same webhook-id), now."""
    delivery = (WebhookDelivery.objects.select_for_update().select_related("endpoint", "message")
                .get(pk=delivery.pk))
    if not delivery.endpoint.enabled:
        raise DomainError(_("Enable the endpoint before sending events to it again."),
                          code="disabled")
    if delivery.status == Status.PENDING and (delivery.attempts == 0 or _in_flight(delivery)):
        return delivery  # not tried yet, or being sent right now: it goes anyway
    delivery.status = Status.PENDING
    delivery.resends += 1
    delivery.next_attempt_at = timezone.now()
    delivery.first_attempt_at = None
    delivery.save(update_fields=["status", "resends", "next_attempt_at", "first_attempt_at"])
    enqueue(DELIVER_TASK, key=f"webhook-delivery:{delivery.pk}:resend:{delivery.resends}",
            delivery_id=str(delivery.pk))
    _audit("delivery_resent", delivery.endpoint, actor, request,
           event=delivery.message.message_id, type=delivery.message.type)
    return delivery


@transaction.atomic
def endpoint_send_test(*, endpoint: WebhookEndpoint, actor: User,
                       request: HttpRequest | None = None) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint only."""
    if not endpoint.enabled:
        raise DomainError(_("Enable the endpoint before sending events to it again."),
                          code="disabled")
    now = timezone.now()
    message = _message(TEST_EVENT, {"endpoint_id": str(endpoint.pk),
                                    "organization_id": str(endpoint.organization_id)},
                       key=f"webhook-test:{endpoint.pk}:{now.timestamp()}", now=now)
    _deliveries(message, [endpoint])
    _audit("test_sent", endpoint, actor, request, event=message.message_id)
    return WebhookDelivery.objects.get(message=message, endpoint=endpoint)
