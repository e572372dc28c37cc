"""Agents' passwords: only scrypt hashes are kept, and checking one takes as long for a name that doesn't exist."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # surrogatepass: JSON can carry lone surrogates, which must fail the login, not crash it.
    secret = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=length)


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salthex$hashhex`` with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: Optional[str]) -> bool:
    """Whether ``password`` matches ``stored``; with nothing stored, hash anyway and say no.

    Hashing for unknown names too keeps a sign-in from revealing which names exist.
    """
    try:
        scheme, n, r, p, salt_hex, hash_hex = (stored or "").split("$")
        params = int(n), int(r), int(p)
        salt, expected = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
        usable = scheme == "scrypt" and bool(expected)
    except ValueError:
        usable = False
    if not usable:
        _scrypt(password, bytes(16), SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
        return False
    return hmac.compare_digest(_scrypt(password, salt, *params, len(expected)), expected)
