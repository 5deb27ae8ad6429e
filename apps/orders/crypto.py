"""Encryption at rest for credential handovers (Fernet, keys from PORTAL_CREDENTIAL_KEY).

Each configured key (or SECRET_KEY when none is set) goes through HKDF-SHA256 to a
Fernet key, so any long random string will do. The first key encrypts; every key
decrypts, which lets an operator rotate keys by putting the new one first.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"partnercenter orders credential handover v1"

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _derive(secret):
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode())
    return base64.urlsafe_b64encode(key)


@lru_cache(maxsize=4)
def _fernet(secrets):
    return MultiFernet([Fernet(_derive(secret)) for secret in secrets])


def _keys():
    return tuple(settings.PORTAL_CREDENTIAL_KEY or [settings.SECRET_KEY])


def encrypt(text):
    return _fernet(_keys()).encrypt(text.encode()).decode("ascii")


def decrypt(token):
    """The plain text; raises InvalidToken when no configured key opens it."""
    return _fernet(_keys()).decrypt(token.encode("ascii")).decode()
