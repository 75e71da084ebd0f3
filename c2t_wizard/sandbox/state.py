"""The sandbox's state: tenants, domains, users, directory roles, subscriptions (licences), grants and sign-up
sessions, in SQLite; and what clients sent that tests check (every ``POST /users`` and ``assignLicense``).

The database lives in the state directory, so a sandbox restarted with the same directory sees the same
tenants, users and refresh tokens. Passwords are stored as salted scrypt hashes only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .common import (
    GLOBAL_ADMIN_TEMPLATE,
    GLOBAL_READER_TEMPLATE,
    ROLE_NAMES,
    USER_ADMIN_TEMPLATE,
    b64url,
    b64url_decode,
    iso_now,
    new_guid,
)

DB_FILE = "sandbox.sqlite3"

DEMO_PREFIX = "contoso"
DEMO_ADMIN = "admin"
DEMO_ADMIN_PASSWORD = "Contoso-Admin-2024!"
DEMO_USER = "megan"
DEMO_USER_PASSWORD = "Contoso-Megan-2024!"
# Two more demo people for the role check: Alex is a User Administrator through a role-assignable group
# (not directly); Lee is eligible for User Administrator in PIM but has not activated it (she is an active
# Global Reader, one of the roles that may read role eligibilities).
DEMO_GROUP_USER = "alex"
DEMO_GROUP_USER_PASSWORD = "Contoso-Alex-2024!"
DEMO_ROLE_GROUP = "User administrators"
DEMO_ELIGIBLE_USER = "lee"
DEMO_ELIGIBLE_USER_PASSWORD = "Contoso-Lee-2024!"
# A mail-enabled group of the demo tenant: its addresses (proxyAddresses) are not users, so a new user whose
# username is one of them meets Graph's proxyAddresses conflict, not "the user already exists".
DEMO_MAIL_GROUP = "Sales"
# Consent (issue 16): the demo tenant's Global Administrator consented for the organisation to the scopes
# the app asks for, for the app's client (Microsoft Graph Command Line Tools). Diego is a User Administrator
# there.
# A second demo tenant, Fourth Coffee, has a Global Administrator and a User Administrator and no consent.
DEMO_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
DEMO_CONSENTED_SCOPES = (
    "User.Read",
    "User.ReadWrite.All",
    "User-PasswordProfile.ReadWrite.All",
    "RoleManagement.Read.Directory",
    "Mail.Send",
    "Mail.ReadBasic",
    "Mail.Read",
)
DEMO_USER_ADMIN = "diego"
DEMO_USER_ADMIN_PASSWORD = "Contoso-Diego-2024!"
UNCONSENTED_PREFIX = "fourthcoffee"
UNCONSENTED_NAME = "Fourth Coffee"
UNCONSENTED_ADMIN_PASSWORD = "Fourth-Admin-2024!"
UNCONSENTED_USER_ADMIN = "patti"
UNCONSENTED_USER_ADMIN_PASSWORD = "Fourth-Patti-2024!"
ALL_PRINCIPALS = "*"
"""The ``principal_id`` of a tenant-wide (``AllPrincipals``) consent grant."""
DEMO_MAIL_GROUP_ALIASES = ("sales", "vertrieb")

# Well-known example names, taken from the start as they are in reality.
WELL_KNOWN_TENANTS: tuple[tuple[str, str], ...] = (
    ("contoso", "Contoso"),
    ("fabrikam", "Fabrikam, Inc."),
    ("northwind", "Northwind Traders"),
    ("adventureworks", "Adventure Works Cycles"),
    ("wingtiptoys", "Wingtip Toys"),
    ("tailspintoys", "Tailspin Toys"),
    ("litware", "Litware, Inc."),
    ("woodgrove", "Woodgrove Bank"),
    ("proseware", "Proseware, Inc."),
    ("alpineskihouse", "Alpine Ski House"),
)


def iso_now_precise() -> str:
    """UTC with microseconds, for the records tests read (Graph's own timestamps have whole seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Cheap scrypt parameters: this is a sandbox that may create hundreds of users quickly.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**8, 8, 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tenants (
    id TEXT PRIMARY KEY,
    prefix TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    country TEXT,
    tenant_type TEXT NOT NULL DEFAULT 'AAD',
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS domains (
    name TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    is_initial INTEGER NOT NULL,
    is_default INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    upn TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    given_name TEXT,
    surname TEXT,
    mail TEXT,
    password_hash TEXT NOT NULL,
    account_enabled INTEGER NOT NULL DEFAULT 1,
    has_mailbox INTEGER NOT NULL DEFAULT 0,
    props TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_tenant ON users(tenant_id);
CREATE TABLE IF NOT EXISTS directory_roles (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    role_template_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    UNIQUE (tenant_id, role_template_id)
);
CREATE TABLE IF NOT EXISTS role_members (
    role_id TEXT NOT NULL REFERENCES directory_roles(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (role_id, user_id)
);
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    display_name TEXT NOT NULL,
    description TEXT,
    mail_nickname TEXT NOT NULL,
    is_assignable_to_role INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS group_members (
    group_id TEXT NOT NULL REFERENCES groups(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
);
CREATE TABLE IF NOT EXISTS role_group_members (
    role_id TEXT NOT NULL REFERENCES directory_roles(id),
    group_id TEXT NOT NULL REFERENCES groups(id),
    PRIMARY KEY (role_id, group_id)
);
CREATE TABLE IF NOT EXISTS proxy_addresses (
    address TEXT PRIMARY KEY COLLATE NOCASE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    object_id TEXT NOT NULL,
    object_type TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS role_eligibilities (
    id TEXT PRIMARY KEY,
    schedule_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    principal_id TEXT NOT NULL,
    role_template_id TEXT NOT NULL,
    directory_scope_id TEXT NOT NULL DEFAULT '/',
    start TEXT NOT NULL,
    end TEXT
);
CREATE TABLE IF NOT EXISTS grants (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id TEXT,
    data TEXT NOT NULL,
    expires REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX IF NOT EXISTS grants_user ON grants(user_id, kind);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    sent TEXT NOT NULL,
    sent_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sent_items (
    id TEXT PRIMARY KEY,
    mailbox TEXT NOT NULL,
    message TEXT NOT NULL,
    properties TEXT NOT NULL,
    sent_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sent_items_mailbox ON sent_items(mailbox, sent_at);
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    mailbox TEXT NOT NULL,
    message TEXT NOT NULL,
    received_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_mailbox ON inbox(mailbox, received_at);
CREATE TABLE IF NOT EXISTS external_sends (
    tenant_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS external_sends_tenant ON external_sends(tenant_id, at);
CREATE TABLE IF NOT EXISTS signup_sessions (
    id TEXT PRIMARY KEY,
    step TEXT NOT NULL,
    data TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS subscribed_skus (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    sku_id TEXT NOT NULL,
    units INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, sku_id)
);
CREATE TABLE IF NOT EXISTS create_attempts (
    tenant_id TEXT NOT NULL,
    upn TEXT NOT NULL COLLATE NOCASE,
    at TEXT NOT NULL,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    user_id TEXT
);
CREATE INDEX IF NOT EXISTS create_attempts_tenant ON create_attempts(tenant_id, upn);
CREATE TABLE IF NOT EXISTS consents (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    client_id TEXT NOT NULL COLLATE NOCASE,
    principal_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    granted TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id, principal_id)
);
CREATE TABLE IF NOT EXISTS license_calls (
    tenant_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    user_id TEXT,
    at TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Sku:
    """A product the tenant has a subscription to (``subscribedSku``): its id, part number and plans."""

    sku_id: str
    part_number: str
    display_name: str
    service_plans: tuple[tuple[str, str], ...]
    """(servicePlanId, servicePlanName) of each plan in the product."""


# Product and service-plan ids from Microsoft's "Product names and service plan identifiers for licensing".
BUSINESS_BASIC = Sku(
    "3b555118-da6a-4418-894f-7df1e2096870",
    "O365_BUSINESS_ESSENTIALS",
    "Microsoft 365 Business Basic",
    (
        ("9aaf7827-d63c-4b61-89c3-182f06f82e5c", "EXCHANGE_S_STANDARD"),
        ("57ff2da0-773e-42df-b2af-ffb7a2317929", "TEAMS1"),
    ),
)
TEAMS_PHONE = Sku(
    "e43b5b99-8dfb-405f-9987-dc307f34bcbd",
    "MCOEV",
    "Microsoft Teams Phone Standard",
    (("4828c8ec-dc2e-4779-b502-87ac9ce28ab7", "MCOEV"),),
)
SKUS: dict[str, Sku] = {sku.sku_id: sku for sku in (BUSINESS_BASIC, TEAMS_PHONE)}
# Every new tenant starts with a Business Basic subscription; the demo tenant also has Teams Phone.
DEFAULT_UNITS: dict[str, int] = {BUSINESS_BASIC.sku_id: 25}
DEMO_UNITS: dict[str, int] = {BUSINESS_BASIC.sku_id: 25, TEAMS_PHONE.sku_id: 10}


class ConflictError(Exception):
    """A name (tenant prefix, user principal name) that is already taken."""


@dataclass(frozen=True)
class Tenant:
    id: str
    prefix: str
    display_name: str
    country: str | None
    tenant_type: str
    created: str

    @property
    def initial_domain(self) -> str:
        return f"{self.prefix}.onmicrosoft.com"


@dataclass(frozen=True)
class Domain:
    name: str
    tenant_id: str
    is_initial: bool
    is_default: bool


@dataclass(frozen=True)
class User:
    id: str
    tenant_id: str
    upn: str
    display_name: str
    given_name: str | None
    surname: str | None
    mail: str | None
    account_enabled: bool
    has_mailbox: bool
    created: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mail:
    """A message sent through ``sendMail``, kept in the outbox (``repr`` leaves the body out: a welcome
    message holds a password)."""

    id: str
    tenant_id: str
    sender: str
    recipients: dict[str, list[str]]
    """``to``, ``cc`` and ``bcc`` addresses."""
    subject: str
    content_type: str
    body: str = field(repr=False)
    sent: str


@dataclass(frozen=True)
class Role:
    id: str
    tenant_id: str
    role_template_id: str
    display_name: str
    description: str


@dataclass(frozen=True)
class Group:
    """A security group; a role-assignable one (``isAssignableToRole``) can hold directory roles."""

    id: str
    tenant_id: str
    display_name: str
    description: str | None
    mail_nickname: str
    is_assignable_to_role: bool
    created: str


@dataclass(frozen=True)
class Eligibility:
    """A PIM role eligibility: the principal may activate the role, but does not hold it until then."""

    id: str
    schedule_id: str
    tenant_id: str
    principal_id: str
    role_template_id: str
    directory_scope_id: str
    start: str
    end: str | None


@dataclass(frozen=True)
class Grant:
    """A one-time code, device code or refresh token with its JSON data (``repr`` leaves the key out)."""

    key: str = field(repr=False)
    kind: str
    user_id: str | None
    data: dict[str, Any]
    expires: float
    state: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64url(salt)}${b64url(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=b64url_decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, b64url_decode(digest))


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """All state, in one SQLite database. Used from the event loop's thread only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- meta -----------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- seed -----------------------------------------------------------------------------------------

    def seed(self) -> None:
        """Create the well-known tenants and the demo tenant's users (first start only)."""
        self._seed_role_demo()
        self._seed_mail_demo()
        self._seed_consent_demo()
        if self.meta("seeded") == "1":
            return
        for prefix, display_name in WELL_KNOWN_TENANTS:
            if self.tenant_by_prefix(prefix) is not None:
                continue
            if prefix == DEMO_PREFIX:
                tenant, _ = self.create_tenant(
                    prefix,
                    display_name,
                    country="US",
                    admin_username=DEMO_ADMIN,
                    admin_password=DEMO_ADMIN_PASSWORD,
                    given_name="Adele",
                    surname="Vance",
                    display_name_of_admin="Adele Vance",
                    has_mailbox=True,
                )
                self.add_user(
                    tenant.id,
                    f"{DEMO_USER}@{tenant.initial_domain}",
                    "Megan Bowen",
                    DEMO_USER_PASSWORD,
                    given_name="Megan",
                    surname="Bowen",
                    has_mailbox=True,
                )
                self.set_subscribed_units(tenant.id, DEMO_UNITS)
                # The demo's people have mailboxes, so a Business Basic licence each (and a usage location).
                for user in self.users_in(tenant.id):
                    licence = {"disabledPlans": [], "skuId": BUSINESS_BASIC.sku_id}
                    self.update_user(user.id, props={"usageLocation": "US", "assignedLicenses": [licence]})
            else:
                self.create_tenant(prefix, display_name, country="US")
        self.set_meta("seeded", "1")
        self._seed_role_demo()
        self._seed_mail_demo()
        self._seed_consent_demo()

    # --- tenants --------------------------------------------------------------------------------------

    @staticmethod
    def _tenant(row: sqlite3.Row) -> Tenant:
        return Tenant(
            id=row["id"],
            prefix=row["prefix"],
            display_name=row["display_name"],
            country=row["country"],
            tenant_type=row["tenant_type"],
            created=row["created"],
        )

    def tenants(self) -> list[Tenant]:
        rows = self._db.execute("SELECT * FROM tenants ORDER BY created, prefix").fetchall()
        return [self._tenant(row) for row in rows]

    def tenant_by_id(self, tenant_id: str) -> Tenant | None:
        row = self._db.execute("SELECT * FROM tenants WHERE id = ?", (tenant_id.lower(),)).fetchone()
        return None if row is None else self._tenant(row)

    def tenant_by_prefix(self, prefix: str) -> Tenant | None:
        row = self._db.execute("SELECT * FROM tenants WHERE prefix = ?", (prefix.lower(),)).fetchone()
        return None if row is None else self._tenant(row)

    def tenant_by_domain(self, domain: str) -> Tenant | None:
        row = self._db.execute(
            "SELECT t.* FROM tenants t JOIN domains d ON d.tenant_id = t.id WHERE d.name = ?",
            (domain.lower(),),
        ).fetchone()
        return None if row is None else self._tenant(row)

    def domains(self, tenant_id: str) -> list[Domain]:
        rows = self._db.execute(
            "SELECT * FROM domains WHERE tenant_id = ? ORDER BY is_initial DESC, name", (tenant_id,)
        ).fetchall()
        return [
            Domain(row["name"], row["tenant_id"], bool(row["is_initial"]), bool(row["is_default"]))
            for row in rows
        ]

    def create_tenant(
        self,
        prefix: str,
        display_name: str,
        *,
        country: str | None = None,
        admin_username: str | None = None,
        admin_password: str | None = None,
        admin_password_hash: str | None = None,
        given_name: str | None = None,
        surname: str | None = None,
        display_name_of_admin: str | None = None,
        has_mailbox: bool = False,
    ) -> tuple[Tenant, User | None]:
        """Create a tenant with its initial domain and, optionally, its first Global Administrator."""
        prefix = prefix.lower()
        domain = f"{prefix}.onmicrosoft.com"
        tenant_id = new_guid()
        admin: User | None = None
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT INTO tenants (id, prefix, display_name, country, created) VALUES (?, ?, ?, ?, ?)",
                    (tenant_id, prefix, display_name, country, iso_now()),
                )
                db.execute(
                    "INSERT INTO domains (name, tenant_id, is_initial, is_default) VALUES (?, ?, 1, 1)",
                    (domain, tenant_id),
                )
                if admin_username and (admin_password or admin_password_hash):
                    names = " ".join(n for n in (given_name, surname) if n)
                    admin = self._insert_user(
                        tenant_id,
                        f"{admin_username}@{domain}",
                        display_name_of_admin or names or admin_username,
                        admin_password or "",
                        password_hash=admin_password_hash,
                        given_name=given_name,
                        surname=surname,
                        has_mailbox=has_mailbox,
                    )
                    self._assign_role(tenant_id, admin.id, GLOBAL_ADMIN_TEMPLATE)
                for sku_id, units in DEFAULT_UNITS.items():
                    db.execute(
                        "INSERT INTO subscribed_skus (tenant_id, sku_id, units) VALUES (?, ?, ?)",
                        (tenant_id, sku_id, units),
                    )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(domain) from exc
        tenant = self.tenant_by_id(tenant_id)
        assert tenant is not None
        return tenant, admin

    def has_exchange(self, tenant_id: str) -> bool:
        """Does the tenant have an Exchange Online organisation? Every tenant has one unless told otherwise
        (``set_exchange``): a tenant made through Entra/Azure sign-up has none, and there every mail
        endpoint answers 401 ``OrganizationFromTenantGuidNotFound``."""
        return self.meta(f"no_exchange:{tenant_id.lower()}") is None

    def set_exchange(self, tenant_id: str, enabled: bool) -> None:
        """Give the tenant an Exchange organisation, or take it away (kept in ``meta``: no schema change)."""
        with self.transaction() as db:
            if enabled:
                db.execute("DELETE FROM meta WHERE key = ?", (f"no_exchange:{tenant_id.lower()}",))
            else:
                self.set_meta(f"no_exchange:{tenant_id.lower()}", "1")

    # --- users ----------------------------------------------------------------------------------------

    @staticmethod
    def _user(row: sqlite3.Row) -> User:
        return User(
            id=row["id"],
            tenant_id=row["tenant_id"],
            upn=row["upn"],
            display_name=row["display_name"],
            given_name=row["given_name"],
            surname=row["surname"],
            mail=row["mail"],
            account_enabled=bool(row["account_enabled"]),
            has_mailbox=bool(row["has_mailbox"]),
            created=row["created"],
            props=json.loads(row["props"]),
        )

    def _insert_user(
        self,
        tenant_id: str,
        upn: str,
        display_name: str,
        password: str,
        *,
        given_name: str | None = None,
        surname: str | None = None,
        has_mailbox: bool = False,
        account_enabled: bool = True,
        props: dict[str, Any] | None = None,
        password_hash: str | None = None,
    ) -> User:
        user = User(
            id=new_guid(),
            tenant_id=tenant_id,
            upn=upn,
            display_name=display_name,
            given_name=given_name,
            surname=surname,
            mail=upn if has_mailbox else None,
            account_enabled=account_enabled,
            has_mailbox=has_mailbox,
            created=iso_now(),
            props=dict(props or {}),
        )
        self._db.execute(
            "INSERT INTO users (id, tenant_id, upn, display_name, given_name, surname, mail, "
            "password_hash, account_enabled, has_mailbox, props, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user.id,
                tenant_id,
                upn,
                display_name,
                given_name,
                surname,
                user.mail,
                password_hash or hash_password(password),
                int(account_enabled),
                int(has_mailbox),
                json.dumps(user.props),
                user.created,
            ),
        )
        return user

    def add_user(
        self,
        tenant_id: str,
        upn: str,
        display_name: str,
        password: str,
        *,
        given_name: str | None = None,
        surname: str | None = None,
        has_mailbox: bool = False,
        account_enabled: bool = True,
        props: dict[str, Any] | None = None,
    ) -> User:
        try:
            with self.transaction():
                return self._insert_user(
                    tenant_id,
                    upn,
                    display_name,
                    password,
                    given_name=given_name,
                    surname=surname,
                    has_mailbox=has_mailbox,
                    account_enabled=account_enabled,
                    props=props,
                )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(upn) from exc

    def user_by_id(self, user_id: str) -> User | None:
        row = self._db.execute("SELECT * FROM users WHERE id = ?", (user_id.lower(),)).fetchone()
        return None if row is None else self._user(row)

    def user_by_upn(self, upn: str) -> User | None:
        row = self._db.execute("SELECT * FROM users WHERE upn = ?", (upn,)).fetchone()
        return None if row is None else self._user(row)

    def users_in(self, tenant_id: str) -> list[User]:
        rows = self._db.execute(
            "SELECT * FROM users WHERE tenant_id = ? ORDER BY created, upn", (tenant_id,)
        ).fetchall()
        return [self._user(row) for row in rows]

    def update_user(
        self,
        user_id: str,
        columns: dict[str, Any] | None = None,
        props: dict[str, Any] | None = None,
        password: str | None = None,
    ) -> User:
        """Change columns (``upn``, ``display_name``, ``given_name``, ``surname``, ``mail``,
        ``account_enabled``), merge ``props`` (a ``None`` value removes the key) and/or set the password."""
        allowed = {"upn", "display_name", "given_name", "surname", "mail", "account_enabled"}
        columns = dict(columns or {})
        if set(columns) - allowed:
            raise ValueError(f"not updatable: {sorted(set(columns) - allowed)}")
        if password is not None:
            columns["password_hash"] = hash_password(password)
        try:
            with self.transaction() as db:
                row = db.execute("SELECT props FROM users WHERE id = ?", (user_id,)).fetchone()
                if row is None:
                    raise KeyError(user_id)
                if props:
                    merged = json.loads(row["props"])
                    for key, value in props.items():
                        if value is None:
                            merged.pop(key, None)
                        else:
                            merged[key] = value
                    columns["props"] = json.dumps(merged)
                if columns:
                    assignments = ", ".join(f"{name} = ?" for name in columns)
                    db.execute(
                        f"UPDATE users SET {assignments} WHERE id = ?",  # noqa: S608 (names are fixed above)
                        (*columns.values(), user_id),
                    )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(str(columns.get("upn", user_id))) from exc
        user = self.user_by_id(user_id)
        assert user is not None
        return user

    def check_password(self, user: User, password: str) -> bool:
        row = self._db.execute("SELECT password_hash FROM users WHERE id = ?", (user.id,)).fetchone()
        return row is not None and verify_password(password, str(row["password_hash"]))

    def set_password(self, user_id: str, password: str) -> None:
        self._db.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?", (hash_password(password), user_id)
        )

    # --- licences -------------------------------------------------------------------------------------

    def set_subscribed_units(self, tenant_id: str, units: dict[str, int]) -> None:
        """The tenant's subscriptions: units bought per skuId (replaces what was there)."""
        with self.transaction() as db:
            db.execute("DELETE FROM subscribed_skus WHERE tenant_id = ?", (tenant_id,))
            db.executemany(
                "INSERT INTO subscribed_skus (tenant_id, sku_id, units) VALUES (?, ?, ?)",
                [(tenant_id, sku_id, count) for sku_id, count in units.items()],
            )

    def subscribed_units(self, tenant_id: str) -> dict[str, int]:
        """Units bought per skuId."""
        rows = self._db.execute(
            "SELECT sku_id, units FROM subscribed_skus WHERE tenant_id = ? ORDER BY sku_id", (tenant_id,)
        ).fetchall()
        return {str(row["sku_id"]): int(row["units"]) for row in rows}

    def consumed_units(self, tenant_id: str) -> dict[str, int]:
        """Licences assigned per skuId (one unit per user holding it)."""
        consumed: dict[str, int] = {}
        for user in self.users_in(tenant_id):
            for licence in user.props.get("assignedLicenses", []):
                consumed[licence["skuId"]] = consumed.get(licence["skuId"], 0) + 1
        return consumed

    # --- what clients sent (read by tests through the control API) -------------------------------------

    def record_create_attempt(
        self, tenant_id: str, upn: str, status: int, outcome: str, user_id: str | None = None
    ) -> None:
        """A ``POST /users`` that reached the handler: its answer (``created``, ``conflict``, ``invalid``,
        ``forbidden``) and the object it created."""
        self._db.execute(
            "INSERT INTO create_attempts (tenant_id, upn, at, status, outcome, user_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (tenant_id, upn, iso_now_precise(), status, outcome, user_id),
        )

    def create_attempts(self, tenant_id: str) -> list[dict[str, Any]]:
        """Every recorded ``POST /users`` of a tenant, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM create_attempts WHERE tenant_id = ? ORDER BY rowid", (tenant_id,)
        ).fetchall()
        return [
            {
                "upn": row["upn"],
                "at": row["at"],
                "status": row["status"],
                "outcome": row["outcome"],
                "id": row["user_id"],
            }
            for row in rows
        ]

    def record_license_call(
        self, tenant_id: str, user_key: str, user_id: str | None, status: int, body: Any
    ) -> None:
        """An ``assignLicense`` call, whatever its answer."""
        self._db.execute(
            "INSERT INTO license_calls (tenant_id, user_key, user_id, at, status, body) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (tenant_id, user_key, user_id, iso_now_precise(), status, json.dumps(body)),
        )

    def license_calls(self, tenant_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT * FROM license_calls WHERE tenant_id = ? ORDER BY rowid", (tenant_id,)
        ).fetchall()
        return [
            {
                "user": row["user_key"],
                "id": row["user_id"],
                "at": row["at"],
                "status": row["status"],
                "body": json.loads(row["body"]),
            }
            for row in rows
        ]

    # --- directory roles ------------------------------------------------------------------------------

    def _assign_role(self, tenant_id: str, user_id: str, template: str) -> Role:
        role = self._directory_role(tenant_id, template)
        self._db.execute(
            "INSERT OR IGNORE INTO role_members (role_id, user_id) VALUES (?, ?)", (role.id, user_id)
        )
        return role

    def _directory_role(self, tenant_id: str, template: str) -> Role:
        """The tenant's directoryRole object for a template (activated on first use, as in Entra)."""
        row = self._db.execute(
            "SELECT * FROM directory_roles WHERE tenant_id = ? AND role_template_id = ?",
            (tenant_id, template),
        ).fetchone()
        if row is None:
            name, description = ROLE_NAMES.get(template, (template, ""))
            role = Role(new_guid(), tenant_id, template, name, description)
            self._db.execute(
                "INSERT INTO directory_roles VALUES (?, ?, ?, ?, ?)",
                (role.id, tenant_id, template, name, description),
            )
        else:
            role = self._role(row)
        return role

    def assign_role(self, tenant_id: str, user_id: str, template: str) -> Role:
        with self.transaction():
            return self._assign_role(tenant_id, user_id, template)

    @staticmethod
    def _role(row: sqlite3.Row) -> Role:
        return Role(
            row["id"],
            row["tenant_id"],
            row["role_template_id"],
            row["display_name"],
            row["description"],
        )

    def user_direct_roles(self, user_id: str) -> list[Role]:
        """The active roles assigned to the user themselves (what ``/me/memberOf`` lists)."""
        rows = self._db.execute(
            "SELECT r.* FROM directory_roles r JOIN role_members m ON m.role_id = r.id "
            "WHERE m.user_id = ? ORDER BY r.display_name",
            (user_id,),
        ).fetchall()
        return [self._role(row) for row in rows]

    def role_assignments(self, tenant_id: str) -> list[tuple[str, str, str]]:
        """(id, principalId, role template id) of every active direct assignment in the tenant: to users,
        and to role-assignable groups (the group is the principal)."""
        rows = self._db.execute(
            "SELECT r.role_template_id AS template, m.user_id AS principal FROM directory_roles r"
            " JOIN role_members m ON m.role_id = r.id WHERE r.tenant_id = ?"
            " UNION SELECT r.role_template_id, g.group_id FROM directory_roles r"
            " JOIN role_group_members g ON g.role_id = r.id WHERE r.tenant_id = ?"
            " ORDER BY 1, 2",
            (tenant_id, tenant_id),
        ).fetchall()
        result = []
        for row in rows:
            template, principal = str(row[0]), str(row[1])
            assignment_id = b64url(hashlib.sha256(f"{template}|{principal}".encode()).digest()[:24])
            result.append((assignment_id, principal, template))
        return result

    def user_roles(self, user_id: str) -> list[Role]:
        """The active roles the user holds: their own and those of their role-assignable groups (what
        ``/me/transitiveMemberOf`` lists, and what Entra checks). Eligible roles are not held."""
        rows = self._db.execute(
            "SELECT r.* FROM directory_roles r WHERE r.id IN ("
            " SELECT role_id FROM role_members WHERE user_id = ?"
            " UNION SELECT rg.role_id FROM role_group_members rg"
            " JOIN group_members gm ON gm.group_id = rg.group_id WHERE gm.user_id = ?"
            ") ORDER BY r.display_name",
            (user_id, user_id),
        ).fetchall()
        return [self._role(row) for row in rows]

    # --- groups ---------------------------------------------------------------------------------------

    @staticmethod
    def _group(row: sqlite3.Row) -> Group:
        return Group(
            id=row["id"],
            tenant_id=row["tenant_id"],
            display_name=row["display_name"],
            description=row["description"],
            mail_nickname=row["mail_nickname"],
            is_assignable_to_role=bool(row["is_assignable_to_role"]),
            created=row["created"],
        )

    def add_group(
        self,
        tenant_id: str,
        display_name: str,
        *,
        mail_nickname: str,
        description: str | None = None,
        role_assignable: bool = False,
    ) -> Group:
        group = Group(
            new_guid(), tenant_id, display_name, description, mail_nickname, role_assignable, iso_now()
        )
        self._db.execute(
            "INSERT INTO groups (id, tenant_id, display_name, description, mail_nickname, "
            "is_assignable_to_role, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                group.id,
                tenant_id,
                display_name,
                description,
                mail_nickname,
                int(role_assignable),
                group.created,
            ),
        )
        return group

    def add_group_member(self, group_id: str, user_id: str) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)", (group_id, user_id)
        )

    def assign_role_to_group(self, group: Group, template: str) -> Role:
        """Give a role-assignable group a directory role: its members hold the role (Entra allows roles on
        role-assignable groups only)."""
        if not group.is_assignable_to_role:
            raise ValueError(f"group {group.display_name!r} is not role-assignable")
        with self.transaction():
            role = self._directory_role(group.tenant_id, template)
            self._db.execute(
                "INSERT OR IGNORE INTO role_group_members (role_id, group_id) VALUES (?, ?)",
                (role.id, group.id),
            )
        return role

    def user_groups(self, user_id: str) -> list[Group]:
        """The groups the user is a member of (role-assignable groups cannot be nested; no group is here)."""
        rows = self._db.execute(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id "
            "WHERE m.user_id = ? ORDER BY g.display_name",
            (user_id,),
        ).fetchall()
        return [self._group(row) for row in rows]

    # --- proxy addresses of other directory objects ----------------------------------------------------

    def add_proxy_addresses(
        self, tenant_id: str, object_id: str, object_type: str, addresses: list[str]
    ) -> None:
        """Give a mail-enabled object (``group``, ``orgContact``, a shared mailbox's ``user``) its SMTP
        addresses; Entra keeps proxyAddresses unique across all directory objects (case-insensitive). Call it
        inside ``transaction()`` when it must be atomic with the object's creation."""
        self._db.executemany(
            "INSERT INTO proxy_addresses (address, tenant_id, object_id, object_type) VALUES (?, ?, ?, ?)",
            [(address, tenant_id, object_id, object_type) for address in addresses],
        )

    def proxy_address_owner(self, address: str) -> tuple[str, str] | None:
        """``(object_id, object_type)`` of the object holding ``address`` as a proxy address, if any."""
        row = self._db.execute(
            "SELECT object_id, object_type FROM proxy_addresses WHERE address = ?", (address,)
        ).fetchone()
        return None if row is None else (str(row["object_id"]), str(row["object_type"]))

    def _seed_mail_demo(self) -> None:
        """The demo tenant's mail-enabled group (also added to a demo state made before it existed)."""
        if self.meta("seeded_mail_group") == "1":
            return
        tenant = self.tenant_by_prefix(DEMO_PREFIX)
        if tenant is None:
            return
        with self.transaction():
            group = self.add_group(
                tenant.id,
                DEMO_MAIL_GROUP,
                mail_nickname=DEMO_MAIL_GROUP_ALIASES[0],
                description="A Microsoft 365 group with a shared inbox (mail-enabled).",
            )
            addresses = [f"{alias}@{tenant.initial_domain}" for alias in DEMO_MAIL_GROUP_ALIASES]
            self.add_proxy_addresses(tenant.id, group.id, "group", addresses)
            self.set_meta("seeded_mail_group", "1")

    # --- role eligibilities (PIM) ---------------------------------------------------------------------

    def add_eligibility(
        self, tenant_id: str, principal_id: str, template: str, *, directory_scope_id: str = "/"
    ) -> Eligibility:
        """Make the principal eligible for a role (not active: they must activate it first)."""
        eligibility = Eligibility(
            id=b64url(secrets.token_bytes(24)) + "-1-e",
            schedule_id=new_guid(),
            tenant_id=tenant_id,
            principal_id=principal_id,
            role_template_id=template,
            directory_scope_id=directory_scope_id,
            start=iso_now(),
            end=None,
        )
        self._db.execute(
            "INSERT INTO role_eligibilities (id, schedule_id, tenant_id, principal_id, role_template_id, "
            "directory_scope_id, start, end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                eligibility.id,
                eligibility.schedule_id,
                tenant_id,
                principal_id,
                template,
                directory_scope_id,
                eligibility.start,
                None,
            ),
        )
        return eligibility

    def eligibilities(self, tenant_id: str) -> list[Eligibility]:
        rows = self._db.execute(
            "SELECT * FROM role_eligibilities WHERE tenant_id = ? ORDER BY start, id", (tenant_id,)
        ).fetchall()
        return [
            Eligibility(
                id=row["id"],
                schedule_id=row["schedule_id"],
                tenant_id=row["tenant_id"],
                principal_id=row["principal_id"],
                role_template_id=row["role_template_id"],
                directory_scope_id=row["directory_scope_id"],
                start=row["start"],
                end=row["end"],
            )
            for row in rows
        ]

    def _seed_role_demo(self) -> None:
        """The demo tenant's role cases (also added to a demo state made before they existed)."""
        if self.meta("seeded_roles") == "1":
            return
        tenant = self.tenant_by_prefix(DEMO_PREFIX)
        if tenant is None:
            return
        domain = tenant.initial_domain
        alex = self.add_user(
            tenant.id,
            f"{DEMO_GROUP_USER}@{domain}",
            "Alex Wilber",
            DEMO_GROUP_USER_PASSWORD,
            given_name="Alex",
            surname="Wilber",
        )
        with self.transaction():
            group = self.add_group(
                tenant.id,
                DEMO_ROLE_GROUP,
                mail_nickname="useradministrators",
                description="Members are User Administrators (a role-assignable group).",
                role_assignable=True,
            )
            self.add_group_member(group.id, alex.id)
        self.assign_role_to_group(group, USER_ADMIN_TEMPLATE)
        lee = self.add_user(
            tenant.id,
            f"{DEMO_ELIGIBLE_USER}@{domain}",
            "Lee Gu",
            DEMO_ELIGIBLE_USER_PASSWORD,
            given_name="Lee",
            surname="Gu",
        )
        self.assign_role(tenant.id, lee.id, GLOBAL_READER_TEMPLATE)
        self.add_eligibility(tenant.id, lee.id, USER_ADMIN_TEMPLATE)
        self.set_meta("seeded_roles", "1")

    # --- consent (oAuth2PermissionGrant) --------------------------------------------------------------

    def grant_consent(
        self, tenant_id: str, client_id: str, principal_id: str | None, scopes: list[str]
    ) -> None:
        """Record consent for ``scopes`` (added to what was there): for one user (``Principal``), or for
        everyone in the tenant (``AllPrincipals``, ``principal_id`` None)."""
        key = principal_id or ALL_PRINCIPALS
        row = self._db.execute(
            "SELECT scopes FROM consents WHERE tenant_id = ? AND client_id = ? AND principal_id = ?",
            (tenant_id, client_id, key),
        ).fetchone()
        merged = row["scopes"].split() if row else []
        for scope in scopes:
            if scope.lower() not in {known.lower() for known in merged}:
                merged.append(scope)
        self._db.execute(
            "INSERT OR REPLACE INTO consents (tenant_id, client_id, principal_id, scopes, granted)"
            " VALUES (?, ?, ?, ?, ?)",
            (tenant_id, client_id, key, " ".join(merged), iso_now()),
        )

    def consented_scopes(self, tenant_id: str, client_id: str, user_id: str) -> list[str]:
        """The Graph scopes consented for this user and client: the tenant-wide grant and their own."""
        rows = self._db.execute(
            "SELECT scopes FROM consents WHERE tenant_id = ? AND client_id = ? AND principal_id IN (?, ?)"
            " ORDER BY principal_id = ? DESC",
            (tenant_id, client_id, ALL_PRINCIPALS, user_id, ALL_PRINCIPALS),
        ).fetchall()
        scopes: list[str] = []
        for row in rows:
            for scope in row["scopes"].split():
                if scope.lower() not in {s.lower() for s in scopes}:
                    scopes.append(scope)
        return scopes

    def consents(self, tenant_id: str) -> list[dict[str, Any]]:
        """Every grant of the tenant, as the control API lists them."""
        rows = self._db.execute(
            "SELECT * FROM consents WHERE tenant_id = ? ORDER BY client_id, principal_id", (tenant_id,)
        ).fetchall()
        return [
            {
                "clientId": row["client_id"],
                "consentType": "AllPrincipals" if row["principal_id"] == ALL_PRINCIPALS else "Principal",
                "principalId": None if row["principal_id"] == ALL_PRINCIPALS else row["principal_id"],
                "scope": row["scopes"],
                "granted": row["granted"],
            }
            for row in rows
        ]

    def _seed_consent_demo(self) -> None:
        """The demo tenant's consent (its Global Administrator consented for the organisation to what the app
        asks for), its User Administrator, and a second demo tenant where nobody has consented."""
        if self.meta("seeded_consent") == "1":
            return
        tenant = self.tenant_by_prefix(DEMO_PREFIX)
        if tenant is None:
            return
        domain = tenant.initial_domain
        self.grant_consent(tenant.id, DEMO_CLIENT_ID, None, list(DEMO_CONSENTED_SCOPES))
        if self.user_by_upn(f"{DEMO_USER_ADMIN}@{domain}") is None:
            diego = self.add_user(
                tenant.id,
                f"{DEMO_USER_ADMIN}@{domain}",
                "Diego Siciliani",
                DEMO_USER_ADMIN_PASSWORD,
                given_name="Diego",
                surname="Siciliani",
            )
            self.assign_role(tenant.id, diego.id, USER_ADMIN_TEMPLATE)
        if self.tenant_by_prefix(UNCONSENTED_PREFIX) is None:
            other, _ = self.create_tenant(
                UNCONSENTED_PREFIX,
                UNCONSENTED_NAME,
                country="US",
                admin_username=DEMO_ADMIN,
                admin_password=UNCONSENTED_ADMIN_PASSWORD,
                given_name="Nestor",
                surname="Wilke",
                display_name_of_admin="Nestor Wilke",
                has_mailbox=True,
            )
            patti = self.add_user(
                other.id,
                f"{UNCONSENTED_USER_ADMIN}@{other.initial_domain}",
                "Patti Fernandez",
                UNCONSENTED_USER_ADMIN_PASSWORD,
                given_name="Patti",
                surname="Fernandez",
                has_mailbox=True,
            )
            self.assign_role(other.id, patti.id, USER_ADMIN_TEMPLATE)
        self.set_meta("seeded_consent", "1")

    # --- grants: authorization codes, device codes, refresh tokens ------------------------------------

    def put_grant(
        self, key: str, kind: str, data: dict[str, Any], ttl: float, user_id: str | None = None
    ) -> None:
        self._db.execute(
            "INSERT INTO grants (key, kind, user_id, data, expires) VALUES (?, ?, ?, ?, ?)",
            (_token_key(key), kind, user_id, json.dumps(data), time.time() + ttl),
        )

    def grant(self, key: str, kind: str) -> Grant | None:
        row = self._db.execute(
            "SELECT * FROM grants WHERE key = ? AND kind = ?", (_token_key(key), kind)
        ).fetchone()
        if row is None:
            return None
        return Grant(
            key=key,
            kind=row["kind"],
            user_id=row["user_id"],
            data=json.loads(row["data"]),
            expires=float(row["expires"]),
            state=row["state"],
        )

    def update_grant(
        self,
        key: str,
        *,
        state: str | None = None,
        user_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        hashed = _token_key(key)
        if state is not None:
            self._db.execute("UPDATE grants SET state = ? WHERE key = ?", (state, hashed))
        if user_id is not None:
            self._db.execute("UPDATE grants SET user_id = ? WHERE key = ?", (user_id, hashed))
        if data is not None:
            self._db.execute("UPDATE grants SET data = ? WHERE key = ?", (json.dumps(data), hashed))

    def revoke_user_grants(self, user_id: str) -> int:
        cursor = self._db.execute(
            "UPDATE grants SET state = 'revoked' WHERE user_id = ? AND kind = 'refresh' AND state = 'active'",
            (user_id,),
        )
        return cursor.rowcount

    def purge_expired(self) -> None:
        self._db.execute("DELETE FROM grants WHERE expires < ?", (time.time() - 86400,))

    # --- sign-up sessions -----------------------------------------------------------------------------

    def create_signup(self, data: dict[str, Any]) -> str:
        session_id = b64url(secrets.token_bytes(18))
        self._db.execute(
            "INSERT INTO signup_sessions (id, step, data, created) VALUES (?, ?, ?, ?)",
            (session_id, "account", json.dumps(data), time.time()),
        )
        return session_id

    def signup(self, session_id: str) -> tuple[str, dict[str, Any]] | None:
        row = self._db.execute(
            "SELECT step, data FROM signup_sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return None if row is None else (str(row["step"]), json.loads(row["data"]))

    def update_signup(self, session_id: str, step: str, data: dict[str, Any]) -> None:
        self._db.execute(
            "UPDATE signup_sessions SET step = ?, data = ? WHERE id = ?",
            (step, json.dumps(data), session_id),
        )

    # --- outbox ---------------------------------------------------------------------------------------

    def add_mail(
        self,
        tenant_id: str,
        sender: str,
        recipients: dict[str, list[str]],
        subject: str,
        content_type: str,
        body: str,
    ) -> Mail:
        mail = Mail(new_guid(), tenant_id, sender, recipients, subject, content_type, body, iso_now())
        self._db.execute(
            "INSERT INTO outbox (id, tenant_id, sender, recipients, subject, content_type, body, sent, "
            "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                mail.id,
                tenant_id,
                sender,
                json.dumps(recipients),
                subject,
                content_type,
                body,
                mail.sent,
                time.time(),
            ),
        )
        return mail

    def add_sent_item(self, mailbox: str, message: dict[str, Any], properties: list[dict[str, str]]) -> str:
        """A copy of a sent message in ``mailbox``'s (a user id's) Sent Items: ``message`` is its Graph JSON
        (without body), ``properties`` its ``singleValueExtendedProperties``. Returns the item's id."""
        item_id = str(message["id"])
        self._db.execute(
            "INSERT INTO sent_items (id, mailbox, message, properties, sent_at) VALUES (?, ?, ?, ?, ?)",
            (item_id, mailbox, json.dumps(message), json.dumps(properties), time.time()),
        )
        return item_id

    def sent_items(self, mailbox: str) -> list[tuple[dict[str, Any], list[dict[str, str]]]]:
        """``mailbox``'s Sent Items, newest first: (message JSON, its single-value extended properties)."""
        rows = self._db.execute(
            "SELECT message, properties FROM sent_items WHERE mailbox = ? ORDER BY sent_at DESC, rowid DESC",
            (mailbox,),
        ).fetchall()
        return [(json.loads(row["message"]), json.loads(row["properties"])) for row in rows]

    # --- the onmicrosoft.com sending cap and the inbox ------------------------------------------------

    def give_mailbox(self, user_id: str, address: str) -> None:
        """The user gets an Exchange mailbox whose primary address is ``address``; a domain the tenant does
        not have yet becomes one of its verified (custom) domains, as after adding it in the admin center."""
        user = self.user_by_id(user_id)
        if user is None:
            raise KeyError(user_id)
        domain = address.rpartition("@")[2].lower()
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO domains (name, tenant_id, is_initial, is_default) VALUES (?, ?, 0, 0)",
                (domain, user.tenant_id),
            )
            db.execute("UPDATE users SET mail = ?, has_mailbox = 1 WHERE id = ?", (address, user_id))

    def external_sent_since(self, tenant_id: str, since: float) -> int:
        """External recipients the tenant's onmicrosoft.com senders reached since ``since`` (epoch)."""
        row = self._db.execute(
            "SELECT COUNT(*) AS n FROM external_sends WHERE tenant_id = ? AND at >= ?", (tenant_id, since)
        ).fetchone()
        return int(row["n"])

    def record_external_sends(self, tenant_id: str, recipients: list[str], at: float | None = None) -> None:
        moment = time.time() if at is None else at
        self._db.executemany(
            "INSERT INTO external_sends (tenant_id, recipient, at) VALUES (?, ?, ?)",
            [(tenant_id, recipient, moment) for recipient in recipients],
        )

    def set_external_sent(self, tenant_id: str, count: int) -> None:
        """The tenant has reached ``count`` external recipients in the last 24 hours (all just now): for tests
        and demos ("99 already sent today")."""
        with self.transaction() as db:
            db.execute("DELETE FROM external_sends WHERE tenant_id = ?", (tenant_id,))
            self.record_external_sends(tenant_id, ["(seeded)"] * count)

    def add_inbox_message(self, mailbox: str, message: dict[str, Any], received_at: float) -> str:
        """A message delivered to ``mailbox``'s (a user id's) Inbox, visible from ``received_at`` on;
        ``message`` is its Graph JSON (body included)."""
        item_id = str(message["id"])
        self._db.execute(
            "INSERT INTO inbox (id, mailbox, message, received_at) VALUES (?, ?, ?, ?)",
            (item_id, mailbox, json.dumps(message), received_at),
        )
        return item_id

    def inbox(self, mailbox: str, now: float | None = None) -> list[dict[str, Any]]:
        """``mailbox``'s Inbox as of ``now``, newest first (messages not arrived yet are left out)."""
        rows = self._db.execute(
            "SELECT message FROM inbox WHERE mailbox = ? AND received_at <= ? "
            "ORDER BY received_at DESC, rowid DESC",
            (mailbox, time.time() if now is None else now),
        ).fetchall()
        return [json.loads(row["message"]) for row in rows]

    def outbox(self, limit: int = 500) -> list[Mail]:
        """Sent mail, newest first."""
        rows = self._db.execute(
            "SELECT * FROM outbox ORDER BY sent_at DESC, rowid DESC LIMIT ?", (limit,)
        ).fetchall()
        return [
            Mail(
                row["id"],
                row["tenant_id"],
                row["sender"],
                json.loads(row["recipients"]),
                row["subject"],
                row["content_type"],
                row["body"],
                row["sent"],
            )
            for row in rows
        ]
