"""The customer's name on Subscription (kept in step by the services, as Customer.name),
filled from the customers, and the Incentives page's index: a reseller's credited
subscriptions in customer order, with the offer and licenses its totals add up."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_names(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    Customer = apps.get_model("customers", "Customer")
    names = Customer.objects.filter(pk=OuterRef("customer_id")).values("name")[:1]
    Subscription.objects.update(customer_name=Subquery(names))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0004_customer_search_trigrams"),
        ("subscriptions", "0007_terms_renewal_and_expiry"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="customer_name",
            field=models.CharField(default="", max_length=200, verbose_name="customer name"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="subscription",
            index=models.Index(fields=["reseller_of_record", "customer_name"],
                               include=["offer", "quantity", "id"],
                               name="subscription_credited_name"),
        ),
    ]
