"""Platform operators work in the Django admin: every model is there, enrolments are approved."""

import pytest
from django.apps import apps
from django.contrib import admin

from apps.resellers.models import Reseller
from tests import factories

LOCAL_APPS = {"accounts", "organizations", "audit", "catalog", "providers", "resellers",
              "partnerships", "customers", "subscriptions", "orders", "relationships"}


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser("ops@example.test", "Ops-pass-2026!")
    client.force_login(user)
    return user


def test_every_model_is_registered_and_its_pages_open(client, operator, customer):
    factories.SubscriptionFactory(customer=customer)
    models = [m for m in apps.get_models() if m._meta.app_label in LOCAL_APPS]
    assert models
    for model in models:
        assert admin.site.is_registered(model), f"{model._meta.label} is not in the admin"
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist + "?q=contoso").status_code == 200, changelist


def test_operator_approves_an_enrolment(client, operator):
    applicant = factories.ResellerFactory(extension__enrollment_status="applied")
    response = client.post("/admin/resellers/reseller/", {
        "action": "approve_enrollments", "_selected_action": [str(applicant.pk)]}, follow=True)
    assert response.status_code == 200
    reseller = Reseller.objects.get(organization=applicant)
    assert reseller.enrollment_status == Reseller.EnrollmentStatus.APPROVED
    assert reseller.enrollment_decided_at is not None
    assert "1 enrolment(s) approved." in response.content.decode()


@pytest.mark.parametrize("label", ["partnerships.partnership",
                                   "partnerships.partnershipinvitation",
                                   "relationships.resellerrelationshiprequest"])
def test_partnerships_and_relationship_requests_are_read_only(client, operator, provider,
                                                              provider_admin, reseller,
                                                              customer, label):
    """They change through their services (with an audit event), never in the admin."""
    from apps.partnerships.services import invitation_create
    from apps.relationships.models import ResellerRelationshipRequest

    invitation_create(provider=provider, email="new@reseller.test", created_by=provider_admin)
    ResellerRelationshipRequest.objects.create(provider=provider, customer=customer.organization,
                                               reseller=reseller)
    model = apps.get_model(label)
    obj = model.objects.get()
    base = f"/admin/{label.replace('.', '/')}/"
    changelist = client.get(base + "?status__exact=pending&q=contoso")
    assert changelist.status_code == 200
    assert f'href="{base}add/"' not in changelist.content.decode()
    assert client.get(base + "add/").status_code == 403
    detail = client.get(f"{base}{obj.pk}/change/")
    assert detail.status_code == 200  # readable
    assert 'type="submit" value="Save"' not in detail.content.decode()
    assert client.post(f"{base}{obj.pk}/change/", {}).status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
