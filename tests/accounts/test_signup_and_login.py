"""Sign-up, sign-in, rate limits and the absence of account enumeration."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

User = get_user_model()
SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
GOOD_PASSWORD = "Plenty-long-pass-42"


def signup(client, email, password1=GOOD_PASSWORD, password2=None):
    return client.post(SIGNUP, {"email": email, "password1": password1,
                                "password2": password2 if password2 is not None else password1})


@pytest.mark.django_db
def test_signup_requires_email_verification_before_sign_in(client):
    response = signup(client, "New.Person@Example.test")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert user.email == "new.person@example.test"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "new.person@example.test" in mail.outbox[0].to

    # Not verified yet: signing in sends a new verification mail instead of a session.
    response = client.post(LOGIN, {"login": "new.person@example.test", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(("email", "password1", "password2", "field", "message"), [
    ("not-an-email", GOOD_PASSWORD, GOOD_PASSWORD, "email", "Enter a valid email address."),
    ("someone@example.test", GOOD_PASSWORD, GOOD_PASSWORD + "x", "password2",
     "You must type the same password each time."),
    ("someone@example.test", "password", "password", "password1", "This password is too common"),
    ("someone@example.test", "short", "short", "password1", "This password is too short"),
    ("someone\x00@example.test", GOOD_PASSWORD, GOOD_PASSWORD, "email", "Null characters"),
])
def test_signup_bad_input_is_refused_next_to_the_field(client, email, password1, password2,
                                                       field, message):
    response = signup(client, email, password1, password2)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_signup_with_a_used_email_creates_nothing_and_reveals_nothing(client):
    UserFactory(email="taken@example.test")
    response = signup(client, "Taken@example.test")
    # No enumeration: the page looks like a successful sign-up; the owner is told by mail.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="taken@example.test").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.test"]


@pytest.mark.django_db
def test_sign_in_rotates_the_session_key_and_lands_in_the_last_organization(client,
                                                                            provider_admin,
                                                                            provider):
    client.get(LOGIN)
    session_before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    client.session.save()
    anonymous_key = client.session.session_key
    response = client.post(LOGIN, {"login": "ADMIN@contoso.test", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/o/{provider.slug}/"
    assert client.session.session_key not in (anonymous_key, session_before)
    assert "Indirect resellers" in response.content.decode()


@pytest.mark.django_db
def test_wrong_and_unknown_logins_get_the_same_answer(client, provider_admin):
    wrong = client.post(LOGIN, {"login": "admin@contoso.test", "password": "nope-nope-nope"})
    unknown = client.post(LOGIN, {"login": "nobody@contoso.test", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(client, provider_admin):
    known = client.post("/accounts/password/reset/", {"email": "admin@contoso.test"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@contoso.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The owner gets a reset link; the unknown address gets a mail that says no account exists
    # (allauth's enumeration-safe behaviour), never a different page.
    assert any("admin@contoso.test" in m.to for m in mail.outbox)


@pytest.mark.django_db
def test_six_wrong_passwords_in_a_row_are_rate_limited(client, provider_admin):
    for _ in range(5):
        response = client.post(LOGIN, {"login": "admin@contoso.test", "password": "wrong-pass-1"})
        assert response.status_code == 200
    limited = "Too many failed login attempts. Try again later."
    response = client.post(LOGIN, {"login": "admin@contoso.test", "password": "wrong-pass-1"})
    assert limited in response.context["form"].non_field_errors()
    # Even the right password is refused until the window passes.
    response = client.post(LOGIN, {"login": "admin@contoso.test", "password": PASSWORD})
    assert limited in response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_customer_account_domain_is_reserved(client, settings):
    settings.CUSTOMER_DOMAIN_SUFFIX = "onpartnercenter.test"
    response = signup(client, "admin@adatum.onpartnercenter.test")
    assert response.status_code == 200
    assert "reserved for customer accounts" in " ".join(response.context["form"].errors["email"])
    assert not User.objects.exists()
