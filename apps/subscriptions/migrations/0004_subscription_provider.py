"""Subscription.provider: the customer's provider, copied (filled here from the customers),
so that a provider's subscriptions are counted (per reseller of record) from an index
alone.
NOT NULL and the index come in 0005: PostgreSQL refuses to alter a table in the transaction
that updated its foreign key column (pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_providers(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    Customer = apps.get_model("customers", "Customer")
    providers = Customer.objects.filter(pk=OuterRef("customer_id")).values("provider_id")[:1]
    Subscription.objects.update(provider=Subquery(providers))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0003_customer_name"),
        ("organizations", "0004_zh_pinyin_collation"),
        ("subscriptions", "0003_customer_and_credited_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="provider",
            field=models.ForeignKey(null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name="provider_subscriptions",
                                    to="organizations.organization", verbose_name="provider"),
        ),
        migrations.RunPython(fill_providers, migrations.RunPython.noop, elidable=False),
    ]
