"""Signing secrets: generated in the Standard Webhooks form (`whsec_<base64>`), encrypted at
rest with a Fernet key derived (HKDF-SHA256) from SECRET_KEY, so admins can show them again
and a database dump alone does not give them away; and the signature itself."""

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "whsec_"
_INFO = b"partnercenter webhooks signing secret v1"


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def encrypt(secret: str) -> str:
    return _fernet(settings.SECRET_KEY).encrypt(secret.encode()).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet(settings.SECRET_KEY).decrypt(token.encode("ascii")).decode()


def sign(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, keyed with the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")
