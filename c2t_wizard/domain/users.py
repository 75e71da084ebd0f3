"""A work user to create in the tenant: the model, the Entra rules it must pass, and suggestions.

Pure rules, no I/O. Limits and characters are Entra's (reference §2.1): a userPrincipalName is
``username@domain`` with at most 64 characters before the ``@``, 48 after and 113 in all, made of
``A–Z a–z 0–9 ' . - _ ! # ^ ~``, with no ``.`` just before the ``@``. Entra documents nothing about a
leading ``.`` or two dots in a row; both are invalid in an email address (RFC 5322 dot-atom), and a UPN is
used as one, so we refuse them too (conservative). Problems are codes with data, not messages: the UI
words them.
"""

from __future__ import annotations

import functools
import hashlib
import re
import string
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from email_validator import EmailNotValidError, validate_email

from c2t_wizard.domain.text import fold_to_ascii

UPN_ALLOWED = frozenset(string.ascii_letters + string.digits + "'.-_!#^~")
"""Characters allowed in the part of a userPrincipalName before the ``@``."""
LOCAL_MAX = 64
DOMAIN_MAX = 48
UPN_MAX = 113
DISPLAY_NAME_MAX = 256
NAME_MAX = 64
"""For the first name (givenName) and the last name (surname) each."""
MAIL_NICKNAME_MAX = 64
MAIL_NICKNAME_ALLOWED = frozenset(string.ascii_letters + string.digits + "!#$%&*+-=?^_`{|}~.")
"""ASCII letters, digits and the symbols Exchange allows in an alias, minus every character Graph is known to
reject in mailNickname: space ``@ ( ) / [ ] ' ; : < > , \\ "``."""
ONMICROSOFT = "onmicrosoft.com"

_EMAIL_MAX = 254
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_DOMAIN_ALLOWED = frozenset(string.ascii_letters + string.digits + "-.")
# What a suggested username keeps: a plain, unsurprising subset of UPN_ALLOWED.
_SUGGESTION_ALLOWED = frozenset(string.ascii_lowercase + string.digits + "-_.")
# Letters that NFKD does not decompose into an ASCII base letter (as in tenant_name; keys lower-case).


class Field(Enum):
    """A field of a new user, as the person entering it sees it."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    DISPLAY_NAME = "display_name"
    USERNAME = "username"
    """The part of the userPrincipalName before the ``@``."""
    DOMAIN = "domain"
    """The part after the ``@``: one of the tenant's verified domains."""
    EMAIL = "email"
    """The person's real work email (where credentials and the portal invitation go)."""


class Problem(Enum):
    """What is wrong with a field (codes for the UI, which words them)."""

    REQUIRED = "required"
    TOO_LONG = "too_long"
    """``detail`` is the limit, e.g. ``"64"``."""
    INVALID_CHARACTERS = "invalid_characters"
    """``detail`` is the distinct offending characters, in order of appearance."""
    DOT_BEFORE_AT = "dot_before_at"
    """The username ends with ``.`` (documented Entra rule)."""
    LEADING_OR_TRAILING_DOT = "leading_or_trailing_dot"
    """A username that starts with ``.``, or a domain that starts or ends with one (conservative)."""
    CONSECUTIVE_DOTS = "consecutive_dots"
    """``..`` in a username or domain (conservative)."""
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    """Not one of the tenant's verified domains."""
    INVALID_EMAIL = "invalid_email"
    EMAIL_NOT_ASCII = "email_not_ascii"
    """A well-formed work email with accented or other non-ASCII characters (``anna.müller@firma.de``,
    ``anna@müller.de``): Graph refuses them in ``otherMails`` ("can't contain accent characters", user
    resource page). ``detail`` is the distinct offending characters, in order of appearance."""
    EMAIL_IS_TENANT_ADDRESS = "email_is_tenant_address"
    """The work email is an ``*.onmicrosoft.com`` address, the user's own username, or in a tenant domain."""
    DUPLICATE_USERNAME = "duplicate_username"
    """Reported by callers that see several users (see ``find_duplicates``); ``detail`` says where."""


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field."""

    field: Field
    problem: Problem
    detail: str = ""
    """Data for the message (the limit, the offending characters), never prose."""


@dataclass(frozen=True)
class NewUser:
    """A person to create as a work user (no licence, generated password)."""

    first_name: str
    last_name: str
    display_name: str
    username: str
    """The part of the userPrincipalName before the ``@``."""
    domain: str
    email: str
    """The person's real work email, outside the tenant; may be "" until the person entering it is asked."""

    @property
    def upn(self) -> str:
        """The userPrincipalName, ``username@domain``."""
        return f"{self.username}@{self.domain}"

    @property
    def mail_nickname(self) -> str:
        """A valid mailNickname derived from the username; never empty."""
        return derive_mail_nickname(self.username, fallback_seed=self.upn)


def derive_mail_nickname(username: str, fallback_seed: str = "") -> str:
    """``username`` without the characters mailNickname may not hold, no ``..``, no leading/trailing ``.``.

    At most MAIL_NICKNAME_MAX characters. When nothing usable is left, ``user`` plus 8 hex digits of a hash of
    ``fallback_seed`` (the UPN): stable for the same user, valid, and unlikely to collide.
    """
    kept = "".join(char for char in username if char in MAIL_NICKNAME_ALLOWED)
    nickname = _tidy_dots(kept)[:MAIL_NICKNAME_MAX].rstrip(".")
    if nickname:
        return nickname
    digest = hashlib.sha256((fallback_seed or username).lower().encode("utf-8", "surrogatepass")).hexdigest()
    return "user" + digest[:8]


def derive_display_name(first: str, last: str) -> str:
    """``"Anna", "Müller"`` -> ``"Anna Müller"``; whichever is given; at most DISPLAY_NAME_MAX characters."""
    joined = " ".join(" ".join(part.split()) for part in (first, last) if part.strip())
    return joined[:DISPLAY_NAME_MAX].rstrip()


def suggest_username(first: str, last: str) -> str:
    """``"Anna-Lena", "Müller"`` -> ``"anna-lena.muller"``; "" when nothing usable is left.

    Accents stripped, lower-case, ``first.last`` (whichever is given); words within a name joined by ``.``;
    only letters, digits, ``-``, ``_`` and ``.``; no ``..``; no dot at either end; within LOCAL_MAX.
    """
    parts = [_suggestion_part(name) for name in (first, last)]
    local = ".".join(part for part in parts if part)
    return _tidy_dots(local[:LOCAL_MAX])


def _suggestion_part(name: str) -> str:
    """One name as a piece of a username ("Jan van der Berg" -> "jan.van.der.berg")."""
    folded = fold_to_ascii(name)
    words = ("".join(char for char in word if char in _SUGGESTION_ALLOWED) for word in folded.split())
    return _tidy_dots(".".join(word.strip("-_.") for word in words))


def _tidy_dots(text: str) -> str:
    """Collapse runs of ``.`` into one and strip dots from both ends."""
    while ".." in text:
        text = text.replace("..", ".")
    return text.strip(".")


def normalise_user(user: NewUser) -> NewUser:
    """Every field stripped of surrounding whitespace; the domain lower-cased. Nothing else changes."""
    return replace(
        user,
        first_name=user.first_name.strip(),
        last_name=user.last_name.strip(),
        display_name=user.display_name.strip(),
        username=user.username.strip(),
        domain=user.domain.strip().lower(),
        email=user.email.strip(),
    )


def validate_user(
    user: NewUser, verified_domains: Collection[str], *, require_email: bool = True
) -> list[FieldProblem]:
    """Every problem with ``user`` (not just the first), in field order; [] when it can be created.

    Nothing is stripped: normalise first (``normalise_user``). Domains compare case-insensitively. An empty
    ``verified_domains`` means "not known yet": the domain's form is checked, its membership is not (a tenant
    always has at least its ``onmicrosoft.com`` domain). ``require_email=False`` accepts a missing work email
    (an import that will ask for it later); a given one is always checked.
    """
    verified = {domain.strip().lower() for domain in verified_domains}
    problems: list[FieldProblem] = []
    problems += _check_name(Field.FIRST_NAME, user.first_name, NAME_MAX, required=False)
    problems += _check_name(Field.LAST_NAME, user.last_name, NAME_MAX, required=False)
    problems += _check_name(Field.DISPLAY_NAME, user.display_name, DISPLAY_NAME_MAX, required=True)
    problems += _check_username(user.username)
    problems += _check_domain(user.domain, verified)
    problems += _check_email(user, verified, require_email)
    return problems


def _check_name(field: Field, value: str, limit: int, *, required: bool) -> list[FieldProblem]:
    if not value:
        return [FieldProblem(field, Problem.REQUIRED)] if required else []
    problems = []
    if len(value) > limit:
        problems.append(FieldProblem(field, Problem.TOO_LONG, str(limit)))
    # Line breaks, tabs and other control characters: Graph may keep them, but they are never meant.
    # isprintable() is False for every control character (and for a few harmless ones): the character by
    # character look only when it could find something (a 10,000-row import checks 30,000 names).
    bad = (
        "" if value.isprintable() else _distinct(char for char in value if unicodedata.category(char) == "Cc")
    )
    if bad:
        problems.append(FieldProblem(field, Problem.INVALID_CHARACTERS, bad))
    return problems


def _check_username(username: str) -> list[FieldProblem]:
    field = Field.USERNAME
    if not username:
        return [FieldProblem(field, Problem.REQUIRED)]
    problems = []
    if len(username) > LOCAL_MAX:
        problems.append(FieldProblem(field, Problem.TOO_LONG, str(LOCAL_MAX)))
    bad = "" if UPN_ALLOWED.issuperset(username) else _distinct(c for c in username if c not in UPN_ALLOWED)
    if bad:
        problems.append(FieldProblem(field, Problem.INVALID_CHARACTERS, bad))
    if username.startswith("."):
        problems.append(FieldProblem(field, Problem.LEADING_OR_TRAILING_DOT))
    if ".." in username:
        problems.append(FieldProblem(field, Problem.CONSECUTIVE_DOTS))
    if username.endswith("."):
        problems.append(FieldProblem(field, Problem.DOT_BEFORE_AT))
    return problems


def _check_domain(domain: str, verified: set[str]) -> list[FieldProblem]:
    """Form first; membership only when the form is fine (a malformed domain cannot be verified anyway)."""
    field = Field.DOMAIN
    if not domain:
        return [FieldProblem(field, Problem.REQUIRED)]
    problems = []
    if len(domain) > DOMAIN_MAX:
        problems.append(FieldProblem(field, Problem.TOO_LONG, str(DOMAIN_MAX)))
    bad = (
        "" if _DOMAIN_ALLOWED.issuperset(domain) else _distinct(c for c in domain if c not in _DOMAIN_ALLOWED)
    )
    if bad:
        problems.append(FieldProblem(field, Problem.INVALID_CHARACTERS, bad))
    if domain.startswith(".") or domain.endswith("."):
        problems.append(FieldProblem(field, Problem.LEADING_OR_TRAILING_DOT))
    if ".." in domain:
        problems.append(FieldProblem(field, Problem.CONSECUTIVE_DOTS))
    if not problems and verified and domain.lower() not in verified:
        problems.append(FieldProblem(field, Problem.DOMAIN_NOT_VERIFIED))
    return problems


def _check_email(user: NewUser, verified: set[str], require_email: bool) -> list[FieldProblem]:
    field = Field.EMAIL
    if not user.email:
        return [FieldProblem(field, Problem.REQUIRED)] if require_email else []
    if not is_valid_email(user.email):
        return [FieldProblem(field, Problem.INVALID_EMAIL)]
    if not user.email.isascii():
        # The address goes to otherMails, which can't hold accents (nor an IDN domain in Unicode form).
        return [
            FieldProblem(field, Problem.EMAIL_NOT_ASCII, _distinct(c for c in user.email if not c.isascii()))
        ]
    if is_tenant_address(user.email, user.upn, verified):
        return [FieldProblem(field, Problem.EMAIL_IS_TENANT_ADDRESS)]
    return []


def is_valid_email(address: str) -> bool:
    """Whether ``address`` is a valid email address by ``email_validator`` (syntax only, no DNS).

    Fast path for the common case (a plain ASCII local part): the local part by the RFC 5322 dot-atom rule,
    the domain by ``email_validator`` once per distinct domain. A file of 10,000 people usually has a handful
    of domains, and ``email_validator``'s domain check is what costs. Same answers (property-tested).
    """
    local, at, domain = address.rpartition("@")
    if at and len(local) <= LOCAL_MAX and len(address) <= _EMAIL_MAX and _DOT_ATOM.fullmatch(local):
        return _domain_is_valid(domain)
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _domain_is_valid(domain: str) -> bool:
    try:
        validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_tenant_address(email: str, upn: str = "", verified_domains: Collection[str] = ()) -> bool:
    """Whether ``email`` is an address in the tenant rather than the person's real work email.

    True for any ``*.onmicrosoft.com`` address, for the user's own UPN, and for an address in one of
    ``verified_domains``. Case-insensitive.
    """
    address = email.strip().lower()
    domain = address.rpartition("@")[2]
    if domain == ONMICROSOFT or domain.endswith("." + ONMICROSOFT):
        return True
    if upn and address == upn.strip().lower():
        return True
    return domain in {verified.strip().lower() for verified in verified_domains}


def find_duplicates(users: Sequence[NewUser]) -> dict[int, int]:
    """Index of each repeated user -> index of its first occurrence; UPNs compared case-insensitively.

    Users without a username are skipped (they are already REQUIRED problems).
    """
    first_seen: dict[str, int] = {}
    duplicates: dict[int, int] = {}
    for index, user in enumerate(users):
        if not user.username:
            continue
        key = user.upn.lower()
        if key in first_seen:
            duplicates[index] = first_seen[key]
        else:
            first_seen[key] = index
    return duplicates


def _distinct(chars: Iterable[str]) -> str:
    """The distinct characters of an iterable of characters, in order of first appearance."""
    return "".join(dict.fromkeys(chars))
