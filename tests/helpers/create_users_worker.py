"""A stand-in for the app during bulk creation, to be killed:
``python create_users_worker.py SETTINGS [PAUSE_AT]``.

SETTINGS is a JSON file: ``sandbox`` (the sandbox's ready line), ``data_dir``, ``prefix``, ``count``.
Opens the journal in ``data_dir``, resumes the tenant's unfinished run (or starts one with ``count``
people), signs in with ROPC and creates the users. Prints one line per event, flushed at once, so that a
test can act on events instead of guessing times:

- ``RUN <id> new|resumed``;
- ``SENDING <n>`` once the journal has committed ``n`` people as ``sending`` (a batch about to go out);
- ``PROGRESS <created> <remaining>`` after an answer was recorded (and once before anything is sent);
- ``PAUSED <key>`` (only with ``PAUSE_AT``): in the middle of recording a batch's answer, the journal has
  just marked ``key`` created, uncommitted, and the count of people finished (created, existed or failed)
  has reached ``PAUSE_AT``. The worker then stops everything (its event loop blocks reading stdin) until it
  is killed; if stdin closes, it exits at once, committing nothing;
- ``DONE <json>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.auth import AuthError, AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.directory import CreationProgress, DirectoryService
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.journal import Journal


def say(*parts: object) -> None:
    print(*parts, flush=True)


class EventJournal(Journal):
    """The product's journal, telling the test (on stdout) when a batch goes out, and able to stop the
    process in the middle of recording an answer."""

    pause_at: int | None = None
    finished = 0
    """People whose creation is final (created, existed or failed): the journal's count at start, then one
    more per ``mark_created``, ``mark_exists`` or ``mark_failed``."""
    open_transactions = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.open_transactions += 1
        try:
            with super().transaction():
                yield
        finally:
            self.open_transactions -= 1

    def mark_sending(self, run_id: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        super().mark_sending(run_id, keys)  # committed when it returns
        say("SENDING", len(keys))

    def mark_created(self, run_id: str, key: str, user_id: str, *, credentials_pending: bool = True) -> None:
        super().mark_created(run_id, key, user_id, credentials_pending=credentials_pending)
        self.finished += 1
        if self.pause_at is not None and self.open_transactions and self.finished >= self.pause_at:
            # Inside the transaction that records a batch's answer: this person's row is written, not
            # committed. Stop here as a kill would find us.
            say("PAUSED", key)
            sys.stdin.readline()  # blocks until the test kills us (or closes stdin)
            os._exit(70)

    def mark_exists(
        self, run_id: str, key: str, user_id: str | None = None, *, code: str | None = None, detail: str = ""
    ) -> None:
        super().mark_exists(run_id, key, user_id, code=code, detail=detail)
        self.finished += 1

    def mark_failed(self, run_id: str, key: str, code: str, detail: str = "") -> None:
        super().mark_failed(run_id, key, code, detail)
        self.finished += 1


def staff(prefix: str, count: int, domain: str) -> list[NewUser]:
    return [
        NewUser(f"First{i}", prefix.title(), f"First{i} {prefix.title()}", f"{prefix}.{i}", domain,
                f"{prefix}.{i}@partner-example.com")
        for i in range(count)
    ]  # fmt: skip


async def main(settings: dict[str, Any], pause_at: int | None) -> int:
    info = settings["sandbox"]
    demo = info["demo"]
    journal = EventJournal.open(Path(settings["data_dir"]) / "journal.sqlite3")
    assert isinstance(journal, EventJournal)  # ``Journal.open`` builds ``cls``
    journal.pause_at = pause_at
    backend = Backend(Endpoints.from_sandbox_line(info))
    session: GraphSession | None = None
    try:
        runs = journal.unfinished_runs(demo["tenant_id"])
        if runs:
            run_id = runs[0].run_id
            say("RUN", run_id, "resumed")
        else:
            run_id = journal.start_run(
                demo["tenant_id"], staff(settings["prefix"], settings["count"], demo["tenant"])
            )
            say("RUN", run_id, "new")
        summary = journal.run(run_id)
        journal.finished = summary.created + summary.exists + summary.failed
        for attempt in range(20):  # the faults hit the sign-in too
            # A new MSAL application each time: MSAL remembers a throttled answer and repeats it.
            auth = AuthService(backend)
            try:
                await auth.sign_in_with_password(demo["admin"]["username"], demo["admin"]["password"])
                break
            except AuthError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.1)
        session = GraphSession(backend, auth)
        service = DirectoryService(session, journal, max_total_wait=600.0)

        def report(progress: CreationProgress) -> None:
            say("PROGRESS", progress.created, progress.remaining)

        result = await service.create_users(run_id, report=report)
        say("DONE", json.dumps({"created": result.created, "existed": result.existed, "failed": result.failed,
                                "remaining": result.remaining, "passwords": len(result.passwords),
                                "needs_reset": len(result.needs_password_reset)}))  # fmt: skip
        journal.finish_run(run_id)
        return 0
    finally:
        if session is not None:
            await session.aclose()
        await backend.aclose()
        journal.close()


if __name__ == "__main__":
    pause = int(sys.argv[2]) if len(sys.argv) > 2 else None
    sys.exit(asyncio.run(main(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")), pause)))
