"""Temporary passwords for new customer admins: random, long, and accepted by the validators."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

# Look-alike characters (0/O, 1/l/I) are left out: the password is read and typed by people.
_CLASSES = ("abcdefghijkmnopqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "-_.!@#%+=?")
LENGTH = 20


def temporary_password(*, user=None, length=LENGTH):
    """One character of each class at least, the rest from all of them, shuffled."""
    pool = "".join(_CLASSES)
    rng = secrets.SystemRandom()
    while True:
        chars = [secrets.choice(c) for c in _CLASSES]
        chars += [secrets.choice(pool) for _ in range(length - len(chars))]
        rng.shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password, user)
        except ValidationError:  # pragma: no cover - vanishingly rare with 20 random characters
            continue
        return password
