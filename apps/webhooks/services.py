"""Webhooks: emit() in the transaction of a change, delivery with retries, endpoint admin.

`emit(event_type, obj, organizations=…, key=…)` is one line in a domain service: it writes
the event once (keyed by what happened) and one delivery per enabled endpoint of those
organizations that subscribed to the type, and enqueues each delivery through the outbox,
all in the caller's transaction. Nothing is written when no endpoint listens.

`deliver()` (the Celery task's body) claims the delivery with a conditional update that
moves its next attempt a lease ahead and commits, then POSTs: a second copy of the task, or
the retry sweep, finds nothing to claim while it runs, a delivery that succeeded is never
claimed again, and one whose worker was killed mid-request is taken again by the retry
sweep (`webhooks_retry`, beat) once its lease is over, with the same webhook-id.
A failure backs off exponentially with jitter; after PORTAL_WEBHOOKS_RETRY_DAYS the
delivery fails, and an endpoint that has failed that long is disabled and its admins
mailed.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.links import portal_url
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails
from apps.outbox.services import enqueue, send_mail

from . import crypto, http, payloads
from .events import EVENTS, TEST_EVENT
from .models import WebhookDelivery, WebhookEndpoint, WebhookMessage

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Organization

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
DELIVER_TASK = "apps.webhooks.tasks.deliver_webhook"
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
    key = f"{event_type}:{key}"
    ids = {organization.pk for organization in organizations if organization is not None}
    endpoints = list(WebhookEndpoint.objects.filter(organization_id__in=ids, enabled=True,
                                                    events__contains=[event_type]))
    if not endpoints:
        return 0
    message = _message(event_type, payloads.data_of(obj), key=key)
    return _deliveries(message, endpoints)


def _message(event_type: str, data: dict[str, Any], *, key: str,
             now: datetime | None = None) -> WebhookMessage:
    existing = WebhookMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    timestamp = (now or timezone.now()).replace(microsecond=0)
    body = json.dumps({"type": event_type, "timestamp": timestamp.isoformat(), "data": data},
                      cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)
    try:
        with transaction.atomic():
            return WebhookMessage.objects.create(key=key[:200], type=event_type,
                                                 timestamp=timestamp, body=body)
    except IntegrityError:  # the same event, written by a concurrent transaction
        return WebhookMessage.objects.get(key=key[:200])


def _deliveries(message: WebhookMessage, endpoints: list[WebhookEndpoint]) -> int:
    have = set(WebhookDelivery.objects.filter(message=message, endpoint__in=endpoints)
               .values_list("endpoint_id", flat=True))
    new = [WebhookDelivery(message=message, endpoint=endpoint) for endpoint in endpoints
           if endpoint.pk not in have]
    WebhookDelivery.objects.bulk_create(new, ignore_conflicts=True)
    written = WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in new])
    for delivery_id in written.values_list("pk", flat=True):
        enqueue(DELIVER_TASK, key=f"webhook-delivery:{delivery_id}",
                delivery_id=str(delivery_id))
    return len(new)


# ------------------------------------------------------------------------- delivery


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed tries: doubling from
    PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS up to a ceiling, with ±20 % jitter so that the
    retries of many deliveries do not all fall on one second."""
    base = max(1, int(settings.PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS))
    delay = min(base << min(max(0, attempts - 1), 30),
                int(settings.PORTAL_WEBHOOKS_MAX_BACKOFF_SECONDS))
    return delay * random.uniform(0.8, 1.2)  # jitter, not a secret


def _claim(delivery_id: Any, now: datetime) -> WebhookDelivery | None:
    """Take the delivery for one attempt (committed before the request is sent)."""
    lease = now + timedelta(seconds=settings.PORTAL_WEBHOOKS_LEASE_SECONDS)
    with transaction.atomic():
        claimed = (WebhookDelivery.objects
                   .filter(pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now)
                   .update(attempts=F("attempts") + 1, next_attempt_at=lease,
                           last_attempt_at=now))
    if not claimed:
        return None
    return (WebhookDelivery.objects.select_related("message", "endpoint")
            .get(pk=delivery_id))


def headers_for(message: WebhookMessage, secret: str) -> dict[str, str]:
    timestamp = str(int(message.timestamp.timestamp()))
    return {"webhook-id": message.message_id, "webhook-timestamp": timestamp,
            "webhook-signature": crypto.sign(secret, message.message_id, timestamp,
                                             message.body.encode())}


def deliver(*, delivery_id: Any, now: datetime | None = None) -> str:
    """One attempt of a delivery, if it is due and nobody else has it; returns the outcome
    ("succeeded", "retry", "failed", "skipped")."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    endpoint, message = delivery.endpoint, delivery.message
    if not endpoint.enabled:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING).update(
            status=Status.FAILED, last_error=_("The endpoint is disabled."))
        return "failed"
    secret = endpoint_secret(endpoint)
    if secret is None:
        return _failed(delivery, now, error="The signing secret cannot be read: rotate it.")
    headers = headers_for(message, secret)
    try:
        answer = http.post(endpoint.url, message.body.encode(), headers)
    except http.Refused as error:
        return _failed(delivery, now, error=f"Refused: {error}")
    except Exception as error:  # network errors of every kind: try again later
        return _failed(delivery, now, error=f"{type(error).__name__}: {error}")
    fields = {"response_code": answer.status, "duration_ms": answer.duration_ms,
              "response_body": answer.body[:1024]}
    if 200 <= answer.status < 300:
        with transaction.atomic():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=Status.SUCCEEDED, last_error="", **fields)
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return "succeeded"
    return _failed(delivery, now, error=f"HTTP {answer.status}", **fields)


def _failed(delivery: WebhookDelivery, now: datetime, *, error: str, **fields: Any) -> str:
    window = timedelta(days=settings.PORTAL_WEBHOOKS_RETRY_DAYS)
    first = delivery.first_attempt_at or delivery.last_attempt_at or now
    given_up = now - first >= window
    fields.setdefault("response_code", None)
    fields.setdefault("duration_ms", None)
    fields.setdefault("response_body", "")
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING).update(
            status=Status.FAILED if given_up else Status.PENDING, last_error=error[:500],
            first_attempt_at=first,
            next_attempt_at=now + timedelta(seconds=backoff(delivery.attempts)), **fields)
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if endpoint.failing_since is None:
            endpoint.failing_since = now
            endpoint.save(update_fields=["failing_since"])
        elif endpoint.enabled and now - endpoint.failing_since >= window:
            _disable_failing(endpoint, now)
    logger.info("webhooks: delivery %s attempt %d failed: %s", delivery.pk, delivery.attempts,
                error[:200])
    return "failed" if given_up else "retry"


def _disable_failing(endpoint: WebhookEndpoint, now: datetime) -> None:
    endpoint.enabled = False
    endpoint.disabled_reason = "failing"
    endpoint.save(update_fields=["enabled", "disabled_reason"])
    record(actor=None, organization=endpoint.organization, action="webhook.endpoint_disabled",
           target=endpoint, data={"url": endpoint.url,
                                  "failing_since": endpoint.failing_since.isoformat()
                                  if endpoint.failing_since else None})
    to = member_emails(organization=endpoint.organization, roles=[Role.ADMIN])
    link = portal_url(f"/o/{endpoint.organization.slug}/webhooks/{endpoint.pk}/")
    send_mail(f"webhook-endpoint:{endpoint.pk}:disabled:{now.date().isoformat()}",
              "webhook_disabled", {"endpoint": endpoint, "link": link,
                                   "days": settings.PORTAL_WEBHOOKS_RETRY_DAYS}, to=to)
    # Its waiting deliveries go no further.
    WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING).update(
        status=Status.FAILED, last_error=_("The endpoint was disabled."))


def webhooks_retry(*, now: datetime | None = None, batch: int = 500) -> int:
    """Beat: enqueue the pending deliveries whose next attempt has come (a failed try's
    backoff, or the lease of a worker that died mid-request); returns how many."""
    now = now or timezone.now()
    due = list(WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now,
                                              attempts__gt=0)
               .order_by("next_attempt_at").values_list("pk", "attempts", "resends")[:batch])
    with transaction.atomic():
        for delivery_id, attempts, resends in due:
            enqueue(DELIVER_TASK, key=f"webhook-delivery:{delivery_id}:{resends}:{attempts}",
                    delivery_id=str(delivery_id))
    return len(due)


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


def endpoint_secret(endpoint: WebhookEndpoint) -> str | None:
    """The signing secret; None when SECRET_KEY changed since it was made (rotate it)."""
    try:
        return crypto.decrypt(endpoint.secret_encrypted)
    except InvalidToken:
        return None


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: User,
                           request: HttpRequest | None = None) -> WebhookEndpoint:
    """A new signing secret; deliveries from now on are signed with it."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret_encrypted = crypto.encrypt(crypto.new_secret())
    endpoint.save(update_fields=["secret_encrypted"])
    _audit("secret_rotated", endpoint, actor, request)
    return endpoint


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, actor: User,
                    request: HttpRequest | None = None) -> WebhookDelivery:
    """Send the event again to its endpoint (same webhook-id), now."""
    delivery = (WebhookDelivery.objects.select_for_update().select_related("endpoint", "message")
                .get(pk=delivery.pk))
    if not delivery.endpoint.enabled:
        raise DomainError(_("Enable the endpoint before sending events to it again."),
                          code="disabled")
    if delivery.status == Status.PENDING and delivery.attempts == 0:
        return delivery  # not tried yet: it goes anyway
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
