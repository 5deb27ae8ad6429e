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
import io
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROVIDER_SLUG = "bench-provider"
SLUG_PREFIX = "bench-"
ADMIN_EMAIL = "bench@provider.test"
DEFAULT_PASSWORD = "Bench-pass-2026"

# Named sizes (--size): customers; every size has 200 partnered resellers, the first of
# which holds BIG_RESELLER_SHARE of the customers. Audit events and orders grow with the
# customers (one New customer order each), support requests are a tenth of them.
PRESETS = {"1k": 1000, "20k": 20000, "100k": 100000}
DEFAULT_SIZE = "20k"
SIZES = {"resellers": 200, "customers": PRESETS[DEFAULT_SIZE], "audit_events": None,
         "support_requests": None, "directory_providers": 30}
QUICK_SIZES = {"resellers": 200, "customers": PRESETS["1k"], "audit_events": None,
               "support_requests": None, "directory_providers": 30}
BIG_RESELLER_SHARE = 0.25
DIRECT_SHARE = 0.10
BIG_RESELLER_SLUG = "bench-reseller-0000"
RESELLER_ADMIN_EMAIL = "bench@reseller.test"
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
    from apps.orders.models import Order
    from apps.organizations.models import Organization
    from apps.partnerships.models import Partnership
    from apps.subscriptions.models import Subscription
    from apps.support.models import SupportRequest

    provider = Organization.objects.filter(slug=PROVIDER_SLUG).first()
    if provider is None:
        return None
    customers = Customer.objects.filter(provider=provider)
    return {
        "resellers": Partnership.objects.filter(provider=provider,
                                                status=Partnership.Status.ACTIVE).count(),
        "customers": customers.count(),
        "big_reseller_customers": customers.filter(reseller__slug=BIG_RESELLER_SLUG).count(),
        "direct_customers": customers.filter(reseller__isnull=True).count(),
        "subscriptions": Subscription.objects.filter(customer__provider=provider).count(),
        "orders": Order.objects.filter(provider=provider).count(),
        "support_requests": SupportRequest.objects.filter(handled_by=provider).count(),
        "audit_events": AuditEvent.objects.filter(organization=provider).count(),
    }


def model_fields(model, **candidates):
    """The candidates that are fields of `model`: values of denormalized columns (a
    customer's `name`, a subscription's `provider`) are offered to every bulk_create, and
    used once a migration adds the field."""
    names = set()
    for field in model._meta.concrete_fields:
        names |= {field.name, field.attname}
    return {key: value for key, value in candidates.items() if key in names}


# ---------------------------------------------------------------------------- reset

def reset(prefix=SLUG_PREFIX):
    """Remove every organization whose slug starts with `prefix` (bench-*), the customers
    of such providers (those placed by the provisioning benchmark have ordinary slugs) and
    everything that depends on them."""
    from django.db import connection, transaction
    from django.db.models import Q

    from apps.billing.models import Charge, CreditNoteLine, Invoice
    from apps.customers.models import Customer
    from apps.orders.models import Order
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription
    from apps.support.models import SupportRequest

    missing = missing_tables(connection)
    if missing:
        # Deleting goes through Django's collector, which touches every related table.
        raise SetupError(f"--reset needs every model's table; {database_label(connection)} "
                         f"lacks {', '.join(missing)} (run makemigrations / migrate).")
    with transaction.atomic():
        org_ids = set(Organization.objects.filter(slug__startswith=prefix)
                      .values_list("pk", flat=True))
        org_ids |= set(Customer.objects.filter(provider__slug__startswith=prefix)
                       .values_list("pk", flat=True))
        _delete_audit_events(connection, org_ids)
        # Billing keeps its charges and invoices from being deleted under it (PROTECT):
        # credit lines, charges, then credit notes before the invoices they correct.
        invoices = Invoice.objects.filter(Q(issuer__in=org_ids) | Q(recipient__in=org_ids))
        CreditNoteLine.objects.filter(credit_note__in=invoices).delete()
        Charge.objects.filter(Q(provider__in=org_ids) | Q(customer__in=org_ids)).delete()
        invoices.filter(corrects__isnull=False).delete()
        invoices.delete()
        SupportRequest.objects.filter(handled_by__in=org_ids).delete()
        SupportRequest.objects.filter(customer__in=org_ids).delete()
        Order.objects.filter(provider__in=org_ids).delete()
        Subscription.objects.filter(customer__in=org_ids).delete()
        Customer.objects.filter(pk__in=org_ids).delete()
        Organization.objects.filter(pk__in=org_ids).delete()


def _delete_audit_events(connection, org_ids):
    """Raw DELETE of the organizations' audit events (the model refuses deletes)."""
    from apps.audit.models import AuditEvent

    if not org_ids:
        return
    qn = connection.ops.quote_name
    events_table = qn(AuditEvent._meta.db_table)
    column = qn(AuditEvent._meta.get_field("organization").column)
    ids = [org_id.hex if connection.vendor == "sqlite" else org_id for org_id in org_ids]
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
            cursor.execute(f"ALTER TABLE {events_table} DISABLE TRIGGER audit_event_append_only")
            cursor.execute(f"DELETE FROM {events_table} WHERE {column} = ANY(%s)", [ids])
            cursor.execute(f"ALTER TABLE {events_table} ENABLE TRIGGER audit_event_append_only")
        else:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {events_table} WHERE {column} IN ({marks})", chunk)


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


def _user(email, password, first_name, last_name):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name})
    user.is_active = True
    user.must_change_password = False
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email,
                                          defaults={"verified": True, "primary": True})
    return user


def _copy_text(value):
    """One value in PostgreSQL COPY's text format."""
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    elif isinstance(value, (datetime, date)):
        value = value.isoformat()
    else:
        value = str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def insert_rows(model, rows, *, batch_size=BATCH_SIZE):
    """Insert rows given as {attname: value} dicts: COPY on PostgreSQL (5-10x faster than
    bulk_create at 100,000 customers), bulk_create elsewhere.

    Columns a row leaves out get the field's default (or NULL when the field allows it);
    a required field without a default stops the run with its name: give it a value in
    the generator (model_fields() offers the denormalized ones).
    """
    from django.db import connection

    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    given = set(rows[0])
    fill = {}
    for field in fields:
        if field.attname in given:
            continue
        if field.has_default():
            fill[field.attname] = field.get_default()
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fill[field.attname] = datetime.now(tz=UTC)
        elif field.null:
            fill[field.attname] = None
        elif field.blank and field.empty_strings_allowed:
            fill[field.attname] = ""
        else:
            raise SetupError(f"benchmarks/generate.py gives no value for the required field "
                             f"{model.__name__}.{field.name}: add it where the "
                             f"{model.__name__} rows are built.")
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**fill, **row) for row in rows], batch_size=batch_size)
        return
    attnames = [f.attname for f in fields if f.attname in given or f.attname in fill]
    column_of = {f.attname: f.column for f in fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in attnames)
    buffer = io.StringIO()
    for row in rows:
        merged = {**fill, **row} if fill else row
        buffer.write("\t".join(_copy_text(merged[name]) for name in attnames))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN",
            buffer)


def _chunks(n, size):
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def sizes_for(customers, *, resellers=None, audit_events=None, support_requests=None,
              directory_providers=None):
    """The full set of sizes for a customer count (None: the default for that count)."""
    return {
        "resellers": SIZES["resellers"] if resellers is None else resellers,
        "customers": customers,
        "audit_events": customers if audit_events is None else audit_events,
        "support_requests": (max(customers // 10, 1) if support_requests is None
                             else support_requests),
        "directory_providers": (SIZES["directory_providers"] if directory_providers is None
                                else directory_providers),
    }


def generate(*, resellers=SIZES["resellers"], customers=SIZES["customers"],
             audit_events=None, support_requests=None, directory_providers=None,
             reset_first=False, password=None, seed=DEFAULT_SEED, batch_size=BATCH_SIZE,
             log=print):
    """Create the bench dataset unless it exists; return {"created": bool, "counts": {...}}."""
    from django.db import reset_queries, transaction
    from django.utils import timezone

    from apps.audit.models import AuditEvent
    from apps.customers.models import Customer
    from apps.orders.models import Order, OrderLine
    from apps.organizations.models import Membership, Organization
    from apps.organizations.roles import Kind, Role
    from apps.partnerships.models import Partnership
    from apps.providers.models import Provider, ProviderListing
    from apps.resellers.models import Reseller
    from apps.subscriptions.models import Subscription
    from apps.support.models import SupportRequest

    sizes = sizes_for(customers, resellers=resellers, audit_events=audit_events,
                      support_requests=support_requests,
                      directory_providers=directory_providers)
    audit_events, support_requests = sizes["audit_events"], sizes["support_requests"]
    directory_providers = sizes["directory_providers"]
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
        # Microseconds too: no two rows share a time, so "newest first" is one order.
        return now - timedelta(seconds=rng.random() * max_days * 86400)

    def new_id():
        # Seeded ids: the same sizes and seed give the same rows, ids included.
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def bulk(model, rows):
        model.objects.bulk_create(rows, batch_size=batch_size)

    with transaction.atomic():
        offers = _offers()
        provider = Organization.objects.create(id=new_id(), kind=Kind.PROVIDER,
                                               name="Bench Distribution", slug=PROVIDER_SLUG,
                                               country="US",
                                               created_at=now - timedelta(days=4 * 365))
        Provider.objects.create(organization=provider, partner_id="9000000",
                                website="https://bench-provider.test",
                                directory_name="Bench Distribution",
                                directory_published_at=now - timedelta(days=300))
        ProviderListing.objects.create(provider_id=provider.pk, country="US",
                                       target_url="https://bench-provider.test/")
        admin = _user(ADMIN_EMAIL, password, "Bench", "Admin")
        Membership.objects.create(organization=provider, user=admin, role=Role.ADMIN)

        # Resellers, each with its extension and an active partnership; the first one
        # (BIG_RESELLER_SLUG) has an admin of its own for the reseller's pages.
        reseller_orgs = [
            Organization(id=new_id(), kind=Kind.RESELLER, slug=f"bench-reseller-{i:04d}",
                         name=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} Reseller {i:04d}",
                         country=rng.choice(_COUNTRIES), created_at=ago(4 * 365))
            for i in range(resellers)]
        bulk(Organization, reseller_orgs)
        bulk(Reseller, [
            Reseller(organization=org, partner_id=f"{9100000 + i}",
                     enrollment_status=Reseller.EnrollmentStatus.APPROVED,
                     enrollment_decided_at=org.created_at, contact_name=f"Contact {i}",
                     contact_email=f"contact@{org.slug}.test", address=rng.choice(_CITIES))
            for i, org in enumerate(reseller_orgs)])
        bulk(Partnership, [
            Partnership(id=new_id(), provider=provider, reseller=org, accepted_at=ago(3 * 365))
            for org in reseller_orgs])
        big_reseller, other_resellers = reseller_orgs[0], reseller_orgs[1:] or reseller_orgs
        reseller_admin = _user(RESELLER_ADMIN_EMAIL, password, "Bench", "Reseller")
        Membership.objects.create(organization=big_reseller, user=reseller_admin,
                                  role=Role.ADMIN)
        log(f"  {resellers} resellers and partnerships")

        # Other providers, published in the directory; the big reseller partners with
        # a third of them (its Providers page).
        directory = [
            Organization(id=new_id(), kind=Kind.PROVIDER, slug=f"bench-dp-{i:03d}",
                         name=f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} Distribution {i:03d}",
                         country=rng.choice(_COUNTRIES), created_at=ago(4 * 365))
            for i in range(directory_providers)]
        bulk(Organization, directory)
        bulk(Provider, [Provider(organization=org, partner_id=f"{9200000 + i}",
                                 directory_name=org.name,
                                 directory_published_at=ago(365))
                        for i, org in enumerate(directory)])
        bulk(ProviderListing, [
            ProviderListing(id=new_id(), provider_id=org.pk, country=country,
                            target_url=f"https://{org.slug}.test/{country.lower()}/")
            for org in directory for country in rng.sample(_COUNTRIES, rng.randint(1, 3))])
        bulk(Partnership, [
            Partnership(id=new_id(), provider=org, reseller=big_reseller,
                        accepted_at=ago(2 * 365))
            for org in directory[::3]])
        log(f"  {directory_providers} providers in the directory")

        # Customers (organization + customer row), their subscriptions and the New customer
        # order each came from, chunk by chunk, as plain rows (insert_rows: COPY).
        subscription_total = 0
        customer_refs = []
        order_status = {"active": "completed", "provisioning": "provisioning",
                        "failed": "failed"}
        for chunk in _chunks(customers, batch_size):
            orgs, rows, subscriptions, orders, lines = [], [], [], [], []
            for i in chunk:
                created_at = ago(3 * 365)
                name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_THIRD)} {i:06d}"
                org_id = new_id()
                orgs.append({"id": org_id, "kind": Kind.CUSTOMER, "slug": f"bench-c-{i:06d}",
                             "name": name, "country": rng.choice(_COUNTRIES),
                             "created_at": created_at})
                # Exactly BIG_RESELLER_SHARE to the big reseller and DIRECT_SHARE direct (by
                # position in every run of 20; names are random, so not by name).
                slot = (i % 20) / 20
                if slot < BIG_RESELLER_SHARE:
                    reseller = big_reseller
                elif slot < BIG_RESELLER_SHARE + DIRECT_SHARE:
                    reseller = None
                else:
                    reseller = rng.choice(other_resellers)
                reseller_id = reseller.pk if reseller else None
                status = rng.choices(["active", "provisioning", "failed"], [95, 3, 2])[0]
                # Denormalized columns of the customer (its `name`) are filled through
                # model_fields once the model has them.
                rows.append({
                    "organization_id": org_id, "provider_id": provider.pk,
                    "reseller_id": reseller_id, "status": status,
                    "domain_prefix": f"benchc{i:06d}", "contact_first_name": "Alex",
                    "contact_last_name": f"Admin{i}", "contact_email": f"it@benchc{i:06d}.example",
                    "contact_phone": "+1 555 0100", "city": rng.choice(_CITIES),
                    "postal_code": f"{rng.randint(10000, 99999)}", "street": f"{i} Main Street",
                    "language": "en", "created_at": created_at,
                    **model_fields(Customer, name=name)})
                order_id = new_id()
                orders.append({
                    "id": order_id, "provider_id": provider.pk, "customer_id": org_id,
                    "reseller_id": reseller_id, "kind": Order.Kind.NEW_CUSTOMER,
                    "status": order_status[status], "idempotency_key": new_id(),
                    "submitted_by_id": admin.pk, "error": "", "reseller_dropped": "",
                    "submitted_at": created_at, "updated_at": created_at,
                    "completed_at": created_at if status == "active" else None})
                for offer in rng.sample(offers, rng.randint(1, min(3, len(offers)))):
                    start = (created_at + timedelta(days=rng.randint(0, 30))).date()
                    start = min(start, today)
                    high = max(offer.min_licenses, min(offer.max_licenses, 500))
                    subscription_id = new_id()
                    quantity = rng.randint(offer.min_licenses, high)
                    subscriptions.append({
                        "id": subscription_id, "customer_id": org_id, "offer_id": offer.pk,
                        "quantity": quantity,
                        "status": rng.choices(["active", "suspended", "cancelled"],
                                              [85, 10, 5])[0],
                        "reseller_of_record_id": reseller_id,
                        "support_contact_id": reseller_id or provider.pk,
                        "term_start": start,
                        "term_end": start + timedelta(days=30 * offer.term_months),
                        "auto_renew": rng.random() < 0.8, "created_at": created_at,
                        **model_fields(Subscription, provider_id=provider.pk,
                                       customer_name=name)})
                    lines.append({
                        "id": new_id(), "order_id": order_id, "offer_id": offer.pk,
                        "action": OrderLine.Action.PURCHASE, "quantity": quantity,
                        "unit_price": offer.unit_price, "currency": offer.currency,
                        "reseller_of_record_id": reseller_id,
                        "subscription_id": subscription_id if status == "active" else None})
            insert_rows(Organization, orgs, batch_size=batch_size)
            insert_rows(Customer, rows, batch_size=batch_size)
            insert_rows(Subscription, subscriptions, batch_size=batch_size)
            insert_rows(Order, orders, batch_size=batch_size)
            insert_rows(OrderLine, lines, batch_size=batch_size)
            customer_refs.extend((org["id"], org["name"]) for org in orgs)
            subscription_total += len(subscriptions)
            reset_queries()
        log(f"  {customers} customers, {subscription_total} subscriptions, {customers} orders")

        # Support requests handled by the provider (its Support queue).
        for chunk in _chunks(support_requests if customer_refs else 0, batch_size):
            requests = []
            for _i in chunk:
                customer_pk, _name = rng.choice(customer_refs)
                opened = ago(365)
                requests.append({
                    "id": new_id(), "customer_id": customer_pk, "handled_by_id": provider.pk,
                    "title": f"{rng.choice(_SECOND)} question {rng.randint(1000, 9999)}",
                    "severity": rng.choice(["low", "normal", "high", "critical"]),
                    "status": rng.choices(["open", "in_progress", "resolved"], [30, 20, 50])[0],
                    "created_at": opened,
                    "updated_at": opened + timedelta(hours=rng.random() * 48)})
            insert_rows(SupportRequest, requests, batch_size=batch_size)
            reset_queries()
        log(f"  {support_requests if customer_refs else 0} support requests")

        # Audit events of the provider: a plain INSERT (or COPY), which the append-only
        # model and trigger allow.
        for chunk in _chunks(audit_events, batch_size):
            events = []
            for _i in chunk:
                action = rng.choice(_AUDIT_ACTIONS)
                target_pk, target_name = rng.choice(customer_refs) if customer_refs else ("", "")
                by_admin = rng.random() < 0.9
                events.append({
                    "id": new_id(), "at": ago(365), "actor_id": admin.pk if by_admin else None,
                    "actor_email": ADMIN_EMAIL if by_admin else "",
                    "organization_id": provider.pk, "action": action,
                    "target_type": "organizations.organization",
                    "target_id": str(target_pk), "target_repr": target_name[:255],
                    "data": {"quantity": rng.randint(1, 300), "offer": rng.choice(offers).code},
                    "ip": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
                          f"{rng.randint(1, 254)}"})
            insert_rows(AuditEvent, events, batch_size=batch_size)
            reset_queries()
        log(f"  {audit_events} audit events")

    settle(full=reset_first)
    log(f"generated in {time.perf_counter() - started:.1f}s into {database_label()}")
    return {"created": True, "counts": dataset_counts()}


def settle(*, full=False):
    """The state autovacuum keeps a live database in: planner statistics and a visibility
    map (index-only scans). Run after generating, and by run.py before measuring data
    generated earlier (a migration that filled a column leaves every row dead until
    autovacuum comes by, and the covering indexes then read the heap). With `full`
    (after --reset) VACUUM FULL also drops the deleted rows' space, so a rebuilt dataset
    measures like a fresh one (half-empty pages and bloated indexes made the deep audit
    page 2-3x slower). VACUUM runs outside a transaction."""
    from django.db import connection

    from apps.audit.models import AuditEvent
    from apps.customers.models import Customer
    from apps.orders.models import Order, OrderLine
    from apps.organizations.models import Membership, Organization
    from apps.partnerships.models import Partnership
    from apps.providers.models import Provider, ProviderListing
    from apps.resellers.models import Reseller
    from apps.subscriptions.models import Subscription
    from apps.support.models import SupportRequest

    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (
            Organization, Membership, Provider, ProviderListing, Reseller, Partnership,
            Customer, Subscription, Order, OrderLine, SupportRequest, AuditEvent)]
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        with connection.cursor() as cursor:
            if full:
                cursor.execute(f"VACUUM (FULL) {names}")  # FULL leaves no visibility map
            cursor.execute(f"VACUUM (ANALYZE) {names}")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(PRESETS, key=PRESETS.get),
                        help=f"customers: {', '.join(f'{k} = {v}' for k, v in PRESETS.items())} "
                             f"(default {DEFAULT_SIZE}, 1k with --quick)")
    parser.add_argument("--resellers", type=int, help=f"default {SIZES['resellers']}")
    parser.add_argument("--customers", type=int, help="overrides --size")
    parser.add_argument("--audit-events", type=int, help="default: as many as customers")
    parser.add_argument("--support-requests", type=int, help="default: a tenth of customers")
    parser.add_argument("--quick", action="store_true", help="the 1k size (SQLite smoke runs)")
    parser.add_argument("--reset", action="store_true",
                        help="remove the bench-* data first, then generate")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import DatabaseError

    size = args.size or ("1k" if args.quick else DEFAULT_SIZE)
    sizes = sizes_for(args.customers or PRESETS[size], resellers=args.resellers,
                      audit_events=args.audit_events, support_requests=args.support_requests)
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
