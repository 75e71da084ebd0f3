"""Temporary passwords for new users: a generator and the Entra password policy.

Pure, no I/O; randomness from ``secrets`` only. The Entra policy for cloud users (reference §2.1): 8–256
characters, at least 3 of lowercase / uppercase / digits / symbols, only the listed ASCII symbols and the
blank space, no Unicode.

Generated passwords are read off a screen or a printed sheet, dictated on the phone, typed on German (QWERTZ)
and English (QWERTY) keyboards and carried in a ``mailto:`` link, so the alphabet leaves out:

- look-alikes: ``0 O o``, ``1 l I`` (and ``|``, quotes and the backtick among symbols);
- ``y Y z Z``: swapped between QWERTZ and QWERTY, the classic "wrong keyboard layout" sign-in failure;
- symbols that are dead keys on a German keyboard (``^ ` ´ ~``), AltGr-only there (``@ [ ] { } \\ | ~``),
  meaningful in a URL or a ``mailto:`` query (``& # % +``, ``+`` also reads as a space), or easily lost in
  prose (``, ; : . ' "``) or markup (``< >``).

Symbols kept: ``! $ * - / = ?`` (all on the shifted number row or a plain key on both layouts). A password
never starts with a symbol, so pasting it into a spreadsheet cell never starts a formula (``=``, ``-``).
"""

from __future__ import annotations

import secrets
import string

MIN_LENGTH = 8
MAX_LENGTH = 256
DEFAULT_LENGTH = 16

LOWERCASE = "".join(char for char in string.ascii_lowercase if char not in "loyz")
UPPERCASE = "".join(char for char in string.ascii_uppercase if char not in "IOYZ")
DIGITS = "23456789"
SYMBOLS = "!$*-/=?"
ALPHABET = LOWERCASE + UPPERCASE + DIGITS + SYMBOLS
"""Every character a generated password may contain (59 characters: ~5.9 bits each)."""

ENTRA_SYMBOLS = frozenset("@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ")
"""The symbols (and the blank space) Entra allows in a password."""
_CLASSES = (frozenset(string.ascii_lowercase), frozenset(string.ascii_uppercase), frozenset(string.digits))


def generate_password(length: int = DEFAULT_LENGTH) -> str:
    """A random password from ALPHABET with at least one lowercase, uppercase, digit and symbol.

    Raises ValueError when ``length`` is outside MIN_LENGTH..MAX_LENGTH (a programming error).
    """
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"password length must be {MIN_LENGTH}..{MAX_LENGTH}, not {length}")
    chars = [secrets.choice(group) for group in (LOWERCASE, UPPERCASE, DIGITS, SYMBOLS)]
    chars += [secrets.choice(ALPHABET) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    if chars[0] in SYMBOLS:
        # At least three characters are not symbols: swap the first of them to the front.
        other = next(index for index, char in enumerate(chars) if char not in SYMBOLS)
        chars[0], chars[other] = chars[other], chars[0]
    return "".join(chars)


def meets_entra_policy(password: str) -> bool:
    """Whether Entra accepts ``password`` for a cloud user (length, 3 of 4 classes, allowed ASCII only).

    The banned-password list is not checked (Microsoft's list is not public).
    """
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return False
    if any(not _allowed(char) for char in password):
        return False
    classes = sum(1 for group in _CLASSES if any(char in group for char in password))
    classes += any(char in ENTRA_SYMBOLS for char in password)
    return classes >= 3


def _allowed(char: str) -> bool:
    return char in ENTRA_SYMBOLS or any(char in group for group in _CLASSES)
