"""The keys of the audit chain: each link is an HMAC under a key that is not stored in the database.

``AUDIT_KEY`` is the key new events are sealed with; ``AUDIT_KEY_FALLBACKS`` are earlier keys that still
verify older events. Without ``AUDIT_KEY`` the key is derived from ``SECRET_KEY`` (and the fallbacks from
``SECRET_KEY_FALLBACKS``), so an installation that sets only ``SECRET_KEY`` still has a keyed chain. An event
stores the key's id (a one-way fingerprint), never the key.
"""

import hashlib
import hmac

from flask import current_app


class UnknownKey(LookupError):
    """An event or checkpoint was sealed under a key that is not configured (any more)."""


def _derived(secret):
    return hmac.new(secret.encode(), b"oscart audit chain", hashlib.sha256).digest()


def _configured():
    config = current_app.config
    if config.get("AUDIT_KEY"):
        return [key.encode() for key in (config["AUDIT_KEY"], *(config.get("AUDIT_KEY_FALLBACKS") or ()))]
    return [_derived(secret) for secret in (config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ()))]


def settings():
    """Where the configured keys come from, as an operator sets them."""
    if current_app.config.get("AUDIT_KEY"):
        return "AUDIT_KEY, AUDIT_KEY_FALLBACKS"
    return "AUDIT_KEY is not set: keys derived from SECRET_KEY, SECRET_KEY_FALLBACKS"


def key_id(key):
    return hashlib.sha256(b"oscart audit key id\n" + key).hexdigest()[:16]


def current_key():
    """(id, key) that new events and checkpoints are sealed with."""
    key = _configured()[0]
    return key_id(key), key


def key_for(identifier):
    for key in _configured():
        if key_id(key) == identifier:
            return key
    raise UnknownKey(identifier)


def mac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def mac_matches(identifier, text, expected):
    """Whether ``expected`` is the MAC of ``text`` under the key ``identifier`` (False for an unknown key)."""
    try:
        key = key_for(identifier)
    except UnknownKey:
        return False
    return expected is not None and hmac.compare_digest(mac(key, text), expected)
