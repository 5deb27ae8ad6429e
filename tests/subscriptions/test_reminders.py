"""Renewal reminders, 30 and 7 days before term_end, to the provider's, the delegated
reseller's and the customer's admins, each in their language, each exactly once."""

from datetime import date

import pytest
from django.core import mail

from apps.organizations.roles import Role
from apps.outbox.models import OutboundMail
from apps.subscriptions.models import Subscription
from apps.subscriptions.terms import reminders_run
from tests import factories

Status = Subscription.Status
TERM_END = date(2027, 3, 9)


@pytest.fixture
def admins(contoso_admin, reseller, customer):
    """Contoso's admin reads English, Northwind's Chinese, Adatum's English."""
    factories.member(reseller, Role.ADMIN, email="li@northwind.test", language="zh-hans")
    factories.member(customer.organization, Role.ADMIN, email="admin@adatum.test",
                     language="en")
    # Not an admin: no reminder.
    factories.member(reseller, Role.SALES, email="sales@northwind.test")


@pytest.fixture
def renewing(customer, reseller, provider, offers):
    def _make(start=date(2026, 3, 9), end=TERM_END, *, auto_renew=True, offer=None,
              status=Status.ACTIVE):
        return factories.SubscriptionFactory(
            customer=customer, offer=offer or offers["basic"], quantity=5, status=status,
            auto_renew=auto_renew, reseller_of_record=reseller, support_contact=provider,
            term_start=start, term_end=end)
    return _make


def run(today, on_commit):
    with on_commit():
        return reminders_run(today=today)


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_30_days_before_each_admin_gets_one_in_their_language(admins, renewing, customer,
                                                             on_commit):
    sub = renewing()
    assert run(date(2027, 2, 8), on_commit).reminded == 1
    messages = by_recipient()
    assert sorted(messages) == ["admin@adatum.test", "admin@contoso.test", "li@northwind.test"]
    provider_mail = messages["admin@contoso.test"]
    assert provider_mail.subject == "Business Basic for Adatum Corporation renews on Mar 9, 2027"
    assert "renews automatically in 30 days, on Mar 9, 2027" in provider_mail.body
    assert "turn auto-renew off" in provider_mail.body
    assert (f"http://127.0.0.1:8000/o/contoso/customers/{customer.pk}/subscriptions/{sub.pk}/"
            in provider_mail.body)
    chinese = messages["li@northwind.test"]
    assert chinese.subject == "Adatum Corporation 的 Business Basic 将于 2027年3月9日 自动续订"
    assert "将在 30 天后（2027年3月9日）自动续订" in chinese.body
    assert f"/o/northwind/customers/{customer.pk}/subscriptions/{sub.pk}/" in chinese.body
    customer_mail = messages["admin@adatum.test"]
    assert "ask Contoso Distribution or your reseller" in customer_mail.body
    assert "http://127.0.0.1:8000/o/adatum/subscriptions/" in customer_mail.body
    sub.refresh_from_db()
    assert sub.reminded_days == 30
    assert set(OutboundMail.objects.values_list("event", flat=True)) == {
        f"subscription:{sub.pk}:2027-03-09:30d"}


def test_each_reminder_is_sent_once_however_often_the_beat_runs(admins, renewing, on_commit):
    renewing()
    run(date(2027, 2, 8), on_commit)
    run(date(2027, 2, 8), on_commit)
    run(date(2027, 2, 10), on_commit)  # still within 30 days: nothing new
    assert len(mail.outbox) == 3
    run(date(2027, 3, 2), on_commit)  # 7 days before
    run(date(2027, 3, 3), on_commit)
    assert len(mail.outbox) == 6
    assert "in 7 days" in by_recipient()["admin@contoso.test"].body
    assert OutboundMail.objects.count() == 6


def test_a_late_run_past_the_7_day_mark_sends_the_7_day_reminder_only(admins, renewing, on_commit):
    sub = renewing()
    run(date(2027, 3, 5), on_commit)  # the beat was down for a month
    assert len(mail.outbox) == 3
    assert all("in 7 days" in message.body or "7 天后" in message.body
               for message in mail.outbox)
    assert all(event.endswith(":7d")
               for event in OutboundMail.objects.values_list("event", flat=True))
    sub.refresh_from_db()
    assert sub.reminded_days == 7
    run(date(2027, 3, 6), on_commit)
    assert len(mail.outbox) == 3


def test_no_reminder_without_auto_renew_suspended_or_outside_the_window(admins, renewing,
                                                                         on_commit):
    renewing(auto_renew=False)
    renewing(status=Status.SUSPENDED)
    renewing(end=date(2027, 3, 20))  # 41 days away
    assert run(date(2027, 2, 7), on_commit).reminded == 0
    assert mail.outbox == []


def test_a_monthly_term_gets_the_7_day_reminder_only(admins, renewing, on_commit):
    monthly = factories.OfferFactory(code="monthly", name="Teams Monthly", term_months=1)
    renewing(start=date(2027, 2, 9), end=TERM_END, offer=monthly)
    assert run(date(2027, 2, 9), on_commit).reminded == 0  # the renewal day: 28 days left
    assert run(date(2027, 3, 2), on_commit).reminded == 1
    assert all("in 7 days" in message.body or "7 天后" in message.body
               for message in mail.outbox)
    assert all(event.endswith(":7d")
               for event in OutboundMail.objects.values_list("event", flat=True))


def test_after_the_renewal_the_new_terms_reminders_go_out_again(admins, renewing, on_commit):
    from apps.subscriptions.terms import terms_run

    sub = renewing()
    run(date(2027, 3, 2), on_commit)
    assert len(mail.outbox) == 3
    with on_commit():
        terms_run(today=TERM_END)
    sub.refresh_from_db()
    assert (sub.term_end, sub.reminded_days) == (date(2028, 3, 9), None)
    run(date(2028, 2, 8), on_commit)
    assert len(mail.outbox) == 6
    assert "Mar 9, 2028" in mail.outbox[-1].body
