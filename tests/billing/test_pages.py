"""The Price lists pages, Reseller terms, Tax, the prices on New subscription, and credit
limits at Submit."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.billing.models import Charge, PriceList, PriceRule, ResellerAccount, TaxRate
from apps.billing.services import price_list_create, price_rule_set, reseller_account_set
from apps.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def url(name, org="contoso", **kwargs):
    return reverse(f"billing:{name}", kwargs={"org_slug": org, **kwargs})


def test_the_provider_creates_a_price_list_and_sets_a_margin(client, contoso_admin, offers):
    client.force_login(contoso_admin)
    response = client.post(url("price_lists"), {"name": "Resellers", "is_default": "on"})
    price_list = PriceList.objects.get(owner__slug="contoso")
    assert response.url == url("price_list", list_id=price_list.pk)
    response = client.post(url("price_list", list_id=price_list.pk), {
        "rule-offer": "", "rule-kind": "margin", "rule-margin_percent": "12.5",
        "rule-effective_from": "2026-11-01"})
    assert response.status_code == 302
    rule = PriceRule.objects.get()
    assert (rule.offer, rule.margin_percent, rule.fixed_price) == (None, D("12.50"), None)
    page = client.get(url("price_list", list_id=price_list.pk)).content.decode()
    assert "Every offer" in page
    assert "Margin 12.50%" in page
    assert AuditEvent.objects.filter(action="billing.price_rule_set").exists()


@pytest.mark.parametrize(("data", "field_error"), [
    ({"rule-kind": "fixed", "rule-offer": ""}, "Enter the price per license."),
    ({"rule-kind": "fixed", "rule-fixed_price": "5"},
     "A fixed price is for one offer: choose the offer."),
    ({"rule-kind": "margin", "rule-margin_percent": "5000"},
     "Ensure this value is less than or equal to 1000."),
    ({"rule-kind": "margin", "rule-margin_percent": "abc"}, "Enter a number."),
    ({"rule-kind": "margin", "rule-margin_percent": "5", "rule-offer": "junk"},
     "is not a valid UUID."),
    ({"rule-kind": "bogus"}, "Select a valid choice."),
])
def test_a_wrong_rule_is_refused_next_to_its_field(client, contoso_admin, contoso, offers, data,
                                                   field_error):
    price_list = price_list_create(owner=contoso, name="Resellers", actor=None)
    client.force_login(contoso_admin)
    response = client.post(url("price_list", list_id=price_list.pk),
                           {"rule-effective_from": "2026-11-01", **data})
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not PriceRule.objects.exists()


def test_another_providers_list_is_not_found(client, tailspin_admin, contoso):
    price_list = price_list_create(owner=contoso, name="Resellers", actor=None)
    client.force_login(tailspin_admin)
    assert client.get(url("price_list", org="tailspin", list_id=price_list.pk)).status_code == 404


def test_the_reseller_keeps_its_own_list(client, northwind_admin, offers):
    client.force_login(northwind_admin)
    response = client.get(url("price_lists", org="northwind"))
    own = PriceList.objects.get(owner__slug="northwind")
    assert response.url == url("price_list", org="northwind", list_id=own.pk)
    client.post(response.url, {"rule-offer": str(offers["basic"].pk), "rule-kind": "fixed",
                               "rule-fixed_price": "8.00", "rule-effective_from": "2026-01-01"})
    assert PriceRule.objects.get(price_list=own).fixed_price == D("8.00")


def test_the_provider_assigns_a_list_and_a_credit_limit(client, contoso_admin, contoso,
                                                        northwind):
    gold = price_list_create(owner=contoso, name="Gold", actor=None)
    client.force_login(contoso_admin)
    edit = url("reseller_terms_edit", reseller_id=northwind.pk)
    assert client.post(edit, {"price_list": str(gold.pk), "credit_limit": "-1"}
                       ).status_code == 400
    response = client.post(edit, {"price_list": str(gold.pk), "credit_limit": "500"})
    assert response.status_code == 302
    account = ResellerAccount.objects.get()
    assert (account.price_list, account.credit_limit) == (gold, D("500.00"))
    page = client.get(url("reseller_terms")).content.decode()
    assert "Gold" in page
    assert "500" in page
    # Not a partner: not found.
    stranger = factories.ResellerFactory()
    assert client.get(url("reseller_terms_edit", reseller_id=stranger.pk)).status_code == 404


def test_tax_rates_and_tax_id(client, contoso_admin, contoso):
    client.force_login(contoso_admin)
    client.post(url("tax"), {"rate-country": "DE", "rate-rate": "19", "rate_submit": "1"})
    assert TaxRate.objects.get(provider=contoso).rate == D("19.00")
    response = client.post(url("tax"), {"id-tax_id": "=cmd", "tax_id_submit": "1"})
    assert response.status_code == 400
    client.post(url("tax"), {"id-tax_id": "us-12 345", "tax_id_submit": "1"})
    assert "US-12 345" in client.get(url("tax")).content.decode()


@pytest.fixture
def northwind_terms(contoso, northwind):
    """Northwind pays cost + 10 % and may run up 50.00 a month."""
    default = price_list_create(owner=contoso, name="Resellers", is_default=True, actor=None)
    price_rule_set(price_list=default, offer=None, margin_percent=D("10"), fixed_price=None,
                   effective_from=datetime.date(2020, 1, 1), actor=None)
    reseller_account_set(provider=contoso, reseller=northwind, price_list=None,
                         credit_limit=D("50.00"), actor=None)


def _new_subscription(client, customer, org, lines, **extra):
    data = {"offers": [str(offer.pk) for offer in lines], "idempotency_key": str(uuid.uuid4())}
    for offer, licenses in lines.items():
        data[f"licenses_{offer.pk}"] = str(licenses)
    data.update(extra)
    return client.post(reverse("customers:add_subscription",
                               kwargs={"org_slug": org, "customer_id": customer.pk}), data)


def test_new_subscription_shows_the_price_the_viewer_pays_and_its_margin(
        client, contoso_admin, northwind_admin, adatum, offers, northwind_terms):
    adatum.status = "active"
    adatum.save()
    client.force_login(northwind_admin)
    page = client.get(reverse("customers:add_subscription", kwargs={
        "org_slug": "northwind", "customer_id": adatum.pk})).content.decode()
    assert "13.75 USD" in page  # Standard: what Northwind pays
    assert "Sells for 13.75 USD (margin 0.00 USD)" in page  # no list of its own yet
    client.force_login(contoso_admin)
    page = client.get(reverse("customers:add_subscription", kwargs={
        "org_slug": "contoso", "customer_id": adatum.pk})).content.decode()
    assert "Sells for 13.75 USD (margin 1.25 USD)" in page  # cost 12.50


def test_a_reseller_order_over_its_credit_limit_is_refused_at_submit(
        client, northwind_admin, adatum, offers, northwind_terms):
    adatum.status = "active"
    adatum.save()
    client.force_login(northwind_admin)
    today = timezone.localdate()
    days_left = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - today
    # Premium at 24.20 a month: 5 licences for the rest of the month.
    response = _new_subscription(client, adatum, "northwind", {offers["premium"]: 5})
    amount = (D("24.20") * 5 * days_left.days / _days_in_month(today)).quantize(D("0.01"))
    if amount > 50:
        assert response.status_code == 400
        page = response.content.decode()
        assert "over your credit limit of 50.00 USD" in page
        assert f"{amount} USD" in page
        assert not Order.objects.exists()
    else:  # the month's last days: too little to pass the limit
        assert response.status_code == 302


def _days_in_month(day):
    import calendar

    return calendar.monthrange(day.year, day.month)[1]


def test_the_provider_places_it_with_a_warning(client, contoso_admin, adatum, offers,
                                               northwind, northwind_terms):
    adatum.status = "active"
    adatum.save()
    Charge.objects.create(
        kind="purchase", provider=adatum.provider, reseller=northwind, customer=adatum,
        customer_organization=adatum.organization,
        subscription=factories.SubscriptionFactory(customer=adatum, offer=offers["basic"]),
        offer=offers["basic"], quantity=10, period_start=timezone.localdate(),
        period_end=timezone.localdate(), days=1, period_days=30, currency="USD",
        cost_unit=6, reseller_unit=D("6.60"), customer_unit=D("6.60"), cost_amount=60,
        reseller_amount=D("66.00"), customer_amount=66, posted_on=timezone.localdate())
    client.force_login(contoso_admin)
    response = _new_subscription(client, adatum, "contoso", {offers["standard"]: 1},
                                 reseller=str(northwind.pk))
    assert response.status_code == 302
    assert Order.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert "over its credit limit of 50.00 USD" in page


def test_licences_added_by_the_reseller_over_its_limit_are_refused(
        client, northwind_admin, adatum, offers, northwind, northwind_terms):
    subscription = factories.SubscriptionFactory(customer=adatum, offer=offers["premium"],
                                                 quantity=1, reseller_of_record=northwind)
    ResellerAccount.objects.update(credit_limit=D("0.00"))
    client.force_login(northwind_admin)
    response = client.post(reverse("subscriptions:licenses", kwargs={
        "org_slug": "northwind", "customer_id": adatum.pk,
        "subscription_id": subscription.pk}),
        {"licenses-quantity": "3", "licenses-idempotency_key": str(uuid.uuid4()),
         "quantity": "3", "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "over your credit limit of 0.00 USD" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.quantity == 1
