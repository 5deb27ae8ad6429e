"""Account reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

if TYPE_CHECKING:
    from .models import User


def user_get_by_email(*, email: str) -> User | None:
    """The account with this address (any case), or None."""
    return get_user_model().objects.filter(email__iexact=email).first()
