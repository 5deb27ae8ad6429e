"""Partnership and PartnershipInvitation move here from the resellers app.

Only the migration state moves: the tables keep their names (resellers_partnership,
resellers_partnershipinvitation), their rows, constraints and indexes. The content types
move with the models, so permissions and admin history stay attached to them.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["partnership", "partnershipinvitation"]


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
                    name="Partnership",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("status", models.CharField(choices=[("active", "Active"), ("ended", "Ended")], default="active", max_length=16, verbose_name="status")),
                        ("accepted_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="partnership since")),
                        ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended")),
                        ("provider", models.ForeignKey(limit_choices_to={"kind": "provider"}, on_delete=django.db.models.deletion.CASCADE, related_name="reseller_partnerships", to="organizations.organization", verbose_name="provider")),
                        ("reseller", models.ForeignKey(limit_choices_to={"kind": "reseller"}, on_delete=django.db.models.deletion.CASCADE, related_name="provider_partnerships", to="organizations.organization", verbose_name="reseller")),
                    ],
                    options={
                        "verbose_name": "partnership",
                        "verbose_name_plural": "partnerships",
                        "db_table": "resellers_partnership",
                        "ordering": ["-accepted_at"],
                        "indexes": [models.Index(fields=["provider", "status"], name="partnership_provider_st")],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("status", "active")), fields=("provider", "reseller"), name="partnership_one_active_per_pair")],
                    },
                ),
                migrations.CreateModel(
                    name="PartnershipInvitation",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("email", models.EmailField(max_length=254, verbose_name="sent to")),
                        ("name", models.CharField(blank=True, max_length=200, verbose_name="reseller name")),
                        ("subject", models.CharField(blank=True, max_length=200, verbose_name="subject")),
                        ("message", models.TextField(blank=True, max_length=5000, verbose_name="message")),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("accepted", "Accepted"), ("declined", "Declined"), ("revoked", "Revoked"), ("expired", "Expired")], db_index=True, default="pending", max_length=16, verbose_name="status")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("expires_at", models.DateTimeField(verbose_name="expires")),
                        ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                        ("send_count", models.PositiveSmallIntegerField(default=0, verbose_name="sends requested")),
                        ("mails_sent", models.PositiveSmallIntegerField(default=0, verbose_name="mails sent")),
                        ("last_requested_at", models.DateTimeField(blank=True, null=True, verbose_name="last send requested")),
                        ("last_sent_at", models.DateTimeField(blank=True, null=True, verbose_name="last sent")),
                        ("last_error", models.CharField(blank=True, max_length=500, verbose_name="last delivery error")),
                        ("accepted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="accepted by")),
                        ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="created by")),
                        ("provider", models.ForeignKey(limit_choices_to={"kind": "provider"}, on_delete=django.db.models.deletion.CASCADE, related_name="partnership_invitations", to="organizations.organization", verbose_name="provider")),
                        ("reseller", models.ForeignKey(blank=True, limit_choices_to={"kind": "reseller"}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="received_invitations", to="organizations.organization", verbose_name="reseller")),
                    ],
                    options={
                        "verbose_name": "partnership invitation",
                        "verbose_name_plural": "partnership invitations",
                        "db_table": "resellers_partnershipinvitation",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["provider", "-created_at"], name="invitation_provider_new"), models.Index(fields=["email", "status"], name="invitation_email_status")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types("resellers", "partnerships"),
                             move_content_types("partnerships", "resellers")),
    ]
