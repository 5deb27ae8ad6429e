"""The outbox: `enqueue()` is the one way a service starts background work.

The task is written as a row in the caller's transaction (its name, its arguments by id and
an idempotency key), so it exists exactly when the change it follows does. Once that
transaction commits the row is relayed to the broker at once; when the broker cannot be
reached the error is logged as one line and the row stays pending: the relay (a beat task
every PORTAL_OUTBOX_RELAY_SECONDS) claims due rows and sends them, backing off
exponentially up to a ceiling, and marks a row failed after PORTAL_OUTBOX_MAX_ATTEMPTS.
Nothing in a request's path raises because of the broker.

A row handed to the broker is "sent", not finished: the broker can still lose it (Redis
restarted empty while it was queued). The message carries the row's id as a header
(OUTBOX_HEADER) and the row is "done" when its task has run (returned, whatever it
returned: the `task_success` handler in apps.outbox.signals). A row still "sent"
PORTAL_OUTBOX_REDELIVER_SECONDS after it went (a lease longer than the task hard time limit
and the queue's usual wait) is relayed again by the same relay, counting as an attempt, with
the same backoff and ceiling. Tasks are idempotent (each claims its own work), so a second
delivery of a task that did run but could not be marked done does nothing twice.

Mail has one path too: `send_mail()` writes one OutboundMail row per recipient (rendered in
the recipient's language, keyed by event + template + recipient, so a task run twice
writes nothing new), claims it and sends it once the caller's transaction commits. A
failed send is recorded on the row (attempts, last error) and tried again by the mail relay
(`mail_relay`, a beat task) with the same backoff and ceiling as the outbox's messages;
after the last attempt the row is failed and an operator can send it again from the admin.

In eager mode (CELERY_TASK_ALWAYS_EAGER, no broker) the task runs when the transaction
commits, as `delay_on_commit` did, errors included, and its row is done once it returned.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.i18n import recipient_languages
from apps.links import HEADER, current_base_url
from apps.mail import OnBehalfOf, build_message, render_templated

from . import hooks
from .models import OutboundMail, OutboxMessage

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from celery import Task
    from django.http import HttpRequest

    from apps.accounts.models import User

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status
# The message header that carries the outbox row's id to the task (read by the
# task_success handler, apps.outbox.signals); also the name of the task's request attribute.
OUTBOX_HEADER = "portal_outbox_id"


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


def enqueue_many(task: Task | str, items: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
    """`enqueue()` of many messages of one task, each with its key and arguments, in two
    statements (the keys already written, one INSERT) instead of two or more per message:
    what a batch (the term engine's chunk, a month close) enqueues. A key already written
    (or twice in `items`) is one message. Returns how many were written now."""
    name = task if isinstance(task, str) else task.name
    base = current_base_url() if not settings.PORTAL_BASE_URL else ""
    wanted: dict[str, dict[str, Any]] = {}
    for key, kwargs in items:
        wanted.setdefault(key, {**kwargs, HEADER: base} if base else dict(kwargs))
    if not wanted:
        return 0
    existing = set(OutboxMessage.objects.filter(idempotency_key__in=list(wanted))
                   .values_list("idempotency_key", flat=True))
    new = [OutboxMessage(idempotency_key=key, task=name, kwargs=kwargs)
           for key, kwargs in wanted.items() if key not in existing]
    # A key a concurrent transaction wrote meanwhile stays its row; ours is not written,
    # and its relay below finds nothing to claim.
    OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
    for message in new:
        transaction.on_commit(partial(_relay_now, message.pk))
    return len(new)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _claim_first_try(model: type[OutboxMessage | OutboundMail], pk: Any) -> bool:
    """After commit: claim a new row for its first try, so that the relay, which may meet
    it too, does not; its next try is then `backoff(1)` away."""
    return bool(model.objects.filter(pk=pk, status=Status.PENDING, attempts=0)
                .update(attempts=1,
                        next_attempt_at=timezone.now() + timedelta(seconds=backoff(1))))


def _status_after_failure(attempts: int) -> str:
    """A failed try: pending again, or failed once the attempts reach the ceiling."""
    return (Status.FAILED if attempts >= settings.PORTAL_OUTBOX_MAX_ATTEMPTS
            else Status.PENDING)


def _relay_now(pk: Any) -> None:
    """After commit: claim the new row (the relay may not have it too) and send it."""
    if not _claim_first_try(OutboxMessage, pk):
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
    """The task's arguments; the row's id and the request's base URL, when kept, go as
    headers."""
    kwargs = dict(message.kwargs)
    base = kwargs.pop(HEADER, None)
    headers = {OUTBOX_HEADER: str(message.pk), **({HEADER: base} if base else {})}
    return {"kwargs": kwargs, "headers": headers}


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


def redeliver_after(attempts: int) -> int:
    """Seconds a sent row waits for its task to run before it is relayed again: the lease,
    or the backoff of its attempts when that is longer."""
    return max(int(settings.PORTAL_OUTBOX_REDELIVER_SECONDS), backoff(attempts))


def _record_sent(message: OutboxMessage) -> None:
    """The broker took it (eager: the task ran). A row already done (its task ran before
    this line) stays done."""
    now = timezone.now()
    if _eager():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=Status.DONE, sent_at=now, last_error="")
        return
    OutboxMessage.objects.filter(pk=message.pk, status__in=[Status.PENDING, Status.SENT]).update(
        status=Status.SENT, sent_at=now, last_error="",
        next_attempt_at=now + timedelta(seconds=redeliver_after(message.attempts)))


def _record_failure(message: OutboxMessage, error: BaseException) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status__in=[Status.PENDING, Status.SENT]).update(
        status=_status_after_failure(message.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000])


def outbox_done(message_id: Any) -> int:
    """The task of the row `message_id` has run: the row is done (relayed no more)."""
    return (OutboxMessage.objects.filter(pk=message_id)
            .exclude(status=Status.DONE).update(status=Status.DONE, last_error=""))


def outbox_relay(*, now: datetime | None = None, batch: int = 100) -> int:
    """Claim the due rows and send them; returns how many went to the broker.

    Due: pending rows whose next attempt has come, and sent rows whose task has not run
    within their lease (`redeliver_after`; the broker lost the message, or the worker that
    had it died): those are relayed again, as one more attempt, and a sent row that used
    its last attempt is failed instead (an operator can send it again).

    The claim (row locks skipped by concurrent relays, the next attempt moved forward) is
    committed before anything is sent, so two relays never send one row at the same time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(status__in=[Status.PENDING, Status.SENT], next_attempt_at__lte=now)
                   .order_by("next_attempt_at")[:batch])
        spent = [message for message in due if message.status == Status.SENT
                 and message.attempts >= settings.PORTAL_OUTBOX_MAX_ATTEMPTS]
        for message in spent:
            message.status = Status.FAILED
            message.last_error = f"relayed {message.attempts} times, the task never ran"
        due = [message for message in due if message not in spent]
        for message in due:
            message.attempts += 1
            message.next_attempt_at = now + timedelta(seconds=backoff(message.attempts))
        OutboxMessage.objects.bulk_update(due, ["attempts", "next_attempt_at"])
        OutboxMessage.objects.bulk_update(spent, ["status", "last_error"])
    for message in spent:
        logger.warning("outbox: %s %s failed: relayed %d times, never run", message.task,
                       message.pk, message.attempts)
    redelivered = [message for message in due if message.status == Status.SENT]
    if redelivered:
        logger.info("outbox: relaying again %d sent message(s) not run within the lease",
                    len(redelivered))
    return sum(1 for message in due if _deliver(message))


def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete the messages (done, or sent and never heard of) and mails sent more than
    PORTAL_OUTBOX_KEEP_DAYS ago (beat, hourly): the tables stay small. Pending and failed
    ones stay, for the relays and for operators."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PORTAL_OUTBOX_KEEP_DAYS)
    deleted, _by_model = OutboxMessage.objects.filter(status__in=[Status.SENT, Status.DONE],
                                                      sent_at__lt=cutoff).delete()
    mails, _by_model = OutboundMail.objects.filter(status=Status.SENT,
                                                   sent_at__lt=cutoff).delete()
    return deleted + mails


@transaction.atomic
def outbox_send_again(*, message: OutboxMessage, actor: User | None,
                      request: HttpRequest | None = None) -> OutboxMessage:
    """An operator's "send again": the row goes back to pending and is relayed at once (a
    sent one too: its task may have been lost; a done one has run)."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == Status.DONE:
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


# ------------------------------------------------------------------------------- mail


def mail_key(event: str, template: str, recipient: str) -> str:
    """The idempotency key of one mail: what happened, which mail, to whom."""
    return f"{event}:{template}:{recipient.lower()}"


def send_mail(event: str, template: str, context: Mapping[str, Any], *, to: Sequence[str],
              from_email: str | OnBehalfOf | None = None,
              reply_to: Sequence[str] | None = None,
              language: str | None = None) -> list[OutboundMail]:
    """Mail `template` to each address of `to` because of `event`; returns the rows.

    `event` names what happened (e.g. "support-message:<id>", "team-invitation:<id>:send:2"):
    a mail already written for the same event, template and recipient is not written or
    sent again. Each address reads its account's language; an address without an account
    gets `language` (the sender's), else the default language. The new rows are sent once
    the caller's transaction commits; a delivery error is recorded on the row (never
    raised) and the mail relay tries again later.
    """
    addresses = list(dict.fromkeys(address.strip() for address in to if address.strip()))
    keys = {address: mail_key(event, template, address) for address in addresses}
    existing = {mail.idempotency_key: mail for mail in
                OutboundMail.objects.filter(idempotency_key__in=keys.values())}
    rendered: dict[str, Any] = {}
    mails: list[OutboundMail] = []
    for address, address_language in recipient_languages(
            [a for a in addresses if keys[a] not in existing], fallback=language).items():
        if address_language not in rendered:
            rendered[address_language] = render_templated(
                template, context, language=address_language, from_email=from_email)
        content = rendered[address_language]
        mail, created = _mail_create(
            idempotency_key=keys[address], event=event[:200], template=template,
            recipient=address, language=address_language, subject=content.subject[:998],
            from_email=content.from_email, reply_to=list(reply_to or []),
            body_text=content.body_text, body_html=content.body_html)
        if created:
            transaction.on_commit(partial(_send_now, mail.pk))
        mails.append(mail)
    return [*existing.values(), *mails]


def _mail_create(*, idempotency_key: str, **fields: Any) -> tuple[OutboundMail, bool]:
    try:
        with transaction.atomic():
            return OutboundMail.objects.create(idempotency_key=idempotency_key, **fields), True
    except IntegrityError:  # the same mail, written by a concurrent run of the same event
        return OutboundMail.objects.get(idempotency_key=idempotency_key), False


def _send_now(pk: Any) -> None:
    """After commit: claim the new row (the relay may not have it too) and send it."""
    if _claim_first_try(OutboundMail, pk):
        _deliver_mail(OutboundMail.objects.get(pk=pk))


def _deliver_mail(mail: OutboundMail) -> bool:
    """Send a claimed row; True when it went. Records the outcome; never raises."""
    message = build_message(to=mail.recipient, subject=mail.subject, body_text=mail.body_text,
                            body_html=mail.body_html, from_email=mail.from_email,
                            reply_to=mail.reply_to)
    try:
        message.send()
    except Exception as error:  # SMTP, socket and backend errors alike mean "try later"
        error_text = f"{type(error).__name__}: {error}"[:2000]
        OutboundMail.objects.filter(pk=mail.pk, status=Status.PENDING).update(
            status=_status_after_failure(mail.attempts), last_error=error_text)
        logger.warning("mail: %s %s to %s not sent (attempt %d): %s", mail.template, mail.pk,
                       mail.recipient, mail.attempts, error_text)
        _tell(mail.event, sent=False, error=error_text)
        if isinstance(error, SoftTimeLimitExceeded):
            raise  # the task's time is up: the next relay goes on
        return False
    # Sent: the bodies (one-time links) are not kept.
    OutboundMail.objects.filter(pk=mail.pk).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", body_text="", body_html="")
    _tell(mail.event, sent=True, error="")
    return True


def _tell(event: str, *, sent: bool, error: str) -> None:
    try:
        hooks.mail_outcome(event=event, sent=sent, error=error)
    except Exception:  # the mail's own record is saved; a listener's error must not undo it
        logger.exception("mail: a listener of %s failed", event)


def mail_relay(*, now: datetime | None = None, batch: int = 20) -> int:
    """Send up to `batch` due pending mails, claiming one at a time; returns how many went.

    Each claim (rows locked by a concurrent relay are skipped, the next attempt moved
    forward by `backoff()`) commits before the mail is sent, so no mail is sent twice at
    once, and a relay stopped by its time limit leaves the rows it had not reached as they
    were.
    """
    sent = 0
    for _turn in range(batch):
        mail = _claim_due_mail(now or timezone.now())
        if mail is None:
            break
        sent += _deliver_mail(mail)
    return sent


def _claim_due_mail(now: datetime) -> OutboundMail | None:
    with transaction.atomic():
        mail = (OutboundMail.objects.select_for_update(skip_locked=True)
                .filter(status=Status.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").first())
        if mail is not None:
            mail.attempts += 1
            mail.next_attempt_at = now + timedelta(seconds=backoff(mail.attempts))
            mail.save(update_fields=["attempts", "next_attempt_at"])
    return mail


@transaction.atomic
def mail_send_again(*, mail: OutboundMail, actor: User | None,
                    request: HttpRequest | None = None) -> OutboundMail:
    """An operator's "send again" of a failed mail: back to pending, sent after commit."""
    mail = OutboundMail.objects.select_for_update().get(pk=mail.pk)
    if mail.status != Status.FAILED:
        raise DomainError(_("Only a failed mail can be sent again."), code="not_failed")
    last_error = mail.last_error
    mail.status = Status.PENDING
    mail.attempts = 0
    mail.next_attempt_at = timezone.now()
    mail.save(update_fields=["status", "attempts", "next_attempt_at"])
    record(actor=actor, organization=None, action="outbox.mail_sent_again", target=mail,
           data={"template": mail.template, "recipient": mail.recipient,
                 "last_error": last_error[:200]},
           request=request)
    transaction.on_commit(partial(_send_now, mail.pk))
    return mail
