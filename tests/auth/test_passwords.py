"""Password hashes name their cost, verify only the right password, and can be raised."""

import re

import pytest

from linli.auth import passwords
from linli.auth.passwords import (
    PasswordError,
    ScryptCost,
    check_password_rules,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_the_default_cost_is_memory_hard_and_named_in_the_hash() -> None:
    encoded = hash_password("correct horse battery", ScryptCost(log2_n=15, r=8, p=3))
    assert re.fullmatch(r"\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}", encoded)
    assert verify_password("correct horse battery", encoded)
    assert not verify_password("correct horse batterY", encoded)


def test_hashes_of_one_password_differ_by_their_salt() -> None:
    first, second = hash_password("同一个密码-123"), hash_password("同一个密码-123")
    assert first != second
    assert verify_password("同一个密码-123", first)
    assert verify_password("同一个密码-123", second)


def test_raising_the_cost_asks_for_a_rehash_and_old_hashes_still_verify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = hash_password("an old password")
    assert not needs_rehash(old)
    monkeypatch.setattr(passwords, "COST", ScryptCost(log2_n=9, r=8, p=1))
    assert needs_rehash(old)
    assert verify_password("an old password", old)
    assert not needs_rehash(hash_password("an old password"))


def test_a_hash_linli_did_not_make_is_refused() -> None:
    with pytest.raises(ValueError, match="Not a password hash made by linli"):
        verify_password("x", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "The password must have at least 8 characters"),
        ("13812345678", "The password must not be only digits"),
        ("1234", "have at least 8 characters and not be only digits"),
        ("Wang.Fang", "The password must not be the username"),
        ("x" * 257, "The password must have at most 256 characters"),
    ],
)
def test_weak_passwords_are_refused_naming_the_rule(password: str, message: str) -> None:
    with pytest.raises(PasswordError, match=re.escape(message)):
        check_password_rules(password, "wang.fang")


def test_a_good_password_passes_the_rules() -> None:
    check_password_rules("晚饭后-去花园散步", "wang.fang")
