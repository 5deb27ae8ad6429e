"""Platform operators work in the Django admin: every model is there, enrolments are approved."""

import pytest
from django.apps import apps
from django.contrib import admin

from apps.resellers.models import Reseller
from tests import factories

LOCAL_APPS = {"accounts", "organizations", "audit", "catalog", "providers", "resellers",
              "customers", "subscriptions", "orders"}


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
    assert "1 enrolment approved." in response.content.decode()
