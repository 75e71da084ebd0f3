"""The password generator and the Entra password policy."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from c2t_wizard.domain.passwords import (
    ALPHABET,
    DEFAULT_LENGTH,
    DIGITS,
    ENTRA_SYMBOLS,
    LOWERCASE,
    MAX_LENGTH,
    MIN_LENGTH,
    SYMBOLS,
    UPPERCASE,
    generate_password,
    meets_entra_policy,
)

AMBIGUOUS = set("0Oo1lI|'\"`")

# --- the alphabet ---------------------------------------------------------------------------------------


def test_alphabet_has_no_ambiguous_or_awkward_characters() -> None:
    assert not AMBIGUOUS & set(ALPHABET)
    # QWERTZ/QWERTY swaps, German dead keys, AltGr-only keys, URL-significant characters.
    assert not set("yzYZ^`~@[]{}\\&#%+<>,;:.") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET)


def test_every_symbol_is_one_entra_allows() -> None:
    assert set(SYMBOLS) <= ENTRA_SYMBOLS
    assert set(ALPHABET) <= set(string.ascii_letters + string.digits) | ENTRA_SYMBOLS


# --- generate_password ----------------------------------------------------------------------------------


def test_default_length() -> None:
    assert len(generate_password()) == DEFAULT_LENGTH == 16


@given(st.integers(MIN_LENGTH, MAX_LENGTH))
def test_generated_password_always_meets_the_policy(length: int) -> None:
    password = generate_password(length)
    assert len(password) == length
    assert meets_entra_policy(password)
    for group in (LOWERCASE, UPPERCASE, DIGITS, SYMBOLS):
        assert any(char in group for char in password), group
    assert set(password) <= set(ALPHABET)
    assert not AMBIGUOUS & set(password)
    assert password[0] not in SYMBOLS  # never a spreadsheet formula when pasted


@pytest.mark.parametrize("length", [-1, 0, 7, 257, 10_000])
def test_out_of_range_length_is_a_programming_error(length: int) -> None:
    with pytest.raises(ValueError, match="length"):
        generate_password(length)


def test_passwords_are_distinct_and_use_the_whole_alphabet() -> None:
    passwords = [generate_password() for _ in range(1000)]
    assert len(set(passwords)) == 1000
    used = set("".join(passwords))
    assert used == set(ALPHABET)
    # Every position gets symbols except the first, and the first still varies widely.
    assert len({password[0] for password in passwords}) > 30


# --- meets_entra_policy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefg1", True),  # 3 classes, 8 characters
        ("abcdef1!", True),
        ("ABCDEF1!", True),
        ("Abcdefg!", True),
        ("Abcd efg", True),  # the blank space counts as a symbol
        ("Abc1!", False),  # too short
        ("abcdefgh", False),  # one class
        ("abcdefg1", False),  # two classes
        ("Abcdefg1" * 32, True),  # 256
        ("Abcdefg1" * 32 + "x", False),  # 257
        ("Äbcdefg1", False),  # Unicode
        ("Abcdefg1€", False),
        ("Abcdefg1\t", False),  # a tab is not a blank space
        ("", False),
    ],
)
def test_meets_entra_policy(password: str, ok: bool) -> None:
    assert meets_entra_policy(password) is ok


@given(st.text(min_size=8, max_size=40))
def test_policy_rejects_anything_outside_printable_ascii(password: str) -> None:
    if any(not (" " <= char <= "~") for char in password):
        assert not meets_entra_policy(password)
