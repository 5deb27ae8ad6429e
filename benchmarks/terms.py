"""The term engine's benchmark (`benchmarks/run.py --terms`): 10,000 subscriptions whose
term ends the same day are renewed in one run of apps.subscriptions.terms.terms_run, then a
second run renews none.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/run.py --terms

Its database is DATABASE_URL's name + ``_terms``, made afresh every run from a migrated
template (``..._terms_template``, migrated when missing or behind), so every run renews the
same 10,000 rows. The rows are written with COPY: one provider, 200 resellers, 2,000
customers (a fifth of them direct) with 5 subscriptions each, all ending on TERM_END, with
auto-renew on (9 in 10: those renew) or off (they expire). Goal: benchmarks/goals.json
"terms" (seconds for the 10,000).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIPTIONS = 10_000
PER_CUSTOMER = 5
RESELLERS = 200
TERM_START = date(2029, 3, 9)
TERM_END = date(2030, 3, 9)


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def _admin_connection(url):
    import psycopg2

    connection = psycopg2.connect(host=url.hostname, port=url.port or 5432,
                                  user=url.username or "postgres", password=url.password,
                                  dbname="postgres")
    connection.autocommit = True
    return connection


def _exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def fresh_database(base_url):
    """Drop and recreate <name>_terms from <name>_terms_template (migrated first)."""
    from psycopg2 import sql

    url = urlsplit(base_url)
    name = url.path.lstrip("/")
    target, template = f"{name}_terms", f"{name}_terms_template"
    connection = _admin_connection(url)
    try:
        with connection.cursor() as cursor:
            if not _exists(cursor, template):
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
        template_url = urlunsplit(url._replace(path=f"/{template}"))
        log(f"terms: migrating {template}")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=ROOT, check=True, timeout=900,
                       env={**os.environ, "DATABASE_URL": template_url, "DEBUG": "true",
                            "REDIS_URL": "", "PORTAL_READ_DOT_ENV": "false"})
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(target)))
            cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(target), sql.Identifier(template)))
    finally:
        connection.close()
    return urlunsplit(url._replace(path=f"/{target}"))


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def fill():
    """The provider, its resellers and customers, and SUBSCRIPTIONS due on TERM_END."""
    from django.db import connection, transaction

    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription

    now = datetime.now(UTC).isoformat()
    offer = Offer.objects.create(code="bench-terms-annual", name="Bench annual",
                                 unit_price="10.00", term_months=12)
    monthly = Offer.objects.create(code="bench-terms-monthly", name="Bench monthly",
                                   unit_price="2.00", term_months=1)
    provider = uuid.uuid4()
    resellers = [uuid.uuid4() for _ in range(RESELLERS)]
    # A customer's key is its organization's.
    customers = [uuid.uuid4() for _ in range(SUBSCRIPTIONS // PER_CUSTOMER)]
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        # Organizations and customers through the ORM (their defaults), the subscriptions
        # through COPY.
        orgs = [Organization(id=provider, kind="provider", name="Bench Terms Provider",
                             slug="bench-terms-provider", country="US")]
        orgs += [Organization(id=pk, kind="reseller", name=f"Bench Terms Reseller {i}",
                              slug=f"bench-terms-r-{i}", country="US")
                 for i, pk in enumerate(resellers)]
        orgs += [Organization(id=org, kind="customer", name=f"Bench Terms Customer {i}",
                              slug=f"bench-terms-c-{i}", country="US")
                 for i, org in enumerate(customers)]
        Organization.objects.bulk_create(orgs, batch_size=1000)
        Customer.objects.bulk_create([
            Customer(organization_id=org, name=f"Bench Terms Customer {i}",
                     provider_id=provider,
                     reseller_id=None if i % 5 == 0 else resellers[i % RESELLERS],
                     domain_prefix=f"benchterms{i}", status="active")
            for i, org in enumerate(customers)], batch_size=1000)
        rows = []
        for n in range(SUBSCRIPTIONS):
            customer = customers[n // PER_CUSTOMER]
            chosen = monthly if n % PER_CUSTOMER == 4 else offer
            start = TERM_START if chosen is offer else date(2030, 2, 9)
            rows.append((uuid.uuid4(), customer, provider, chosen.pk, 1 + n % 20, "active",
                         start, TERM_END, "f" if n % 10 == 9 else "t", now))
        _copy(raw, Subscription._meta.db_table,
              ["id", "customer_id", "provider_id", "offer_id", "quantity", "status",
               "term_start", "term_end", "auto_renew", "created_at"], rows)
        cursor.execute("ANALYZE")
    return sum(1 for row in rows if row[8] == "t")


def main(base_url, goal_seconds):
    """Prints the figures; 0 when the goal is met and the second run renews none."""
    if not base_url.startswith(("postgres://", "postgresql://")):
        log("terms: set DATABASE_URL to a PostgreSQL server (the bench uses <name>_terms)")
        return 2
    url = fresh_database(base_url)
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
                       "REDIS_URL": "", "EMAIL_URL": "dummymail://"})
    import django

    django.setup()
    from django.db import connection

    from apps.subscriptions.terms import terms_run

    started = time.perf_counter()
    renewing = fill()
    log(f"terms: {SUBSCRIPTIONS:,} subscriptions written in "
        f"{time.perf_counter() - started:.1f} s")
    connection.close()
    started = time.perf_counter()
    first = terms_run(today=TERM_END)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = terms_run(today=TERM_END)
    again = time.perf_counter() - started
    print(f"\nTerms: {first.renewed:,} renewed and {first.expired:,} expired "
          f"({first.renewed + first.expired:,} due on {TERM_END}) in {seconds:.1f} s "
          f"({(first.renewed + first.expired) / seconds:,.0f}/s), goal <= {goal_seconds:g} s; "
          f"failed {len(first.failed)}. Run again: {second.renewed} renewed, "
          f"{second.expired} expired, in {again:.2f} s.")
    ok = (first.renewed == renewing and first.renewed + first.expired == SUBSCRIPTIONS
          and not first.failed and second.renewed == second.expired == 0
          and seconds <= goal_seconds)
    print("terms goal: " + ("met" if ok else "MISSED"))
    return 0 if ok else 1
