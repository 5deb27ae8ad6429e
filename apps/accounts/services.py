"""Account use cases."""

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
