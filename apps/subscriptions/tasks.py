"""The term engine's daily task (apps.subscriptions.terms): it takes a date, never a secret."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.outbox.services import enqueue

from . import terms


@shared_task(acks_late=True, soft_time_limit=settings.PORTAL_TERMS_SOFT_TIME_LIMIT,
             time_limit=settings.PORTAL_TERMS_SOFT_TIME_LIMIT + 30)
def run_terms(today=None, part=0):
    """Beat, daily: renew or expire the subscriptions whose term ended, then send the renewal
    reminders due. `today` (ISO) is the day to run for (the local date when not given).
    Each run works for at most PORTAL_TERMS_RUN_SECONDS; with rows left it queues the next
    part (its own key, so two runs of the same day queue it once)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    budget = settings.PORTAL_TERMS_RUN_SECONDS
    started = timezone.now()
    chunk = settings.PORTAL_TERMS_CHUNK
    run = terms.terms_run(today=day, seconds=budget, chunk=chunk)
    left = budget - (timezone.now() - started).total_seconds()
    reminded = terms.reminders_run(today=day, seconds=max(left, 0.0), chunk=chunk)
    more = run.more or reminded.more
    if more:
        enqueue(run_terms, key=f"terms:{day.isoformat()}:part:{part + 1}",
                today=day.isoformat(), part=part + 1)
    return {"renewed": run.renewed, "expired": run.expired, "reminded": reminded.reminded,
            "failed": len(run.failed) + len(reminded.failed), "more": more}
