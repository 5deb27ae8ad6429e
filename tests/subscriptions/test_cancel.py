"""Cancel subscription: within 7 days of the purchase or renewal (the window licence
reductions have), a completed change order, the status cancelled, the licenses freed and the
incentives stopped from that day; past the window the page says why and offers turning
auto-renew off instead."""

import datetime
import uuid
from datetime import timedelta

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.errors import DomainError
from apps.incentives.selectors import incentive_subscriptions
from apps.orders.models import Order, OrderLine
from apps.organizations.roles import Role
from apps.subscriptions import services
from apps.subscriptions.models import Subscription
from apps.subscriptions.selectors import subscription_totals
from tests import factories
from tests.concurrency import at_once
from tests.subscriptions.conftest import day


def html_of(response):
    return response.content.decode()


def test_the_page_says_until_when(contoso_admin_client, url, subscription):
    html = html_of(contoso_admin_client.get(url()))
    until = subscription.term_start + timedelta(days=6)
    assert "Cancel subscription" in html
    assert "can be cancelled until" in html
    confirm = html_of(contoso_admin_client.get(url("cancel")))
    assert "Cancel Business Basic of Adatum Corporation?" in confirm
    assert "its 5 licenses are freed" in confirm
    assert "Northwind Traders earns no incentives for it from today." in confirm
    assert until.strftime("%Y") in confirm
    assert 'class="btn btn-danger">Cancel subscription</button>' in confirm


def test_cancel_on_day_2(contoso_admin_client, url, subscription, key, provider_admin,
                         provider, customer):
    assert subscription.term_start == day(2)
    response = contoso_admin_client.post(url("cancel"), {"idempotency_key": key()},
                                         follow=True)
    html = html_of(response)
    assert "The subscription is cancelled: its 5 licenses are freed." in html
    assert "Cancelled: 5 licenses freed." in html  # history
    assert "Change licenses" not in html
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
    assert subscription.cancelled_on == datetime.date.today()
    assert subscription.auto_renew is False
    [line] = OrderLine.objects.filter(subscription=subscription, order__kind="change")
    assert line.action == OrderLine.Action.CANCEL
    assert line.order.status == Order.Status.COMPLETED
    assert line.order.submitted_by == provider_admin
    event = AuditEvent.objects.get(action="subscription.cancelled", organization=provider)
    assert event.actor == provider_admin
    # The reseller of record, whose incentives stop, sees it in its log too.
    assert AuditEvent.objects.filter(action="subscription.cancelled",
                                     organization=subscription.reseller_of_record).exists()
    assert event.data["order"] == str(line.order.pk)
    # The licenses are freed: the customer's count of active licenses drops.
    from django.db.models import OuterRef

    from apps.customers.models import Customer
    counted = Customer.objects.filter(pk=customer.pk).annotate(
        **subscription_totals(customer=OuterRef("pk"))).get()
    assert (counted.subscription_count, counted.license_count) == (0, 0)


def test_cancel_on_day_8_is_refused_with_the_reason(contoso_admin_client, url, subscription,
                                                    key):
    subscription.term_start = day(8)
    subscription.save()
    detail = html_of(contoso_admin_client.get(url()))
    assert "A subscription can be cancelled only within 7 days" in detail
    page = contoso_admin_client.get(url("cancel"))
    assert page.status_code == 200
    html = html_of(page)
    assert "that window closed on" in html
    assert "Turn auto-renew off instead" in html
    assert f'action="{url("auto-renew")}"' in html  # the way out, on the same page
    response = contoso_admin_client.post(url("cancel"), {"idempotency_key": key()})
    assert response.status_code == 400
    html = html_of(response)
    assert html.count("A subscription can be cancelled only within 7 days") == 1
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert not Order.objects.filter(kind="change").exists()
    assert not AuditEvent.objects.filter(action="subscription.cancelled").exists()


@pytest.mark.parametrize(("day_number", "allowed"),
                         [(1, True), (2, True), (7, True), (8, False), (40, False)])
def test_the_window_with_a_fixed_today(subscription, provider_admin, provider, day_number,
                                       allowed):
    today = subscription.term_start + timedelta(days=day_number - 1)
    call = lambda: services.subscription_cancel(  # noqa: E731
        subscription=subscription, actor=provider_admin, organization=provider, today=today)
    if allowed:
        cancelled = call()
        assert cancelled.status == Subscription.Status.CANCELLED
        assert cancelled.cancelled_on == today
    else:
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == "window_closed"
        assert "Turn auto-renew off instead" in refused.value.message


def test_with_auto_renew_off_the_refusal_says_when_it_ends(subscription, provider_admin,
                                                           provider):
    subscription.auto_renew = False
    subscription.term_start = day(9)
    subscription.save()
    with pytest.raises(DomainError, match="Auto-renew is off: the subscription ends on"):
        services.subscription_cancel(subscription=subscription, actor=provider_admin,
                                     organization=provider)


def test_a_suspended_subscription_can_be_cancelled_a_cancelled_one_not(
        subscription, provider_admin, provider):
    subscription.status = Subscription.Status.SUSPENDED
    subscription.save()
    services.subscription_cancel(subscription=subscription, actor=provider_admin,
                                 organization=provider)
    with pytest.raises(DomainError) as refused:
        services.subscription_cancel(subscription=subscription, actor=provider_admin,
                                     organization=provider)
    assert refused.value.code == "status"
    with pytest.raises(DomainError):
        services.subscription_reactivate(subscription=subscription, actor=provider_admin,
                                         organization=provider)


def test_the_delegated_reseller_cancels_for_its_customer(client, reseller_admin, reseller,
                                                         provider, subscription, key):
    client.force_login(reseller_admin)
    base = f"/o/northwind/customers/{subscription.customer_id}/subscriptions/{subscription.pk}/"
    assert "Cancel subscription" in html_of(client.get(base))
    response = client.post(f"{base}cancel/", {"idempotency_key": key()})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
    events = AuditEvent.objects.filter(action="subscription.cancelled")
    assert {e.organization for e in events} == {reseller, provider}


def test_who_may_not(client, subscription, key, contoso_helpdesk, fabrikam_partnered,
                     tailspin_admin, adatum_admin):
    fabrikam_admin = factories.member(fabrikam_partnered, Role.ADMIN)
    cases = [(contoso_helpdesk, "contoso", 403), (fabrikam_admin, "fabrikam", 404),
             (tailspin_admin, "tailspin", 404), (adatum_admin, "adatum", 404)]
    for user, slug, status in cases:
        client.force_login(user)
        path = (f"/o/{slug}/customers/{subscription.customer_id}/subscriptions/"
                f"{subscription.pk}/cancel/")
        assert client.get(path).status_code == status, user
        assert client.post(path, {"idempotency_key": key()}).status_code == status, user
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_services_refuse_other_organizations(subscription, fabrikam_partnered, other_provider):
    intruder = factories.member(fabrikam_partnered, Role.ADMIN)
    for organization in (fabrikam_partnered, other_provider):
        with pytest.raises(DomainError) as refused:
            services.subscription_cancel(subscription=subscription, actor=intruder,
                                         organization=organization)
        assert refused.value.code == "not_yours"


def test_bad_input_is_no_500(contoso_admin_client, url, subscription):
    for data in ({}, {"idempotency_key": "junk"}, {"idempotency_key": "\x00"}):
        response = contoso_admin_client.post(url("cancel"), data)
        assert response.status_code == 400
        assert "This form is out of date. Open the subscription again." in html_of(response)
    missing = url("cancel").replace(str(subscription.pk), str(uuid.uuid4()))
    assert contoso_admin_client.get(missing).status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_the_same_form_twice_cancels_once(contoso_admin_client, url, subscription):
    data = {"idempotency_key": str(uuid.uuid4())}
    first = contoso_admin_client.post(url("cancel"), data)
    again = contoso_admin_client.post(url("cancel"), data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert Order.objects.filter(kind="change").count() == 1
    assert AuditEvent.objects.filter(action="subscription.cancelled").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_cancel_once(provider, reseller, customer, offers, provider_admin):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    subscription = factories.SubscriptionFactory(customer=customer, offer=offers["basic"],
                                                 quantity=5, term_start=day(2))
    key = uuid.uuid4()
    results, errors = at_once(lambda: services.subscription_cancel(
        subscription=subscription, actor=provider_admin, organization=provider,
        idempotency_key=key).status, times=2)
    assert errors == []
    assert results == ["cancelled", "cancelled"]
    assert Order.objects.filter(kind="change").count() == 1
    assert AuditEvent.objects.filter(action="subscription.cancelled").count() == 1


def test_incentives_stop_from_the_cancellation(customer, reseller, provider, provider_admin):
    subscription = factories.SubscriptionFactory(
        customer=customer, quantity=4, reseller_of_record=reseller,
        term_start=datetime.date(2026, 10, 30), term_end=datetime.date(2027, 10, 29))
    services.subscription_cancel(subscription=subscription, actor=provider_admin,
                                 organization=provider, today=datetime.date(2026, 11, 3))

    def eligible(month):
        return list(incentive_subscriptions(reseller=reseller, month=month))

    assert eligible(datetime.date(2026, 10, 1)) == [subscription]
    assert eligible(datetime.date(2026, 11, 1)) == [subscription]  # until 3 November
    assert eligible(datetime.date(2026, 12, 1)) == []
    # Cancelled on the month's first day: nothing that month.
    other = factories.SubscriptionFactory(
        customer=customer, quantity=2, reseller_of_record=reseller,
        term_start=datetime.date(2027, 1, 28), term_end=datetime.date(2028, 1, 27))
    services.subscription_cancel(subscription=other, actor=provider_admin,
                                 organization=provider, today=datetime.date(2027, 2, 1))
    assert eligible(datetime.date(2027, 2, 1)) == []
    assert eligible(datetime.date(2027, 1, 1)) == [other]
