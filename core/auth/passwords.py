"""Passwords: the rules a new one must meet, and their scrypt hashes.

A hash is stored as ``$scrypt$ln=15,r=8,p=3$<salt>$<key>`` (salt and key in unpadded
base64): it names its own cost, so hashes made at an older :data:`COST` keep verifying, and
:func:`needs_rehash` tells the login to store a new one when :data:`COST` was raised.
Hashing takes tens to hundreds of milliseconds on purpose: the coroutines here run it on
an executor thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Final

from ..exceptions import LinliError

MIN_LENGTH: Final = 8
MAX_LENGTH: Final = 256
SALT_BYTES: Final = 16
KEY_BYTES: Final = 32

_HASH: Final = re.compile(
    r"^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$"
)


@dataclass(frozen=True, slots=True)
class ScryptCost:
    """scrypt's work factors: N = 2**log2_n, block size r, parallelism p."""

    log2_n: int
    r: int
    p: int

    @property
    def memory(self) -> int:
        """Bytes one hash needs (scrypt's 128 · r · N), with room for OpenSSL's overhead."""
        return 2 * 128 * self.r * (1 << self.log2_n)


# OWASP's recommendation for scrypt at 32 MiB of memory: N = 2**15, r = 8, p = 3.
COST: Final = ScryptCost(log2_n=15, r=8, p=3)


class PasswordError(LinliError, ValueError):
    """A new password does not meet the rules; the message says which."""


def check_password_rules(password: str, username: str) -> None:
    """Raise :class:`PasswordError` naming every rule ``password`` breaks."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"have at most {MAX_LENGTH} characters")
    if password.isdigit():
        problems.append("not be only digits (phone numbers and birthdays are guessed first)")
    if password.strip().casefold() == username.strip().casefold():
        problems.append("not be the username")
    if problems:
        raise PasswordError(f"The password must {' and '.join(problems)}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, cost: ScryptCost, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode(),
        salt=salt,
        n=1 << cost.log2_n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.memory,
        dklen=length,
    )


def _parse(encoded: str) -> tuple[ScryptCost, bytes, bytes]:
    match = _HASH.match(encoded)
    if match is None:
        raise ValueError("Not a password hash made by linli ($scrypt$ln=…,r=…,p=…$salt$key)")
    log2_n, r, p, salt, key = match.groups()
    return ScryptCost(int(log2_n), int(r), int(p)), _unb64(salt), _unb64(key)


def hash_password(password: str, cost: ScryptCost | None = None) -> str:
    """The hash to store for ``password``, with a new random salt (slow: see the module)."""
    cost = cost or COST
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, cost, KEY_BYTES)
    return f"$scrypt$ln={cost.log2_n},r={cost.r},p={cost.p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` is the one ``encoded`` was made from (compared in constant time)."""
    cost, salt, key = _parse(encoded)
    return hmac.compare_digest(_derive(password, salt, cost, len(key)), key)


def needs_rehash(encoded: str) -> bool:
    """Whether ``encoded`` was made at another cost than :data:`COST`."""
    return _parse(encoded)[0] != COST


@functools.cache
def _stand_in(cost: ScryptCost) -> str:
    """A hash of a random password, checked for users who do not exist (or have no
    password) so that answering them takes as long as answering a real user."""
    return hash_password(os.urandom(16).hex(), cost)


def _verify_or_stand_in(password: str, encoded: str | None) -> bool:
    if encoded is None:
        verify_password(password, _stand_in(COST))
        return False
    return verify_password(password, encoded)


async def async_hash_password(password: str) -> str:
    """:func:`hash_password` on an executor thread."""
    return await asyncio.get_running_loop().run_in_executor(None, hash_password, password)


async def async_verify_password(password: str, encoded: str | None) -> bool:
    """:func:`verify_password` on an executor thread. ``encoded`` None (no such user, or
    no password set) is never a match, and takes as long to find out as a wrong password."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, _verify_or_stand_in, password, encoded)
