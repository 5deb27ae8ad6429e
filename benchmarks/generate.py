"""Create a large provider dataset in the configured database, for the page benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/generate.py
    .venv/bin/python benchmarks/generate.py --quick            # small dataset, SQLite file

One provider organization, slug ``bench-provider``, with an admin ``bench@provider.test``
(password BENCH_PASSWORD, default ``Bench-pass-2026``, e-mail verified), N partnered
resellers, M customers (about 10% direct, the rest spread over the resellers), 1 to 3
subscriptions per customer and K audit events of the provider. Rows are written with
bulk_create in batches, inside one transaction, from a seeded random generator: the same
sizes and seed give the same data.

Idempotent: when ``bench-provider`` exists nothing is written, unless ``--reset``, which
first removes every ``bench-*`` organization and what hangs off it. Audit events are
append-only (a PostgreSQL trigger refuses DELETE), so on PostgreSQL ``--reset`` disables
that trigger inside its own transaction, and only in a database whose name contains
"bench"; elsewhere drop and recreate the database instead.

Without DATABASE_URL the data goes to ``benchmarks/results/bench.local.sqlite3`` (migrated
on first use), never to the development ``db.sqlite3``.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROVIDER_SLUG = "bench-provider"
SLUG_PREFIX = "bench-"
ADMIN_EMAIL = "bench@provider.test"
DEFAULT_PASSWORD = "Bench-pass-2026"

SIZES = {"resellers": 50, "customers": 20000, "audit_events": 20000}
QUICK_SIZES = {"resellers": 10, "customers": 2000, "audit_events": 2000}
DEFAULT_SEED = 2026
BATCH_SIZE = 1000

# Databases the generator never writes into (shared development and test databases).
PROTECTED_DATABASES = {"postgres", "test", "test_test", "template0", "template1"}
DEFAULT_SQLITE = ROOT / "benchmarks" / "results" / "bench.local.sqlite3"

# Used only when the catalog holds fewer than MIN_OFFERS active offers.
# code, name, billing period, term months, unit price, min licenses, max licenses
BENCH_OFFERS = [
    ("bench-basic", "Bench Business Basic", "monthly", 12, "6.00", 1, 300),
    ("bench-standard", "Bench Business Standard", "monthly", 12, "12.50", 1, 300),
    ("bench-premium", "Bench Business Premium", "monthly", 12, "22.00", 1, 300),
    ("bench-e3", "Bench Enterprise E3", "annual", 12, "23.00", 1, 10000),
    ("bench-e5", "Bench Enterprise E5", "annual", 12, "57.00", 1, 10000),
    ("bench-mail", "Bench Mail Plan 1", "monthly", 12, "4.00", 1, 10000),
    ("bench-teams", "Bench Teams Essentials", "monthly", 12, "4.00", 1, 300),
    ("bench-cloud", "Bench Cloud plan", "monthly", 1, "0.00", 1, 1),
]
MIN_OFFERS = 6

_FIRST = ["Alpine", "Blue", "Bright", "Cedar", "Coastal", "Delta", "Eagle", "Emerald", "Falcon",
          "Granite", "Harbor", "Iron", "Juniper", "Keystone", "Lakeside", "Maple", "Northern",
          "Oak", "Pioneer", "Quantum", "Redwood", "Silver", "Summit", "Trident", "Union",
          "Valley", "Western", "Yellowstone", "Zenith", "Atlas"]
_SECOND = ["Analytics", "Bakery", "Builders", "Clinic", "Consulting", "Dental", "Energy",
           "Freight", "Foods", "Holdings", "Imports", "Labs", "Legal", "Logistics", "Media",
           "Motors", "Partners", "Pharma", "Realty", "Retail", "Robotics", "Systems",
           "Textiles", "Travel", "Ventures", "Works"]
_THIRD = ["Inc.", "LLC", "GmbH", "Ltd", "S.A.", "B.V.", "AG", "Co.", "Group", "SARL"]
_COUNTRIES = ["US", "GB", "DE", "FR", "NL", "ES", "IT", "CA", "AU", "SE"]
_CITIES = ["Springfield", "Riverton", "Fairview", "Georgetown", "Madison", "Clinton",
           "Franklin", "Arlington", "Salem", "Ashland"]
_AUDIT_ACTIONS = ["customer.created", "subscription.created", "subscription.quantity_changed",
                  "subscription.suspended", "order.submitted", "team.member_added",
                  "team.role_changed", "partnership.created", "team.invitation_created"]


class SetupError(Exception):
    """The benchmark cannot run here (wrong or unmigrated database, unexpected data)."""


def setup_django():
    """Configure Django for a benchmark process (embedded defaults, DEBUG on, no .env)."""
    os.environ["PORTAL_READ_DOT_ENV"] = "false"
    os.environ["DEBUG"] = "true"
    if not os.environ.get("DATABASE_URL"):
        DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_SQLITE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_label(connection=None):
    from django.db import connection as default_connection

    connection = connection or default_connection
    return f"{connection.vendor}:{connection.settings_dict['NAME']}"


def check_database(connection=None, *, migrate_default_sqlite=True):
    """Refuse protected databases; migrate the default SQLite file; insist on a migrated schema.

    Raises SetupError when the database cannot be used.
    """
    from django.core.management import call_command
    from django.db import connection as default_connection
    from django.db.migrations.executor import MigrationExecutor

    connection = connection or default_connection
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql" and name in PROTECTED_DATABASES:
        raise SetupError(f"Refusing to use the shared database {name!r} for benchmarks: "
                         "create one, e.g. psql -h 127.0.0.1 -U postgres -c 'create database "
                         "bench', and point DATABASE_URL at it.")
    if Path(name).resolve() == (ROOT / "db.sqlite3").resolve():
        raise SetupError("Refusing to fill the development db.sqlite3: unset DATABASE_URL "
                         f"(defaults to {DEFAULT_SQLITE}) or point it elsewhere.")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        missing = missing_tables(connection)
        if missing:
            print(f"warning: {database_label(connection)} lacks the tables {', '.join(missing)} "
                  "(a model without a migration?); --reset will refuse to run.",
                  file=sys.stderr)
        return
    if (migrate_default_sqlite and connection.vendor == "sqlite"
            and Path(name).resolve() == DEFAULT_SQLITE.resolve()):
        call_command("migrate", interactive=False, verbosity=0)
        return
    raise SetupError(f"{database_label(connection)} has {len(pending)} unapplied migrations: "
                     "run `DATABASE_URL=... .venv/bin/python manage.py migrate` first.")


def missing_tables(connection):
    """Tables of installed models that the database lacks (a model without a migration)."""
    from django.apps import apps

    existing = set(connection.introspection.table_names())
    return sorted(model._meta.db_table for model in apps.get_models()
                  if model._meta.managed and not model._meta.proxy
                  and model._meta.db_table not in existing)


def dataset_counts():
    """What the bench provider holds now (None when there is no bench provider)."""
    from apps.audit.models import AuditEvent
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from apps.partnerships.models import Partnership
    from apps.subscriptions.models import Subscription

    provider = Organization.objects.filter(slug=PROVIDER_SLUG).first()
    if provider is None:
        return None
    customers = Customer.objects.filter(provider=provider)
    return {
        "resellers": Partnership.objects.filter(provider=provider,
                                                status=Partnership.Status.ACTIVE).count(),
        "customers": customers.count(),
        "direct_customers": customers.filter(reseller__isnull=True).count(),
        "subscriptions": Subscription.objects.filter(customer__provider=provider).count(),
        "audit_events": AuditEvent.objects.filter(organization=provider).count(),
    }


# ---------------------------------------------------------------------------- reset

def reset():
    """Remove every bench-* organization and everything that depends on it."""
    from django.db import connection, transaction

    from apps.audit.models import AuditEvent
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription

    missing = missing_tables(connection)
    if missing:
        # Deleting goes through Django's collector, which touches every related table.
        raise SetupError(f"--reset needs every model's table; {database_label(connection)} "
                         f"lacks {', '.join(missing)} (run makemigrations / migrate).")
    bench_orgs = Organization.objects.filter(slug__startswith=SLUG_PREFIX)
    with transaction.atomic():
        _delete_audit_events(connection, AuditEvent._meta.db_table,
                             Organization._meta.db_table)
        customers = Customer.objects.filter(organization__slug__startswith=SLUG_PREFIX) | \
            Customer.objects.filter(provider__slug__startswith=SLUG_PREFIX)
        Subscription.objects.filter(customer__in=customers.values("pk")).delete()
        Customer.objects.filter(pk__in=list(customers.values_list("pk", flat=True))).delete()
        bench_orgs.delete()


def _delete_audit_events(connection, events_table, organizations_table):
    """Raw DELETE of the bench organizations' audit events (the model refuses deletes)."""
    qn = connection.ops.quote_name
    where = (f"{qn('organization_id')} IN (SELECT {qn('id')} FROM {qn(organizations_table)} "
             f"WHERE {qn('slug')} LIKE %s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            name = str(connection.settings_dict["NAME"])
            if "bench" not in name:
                raise SetupError(
                    f"--reset deletes audit events, which the append-only trigger forbids; it "
                    f"only disables that trigger in a database named *bench*, not {name!r}. "
                    "Drop and recreate the database instead.")
            # ALTER TABLE locks the table until the transaction ends: nobody else ever
            # sees the trigger disabled.
            cursor.execute(f"ALTER TABLE {qn(events_table)} "
                           "DISABLE TRIGGER audit_event_append_only")
            cursor.execute(f"DELETE FROM {qn(events_table)} WHERE {where}", [SLUG_PREFIX + "%"])
            cursor.execute(f"ALTER TABLE {qn(events_table)} "
                           "ENABLE TRIGGER audit_event_append_only")
        else:
            cursor.execute(f"DELETE FROM {qn(events_table)} WHERE {where}", [SLUG_PREFIX + "%"])


# ---------------------------------------------------------------------------- generate

def _offers():
    from decimal import Decimal

    from apps.catalog.models import Offer

    offers = list(Offer.objects.filter(is_active=True).order_by("code"))
    if len(offers) < MIN_OFFERS:
        existing = set(Offer.objects.values_list("code", flat=True))
        Offer.objects.bulk_create([
            Offer(code=code, name=name, billing_period=billing, term_months=term,
                  unit_price=Decimal(price), min_licenses=low, max_licenses=high,
                  description=f"{name} (benchmark data).")
            for code, name, billing, term, price, low, high in BENCH_OFFERS
            if code not in existing])
        offers = list(Offer.objects.filter(is_active=True).order_by("code"))
    return offers


def _admin_user(password):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        email=ADMIN_EMAIL, defaults={"first_name": "Bench", "last_name": "Admin"})
    user.is_active = True
    user.must_change_password = False
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=ADMIN_EMAIL,
                                          defaults={"verified": True, "primary": True})
    return user


def _chunks(n, size):
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def generate(*, resellers=SIZES["resellers"], customers=SIZES["customers"],
             audit_events=SIZES["audit_events"], reset_first=False, password=None,
             seed=DEFAULT_SEED, batch_size=BATCH_SIZE, log=print):
    """Create the bench dataset unless it exists; return {"created": bool, "counts": {...}}."""
    from django.db import connection, reset_queries, transaction
    from django.utils import timezone

    from apps.audit.models import AuditEvent
    from apps.customers.models import Customer
    from apps.organizations.models import Membership, Organization
    from apps.organizations.roles import Kind, Role
    from apps.partnerships.models import Partnership
    from apps.providers.models import Provider
    from apps.resellers.models import Reseller
    from apps.subscriptions.models import Subscription

    password = password or os.environ.get("BENCH_PASSWORD") or DEFAULT_PASSWORD
    if reset_first:
        started = time.perf_counter()
        reset()
        log(f"reset: removed the bench-* organizations in {time.perf_counter() - started:.1f}s")
    elif Organization.objects.filter(slug=PROVIDER_SLUG).exists():
        log(f"{PROVIDER_SLUG} exists in {database_label()}: nothing written (--reset rebuilds)")
        return {"created": False, "counts": dataset_counts()}
    elif Organization.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise SetupError(f"bench-* organizations exist without {PROVIDER_SLUG}: run with --reset.")

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    started = time.perf_counter()

    def ago(max_days):
        return now - timedelta(seconds=rng.randint(0, max_days * 86400))

    with transaction.atomic():
        offers = _offers()
        provider = Organization.objects.create(kind=Kind.PROVIDER, name="Bench Distribution",
                                               slug=PROVIDER_SLUG, country="US",
                                               created_at=now - timedelta(days=4 * 365))
        Provider.objects.create(organization=provider, partner_id="9000000",
                                website="https://bench-provider.test")
        admin = _admin_user(password)
        Membership.objects.create(organization=provider, user=admin, role=Role.ADMIN)

        # Resellers, each with its extension and an active partnership.
        reseller_orgs = [
            Organization(kind=Kind.RESELLER, slug=f"bench-reseller-{i:04d}",
                         name=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} Reseller {i:04d}",
                         country=rng.choice(_COUNTRIES), created_at=ago(4 * 365))
            for i in range(resellers)]
        Organization.objects.bulk_create(reseller_orgs, batch_size=batch_size)
        Reseller.objects.bulk_create([
            Reseller(organization=org, partner_id=f"{9100000 + i}",
                     enrollment_status=Reseller.EnrollmentStatus.APPROVED,
                     enrollment_decided_at=org.created_at, contact_name=f"Contact {i}",
                     contact_email=f"contact@{org.slug}.test", address=rng.choice(_CITIES))
            for i, org in enumerate(reseller_orgs)], batch_size=batch_size)
        Partnership.objects.bulk_create([
            Partnership(provider=provider, reseller=org, accepted_at=ago(3 * 365))
            for org in reseller_orgs], batch_size=batch_size)
        log(f"  {resellers} resellers and partnerships")

        # Customers (organization + customer row) and their subscriptions, chunk by chunk.
        subscription_total = 0
        customer_ids = []
        for chunk in _chunks(customers, batch_size):
            orgs, rows, subscriptions = [], [], []
            for i in chunk:
                created_at = ago(3 * 365)
                name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_THIRD)} {i:05d}"
                org = Organization(kind=Kind.CUSTOMER, slug=f"bench-c-{i:06d}", name=name,
                                   country=rng.choice(_COUNTRIES), created_at=created_at)
                reseller = None if rng.random() < 0.10 else rng.choice(reseller_orgs)
                status = rng.choices(["active", "provisioning", "failed"], [95, 3, 2])[0]
                orgs.append(org)
                rows.append(Customer(
                    organization=org, name=name, provider=provider, reseller=reseller,
                    status=status,
                    domain_prefix=f"benchc{i:06d}", contact_first_name="Alex",
                    contact_last_name=f"Admin{i}", contact_email=f"it@benchc{i:06d}.example",
                    contact_phone="+1 555 0100", city=rng.choice(_CITIES),
                    postal_code=f"{rng.randint(10000, 99999)}", street=f"{i} Main Street",
                    created_at=created_at))
                for offer in rng.sample(offers, rng.randint(1, min(3, len(offers)))):
                    start = (created_at + timedelta(days=rng.randint(0, 30))).date()
                    start = min(start, today)
                    high = max(offer.min_licenses, min(offer.max_licenses, 500))
                    subscriptions.append(Subscription(
                        customer=rows[-1], provider=provider, offer=offer,
                        quantity=rng.randint(offer.min_licenses, high),
                        status=rng.choices(["active", "suspended", "cancelled"], [85, 10, 5])[0],
                        reseller_of_record=reseller, support_contact=reseller or provider,
                        term_start=start,
                        term_end=start + timedelta(days=30 * offer.term_months),
                        auto_renew=rng.random() < 0.8, created_at=created_at))
            Organization.objects.bulk_create(orgs, batch_size=batch_size)
            Customer.objects.bulk_create(rows, batch_size=batch_size)
            Subscription.objects.bulk_create(subscriptions, batch_size=batch_size)
            customer_ids.extend((org.pk, org.name) for org in orgs)
            subscription_total += len(subscriptions)
            reset_queries()
        log(f"  {customers} customers, {subscription_total} subscriptions")

        # Audit events of the provider: bulk_create is a plain INSERT, which the append-only
        # model and trigger allow.
        for chunk in _chunks(audit_events, batch_size):
            events = []
            for _i in chunk:
                action = rng.choice(_AUDIT_ACTIONS)
                target_pk, target_name = rng.choice(customer_ids) if customer_ids else ("", "")
                by_admin = rng.random() < 0.9
                events.append(AuditEvent(
                    at=ago(365), actor=admin if by_admin else None,
                    actor_email=ADMIN_EMAIL if by_admin else "", organization=provider,
                    action=action, target_type="organizations.organization",
                    target_id=str(target_pk), target_repr=target_name[:255],
                    data={"quantity": rng.randint(1, 300), "offer": rng.choice(offers).code},
                    ip=f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"))
            AuditEvent.objects.bulk_create(events, batch_size=batch_size)
            reset_queries()
        log(f"  {audit_events} audit events")

    if connection.vendor == "postgresql":
        # The state autovacuum keeps a live database in: planner statistics and a visibility
        # map (index-only scans). After --reset, FULL also drops the deleted rows' space, so
        # a rebuilt dataset measures like a fresh one (half-empty pages and bloated indexes
        # made the deep audit page 2-3x slower). VACUUM runs outside a transaction, as here.
        tables = [m._meta.db_table for m in (Organization, Membership, Provider, Reseller,
                                              Partnership, Customer, Subscription, AuditEvent)]
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        with connection.cursor() as cursor:
            if reset_first:
                cursor.execute(f"VACUUM (FULL) {names}")  # FULL leaves no visibility map
            cursor.execute(f"VACUUM (ANALYZE) {names}")
    log(f"generated in {time.perf_counter() - started:.1f}s into {database_label()}")
    return {"created": True, "counts": dataset_counts()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resellers", type=int, help=f"default {SIZES['resellers']}")
    parser.add_argument("--customers", type=int, help=f"default {SIZES['customers']}")
    parser.add_argument("--audit-events", type=int, help=f"default {SIZES['audit_events']}")
    parser.add_argument("--quick", action="store_true",
                        help="small defaults: " + ", ".join(f"{v} {k}"
                                                            for k, v in QUICK_SIZES.items()))
    parser.add_argument("--reset", action="store_true",
                        help="remove the bench-* data first, then generate")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import DatabaseError

    sizes = dict(QUICK_SIZES if args.quick else SIZES)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    try:
        check_database()
        result = generate(**sizes, reset_first=args.reset, seed=args.seed,
                          batch_size=args.batch_size)
    except (SetupError, DatabaseError) as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    print("dataset:", ", ".join(f"{v} {k}" for k, v in (result["counts"] or {}).items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
