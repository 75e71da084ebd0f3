"""Microsoft's permission and consent rules, in one place: which delegated scopes allow each Graph route the
sandbox serves, which scopes need an administrator's consent, and which roles may give it.

Sources: ``docs/microsoft-rules.md`` §0-§2 (Graph API reference pages' permission tables, the permissions
overview, Entra's admin-consent pages).

- ``ROUTE_SCOPES``: for each route (method and path template, as registered with ``graph.route``), the
  delegated scopes that allow it, any one of them. ``graph.dispatch`` checks the token's ``scp`` against it
  before the operation runs and answers 403 ``Authorization_RequestDenied`` ("Insufficient privileges to
  complete the operation.") when none is there; a ``$batch`` item goes through the same dispatcher, so it gets
  an item status 403 while the batch answers 200. Routes marked ``SELF_CHECKED`` check their scopes in the
  operation because Microsoft answers them with a different payload (Exchange's ``ErrorAccessDenied`` for the
  mail endpoints, PIM's ``UnknownError`` for role eligibilities). A route missing from the table is refused
  (fail closed); a test checks every registered route has an entry.
- Role rules (who may create users, assign licences, read eligibilities) stay with the operations.
- ``ADMIN_CONSENT_SCOPES`` (§2.1) and ``CONSENT_ROLES`` (§2.2): used by the sign-in and consent pages.
- The limited view (§1.3): what lets a token read directoryRole and group objects in a membership list.
- ``roleAssignments`` (§1.4): the scopes and the caller roles. The docs list Directory Readers, Global Reader
  and Privileged Role Administrator as the least privileged roles (Global Administrator above them); whether a
  plain User Administrator may call it is unverified, so the sandbox is strict: a User Administrator without
  one of those roles gets 403 ``Authorization_RequestDenied`` (the app then treats the role as unknown).
"""

from __future__ import annotations

from typing import Final

from .common import (
    APPLICATION_ADMIN_TEMPLATE,
    CLOUD_APPLICATION_ADMIN_TEMPLATE,
    DIRECTORY_READERS_TEMPLATE,
    GLOBAL_ADMIN_TEMPLATE,
    GLOBAL_READER_TEMPLATE,
    PRIVILEGED_ROLE_ADMIN_TEMPLATE,
)

SELF_CHECKED: Final = "self-checked"
"""The operation checks its scopes itself and answers with Microsoft's own payload for that service."""

_DIRECTORY_READ = ("Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All")
_USERS_READ = ("User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", *_DIRECTORY_READ)
_MEMBERSHIPS = ("User.Read", "User.Read.All", "User.ReadWrite.All", "GroupMember.Read.All", "Group.Read.All")
ROLE_MANAGEMENT_READ = (
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)

ROUTE_SCOPES: Final[dict[tuple[str, str], tuple[str, ...] | str]] = {
    # user-get: any signed-in user may read themselves
    ("GET", "/me"): ("User.Read", "User.ReadWrite", "User.Read.All", "User.ReadWrite.All", *_DIRECTORY_READ),
    # organization-get: User.Read is the least privileged
    ("GET", "/organization"): (
        "User.Read",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        *_DIRECTORY_READ,
    ),
    # user-list-memberof / user-list-transitivememberof ("the signed-in user's memberships")
    ("GET", "/me/memberOf"): (*_MEMBERSHIPS, *_DIRECTORY_READ),
    ("GET", "/me/memberOf/microsoft.graph.directoryRole"): (*_MEMBERSHIPS, *_DIRECTORY_READ),
    ("GET", "/me/transitiveMemberOf"): (*_MEMBERSHIPS, *_DIRECTORY_READ),
    ("GET", "/me/transitiveMemberOf/microsoft.graph.directoryRole"): (*_MEMBERSHIPS, *_DIRECTORY_READ),
    # rbacapplication-list-roleassignments (v1.0)
    ("GET", "/roleManagement/directory/roleAssignments"): ROLE_MANAGEMENT_READ,
    # PIM answers a missing scope with its own UnknownError payload (graph.py)
    ("GET", "/roleManagement/directory/roleEligibilityScheduleInstances"): SELF_CHECKED,
    # user-list, user-get
    ("GET", "/users"): _USERS_READ,
    ("GET", "/users/{user}"): _USERS_READ,
    # user-post-users
    ("POST", "/users"): ("User.ReadWrite.All", "Directory.ReadWrite.All"),
    # user-update: the general table, plus the password-profile permission (users.py checks per property)
    ("PATCH", "/users/{user}"): (
        "User.ReadWrite.All",
        "User.ManageIdentities.All",
        "User.EnableDisableAccount.All",
        "User-PasswordProfile.ReadWrite.All",
        "Directory.ReadWrite.All",
        "Directory.AccessAsUser.All",
    ),
    # user-assignlicense, user-list-licensedetails, subscribedsku-list
    ("POST", "/users/{user}/assignLicense"): (
        "LicenseAssignment.ReadWrite.All",
        "User.ReadWrite.All",
        "Directory.ReadWrite.All",
    ),
    ("GET", "/users/{user}/licenseDetails"): (
        "LicenseAssignment.Read.All",
        "LicenseAssignment.ReadWrite.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
    ("GET", "/subscribedSkus"): (
        "LicenseAssignment.Read.All",
        "LicenseAssignment.ReadWrite.All",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ),
    # Exchange answers ErrorAccessDenied (mail.py)
    ("POST", "/me/sendMail"): SELF_CHECKED,
    ("POST", "/users/{user}/sendMail"): SELF_CHECKED,
    ("GET", "/me/mailFolders/{folder}/messages"): SELF_CHECKED,
}


def route_scopes(method: str, template: str) -> tuple[str, ...] | str | None:
    """The scopes that allow a route, ``SELF_CHECKED``, or None when the route is not in the table."""
    return ROUTE_SCOPES.get((method.upper(), template))


def allows(granted: tuple[str, ...] | list[str] | set[str], needed: tuple[str, ...]) -> bool:
    """Does any granted scope (case-insensitive) appear among ``needed``?"""
    wanted = {scope.lower() for scope in needed}
    return any(scope.lower() in wanted for scope in granted)


# --- limited view (§1.3) ------------------------------------------------------------------------------

READ_DIRECTORY_ROLES = (
    "RoleManagement.Read.Directory",
    "RoleManagement.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
"""Without one of these, directoryRole entries in a membership list carry only ``@odata.type`` and ``id``."""
READ_GROUPS = (
    "GroupMember.Read.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
"""Without one of these, group entries in a membership list carry only ``@odata.type`` and ``id``."""

# --- roleAssignments (§1.4) ---------------------------------------------------------------------------

ROLE_ASSIGNMENT_READ_ROLES = frozenset(
    {
        GLOBAL_ADMIN_TEMPLATE,
        PRIVILEGED_ROLE_ADMIN_TEMPLATE,
        GLOBAL_READER_TEMPLATE,
        DIRECTORY_READERS_TEMPLATE,
    }
)
"""Roles the signed-in user needs to list role assignments (strict: not User Administrator)."""

# --- consent (§2) -------------------------------------------------------------------------------------

ADMIN_CONSENT_SCOPES = frozenset(
    scope.lower()
    for scope in (
        "User.Read.All",
        "User.ReadWrite.All",
        "User-PasswordProfile.ReadWrite.All",
        "User.ManageIdentities.All",
        "User.EnableDisableAccount.All",
        "RoleManagement.Read.Directory",
        "RoleManagement.Read.All",
        "RoleManagement.ReadWrite.Directory",
        "RoleEligibilitySchedule.Read.Directory",
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Directory.AccessAsUser.All",
        "Group.Read.All",
        "Group.ReadWrite.All",
        "GroupMember.Read.All",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "LicenseAssignment.Read.All",
        "LicenseAssignment.ReadWrite.All",
    )
)
"""Delegated Graph scopes only an administrator may consent to (§2.1). Anything else (``User.Read``,
``Mail.Send``, ``Mail.ReadBasic``, ``Mail.Read``, ``User.ReadBasic.All``…) a user may consent to for
themselves."""

CONSENT_ROLES = frozenset(
    {
        GLOBAL_ADMIN_TEMPLATE,
        PRIVILEGED_ROLE_ADMIN_TEMPLATE,
        CLOUD_APPLICATION_ADMIN_TEMPLATE,
        APPLICATION_ADMIN_TEMPLATE,
    }
)
"""Roles that may grant tenant-wide (admin) consent to delegated permissions (§2.2); not User
Administrator."""


def needs_admin_consent(scope: str) -> bool:
    return scope.lower() in ADMIN_CONSENT_SCOPES


SCOPE_WORDS: Final[dict[str, str]] = {
    "user.read": "Sign you in and read your profile",
    "user.readbasic.all": "Read the basic profiles of all users",
    "user.read.all": "Read the full profiles of all users",
    "user.readwrite.all": "Read and write the full profiles of all users (create users)",
    "user-passwordprofile.readwrite.all": "Reset the passwords of users",
    "rolemanagement.read.directory": "Read your organisation's directory roles and who holds them",
    "directory.read.all": "Read directory data",
    "mail.send": "Send mail as you",
    "mail.readbasic": "Read basic mail properties (subject, sender, date) in your mailbox",
    "mail.read": "Read your mail",
}
"""The consent page's plain words for a scope (other scopes are shown by name)."""


def scope_words(scope: str) -> str:
    return SCOPE_WORDS.get(scope.lower(), scope)
