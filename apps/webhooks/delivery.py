"""Delivering webhooks: one attempt per claim, retries with backoff, the three-day limit.

`deliver()` (the Celery task's body) claims the delivery with a conditional update that
moves its next attempt a lease ahead and commits, then POSTs: a second copy of the task, or
the retry sweep, finds nothing to claim while it runs, a delivery that succeeded is never
claimed again, and one whose worker was killed mid-request is taken again by the retry
sweep (`webhooks_retry`, beat) once its lease is over, with the same webhook-id.
A failure backs off exponentially with jitter; after PORTAL_WEBHOOKS_RETRY_DAYS the
delivery fails, and an endpoint that has failed that long is disabled and its admins
mailed. Reached through apps.webhooks.services.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.links import portal_url
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails
from apps.outbox.services import enqueue, send_mail

from . import crypto, http
from .models import WebhookDelivery, WebhookEndpoint, WebhookMessage

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
DELIVER_TASK = "apps.webhooks.tasks.deliver_webhook"


def endpoint_secret(endpoint: WebhookEndpoint) -> str | None:
    """The signing secret; None when SECRET_KEY changed since it was made (rotate it)."""
    try:
        return crypto.decrypt(endpoint.secret_encrypted)
    except InvalidToken:
        return None


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed tries: doubling from
    PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS up to a ceiling, with ±20 % jitter so that the
    retries of many deliveries do not all fall on one second."""
    base = max(1, int(settings.PORTAL_WEBHOOKS_FIRST_RETRY_SECONDS))
    delay = min(base << min(max(0, attempts - 1), 30),
                int(settings.PORTAL_WEBHOOKS_MAX_BACKOFF_SECONDS))
    return delay * random.uniform(0.8, 1.2)  # jitter, not a secret


@contextmanager
def _bookkeeping() -> Iterator[None]:
    """A transaction of a delivery's claim or outcome, committed without waiting for the WAL
    flush: a database crash may lose its last fraction of a second, which at worst sends a
    delivery again with the same webhook-id (receivers dedupe by it, as the specification
    asks); it halves the time a delivery takes on a busy disk."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _claim(delivery_id: Any, now: datetime) -> WebhookDelivery | None:
    """Take the delivery for one attempt (committed before the request is sent)."""
    lease = now + timedelta(seconds=settings.PORTAL_WEBHOOKS_LEASE_SECONDS)
    with _bookkeeping():
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
        with _bookkeeping():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=Status.SUCCEEDED, last_error="", **fields)
            # Only when it was failing: deliveries in parallel do not queue on its row.
            WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(
                failing_since=None)
        return "succeeded"
    return _failed(delivery, now, error=f"HTTP {answer.status}", **fields)


def _failed(delivery: WebhookDelivery, now: datetime, *, error: str, **fields: Any) -> str:
    window = timedelta(days=settings.PORTAL_WEBHOOKS_RETRY_DAYS)
    first = delivery.first_attempt_at or delivery.last_attempt_at or now
    given_up = now - first >= window
    fields.setdefault("response_code", None)
    fields.setdefault("duration_ms", None)
    fields.setdefault("response_body", "")
    with _bookkeeping():
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


