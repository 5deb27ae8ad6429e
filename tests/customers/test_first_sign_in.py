"""The new customer's admin signs in with the temporary credentials, must set a password first,
and lands in the customer workspace; an unused temporary password expires after 7 days."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.customers.services import customer_submit
from apps.orders import crypto
from apps.orders.models import CredentialHandover
from tests.customers.conftest import DETAILS

ADMIN = "admin@margiestravel.onpartnercenter.test"


@pytest.fixture
def temporary_password(provider, provider_admin, reseller, offers,
                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer_submit(provider=provider, reseller=reseller, customer_details=DETAILS,
                                  lines=[(offers["basic"], 5)], idempotency_key=uuid.uuid4(),
                                  submitted_by=provider_admin)
    return crypto.decrypt(CredentialHandover.objects.get().secret)


def test_first_sign_in_forces_a_new_password_then_lands_in_the_workspace(client,
                                                                         temporary_password):
    response = client.post("/accounts/login/", {"login": ADMIN, "password": temporary_password})
    assert response.status_code == 302
    assert client.get("/").url == "/accounts/set-new-password/"
    assert client.get("/o/margiestravel/").url == "/accounts/set-new-password/"
    response = client.post("/accounts/set-new-password/", {
        "new_password1": "Margie-owns-this-2026", "new_password2": "Margie-owns-this-2026"})
    assert response.status_code == 302
    home = client.get("/")
    assert home.url == "/o/margiestravel/"
    page = client.get(home.url).content.decode()
    assert "Business Basic" in page
    user = get_user_model().objects.get(email=ADMIN)
    assert not user.must_change_password
    assert user.password_expires_at is None


def test_the_temporary_password_expires_after_seven_days_unused(client, temporary_password):
    user = get_user_model().objects.get(email=ADMIN)
    assert user.password_expires_at - timezone.now() > timedelta(days=6, hours=23)
    get_user_model().objects.filter(pk=user.pk).update(
        password_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/accounts/login/", {"login": ADMIN, "password": temporary_password},
                           follow=True)
    assert "_auth_user_id" not in client.session
    assert "Your temporary password has expired" in response.content.decode()


def test_a_session_begun_before_expiry_ends_at_expiry(client, temporary_password):
    client.post("/accounts/login/", {"login": ADMIN, "password": temporary_password})
    assert client.get("/").url == "/accounts/set-new-password/"
    get_user_model().objects.filter(email=ADMIN).update(
        password_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/accounts/set-new-password/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
