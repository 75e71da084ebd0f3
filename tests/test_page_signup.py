"""The sign-up hand-off against the real sandbox: checklist, clipboard, browser, and the watcher."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from helpers.hosted import HostedPage
from helpers.sandbox_web import sign_up
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWizard, QWizardPage
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.tenant_name import Availability
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.pages.signup import SignupPage
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.widgets import StatusKind, StatusLine

WAIT = 10_000


class CountingDiscovery(TenantDiscovery):
    """The real discovery, counting the checks the page makes."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.fresh_checks = 0

    async def check(self, prefix: str, *, fresh: bool = False) -> Availability:
        if fresh:
            self.fresh_checks += 1
        return await super().check(prefix, fresh=fresh)


class Hosted(HostedPage[SignupPage]):
    def __init__(self, wizard: QWizard, page: SignupPage, onboarding: Onboarding, opened: list[str]) -> None:
        super().__init__(wizard, page, onboarding)
        self.opened = opened

    @property
    def status(self) -> StatusLine:
        return self.child(StatusLine, "signup_status")

    @property
    def poll_timer(self) -> QTimer:
        timer = self.page.findChild(QTimer, "signup_poll_timer")
        assert timer is not None
        return timer


@pytest.fixture
def backend(sandbox: Any, runner: ServiceRunner) -> Iterator[Backend]:
    box = Backend(Endpoints.from_sandbox_line(sandbox.info))
    yield box
    runner.call(box.aclose(), timeout=10)


@pytest.fixture
def discovery(backend: Backend) -> CountingDiscovery:
    return CountingDiscovery(backend)


def fresh_prefix() -> str:
    return "c2tsignup" + uuid.uuid4().hex[:10]


def build(
    qtbot: QtBot,
    runner: ServiceRunner,
    discovery: TenantDiscovery,
    backend: Backend,
    *,
    poll_interval: float = 0.2,
    before: bool = False,
    after: bool = True,
) -> Hosted:
    """The page in a bare wizard, optionally with a page before it and one after it."""
    onboarding = Onboarding(organisation_name="Signup Test Ltd", tenant_prefix=fresh_prefix())
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        return True

    wizard = QWizard()
    if before:
        wizard.addPage(QWizardPage())
    page = SignupPage(
        onboarding, runner, discovery, backend, open_url, poll_interval=poll_interval, advance_delay_ms=300
    )
    wizard.addPage(page)
    if after:
        wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return Hosted(wizard, page, onboarding, opened)


@pytest.fixture
def hosted(
    qtbot: QtBot, runner: ServiceRunner, discovery: CountingDiscovery, backend: Backend, clean_faults: Any
) -> Iterator[Hosted]:
    page = build(qtbot, runner, discovery, backend)
    yield page
    page.wizard.close()


def test_hand_off_then_notices_the_new_tenant(qtbot: QtBot, hosted: Hosted, sandbox: Any) -> None:
    page, prefix = hosted.page, hosted.onboarding.tenant_prefix
    assert page.objectName() == "page_signup"
    steps = [page.findChild(QLabel, f"signup_step_{n}") for n in range(1, 8)]
    assert all(step is not None for step in steps)
    assert page.findChild(QLabel, "signup_step_8") is None
    texts = [step.text() for step in steps if step is not None]
    # Microsoft's documented Business Basic sign-up, in its order: buy, details, code, account, order.
    assert "Microsoft 365 Business Basic" in texts[0]
    assert "Buy now" in texts[0]
    assert "Set up account" in texts[2]
    assert "verification code" in texts[3]
    assert prefix in texts[4]
    assert f"<b>{prefix}</b>.onmicrosoft.com" in texts[4]
    assert "Place order" in texts[5]
    assert "Come back here" in texts[6]
    assert steps[4] is not None
    assert prefix in steps[4].accessibleName()
    assert "<b>" not in steps[4].accessibleName()
    assert QGuiApplication.clipboard().text() == prefix
    assert not page.isComplete()
    assert hosted.wizard.focusWidget() is hosted.button("open_signup_button")

    # Enter on the focused button opens the page (as soon as its address is known).
    qtbot.keyClick(hosted.button("open_signup_button"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hosted.opened == [sandbox.info["signup"]], timeout=WAIT)
    assert hosted.wizard.currentPage() is page

    # The watcher is polling and says so.
    assert hosted.status.kind is StatusKind.BUSY
    assert f"Waiting for {prefix}.onmicrosoft.com" in hosted.status.text()
    qtbot.waitUntil(lambda: "last checked" in hosted.status.text(), timeout=WAIT)

    result = sign_up(sandbox.base, organisation="Signup Test Ltd", prefix=prefix)

    qtbot.waitUntil(page.isComplete, timeout=WAIT)
    assert hosted.onboarding.tenant_id == result["tenant_id"]
    assert hosted.status.kind is StatusKind.OK
    assert f"{prefix}.onmicrosoft.com exists" in hosted.status.text()
    assert not page.watching
    # ...and moves on by itself.
    qtbot.waitUntil(lambda: hosted.wizard.currentPage() is not page, timeout=WAIT)


def test_copy_again_puts_the_name_back(qtbot: QtBot, hosted: Hosted) -> None:
    QGuiApplication.clipboard().setText("something else")
    qtbot.mouseClick(hosted.button("copy_name_button"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == hosted.onboarding.tenant_prefix


def test_finished_button_checks_at_once(
    qtbot: QtBot,
    runner: ServiceRunner,
    discovery: CountingDiscovery,
    backend: Backend,
    sandbox: Any,
    clean_faults: Any,
) -> None:
    # A poll interval far beyond the test's patience: only the button can make it notice in time.
    hosted = build(qtbot, runner, discovery, backend, poll_interval=600, after=False)
    try:
        assert hosted.poll_timer.isActive()
        sign_up(sandbox.base, organisation="Finished Ltd", prefix=hosted.onboarding.tenant_prefix)
        assert not hosted.page.isComplete()
        qtbot.mouseClick(hosted.button("signup_done_button"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(hosted.page.isComplete, timeout=WAIT)
        assert hosted.onboarding.tenant_id
        # The last page: it stays, complete, with the good news.
        assert hosted.wizard.currentPage() is hosted.page
        assert "exists" in hosted.status.text()
        assert not hosted.poll_timer.isActive()
    finally:
        hosted.wizard.close()


def test_polling_survives_an_outage(
    qtbot: QtBot,
    runner: ServiceRunner,
    discovery: CountingDiscovery,
    backend: Backend,
    sandbox: Any,
    clean_faults: Any,
) -> None:
    hosted = build(qtbot, runner, discovery, backend, poll_interval=0.2)
    try:
        sandbox.set_faults("503=1")
        qtbot.waitUntil(lambda: "try again" in hosted.status.text(), timeout=WAIT)
        assert hosted.status.kind is StatusKind.BUSY
        assert hosted.page.watching
        assert not hosted.page.isComplete()

        sandbox.set_faults("")
        result = sign_up(sandbox.base, organisation="Outage Ltd", prefix=hosted.onboarding.tenant_prefix)
        # Backed off ×1.5 per answer, it still notices well within the wait.
        qtbot.waitUntil(lambda: hosted.onboarding.tenant_id == result["tenant_id"], timeout=WAIT)
    finally:
        hosted.wizard.close()


def test_polling_stops_when_the_page_is_left(
    qtbot: QtBot,
    runner: ServiceRunner,
    discovery: CountingDiscovery,
    backend: Backend,
    clean_faults: Any,
) -> None:
    hosted = build(qtbot, runner, discovery, backend, poll_interval=0.2, before=True)
    try:
        assert hosted.wizard.currentPage() is not hosted.page
        hosted.wizard.next()
        assert hosted.wizard.currentPage() is hosted.page
        qtbot.waitUntil(lambda: discovery.fresh_checks >= 2, timeout=WAIT)

        hosted.wizard.back()
        assert not hosted.page.watching
        assert not hosted.poll_timer.isActive()
        qtbot.waitUntil(lambda: runner.active_jobs == 0, timeout=WAIT)
        checks = discovery.fresh_checks
        # Nothing is scheduled that could ask again.
        assert not hosted.poll_timer.isActive()
        assert discovery.fresh_checks == checks

        # Coming back starts the watcher again.
        hosted.wizard.next()
        qtbot.waitUntil(lambda: discovery.fresh_checks > checks, timeout=WAIT)
    finally:
        hosted.wizard.close()
    assert not hosted.poll_timer.isActive()


def test_closing_the_window_stops_polling(qtbot: QtBot, hosted: Hosted, runner: ServiceRunner) -> None:
    assert hosted.poll_timer.isActive() or hosted.page.watching
    hosted.wizard.close()
    assert not hosted.page.watching
    qtbot.waitUntil(lambda: runner.active_jobs == 0, timeout=WAIT)
