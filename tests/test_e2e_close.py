"""End to end: closing the window while users are being created or mail sent asks first, then stops after
the batch on the wire: the journal is true, the sandbox agrees with it, and the app shuts down without an
error in its log.

No timing: the app's own service is held at a gate, so a batch (or a message) is on the wire for as long as
the test needs, and it goes out only once the partner has chosen to stop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.wizard_run import WAIT, Run
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWizard
from pytestqt.qtbot import QtBot
from test_e2e_credentials import outbox, people, to_credentials

from c2t_wizard.config import Config
from c2t_wizard.services.directory import BATCH_LIMIT, MAX_IN_FLIGHT
from c2t_wizard.services.journal import PersonState
from c2t_wizard.ui.pages.credentials import RowState
from c2t_wizard.ui.pages.users import UsersPage, UsersState
from c2t_wizard.ui.wizard import PageId

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"),
]

GATE_TIMEOUT = 60.0
"""A held call goes on after this long even if the test never opens the gate (so nothing hangs)."""


class Gate:
    """Lets the first ``free`` calls of a service method through and holds the rest (on the service thread)
    until ``open()``: work stays on the wire, whatever the machine's speed."""

    def __init__(self, free: int) -> None:
        self.free = free
        self.calls = 0
        self.held = threading.Event()
        """Set once a call is being held."""
        self._open = threading.Event()

    def wrap(self, original: Any) -> Any:
        async def gated(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls > self.free:
                self.held.set()
                await asyncio.to_thread(self._open.wait, GATE_TIMEOUT)
            return await original(*args, **kwargs)

        return gated

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def gate_opened_at_the_end() -> Iterator[list[Gate]]:
    gates: list[Gate] = []
    yield gates
    for gate in gates:  # a failed test must not leave a call held
        gate.open()


def logged_errors(log: Path) -> list[str]:
    return [
        line
        for line in log.read_text(encoding="utf-8").splitlines()
        if " ERROR " in line or "CRITICAL" in line
    ]


def close_question(qtbot: QtBot) -> QMessageBox:
    found: list[QMessageBox] = []

    def shown() -> None:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "close_while_busy" and w.isVisible()
        ]
        assert len(found) == 1

    qtbot.waitUntil(shown, timeout=WAIT)
    return found[0]


def answer(qtbot: QtBot, box: QMessageBox, button: str) -> None:
    chosen = box.findChild(QPushButton, button)
    assert chosen is not None
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)


def start_creating(run: Run, qtbot: QtBot, count: int) -> tuple[UsersPage, list[str]]:
    page = run.to_sign_in()
    run.sign_in(page)
    qtbot.mouseClick(run.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert run.wizard.currentId() == PageId.USERS
    users = run.wizard.currentPage()
    assert isinstance(users, UsersPage)
    qtbot.waitUntil(lambda: run.app.services.journal is not None, timeout=WAIT)
    chosen = people(str(run.wizard.onboarding.tenant_facts.default_domain), count)  # type: ignore[union-attr]
    users.model.remove_rows(range(users.model.rowCount()))
    users.model.add_users(chosen)
    create = users.findChild(QPushButton, "create_users_button")
    assert create is not None
    qtbot.waitUntil(create.isEnabled, timeout=WAIT)
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    return users, [user.upn.lower() for user in chosen]


def sandbox_upns(run: Run, domain: str) -> set[str]:
    info = run.sandbox_info()
    response = httpx.get(
        f"{info['base']}/_sandbox/users", params={"tenant": domain}, timeout=10, trust_env=False
    )
    response.raise_for_status()
    return {str(user["upn"]).lower() for user in response.json()["users"]}


def test_closing_while_users_are_created_asks_then_stops_after_the_batch(
    qtbot: QtBot,
    config: Config,
    debug_log: Path,
    monkeypatch: pytest.MonkeyPatch,
    gate_opened_at_the_end: list[Gate],
) -> None:
    run = Run(qtbot, config)
    gate = Gate(free=1)  # the first batch of 20 is answered; the next ones wait on the wire
    gate_opened_at_the_end.append(gate)
    try:
        run.start()
        qtbot.waitUntil(lambda: run.app.services.directory is not None, timeout=WAIT)
        directory = run.app.services.directory
        assert directory is not None
        monkeypatch.setattr(directory, "post_batch", gate.wrap(directory.post_batch))
        # More batches than go on the wire at once: some people are still planned when it stops.
        users, upns = start_creating(run, qtbot, BATCH_LIMIT * (MAX_IN_FLIGHT + 2))
        journal = run.app.services.journal
        assert journal is not None
        qtbot.waitUntil(lambda: bool(users.run_ids), timeout=WAIT)
        run_id = users.run_ids[0]

        def first_batch_created_next_on_the_wire() -> None:
            states = [p.state for p in journal.people(run_id)]
            assert states.count(PersonState.CREATED) == 20
            assert PersonState.SENDING in states
            assert gate.held.is_set()

        qtbot.waitUntil(first_batch_created_next_on_the_wire, timeout=WAIT)

        # "Keep going" changes nothing.
        run.wizard.close()
        answer(qtbot, close_question(qtbot), "keep_going_button")
        assert run.wizard.isVisible()
        assert users.state is UsersState.CREATING

        # Cancel (as Escape or the Cancel button would) asks again; this time: stop and close.
        run.wizard.reject()
        answer(qtbot, close_question(qtbot), "stop_and_close_button")
        assert run.wizard.isVisible(), "the window stays while batches are on the wire"
        assert users.state is UsersState.STOPPING
        gate.open()  # the batches on the wire are answered now
        qtbot.waitUntil(lambda: not run.wizard.isVisible(), timeout=WAIT)
        assert users.state is UsersState.EDITING

        records = journal.people(run_id)
        states = {p.key: p.state for p in records}
        assert PersonState.SENDING not in states.values(), "every batch sent was answered and recorded"
        assert PersonState.PLANNED in states.values(), "it stopped: the rest is left for later"
        created = {key for key, state in states.items() if state is PersonState.CREATED}
        assert len(created) > 20, "the batches on the wire were answered and recorded before the close"
        domain = str(run.wizard.onboarding.tenant_facts.default_domain)  # type: ignore[union-attr]
        assert sandbox_upns(run, domain) & set(upns) == created, "the journal says exactly who exists"
        assert set(states) == set(upns)
    finally:
        gate.open()
        run.app.shutdown()
    assert not run.app.runner.running
    assert run.reported == []
    assert logged_errors(debug_log) == []


def test_closing_while_mail_is_sent_stops_after_the_message_on_its_way(
    qtbot: QtBot,
    config: Config,
    debug_log: Path,
    monkeypatch: pytest.MonkeyPatch,
    gate_opened_at_the_end: list[Gate],
) -> None:
    run = Run(qtbot, config)
    gate = Gate(free=1)  # the first message is answered; the second waits on the wire
    gate_opened_at_the_end.append(gate)
    try:
        run.start()
        users, _upns = start_creating(run, qtbot, 12)
        qtbot.waitUntil(lambda: users.state is UsersState.EDITING and users.isComplete(), timeout=WAIT)
        page = to_credentials(run, qtbot)
        delivery = run.app.services.delivery
        assert delivery is not None
        monkeypatch.setattr(delivery, "send_mail", gate.wrap(delivery.send_mail))
        qtbot.mouseClick(page.deliver_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: RowState.DELIVERED in [r.state for r in page.rows], timeout=WAIT)
        assert gate.held.wait(WAIT / 1000)

        run.wizard.close()
        answer(qtbot, close_question(qtbot), "stop_and_close_button")
        assert run.wizard.isVisible(), "the window stays while a message is on the wire"
        gate.open()
        qtbot.waitUntil(lambda: not run.wizard.isVisible(), timeout=WAIT)

        states = [r.state for r in page.rows]
        assert RowState.SENDING not in states
        assert states.count(RowState.DELIVERED) == 2, "the message on the wire was finished, then it stopped"
        assert states.count(RowState.READY) == 10, "stopped: the rest wait to be delivered"
        delivered = {r.key for r in page.rows if r.state is RowState.DELIVERED}
        journal = run.app.services.journal
        assert journal is not None
        recorded = {
            p.key
            for p in journal.people(run.wizard.onboarding.user_run_ids[0])
            if p.credentials_delivered_at is not None
        }
        assert recorded == delivered
        mailed = {m["to"][0] for m in outbox(run.sandbox_info())}
        assert mailed == {r.record.email for r in page.rows if r.state is RowState.DELIVERED}
    finally:
        gate.open()
        run.app.shutdown()
    assert run.reported == []
    assert logged_errors(debug_log) == []
