"""Microsoft Entra's rules for user principal names, mail nicknames and passwords (the sandbox's copy).

Sources (see ``reference/microsoft-identity-and-graph.md`` §2.1): the UPN and password rules of Entra's
self-service password reset policy page (``concept-sspr-policy.md``), the ``user`` resource page for lengths,
and the group ``mailNickname`` character rule (the user page does not state one).
This module is the sandbox's own copy of those rules; it must not be shared with the app.
"""

from __future__ import annotations

import re
import string

UPN_MAX = 113
UPN_LOCAL_MAX = 64
UPN_DOMAIN_MAX = 48
_UPN_LOCAL = re.compile(r"^[A-Za-z0-9'._!#^~-]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")

MAIL_NICKNAME_MAX = 64
# ASCII 0-127 except @ ( ) / [ ] ' ; : < > , SPACE (and the quote and backslash, which need quoting in mail).
_NICKNAME_FORBIDDEN = set("@()/[]';:<>, \"\\")

PASSWORD_MIN, PASSWORD_MAX = 8, 256
PASSWORD_SYMBOLS = set("@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ")


def upn_is_malformed(upn: str) -> bool:
    """True when a UPN breaks Entra's format rules (characters, ``@``, lengths, ``.`` before ``@``)."""
    if len(upn) > UPN_MAX or upn.count("@") != 1:
        return True
    local, domain = upn.split("@")
    if not local or len(local) > UPN_LOCAL_MAX or not _UPN_LOCAL.match(local) or local.endswith("."):
        return True
    return not domain or len(domain) > UPN_DOMAIN_MAX or not _DOMAIN.match(domain)


def mail_nickname_ok(nickname: str) -> bool:
    if not nickname or len(nickname) > MAIL_NICKNAME_MAX:
        return False
    if any(ord(ch) < 33 or ord(ch) > 126 or ch in _NICKNAME_FORBIDDEN for ch in nickname):
        return False
    return not (nickname.startswith(".") or nickname.endswith(".") or ".." in nickname)


def password_ok(password: str, *, strong: bool = True) -> bool:
    """Entra's cloud password policy: 8–256 characters from the allowed ASCII set (no Unicode), and — unless
    ``DisableStrongPassword`` is set — at least three of lower case, upper case, digits and symbols."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return False
    classes = [False, False, False, False]
    for ch in password:
        if ch in string.ascii_lowercase:
            classes[0] = True
        elif ch in string.ascii_uppercase:
            classes[1] = True
        elif ch in string.digits:
            classes[2] = True
        elif ch in PASSWORD_SYMBOLS:
            classes[3] = True
        else:
            return False
    return not strong or sum(classes) >= 3
