"""Partnership and PartnershipInvitation now belong to the partnerships app,
ResellerRelationshipRequest to the relationships app: they leave this app's migration state
only. Their tables and rows stay where they are (the new apps keep the table names)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("resellers", "0003_reseller_relationship_request"),
        ("partnerships", "0001_initial"),
        ("relationships", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Partnership"),
                migrations.DeleteModel(name="PartnershipInvitation"),
                migrations.DeleteModel(name="ResellerRelationshipRequest"),
            ],
            database_operations=[],
        ),
    ]
