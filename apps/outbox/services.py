"""The outbox: `enqueue()` is the one way a service starts background work.

The task is written as a row in the caller's transaction (its name, its arguments by id and
an idempotency key), so it exists exactly when the change it follows does. Once that
transaction commits the row is relayed to the broker at once; when the broker cannot be
reached the error is logged as one line and the row stays pending: the relay (a beat task
every PORTAL_OUTBOX_RELAY_SECONDS) claims due rows and sends them, backing off
exponentially up to a ceiling, and marks a row failed after PORTAL_OUTBOX_MAX_ATTEMPTS.
Nothing in a request's path raises because of the broker.

In eager mode (CELERY_TASK_ALWAYS_EAGER, no broker) the task runs when the transaction
commits, as `delay_on_commit` did, errors included.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.links import HEADER, current_base_url

from .models import OutboxMessage

if TYPE_CHECKING:
    from celery import Task
    from django.http import HttpRequest

    from apps.accounts.models import User

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status


def backoff(attempts: int) -> int:
    """Seconds before the next try after `attempts` tries: doubling, with a ceiling."""
    base = max(1, int(settings.PORTAL_OUTBOX_RELAY_SECONDS))
    return min(base << max(0, attempts - 1), int(settings.PORTAL_OUTBOX_MAX_BACKOFF_SECONDS))


def enqueue(task: Task | str, *, key: str | None = None, **kwargs: Any) -> OutboxMessage:
    """Write `task(**kwargs)` in the current transaction; relay it once that commits.

    `task` is a Celery task (or its name); `kwargs` are ids and plain values, never secrets.
    With `key`, a second enqueue of the same key is the same message (nothing new is sent).
    """
    name = task if isinstance(task, str) else task.name
    if current_base_url() and not settings.PORTAL_BASE_URL:
        # The links of the mail it sends point at the host of this request (apps.links).
        kwargs = {**kwargs, HEADER: current_base_url()}
    fields = {"task": name, "kwargs": kwargs}
    if key is not None:
        existing = OutboxMessage.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(idempotency_key=key, **fields)
        except IntegrityError:  # the same key, written by a concurrent transaction
            return OutboxMessage.objects.get(idempotency_key=key)
    else:
        message = OutboxMessage.objects.create(**fields)
    transaction.on_commit(partial(_relay_now, message.pk))
    return message


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _relay_now(pk: Any) -> None:
    """After commit: claim the new row (the relay may not have it too) and send it."""
    now = timezone.now()
    claimed = (OutboxMessage.objects
               .filter(pk=pk, status=Status.PENDING, attempts=0)
               .update(attempts=1, next_attempt_at=now + timedelta(seconds=backoff(1))))
    if not claimed:
        return
    message = OutboxMessage.objects.get(pk=pk)
    if _eager():
        # No broker: the task runs here and now, and its errors reach the caller as before.
        try:
            current_app.tasks[message.task].apply_async(**_send_args(message))
        except Exception as error:
            _record_failure(message, error)
            raise
        _record_sent(message)
        return
    _deliver(message)


def _send_args(message: OutboxMessage) -> dict[str, Any]:
    """The task's arguments; the request's base URL, when kept, goes as a header."""
    kwargs = dict(message.kwargs)
    base = kwargs.pop(HEADER, None)
    return {"kwargs": kwargs, **({"headers": {HEADER: base}} if base else {})}


def _deliver(message: OutboxMessage) -> bool:
    """Hand a claimed row to the broker; True when it went. Never raises."""
    try:
        task = current_app.tasks[message.task]
        # No publish retries: a broker that is down must not hold a request; the relay
        # tries again later.
        task.apply_async(**_send_args(message), retry=False)
    except Exception as error:  # the broker's errors vary by transport; all mean "later"
        _record_failure(message, error)
        logger.warning("outbox: %s %s not relayed (attempt %d): %s: %s", message.task,
                       message.pk, message.attempts, type(error).__name__, error)
        return False
    _record_sent(message)
    return True


def _record_sent(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="")


def _record_failure(message: OutboxMessage, error: BaseException) -> None:
    status = (Status.FAILED if message.attempts >= settings.PORTAL_OUTBOX_MAX_ATTEMPTS
              else Status.PENDING)
    OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(
        status=status, last_error=f"{type(error).__name__}: {error}"[:2000])


def outbox_relay(*, now: datetime | None = None, batch: int = 100) -> int:
    """Claim the due pending rows and send them; returns how many went to the broker.

    The claim (row locks skipped by concurrent relays, the next attempt moved forward) is
    committed before anything is sent, so two relays never send one row at the same time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(status=Status.PENDING, next_attempt_at__lte=now)
                   .order_by("next_attempt_at")[:batch])
        for message in due:
            message.attempts += 1
            message.next_attempt_at = now + timedelta(seconds=backoff(message.attempts))
        OutboxMessage.objects.bulk_update(due, ["attempts", "next_attempt_at"])
    return sum(1 for message in due if _deliver(message))


def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete the messages sent more than PORTAL_OUTBOX_KEEP_DAYS ago (beat, hourly): the
    table stays small. Pending and failed messages stay, for the relay and for operators."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PORTAL_OUTBOX_KEEP_DAYS)
    deleted, _by_model = OutboxMessage.objects.filter(status=Status.SENT,
                                                      sent_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def outbox_send_again(*, message: OutboxMessage, actor: User | None,
                      request: HttpRequest | None = None) -> OutboxMessage:
    """An operator's "send again": the row goes back to pending and is relayed at once."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == Status.SENT:
        raise DomainError(_("This message was already sent."), code="already_sent")
    message.status = Status.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    record(actor=actor, organization=None, action="outbox.sent_again", target=message,
           data={"task": message.task, "last_error": message.last_error[:200]},
           request=request)
    transaction.on_commit(partial(_relay_now, message.pk))
    return message
