"""A customer's Users page: the customer's admins, its provider and its delegated reseller
add users, reset passwords (shown once, changed at the next sign-in), disable and enable
accounts; every change is in the customer's, the actor's and (a reseller acting) the
provider's audit log."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.customers.user_services import customer_user_add, customer_user_reset_password
from apps.errors import DomainError
from apps.orders import crypto
from apps.orders.models import CredentialHandover
from apps.organizations.models import Membership
from apps.organizations.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()


def users_url(org, customer=None, rest=""):
    if customer is None:
        return f"/o/{org.slug}/users/{rest}"
    return f"/o/{org.slug}/customers/{customer.pk}/users/{rest}"


def membership_of(customer, user):
    return Membership.objects.get(organization=customer.organization, user=user)


def signs_in(email, password):
    """Whether a fresh browser signs in with these credentials."""
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def reset(client, org, customer, user, key=None):
    """Confirm Reset password; `org` is the customer's own workspace when it is the
    customer's organization."""
    in_url = None if org == customer.organization else customer
    url = users_url(org, in_url, f"{membership_of(customer, user).pk}/reset-password/")
    return client.post(url, {"idempotency_key": str(key or uuid.uuid4())})


def password_on(page):
    match = re.search(r'id="setup-password" type="text" value="([^"]+)"', page)
    return match.group(1) if match else None


def logs(action, user):
    return sorted(AuditEvent.objects.filter(action=action, target_id=str(user.pk))
                  .values_list("organization__slug", flat=True))


# ------------------------------------------------------------------ reset password


def test_a_provider_resets_a_customer_admins_password(client, contoso, adatum, contoso_admin,
                                                      adatum_admin):
    assert signs_in(adatum_admin.email, factories.PASSWORD)
    client.force_login(contoso_admin)
    page = client.get(users_url(contoso, adatum)).content.decode()
    assert adatum_admin.email in page
    assert "Reset password" in page

    response = reset(client, contoso, adatum, adatum_admin)
    assert response.status_code == 302
    handover = CredentialHandover.objects.get(organization=adatum.organization)
    assert response.url == users_url(contoso, adatum, f"setup-info/{handover.pk}/")
    # Encrypted at rest until shown; the old password stopped working at once.
    password = crypto.decrypt(handover.secret)
    assert password not in str(AuditEvent.objects.values_list("data", flat=True))
    assert not signs_in(adatum_admin.email, factories.PASSWORD)

    page = client.get(response.url).content.decode()
    assert password_on(page) == password
    adatum_admin.refresh_from_db()
    assert adatum_admin.must_change_password
    assert adatum_admin.password_expires_at > timezone.now() + timedelta(days=6)

    customer_browser = Client()
    customer_browser.post("/accounts/login/", {"login": adatum_admin.email,
                                               "password": password})
    assert customer_browser.get("/").url == "/accounts/set-new-password/"
    assert logs("customer.user_password_reset", adatum_admin) == ["adatum", "contoso"]


def test_the_setup_info_is_shown_once_and_only_to_who_asked(client, contoso, adatum,
                                                            contoso_admin, contoso_helpdesk,
                                                            adatum_user):
    client.force_login(contoso_admin)
    url = reset(client, contoso, adatum, adatum_user).url
    helpdesk = Client()
    helpdesk.force_login(contoso_helpdesk)
    page = helpdesk.get(url).content.decode()
    assert password_on(page) is None
    assert "Only the person who asked for this temporary password can see it." in page

    first = client.get(url)
    assert password_on(first.content.decode())
    assert "no-store" in first["Cache-Control"]
    second = client.get(url).content.decode()
    assert password_on(second) is None
    assert "already shown" in second
    assert CredentialHandover.objects.get().secret == ""
    assert logs("customer.setup_info_shown", adatum_user) == []  # target: the handover
    assert AuditEvent.objects.filter(action="customer.setup_info_shown",
                                     organization=adatum.organization).count() == 1


def test_a_reseller_reset_is_in_the_customer_reseller_and_provider_logs(
        client, northwind, adatum, northwind_admin, adatum_user):
    client.force_login(northwind_admin)
    response = reset(client, northwind, adatum, adatum_user)
    assert response.status_code == 302
    assert logs("customer.user_password_reset", adatum_user) == ["adatum", "contoso",
                                                                 "northwind"]
    event = AuditEvent.objects.filter(action="customer.user_password_reset").first()
    assert event.actor == northwind_admin
    assert event.data["by"] == northwind.name


def test_a_double_click_resets_once(client, contoso, adatum, contoso_admin, adatum_user):
    client.force_login(contoso_admin)
    key = uuid.uuid4()
    first = reset(client, contoso, adatum, adatum_user, key)
    password = crypto.decrypt(CredentialHandover.objects.get().secret)
    second = reset(client, contoso, adatum, adatum_user, key)
    assert first.url == second.url
    assert CredentialHandover.objects.count() == 1
    assert signs_in(adatum_user.email, password)


def test_helpdesk_may_reset_passwords_sales_may_not(client, contoso, adatum, contoso_helpdesk,
                                                    contoso_sales, adatum_user):
    client.force_login(contoso_sales)
    page = client.get(users_url(contoso, adatum)).content.decode()
    assert "Your role (Sales agent) can see the users but cannot reset passwords" in page
    assert "reset-password/" not in page
    assert reset(client, contoso, adatum, adatum_user).status_code == 403
    assert signs_in(adatum_user.email, factories.PASSWORD)

    client.force_login(contoso_helpdesk)
    page = client.get(users_url(contoso, adatum)).content.decode()
    assert "reset-password/" in page
    assert "disable/" not in page
    assert reset(client, contoso, adatum, adatum_user).status_code == 302
    assert not signs_in(adatum_user.email, factories.PASSWORD)
    disable = users_url(contoso, adatum, f"{membership_of(adatum, adatum_user).pk}/disable/")
    assert client.post(disable, {"idempotency_key": str(uuid.uuid4())}).status_code == 403


def test_a_reset_ends_the_users_open_sessions(client, contoso, adatum, contoso_admin,
                                             adatum_user):
    signed_in = Client()
    signed_in.force_login(adatum_user)
    assert signed_in.get("/o/adatum/").status_code == 200
    client.force_login(contoso_admin)
    reset(client, contoso, adatum, adatum_user)
    assert signed_in.get("/o/adatum/").url.startswith("/accounts/login/")


def test_an_expired_temporary_password_is_issued_again(client, contoso, adatum, contoso_admin,
                                                       adatum_user):
    User.objects.filter(pk=adatum_user.pk).update(
        must_change_password=True, password_expires_at=timezone.now() - timedelta(days=1))
    client.force_login(contoso_admin)
    page = client.get(users_url(contoso, adatum)).content.decode()
    assert "Temporary password expired" in page
    assert "Re-issue temporary password" in page
    url = reset(client, contoso, adatum, adatum_user).url
    password = password_on(client.get(url).content.decode())
    assert signs_in(adatum_user.email, password)
    adatum_user.refresh_from_db()
    assert adatum_user.password_expires_at > timezone.now()
    event = AuditEvent.objects.filter(action="customer.user_password_reset").first()
    assert event.data["reissued_expired"] is True


def test_the_customer_admin_resets_a_users_password_in_its_own_workspace(
        client, adatum, adatum_admin, adatum_user):
    client.force_login(adatum_admin)
    page = client.get(users_url(adatum.organization)).content.decode()
    assert adatum_user.email in page
    response = reset(client, adatum.organization, adatum, adatum_user)
    assert response.url.startswith("/o/adatum/users/setup-info/")
    assert not signs_in(adatum_user.email, factories.PASSWORD)
    assert logs("customer.user_password_reset", adatum_user) == ["adatum"]
    # Their own account: Change password, not a reset.
    assert reset(client, adatum.organization, adatum, adatum_admin).status_code == 400


def test_a_customer_user_without_admin_rights_has_no_users_page(client, adatum, adatum_user):
    client.force_login(adatum_user)
    assert client.get(users_url(adatum.organization)).status_code == 403


def test_an_account_that_belongs_elsewhere_is_not_the_customers_to_reset(
        contoso, adatum, contoso_admin, northwind):
    person = factories.member(adatum.organization, Role.USER, email="both@example.test")
    factories.MembershipFactory(organization=northwind, user=person, role=Role.ADMIN)
    with pytest.raises(DomainError, match="also belongs to another organization"):
        customer_user_reset_password(customer=adatum, acting_organization=contoso,
                                     membership=membership_of(adatum, person),
                                     actor=contoso_admin)
    assert signs_in(person.email, factories.PASSWORD)


def test_another_provider_and_an_undelegated_reseller_cannot_reset(
        tailspin, fabrikam, adatum, tailspin_admin, fabrikam_admin, adatum_user):
    for org, admin in ((tailspin, tailspin_admin), (fabrikam, fabrikam_admin)):
        with pytest.raises(DomainError):
            customer_user_reset_password(customer=adatum, acting_organization=org,
                                         membership=membership_of(adatum, adatum_user),
                                         actor=admin)
        client = Client()
        client.force_login(admin)
        assert client.get(users_url(org, adatum)).status_code == 404
        assert reset(client, org, adatum, adatum_user).status_code == 404
    assert signs_in(adatum_user.email, factories.PASSWORD)


# ------------------------------------------------------------------ disable, enable


def test_disable_blocks_sign_in_and_enable_restores_it(client, contoso, adatum, contoso_admin,
                                                       adatum_user):
    client.force_login(contoso_admin)
    membership = membership_of(adatum, adatum_user)
    url = users_url(contoso, adatum, f"{membership.pk}/disable/")
    confirm = client.get(url).content.decode()
    assert f"Disable {adatum_user.email}?" in confirm
    assert client.post(url, {"idempotency_key": str(uuid.uuid4())}).status_code == 302
    assert not signs_in(adatum_user.email, factories.PASSWORD)
    page = client.get(users_url(contoso, adatum)).content.decode()
    assert "Disabled" in page
    assert "Enable" in page
    assert logs("customer.user_disabled", adatum_user) == ["adatum", "contoso"]

    response = client.post(users_url(contoso, adatum, f"{membership.pk}/enable/"))
    assert response.status_code == 302
    assert signs_in(adatum_user.email, factories.PASSWORD)
    assert logs("customer.user_enabled", adatum_user) == ["adatum", "contoso"]


def test_a_disabled_users_password_is_not_reset(client, contoso, adatum, contoso_admin,
                                                adatum_user):
    User.objects.filter(pk=adatum_user.pk).update(is_active=False)
    client.force_login(contoso_admin)
    response = reset(client, contoso, adatum, adatum_user)
    assert response.status_code == 400
    assert "is disabled. Enable the user first." in response.content.decode()
    assert not CredentialHandover.objects.exists()


# ------------------------------------------------------------------ add user


def test_add_a_user_who_signs_in_with_the_temporary_password(client, northwind, adatum,
                                                             northwind_admin):
    client.force_login(northwind_admin)
    url = users_url(northwind, adatum, "new/")
    assert "@adatum.onpartnercenter.test" in client.get(url).content.decode()
    key = str(uuid.uuid4())
    data = {"first_name": "Megan", "last_name": "Bowen", "username": "Megan.Bowen",
            "role": "user", "idempotency_key": key}
    response = client.post(url, data)
    assert response.status_code == 302
    assert client.post(url, data).url == response.url  # sent twice: one user
    user = User.objects.get(email="megan.bowen@adatum.onpartnercenter.test")
    assert user.get_full_name() == "Megan Bowen"
    assert membership_of(adatum, user).role == Role.USER
    password = password_on(client.get(response.url).content.decode())
    assert signs_in(user.email, password)
    assert logs("customer.user_added", user) == ["adatum", "contoso", "northwind"]

    again = client.post(url, {**data, "idempotency_key": str(uuid.uuid4())})
    assert again.status_code == 400
    assert "already exists. Choose another user name." in again.content.decode()
    assert User.objects.filter(email__startswith="megan.bowen@").count() == 1


def test_add_user_refuses_a_bad_user_name_next_to_the_field(client, adatum, adatum_admin):
    client.force_login(adatum_admin)
    response = client.post(users_url(adatum.organization, None, "new/"), {
        "first_name": "A", "last_name": "B", "username": "a@b", "role": "user",
        "idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert 'id="id_username_error"' in response.content.decode()
    assert User.objects.filter(email__startswith="a@b").count() == 0


def test_add_user_service_refuses_an_unknown_role(contoso, adatum, contoso_admin):
    with pytest.raises(DomainError):
        customer_user_add(customer=adatum, acting_organization=contoso, username="x",
                          first_name="X", last_name="Y", role="sales", actor=contoso_admin)


# ------------------------------------------------------------------ forgotten password


def test_a_real_address_resets_its_password_by_mail(client, adatum_admin, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": adatum_admin.email})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[adatum_admin.email]]


def test_a_customer_domain_address_is_told_whom_to_ask(client, mailoutbox):
    response = client.post("/accounts/password/reset/",
                           {"email": "admin@adatum.onpartnercenter.test"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot receive e-mail" in page
    assert "reset your password" in page
    assert mailoutbox == []


def test_sign_up_still_refuses_the_customer_domain(client):
    response = client.post("/accounts/signup/", {
        "email": "someone@adatum.onpartnercenter.test", "password1": "Xy-long-pass-2026",
        "password2": "Xy-long-pass-2026"})
    assert "reserved for customer accounts" in response.content.decode()
