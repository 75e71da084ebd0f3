"""The onboarding journal: what was planned, sent, created, delivered and invited, per person, in SQLite.

Every step is written **before** it happens and **after** its answer, each write committed at once (WAL,
``synchronous=FULL``), so an app killed at any moment (SIGKILL, power loss) finds the truth on restart:

- ``PLANNED``: never sent, or sent and answered "not done, try again" (429, …): safe to send again.
- ``SENDING``: a request is (or was, when the app died) on the wire: the user may or may not exist.
- ``CREATED`` / ``EXISTS`` / ``FAILED``: final for the creation step.

``in_doubt`` says that an earlier attempt *may* have created the user (no answer, a dropped connection, a
5xx): a later "already exists" is then checked against the user's properties before deciding it was ours.

Later steps write into the same rows: ``credentials_pending`` (set when a user is created, cleared by
``mark_credentials_delivered``), ``delivery_method``, ``delivery_state`` (``DeliveryState``: sent, handed
to the mail app, copied, on the welcome sheet, confirmed by the partner, in doubt, not delivered, bounced) and
``delivery_problem``, ``invited_at``, ``invite_role``. The summary reads it all. Schema 2 added
``delivery_state``/``delivery_problem``; an older journal gets them when opened, as it gets
``delivery_attempt`` (the id a welcome mail carries, written before it is sent, so a mail sent by a
process killed before recording it is looked for, not sent again) and ``credentials_replaced_at`` (when a
reset replaced the password made at creation; the report says so).

The portal step (schema 3) keeps one ``portal_invitations`` row per person of a run
(``InvitationRecord``): the Call2Teams account, the email, the roles, and ``InvitationState``: ``PLANNED``
-> ``SENDING`` -> ``INVITED`` (invitation id, expiry) / ``ALREADY_INVITED`` / ``FAILED`` (problem code,
detail), later ``ACCEPTED`` or ``REVOKED``. Its ``idempotency_key`` (a uuid) is stored when the invitation
is planned, before the first POST, and sent again on every retry and resume, so a retried invite never
makes two; only a new request (after a revoke, or another account, email or roles) gets a new one. Same
discipline as the creation rows: ``SENDING`` is written before the call, the answer after it. The
activation link itself is never stored (whoever opens it becomes an administrator): only the
invitation's id and expiry, and how the link was handed over (``link_method``/``link_state``).

Schema 4 added ``runs.organisation``: the organisation's display name, known at sign-in and written when
the run starts, so the resume offer and the history name it ("Continue onboarding Contoso: …") instead of a
domain; runs of an older journal have none (they are named by their domain).

The journal never holds a password or a token: no column is meant for one and no method takes one.
One ``Journal`` may be used from several threads (one connection guarded by a lock).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from c2t_wizard.config import Paths
    from c2t_wizard.domain.users import NewUser

JOURNAL_FILE = "journal.sqlite3"
SCHEMA_VERSION = 4
_MAX_DETAIL = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    organisation TEXT
);
CREATE TABLE IF NOT EXISTS people (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    upn TEXT NOT NULL,
    username TEXT NOT NULL,
    domain TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    mail_nickname TEXT NOT NULL,
    state TEXT NOT NULL,
    user_id TEXT,
    failure_code TEXT,
    failure_detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    in_doubt INTEGER NOT NULL DEFAULT 0,
    first_sent_at TEXT,
    last_sent_at TEXT,
    created_at TEXT,
    updated_at TEXT NOT NULL,
    credentials_pending INTEGER NOT NULL DEFAULT 0,
    credentials_delivered_at TEXT,
    delivery_method TEXT,
    delivery_state TEXT,
    delivery_problem TEXT,
    invited_at TEXT,
    invite_role TEXT,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX IF NOT EXISTS people_state ON people (run_id, state);
CREATE TABLE IF NOT EXISTS portal_invitations (
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    account_id TEXT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    send_mode TEXT NOT NULL,
    state TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    invitation_id TEXT,
    expires_at TEXT,
    problem_code TEXT,
    problem_detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    planned_at TEXT NOT NULL,
    last_sent_at TEXT,
    invited_at TEXT,
    accepted_at TEXT,
    revoked_at TEXT,
    link_method TEXT,
    link_state TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, key),
    FOREIGN KEY (run_id, key) REFERENCES people(run_id, key) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS portal_invitations_state ON portal_invitations (run_id, state);
"""


class PersonState(Enum):
    """Where a person's creation stands."""

    PLANNED = "planned"
    SENDING = "sending"
    CREATED = "created"
    EXISTS = "exists"
    """The username was taken before this run: reported, never modified."""
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (PersonState.CREATED, PersonState.EXISTS, PersonState.FAILED)


class DeliveryState(Enum):
    """What is known about a person's credentials delivery (the journal's ``delivery_state``)."""

    SENT = "sent"
    """Graph accepted the mail (sendMail 202, or found in Sent Items)."""
    HANDED_TO_MAIL_APP = "handed_to_mail_app"
    """A ``mailto:`` message was opened: not confirmed that it was sent."""
    COPIED = "copied"
    """The message was copied to the clipboard: not confirmed that it was passed on."""
    ON_WELCOME_SHEET = "on_welcome_sheet"
    CONFIRMED = "confirmed"
    """The partner said it was delivered (after the mail app or the clipboard)."""
    IN_DOUBT = "in_doubt"
    """A mail whose answer was lost and that could not be checked: it may have been sent."""
    NOT_DELIVERED = "not_delivered"
    BOUNCED = "bounced"
    """Graph accepted the mail, then a bounce report (NDR) came back: it never arrived (the credentials are
    pending again; deliver another way)."""


DEFAULT_DELIVERY_STATES = {
    "sendmail": DeliveryState.SENT,
    "mailto": DeliveryState.HANDED_TO_MAIL_APP,
    "clipboard": DeliveryState.COPIED,
    "pdf": DeliveryState.ON_WELCOME_SHEET,
}
"""The state a delivery by each method records unless told otherwise."""

_MIGRATIONS = (
    ("delivery_state", "TEXT"),
    ("delivery_problem", "TEXT"),
    ("delivery_attempt", "TEXT"),
    ("credentials_replaced_at", "TEXT"),
)
"""Columns added to ``people`` after schema 1 (a journal written by an older version gets them)."""
_RUN_MIGRATIONS = (("organisation", "TEXT"),)
"""Columns added to ``runs`` after schema 3 (the organisation's display name, known at sign-in)."""


class InvitationState(Enum):
    """Where a person's Call2Teams portal invitation stands (the ``portal_invitations`` row)."""

    PLANNED = "planned"
    SENDING = "sending"
    """The invite is (or was, when the app died) on the wire: sent again with the same Idempotency-Key."""
    INVITED = "invited"
    ALREADY_INVITED = "already_invited"
    """The portal already had a pending invitation for this email: done, not failed."""
    ACCEPTED = "accepted"
    FAILED = "failed"
    REVOKED = "revoked"

    @property
    def done(self) -> bool:
        """Nothing left to send for this person."""
        return self in (InvitationState.INVITED, InvitationState.ALREADY_INVITED, InvitationState.ACCEPTED)


@dataclass(frozen=True)
class InvitationPlan:
    """What to invite a person of a run with (``key`` is their key in ``people``)."""

    run_id: str
    key: str
    account_id: str
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    """Role ids of the contract (``account_owner``, …), in any order."""
    send_mode: str = "email"


@dataclass(frozen=True)
class InvitationRecord:
    """A person's portal invitation as the journal knows it (never the activation link)."""

    run_id: str
    key: str
    account_id: str
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    send_mode: str
    state: InvitationState
    idempotency_key: str
    invitation_id: str | None
    expires_at: datetime | None
    problem_code: str | None
    problem_detail: str | None
    attempts: int
    planned_at: datetime
    last_sent_at: datetime | None
    invited_at: datetime | None
    accepted_at: datetime | None
    revoked_at: datetime | None
    link_method: str | None
    link_state: str | None
    updated_at: datetime


def _roles_text(roles: Iterable[str]) -> str:
    return ",".join(sorted({role.strip() for role in roles if role.strip()}))


def _invitation(row: sqlite3.Row) -> InvitationRecord:
    return InvitationRecord(
        run_id=row["run_id"],
        key=row["key"],
        account_id=row["account_id"],
        email=row["email"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        roles=tuple(role for role in str(row["roles"]).split(",") if role),
        send_mode=row["send_mode"],
        state=InvitationState(row["state"]),
        idempotency_key=row["idempotency_key"],
        invitation_id=row["invitation_id"],
        expires_at=_dt(row["expires_at"]),
        problem_code=row["problem_code"],
        problem_detail=row["problem_detail"],
        attempts=row["attempts"],
        planned_at=datetime.fromisoformat(row["planned_at"]),
        last_sent_at=_dt(row["last_sent_at"]),
        invited_at=_dt(row["invited_at"]),
        accepted_at=_dt(row["accepted_at"]),
        revoked_at=_dt(row["revoked_at"]),
        link_method=row["link_method"],
        link_state=row["link_state"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


class JournalError(Exception):
    """A journal call that makes no sense (unknown run or person, a duplicate username in a run)."""


def person_key(upn: str) -> str:
    """A person's key within a run: the lower-cased userPrincipalName (Entra compares UPNs that way)."""
    return upn.strip().lower()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@dataclass(frozen=True)
class PersonRecord:
    """One person of a run, as the journal knows them."""

    run_id: str
    key: str
    position: int
    upn: str
    display_name: str
    first_name: str
    last_name: str
    username: str
    domain: str
    email: str
    mail_nickname: str
    state: PersonState
    user_id: str | None
    failure_code: str | None
    failure_detail: str | None
    attempts: int
    in_doubt: bool
    """An earlier attempt may have created the user (its answer was never seen)."""
    first_sent_at: datetime | None
    last_sent_at: datetime | None
    created_at: datetime | None
    updated_at: datetime
    credentials_pending: bool
    """Created, but the password was never handed over (a later step resets and delivers it)."""
    credentials_delivered_at: datetime | None
    delivery_method: str | None
    invited_at: datetime | None
    invite_role: str | None
    delivery_state: DeliveryState | None = None
    delivery_problem: str | None = None
    delivery_attempt: str | None = None
    """The id carried by the last welcome mail sent to the person (written before it was sent): a mail the
    app died before recording is looked for in Sent Items by it, not sent again."""
    credentials_replaced_at: datetime | None = None
    """When the password set at creation was last replaced by a reset (it was never handed over, or the
    partner asked for a new one); None: never."""

    @property
    def user(self) -> NewUser:
        from c2t_wizard.domain.users import NewUser

        return NewUser(
            first_name=self.first_name,
            last_name=self.last_name,
            display_name=self.display_name,
            username=self.username,
            domain=self.domain,
            email=self.email,
        )


@dataclass(frozen=True)
class RunSummary:
    """A run and how far its people got."""

    run_id: str
    tenant_id: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    total: int
    planned: int
    sending: int
    created: int
    exists: int
    failed: int
    credentials_pending: int
    organisation: str = ""
    """The organisation's display name when the run started ("" in runs of schema 3 and older)."""

    @property
    def creation_done(self) -> bool:
        """Nobody is left to create (failures included: they are final until retried)."""
        return self.planned == 0 and self.sending == 0


def _person(row: sqlite3.Row) -> PersonRecord:
    return PersonRecord(
        run_id=row["run_id"],
        key=row["key"],
        position=row["position"],
        upn=row["upn"],
        display_name=row["display_name"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        domain=row["domain"],
        email=row["email"],
        mail_nickname=row["mail_nickname"],
        state=PersonState(row["state"]),
        user_id=row["user_id"],
        failure_code=row["failure_code"],
        failure_detail=row["failure_detail"],
        attempts=row["attempts"],
        in_doubt=bool(row["in_doubt"]),
        first_sent_at=_dt(row["first_sent_at"]),
        last_sent_at=_dt(row["last_sent_at"]),
        created_at=_dt(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        credentials_pending=bool(row["credentials_pending"]),
        credentials_delivered_at=_dt(row["credentials_delivered_at"]),
        delivery_method=row["delivery_method"],
        invited_at=_dt(row["invited_at"]),
        invite_role=row["invite_role"],
        delivery_state=_delivery_state(row["delivery_state"]),
        delivery_problem=row["delivery_problem"],
        delivery_attempt=row["delivery_attempt"],
        credentials_replaced_at=_dt(row["credentials_replaced_at"]),
    )


def _delivery_state(value: str | None) -> DeliveryState | None:
    try:
        return DeliveryState(value) if value else None
    except ValueError:
        return None


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a journal written by an older version up to ``SCHEMA_VERSION`` (columns are only added)."""
    columns = {str(row[1]) for row in db.execute("PRAGMA table_info(people)").fetchall()}
    for name, kind in _MIGRATIONS:
        if name not in columns:
            db.execute(f"ALTER TABLE people ADD COLUMN {name} {kind}")
    run_columns = {str(row[1]) for row in db.execute("PRAGMA table_info(runs)").fetchall()}
    for name, kind in _RUN_MIGRATIONS:
        if name not in run_columns:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
    db.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
        (str(SCHEMA_VERSION), SCHEMA_VERSION),
    )


_KEYS_PER_QUERY = 500
"""Keys bound in one ``IN (...)`` (SQLite allows 999 variables in older builds)."""


class Journal:
    """The journal file: open with ``Journal.open(path)``, ``close()`` when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._writes = 0
        """How many person writes went through this journal (``people_written_after``'s marks)."""
        self._written: dict[str, dict[str, int]] = {}
        """run id -> person key -> the number of its last write through this journal."""

    # --- opening ----------------------------------------------------------------------------------------

    @staticmethod
    def default_path(paths: Paths) -> Path:
        return paths.data_dir / JOURNAL_FILE

    @classmethod
    def open(cls, path: Path) -> Journal:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
        try:
            db.row_factory = sqlite3.Row
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise JournalError(f"the journal could not switch to WAL mode (got {mode!r})")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(_SCHEMA)
            _migrate(db)
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        except BaseException:
            db.close()
            raise
        return cls(db, path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row is not None else 0

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def journal_mode(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    # --- writing ----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one commit (nested calls join the outer one)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                try:
                    self._db.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT leaves the transaction open: every later BEGIN would fail.
                    if self._db.in_transaction:
                        with contextlib.suppress(sqlite3.Error):  # the commit's error is the one to see
                            self._db.execute("ROLLBACK")
                    raise

    def _update(self, run_id: str, keys: Iterable[str], assignments: str, values: Sequence[Any]) -> None:
        now = _iso(_now())
        with self.transaction():
            for key in keys:
                cursor = self._db.execute(
                    f"UPDATE people SET {assignments}, updated_at = ? WHERE run_id = ? AND key = ?",  # noqa: S608
                    (*values, now, run_id, key),
                )
                if cursor.rowcount != 1:
                    raise JournalError(f"no person {key!r} in run {run_id!r}")
                self._writes += 1
                self._written.setdefault(run_id, {})[key] = self._writes
            self._db.execute("UPDATE runs SET updated_at = ? WHERE id = ?", (now, run_id))

    def start_run(self, tenant_id: str, people: Sequence[NewUser], *, organisation: str = "") -> str:
        """A new run with everyone ``PLANNED``; returns its id. Two people with one username: JournalError.
        ``organisation`` is the organisation's display name (the resume offer and history name it)."""
        keys = [person_key(user.upn) for user in people]
        twice = sorted(key for key, count in Counter(keys).items() if count > 1)
        if twice:
            raise JournalError(f"the same username appears twice: {', '.join(twice)}")
        run_id = uuid.uuid4().hex
        now = _iso(_now())
        with self.transaction():
            self._db.execute(
                "INSERT INTO runs (id, tenant_id, created_at, updated_at, organisation) "
                "VALUES (?, ?, ?, ?, ?)",
                (run_id, tenant_id, now, now, organisation or None),
            )
            self._db.executemany(
                "INSERT INTO people (run_id, key, position, upn, username, domain, first_name, last_name, "
                "display_name, email, mail_nickname, state, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        key,
                        position,
                        user.upn,
                        user.username,
                        user.domain,
                        user.first_name,
                        user.last_name,
                        user.display_name,
                        user.email,
                        user.mail_nickname,
                        PersonState.PLANNED.value,
                        now,
                    )
                    for position, (key, user) in enumerate(zip(keys, people, strict=True))
                ],
            )
        return run_id

    def mark_sending(self, run_id: str, keys: Iterable[str]) -> None:
        """Before a request: these people are on the wire (counts an attempt, stamps the first send)."""
        now = _iso(_now())
        self._update(
            run_id,
            keys,
            "state = ?, attempts = attempts + 1, first_sent_at = COALESCE(first_sent_at, ?), "
            "last_sent_at = ?",
            (PersonState.SENDING.value, now, now),
        )

    def mark_retry(self, run_id: str, keys: Iterable[str], *, in_doubt: bool) -> None:
        """An answer that says "not done, try again" (back to ``PLANNED``); ``in_doubt``: the attempt may
        have created the user all the same (no answer seen, a 5xx)."""
        self._update(
            run_id,
            keys,
            "state = ?, in_doubt = MAX(in_doubt, ?)",
            (PersonState.PLANNED.value, int(in_doubt)),
        )

    def mark_created(self, run_id: str, key: str, user_id: str, *, credentials_pending: bool = True) -> None:
        self._update(
            run_id,
            [key],
            "state = ?, user_id = ?, created_at = COALESCE(created_at, ?), credentials_pending = ?, "
            "failure_code = NULL, failure_detail = NULL",
            (PersonState.CREATED.value, user_id, _iso(_now()), int(credentials_pending)),
        )

    def mark_exists(
        self, run_id: str, key: str, user_id: str | None = None, *, code: str | None = None, detail: str = ""
    ) -> None:
        """The username belonged to someone before this run: never touched. ``code``/``detail`` say why."""
        self._update(
            run_id,
            [key],
            "state = ?, user_id = ?, credentials_pending = 0, failure_code = ?, failure_detail = ?",
            (PersonState.EXISTS.value, user_id, code, detail[:_MAX_DETAIL] or None),
        )

    def mark_failed(self, run_id: str, key: str, code: str, detail: str = "") -> None:
        """``detail`` is technical (Graph's code and message), never a secret; it is cut to 500 characters."""
        self._update(
            run_id,
            [key],
            "state = ?, failure_code = ?, failure_detail = ?",
            (PersonState.FAILED.value, code, detail[:_MAX_DETAIL]),
        )

    def requeue(self, run_id: str, keys: Iterable[str] | None = None) -> list[str]:
        """Failed people (all, or these) back to ``PLANNED`` for another try; returns the keys requeued."""
        with self.transaction():
            rows = self._db.execute(
                "SELECT key FROM people WHERE run_id = ? AND state = ?", (run_id, PersonState.FAILED.value)
            ).fetchall()
            failed = [row["key"] for row in rows]
            chosen = failed if keys is None else [key for key in keys if key in set(failed)]
            if chosen:
                self._update(
                    run_id,
                    chosen,
                    "state = ?, failure_code = NULL, failure_detail = NULL",
                    (PersonState.PLANNED.value,),
                )
            self._db.execute("UPDATE runs SET finished_at = NULL WHERE id = ?", (run_id,))
        return chosen

    def mark_credentials_delivered(
        self, run_id: str, key: str, method: str, state: DeliveryState | None = None
    ) -> None:
        """The credentials step handed the (reset) password over by ``method`` (e.g. "sendmail", "pdf"); the
        state is ``state``, else the method's usual one (``DEFAULT_DELIVERY_STATES``)."""
        chosen = state or DEFAULT_DELIVERY_STATES.get(method, DeliveryState.CONFIRMED)
        self._update(
            run_id,
            [key],
            "credentials_pending = 0, credentials_delivered_at = ?, delivery_method = ?, delivery_state = ?, "
            "delivery_problem = NULL",
            (_iso(_now()), method, chosen.value),
        )

    def mark_delivery_attempt(self, run_id: str, key: str, delivery_id: str) -> None:
        """Before a welcome mail goes out: the id it carries (``DeliveryService``), so that a process killed
        before recording the answer can be followed by one that looks for the mail instead of sending it
        again. The credentials stay pending until the answer is recorded."""
        self._update(run_id, [key], "delivery_attempt = ?", (delivery_id,))

    def mark_delivery_confirmed(self, run_id: str, key: str) -> None:
        """The partner confirmed that a message handed to the mail app or copied reached the person."""
        self._update(
            run_id,
            [key],
            "credentials_pending = 0, credentials_delivered_at = COALESCE(credentials_delivered_at, ?), "
            "delivery_state = ?",
            (_iso(_now()), DeliveryState.CONFIRMED.value),
        )

    def mark_delivery_not_confirmed(
        self, run_id: str, key: str, method: str, *, in_doubt: bool, problem: str = ""
    ) -> None:
        """A delivery by ``method`` failed (``in_doubt`` False) or may have happened (True: a mail whose
        answer was lost and that could not be checked). The credentials stay pending."""
        state = DeliveryState.IN_DOUBT if in_doubt else DeliveryState.NOT_DELIVERED
        self._update(
            run_id,
            [key],
            "delivery_method = ?, delivery_state = ?, delivery_problem = ?",
            (method, state.value, problem[:_MAX_DETAIL] or None),
        )

    def mark_bounced(self, run_id: str, key: str, problem: str = "") -> None:
        """A mail Graph accepted bounced (a non-delivery report came back): the credentials are pending
        again; the method stays "sendmail" so the summary can say how it failed."""
        self._update(
            run_id,
            [key],
            "credentials_pending = 1, credentials_delivered_at = NULL, delivery_state = ?, "
            "delivery_problem = ?",
            (DeliveryState.BOUNCED.value, problem[:_MAX_DETAIL] or None),
        )

    def mailed_since(self, tenant_id: str, since: datetime) -> list[str]:
        """Work emails of the people of ``tenant_id``'s runs whose credentials went by sendMail (accepted, not
        bounced) at or after ``since``: what the onmicrosoft.com cap counts, as far as the wizard knows."""
        with self._lock:
            rows = self._db.execute(
                "SELECT p.email FROM people p JOIN runs r ON r.id = p.run_id WHERE r.tenant_id = ? "
                "AND p.delivery_method = 'sendmail' AND p.delivery_state = ? "
                "AND p.credentials_delivered_at >= ?",
                (tenant_id, DeliveryState.SENT.value, _iso(since)),
            ).fetchall()
        return [str(row["email"]) for row in rows]

    def bounced_since(self, tenant_id: str, since: datetime) -> int:
        """How many of ``tenant_id``'s people were marked bounced at or after ``since``."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) AS n FROM people p JOIN runs r ON r.id = p.run_id WHERE r.tenant_id = ? "
                "AND p.delivery_state = ? AND p.updated_at >= ?",
                (tenant_id, DeliveryState.BOUNCED.value, _iso(since)),
            ).fetchone()
        return int(row["n"])

    def mark_password_replaced(self, run_id: str, key: str) -> None:
        """A new temporary password replaced the one handed over before (which no longer works): the
        credentials are pending again, and no earlier delivery counts."""
        self._update(
            run_id,
            [key],
            "credentials_pending = 1, credentials_delivered_at = NULL, delivery_method = NULL, "
            "delivery_state = NULL, delivery_problem = NULL, delivery_attempt = NULL, "
            "credentials_replaced_at = ?",
            (_iso(_now()),),
        )

    def mark_invited(self, run_id: str, key: str, role: str) -> None:
        """The portal step invited this person with ``role``."""
        self._update(run_id, [key], "invited_at = ?, invite_role = ?", (_iso(_now()), role))

    # --- the portal step --------------------------------------------------------------------------------

    def plan_invitations(self, plans: Sequence[InvitationPlan]) -> list[InvitationRecord]:
        """Before anything is sent: each person's invitation row with its Idempotency-Key, in one commit.

        A new row is ``PLANNED`` with a new key. An existing row keeps its key while its request is the same
        (a retry or a resume never makes two invitations); a row that is on the wire (``SENDING``) or done
        is left as it is. A revoked row, or a failed/planned one whose account, email or roles changed, is
        planned again with a new key (a new request). Returns the rows, in ``plans`` order.
        """
        now = _iso(_now())
        with self.transaction():
            for plan in plans:
                roles = _roles_text(plan.roles)
                fields = (plan.account_id, plan.email.strip(), plan.first_name, plan.last_name, roles)
                row = self._db.execute(
                    "SELECT * FROM portal_invitations WHERE run_id = ? AND key = ?", (plan.run_id, plan.key)
                ).fetchone()
                if row is None:
                    if (
                        self._db.execute(
                            "SELECT 1 FROM people WHERE run_id = ? AND key = ?", (plan.run_id, plan.key)
                        ).fetchone()
                        is None
                    ):
                        raise JournalError(f"no person {plan.key!r} in run {plan.run_id!r}")
                    self._db.execute(
                        "INSERT INTO portal_invitations (run_id, key, account_id, email, first_name, "
                        "last_name, roles, send_mode, state, idempotency_key, planned_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            plan.run_id,
                            plan.key,
                            *fields,
                            plan.send_mode,
                            InvitationState.PLANNED.value,
                            str(uuid.uuid4()),
                            now,
                            now,
                        ),
                    )
                    continue
                state = InvitationState(row["state"])
                same = fields == (
                    row["account_id"],
                    row["email"],
                    row["first_name"],
                    row["last_name"],
                    row["roles"],
                )
                if state in (InvitationState.SENDING, InvitationState.INVITED, InvitationState.ACCEPTED):
                    continue
                if state is InvitationState.ALREADY_INVITED and same:
                    continue
                if same and state is not InvitationState.REVOKED:
                    self._db.execute(
                        "UPDATE portal_invitations SET send_mode = ?, updated_at = ? "
                        "WHERE run_id = ? AND key = ?",
                        (plan.send_mode, now, plan.run_id, plan.key),
                    )
                    continue
                self._db.execute(
                    "UPDATE portal_invitations SET account_id = ?, email = ?, first_name = ?, last_name = ?, "
                    "roles = ?, send_mode = ?, state = ?, idempotency_key = ?, invitation_id = NULL, "
                    "expires_at = NULL, problem_code = NULL, problem_detail = NULL, attempts = 0, "
                    "planned_at = ?, last_sent_at = NULL, invited_at = NULL, accepted_at = NULL, "
                    "revoked_at = NULL, link_method = NULL, link_state = NULL, updated_at = ? "
                    "WHERE run_id = ? AND key = ?",
                    (
                        *fields,
                        plan.send_mode,
                        InvitationState.PLANNED.value,
                        str(uuid.uuid4()),
                        now,
                        now,
                        plan.run_id,
                        plan.key,
                    ),
                )
            return [self._invitation_row(plan.run_id, plan.key) for plan in plans]

    def _invitation_row(self, run_id: str, key: str) -> InvitationRecord:
        row = self._db.execute(
            "SELECT * FROM portal_invitations WHERE run_id = ? AND key = ?", (run_id, key)
        ).fetchone()
        if row is None:
            raise JournalError(f"no portal invitation for {key!r} in run {run_id!r}")
        return _invitation(row)

    def _update_invitation(self, run_id: str, key: str, assignments: str, values: Sequence[Any]) -> None:
        now = _iso(_now())
        with self.transaction():
            cursor = self._db.execute(
                f"UPDATE portal_invitations SET {assignments}, updated_at = ? "  # noqa: S608
                "WHERE run_id = ? AND key = ?",
                (*values, now, run_id, key),
            )
            if cursor.rowcount != 1:
                raise JournalError(f"no portal invitation for {key!r} in run {run_id!r}")

    def mark_invitation_sending(self, run_id: str, key: str) -> None:
        """Before the POST: the invite is on the wire (counts an attempt)."""
        self._update_invitation(
            run_id,
            key,
            "state = ?, attempts = attempts + 1, last_sent_at = ?",
            (InvitationState.SENDING.value, _iso(_now())),
        )

    def mark_invitation_invited(
        self,
        run_id: str,
        key: str,
        invitation_id: str | None,
        expires_at: datetime | None,
        *,
        already: bool = False,
    ) -> None:
        """The portal answered: invited (or it already had an invitation for this email: ``already``)."""
        state = InvitationState.ALREADY_INVITED if already else InvitationState.INVITED
        now = _iso(_now())
        with self.transaction():
            self._update_invitation(
                run_id,
                key,
                "state = ?, invitation_id = COALESCE(?, invitation_id), "
                "expires_at = COALESCE(?, expires_at), problem_code = NULL, problem_detail = NULL, "
                "invited_at = COALESCE(invited_at, ?)",
                (state.value, invitation_id, _iso(expires_at), now),
            )
            roles = self._db.execute(
                "SELECT roles FROM portal_invitations WHERE run_id = ? AND key = ?", (run_id, key)
            ).fetchone()["roles"]
            self._update(run_id, [key], "invited_at = COALESCE(invited_at, ?), invite_role = ?", (now, roles))

    def mark_invitation_failed(self, run_id: str, key: str, code: str, detail: str = "") -> None:
        """A final answer that is not an invitation; ``detail`` is the portal's words (never a secret)."""
        self._update_invitation(
            run_id,
            key,
            "state = ?, problem_code = ?, problem_detail = ?",
            (InvitationState.FAILED.value, code, detail[:_MAX_DETAIL] or None),
        )

    def mark_invitation_planned(self, run_id: str, key: str) -> None:
        """Not sent after all (stopped before its turn, or an answer that says "try again"): same key."""
        self._update_invitation(run_id, key, "state = ?", (InvitationState.PLANNED.value,))

    def mark_invitation_accepted(self, run_id: str, key: str) -> None:
        self._update_invitation(
            run_id,
            key,
            "state = ?, accepted_at = COALESCE(accepted_at, ?)",
            (InvitationState.ACCEPTED.value, _iso(_now())),
        )

    def mark_invitation_expired(self, run_id: str, key: str) -> None:
        """The invitation expired unused: failed (``expired``), and its request is spent, so the row gets a
        new Idempotency-Key (a retry makes a new invitation instead of replaying the expired one)."""
        self._update_invitation(
            run_id,
            key,
            "state = ?, problem_code = 'expired', problem_detail = NULL, idempotency_key = ?",
            (InvitationState.FAILED.value, str(uuid.uuid4())),
        )

    def mark_invitation_revoked(self, run_id: str, key: str) -> None:
        """The invitation was withdrawn; inviting the person again makes a new request (a new key)."""
        now = _iso(_now())
        with self.transaction():
            self._update_invitation(
                run_id, key, "state = ?, revoked_at = ?", (InvitationState.REVOKED.value, now)
            )
            self._update(run_id, [key], "invited_at = NULL, invite_role = NULL", ())

    def mark_invitation_link_delivered(
        self, run_id: str, key: str, method: str, state: DeliveryState
    ) -> None:
        """The activation link (copied from the portal by the partner) was handed to the person by
        ``method``; the link itself is not stored."""
        self._update_invitation(run_id, key, "link_method = ?, link_state = ?", (method, state.value))

    def invitations(self, run_id: str) -> list[InvitationRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT i.* FROM portal_invitations i JOIN people p ON p.run_id = i.run_id AND p.key = i.key "
                "WHERE i.run_id = ? ORDER BY p.position",
                (run_id,),
            ).fetchall()
        return [_invitation(row) for row in rows]

    def invitation(self, run_id: str, key: str) -> InvitationRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM portal_invitations WHERE run_id = ? AND key = ?", (run_id, key)
            ).fetchone()
        return None if row is None else _invitation(row)

    def finish_run(self, run_id: str) -> None:
        """The onboarding is over (the summary was shown): no longer offered for resuming."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE runs SET finished_at = ?, updated_at = ? WHERE id = ?",
                (_iso(_now()), _iso(_now()), run_id),
            )
            if cursor.rowcount != 1:
                raise JournalError(f"no run {run_id!r}")

    # --- reading ----------------------------------------------------------------------------------------

    def people(self, run_id: str) -> list[PersonRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM people WHERE run_id = ? ORDER BY position", (run_id,)
            ).fetchall()
        return [_person(row) for row in rows]

    def people_written_after(self, run_id: str, mark: int | None) -> tuple[list[PersonRecord], int]:
        """The run's people written through this journal after ``mark`` (None: the whole run), in the run's
        order, and the mark to pass next time. A progress report during a run of thousands reads the few
        people the last batch changed, not everyone again."""
        with self._lock:
            now = self._writes
            if mark is None:
                return self.people(run_id), now
            keys = [key for key, written in self._written.get(run_id, {}).items() if written > mark]
            rows: list[sqlite3.Row] = []
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[start : start + _KEYS_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(
                    f"SELECT * FROM people WHERE run_id = ? AND key IN ({marks})",  # noqa: S608
                    (run_id, *chunk),
                ).fetchall()
        rows.sort(key=lambda row: int(row["position"]))
        return [_person(row) for row in rows], now

    def person(self, run_id: str, key: str) -> PersonRecord:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM people WHERE run_id = ? AND key = ?", (run_id, key)
            ).fetchone()
        if row is None:
            raise JournalError(f"no person {key!r} in run {run_id!r}")
        return _person(row)

    def run(self, run_id: str) -> RunSummary:
        summaries = self._summaries("WHERE r.id = ?", (run_id,))
        if not summaries:
            raise JournalError(f"no run {run_id!r}")
        return summaries[0]

    def unfinished_runs(self, tenant_id: str | None = None) -> list[RunSummary]:
        """Runs not finished yet (newest first): someone left to create, or the onboarding not closed."""
        if tenant_id is None:
            return self._summaries("WHERE r.finished_at IS NULL", ())
        return self._summaries("WHERE r.finished_at IS NULL AND r.tenant_id = ?", (tenant_id,))

    def all_runs(self) -> list[RunSummary]:
        """Every run, finished or not (newest first): the history."""
        return self._summaries("", ())

    def _summaries(self, where: str, args: tuple[Any, ...]) -> list[RunSummary]:
        query = (  # ``where`` is one of three fixed clauses; values are bound
            "SELECT r.id, r.tenant_id, r.created_at, r.updated_at, r.finished_at, r.organisation, "  # noqa: S608
            "COUNT(p.key) AS total, "
            "COALESCE(SUM(p.state = 'planned'), 0) AS planned, "
            "COALESCE(SUM(p.state = 'sending'), 0) AS sending, "
            "COALESCE(SUM(p.state = 'created'), 0) AS created, "
            "COALESCE(SUM(p.state = 'exists'), 0) AS exists_, "
            "COALESCE(SUM(p.state = 'failed'), 0) AS failed, "
            "COALESCE(SUM(p.credentials_pending), 0) AS pending "
            f"FROM runs r LEFT JOIN people p ON p.run_id = r.id {where} "
            "GROUP BY r.id ORDER BY r.created_at DESC, r.id"
        )
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [
            RunSummary(
                run_id=row["id"],
                tenant_id=row["tenant_id"],
                created_at=datetime.fromisoformat(row["created_at"]),
                updated_at=datetime.fromisoformat(row["updated_at"]),
                finished_at=_dt(row["finished_at"]),
                total=row["total"],
                planned=row["planned"],
                sending=row["sending"],
                created=row["created"],
                exists=row["exists_"],
                failed=row["failed"],
                credentials_pending=row["pending"],
                organisation=row["organisation"] or "",
            )
            for row in rows
        ]
