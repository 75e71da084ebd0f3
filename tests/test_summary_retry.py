"""The summary's Retry through the real services on the sandbox: a creation that failed while Graph was down
made once Graph is back (through the directory's journal-backed path); sign-in details whose mail failed sent
again with a new temporary password (the old one no longer counts); which step a Retry redoes."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from conftest import Sandbox
from test_delivery import outbox, session
from test_report import fill

from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.journal import DeliveryState, Journal, PersonState, person_key
from c2t_wizard.services.report import build_report, to_json
from c2t_wizard.services.summary_retry import failed_step, retry_creation, retry_delivery


async def _no_sleep(_seconds: float) -> None:
    await asyncio.sleep(0)


def test_a_retry_redoes_the_first_failed_step_it_has_a_service_for(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "j.sqlite3")
    try:
        run, _ = fill(journal)
        people = build_report(journal, [run]).people
        steps = [failed_step(p) for p in people]
        assert steps == [None, None, "account", "delivery", "invitation", None, None]
        assert [failed_step(p, ("invitation",)) for p in people][2:5] == [None, None, "invitation"]
    finally:
        journal.close()


def test_a_creation_that_failed_while_graph_was_down_is_made_on_retry(
    clean_faults: Sandbox, tmp_path: Path
) -> None:
    async def run() -> None:
        async with session(clean_faults, tmp_path) as s:
            tag = uuid.uuid4().hex[:8]
            user = NewUser("Rita", "Retry", "Rita Retry", f"rita.{tag}", s.domain, f"rita.{tag}@example.com")
            run_id = s.journal.start_run("tenant", [user])
            key = person_key(user.upn)
            impatient = DirectoryService(s.graph, s.journal, max_total_wait=0.5, sleep=_no_sleep)
            await asyncio.to_thread(clean_faults.set_faults, "503=1.0")
            try:
                failed = await impatient.create_users(run_id)
            finally:
                await asyncio.to_thread(clean_faults.set_faults, "")
            assert failed.people[0].state is PersonState.FAILED, failed.people
            assert failed_step(build_report(s.journal, [run_id]).people[0]) == "account"

            result = await retry_creation(s.directory, s.journal, run_id, key)
            assert result.person.account.status == "created"
            assert result.person.delivery.status == "pending"
            assert result.password is not None
            assert result.password not in to_json(build_report(s.journal, [run_id]))
            found = await s.directory.get_user(user.upn, max_wait=10)
            assert found is not None
            assert found.id == s.journal.person(run_id, key).user_id

    asyncio.run(run())


def test_sign_in_details_whose_mail_failed_are_sent_again_with_a_new_password(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async def run() -> tuple[str, str, str | None]:
        async with session(sandbox, tmp_path) as s:
            tag = uuid.uuid4().hex[:8]
            user = NewUser(
                "Doris", "Resend", "Doris Resend", f"doris.{tag}", s.domain, f"doris.{tag}@example.com"
            )
            run_id = s.journal.start_run("tenant", [user])
            created = await s.directory.create_users(run_id)
            key = person_key(user.upn)
            first_password = created.passwords[key]
            s.journal.mark_delivery_not_confirmed(run_id, key, "sendmail", in_doubt=False, problem="network")
            assert failed_step(build_report(s.journal, [run_id]).people[0]) == "delivery"

            result = await retry_delivery(s.delivery, s.journal, run_id, key, language="de")
            assert result.person.delivery.status == "delivered"
            assert result.person.delivery.method == "sendmail"
            record = s.journal.person(run_id, key)
            assert (record.delivery_state, record.credentials_pending) == (DeliveryState.SENT, False)
            assert result.password is not None
            assert result.password != first_password  # reset: the one never delivered stops working
            return user.email, result.password, to_json(build_report(s.journal, [run_id]))

    email, password, exported = asyncio.run(run())
    mails = [m for m in outbox(sandbox) if email in str(m.get("to"))]
    assert len(mails) == 1
    assert password in str(mails[0])  # the person got the new password …
    assert password not in exported  # … and the report never has it
