"""Account use cases."""

from django.conf import settings
from django.db import transaction

from apps.audit.services import record


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
