"""The beat's term engine task through a real Celery worker and the Redis broker: a run
short of time queues its next part through the outbox until every due subscription is
renewed or expired and every reminder sent."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from apps.orders.models import OrderLine
from apps.subscriptions.models import Subscription
from partnercenter.celery import app
from tests import factories
from tests.worker import wait_for

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="needs Redis (REDIS_URL); make test provides it, CI=true requires it")


def test_the_beat_task_renews_expires_and_reminds_in_parts(celery_worker, settings, customer,
                                                         reseller, provider, offers,
                                                         contoso_admin):
    # One subscription per part: the run's budget is spent after its first chunk.
    settings.PORTAL_TERMS_RUN_SECONDS = 0
    settings.PORTAL_TERMS_CHUNK = 1

    def make(end, auto_renew=True):
        return factories.SubscriptionFactory(
            customer=customer, offer=offers["basic"], quantity=5, auto_renew=auto_renew,
            reseller_of_record=reseller, support_contact=provider,
            term_start=date(2026, 3, 9), term_end=end)
    renewing = [make(date(2027, 3, 9)), make(date(2027, 3, 8))]
    ending = make(date(2027, 3, 9), auto_renew=False)
    reminded = make(date(2027, 3, 15))
    entry = settings.CELERY_BEAT_SCHEDULE["subscriptions-run-terms"]
    app.send_task(entry["task"], kwargs={"today": "2027-03-09"})

    def done():
        return (Subscription.objects.filter(pk=renewing[0].pk,
                                            term_end=date(2028, 3, 9)).exists()
                and Subscription.objects.filter(pk=renewing[1].pk,
                                                term_end=date(2028, 3, 8)).exists()
                and Subscription.objects.filter(pk=ending.pk, status="expired").exists()
                and len(mail.outbox) == 1)
    assert wait_for(done, seconds=60), "the worker did not finish the run"
    assert OrderLine.objects.filter(action="renewal").count() == 2
    assert OrderLine.objects.filter(action="expire").count() == 1
    assert mail.outbox[0].to == ["admin@contoso.test"]
    assert "in 7 days" in mail.outbox[0].body
    reminded.refresh_from_db()
    assert reminded.reminded_days == 7
