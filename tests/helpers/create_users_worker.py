"""A stand-in for the app during bulk creation, to be killed: ``python create_users_worker.py SETTINGS``.

SETTINGS is a JSON file: ``sandbox`` (the sandbox's ready line), ``data_dir``, ``prefix``, ``count``.
Opens the journal in ``data_dir``, resumes the tenant's unfinished run (or starts one with ``count``
people), signs in with ROPC and creates the users. Prints one line per event, flushed at once:
``RUN <id> new|resumed``, ``PROGRESS <created> <remaining>``, ``DONE <json>``.
"""

from __future__ import annotations

import asyncio
import json
import sys
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


def staff(prefix: str, count: int, domain: str) -> list[NewUser]:
    return [
        NewUser(f"First{i}", prefix.title(), f"First{i} {prefix.title()}", f"{prefix}.{i}", domain,
                f"{prefix}.{i}@partner-example.com")
        for i in range(count)
    ]  # fmt: skip


async def main(settings: dict[str, Any]) -> int:
    info = settings["sandbox"]
    demo = info["demo"]
    journal = Journal.open(Path(settings["data_dir"]) / "journal.sqlite3")
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
    sys.exit(asyncio.run(main(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))))
