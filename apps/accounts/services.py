"""Account use cases."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.audit.services import record

from .passwords import temporary_password


@transaction.atomic
def user_set_new_password(*, user, password, request=None):
    """Replace a (temporary) password and lift the forced change."""
    user.set_password(password)
    user.must_change_password = False
    user.password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "password_expires_at"])
    record(actor=user, organization=None, action="account.password_set", target=user,
           request=request)
    return user


@transaction.atomic
def user_create_with_temporary_password(*, email, last_organization=None):
    """A new account with a generated temporary password: returns (user, password).

    The password must be changed at first sign-in and stops working after
    PORTAL_TEMPORARY_PASSWORD_DAYS unused. The caller hands it over once and keeps it
    nowhere in plain text. The address counts as verified: only addresses in the platform's
    own customer domain are made this way.
    """
    password = temporary_password()
    expires = timezone.now() + timedelta(days=settings.PORTAL_TEMPORARY_PASSWORD_DAYS)
    user = get_user_model().objects.create_user(
        email=email, password=password, must_change_password=True,
        password_expires_at=expires, last_organization=last_organization)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, password
