"""Reseller analytics at scale (`make bench BENCH_ARGS=--analytics`, or run.py --analytics).

A database of its own (DATABASE_URL's name + _analytics), generated once with COPY: one
provider (bench-an-provider) with 200 partnered resellers, 100,000 customers and about
500,000 subscriptions over two years, each bought by an order (New customer, then New
subscription orders) and about a fifth of them changed since by change orders (licences
added or removed, suspended, cancelled). Then, in one process (benchmarks.settings, DEBUG
off, the test client through the whole middleware stack):

- rebuild: `rollup_rebuild()` over every order (goal: <= 120 s);
- incremental: `rollup_apply()` of one order at a time, 50 orders (p50, goal <= 20 ms);
- pages: Reseller analytics for the default period and for a two-year range, and the big
  reseller's Analytics (p50 over 20 requests after 3 warm-ups; goals 150 and 300 ms), with
  the SQL statements of one request (goal <= 12).

Prints one line per figure and exits 1 when a goal is missed.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import urllib.parse
import uuid
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate as gen

PROVIDER_SLUG = "bench-an-provider"
ADMIN_EMAIL = "bench-an@provider.test"
RESELLER_EMAIL = "bench-an@reseller.test"
RESELLERS, CUSTOMERS, SUBSCRIPTIONS, DAYS = 200, 100_000, 500_000, 730
GOALS = {"default_p50_ms": 150, "two_years_p50_ms": 300, "queries": 12, "rebuild_s": 120,
         "incremental_p50_ms": 20}
CHUNK = 5000


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def database_url(base):
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path=f"{parts.path}_analytics"))


def ensure_database(url):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def generate(seed=2026):
    """The dataset, unless the provider exists already."""
    from django.db import transaction
    from django.utils import timezone

    from apps.customers.models import Customer
    from apps.orders.models import Order, OrderLine
    from apps.organizations.models import Membership, Organization
    from apps.organizations.roles import Kind, Role
    from apps.partnerships.models import Partnership
    from apps.resellers.models import Reseller
    from apps.subscriptions.models import Subscription

    if Organization.objects.filter(slug=PROVIDER_SLUG).exists():
        log(f"{PROVIDER_SLUG} exists: data kept")
        return
    rng = random.Random(seed)
    now = timezone.now()
    started = time.perf_counter()

    def new_id():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def ago(days):
        return now - timedelta(seconds=rng.random() * days * 86400)

    with transaction.atomic():
        offers = gen._offers()
        provider = Organization.objects.create(kind=Kind.PROVIDER, name="Bench Analytics",
                                               slug=PROVIDER_SLUG, country="US")
        admin = gen._user(ADMIN_EMAIL, gen.DEFAULT_PASSWORD, "Bench", "Analytics")
        Membership.objects.create(organization=provider, user=admin, role=Role.ADMIN)
        countries = ["US", "GB", "DE", "FR", "CN", "JP", "IN", "BR", "CA", "AU"]
        resellers = [{"id": new_id(), "kind": Kind.RESELLER, "slug": f"bench-an-r-{i:03d}",
                      "name": f"Analytics Reseller {i:03d}", "country": rng.choice(countries),
                      "created_at": ago(DAYS)} for i in range(RESELLERS)]
        gen.insert_rows(Organization, resellers)
        gen.insert_rows(Reseller, [{"organization_id": r["id"], "partner_id": f"{8100000 + i}",
                                    "enrollment_status": "approved", "address": "1 Main Street"}
                                   for i, r in enumerate(resellers)])
        gen.insert_rows(Partnership, [{"id": new_id(), "provider_id": provider.pk,
                                       "reseller_id": r["id"], "status": "active",
                                       "accepted_at": r["created_at"]} for r in resellers])
        Membership.objects.create(
            organization_id=resellers[0]["id"], role=Role.ADMIN,
            user=gen._user(RESELLER_EMAIL, gen.DEFAULT_PASSWORD, "Bench", "Reseller"))
        per_customer = SUBSCRIPTIONS // CUSTOMERS
        made = {"subscriptions": 0, "orders": 0, "lines": 0}
        for chunk in gen._chunks(CUSTOMERS, CHUNK):
            orgs, customers, subs, orders, lines = [], [], [], [], []
            for i in chunk:
                created = ago(DAYS)
                org_id = new_id()
                reseller = None if rng.random() < 0.1 else rng.choice(resellers)["id"]
                orgs.append({"id": org_id, "kind": Kind.CUSTOMER, "slug": f"bench-an-c-{i:06d}",
                             "name": f"Analytics Customer {i:06d}", "country": "US",
                             "created_at": created})
                customers.append({"organization_id": org_id, "provider_id": provider.pk,
                                  "reseller_id": reseller, "status": "active",
                                  "domain_prefix": f"benchan{i:06d}", "language": "en",
                                  "created_at": created,
                                  **gen.model_fields(Customer, name=orgs[-1]["name"])})
                # The New customer order (up to three offers), then New subscription orders
                # up to this customer's count, each later than the one before.
                remaining, when, kind = per_customer, created, "new_customer"
                while remaining > 0:
                    order_id = new_id()
                    orders.append({"id": order_id, "provider_id": provider.pk,
                                   "customer_id": org_id, "reseller_id": reseller, "kind": kind,
                                   "status": "completed", "idempotency_key": new_id(),
                                   "submitted_by_id": admin.pk, "submitted_at": when,
                                   "completed_at": when, "updated_at": when})
                    for offer in rng.sample(offers, min(remaining, rng.randint(1, 3))):
                        sub_id = new_id()
                        quantity = rng.randint(1, 40)
                        status, cancelled_on = "active", None
                        lines.append({"id": new_id(), "order_id": order_id,
                                      "offer_id": offer.pk, "action": "purchase",
                                      "quantity": quantity, "unit_price": offer.unit_price,
                                      "currency": offer.currency,
                                      "reseller_of_record_id": reseller,
                                      "subscription_id": sub_id})
                        change = rng.random()
                        if change < 0.2 and when < now - timedelta(days=2):
                            # A change order later on: licences, suspension or cancellation.
                            at = when + (now - when) * rng.random()
                            action = ("cancel" if change < 0.05 else "suspend" if change < 0.08
                                      else "add_licenses" if change < 0.16 else "remove_licenses")
                            before, after = quantity, quantity
                            if action == "add_licenses":
                                after = quantity + rng.randint(1, 10)
                            elif action == "remove_licenses" and quantity > 1:
                                after = quantity - 1
                            elif action == "remove_licenses":
                                action, after = "add_licenses", quantity + 1
                            status = {"cancel": "cancelled", "suspend": "suspended"}.get(
                                action, "active")
                            cancelled_on = at.date() if action == "cancel" else None
                            change_id = new_id()
                            orders.append({"id": change_id, "provider_id": provider.pk,
                                           "customer_id": org_id, "reseller_id": reseller,
                                           "kind": "change", "status": "completed",
                                           "idempotency_key": new_id(),
                                           "submitted_by_id": admin.pk, "submitted_at": at,
                                           "completed_at": at, "updated_at": at})
                            lines.append({"id": new_id(), "order_id": change_id,
                                          "offer_id": offer.pk, "action": action,
                                          "quantity": after, "previous_quantity": before,
                                          "unit_price": offer.unit_price,
                                          "currency": offer.currency,
                                          "reseller_of_record_id": reseller,
                                          "subscription_id": sub_id})
                            quantity = after
                        subs.append({"id": sub_id, "customer_id": org_id,
                                     "offer_id": offer.pk, "quantity": quantity,
                                     "status": status, "cancelled_on": cancelled_on,
                                     "reseller_of_record_id": reseller,
                                     "support_contact_id": reseller or provider.pk,
                                     "term_start": when.date(),
                                     "term_end": when.date() + timedelta(days=365),
                                     "created_at": when,
                                     **gen.model_fields(Subscription, provider_id=provider.pk,
                                                        customer_name=orgs[-1]["name"])})
                        remaining -= 1
                    when = when + (now - when) * rng.random()
                    kind = "new_subscription"
            gen.insert_rows(Organization, orgs)
            gen.insert_rows(Customer, customers)
            gen.insert_rows(Subscription, subs)
            gen.insert_rows(Order, orders)
            gen.insert_rows(OrderLine, lines)
            made["subscriptions"] += len(subs)
            made["orders"] += len(orders)
            made["lines"] += len(lines)
    with gen_cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"generated {RESELLERS} resellers, {CUSTOMERS} customers, {made['subscriptions']} "
        f"subscriptions, {made['orders']} orders ({made['lines']} lines) in "
        f"{time.perf_counter() - started:.0f} s")


def gen_cursor():
    from django.db import connection

    return connection.cursor()


def p50(samples):
    return statistics.median(samples) * 1000


def timed_get(client, url, n=20, warm=3):
    for _ in range(warm):
        assert client.get(url).status_code == 200, url
    samples, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, url
    # The Python side's own CPU time: on a loaded machine, wall time also counts waiting.
    log(f"  ({url}: Python CPU p50 {p50(cpu):.0f} ms)")
    return samples


def measure(rebuild=True):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.analytics.models import AppliedOrder, DailyRollup
    from apps.analytics.services import rollup_apply, rollup_rebuild, rollup_vacuum
    from apps.orders.models import Order

    results = {}
    if rebuild or not DailyRollup.objects.exists():
        outcome = rollup_rebuild()
        rollup_vacuum()  # as rebuild_analytics does
        results["rebuild_s"] = outcome["seconds"]
        log(f"rebuild: {outcome['rows']} daily rows from {outcome['orders']} orders in "
            f"{outcome['seconds']:.1f} s")
    # One order at a time: forgotten, then counted again, in a transaction rolled back.
    ids = list(Order.objects.filter(provider__slug=PROVIDER_SLUG, kind="change")
               .values_list("pk", flat=True)[:25])
    ids += list(Order.objects.filter(provider__slug=PROVIDER_SLUG, kind="new_customer")
                .values_list("pk", flat=True)[:25])
    samples = []
    for order_id in ids:
        with transaction.atomic():
            AppliedOrder.objects.filter(order_id=order_id).delete()
            started = time.perf_counter()
            assert rollup_apply(order_id=order_id)
            samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    results["incremental_p50_ms"] = p50(samples)
    log(f"incremental update of one order: p50 {p50(samples):.1f} ms, "
        f"max {max(samples) * 1000:.1f} ms ({len(samples)} orders)")
    users = get_user_model().objects
    client = Client()
    client.force_login(users.get(email=ADMIN_EMAIL))
    today = timezone.localdate()
    pages = {
        "default": f"/o/{PROVIDER_SLUG}/analytics/",
        "two_years": f"/o/{PROVIDER_SLUG}/analytics/?period=custom&start="
                     f"{today - timedelta(days=DAYS - 1)}&end={today}",
        "365d": f"/o/{PROVIDER_SLUG}/analytics/?period=365d",
    }
    for name, url in pages.items():
        samples = timed_get(client, url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[f"{name}_p50_ms"] = p50(samples)
        results[f"{name}_queries"] = len(queries)
        log(f"reseller analytics {name}: p50 {p50(samples):.0f} ms, "
            f"p95 {sorted(samples)[int(len(samples) * 0.95) - 1] * 1000:.0f} ms, "
            f"{len(queries)} queries")
    reseller = Client()
    reseller.force_login(users.get(email=RESELLER_EMAIL))
    url = "/o/bench-an-r-000/analytics/?period=365d"
    samples = timed_get(reseller, url)
    with CaptureQueriesContext(connection) as queries:
        reseller.get(url)
    results["reseller_p50_ms"] = p50(samples)
    log(f"reseller's analytics 365d: p50 {p50(samples):.0f} ms, {len(queries)} queries")
    return results


def check(results):
    missed = []
    for key, goal in (("default_p50_ms", GOALS["default_p50_ms"]),
                      ("two_years_p50_ms", GOALS["two_years_p50_ms"]),
                      ("rebuild_s", GOALS["rebuild_s"]),
                      ("incremental_p50_ms", GOALS["incremental_p50_ms"]),
                      ("default_queries", GOALS["queries"]),
                      ("two_years_queries", GOALS["queries"])):
        if key in results and results[key] > goal:
            missed.append(f"{key} {results[key]:.1f} > {goal}")
    for line in missed:
        log(f"GOAL MISSED: {line}")
    return 1 if missed else 0


def main(argv=None):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        log("the analytics benchmark needs PostgreSQL: set DATABASE_URL")
        return 2
    url = database_url(base)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django
    from django.conf import settings

    django.setup()
    # Plain static URLs: the measurement is the page's work, not a manifest lookup.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    generate()
    return check(measure(rebuild="--no-rebuild" not in (argv or sys.argv[1:])))


if __name__ == "__main__":
    sys.exit(main())
