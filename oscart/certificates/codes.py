"""Verification codes: unguessable, and easy to read aloud or type from paper.

Four groups of four characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V, 5/S, 2/Z, 8/B):
23 symbols, 16 characters: about 72 bits of randomness.
"""

import re
import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
GROUPS = 4
GROUP_SIZE = 4
CODE_LENGTH = GROUPS * GROUP_SIZE + GROUPS - 1
_SEPARATORS = re.compile(r"[\s\-._]+")


def new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return format_code(raw)


def format_code(raw):
    return "-".join(raw[i:i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def normalize_code(text):
    """The stored form of a code as someone typed it (any case, spaces or dashes), or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    raw = _SEPARATORS.sub("", text).upper()
    if len(raw) != GROUPS * GROUP_SIZE or any(ch not in ALPHABET for ch in raw):
        return None
    return format_code(raw)
