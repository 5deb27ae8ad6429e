"""Licenses and upgrades: more licenses any time, fewer only within 7 days of the purchase or
renewal, upgrades along the upgrade path, suspend and reactivate, auto-renew. Each change is a
`change` order with one line, and an audit event."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.errors import DomainError
from apps.orders.models import Order, OrderLine
from apps.organizations.roles import Role
from apps.subscriptions import services
from apps.subscriptions.models import Subscription
from tests import factories
from tests.subscriptions.conftest import day


def html_of(response):
    return response.content.decode()


def change_lines(subscription):
    return list(OrderLine.objects.filter(subscription=subscription, order__kind="change")
                .select_related("order").order_by("order__submitted_at"))


# ------------------------------------------------------------------ licenses


def test_more_licenses_any_time(contoso_admin_client, url, subscription, key, provider_admin):
    subscription.term_start = day(200)
    subscription.save()
    response = contoso_admin_client.post(url("licenses"),
                                         {"quantity": "12", "idempotency_key": key()},
                                         follow=True)
    assert "The subscription now has 12 licenses." in html_of(response)
    subscription.refresh_from_db()
    assert subscription.quantity == 12
    [line] = change_lines(subscription)
    assert line.action == OrderLine.Action.ADD_LICENSES
    assert (line.previous_quantity, line.quantity) == (5, 12)
    assert line.order.status == Order.Status.COMPLETED
    assert line.order.submitted_by == provider_admin
    assert line.order.completed_at is not None
    assert line.unit_price == subscription.offer.unit_price
    event = AuditEvent.objects.get(action="subscription.licenses_changed")
    assert (event.data["from"], event.data["to"]) == (5, 12)
    assert event.data["order"] == str(line.order.pk)
    assert "Licenses added: 5 → 12." in html_of(contoso_admin_client.get(url()))


def test_up_to_the_offers_maximum_only(contoso_admin_client, url, subscription, key):
    for value in ("301", "100000", "99999999999999999999999", "0", "-3", "2.5", "ten", "\x00",
                  ""):
        response = contoso_admin_client.post(url("licenses"), {"quantity": value,
                                                               "idempotency_key": key()})
        assert response.status_code == 400, value
        html = html_of(response)
        assert 'id="licenses-quantity_error"' in html, value
        assert ("Business Basic allows 1 to 300 licenses." in html
                or "Enter a whole number of licenses." in html
                or "Enter the number of licenses." in html), value
    subscription.refresh_from_db()
    assert subscription.quantity == 5
    assert not Order.objects.filter(kind="change").exists()


def test_reducing_on_day_2_works(contoso_admin_client, url, subscription, key):
    assert subscription.term_start == day(2)
    response = contoso_admin_client.post(url("licenses"),
                                         {"quantity": "3", "idempotency_key": key()},
                                         follow=True)
    assert "The subscription now has 3 licenses." in html_of(response)
    subscription.refresh_from_db()
    assert subscription.quantity == 3
    [line] = change_lines(subscription)
    assert line.action == OrderLine.Action.REMOVE_LICENSES


def test_reducing_on_day_8_is_refused_with_the_reason(contoso_admin_client, url, subscription, key):
    subscription.term_start = day(8)
    subscription.save()
    html = html_of(contoso_admin_client.get(url()))
    assert "Licenses can no longer be removed" in html
    response = contoso_admin_client.post(url("licenses"),
                                         {"quantity": "3", "idempotency_key": key()})
    assert response.status_code == 400
    html = html_of(response)
    assert "Licenses can be removed only within 7 days of the purchase or the last renewal" in html
    assert "that window closed on" in html
    subscription.refresh_from_db()
    assert subscription.quantity == 5
    assert not Order.objects.filter(kind="change").exists()
    assert not AuditEvent.objects.filter(action="subscription.licenses_changed").exists()


@pytest.mark.parametrize(("day_number", "allowed"),
                         [(1, True), (2, True), (7, True), (8, False), (30, False)])
def test_the_window_is_seven_days_with_a_fixed_today(subscription, provider_admin, provider,
                                                     day_number, allowed):
    today = subscription.term_start + timedelta(days=day_number - 1)
    assert subscription.reduction_days_left(today) == max(0, 8 - day_number)
    call = lambda: services.subscription_change_quantity(  # noqa: E731
        subscription=subscription, quantity=4, actor=provider_admin, organization=provider,
        today=today)
    if allowed:
        assert call().quantity == 4
    else:
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == "window_closed"
        assert refused.value.field == "quantity"


def test_a_renewal_opens_the_window_again(subscription, provider_admin, provider):
    # term_start is the purchase or the last renewal: a renewal moves it.
    subscription.term_start = timezone.localdate() - timedelta(days=1)
    subscription.save()
    changed = services.subscription_change_quantity(
        subscription=subscription, quantity=2, actor=provider_admin, organization=provider)
    assert changed.quantity == 2


def test_the_countdown_on_the_page(contoso_admin_client, url, subscription):
    for n, text in [(1, "<strong>7 more days</strong>"), (7, "<strong>1 more day</strong>")]:
        subscription.term_start = day(n)
        subscription.save()
        assert text in html_of(contoso_admin_client.get(url()))


def test_no_licenses_below_the_minimum(subscription, provider_admin, provider, offers):
    offers["basic"].min_licenses = 3
    offers["basic"].save()
    with pytest.raises(DomainError, match="allows 3 to 300 licenses"):
        services.subscription_change_quantity(subscription=subscription, quantity=2,
                                              actor=provider_admin, organization=provider)


def test_a_retired_offer_gets_no_more_licenses(subscription, provider_admin, provider, offers):
    offers["basic"].is_active = False
    offers["basic"].save()
    with pytest.raises(DomainError) as refused:
        services.subscription_change_quantity(subscription=subscription, quantity=9,
                                              actor=provider_admin, organization=provider)
    assert refused.value.code == "retired"


def test_the_same_form_twice_changes_once(contoso_admin_client, url, subscription):
    data = {"quantity": "9", "idempotency_key": str(uuid.uuid4())}
    contoso_admin_client.post(url("licenses"), data)
    response = contoso_admin_client.post(url("licenses"), data)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.quantity == 9
    assert Order.objects.filter(kind="change").count() == 1


def test_a_junk_or_missing_key_is_refused(contoso_admin_client, url, subscription):
    for data in ({"quantity": "9"}, {"quantity": "9", "idempotency_key": "junk"}):
        response = contoso_admin_client.post(url("licenses"), data)
        assert response.status_code == 400
        assert "This form is out of date. Open the subscription again." in html_of(response)
    subscription.refresh_from_db()
    assert subscription.quantity == 5


# ------------------------------------------------------------------ upgrade


def test_upgrading_keeps_the_license_count(contoso_admin_client, url, subscription, offers, key,
                                           provider, reseller):
    response = contoso_admin_client.post(url("upgrade"), {"offer": str(offers["standard"].pk),
                                                          "idempotency_key": key()}, follow=True)
    html = html_of(response)
    assert "Upgraded to Business Standard with 5 licenses." in html
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UPGRADED
    new = subscription.replaced_by
    assert new.offer == offers["standard"]
    assert new.quantity == 5
    assert new.status == Subscription.Status.ACTIVE
    assert new.reseller_of_record == reseller
    assert new.support_contact == provider
    assert new.term_start == timezone.localdate()
    assert response.redirect_chain[-1][0] == url(sub=new)
    assert "<h1>Business Standard</h1>" in html
    assert "Upgraded from Business Basic to Business Standard with 5 licenses." in html
    [line] = change_lines(new)
    assert line.action == OrderLine.Action.UPGRADE
    assert line.previous_offer == offers["basic"]
    assert line.offer == offers["standard"]
    assert line.quantity == 5
    old_page = html_of(contoso_admin_client.get(url(sub=subscription)))
    assert "This subscription was upgraded to Business Standard" in old_page
    assert "Change licenses" not in old_page
    listing = html_of(contoso_admin_client.get(f"/o/contoso/customers/{subscription.customer_id}/"
                                               "subscriptions/"))
    assert "Upgraded" in listing
    assert "to Business Standard" in listing


def test_only_offers_on_the_upgrade_path(contoso_admin_client, url, subscription, offers, key):
    elsewhere = factories.OfferFactory(name="Teams Essentials")
    for value in (str(offers["premium"].pk), str(elsewhere.pk), str(offers["basic"].pk),
                  "junk", ""):
        response = contoso_admin_client.post(url("upgrade"),
                                             {"offer": value, "idempotency_key": key()})
        assert response.status_code == 400, value
        html = html_of(response)
        assert ("Choose an offer on this subscription&#x27;s upgrade path." in html
                or "Choose an offer to upgrade to." in html), value
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert Subscription.objects.count() == 1


def test_an_upgrade_that_cannot_hold_the_licenses_is_refused(subscription, offers,
                                                             provider_admin, provider):
    standard = services.subscription_upgrade(subscription=subscription, offer=offers["standard"],
                                             actor=provider_admin, organization=provider)
    standard.quantity = 40
    standard.save()
    with pytest.raises(DomainError, match="Business Premium allows 1 to 25 licenses; this "
                                          "subscription has 40"):
        services.subscription_upgrade(subscription=standard, offer=offers["premium"],
                                      actor=provider_admin, organization=provider)
    standard.refresh_from_db()
    assert standard.status == Subscription.Status.ACTIVE


def test_an_upgraded_subscription_changes_no_more(subscription, offers, provider_admin,
                                                  provider, fabrikam_partnered):
    services.subscription_upgrade(subscription=subscription, offer=offers["standard"],
                                  actor=provider_admin, organization=provider)
    for call in (
        lambda: services.subscription_change_quantity(subscription=subscription, quantity=6,
                                                      actor=provider_admin,
                                                      organization=provider),
        lambda: services.subscription_upgrade(subscription=subscription,
                                              offer=offers["standard"], actor=provider_admin,
                                              organization=provider),
        lambda: services.subscription_suspend(subscription=subscription, actor=provider_admin,
                                              organization=provider),
        lambda: services.subscription_set_support_contact(
            subscription=subscription, contact=fabrikam_partnered, actor=provider_admin,
            organization=provider),
    ):
        with pytest.raises(DomainError):
            call()


# ------------------------------------------------------------------ status and renewal


def test_suspend_and_reactivate(contoso_admin_client, url, subscription, key):
    response = contoso_admin_client.post(url("suspend"), {"idempotency_key": key()}, follow=True)
    assert "The subscription is suspended." in html_of(response)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    html = html_of(response)
    assert "Reactivate" in html
    assert "Change licenses" not in html
    # Suspending again: refused with the reason.
    response = contoso_admin_client.post(url("suspend"), {"idempotency_key": key()})
    assert response.status_code == 400
    assert "Only an active subscription can be suspended." in html_of(response)
    contoso_admin_client.post(url("reactivate"), {"idempotency_key": key()})
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    actions = [line.action for line in change_lines(subscription)]
    assert actions == [OrderLine.Action.SUSPEND, OrderLine.Action.REACTIVATE]
    assert set(AuditEvent.objects.filter(target_id=str(subscription.pk))
               .values_list("action", flat=True)) == {"subscription.suspended",
                                                      "subscription.reactivated"}


def test_turn_auto_renew_off_and_on(contoso_admin_client, url, subscription, key):
    response = contoso_admin_client.post(url("auto-renew"), {"auto_renew": "off",
                                                             "idempotency_key": key()}, follow=True)
    html = html_of(response)
    assert "Auto-renew is off: the subscription ends on" in html
    assert "Turn auto-renew on" in html
    subscription.refresh_from_db()
    assert subscription.auto_renew is False
    response = contoso_admin_client.post(url("auto-renew"), {"auto_renew": "off",
                                                             "idempotency_key": key()})
    assert response.status_code == 400
    assert "Auto-renew is already off." in html_of(response)
    contoso_admin_client.post(url("auto-renew"), {"auto_renew": "on", "idempotency_key": key()})
    subscription.refresh_from_db()
    assert subscription.auto_renew is True
    assert [line.action for line in change_lines(subscription)] == [
        OrderLine.Action.AUTO_RENEW_OFF, OrderLine.Action.AUTO_RENEW_ON]
    response = contoso_admin_client.post(url("auto-renew"), {"auto_renew": "maybe",
                                                             "idempotency_key": key()})
    assert response.status_code == 400
    assert "Choose whether the subscription renews." in html_of(response)


# ------------------------------------------------------------------ who may change


def test_a_delegated_reseller_can_use_the_services(subscription, reseller, reseller_sales):
    changed = services.subscription_change_quantity(subscription=subscription, quantity=8,
                                                    actor=reseller_sales, organization=reseller)
    assert changed.quantity == 8
    events = AuditEvent.objects.filter(action="subscription.licenses_changed")
    # In the reseller's log and in the provider's, with the reseller's user as actor.
    assert {e.organization for e in events} == {reseller, subscription.customer.provider}
    assert {e.actor for e in events} == {reseller_sales}


def test_other_organizations_cannot(subscription, fabrikam_partnered, other_provider, offers):
    intruder = factories.member(fabrikam_partnered, Role.ADMIN)
    for organization in (fabrikam_partnered, other_provider):
        with pytest.raises(DomainError) as refused:
            services.subscription_change_quantity(subscription=subscription, quantity=8,
                                                  actor=intruder, organization=organization)
        assert refused.value.code == "not_yours"
    subscription.refresh_from_db()
    assert subscription.quantity == 5


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_change_once(provider, reseller, customer, offers, provider_admin):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    subscription = factories.SubscriptionFactory(customer=customer, offer=offers["basic"],
                                                 quantity=5, term_start=day(2))
    key = uuid.uuid4()
    results, barrier = [], threading.Barrier(2)

    def click():
        from django.db import connections
        try:
            barrier.wait()
            results.append(services.subscription_change_quantity(
                subscription=subscription, quantity=20, actor=provider_admin,
                organization=provider, idempotency_key=key).quantity)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [20, 20]
    assert Order.objects.filter(kind="change").count() == 1
    assert AuditEvent.objects.filter(action="subscription.licenses_changed").count() == 1
