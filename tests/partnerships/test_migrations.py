"""The moved models keep their rows: partnerships, invitations and relationship requests
written under the resellers app read the same through the partnerships and relationships
apps after migrating forward (PostgreSQL, the production database)."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.relationships.models import ResellerRelationshipRequest
from tests import factories

BEFORE_THE_MOVE = [("resellers", "0003_reseller_relationship_request"),
                   ("partnerships", None), ("relationships", None)]

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the migration test runs on PostgreSQL")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_read_the_same_after_it():
    provider = factories.ProviderFactory(name="Contoso Distribution")
    reseller = factories.ResellerFactory(name="Northwind Traders")
    customer = factories.CustomerFactory(provider=provider).organization
    user = factories.UserFactory(email="admin@contoso.test")
    content_type = ContentType.objects.get(app_label="partnerships", model="partnership")
    accepted_at = timezone.now() - timedelta(days=30)
    expires_at = timezone.now() + timedelta(days=10)
    try:
        executor = _migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(BEFORE_THE_MOVE[:1]).apps
        assert ContentType.objects.filter(pk=content_type.pk,
                                          app_label="resellers").exists()
        partnership = old.get_model("resellers", "Partnership").objects.create(
            provider_id=provider.pk, reseller_id=reseller.pk, accepted_at=accepted_at)
        invitation = old.get_model("resellers", "PartnershipInvitation").objects.create(
            provider_id=provider.pk, created_by_id=user.pk, email="reseller@fabrikam.test",
            name="Frida", subject="Let us partner", message="Hello", expires_at=expires_at,
            send_count=2, mails_sent=1, last_error="SMTPServerDisconnected")
        relationship = old.get_model("resellers", "ResellerRelationshipRequest").objects.create(
            provider_id=provider.pk, customer_id=customer.pk, reseller_id=reseller.pk,
            message="Northwind will help", requested_by_id=user.pk, notices_sent=1)
    finally:
        _migrate_to_latest()

    moved = Partnership.objects.select_related("provider", "reseller").get(pk=partnership.pk)
    assert (moved.provider, moved.reseller, moved.status, moved.accepted_at) == (
        provider, reseller, "active", accepted_at)
    moved = PartnershipInvitation.objects.get(pk=invitation.pk)
    assert (moved.provider, moved.created_by, moved.email, moved.name, moved.subject,
            moved.message, moved.status, moved.expires_at, moved.send_count, moved.mails_sent,
            moved.last_error) == (provider, user, "reseller@fabrikam.test", "Frida",
                                  "Let us partner", "Hello", "pending", expires_at, 2, 1,
                                  "SMTPServerDisconnected")
    moved = ResellerRelationshipRequest.objects.get(pk=relationship.pk)
    assert (moved.provider, moved.customer, moved.reseller, moved.message, moved.status,
            moved.requested_by, moved.notices_sent) == (
        provider, customer, reseller, "Northwind will help", "pending", user, 1)
    # The content types moved with the models: permissions stay attached to them.
    assert ContentType.objects.get_for_model(Partnership).pk == content_type.pk
    assert ContentType.objects.get_for_model(ResellerRelationshipRequest).app_label == (
        "relationships")
    assert not ContentType.objects.filter(app_label="resellers",
                                          model__in=["partnership", "partnershipinvitation",
                                                     "resellerrelationshiprequest"]).exists()
