import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("subscriptions", "0004_subscription_provider"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subscription",
            name="provider",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="provider_subscriptions",
                                    to="organizations.organization", verbose_name="provider"),
        ),
        migrations.AddIndex(
            model_name="subscription",
            index=models.Index(fields=["reseller_of_record", "provider"],
                               name="subscription_credited_provider"),
        ),
    ]
