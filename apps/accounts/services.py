"""Account use cases."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError

from .models import User
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


def _set_active(user, *, active, refusal, action, actor, request):
    from_db = User.objects.select_for_update().get(pk=user.pk)
    if from_db.is_active == active:
        raise DomainError(refusal)
    from_db.is_active = active
    from_db.save(update_fields=["is_active"])
    record(actor=actor, organization=None, action=action, target=from_db,
           data={"email": from_db.email}, request=request)
    return from_db


@transaction.atomic
def user_deactivate(*, user, actor, request=None):
    """A platform operator stops an account: it can no longer sign in, and its open sessions
    end (an inactive user is not loaded from a session). Memberships and history stay."""
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    return _set_active(user, active=False, refusal=_("Already inactive."),
                       action="account.deactivated", actor=actor, request=request)


@transaction.atomic
def user_reactivate(*, user, actor, request=None):
    return _set_active(user, active=True, refusal=_("Already active."),
                       action="account.reactivated", actor=actor, request=request)
@transaction.atomic
def user_create_with_temporary_password(*, email, last_organization=None, language=""):
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
        password_expires_at=expires, last_organization=last_organization, language=language)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, password
def user_set_language(*, user, language, only_if_unset=False):
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
