"""ResellerRelationshipRequest moves here from the resellers app.

Only the migration state moves: the table keeps its name
(resellers_resellerrelationshiprequest), its rows and its constraint. The content type
moves with the model, so permissions and admin history stay attached to it.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["resellerrelationshiprequest"]


def move_content_types(from_label, to_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            old = ContentType.objects.filter(app_label=from_label, model=model).first()
            if old is None:
                continue
            # A migrate run in between may have created an empty one for the new label.
            ContentType.objects.filter(app_label=to_label, model=model).delete()
            old.app_label = to_label
            old.save(update_fields=["app_label"])
    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0003_alter_organization_country"),
        ("resellers", "0003_reseller_relationship_request"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ResellerRelationshipRequest",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("message", models.TextField(blank=True, max_length=2000, verbose_name="message to the customer")),
                        ("status", models.CharField(choices=[("pending", "Waiting for the customer"), ("approved", "Approved"), ("declined", "Declined"), ("withdrawn", "Withdrawn")], db_index=True, default="pending", max_length=16, verbose_name="status")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="requested")),
                        ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                        ("notices_sent", models.PositiveSmallIntegerField(default=0)),
                        ("customer", models.ForeignKey(limit_choices_to={"kind": "customer"}, on_delete=django.db.models.deletion.CASCADE, related_name="reseller_requests", to="organizations.organization", verbose_name="customer")),
                        ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="decided by")),
                        ("provider", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organizations.organization", verbose_name="provider")),
                        ("requested_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="requested by")),
                        ("reseller", models.ForeignKey(limit_choices_to={"kind": "reseller"}, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="organizations.organization", verbose_name="reseller")),
                    ],
                    options={
                        "verbose_name": "reseller relationship request",
                        "verbose_name_plural": "reseller relationship requests",
                        "db_table": "resellers_resellerrelationshiprequest",
                        "ordering": ["-created_at"],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("status", "pending")), fields=("customer",), name="relationship_one_pending_per_customer")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types("resellers", "relationships"),
                             move_content_types("relationships", "resellers")),
    ]
