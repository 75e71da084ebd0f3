"""The tenant name page against the real sandbox: proposal, validation, live availability, suggestions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from helpers.hosted import HostedPage
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWizard, QWizardPage
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.tenant_name import Availability, AvailabilityState
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.pages.tenant_name import SuggestionList, TenantNamePage
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.widgets import StatusKind, StatusLine

WAIT = 10_000


class CountingDiscovery(TenantDiscovery):
    """The real discovery, remembering every prefix the page asked about one at a time."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend)
        self.asked: list[str] = []

    async def check(self, prefix: str, *, fresh: bool = False) -> Availability:
        self.asked.append(prefix)
        return await super().check(prefix, fresh=fresh)

    async def check_many(self, prefixes: Sequence[str]) -> list[Availability]:
        # Suggestions are not what the typing tests count.
        return list(await asyncio.gather(*(TenantDiscovery.check(self, p) for p in prefixes)))


class Hosted(HostedPage[TenantNamePage]):
    """The page alone in a bare wizard, with a second page so that Next exists."""

    @property
    def org(self) -> QLineEdit:
        return self.child(QLineEdit, "org_name_edit")

    @property
    def prefix(self) -> QLineEdit:
        return self.child(QLineEdit, "tenant_prefix_edit")

    @property
    def status(self) -> StatusLine:
        return self.child(StatusLine, "tenant_status")

    @property
    def retry(self) -> QPushButton:
        return self.child(QPushButton, "tenant_retry_button")

    @property
    def suggestions(self) -> SuggestionList:
        return self.child(SuggestionList, "tenant_suggestions")

    @property
    def next_enabled(self) -> bool:
        return self.wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def host(qtbot: QtBot, runner: ServiceRunner, discovery: TenantDiscovery) -> Hosted:
    onboarding = Onboarding()
    wizard = QWizard()
    page = TenantNamePage(onboarding, runner, discovery)
    wizard.addPage(page)
    wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return Hosted(wizard, page, onboarding)


@pytest.fixture
def backend(sandbox: Any, runner: ServiceRunner) -> Iterator[Backend]:
    box = Backend(Endpoints.from_sandbox_line(sandbox.info))
    yield box
    runner.call(box.aclose(), timeout=10)


@pytest.fixture
def discovery(backend: Backend) -> CountingDiscovery:
    return CountingDiscovery(backend)


@pytest.fixture
def hosted(qtbot: QtBot, runner: ServiceRunner, discovery: CountingDiscovery) -> Iterator[Hosted]:
    page = host(qtbot, runner, discovery)
    yield page
    page.wizard.close()


def fresh_name() -> str:
    return "Pagetest " + uuid.uuid4().hex[:10]


def wait_for_status(qtbot: QtBot, hosted: Hosted, kind: StatusKind, words: str) -> None:
    def check() -> None:
        assert hosted.status.kind is kind, hosted.status.text()
        assert words in hosted.status.text()

    qtbot.waitUntil(check, timeout=WAIT)


def test_page_identity_and_accessibility(hosted: Hosted) -> None:
    page = hosted.page
    assert page.objectName() == "page_tenant_name"
    for edit in (hosted.org, hosted.prefix):
        assert edit.accessibleName()
    labels = {label.buddy(): label.text() for label in page.findChildren(QLabel) if label.buddy()}
    assert "&" in labels[hosted.org]
    assert "&" in labels[hosted.prefix]
    assert not hosted.next_enabled


def test_taken_name_offers_free_suggestions(
    qtbot: QtBot, hosted: Hosted, runner: ServiceRunner, backend: Backend
) -> None:
    qtbot.keyClicks(hosted.org, "Contoso")
    assert hosted.prefix.text() == "contoso"
    wait_for_status(qtbot, hosted, StatusKind.ERROR, "already belongs to another organisation")
    assert not hosted.next_enabled
    assert not hosted.page.isComplete()

    qtbot.waitUntil(lambda: hosted.suggestions.isVisible() and hosted.suggestions.count() > 0, timeout=WAIT)
    offered = [
        hosted.suggestions.item(i).data(Qt.ItemDataRole.UserRole) for i in range(hosted.suggestions.count())
    ]
    assert "contoso" not in offered
    # Every suggestion is free when asked afresh, by a discovery that shares nothing with the page's.
    independent = TenantDiscovery(backend)
    for prefix in offered:
        answer = runner.call(independent.check(prefix, fresh=True), timeout=10)
        assert answer.state is AvailabilityState.PROBABLY_FREE, answer
    assert all("free" in hosted.suggestions.item(i).text() for i in range(hosted.suggestions.count()))

    # Pick the second suggestion from the keyboard; Enter must not reach the wizard's Next button.
    hosted.suggestions.setFocus()
    hosted.suggestions.setCurrentRow(min(1, hosted.suggestions.count() - 1))
    chosen = hosted.suggestions.currentItem().data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(hosted.suggestions, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hosted.prefix.text() == chosen, timeout=WAIT)
    wait_for_status(qtbot, hosted, StatusKind.OK, f"{chosen}.onmicrosoft.com looks free")
    assert hosted.next_enabled
    assert hosted.wizard.currentPage() is hosted.page
    assert not hosted.suggestions.isVisible()


def test_clicking_a_suggestion_uses_it(qtbot: QtBot, hosted: Hosted) -> None:
    qtbot.keyClicks(hosted.prefix, "fabrikam")
    qtbot.waitUntil(lambda: hosted.suggestions.isVisible() and hosted.suggestions.count() > 0, timeout=WAIT)
    item = hosted.suggestions.item(0)
    chosen = item.data(Qt.ItemDataRole.UserRole)
    rect = hosted.suggestions.visualItemRect(item)
    qtbot.mouseClick(hosted.suggestions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: hosted.prefix.text() == chosen, timeout=WAIT)
    qtbot.waitUntil(lambda: hosted.next_enabled, timeout=WAIT)


def test_free_name_enables_next_and_is_saved(qtbot: QtBot, hosted: Hosted) -> None:
    name = fresh_name()
    qtbot.keyClicks(hosted.org, name)
    expected = name.replace(" ", "").lower()
    assert hosted.prefix.text() == expected
    wait_for_status(qtbot, hosted, StatusKind.OK, f"{expected}.onmicrosoft.com looks free")
    assert hosted.next_enabled
    assert not hosted.suggestions.isVisible()
    assert not hosted.retry.isVisible()

    hosted.wizard.next()
    assert hosted.wizard.currentPage() is not hosted.page
    assert hosted.onboarding.organisation_name == name
    assert hosted.onboarding.tenant_prefix == expected


def test_user_prefix_is_not_overwritten_by_the_organisation_name(qtbot: QtBot, hosted: Hosted) -> None:
    qtbot.keyClicks(hosted.org, "Acme")
    assert hosted.prefix.text() == "acme"
    hosted.prefix.clear()
    qtbot.keyClicks(hosted.prefix, "MyOwnName")
    assert hosted.prefix.text() == "myownname", "typed letters are lower-cased"
    qtbot.keyClicks(hosted.org, " Plumbing")
    assert hosted.prefix.text() == "myownname"


def test_invalid_characters_are_named_and_nothing_is_sent(
    qtbot: QtBot, hosted: Hosted, discovery: CountingDiscovery
) -> None:
    qtbot.keyClicks(hosted.prefix, "a-b")
    assert hosted.status.kind is StatusKind.ERROR
    assert "Only letters and digits" in hosted.status.text()
    assert "“-”" in hosted.status.text()
    assert hosted.prefix.accessibleDescription() == hosted.status.text()
    debounce = hosted.page.findChild(QTimer, "tenant_check_debounce")
    assert debounce is not None
    assert not debounce.isActive()
    assert not hosted.next_enabled
    assert "a-b" not in discovery.asked
    # Nothing is pending that could still send it.
    assert hosted.page.availability is None


def test_empty_prefix_asks_for_a_name(qtbot: QtBot, hosted: Hosted, discovery: CountingDiscovery) -> None:
    qtbot.keyClicks(hosted.prefix, "x")
    hosted.prefix.clear()
    assert hosted.status.kind is StatusKind.INFO
    assert not hosted.next_enabled
    assert "" not in discovery.asked


def test_long_name_gets_a_gentle_warning(qtbot: QtBot, hosted: Hosted) -> None:
    long_name = "c2tlong" + uuid.uuid4().hex  # 39 characters
    qtbot.keyClicks(hosted.prefix, long_name)
    warning = hosted.page.findChild(StatusLine, "tenant_warning")
    assert warning is not None
    assert warning.isVisible()
    assert "27" in warning.text()
    # A warning, not an error: the name can still be used.
    qtbot.waitUntil(lambda: hosted.next_enabled, timeout=WAIT)


def test_typing_is_debounced(qtbot: QtBot, hosted: Hosted, discovery: CountingDiscovery) -> None:
    name = fresh_name()
    for char in name:
        qtbot.keyClicks(hosted.org, char)
        qtbot.wait(15)  # the event loop runs between keystrokes, as when a person types
    final = name.replace(" ", "").lower()
    wait_for_status(qtbot, hosted, StatusKind.OK, "looks free")
    # One request for the final name; a second at most if the machine stalled mid-typing.
    assert len(discovery.asked) <= 2, discovery.asked
    assert discovery.asked[-1] == final


def test_unreachable_service_says_so_and_offers_retry(qtbot: QtBot, runner: ServiceRunner) -> None:
    dead = Backend(Endpoints(login="https://127.0.0.1:1", graph="https://127.0.0.1:1", signup="https://x"))
    discovery = CountingDiscovery(dead)
    hosted = host(qtbot, runner, discovery)
    try:
        qtbot.keyClicks(hosted.org, "Unreachable Test")
        wait_for_status(qtbot, hosted, StatusKind.WARNING, "couldn't check")
        assert not hosted.next_enabled
        assert hosted.retry.isVisible()
        assert not hosted.suggestions.isVisible(), "an unknown answer offers no suggestions"

        asked = len(discovery.asked)
        qtbot.mouseClick(hosted.retry, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(discovery.asked) == asked + 1, timeout=WAIT)
        wait_for_status(qtbot, hosted, StatusKind.WARNING, "couldn't check")
        assert not hosted.next_enabled
    finally:
        hosted.wizard.close()
        runner.call(dead.aclose(), timeout=10)


def test_stale_answers_are_ignored(qtbot: QtBot, hosted: Hosted) -> None:
    page = hosted.page
    qtbot.keyClicks(hosted.prefix, "northwind")
    wait_for_status(qtbot, hosted, StatusKind.ERROR, "already belongs")
    hosted.prefix.clear()
    qtbot.keyClicks(hosted.prefix, "c2tstale" + uuid.uuid4().hex[:8])
    # A late answer for the old name arrives: it must not change what the page says.
    page._on_checked(Availability("northwind", AvailabilityState.TAKEN, tenant_id="x"))
    assert hosted.status.kind is StatusKind.BUSY
    wait_for_status(qtbot, hosted, StatusKind.OK, "looks free")


def test_leaving_the_page_stops_the_timer_and_jobs(
    qtbot: QtBot, hosted: Hosted, runner: ServiceRunner
) -> None:
    qtbot.keyClicks(hosted.prefix, "c2tleave" + uuid.uuid4().hex[:8])
    timer = hosted.page.findChild(QTimer, "tenant_check_debounce")
    assert timer is not None
    assert timer.isActive()
    hosted.page.cleanupPage()
    assert not timer.isActive()
    qtbot.waitUntil(lambda: runner.active_jobs == 0, timeout=WAIT)
