"""Account use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError
from apps.i18n import is_time_zone

from .models import User
from .passwords import temporary_password, temporary_password_hash

if TYPE_CHECKING:
    from django.http import HttpRequest

    # An organizations.Organization: organizations sits above accounts, which cannot name it.
    Organization: TypeAlias = Any


@transaction.atomic
def user_set_new_password(*, user: User, password: str,
                          request: HttpRequest | None = None) -> User:
    """Replace a (temporary) password and lift the forced change."""
    user.set_password(password)
    user.must_change_password = False
    user.password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "password_expires_at"])
    record(actor=user, organization=None, action="account.password_set", target=user,
           request=request)
    return user


def _set_active(user: User, *, active: bool, refusal: str, action: str, actor: User,
                request: HttpRequest | None) -> User:
    from_db = User.objects.select_for_update().get(pk=user.pk)
    if from_db.is_active == active:
        raise DomainError(refusal)
    from_db.is_active = active
    from_db.save(update_fields=["is_active"])
    record(actor=actor, organization=None, action=action, target=from_db,
           data={"email": from_db.email}, request=request)
    return from_db


@transaction.atomic
def user_deactivate(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    """A platform operator stops an account: it can no longer sign in, and its open sessions
    end (an inactive user is not loaded from a session). Memberships and history stay."""
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    return _set_active(user, active=False, refusal=_("Already inactive."),
                       action="account.deactivated", actor=actor, request=request)


@transaction.atomic
def user_reactivate(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    return _set_active(user, active=True, refusal=_("Already active."),
                       action="account.reactivated", actor=actor, request=request)
@transaction.atomic
@dataclass(frozen=True)
class TemporaryPassword:
    """A generated temporary password and its hash (neither shown by repr)."""

    password: str = field(repr=False)
    encoded: str = field(repr=False)


def temporary_password_prepare() -> TemporaryPassword:
    """A new temporary password, hashed: the slow part of making an account (tenths of a
    second), to be done before the transaction that stores it and away from its locks."""
    password = temporary_password()
    return TemporaryPassword(password=password, encoded=temporary_password_hash(password))


def user_create_with_temporary_password(
        *, email: str, last_organization: Organization | None = None,
        language: str = "", first_name: str = "", last_name: str = "",
        prepared: TemporaryPassword | None = None) -> tuple[User, str]:
    """A new account with a generated temporary password: returns (user, password).

    The password must be changed at first sign-in and stops working after
    PORTAL_TEMPORARY_PASSWORD_DAYS unused. The caller hands it over once and keeps it
    nowhere in plain text. The address counts as verified: only addresses in the platform's
    own customer domain are made this way. `prepared`: the password, hashed beforehand by
    `temporary_password_prepare()` (otherwise one is made and hashed here).
    """
    prepared = prepared or temporary_password_prepare()
    expires = timezone.now() + timedelta(days=settings.PORTAL_TEMPORARY_PASSWORD_DAYS)
    manager = get_user_model().objects
    user = manager.create(
        email=manager.normalize_email(email).lower(), password=prepared.encoded,
        must_change_password=True, is_staff=False, is_superuser=False,
        password_expires_at=expires, last_organization=last_organization, language=language,
        first_name=first_name, last_name=last_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, prepared.password


@transaction.atomic
def user_issue_temporary_password(*, user: User) -> tuple[User, str]:
    """Replace the user's password with a new temporary one: returns (user, password).

    The old password stops working at once, and so do the user's open sessions (their
    session hash follows the password). As with a new account, the user must choose a new
    password at the next sign-in, and the temporary one stops working after
    PORTAL_TEMPORARY_PASSWORD_DAYS unused. The caller audits it, hands the password over
    once and keeps it nowhere in plain text.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    password = temporary_password(user=user)
    user.password = temporary_password_hash(password)  # the session hash follows it
    user.must_change_password = True
    user.password_expires_at = timezone.now() + timedelta(
        days=settings.PORTAL_TEMPORARY_PASSWORD_DAYS)
    user.save(update_fields=["password", "must_change_password", "password_expires_at"])
    return user, password


def user_set_language(*, user: User, language: str | None,
                      only_if_unset: bool = False) -> User:
    """Save the user's language when it is one of the portal's (else leave it). With
    `only_if_unset`, only a user who has none yet gets it (the first sign-in)."""
    language = (language or "").lower()
    if language not in dict(settings.LANGUAGES) or language == user.language:
        return user
    if only_if_unset and user.language:
        return user
    user.language = language
    user.save(update_fields=["language"])
    return user


def user_set_time_zone(*, user: User, time_zone: str) -> User:
    """Save the user's time zone (an IANA name; empty: the organization's default)."""
    time_zone = (time_zone or "").strip()
    if time_zone and not is_time_zone(time_zone):
        raise DomainError(_("Choose a time zone from the list."))
    if time_zone != user.time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return user
