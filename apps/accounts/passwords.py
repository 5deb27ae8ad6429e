"""Temporary passwords for new customer admins: random, long, and accepted by the validators."""

import copy
import secrets

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
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


def temporary_password_hash(password):
    """The stored hash of a temporary password: the default hasher, with
    PORTAL_TEMPORARY_PASSWORD_ITERATIONS when it is PBKDF2 (Django's default).

    Why fewer iterations than a chosen password gets: key stretching makes guessing a
    *human-chosen* password from a stolen hash slower; a temporary password is 20
    characters drawn at random from 67 (about 120 bits), beyond any guessing whatever the
    iteration count (1,000,000 iterations add about 20 bits). It stops working after
    PORTAL_TEMPORARY_PASSWORD_DAYS, must be changed at first sign-in, and that sign-in
    stores it again at the default cost (Django rehashes a password whose iterations
    differ from the default's; a wrong password is checked at full cost, so timing tells
    nothing). Hashing it at the full cost cost provisioning 1.6 s per order.
    """
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        hasher = copy.copy(hasher)
        hasher.iterations = min(hasher.iterations, settings.PORTAL_TEMPORARY_PASSWORD_ITERATIONS)
    return make_password(password, hasher=hasher)
