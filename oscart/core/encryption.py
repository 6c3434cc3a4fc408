"""Secrets the portal must read back, such as the TOTP seeds of two-step login, encrypted at rest.

The key is derived from ``SECRET_KEY`` (HKDF-SHA256, Fernet: AES-128-CBC with an HMAC), so a copy of the database
alone does not let anyone generate a user's codes. Keys in ``SECRET_KEY_FALLBACKS`` still decrypt: to rotate
``SECRET_KEY``, keep the old one there until every secret has been written again (or two-step was set up anew).
A value that no configured key decrypts loads as ``Undecryptable`` instead of raising, so every query that reads
the row still works; what the secret was needed for refuses safely (see oscart/auth/renewal.py).
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String, TypeDecorator


def encrypt(text):
    return _box(*_keys()).encrypt(text.encode()).decode()


def decrypt(token):
    """The text of ``token``; cryptography's InvalidToken when no configured key made it or it was altered."""
    return _box(*_keys()).decrypt(token.encode()).decode()


class Undecryptable:
    """A stored value that none of the configured keys decrypts (SECRET_KEY changed without the old one in
    SECRET_KEY_FALLBACKS). False in a boolean test, like a missing value; written back, it stays as stored."""

    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token

    def __bool__(self):
        return False

    def __eq__(self, other):
        return isinstance(other, Undecryptable) and other.token == self.token

    def __hash__(self):
        return hash(self.token)

    def __repr__(self):
        return "<Undecryptable>"


class EncryptedString(TypeDecorator):
    """A string column stored encrypted (see the module); the application reads and writes the plain text."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, Undecryptable):
            return value.token
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return decrypt(value)
        except InvalidToken:
            return Undecryptable(value)


def _keys():
    config = current_app.config
    return (config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ()))


@lru_cache(maxsize=8)
def _box(*secret_keys):
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key))) for key in secret_keys])


def _derive(secret_key):
    material = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"oscart encrypted columns").derive(material)
