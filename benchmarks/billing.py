"""Closing a month: 20,000 customers, 100,000 subscriptions, one process (one worker).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/billing.py
    make bench BENCH_ARGS=--billing

The data goes to a database of its own: DATABASE_URL's name + _billing_template (created,
migrated and filled once; migrated again each run), copied afresh to DATABASE_URL's name +
_billing before every run, so each run closes the same open month: one provider, 50
partnered resellers, 20,000 customers (a tenth direct), 5 monthly-billed subscriptions
each, and a purchase charge this month for a fifth of them. The run closes the month (the
month's charge of every subscription, an invoice per reseller and direct customer, a
statement per reseller's customer), times it, closes it again and checks that the second
close made nothing. Goal: the first close in 60 s or less (benchmarks/goals.json
"billing").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CUSTOMERS = 20_000
SUBSCRIPTIONS_EACH = 5
RESELLERS = 50
GOAL_SECONDS = 60.0
MONTH = date(2026, 10, 1)
PREFIX = "billbench-"


def _admin(base_url):
    import psycopg2

    head, _name = base_url.rsplit("/", 1)
    admin = psycopg2.connect(head + "/postgres")
    admin.autocommit = True
    return admin


def _names(base_url):
    head, name = base_url.rsplit("/", 1)
    name = name.split("?")[0]
    return head, f"{name}_billing_template", f"{name}_billing"


def _database(base_url):
    """postgres://…/name → postgres://…/name_billing_template, created when missing."""
    head, template, _target = _names(base_url)
    admin = _admin(base_url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{template}"')
    admin.close()
    return f"{head}/{template}"


def _fresh_copy(base_url):
    """name_billing made again from the filled template; Django's connection moves to it."""
    from django.db import connections

    _head, template, target = _names(base_url)
    connections.close_all()
    admin = _admin(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    admin.close()
    connections["default"].settings_dict["NAME"] = target


def _setup(url):
    os.environ["DATABASE_URL"] = url
    os.environ["PORTAL_READ_DOT_ENV"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _fill(log):
    from django.db import transaction

    from apps.billing.models import Charge, PriceList, PriceRule
    from apps.billing.pricing import cents, month_bounds
    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription

    if Organization.objects.filter(slug=f"{PREFIX}provider").exists():
        return
    started = time.monotonic()
    offers = []
    for n, price in enumerate(["6.00", "12.50", "22.00", "8.00", "4.00"]):
        offer, _ = Offer.objects.get_or_create(
            code=f"{PREFIX}offer-{n}", defaults={"name": f"Bench offer {n}",
                                                 "unit_price": price,
                                                 "billing_period": "monthly"})
        offers.append(offer)
    first, last = month_bounds(MONTH)
    with transaction.atomic():
        provider = Organization.objects.create(kind="provider", name="Bench provider",
                                               slug=f"{PREFIX}provider", country="US")
        resellers = Organization.objects.bulk_create([
            Organization(kind="reseller", name=f"Bench reseller {n:03d}",
                         slug=f"{PREFIX}reseller-{n:03d}", country="US")
            for n in range(RESELLERS)])
        default = PriceList.objects.create(owner=provider, name="Resellers", is_default=True)
        PriceRule.objects.create(price_list=default, margin_percent=10, effective_from=first)
        for reseller in resellers:
            own = PriceList.objects.create(owner=reseller, name="Customers", is_default=True)
            PriceRule.objects.create(price_list=own, margin_percent=20, effective_from=first)
        for start in range(0, CUSTOMERS, 2000):
            orgs = [Organization(id=uuid.uuid4(), kind="customer",
                                 name=f"Bench customer {n:05d}",
                                 slug=f"{PREFIX}customer-{n:05d}", country="US")
                    for n in range(start, min(start + 2000, CUSTOMERS))]
            Organization.objects.bulk_create(orgs)
            customers = [Customer(organization=org, name=org.name, provider=provider,
                                  reseller=None if n % 10 == 0 else resellers[n % RESELLERS],
                                  status="active", domain_prefix=org.slug)
                         for n, org in enumerate(orgs, start)]
            Customer.objects.bulk_create(customers)
            subscriptions, charges = [], []
            for customer in customers:
                for k in range(SUBSCRIPTIONS_EACH):
                    offer = offers[k]
                    bought = k == 0  # a fifth were bought this month, on the 11th
                    term_start = date(2026, 10, 11) if bought else date(2026, 3, 1)
                    subscription = Subscription(
                        id=uuid.uuid4(), customer=customer, provider=provider,
                        customer_name=customer.name, offer=offer,
                        quantity=3 + k, reseller_of_record_id=customer.reseller_id,
                        term_start=term_start, term_end=date(2027, term_start.month, 1))
                    subscriptions.append(subscription)
                    if bought:
                        unit = Decimal(offer.unit_price)
                        amount = cents(unit * 3 * 21 / 31)
                        charges.append(Charge(
                            kind="purchase", provider=provider, reseller_id=customer.reseller_id,
                            customer=customer, customer_organization_id=customer.organization_id,
                            subscription=subscription, offer=offer, quantity=3, period_start=
                            date(2026, 10, 11), period_end=last, days=21, period_days=31,
                            currency="USD", cost_unit=unit, reseller_unit=unit,
                            customer_unit=unit, cost_amount=amount, reseller_amount=amount,
                            customer_amount=amount,
                            posted_on=date(2026, 10, 11)))
            Subscription.objects.bulk_create(subscriptions, batch_size=5000)
            Charge.objects.bulk_create(charges, batch_size=5000)
            log(f"  {start + len(customers)} customers")
    log(f"filled in {time.monotonic() - started:.1f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        print("The billing benchmark needs DATABASE_URL (PostgreSQL).", file=sys.stderr)
        return 2

    def log(message):
        print(message, file=sys.stderr, flush=True)

    _setup(_database(base))
    _fill(log)
    _fresh_copy(base)
    from apps.billing.models import Charge, Invoice
    from apps.billing.services import month_close
    from apps.subscriptions.models import Subscription

    subscriptions = Subscription.objects.filter(provider__slug=f"{PREFIX}provider").count()
    started = time.monotonic()
    first = month_close(month=MONTH, today=date(2026, 11, 1))
    seconds = time.monotonic() - started
    started = time.monotonic()
    second = month_close(month=MONTH, today=date(2026, 11, 1))
    again = time.monotonic() - started
    result = {
        "subscriptions": subscriptions,
        "customers": CUSTOMERS,
        "close_seconds": round(seconds, 1),
        "monthly_charges": first.monthly_charges, "invoices": first.invoices,
        "statements": first.statements,
        "second_close_seconds": round(again, 1),
        "second_close_invoices": second.invoices + second.statements,
        "charges_uninvoiced": Charge.objects.filter(
            provider__slug=f"{PREFIX}provider", posted_on__lte=date(2026, 10, 31),
            invoice__isnull=True).count(),
        "invoices_total": Invoice.objects.filter(issuer__slug=f"{PREFIX}provider",
                                                 month=MONTH).count(),
        "goal_seconds": GOAL_SECONDS,
    }
    met = (seconds <= GOAL_SECONDS and result["second_close_invoices"] == 0
           and result["charges_uninvoiced"] == 0)
    result["met"] = met
    print(json.dumps(result, indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
