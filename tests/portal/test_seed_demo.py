"""`seed_demo` builds the demo world of the README and can run again without harm."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.catalog.models import Offer
from apps.customers.models import Customer
from apps.organizations.models import Membership, Organization
from apps.partnerships.models import Partnership
from apps.resellers.models import Reseller
from apps.subscriptions.models import Subscription


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
