"""The customer's name on Customer (kept in step with its organization by the services),
filled from the organizations, and the Customers page's sort keys indexed.

The indexes are created here rather than declared on the model: on PostgreSQL their name
column uses the zh_pinyin collation (organizations 0004) that apps.i18n.name_order sorts
by, where the server has it, so that a page's ids come from an index-only scan in order;
elsewhere (SQLite, a server without ICU) they index the name as it is.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# name, columns (the name column written {name}), predicate
INDEXES = [
    ("customer_provider_name", "provider_id, {name}, organization_id", ""),
    ("customer_provider_reseller_name", "provider_id, reseller_id, {name}, organization_id", ""),
    # A reseller's Customers page lists its active customers (delegation starts then).
    ("customer_reseller_name", "reseller_id, {name}, organization_id", "status = 'active'"),
]


def fill_names(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Organization = apps.get_model("organizations", "Organization")
    names = Organization.objects.filter(pk=OuterRef("organization_id")).values("name")[:1]
    Customer.objects.update(name=Subquery(names))


def _collated_name(connection):
    if connection.vendor != "postgresql":
        return '"name"'
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'zh_pinyin'")
        known = cursor.fetchone() is not None
    return '"name" COLLATE "zh_pinyin"' if known else '"name"'


def create_indexes(apps, schema_editor):
    name = _collated_name(schema_editor.connection)
    for index, columns, predicate in INDEXES:
        where = f" WHERE {predicate}" if predicate else ""
        schema_editor.execute(f'CREATE INDEX "{index}" ON "customers_customer" '
                              f"({columns.format(name=name)}){where}")


def drop_indexes(apps, schema_editor):
    for index, _columns, _predicate in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0002_customer_provider_domain"),
        ("organizations", "0004_zh_pinyin_collation"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="name",
            field=models.CharField(default="", max_length=200, verbose_name="name"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop, elidable=False),
        # (provider, reseller) is the prefix of customer_provider_reseller_name.
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_provider_reseller",
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
        migrations.AlterModelOptions(
            name="customer",
            options={"ordering": ["name"], "verbose_name": "customer",
                     "verbose_name_plural": "customers"},
        ),
    ]
