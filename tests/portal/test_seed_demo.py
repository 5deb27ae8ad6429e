"""`seed_demo` builds the demo world of the README and can run again without harm."""

from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.catalog.models import Offer
from apps.customers.models import Customer
from apps.organizations.models import Membership, Organization
from apps.partnerships.models import Partnership
from apps.resellers.models import Reseller
from apps.subscriptions.models import Subscription
from apps.subscriptions.services import term_end


def counts():
    return [m.objects.count() for m in (get_user_model(), Organization, Membership, Offer,
                                        Customer, Subscription, Partnership)]


def test_seed_demo_is_idempotent_and_complete(db, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-demo-pass-1")
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "Another-demo-pass-1" in out

    User = get_user_model()
    assert User.objects.get(email="admin@partnercenter.test").is_superuser
    assert User.objects.get(email="provider@contoso.test").check_password("Another-demo-pass-1")
    roles = dict(Membership.objects.filter(organization__slug="contoso")
                 .values_list("user__email", "role"))
    assert roles == {"provider@contoso.test": "admin", "sales@contoso.test": "sales"}
    assert Reseller.objects.get(organization__name="Fabrikam Solutions").is_approved
    assert Reseller.objects.get(organization__name="Northwind Traders").is_approved
    partnered = set(Partnership.objects.values_list("provider__name", "reseller__name"))
    assert partnered == {("Contoso Distribution", "Northwind Traders")}
    assert Organization.objects.filter(name="Tailspin Cloud", kind="provider").exists()
    assert Offer.objects.filter(is_active=True).count() >= 8
    basic = Offer.objects.get(code="m365-business-basic")
    assert list(basic.upgrades_to.values_list("code", flat=True)) == ["m365-business-standard"]
    northwind_customers = Customer.objects.filter(reseller__name="Northwind Traders")
    assert northwind_customers.count() >= 2
    assert Subscription.objects.filter(customer__in=northwind_customers).exists()


def test_seed_demo_logs_what_it_creates_once(db, capsys):
    call_command("seed_demo")
    first = Counter(AuditEvent.objects.values_list("action", flat=True))
    call_command("seed_demo")
    assert Counter(AuditEvent.objects.values_list("action", flat=True)) == first
    assert first == {"catalog.offer_created": 9, "directory.published": 2,
                     "partnership.created": 2, "customer.created": 4,
                     "subscription.purchased": 6}


def test_seed_demo_subscriptions_are_a_month_into_their_term(db, capsys):
    call_command("seed_demo")
    for subscription in Subscription.objects.select_related("offer"):
        assert subscription.term_start == timezone.localdate() - timedelta(days=30)
        assert subscription.term_end == term_end(subscription.offer, subscription.term_start)
        assert subscription.status == "active"
