"""The tenant prefix (``NAME`` in ``NAME.onmicrosoft.com``): proposal, validation, alternatives, availability.

Pure rules, no I/O. Microsoft allows ASCII letters and digits only (reference §1.5); DNS is
case-insensitive, so a prefix is always lower-cased. Issues are codes, not messages: the UI turns them
into translated words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from c2t_wizard.domain.text import fold_to_ascii

ONMICROSOFT = "onmicrosoft.com"
RECOMMENDED_MAX_LENGTH = 27
"""A limit Microsoft does not document (a third-party script assumes it); we only warn above it."""

_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SCHEMES = ("https://", "http://")
_SUFFIXES = ("." + ONMICROSOFT + "/", "." + ONMICROSOFT)

# Suffixes tried after a taken prefix, in this order; numbers fill up the rest.
_SUGGESTION_SUFFIXES = (
    "ltd",
    "partners",
    "uk",
    "group",
    "team",
    "2",
    "hq",
    "online",
    "global",
    "solutions",
    "services",
    "3",
    "office",
    "it",
    "co",
    "4",
)
# Words in an organisation's name that say what kind of company it is, not which one.
_LEGAL_FORMS = frozenset(
    {
        "ag",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gbr",
        "gmbh",
        "inc",
        "kg",
        "llc",
        "llp",
        "ltd",
        "limited",
        "nv",
        "ohg",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "se",
        "srl",
        "ug",
    }
)
_WORD_SPLIT = re.compile(r"[\W_]+")


class PrefixIssue(Enum):
    """What is wrong with a prefix (codes for the UI, which words them)."""

    EMPTY = "empty"
    INVALID_CHARACTERS = "invalid_characters"
    """Anything but ASCII letters and digits."""
    LONGER_THAN_RECOMMENDED = "longer_than_recommended"
    """A warning, not an error."""


@dataclass(frozen=True)
class PrefixCheck:
    """The outcome of validating a prefix."""

    prefix: str
    """Normalised (stripped, lower-cased)."""
    error: PrefixIssue | None
    """EMPTY or INVALID_CHARACTERS."""
    warning: PrefixIssue | None
    """LONGER_THAN_RECOMMENDED (independent of ``error``)."""
    bad_characters: str = ""
    """The distinct offending characters, in order of appearance, for the message."""

    @property
    def ok(self) -> bool:
        """No error (a warning is fine)."""
        return self.error is None


def propose_prefix(organisation_name: str) -> str:
    """A prefix made from an organisation's name: ASCII letters and digits only, lower-cased; may be ""."""
    return "".join(char for char in fold_to_ascii(organisation_name) if char in _ALLOWED)


def normalise_prefix(text: str) -> str:
    """Strip whitespace, lower-case, and drop a pasted ``https://`` and ``.onmicrosoft.com``; nothing else."""
    current = text
    while True:
        cleaned = current.strip().lower()
        for scheme in _SCHEMES:
            if cleaned.startswith(scheme):
                cleaned = cleaned[len(scheme) :]
                break
        for suffix in _SUFFIXES:
            if cleaned.endswith(suffix):
                cleaned = cleaned[: -len(suffix)]
                break
        if cleaned == current:
            return cleaned
        current = cleaned


def validate_prefix(text: str) -> PrefixCheck:
    """Check ``normalise_prefix(text)`` against the prefix rules."""
    prefix = normalise_prefix(text)
    warning = PrefixIssue.LONGER_THAN_RECOMMENDED if len(prefix) > RECOMMENDED_MAX_LENGTH else None
    if not prefix:
        return PrefixCheck(prefix, PrefixIssue.EMPTY, warning)
    bad = "".join(dict.fromkeys(char for char in prefix if char not in _ALLOWED))
    if bad:
        return PrefixCheck(prefix, PrefixIssue.INVALID_CHARACTERS, warning, bad)
    return PrefixCheck(prefix, None, warning)


def tenant_domain(prefix: str) -> str:
    """``"acme"`` -> ``"acme.onmicrosoft.com"``."""
    return f"{prefix}.{ONMICROSOFT}"


def suggest_prefixes(prefix: str, organisation_name: str = "", count: int = 8) -> list[str]:
    """Valid alternatives for a taken prefix, deterministic and without duplicates.

    Ideas from the organisation's name come first (they read best), then the prefix with common suffixes, then
    numbered variants. Results stay within RECOMMENDED_MAX_LENGTH by trimming the stem.
    """
    check = validate_prefix(prefix)
    if check.error is not None or count <= 0:
        return []
    taken = check.prefix
    results: list[str] = []
    seen = {taken}

    def add(candidate: str) -> bool:
        """Add a candidate if it is new and valid; True once enough were found."""
        if candidate and candidate not in seen and validate_prefix(candidate).ok:
            seen.add(candidate)
            results.append(candidate)
        return len(results) >= count

    words = _words(organisation_name)
    for idea in _organisation_ideas(words):
        if add(idea[:RECOMMENDED_MAX_LENGTH]):
            return results
    stem = taken
    # "acmeltd" from "Acme Ltd": suggest "acmegroup" rather than "acmeltdgroup".
    if words and words[-1] in _LEGAL_FORMS and taken.endswith(words[-1]) and taken != words[-1]:
        stem = taken[: -len(words[-1])]
    # Numbers go on the stem without its own trailing number: "acme2" -> "acme3", not "acme23".
    base = stem.rstrip("0123456789") or stem
    for suffix in _SUGGESTION_SUFFIXES:
        if suffix.isdigit():
            candidate = _with_suffix(base, suffix)
        elif stem.endswith(suffix):
            continue
        else:
            candidate = _with_suffix(stem, suffix)
        if add(candidate):
            return results
    number = 2
    # Every number yields a distinct candidate, so this ends after at most count + len(seen) rounds.
    while not add(_with_suffix(base, str(number))):
        number += 1
    return results


def _with_suffix(stem: str, suffix: str) -> str:
    """``stem + suffix``, the stem trimmed so the whole stays within the recommended length."""
    room = max(RECOMMENDED_MAX_LENGTH - len(suffix), 1)
    return stem[:room] + suffix


def _words(organisation_name: str) -> list[str]:
    """The words of an organisation's name, each as a prefix ("Müller & Söhne" -> muller, sohne)."""
    words = _WORD_SPLIT.split(unicodedata.normalize("NFKC", organisation_name))
    return [prefix for prefix in map(propose_prefix, words) if prefix]


def _organisation_ideas(words: list[str]) -> list[str]:
    """Prefixes built from the words of an organisation's name, best first."""
    if not words:
        return []
    core = [word for word in words if word not in _LEGAL_FORMS] or words
    ideas = ["".join(core), "".join(words)]
    if len(core) > 2:
        ideas.append(core[0] + core[-1])
    initials = "".join(word[0] for word in words)
    if len(initials) >= 3:
        ideas.append(initials)
    ideas.append(core[0])
    return ideas


class AvailabilityState(Enum):
    """What the public discovery document says about a prefix."""

    TAKEN = "taken"
    """Discovery answered 200: a tenant exists."""
    PROBABLY_FREE = "probably_free"
    """400 AADSTS90002: no tenant by that name (Microsoft's sign-up has the final word)."""
    INVALID = "invalid"
    """400 AADSTS900023, or our own validation failed (nothing was sent)."""
    UNKNOWN = "unknown"
    """Timeout, network error, 5xx, 429, anything unexpected: never treated as free."""


@dataclass(frozen=True)
class Availability:
    """Whether ``prefix.onmicrosoft.com`` is taken, as far as we can tell."""

    prefix: str
    state: AvailabilityState
    tenant_id: str | None = None
    """For TAKEN: the tenant GUID from the discovery document."""
    reason: str | None = None
    """For UNKNOWN/INVALID: a short technical reason for logs and a "details" line; never a secret."""

    @property
    def is_taken(self) -> bool:
        return self.state is AvailabilityState.TAKEN

    @property
    def may_continue(self) -> bool:
        """Only a prefix that is probably free may be used for sign-up."""
        return self.state is AvailabilityState.PROBABLY_FREE
