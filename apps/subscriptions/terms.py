"""The term engine: subscriptions whose term ends are renewed (auto-renew on) or expire
(auto-renew off, or suspended), and renewal reminders go out 30 and 7 days before. The
rules are in docs/terms.md.

Both runs claim rows in small chunks (`select_for_update(skip_locked=True)`): concurrent
runs take different rows, and each chunk commits on its own, so a failure or a time limit
loses one chunk at most and the next run goes on from there. A renewal is recorded as a
`renewal` change order whose idempotency key names the subscription and the term end it
renews: the database refuses a second one, whatever happens to the run.
"""

from __future__ import annotations

import calendar
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from apps.audit.services import record_many
from apps.links import portal_url
from apps.orders.services import Change, ChangeAction, change_orders_record
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails
from apps.outbox.services import send_mail
from apps.webhooks.services import data_of, emit_many

from .models import Subscription
from .services import add_months

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from django.db.models import F, QuerySet

logger = logging.getLogger(__name__)

Status = Subscription.Status
OPEN = (Status.ACTIVE, Status.SUSPENDED)
CHUNK = 500
# Reminders go out this many days before term_end; a late run sends the latest one due.
REMINDER_DAYS = (30, 7)
# Idempotency keys of the engine's change orders (uuid5 of subscription and term end).
_KEYS = uuid.UUID("6f1d7c1e-5b0a-4d59-9c43-2f7f3d2c8a10")


def renewal_day(subscription: Subscription) -> int:
    """The day of the month its terms end on: kept from the first renewal on; before it,
    term_end's day, or term_start's when term_end was cut to a shorter month's last day
    (bought Jan 31, first term ending Feb 28: the 31st)."""
    if subscription.renewal_day:
        return subscription.renewal_day
    end = subscription.term_end
    if (end.day == calendar.monthrange(end.year, end.month)[1]
            and subscription.term_start.day > end.day):
        return subscription.term_start.day
    return end.day


def next_term_end(subscription: Subscription, start: date) -> date:
    """The end of the term that starts on `start`: the offer's term later, on the
    subscription's renewal day (its purchase day), or the month's last day when shorter.
    Jan 31 monthly: Feb 28 (29), Mar 31, Apr 30; Feb 29, 2028 yearly: Feb 28, 2029."""
    day = renewal_day(subscription)
    # A term of at least a month: a zero-month offer must not renew forever on one day.
    first = add_months(start.replace(day=1), max(1, subscription.offer.term_months))
    return first.replace(day=min(day, calendar.monthrange(first.year, first.month)[1]))


def renewal_key(subscription: Subscription, term_end: date, what: str = "renewal") -> uuid.UUID:
    """The change order key of the renewal (or expiry) of the term ending on `term_end`."""
    return uuid.uuid5(_KEYS, f"{what}:{subscription.pk}:{term_end.isoformat()}")


@dataclass
class Run:
    """What a run did. `more`: it stopped at its deadline with rows still due."""
    renewed: int = 0
    expired: int = 0
    reminded: int = 0
    failed: list[str] = field(default_factory=list)
    more: bool = False
    # Rows claimed and found to need nothing after all: not claimed again by this run.
    passed: list[str] = field(default_factory=list)
    claims: int = 0


# ------------------------------------------------------------------ renewals and expiries


def _event(subscription: Subscription, action: str, data: dict[str, Any]) -> dict[str, Any]:
    # In the provider's log (the subscription's history shows it to its reseller too), as
    # a purchase is: once, so the history lists each renewal once.
    return {"actor": None, "organization": subscription.provider,
            "action": f"subscription.{action}", "target": subscription,
            "data": {"customer": subscription.customer.name,
                     "offer": subscription.offer.name, **data}}


def _end_terms(subscriptions: Sequence[Subscription]) -> list[tuple[Any, str]]:
    """Renew (auto-renew on, active) or expire each subscription, in a few statements for
    the chunk (renewing 10,000 one statement at a time took minutes).

    A renewal: one new term from the old term_end (the reduction window, which counts from
    term_start, opens again; the reminders start over). An expiry: its licenses are freed
    (an expired subscription is no longer open, so nothing counts it as live) and it is
    read-only from now on. Each is a completed change order (apps.orders fires
    order_took_effect for each: billing charges the new term) and an audit event."""
    renewing = [s for s in subscriptions if s.renews]
    expiring = [s for s in subscriptions if not s.renews]
    changes, events = [], []
    # The term end each one reached: the key of its webhook event (once per term).
    ended_on = {s.pk: s.term_end for s in subscriptions}
    for subscription in renewing:
        ended = subscription.term_end
        subscription.renewal_day = renewal_day(subscription)
        subscription.term_start = ended
        subscription.term_end = next_term_end(subscription, ended)
        subscription.reminded_days = None
        changes.append(Change(subscription=subscription, action=ChangeAction.RENEWAL,
                              quantity=subscription.quantity,
                              previous_quantity=subscription.quantity,
                              idempotency_key=renewal_key(subscription, ended)))
    previous = {s.pk: s.status for s in expiring}
    for subscription in expiring:
        subscription.status = Status.EXPIRED
        changes.append(Change(subscription=subscription, action=ChangeAction.EXPIRY,
                              quantity=subscription.quantity,
                              previous_quantity=subscription.quantity,
                              idempotency_key=renewal_key(subscription, subscription.term_end,
                                                          "expiry")))
    # One UPDATE per new term (a chunk due the same day has a few: bulk_update's CASE per
    # row cost more than all the rest).
    terms: dict[tuple[date, date, int | None], list[Any]] = {}
    for subscription in renewing:
        terms.setdefault((subscription.term_start, subscription.term_end,
                          subscription.renewal_day), []).append(subscription.pk)
    for (start, end, day), pks in terms.items():
        Subscription.objects.filter(pk__in=pks).update(
            term_start=start, term_end=end, renewal_day=day, reminded_days=None)
    if expiring:
        Subscription.objects.filter(pk__in=[s.pk for s in expiring]).update(
            status=Status.EXPIRED)
    orders = change_orders_record(changes=changes)
    for change, order in zip(changes, orders, strict=True):
        subscription = change.subscription
        data: dict[str, Any] = {"licenses": subscription.quantity,
                                "term_end": str(subscription.term_end),
                                "order": str(order.pk)}
        if change.action == ChangeAction.RENEWAL:
            data["term_start"] = str(subscription.term_start)
        else:
            data["previous_status"] = previous[subscription.pk]
        events.append(_event(subscription, "renewed" if change.action == ChangeAction.RENEWAL
                             else "expired", data))
    record_many(events)
    _announce(changes, orders, ended_on)
    return [(change.subscription.pk, "renewed" if change.action == ChangeAction.RENEWAL
             else "expired") for change in changes]


def _announce(changes: Sequence[Change], orders: Sequence[Any],
              ended_on: dict[Any, date]) -> None:
    """subscription.renewed and subscription.expired to the endpoints of each one's provider
    and delegated reseller: one emit_many per type for the chunk. Keyed by the term end it
    reached, so a second run (or a chunk done again) sends nothing twice."""

    def data(subscription: Subscription, order: Any) -> Callable[[], dict[str, Any]]:
        # Built only when an endpoint listens.
        return lambda: {**data_of(subscription), "order_id": str(order.pk),
                        "previous_term_end": ended_on[subscription.pk].isoformat()}

    for action, event_type in ((ChangeAction.RENEWAL, "subscription.renewed"),
                               (ChangeAction.EXPIRY, "subscription.expired")):
        emit_many(event_type, [
            (data(change.subscription, order),
             [change.subscription.customer.provider_id,
              change.subscription.customer.reseller_id],
             f"{change.subscription.pk}:{ended_on[change.subscription.pk].isoformat()}")
            for change, order in zip(changes, orders, strict=True) if change.action == action])


def _end_term(subscription: Subscription) -> str:
    """One subscription alone (a failed chunk's rows, each in its own savepoint)."""
    return _end_terms([subscription])[0][1]


def _due_terms(today: date) -> QuerySet[Subscription]:
    # What _end_terms reads.
    return (Subscription.objects.filter(status__in=OPEN, term_end__lte=today)
            .select_related("offer", "customer", "provider")
            .order_by("term_end", "pk"))


def _chunks(run: Run, rows: Callable[[list[str]], QuerySet[Subscription]],
            handle: Callable[[Subscription], str], deadline: float, chunk: int,
            handle_all: Callable[[Sequence[Subscription]], list[tuple[Any, str]]] | None = None,
            lazy_commit: bool = False) -> Run:
    """Claim up to `chunk` rows, handle them (`handle_all` at once, else `handle` each),
    commit; again until none is left or the deadline has passed. A chunk that fails is
    handled again row by row (`handle`), each in a savepoint, so one bad subscription is left
    for the next run (logged) and the others go on."""
    while True:
        if run.claims and time.monotonic() >= deadline:
            # (After one chunk at least: a run always makes progress.)
            run.more = rows(run.failed + run.passed).exists()
            return run
        run.claims += 1
        with transaction.atomic():
            if lazy_commit and connection.vendor == "postgresql":
                # The commit need not wait for the disk: a chunk lost to a crash was never
                # seen by anyone, and the next run does it again (same keys).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            claimed = list(rows(run.failed + run.passed)
                           .select_for_update(of=("self",), skip_locked=True)[:chunk])
            if not claimed:
                return run
            outcomes: list[tuple[Any, str]]
            try:
                with transaction.atomic():
                    outcomes = (handle_all(claimed) if handle_all is not None
                                else [(subscription.pk, handle(subscription))
                                      for subscription in claimed])
            except SoftTimeLimitExceeded:
                raise  # the task's time is up: this chunk rolls back, the next run redoes it
            except Exception:
                outcomes = []
                for subscription in claimed:
                    try:
                        with transaction.atomic():
                            # Read again: the failed chunk may have changed it in memory.
                            fresh = rows([]).filter(pk=subscription.pk).first()
                            if fresh is not None:
                                outcomes.append((fresh.pk, handle(fresh)))
                    except Exception:
                        logger.exception("term engine: subscription %s failed; left for the "
                                         "next run", subscription.pk)
                        run.failed.append(str(subscription.pk))
            for pk, outcome in outcomes:
                if outcome == "skipped":
                    run.passed.append(str(pk))
                elif outcome == "renewed":
                    run.renewed += 1
                elif outcome == "expired":
                    run.expired += 1
                elif outcome == "reminded":
                    run.reminded += 1


def terms_run(*, today: date | None = None, seconds: float | None = None,
              chunk: int = CHUNK) -> Run:
    """Renew (auto-renew on) or expire (auto-renew off, suspended) every open subscription
    whose term ended by `today`. One several terms behind is renewed term by term (each
    renewal its own order, charged as such) until its term_end is after `today`. Stops after
    `seconds` (when given) with `more` set if rows are left."""
    today = today or timezone.localdate()
    deadline = time.monotonic() + seconds if seconds is not None else float("inf")

    def rows(failed: Sequence[str]) -> QuerySet[Subscription]:
        return _due_terms(today).exclude(pk__in=failed)

    return _chunks(Run(), rows, _end_term, deadline, chunk, handle_all=_end_terms,
                   lazy_commit=True)


# ------------------------------------------------------------------ reminders


def _marks(subscription: Subscription) -> list[int]:
    """The reminders this term has, nearest first: those in the term's second half (a
    monthly term gets the 7-day one only, not a 30-day one on the day it renewed)."""
    return [days for days in sorted(REMINDER_DAYS)
            if subscription.term_end - timedelta(days=2 * days) >= subscription.term_start]


def reminder_due(subscription: Subscription, today: date) -> int | None:
    """The reminder (30 or 7: days before term_end) due `today`, or None. A late run sends
    the latest one due: past the 7-day mark, the 7-day one, never a stale 30-day one."""
    if not subscription.renews:
        return None
    days_left = (subscription.term_end - today).days
    if days_left <= 0:
        return None
    for days in _marks(subscription):
        if days_left <= days:
            sent = subscription.reminded_days
            return days if sent is None or sent > days else None
    return None


def _due_reminders(today: date) -> QuerySet[Subscription]:
    """The subscriptions reminder_due() finds a reminder for (the same rules, in SQL)."""
    due = Q()
    for days in sorted(REMINDER_DAYS):
        due |= (Q(term_end__lte=today + timedelta(days=days),
                  term_start__lte=F("term_end") - timedelta(days=2 * days))
                & (Q(reminded_days__isnull=True) | Q(reminded_days__gt=days)))
    return (Subscription.objects
            .filter(due, status=Status.ACTIVE, auto_renew=True, term_end__gt=today)
            .select_related("offer", "customer__organization", "customer__provider",
                            "customer__reseller")
            .order_by("term_end", "pk"))


def _subscription_link(organization: Any, subscription: Subscription) -> str:
    customer = subscription.customer
    if organization.pk == customer.organization_id:
        # A customer sees its subscriptions list; its provider or reseller turns auto-renew off.
        path = reverse("subscriptions:list", kwargs={"org_slug": organization.slug})
    else:
        path = reverse("subscriptions:detail", kwargs={
            "org_slug": organization.slug, "customer_id": customer.pk,
            "subscription_id": subscription.pk})
    return portal_url(path)


def _remind(subscription: Subscription, days: int) -> str:
    subscription.reminded_days = days
    subscription.save(update_fields=["reminded_days"])
    customer = subscription.customer
    event = f"subscription:{subscription.pk}:{subscription.term_end.isoformat()}:{days}d"
    audiences: list[tuple[Any, str]] = [(customer.provider, "provider"),
                                        (customer.organization, "customer")]
    if customer.reseller_id is not None:
        audiences.insert(1, (customer.reseller, "reseller"))
    for organization, audience in audiences:
        to = member_emails(organization=organization, roles=[Role.ADMIN])
        if to:
            # One mail per admin, in the admin's language; the key makes it once.
            send_mail(event, "renewal_reminder", {
                "subscription": subscription, "offer": subscription.offer,
                "customer": customer.organization, "provider": customer.provider,
                "days": days, "term_end": subscription.term_end, "audience": audience,
                "link": _subscription_link(organization, subscription)}, to=to)
    return "reminded"


def reminders_run(*, today: date | None = None, seconds: float | None = None,
                  chunk: int = CHUNK) -> Run:
    """Send each renewal reminder due `today` (30 and 7 days before term_end, to subscriptions
    that renew), once: the row's `reminded_days` is set in the transaction that writes the
    mails, and each mail's key names the subscription, the term end and the reminder."""
    today = today or timezone.localdate()
    deadline = time.monotonic() + seconds if seconds is not None else float("inf")

    def rows(failed: Sequence[str]) -> QuerySet[Subscription]:
        return _due_reminders(today).exclude(pk__in=failed)

    def handle(subscription: Subscription) -> str:
        days = reminder_due(subscription, today)
        return _remind(subscription, days) if days is not None else "skipped"

    return _chunks(Run(), rows, handle, deadline, chunk)
