"""The Call2Teams portal stand-in: the API of ``resources/portal-api.yaml`` and the activation page.

Served on the https site: the API under ``/portal/api/v1`` (bearer auth: an API key this sandbox issued, or a
sandbox-issued Microsoft access token whose audience is ``api://call2teams-portal``), the browser page
``/portal/activate/<token>``. State in its own SQLite file beside the sandbox's (``portal.sqlite3``).

Seeded: the demo tenant's admin is Account Owner of a partner account with two customer accounts.

Control API (plain-http site): ``POST /_sandbox/portal/api_keys`` (``{"upn": ...}``, default the demo admin)
-> ``{"key": ...}``; ``GET/POST /_sandbox/portal/settings`` (``{"invitationLifetime": seconds}``, default 7
days); ``POST /_sandbox/portal/expire`` (``{"invitationId": ...}``: the invitation expires now);
``GET /_sandbox/portal/stats`` (API requests, in flight now and at most since the last reset, faults' latency
included) and ``POST /_sandbox/portal/stats/reset``; ``GET /_sandbox/portal/state`` (accounts, invitations,
administrators); ``POST /_sandbox/portal/partners`` (``{"upn": ..., "name": ..., "customers": [names]}``,
``customers`` optional): what Call2Teams does when a partner signs up, a partner account (and customer
accounts under it) whose Account Owner is that user, e.g. a newly signed-up tenant's admin -> 201
``{"accounts": [...]}`` (the partner account first); 404 for an unknown user, 409 when they already own one.

A signed-in user who administers no account gets ``GET /me`` with ``"accounts": []`` (as the contract allows);
the wizard's portal page explains what that means.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

from . import identity
from .common import json_response, new_guid, problem_response
from .context import CONTEXT, Context, ctx
from .discovery import Resolved
from .jwt import JwtError
from .pages import error_page, field, hidden, page
from .state import DEMO_ADMIN, DEMO_PREFIX, User
from .tokens import PORTAL_RESOURCE

log = logging.getLogger(__name__)

API_BASE = "/portal/api/v1"
ACTIVATE = "/portal/activate"
PORTAL_DB = "portal.sqlite3"
DEFAULT_INVITATION_LIFETIME = 7 * 24 * 3600
ROLE_IDS = ("account_owner", "service_contributor", "service_viewer", "subscription_contributor")
ROLE_NAMES = {
    "account_owner": "Account Administrator (Account Owner)",
    "service_contributor": "Service Contributor",
    "service_viewer": "Service Viewer",
    "subscription_contributor": "Subscription Contributor",
}
NAME_MAX = 64
EMAIL_MAX = 254
KEY_MAX = 255
PORTAL_SENDER = "no-reply@call2teams.example"
SEED_ACCOUNTS = (
    ("Contoso Partner", "partner", None),
    ("Fabrikam (customer)", "customer", 0),
    ("Northwind Traders (customer)", "customer", 0),
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent_id TEXT, position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS invitations (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL, email TEXT NOT NULL, first_name TEXT NOT NULL,
    last_name TEXT NOT NULL, roles TEXT NOT NULL, send TEXT NOT NULL, status TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE, created REAL NOT NULL, expires REAL NOT NULL, accepted REAL,
    created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invitations_account_email ON invitations(account_id, email COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS invitations_pending ON invitations(status, expires);
CREATE TABLE IF NOT EXISTS idempotency (
    caller TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, invitation_id TEXT NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (caller, key)
);
CREATE TABLE IF NOT EXISTS administrators (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL, user_id TEXT NOT NULL, sign_in_name TEXT NOT NULL,
    email TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL, roles TEXT NOT NULL,
    invitation_id TEXT, accepted REAL NOT NULL, UNIQUE (account_id, user_id)
);
"""


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    kind: str
    parent_id: str | None


@dataclass(frozen=True)
class Caller:
    """Who an API request speaks for: a sandbox user, through an API key or a Microsoft token."""

    user: User
    authentication: str

    @property
    def key(self) -> str:
        return f"user:{self.user.id}"


@dataclass
class Stats:
    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0


class PortalState:
    """The portal's accounts, API keys, invitations and administrators (one SQLite file)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self.invitation_lifetime = float(DEFAULT_INVITATION_LIFETIME)
        self.stats = Stats()

    def close(self) -> None:
        self._db.close()

    def seed(self, admin: User | None) -> None:
        """The demo admin owns a partner account with two customer accounts (first start only)."""
        if admin is None or self._db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
            return
        name, _, _ = SEED_ACCOUNTS[0]
        self.add_partner(admin, name, [customer for customer, _, _ in SEED_ACCOUNTS[1:]])
        self._db.execute("INSERT INTO meta (key, value) VALUES ('seeded', '1')")

    def add_partner(self, owner: User, name: str, customers: Sequence[str] = ()) -> list[Account]:
        """What Call2Teams does when a partner signs up: a partner account (with ``customers`` under it)
        whose Account Owner is ``owner``. Returns the partner account, then its customer accounts."""
        row = self._db.execute("SELECT COALESCE(MAX(position), -1) AS last FROM accounts").fetchone()
        position = int(row["last"]) + 1
        made: list[Account] = []
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for n, (account_name, kind) in enumerate(
                [(name, "partner"), *((customer, "customer") for customer in customers)]
            ):
                account = Account(new_guid(), account_name, kind, made[0].id if made else None)
                self._db.execute(
                    "INSERT INTO accounts (id, name, kind, parent_id, position) VALUES (?, ?, ?, ?, ?)",
                    (account.id, account.name, account.kind, account.parent_id, position + n),
                )
                made.append(account)
            self._db.execute(
                "INSERT INTO administrators (id, account_id, user_id, sign_in_name, email, first_name, "
                "last_name, roles, invitation_id, accepted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                (
                    new_guid(),
                    made[0].id,
                    owner.id,
                    owner.upn,
                    owner.mail or owner.upn,
                    owner.given_name or owner.display_name.partition(" ")[0] or owner.upn,
                    owner.surname or owner.display_name.partition(" ")[2] or "-",
                    json.dumps(["account_owner"]),
                    time.time(),
                ),
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return made

    def owned_partner(self, user_id: str) -> Account | None:
        """The partner account ``user_id`` is Account Owner of, if any."""
        return next(
            (
                a
                for a in self.accounts()
                if a.kind == "partner" and "account_owner" in self.roles_on(user_id, a)
            ),
            None,
        )

    # --- accounts and rights -----------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        rows = self._db.execute("SELECT * FROM accounts ORDER BY position").fetchall()
        return [Account(row["id"], row["name"], row["kind"], row["parent_id"]) for row in rows]

    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts() if a.id == account_id), None)

    def _lineage(self, account: Account) -> list[str]:
        """The account and its ancestors (roles on a parent account hold on its children)."""
        by_id = {a.id: a for a in self.accounts()}
        chain: list[str] = []
        current: Account | None = account
        while current is not None and current.id not in chain:
            chain.append(current.id)
            current = by_id.get(current.parent_id) if current.parent_id else None
        return chain

    def roles_on(self, user_id: str, account: Account) -> set[str]:
        roles: set[str] = set()
        for account_id in self._lineage(account):
            row = self._db.execute(
                "SELECT roles FROM administrators WHERE account_id = ? AND user_id = ?", (account_id, user_id)
            ).fetchone()
            if row is not None:
                roles |= set(json.loads(row["roles"]))
        return roles

    def administered(self, user_id: str) -> list[Account]:
        return [a for a in self.accounts() if self.roles_on(user_id, a)]

    # --- API keys ------------------------------------------------------------------------------------------

    def issue_key(self, user: User) -> str:
        key = f"c2tp_{secrets.token_urlsafe(32)}"
        self._db.execute(
            "INSERT INTO api_keys (key_hash, user_id, created) VALUES (?, ?, ?)",
            (_hash(key), user.id, time.time()),
        )
        return key

    def key_owner(self, key: str) -> str | None:
        row = self._db.execute("SELECT user_id FROM api_keys WHERE key_hash = ?", (_hash(key),)).fetchone()
        return None if row is None else str(row["user_id"])

    # --- invitations ---------------------------------------------------------------------------------------

    def _expire_due(self) -> None:
        self._db.execute(
            "UPDATE invitations SET status = 'expired' WHERE status = 'pending' AND expires <= ?",
            (time.time(),),
        )

    def invitations(self, account_id: str) -> list[sqlite3.Row]:
        self._expire_due()
        return self._db.execute(
            "SELECT * FROM invitations WHERE account_id = ? ORDER BY created DESC, rowid DESC", (account_id,)
        ).fetchall()

    def _one(self, sql: str, args: tuple[Any, ...]) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
        return row

    def invitation(self, invitation_id: str) -> sqlite3.Row | None:
        self._expire_due()
        return self._one("SELECT * FROM invitations WHERE id = ?", (invitation_id,))

    def invitation_by_token(self, token: str) -> sqlite3.Row | None:
        self._expire_due()
        return self._one("SELECT * FROM invitations WHERE token = ?", (token,))

    def pending_for(self, account_id: str, email: str) -> sqlite3.Row | None:
        self._expire_due()
        return self._one(
            "SELECT * FROM invitations WHERE account_id = ? AND email = ? COLLATE NOCASE "
            "AND status = 'pending'",
            (account_id, email),
        )

    def remembered(self, caller: str, key: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM idempotency WHERE caller = ? AND key = ?", (caller, key))

    def create_invitation(
        self, account_id: str, body: dict[str, Any], created_by: str, idempotency: tuple[str, str] | None
    ) -> str:
        invitation_id = new_guid()
        now = time.time()
        self._db.execute(
            "INSERT INTO invitations (id, account_id, email, first_name, last_name, roles, send, status, "
            "token, created, expires, accepted, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, NULL, ?)",
            (
                invitation_id,
                account_id,
                body["email"],
                body["firstName"],
                body["lastName"],
                json.dumps(body["roles"]),
                body["send"],
                secrets.token_urlsafe(24),
                now,
                now + self.invitation_lifetime,
                created_by,
            ),
        )
        if idempotency is not None:
            key, fingerprint = idempotency
            self._db.execute(
                "INSERT INTO idempotency (caller, key, fingerprint, invitation_id, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (created_by, key, fingerprint, invitation_id, now),
            )
        return invitation_id

    def set_status(self, invitation_id: str, status: str) -> None:
        self._db.execute("UPDATE invitations SET status = ? WHERE id = ?", (status, invitation_id))

    def expire_now(self, invitation_id: str) -> bool:
        cursor = self._db.execute(
            "UPDATE invitations SET expires = ? WHERE id = ?", (time.time() - 1, invitation_id)
        )
        return cursor.rowcount > 0

    def accept(self, invitation: sqlite3.Row, user: User) -> None:
        """The invitation is used: ``user`` administers its account with its roles (added to any held)."""
        now = time.time()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "UPDATE invitations SET status = 'accepted', accepted = ? WHERE id = ?",
                (now, invitation["id"]),
            )
            existing = self._db.execute(
                "SELECT id, roles FROM administrators WHERE account_id = ? AND user_id = ?",
                (invitation["account_id"], user.id),
            ).fetchone()
            roles = json.loads(invitation["roles"])
            if existing is None:
                self._db.execute(
                    "INSERT INTO administrators (id, account_id, user_id, sign_in_name, email, first_name, "
                    "last_name, roles, invitation_id, accepted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_guid(),
                        invitation["account_id"],
                        user.id,
                        user.upn,
                        invitation["email"],
                        invitation["first_name"],
                        invitation["last_name"],
                        json.dumps(roles),
                        invitation["id"],
                        now,
                    ),
                )
            else:
                merged = [r for r in ROLE_IDS if r in set(json.loads(existing["roles"])) | set(roles)]
                self._db.execute(
                    "UPDATE administrators SET roles = ?, invitation_id = ?, accepted = ? WHERE id = ?",
                    (json.dumps(merged), invitation["id"], now, existing["id"]),
                )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def administrators(self, account_id: str) -> list[sqlite3.Row]:
        return self._db.execute(
            "SELECT * FROM administrators WHERE account_id = ? ORDER BY accepted, rowid", (account_id,)
        ).fetchall()

    def dump(self) -> dict[str, Any]:
        def rows(table: str) -> list[dict[str, Any]]:
            return [dict(row) for row in self._db.execute(f"SELECT * FROM {table}").fetchall()]  # noqa: S608

        return {
            "accounts": rows("accounts"),
            "invitations": rows("invitations"),
            "administrators": rows("administrators"),
        }


PORTAL = web.AppKey("sandbox_portal", PortalState)


def portal_state(request: web.Request) -> PortalState:
    return request.app[PORTAL]


# --- JSON shapes ----------------------------------------------------------------------------------------


def activation_url(context: Context, token: str) -> str:
    return f"{context.login}{ACTIVATE}/{token}"


def invitation_json(context: Context, row: sqlite3.Row) -> dict[str, Any]:
    pending = row["status"] == "pending"
    return {
        "id": row["id"],
        "accountId": row["account_id"],
        "email": row["email"],
        "firstName": row["first_name"],
        "lastName": row["last_name"],
        "roles": json.loads(row["roles"]),
        "send": row["send"],
        "status": row["status"],
        "activationUrl": activation_url(context, row["token"]) if pending else None,
        "createdAt": _iso(row["created"]),
        "expiresAt": _iso(row["expires"]),
        "acceptedAt": _iso(row["accepted"]) if row["accepted"] else None,
    }


def administrator_json(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "email": row["email"],
        "firstName": row["first_name"],
        "lastName": row["last_name"],
        "signInName": row["sign_in_name"],
        "roles": json.loads(row["roles"]),
        "invitationId": row["invitation_id"],
        "acceptedAt": _iso(row["accepted"]),
    }


def account_json(account: Account) -> dict[str, Any]:
    return {"id": account.id, "name": account.name, "kind": account.kind, "parentId": account.parent_id}


# --- auth -----------------------------------------------------------------------------------------------


class RefusedError(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def _unauthorized(detail: str) -> RefusedError:
    return RefusedError(
        problem_response(
            401,
            "unauthorized",
            "Unauthorized",
            detail,
            headers={
                "WWW-Authenticate": f'Bearer realm="call2teams-portal", scope="{PORTAL_RESOURCE}/.default"'
            },
        )
    )


def authenticate(request: web.Request) -> Caller:
    context, state = ctx(request), portal_state(request)
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise _unauthorized("Send an API key or a Microsoft access token as 'Authorization: Bearer ...'.")
    if credential.count(".") != 2:  # not a JWT: an API key
        owner = state.key_owner(credential)
        user = context.store.user_by_id(owner) if owner else None
        if user is None or not user.account_enabled:
            raise _unauthorized("The API key is not valid.")
        return Caller(user, "apiKey")
    try:
        claims = context.key.verify(credential)
    except JwtError:
        raise _unauthorized("The access token's signature is not valid.") from None
    if claims.get("aud") != PORTAL_RESOURCE:
        raise _unauthorized(f"The access token is not for the portal (audience must be {PORTAL_RESOURCE}).")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= time.time():
        raise _unauthorized("The access token has expired.")
    user = context.store.user_by_id(str(claims.get("oid", "")))
    if user is None or user.tenant_id != claims.get("tid") or not user.account_enabled:
        raise _unauthorized("The access token's user does not exist.")
    return Caller(user, "microsoft")


def _owned_account(request: web.Request, caller: Caller) -> Account:
    """The path's account, if the caller may manage its administrators (Account Owner there or above)."""
    state = portal_state(request)
    account = state.account(request.match_info["account_id"])
    roles = state.roles_on(caller.user.id, account) if account else set()
    if account is None or not roles:
        raise RefusedError(problem_response(404, "not_found", "Not found", "No such account."))
    if "account_owner" not in roles:
        raise RefusedError(
            problem_response(
                403,
                "forbidden",
                "Forbidden",
                "Only an Account Owner of this account can manage administrators.",
            )
        )
    return account


Endpoint = Callable[[web.Request, Caller], Awaitable[web.Response]]


def api(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        try:
            return await endpoint(request, authenticate(request))
        except RefusedError as refused:
            return refused.response

    return handler


# --- API endpoints --------------------------------------------------------------------------------------


async def get_me(request: web.Request, caller: Caller) -> web.Response:
    state = portal_state(request)
    return json_response(
        {
            "id": caller.user.id,
            "displayName": caller.user.display_name,
            "signInName": caller.user.upn if caller.authentication == "microsoft" else None,
            "authentication": caller.authentication,
            "accounts": [account_json(a) for a in state.administered(caller.user.id)],
        }
    )


async def list_invitations(request: web.Request, caller: Caller) -> web.Response:
    account = _owned_account(request, caller)
    context, state = ctx(request), portal_state(request)
    return json_response({"value": [invitation_json(context, row) for row in state.invitations(account.id)]})


def _invalid(detail: str, pointer: str, *, status: int = 422, code: str = "invalid_body") -> RefusedError:
    title = "Invalid request" if status == 400 else "Unprocessable request"
    return RefusedError(
        problem_response(status, code, title, detail, errors=[{"pointer": pointer, "detail": detail}])
    )


def email_problem(email: str) -> tuple[str, str] | None:
    """(code, detail) when the invitation email is refused."""
    local, at, domain = email.rpartition("@")
    if (
        not at
        or not local
        or "@" in local
        or "." not in domain
        or domain.startswith(".")
        or domain.endswith(".")
        or any(ch.isspace() or ord(ch) < 33 or ord(ch) > 126 for ch in email)
    ):
        return "invalid_email", "The email is not a valid address."
    domain = domain.lower()
    if domain == "onmicrosoft.com" or domain.endswith(".onmicrosoft.com"):
        return (
            "email_on_onmicrosoft",
            "Invitations go to the person's real work email, not a Microsoft 365 username "
            "(*.onmicrosoft.com).",
        )
    return None


async def _invitation_body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise RefusedError(
            problem_response(
                415, "unsupported_media_type", "Unsupported media type", "Send application/json."
            )
        )
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise _invalid("The body is not JSON.", "", status=400) from None
    if not isinstance(body, dict):
        raise _invalid("The body must be a JSON object.", "", status=400)
    unknown = sorted(set(body) - {"email", "firstName", "lastName", "roles", "send"})
    if unknown:
        raise _invalid(f"Unknown field {unknown[0]!r}.", f"/{unknown[0]}", status=400)
    for name in ("email", "firstName", "lastName"):
        if not isinstance(body.get(name), str):
            raise _invalid(f"{name} must be a string.", f"/{name}", status=400)
    send = body.get("send", "email")
    if send not in ("email", "link"):
        raise _invalid("send must be 'email' or 'link'.", "/send", status=400)
    roles = body.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise _invalid("roles must be a list of role ids.", "/roles", status=400)
    if not roles:
        raise _invalid("Choose at least one role.", "/roles", code="invalid_roles")
    unknown_roles = [r for r in roles if r not in ROLE_IDS]
    if unknown_roles:
        raise _invalid(f"Unknown role {unknown_roles[0]!r}.", "/roles", code="invalid_roles")
    if len(set(roles)) != len(roles):
        raise _invalid("A role is named twice.", "/roles", code="invalid_roles")
    email = body["email"].strip()
    if len(email) > EMAIL_MAX:
        raise _invalid("The email is too long.", "/email", code="invalid_email")
    problem = email_problem(email)
    if problem:
        raise _invalid(problem[1], "/email", code=problem[0])
    first, last = body["firstName"].strip(), body["lastName"].strip()
    for name, value in (("firstName", first), ("lastName", last)):
        if not value or len(value) > NAME_MAX:
            raise _invalid(f"{name} must be 1 to {NAME_MAX} characters.", f"/{name}")
    ordered = [r for r in ROLE_IDS if r in roles]
    return {"email": email, "firstName": first, "lastName": last, "roles": ordered, "send": send}


def _send_invitation_mail(context: Context, account: Account, row: sqlite3.Row, caller: Caller) -> None:
    url = activation_url(context, row["token"])
    roles = ", ".join(ROLE_NAMES[r] for r in json.loads(row["roles"]))
    body = (
        f"<p>Hello {escape(row['first_name'])},</p>"
        f"<p>{escape(caller.user.display_name)} invited you to administer <b>{escape(account.name)}</b> "
        f"in the Call2Teams portal as {escape(roles)}.</p>"
        f'<p><a href="{escape(url)}">Activate your access</a> (sign in with your Microsoft work account). '
        f"The link works once and expires on {_iso(row['expires'])}.</p>"
        "<p>If you see \u201cUnknown Account\u201d, sign out of every Microsoft account or open the link "
        "in a private window.</p>"
    )
    context.store.add_mail(
        caller.user.tenant_id,
        PORTAL_SENDER,
        {"to": [row["email"]], "cc": [], "bcc": []},
        f"You're invited to administer {account.name} in Call2Teams",
        "HTML",
        body,
    )


async def create_invitation(request: web.Request, caller: Caller) -> web.Response:
    account = _owned_account(request, caller)
    context, state = ctx(request), portal_state(request)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= KEY_MAX and all(33 <= ord(ch) <= 126 for ch in key)):
        raise _invalid("Idempotency-Key must be 1 to 255 visible ASCII characters.", "", status=400)
    body = await _invitation_body(request)
    # Nothing awaits from here on: the checks and the write are one step on the event loop.
    fingerprint = _hash(json.dumps({"account": account.id, **body}, sort_keys=True))
    if key is not None:
        seen = state.remembered(caller.key, key)
        if seen is not None:
            if seen["fingerprint"] != fingerprint:
                raise RefusedError(
                    problem_response(
                        422,
                        "idempotency_key_reused",
                        "Idempotency-Key reused",
                        "This Idempotency-Key was used with another request.",
                    )
                )
            row = state.invitation(seen["invitation_id"])
            if row is not None:
                return _created(context, row)
    existing = state.pending_for(account.id, body["email"])
    if existing is not None:
        return problem_response(
            409,
            "already_invited",
            "Already invited",
            f"{body['email']} already has a pending invitation to this account.",
            invitationId=existing["id"],
        )
    invitation_id = state.create_invitation(
        account.id, body, caller.key, (key, fingerprint) if key is not None else None
    )
    row = state.invitation(invitation_id)
    assert row is not None
    if body["send"] == "email":
        _send_invitation_mail(context, account, row, caller)
    log.info("portal: invitation %s on %s (%s)", invitation_id, account.name, body["send"])
    return _created(context, row)


def _created(context: Context, row: sqlite3.Row) -> web.Response:
    location = f"{context.login}{API_BASE}/accounts/{row['account_id']}/invitations/{row['id']}"
    return json_response(invitation_json(context, row), status=201, headers={"Location": location})


def _invitation_of(request: web.Request, account: Account) -> sqlite3.Row:
    row = portal_state(request).invitation(request.match_info["invitation_id"])
    if row is None or row["account_id"] != account.id:
        raise RefusedError(problem_response(404, "not_found", "Not found", "No such invitation."))
    return row


async def get_invitation(request: web.Request, caller: Caller) -> web.Response:
    account = _owned_account(request, caller)
    return json_response(invitation_json(ctx(request), _invitation_of(request, account)))


async def revoke_invitation(request: web.Request, caller: Caller) -> web.Response:
    account = _owned_account(request, caller)
    row = _invitation_of(request, account)
    if row["status"] in ("accepted", "expired"):
        return problem_response(
            409, "not_pending", "Not pending", f"The invitation is {row['status']}: it cannot be revoked."
        )
    portal_state(request).set_status(row["id"], "revoked")
    return web.Response(status=204)


async def list_administrators(request: web.Request, caller: Caller) -> web.Response:
    account = _owned_account(request, caller)
    rows = portal_state(request).administrators(account.id)
    return json_response({"value": [administrator_json(row) for row in rows]})


# --- the API's middleware: in-flight count, routing errors as problems ------------------------------------


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Counts API requests in flight (placed before the faults, so their latency counts) and answers an
    unknown path (404) or method (405, with ``Allow``) as problem+json."""
    if not request.path.startswith(f"{API_BASE}/"):
        return await handler(request)
    stats = portal_state(request).stats
    stats.requests += 1
    stats.in_flight += 1
    stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed as exc:
        allow = exc.headers.get("Allow", "")
        return problem_response(
            405, "method_not_allowed", "Method not allowed", f"Allowed: {allow}.", headers={"Allow": allow}
        )
    except web.HTTPNotFound:
        return problem_response(404, "not_found", "Not found", "No such resource.")
    finally:
        stats.in_flight -= 1


# --- the activation page (browser, https) ---------------------------------------------------------------


_ANY_TENANT = Resolved("organizations", "special")


def _activation_header(state: PortalState, row: sqlite3.Row) -> str:
    account = state.account(row["account_id"])
    roles = "".join(f"<li>{escape(ROLE_NAMES[r])}</li>" for r in json.loads(row["roles"]))
    return (
        "<h1>Call2Teams: activate your administrator access</h1>"
        '<p class="step">Sandbox portal — stands in for admin.call2teams.com</p>'
        f'<p class="lead">You were invited to administer <b>{escape(account.name if account else "")}</b> '
        f'with these roles:</p><ul id="roles">{roles}</ul>'
    )


def _signin_form(
    request: web.Request,
    state: PortalState,
    row: sqlite3.Row,
    *,
    username: str = "",
    error: str | None = None,
) -> web.Response:
    body = (
        _activation_header(state, row) + "<p>Sign in with your Microsoft work account.</p>"
        f'<form method="post" action="{escape(request.path)}" novalidate>'
        + field("username", "Email, phone, or Skype", value=username, kind="email", autocomplete="username")
        + field("password", "Password", kind="password", autocomplete="current-password", error=error)
        + '<div class="actions"><button type="submit" name="action" value="signin" class="primary">'
        "Sign in</button></div></form>"
    )
    return page("Activate your access", body)


def _password_form(request: web.Request, ticket: str, upn: str, error: str | None = None) -> web.Response:
    body = (
        "<h1>Update your password</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        f'<p class="lead" id="password-expired">You need to update your password because this is the first '
        f"time you are signing in, or because your password has expired. ({escape(upn)})</p>"
        f'<form method="post" action="{escape(request.path)}" novalidate>'
        + hidden("ticket", ticket)
        + field("new_password", "New password", kind="password", autocomplete="new-password", error=error)
        + field("confirm_password", "Confirm password", kind="password", autocomplete="new-password")
        + '<div class="actions"><button type="submit" name="action" value="changepassword" class="primary">'
        "Sign in</button></div></form>"
    )
    return page("Update your password", body)


_UNUSABLE = {
    "accepted": ("This invitation has already been used", "link-used"),
    "revoked": ("This invitation was revoked", "link-revoked"),
    "expired": ("This invitation has expired", "link-expired"),
}


def _unusable(row: sqlite3.Row | None) -> web.Response | None:
    if row is None:
        return error_page("Invalid link", "This activation link is not valid.", status=404)
    if row["status"] in _UNUSABLE:
        title, ident = _UNUSABLE[row["status"]]
        return page(
            title,
            f'<h1 id="{ident}">{escape(title)}</h1><div class="alert" role="alert">'
            "Ask the person who invited you for a new invitation.</div>",
            status=410,
        )
    return None


def unknown_account_page() -> web.Response:
    return page(
        "Unknown Account",
        '<h1 id="unknown-account">Unknown Account</h1><div class="alert" role="alert">'
        "The Microsoft account you signed in with is not known. Sign out of every Microsoft account "
        "(or open the link in a private window in Chrome or Edge) and sign in with your work account."
        "</div>",
        status=403,
    )


async def activate(request: web.Request) -> web.Response:
    context, state = ctx(request), portal_state(request)
    token = request.match_info["token"]
    row = state.invitation_by_token(token)
    refusal = _unusable(row)
    if refusal is not None or row is None:
        return refusal or error_page("Invalid link", "This activation link is not valid.", status=404)
    if request.method == "GET":
        return _signin_form(request, state, row)
    form = {key: str(value) for key, value in (await request.post()).items()}
    if form.get("action") == "changepassword":
        try:
            user = identity.complete_password_change(
                context,
                form.get("ticket", ""),
                form.get("new_password", ""),
                form.get("confirm_password", ""),
            )
        except identity.PasswordChangeError as exc:
            if exc.user is None:
                return error_page("Sign in", exc.message)
            return _password_form(request, form.get("ticket", ""), exc.user.upn, exc.message)
        return _accepted(state, row, user)
    username = form.get("username", "")
    try:
        user = identity.check_credentials(context, _ANY_TENANT, username, form.get("password", ""))
    except identity.SignInError as exc:
        if exc.code == 50034:
            return unknown_account_page()
        return _signin_form(request, state, row, username=username, error=f"{exc.message} (AADSTS{exc.code})")
    if identity.must_change_password(user):
        return _password_form(request, identity.start_password_change(context, user), user.upn)
    return _accepted(state, row, user)


def _accepted(state: PortalState, row: sqlite3.Row, user: User) -> web.Response:
    current = state.invitation(row["id"])  # the link may have been used or revoked meanwhile
    refusal = _unusable(current)
    if refusal is not None or current is None:
        return refusal or error_page("Invalid link", "This activation link is not valid.", status=404)
    state.accept(current, user)
    account = state.account(current["account_id"])
    log.info("portal: %s activated invitation %s", user.upn, current["id"])
    return page(
        "Access activated",
        '<h1 id="activated">You\'re an administrator now</h1>'
        f'<p class="lead" id="signed-in-as">Signed in as {escape(user.upn)}: you administer '
        f"<b>{escape(account.name if account else '')}</b> in the Call2Teams portal.</p>",
    )


# --- control API (plain http) ---------------------------------------------------------------------------


async def _control_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if request.can_read_body else {}
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="expected a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


async def control_api_key(request: web.Request) -> web.Response:
    body = await _control_body(request)
    upn = str(body.get("upn") or f"{DEMO_ADMIN}@{DEMO_PREFIX}.onmicrosoft.com")
    user = ctx(request).store.user_by_upn(upn)
    if user is None:
        return json_response({"error": f"no such user: {upn!r}"}, status=404)
    return json_response({"key": portal_state(request).issue_key(user), "upn": user.upn})


async def control_partners(request: web.Request) -> web.Response:
    body = await _control_body(request)
    upn, name, customers = body.get("upn"), body.get("name"), body.get("customers", [])
    if not isinstance(upn, str) or not upn.strip():
        return json_response({"error": "upn is required"}, status=400)
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        return json_response({"error": f"name is required (1 to {NAME_MAX} characters)"}, status=400)
    if not isinstance(customers, list) or not all(
        isinstance(c, str) and c.strip() and len(c) <= NAME_MAX for c in customers
    ):
        return json_response({"error": "customers must be a list of account names"}, status=400)
    user = ctx(request).store.user_by_upn(upn.strip())
    if user is None:
        return json_response({"error": f"no such user: {upn!r}"}, status=404)
    state = portal_state(request)
    existing = state.owned_partner(user.id)
    if existing is not None:
        return json_response(
            {"error": "this user already owns a partner account", "account": account_json(existing)},
            status=409,
        )
    made = state.add_partner(user, name.strip(), [c.strip() for c in customers])
    return json_response({"accounts": [account_json(a) for a in made], "upn": user.upn}, status=201)


async def control_settings(request: web.Request) -> web.Response:
    state = portal_state(request)
    if request.method == "POST":
        body = await _control_body(request)
        lifetime = body.get("invitationLifetime")
        if not isinstance(lifetime, int | float) or isinstance(lifetime, bool) or lifetime <= 0:
            return json_response(
                {"error": "invitationLifetime must be a positive number of seconds"}, status=400
            )
        state.invitation_lifetime = float(lifetime)
    return json_response({"invitationLifetime": state.invitation_lifetime})


async def control_expire(request: web.Request) -> web.Response:
    body = await _control_body(request)
    if not portal_state(request).expire_now(str(body.get("invitationId", ""))):
        return json_response({"error": "no such invitation"}, status=404)
    return json_response({"expired": True})


async def control_stats(request: web.Request) -> web.Response:
    stats = portal_state(request).stats
    if request.method == "POST":
        stats.requests, stats.max_in_flight = 0, stats.in_flight
    return json_response(
        {"requests": stats.requests, "inFlight": stats.in_flight, "maxInFlight": stats.max_in_flight}
    )


async def control_state(request: web.Request) -> web.Response:
    return json_response(portal_state(request).dump())


def add_routes(app: web.Application) -> None:
    context = app[CONTEXT]
    state = PortalState(context.store.path.with_name(PORTAL_DB))
    state.seed(context.store.user_by_upn(f"{DEMO_ADMIN}@{DEMO_PREFIX}.onmicrosoft.com"))
    app[PORTAL] = state

    async def close(_: web.Application) -> None:
        state.close()

    app.on_cleanup.append(close)
    router = app.router
    router.add_get(f"{API_BASE}/me", api(get_me))
    router.add_get(f"{API_BASE}/accounts/{{account_id}}/invitations", api(list_invitations))
    router.add_post(f"{API_BASE}/accounts/{{account_id}}/invitations", api(create_invitation))
    router.add_get(f"{API_BASE}/accounts/{{account_id}}/invitations/{{invitation_id}}", api(get_invitation))
    router.add_delete(
        f"{API_BASE}/accounts/{{account_id}}/invitations/{{invitation_id}}", api(revoke_invitation)
    )
    router.add_get(f"{API_BASE}/accounts/{{account_id}}/administrators", api(list_administrators))
    router.add_get(f"{ACTIVATE}/{{token}}", activate)
    router.add_post(f"{ACTIVATE}/{{token}}", activate)
    router.add_post("/_sandbox/portal/api_keys", control_api_key)
    router.add_get("/_sandbox/portal/settings", control_settings)
    router.add_post("/_sandbox/portal/settings", control_settings)
    router.add_post("/_sandbox/portal/expire", control_expire)
    router.add_get("/_sandbox/portal/stats", control_stats)
    router.add_post("/_sandbox/portal/stats/reset", control_stats)
    router.add_get("/_sandbox/portal/state", control_state)
    router.add_post("/_sandbox/portal/partners", control_partners)
