"""Account use cases."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError

from .models import User


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
