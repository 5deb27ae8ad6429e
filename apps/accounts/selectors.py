"""Account reads."""

from django.contrib.auth import get_user_model


def user_get_by_email(*, email):
    """The account with this address (any case), or None."""
    return get_user_model().objects.filter(email__iexact=email).first()
