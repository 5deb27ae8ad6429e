"""`seed_demo` builds the demo world of the README and can run again without harm."""

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from apps.analytics.models import DailyRollup, RunningTotal
from apps.audit.models import AuditEvent
from apps.catalog.models import Offer
from apps.customers.models import Customer
from apps.orders.models import Order, OrderLine
from apps.organizations.models import Membership, Organization
from apps.partnerships.models import Partnership
from apps.resellers.models import Reseller
from apps.subscriptions.models import Subscription
from apps.subscriptions.services import term_end


def counts():
    return [m.objects.count() for m in (get_user_model(), Organization, Membership, Offer,
                                        Customer, Subscription, Partnership)]


def test_seed_demo_runs_while_the_cache_is_down(db, cache_unreachable, caplog, on_commit):
    with on_commit():  # the directory's cache refresh runs after commit
        call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Customer.objects.filter(domain_prefix="adatum").exists()
    assert any(r.name == "apps.cache" for r in caplog.records)


def test_seed_demo_is_idempotent_and_complete(db, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-demo-pass-1")
    call_command("seed_demo", force=True)
    first = counts()
    call_command("seed_demo", force=True)
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
    call_command("seed_demo", force=True)
    first = Counter(AuditEvent.objects.values_list("action", flat=True))
    call_command("seed_demo", force=True)
    assert Counter(AuditEvent.objects.values_list("action", flat=True)) == first
    assert first == {"catalog.offer_created": 9, "directory.published": 2,
                     "partnership.created": 2, "customer.created": 4,
                     "subscription.purchased": 6}


def test_seed_demo_subscriptions_are_a_month_into_their_term(db, capsys):
    call_command("seed_demo", force=True)
    for subscription in Subscription.objects.select_related("offer"):
        assert subscription.term_start == timezone.localdate() - timedelta(days=30)
        assert subscription.term_end == term_end(subscription.offer, subscription.term_start)
        assert subscription.status == "active"


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match=r"DEBUG is off.*--force"):
        call_command("seed_demo")
    assert counts() == before
    settings.DEBUG = True
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert counts() != before


def test_seed_demo_exits_non_zero_from_the_command_line_with_debug_off():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DEBUG": "False", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}  # never reached
    result = subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DEBUG is off" in result.stderr
    assert "--force" in result.stderr


def test_seed_demo_never_changes_an_existing_users_password(db, monkeypatch, capsys):
    User = get_user_model()
    operator = User.objects.create_user(email="admin@partnercenter.test",
                                        password="The-operators-own-1")
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-first-1")
    call_command("seed_demo", force=True)
    operator.refresh_from_db()
    assert operator.check_password("The-operators-own-1")
    assert not operator.is_superuser  # an existing account is left as it is
    assert User.objects.get(email="provider@contoso.test").check_password("Demo-pass-first-1")
    out = capsys.readouterr().out
    assert "keep their password: admin@partnercenter.test" in out

    # A second run with another demo password changes no password either.
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-second-1")
    call_command("seed_demo", force=True)
    assert User.objects.get(email="provider@contoso.test").check_password("Demo-pass-first-1")
    operator.refresh_from_db()
    assert operator.check_password("The-operators-own-1")


def test_seed_demo_orders_fill_the_analytics_pages(db, capsys):
    """Each demo customer was bought by a New customer order, completed the day its terms
    began: Orders lists them and the analytics pages count them (once, run after run)."""
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    orders = Order.objects.filter(kind="new_customer", status="completed")
    assert orders.count() == 4
    assert {o.completed_at.date() for o in orders} == {
        timezone.localdate() - timedelta(days=30)}
    assert OrderLine.objects.filter(order__in=orders).count() == Subscription.objects.count()
    northwind = RunningTotal.objects.filter(reseller__slug="northwind").aggregate(
        s=Sum("subscriptions"), n=Sum("licences"), c=Sum("customers"))
    assert northwind == {"s": 4, "n": 25 + 10 + 120 + 15, "c": 2}
    assert DailyRollup.objects.filter(
        provider__slug="contoso", day=timezone.localdate() - timedelta(days=30)).aggregate(
        n=Sum("new_subscriptions"))["n"] == 5
