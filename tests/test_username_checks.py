"""Username availability in bulk: ``DirectoryService.usernames_free`` sends one Graph ``$batch`` of
``GET /users/{upn}`` per 20 usernames, through the real msgraph-sdk, against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from conftest import Sandbox

from c2t_wizard.config import Endpoints
from c2t_wizard.services.auth import AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.directory import BATCH_LIMIT, DirectoryService
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.journal import Journal

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

DOMAIN = "contoso.onmicrosoft.com"


class Waits:
    """An injected ``sleep``: records each wait and waits (almost) nothing."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0.001)


@asynccontextmanager
async def directory(box: Sandbox, tmp_path: Path, waits: Waits) -> AsyncIterator[DirectoryService]:
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    auth = AuthService(backend)
    admin = box.info["demo"]["admin"]
    await auth.sign_in_with_password(admin["username"], admin["password"])
    session = GraphSession(backend, auth)
    journal = Journal.open(tmp_path / "journal.sqlite3")
    try:
        await session.client()  # signed in before any fault is switched on
        yield DirectoryService(session, journal, sleep=waits)
    finally:
        await session.aclose()
        await backend.aclose()
        journal.close()


def test_twenty_usernames_in_one_batch_free_taken_and_odd_characters(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    box = clean_faults
    taken = str(box.info["demo"]["admin"]["username"])
    odd = [f"o'brien.x@{DOMAIN}", f"hash#tag@{DOMAIN}", f"caret^~!@{DOMAIN}"]
    free = [f"surely.free.{n}@{DOMAIN}" for n in range(BATCH_LIMIT - 1 - len(odd))]
    asked = [taken.upper(), *odd, *free]
    assert len(asked) == BATCH_LIMIT

    async def run() -> dict[str, bool | None]:
        async with directory(box, tmp_path, Waits()) as service:
            with pytest.raises(ValueError, match="at most 20"):
                await service.usernames_free([*asked, f"one.too.many@{DOMAIN}"])
            return await service.usernames_free(asked)

    answers = asyncio.run(run())
    assert answers == {taken.upper(): False, **dict.fromkeys(odd + free, True)}


def test_throttled_items_are_asked_again_after_retry_after_and_never_guessed_free(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    box = clean_faults
    upns = [f"throttled.{n}@{DOMAIN}" for n in range(BATCH_LIMIT)]
    waits = Waits()

    async def run() -> tuple[dict[str, bool | None], dict[str, bool | None]]:
        async with directory(box, tmp_path, waits) as service:
            box.set_faults("429=0.5,retry_after=1s,seed=7")
            some = await service.usernames_free(upns, max_wait=30)
            box.set_faults("503=1,retry_after=2s")
            none = await service.usernames_free(upns, max_wait=5)
            return some, none

    some, none = asyncio.run(run())
    assert some == dict.fromkeys(upns, True)  # every throttled item was asked again until answered
    assert waits.waits[0] == 1.0  # after Retry-After, not at once
    assert none == dict.fromkeys(upns)  # Graph never answered: "can't tell", never "free"
    assert waits.waits[-2:] == [2.0, 2.0]
