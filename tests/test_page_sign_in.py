"""The Sign-in page against the real sandbox, the real MSAL and the real msgraph: demo, browser and code
sign-in, the role check, cancel, sign-out, errors in words, and the token cache notice."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import Sandbox
from helpers.hosted import HostedPage
from helpers.identity_web import ScriptedBrowser, approve_device_code
from helpers.sandbox_web import grant_consent, parse_page
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
    QWizard,
    QWizardPage,
)
from pytestqt.qtbot import QtBot

from c2t_wizard.config import DEFAULT_CLIENT_ID, Endpoints
from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.sandbox import state as sandbox_state
from c2t_wizard.services.auth import (
    GRAPH_SCOPES,
    PLAINTEXT_CACHE_FILE,
    AuthService,
    CacheMode,
)
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.pages.sign_in import SignInPage, SignInState
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.services import Services
from c2t_wizard.ui.widgets import StatusKind, StatusLine
from c2t_wizard.ui.wizard import OnboardingWizard, PageId

# msgraph's generated request builders warn about their own deprecated classes when first imported.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

WAIT = 20_000
DEVICE_WAIT = 30_000
"""The sandbox asks device-code clients to poll every 5 s."""


class Hosted(HostedPage[SignInPage]):
    """The page in a bare wizard (a page after it, so Next is a real Next), with its services."""

    def __init__(
        self,
        wizard: QWizard,
        page: SignInPage,
        onboarding: Onboarding,
        auth: AuthService,
        browser: ScriptedBrowser,
        opened: list[str],
    ) -> None:
        super().__init__(wizard, page, onboarding)
        self.auth = auth
        self.browser = browser
        self.opened = opened

    def label(self, name: str) -> QLabel:
        return self.child(QLabel, name)

    def status(self, name: str = "sign_in_status") -> StatusLine:
        return self.child(StatusLine, name)

    @property
    def checkbox(self) -> QCheckBox:
        return self.child(QCheckBox, "remember_insecurely_checkbox")

    @property
    def next_button(self) -> QPushButton:
        button = self.wizard.button(QWizard.WizardButton.NextButton)
        assert isinstance(button, QPushButton)
        return button


class Factory:
    """Builds hosted pages on one backend and runner; closes every GraphSession at the end."""

    def __init__(self, qtbot: QtBot, runner: ServiceRunner, backend: Backend, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.runner = runner
        self.backend = backend
        self.tmp_path = tmp_path
        self.graphs: list[GraphSession] = []
        self.wizards: list[QWizard] = []

    def __call__(
        self,
        *,
        browser: ScriptedBrowser | None = None,
        demo_account: tuple[str, str] | None = None,
        onboarding: Onboarding | None = None,
        cache_dir: Path | None = None,
        before: bool = False,
        settle: bool = True,
        scopes: tuple[str, ...] = GRAPH_SCOPES,
        client_id: str = DEFAULT_CLIENT_ID,
    ) -> Hosted:
        browser = browser or ScriptedBrowser(idle=True)
        auth = AuthService(
            self.backend,
            client_id=client_id,
            scopes=scopes,
            open_browser=browser,
            cache_dir=cache_dir or self.tmp_path / "cache",
        )
        graph = GraphSession(self.backend, auth)
        self.graphs.append(graph)
        onboarding = onboarding or Onboarding(choice=StartChoice.DEMO)
        opened: list[str] = []

        def open_url(url: str) -> bool:
            opened.append(url)
            return True

        wizard = QWizard()
        if before:
            wizard.addPage(QWizardPage())
        page = SignInPage(
            onboarding, self.runner, auth, graph, open_url, sandbox=True, demo_account=demo_account
        )
        wizard.addPage(page)
        wizard.addPage(QWizardPage())
        self.qtbot.addWidget(wizard)
        self.wizards.append(wizard)
        wizard.show()
        self.qtbot.waitExposed(wizard)
        hosted = Hosted(wizard, page, onboarding, auth, browser, opened)
        if settle and not before:
            # The silent check of an empty cache ends on the choices.
            self.qtbot.waitUntil(lambda: page.state is not SignInState.CHECKING, timeout=WAIT)
        return hosted

    def close(self) -> None:
        for wizard in self.wizards:
            wizard.close()  # cancels anything still waiting
        for graph in self.graphs:
            self.runner.call(graph.aclose(), timeout=10)


@pytest.fixture
def backend(sandbox: Sandbox, runner: ServiceRunner) -> Iterator[Backend]:
    box = Backend(Endpoints.from_sandbox_line(sandbox.info))
    yield box
    runner.call(box.aclose(), timeout=10)


@pytest.fixture
def build(qtbot: QtBot, runner: ServiceRunner, backend: Backend, tmp_path: Path) -> Iterator[Factory]:
    factory = Factory(qtbot, runner, backend, tmp_path)
    try:
        yield factory
    finally:
        factory.close()


def creds(sandbox: Sandbox, who: str) -> tuple[str, str]:
    account = sandbox.info["demo"][who]
    return str(account["username"]), str(account["password"])


def wait_signed_in(qtbot: QtBot, hosted: Hosted, timeout: int = WAIT) -> None:
    def signed_in() -> None:
        assert hosted.page.state is SignInState.SIGNED_IN, (
            hosted.page.state,
            hosted.status().text(),
            hosted.label("sign_in_details").text(),
        )

    qtbot.waitUntil(signed_in, timeout=timeout)


def assert_contoso_facts(hosted: Hosted, username: str) -> None:
    assert hosted.label("tenant_org_label").text() == "Contoso"
    assert hosted.label("tenant_domain_label").text() == "contoso.onmicrosoft.com"
    assert username in hosted.label("signed_in_user_label").text()
    assert hosted.label("tenant_org_label").isVisible()


def no_dialogs() -> bool:
    return not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


# --- identity -------------------------------------------------------------------------------------------


def test_page_identity_choices_and_accessibility(build: Factory, sandbox: Sandbox) -> None:
    hosted = build(demo_account=creds(sandbox, "admin"))
    page = hosted.page
    assert page.objectName() == "page_sign_in"
    assert page.title()
    assert "contoso.onmicrosoft.com" in page.subTitle()
    assert page.state is SignInState.CHOICES
    assert hosted.status().text() == ""
    for name in ("sign_in_button", "device_code_button", "demo_sign_in_button"):
        button = hosted.button(name)
        assert button.isVisible(), name
        assert "&" in button.text(), name
        assert button.accessibleName(), name
    assert hosted.button("sign_in_button").text() == "&Sign in with Microsoft"
    assert hosted.button("sign_in_button").hasFocus()
    assert hosted.button("sign_in_button").isDefault()
    assert not hosted.button("cancel_sign_in_button").isVisible()
    assert not page.isComplete()
    assert not hosted.next_button.isEnabled()
    # Buddies with mnemonics for what the partner reads later.
    buddies = {label.buddy().objectName() for label in page.findChildren(QLabel) if label.buddy() is not None}
    assert {"tenant_org_label", "tenant_domain_label", "signed_in_user_label", "device_code_label"} <= buddies


def _mnemonic(text: str) -> str:
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else ""


def test_mnemonics_shown_together_are_distinct(build: Factory, sandbox: Sandbox) -> None:
    """Each panel, with the controls under it (status buttons, Details, the cache checkbox), uses each
    mnemonic once: a shared letter only moves the focus between the two instead of pressing either."""
    page = build(demo_account=creds(sandbox, "admin")).page
    common = [
        page.cancel_sign_in_button,
        page.retry_button,
        page.details_button,
        page.remember_insecurely_checkbox,
    ]
    for panel in ("_choices", "_browser", "_device", "_signed_in"):
        widget = getattr(page, panel)
        controls = [*widget.findChildren(QAbstractButton), *widget.findChildren(QLabel), *common]
        letters = [(_mnemonic(c.text()), c.objectName()) for c in controls if _mnemonic(c.text())]
        seen: dict[str, str] = {}
        for letter, name in letters:
            assert letter not in seen, f"{panel}: {name} and {seen[letter]} both use Alt+{letter.upper()}"
            seen[letter] = name


def test_demo_button_only_in_sandbox_mode_with_an_account(
    qtbot: QtBot, runner: ServiceRunner, backend: Backend, tmp_path: Path
) -> None:
    auth = AuthService(backend, cache_dir=tmp_path)
    graph = GraphSession(backend, auth)
    page = SignInPage(
        Onboarding(), runner, auth, graph, lambda url: True, sandbox=False, demo_account=("a", "b")
    )
    qtbot.addWidget(page)
    page.show()
    assert not page.demo_sign_in_button.isVisible()
    sandboxed = SignInPage(Onboarding(), runner, auth, graph, lambda url: True, sandbox=True)
    qtbot.addWidget(sandboxed)
    sandboxed.show()
    assert not sandboxed.demo_sign_in_button.isVisible()
    sandboxed.set_demo_account(("admin@contoso.onmicrosoft.com", "x"))
    assert sandboxed.demo_sign_in_button.isVisible()
    assert "admin@contoso.onmicrosoft.com" in sandboxed.findChild(QLabel, "demo_sign_in_hint").text()
    runner.call(graph.aclose(), timeout=10)


# --- signing in -------------------------------------------------------------------------------------------


def test_demo_admin_sign_in_shows_the_facts_and_enables_next(
    qtbot: QtBot, build: Factory, sandbox: Sandbox
) -> None:
    username, _ = creds(sandbox, "admin")
    hosted = build(demo_account=creds(sandbox, "admin"))
    with qtbot.waitSignal(hosted.page.facts_shown, timeout=WAIT) as shown:
        qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    facts = shown.args[0]
    assert facts.roles.allowed
    wait_signed_in(qtbot, hosted)
    assert_contoso_facts(hosted, username)
    role = hosted.status("role_status")
    assert role.kind is StatusKind.OK
    assert "Global Administrator" in role.text()
    assert hosted.page.isComplete()
    assert hosted.next_button.isEnabled()
    assert hosted.next_button.hasFocus(), "Enter goes on"
    assert hosted.button("switch_account_button").isVisible()
    assert hosted.button("sign_out_button").isVisible()
    assert not hosted.button("recheck_button").isVisible()

    hosted.wizard.next()
    assert hosted.wizard.currentPage() is not hosted.page
    assert hosted.onboarding.tenant_facts == facts
    assert hosted.onboarding.signed_in_username == username
    assert hosted.onboarding.tenant_id == sandbox.info["demo"]["tenant_id"]

    # Back and forth again: still signed in, nothing asked again.
    hosted.wizard.back()
    assert hosted.page.state is SignInState.SIGNED_IN
    assert hosted.next_button.isEnabled()


def test_interactive_sign_in_through_the_browser(qtbot: QtBot, build: Factory, sandbox: Sandbox) -> None:
    username, password = creds(sandbox, "admin")
    hosted = build(browser=ScriptedBrowser(username, password))
    qtbot.mouseClick(hosted.button("sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    assert_contoso_facts(hosted, username)
    assert hosted.browser.loopback_status == [200]
    assert hosted.browser.urls[0].startswith(sandbox.base)
    assert f"/{sandbox.info['demo']['tenant_id']}/" in hosted.browser.urls[0], "the demo organisation"
    assert hosted.next_button.isEnabled()


def test_waiting_for_the_browser_then_cancel_goes_back_quietly(
    qtbot: QtBot, build: Factory, sandbox: Sandbox
) -> None:
    hosted = build(browser=ScriptedBrowser(idle=True))
    qtbot.keyClick(hosted.button("sign_in_button"), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: hosted.browser.opened.is_set(), timeout=WAIT)
    assert hosted.page.state is SignInState.BROWSER
    assert hosted.status().kind is StatusKind.BUSY
    assert hosted.status().text() == "Finish signing in in your browser…"
    cancel = hosted.button("cancel_sign_in_button")
    assert cancel.isVisible()
    assert cancel.hasFocus()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert hosted.page.state is SignInState.CHOICES
    assert hosted.status().kind is StatusKind.NONE
    assert hosted.status().text() == ""
    assert not cancel.isVisible()
    assert hosted.button("sign_in_button").hasFocus()
    # The cancelled attempt's answer arrives later and changes nothing.
    qtbot.wait(300)
    assert hosted.page.state is SignInState.CHOICES
    assert hosted.status().text() == ""
    assert hosted.auth.signed_in is None


def test_device_code_shown_large_and_approved(qtbot: QtBot, build: Factory, sandbox: Sandbox) -> None:
    username, password = creds(sandbox, "admin")
    hosted = build()
    qtbot.mouseClick(hosted.button("device_code_button"), Qt.MouseButton.LeftButton)
    code_label = hosted.label("device_code_label")
    qtbot.waitUntil(lambda: bool(code_label.text()), timeout=WAIT)
    assert hosted.page.state is SignInState.DEVICE_CODE
    assert code_label.isVisible()
    assert code_label.font().pointSizeF() >= 2 * hosted.page.font().pointSizeF()
    assert code_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    prompt = hosted.page.device_prompt
    assert prompt is not None
    assert code_label.text() == prompt.user_code
    link = hosted.label("verification_link")
    assert prompt.verification_uri in link.text()
    assert hosted.label("device_code_step_sign_in").text()
    assert hosted.button("cancel_sign_in_button").isVisible()
    assert "enter the code" in hosted.status().text()

    link.linkActivated.emit(prompt.verification_uri)
    assert hosted.opened == [prompt.verification_uri]
    qtbot.mouseClick(hosted.button("copy_code_button"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == prompt.user_code

    page = approve_device_code(sandbox.base, prompt.user_code, username, password)
    assert "device-approved" in page.texts
    wait_signed_in(qtbot, hosted, DEVICE_WAIT)
    assert_contoso_facts(hosted, username)
    assert hosted.next_button.isEnabled()


def test_no_browser_switches_to_the_code(qtbot: QtBot, build: Factory) -> None:
    hosted = build(browser=ScriptedBrowser(available=False))
    qtbot.mouseClick(hosted.button("sign_in_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(hosted.label("device_code_label").text()), timeout=WAIT)
    assert hosted.page.state is SignInState.DEVICE_CODE
    assert hosted.status().kind is StatusKind.INFO
    assert "browser couldn't be opened" in hosted.status().text()
    hosted.page.cancel_sign_in()
    assert hosted.page.state is SignInState.CHOICES


def test_non_admin_is_told_which_role_is_needed(qtbot: QtBot, build: Factory, sandbox: Sandbox) -> None:
    username, _ = creds(sandbox, "user")
    hosted = build(demo_account=creds(sandbox, "user"))
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    assert_contoso_facts(hosted, username)
    role = hosted.status("role_status")
    assert role.kind is StatusKind.ERROR
    text = role.text()
    for words in ("Global Administrator", "User Administrator", "Microsoft 365 admin center", "Roles"):
        assert words in text
    assert not hosted.page.isComplete()
    assert not hosted.next_button.isEnabled()
    assert not hosted.page.validatePage()
    assert hosted.button("recheck_button").isVisible()
    assert hosted.onboarding.tenant_facts is None

    # "Check again" asks Graph again and still says no.
    with qtbot.waitSignal(hosted.page.facts_shown, timeout=WAIT):
        qtbot.mouseClick(hosted.button("recheck_button"), Qt.MouseButton.LeftButton)
    assert hosted.status("role_status").kind is StatusKind.ERROR


def eligible_demo(sandbox: Sandbox) -> tuple[str, str]:
    """Lee: eligible for User Administrator in PIM, not active (an active Global Reader)."""
    name = f"{sandbox_state.DEMO_ELIGIBLE_USER}@{sandbox.info['demo']['tenant']}"
    return name, sandbox_state.DEMO_ELIGIBLE_USER_PASSWORD


def test_eligible_but_not_active_is_told_to_activate_the_role(
    qtbot: QtBot, build: Factory, sandbox: Sandbox
) -> None:
    # The demo tenant consented to RoleManagement.Read.Directory for the app: eligibility can be read.
    hosted = build(demo_account=eligible_demo(sandbox))
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    role = hosted.status("role_status")
    assert role.kind is StatusKind.WARNING
    assert role.text() == (
        "You are eligible for User Administrator but the role is not active. Activate it in Microsoft Entra "
        "(Privileged Identity Management), then sign in again or choose “Check again”."
    )
    assert not hosted.page.isComplete()
    assert not hosted.next_button.isEnabled()
    assert hosted.button("recheck_button").isVisible()


def test_eligibility_that_cannot_be_read_is_said_to_be_unknown(
    qtbot: QtBot, build: Factory, sandbox: Sandbox
) -> None:
    # A client the tenant consented to for reading roles (Directory.Read.All) but not eligibility (and with
    # the directory step's permissions, so that only the role is in question): Graph refuses to say.
    scopes = ("User.Read", "Directory.Read.All", "User.ReadWrite.All")
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "c2t-test-client/" + " ".join(scopes)))
    grant_consent(sandbox.base, str(sandbox.info["demo"]["tenant"]), " ".join(scopes), client_id=client_id)
    hosted = build(demo_account=eligible_demo(sandbox), scopes=scopes, client_id=client_id)
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    role = hosted.status("role_status")
    assert role.kind is StatusKind.ERROR
    assert "You need the Global Administrator or User Administrator role" in role.text()
    assert "can't see whether you are eligible" in role.text()
    assert not hosted.page.isComplete()


def test_use_another_account_asks_microsoft_to_choose(qtbot: QtBot, build: Factory, sandbox: Sandbox) -> None:
    admin, admin_password = creds(sandbox, "admin")
    hosted = build(demo_account=creds(sandbox, "user"), browser=ScriptedBrowser(admin, admin_password))
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    assert not hosted.next_button.isEnabled()
    with qtbot.waitSignal(hosted.page.facts_shown, timeout=WAIT):
        qtbot.mouseClick(hosted.button("switch_account_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    assert hosted.browser.params["prompt"] == "select_account"
    assert admin in hosted.label("signed_in_user_label").text()
    assert hosted.next_button.isEnabled()


def test_sign_out_goes_back_to_the_choices(
    qtbot: QtBot, build: Factory, sandbox: Sandbox, runner: Any
) -> None:
    hosted = build(demo_account=creds(sandbox, "admin"))
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    qtbot.mouseClick(hosted.button("sign_out_button"), Qt.MouseButton.LeftButton)
    assert not hosted.next_button.isEnabled()
    qtbot.waitUntil(lambda: hosted.page.state is SignInState.CHOICES, timeout=WAIT)
    assert hosted.status().kind is StatusKind.INFO
    assert "signed out" in hosted.status().text()
    assert hosted.auth.signed_in is None
    assert runner.call(hosted.auth.cached_accounts(), timeout=10) == []
    assert hosted.onboarding.tenant_facts is None
    assert hosted.button("sign_in_button").hasFocus()


def test_back_cancels_a_sign_in_that_is_waiting(qtbot: QtBot, build: Factory) -> None:
    hosted = build(browser=ScriptedBrowser(idle=True), before=True)
    hosted.wizard.next()
    qtbot.waitUntil(lambda: hosted.page.state is SignInState.CHOICES, timeout=WAIT)
    hosted.page.sign_in()
    qtbot.waitUntil(lambda: hosted.browser.opened.is_set(), timeout=WAIT)
    hosted.wizard.back()
    assert hosted.page.state is SignInState.CHOICES
    assert hosted.auth.signed_in is None


# --- errors in words, never a dialog -----------------------------------------------------------------------


def test_wrong_password_and_unknown_user_are_explained(qtbot: QtBot, build: Factory) -> None:
    hosted = build(demo_account=("admin@contoso.onmicrosoft.com", "wrong-Password-1"))
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.status().kind is StatusKind.ERROR, timeout=WAIT)
    assert hosted.page.state is SignInState.CHOICES
    assert "didn't accept that username and password" in hosted.status().text()
    assert "wrong-Password-1" not in hosted.status().text()
    assert not hosted.page.details_button.isVisible(), "a known problem needs no technical details"
    assert not hosted.label("sign_in_details").isVisible()
    assert no_dialogs()

    hosted.page.set_demo_account(("nobody@contoso.onmicrosoft.com", "whatever-Pass-1"))
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "isn't in the organisation" in hosted.status().text(), timeout=WAIT)
    assert "contoso.onmicrosoft.com" in hosted.status().text()
    assert no_dialogs()


def test_an_auth_error_s_details_are_redacted_and_short() -> None:
    from c2t_wizard.services.auth import AuthError, AuthProblem
    from c2t_wizard.ui.pages.sign_in import _details

    long = AuthError(AuthProblem.UNKNOWN, 50000, "x" * 1000)
    assert len(_details(long)) <= 300
    assert _details(long).startswith("UNKNOWN AADSTS50000: xxx")
    leaky = AuthError(AuthProblem.UNKNOWN, None, "token request failed")
    leaky.detail = "token request failed: password=Hunter2-secret refresh_token=abc.def"
    shown = _details(leaky)
    assert "Hunter2-secret" not in shown
    assert "abc.def" not in shown
    assert shown.startswith("UNKNOWN: token request failed")


def test_unknown_organisation_is_explained_at_once(qtbot: QtBot, build: Factory) -> None:
    prefix = "nosuchtenant" + uuid.uuid4().hex[:8]
    hosted = build(onboarding=Onboarding(choice=StartChoice.NEW_TENANT, tenant_prefix=prefix))
    assert hosted.page.state is SignInState.CHOICES
    assert hosted.status().kind is StatusKind.ERROR
    assert f"{prefix}.onmicrosoft.com" in hosted.status().text()
    assert "doesn't know the organisation" in hosted.status().text()


def test_consent_declined_in_the_browser(qtbot: QtBot, build: Factory, sandbox: Sandbox) -> None:
    username, _ = creds(sandbox, "admin")
    hosted = build(browser=ScriptedBrowser(username, "", decline=True))
    qtbot.mouseClick(hosted.button("sign_in_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.status().kind is StatusKind.ERROR, timeout=WAIT)
    assert "accept the permissions" in hosted.status().text()
    assert hosted.page.state is SignInState.CHOICES
    assert no_dialogs()


# --- the token cache ------------------------------------------------------------------------------------


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Encrypted persistence unavailable (no keyring, as on a bare Linux), whatever this machine has."""
    import msal_extensions

    def unavailable(location: str) -> Any:
        raise RuntimeError("no keyring here (test)")

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", unavailable)


def test_memory_only_notice_and_opting_in_to_a_private_file(
    qtbot: QtBot, build: Factory, sandbox: Sandbox, tmp_path: Path, no_keyring: None
) -> None:
    cache_dir = tmp_path / "opt-in-cache"
    username, _ = creds(sandbox, "admin")
    hosted = build(demo_account=creds(sandbox, "admin"), cache_dir=cache_dir)
    notice = hosted.label("token_cache_notice")
    qtbot.waitUntil(lambda: bool(notice.text()), timeout=WAIT)
    assert notice.isVisible()
    assert "won't remember you" in notice.text()
    assert hosted.checkbox.isVisible()
    assert not hosted.checkbox.isChecked()
    assert "not encrypted" in hosted.page.remember_insecurely_words.text()  # its words, wrapping beside it
    assert hosted.page.remember_insecurely_words.buddy() is hosted.checkbox

    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    assert not (cache_dir / PLAINTEXT_CACHE_FILE).exists()

    hosted.checkbox.click()
    qtbot.waitUntil(lambda: hosted.auth.cache_mode is CacheMode.PLAINTEXT_FILE, timeout=WAIT)
    qtbot.waitUntil(lambda: hosted.checkbox.isEnabled() and "isn't encrypted" in notice.text(), timeout=WAIT)
    path = cache_dir / PLAINTEXT_CACHE_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert username in path.read_text(encoding="utf-8"), "the sign-in moved into the file"
    assert "isn't encrypted" in notice.text()
    assert hosted.checkbox.isChecked()

    # The next start signs in from the file, without a click.
    again = build(cache_dir=cache_dir)
    wait_signed_in(qtbot, again)
    assert username in again.label("signed_in_user_label").text()
    assert again.checkbox.isChecked()

    # Opting out forgets the file; whoever is signed in stays signed in for this run.
    hosted.checkbox.click()
    qtbot.waitUntil(lambda: hosted.auth.cache_mode is CacheMode.MEMORY_ONLY, timeout=WAIT)
    # The service switches first; the page hears of it on its next turn of the event loop.
    qtbot.waitUntil(lambda: "won't remember you" in notice.text(), timeout=WAIT)
    assert not path.exists()
    assert hosted.auth.signed_in is not None


def test_an_encrypted_cache_is_named_and_offers_no_file(
    qtbot: QtBot, build: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a keyring exists (forced here, whatever this machine has) the page says the sign-in is kept
    encrypted and offers no unencrypted file."""
    import msal_extensions
    from msal_extensions.persistence import FilePersistence

    class KeyringPersistence(FilePersistence):  # type: ignore[misc]
        is_encrypted = True

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", KeyringPersistence)
    hosted = build(cache_dir=tmp_path / "encrypted-cache")
    notice = hosted.label("token_cache_notice")
    qtbot.waitUntil(lambda: bool(notice.text()), timeout=WAIT)
    assert hosted.auth.cache_mode is CacheMode.ENCRYPTED
    assert notice.text() == "Your sign-in is kept encrypted on this computer."
    assert notice.isVisible()
    assert not hosted.checkbox.isVisible()


# --- the wizard routes to the page ---------------------------------------------------------------------


def test_the_wizard_routes_existing_and_new_tenants_to_sign_in(
    qtbot: QtBot, runner: ServiceRunner, backend: Backend, tmp_path: Path
) -> None:
    auth = AuthService(backend, cache_dir=tmp_path)
    graph = GraphSession(backend, auth)
    services = Services(runner, backend, TenantDiscovery(backend), auth, graph, sandbox=True)
    wizard = OnboardingWizard(services, open_url=lambda url: True)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    try:
        wizard.onboarding.choice = StartChoice.EXISTING_TENANT
        assert wizard.nextId() == PageId.SIGN_IN
        wizard.onboarding.choice = StartChoice.DEMO
        assert wizard.nextId() == PageId.SIGN_IN
        wizard.onboarding.choice = StartChoice.NEW_TENANT
        assert wizard.nextId() == PageId.TENANT_NAME
        wizard.onboarding.choice = StartChoice.EXISTING_TENANT
        wizard.next()
        assert wizard.currentId() == PageId.SIGN_IN
        assert wizard.nextId() == PageId.USERS
        page = wizard.currentPage()
        assert isinstance(page, SignInPage)
        qtbot.waitUntil(lambda: page.state is SignInState.CHOICES, timeout=WAIT)
        assert auth.tenant == "organizations"
        wizard.set_demo_account(("admin@contoso.onmicrosoft.com", "x"))
        assert services.demo_account == ("admin@contoso.onmicrosoft.com", "x")
        assert page.demo_sign_in_button.isVisible()
    finally:
        wizard.close()
        runner.call(graph.aclose(), timeout=10)


def test_microsoft_busy_through_every_retry_is_said_so_not_sign_in_again(
    qtbot: QtBot, build: Factory, clean_faults: Sandbox
) -> None:
    hosted = build(demo_account=creds(clean_faults, "admin"))
    assert hosted.page.state is SignInState.CHOICES
    clean_faults.set_faults("429=1,retry_after=50ms")  # every token request: 429 AADSTS90033
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.status().kind is StatusKind.ERROR, timeout=WAIT)
    assert hosted.page.state is SignInState.CHOICES
    assert "Microsoft is busy right now" in hosted.status().text()
    assert "sign in again" not in hosted.status().text().lower()
    assert not hosted.page.details_button.isVisible(), "a known problem needs no technical details"
    assert no_dialogs()


# --- Microsoft's consent model (issue 16) -----------------------------------------------------------------


def test_under_the_limited_view_the_role_is_unknown_and_the_directory_step_asks_for_permission(
    qtbot: QtBot, build: Factory, sandbox: Sandbox
) -> None:
    # A client the demo tenant consented to for User.Read only: memberships come in the limited view.
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "c2t-test-client/User.Read"))
    grant_consent(sandbox.base, str(sandbox.info["demo"]["tenant"]), "User.Read", client_id=client_id)
    hosted = build(demo_account=creds(sandbox, "admin"), client_id=client_id)
    qtbot.mouseClick(hosted.button("demo_sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    role = hosted.status("role_status")
    assert role.kind is StatusKind.WARNING
    assert role.text() == (
        "We couldn't check your role in Contoso, so you can try: adding users works if you're a Global "
        "Administrator or User Administrator."
    )
    access = hosted.status("directory_access_status")
    assert access.isVisible()
    assert "permission to create users and reset passwords in Contoso" in access.text()
    assert hosted.button("allow_access_button").isVisible()
    assert not hosted.page.isComplete()  # the directory step's permissions are not there yet


def test_a_user_administrator_without_consent_is_told_who_must_approve_and_gets_the_link(
    qtbot: QtBot, build: Factory, sandbox: Sandbox
) -> None:
    """The second demo tenant (nobody consented; this is the only test that consents there): the User
    Administrator consents to User.Read for herself, then meets "Need admin approval" (AADSTS90094) for
    the directory step; the link, opened by the Global Administrator, grants it; "Try again" then works."""
    other = sandbox.info["unconsented"]
    ua = (str(other["user_admin"]["username"]), str(other["user_admin"]["password"]))
    browser = ScriptedBrowser(*ua)
    hosted = build(browser=browser, demo_account=ua)
    qtbot.mouseClick(hosted.button("sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    qtbot.waitUntil(lambda: hosted.button("allow_access_button").isVisible(), timeout=WAIT)
    assert hosted.status("role_status").kind is StatusKind.WARNING  # limited view: "you can try"
    qtbot.mouseClick(hosted.button("allow_access_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hosted.child(QWidget, "admin_approval_panel").isVisible(), timeout=WAIT)
    text = hosted.status("directory_access_status").text()
    assert "Global Administrator, Privileged Role Administrator, Cloud Application Administrator or " in text
    assert "Application Administrator" in text
    assert "Consent on behalf of your organization" in text
    assert not hosted.page.isComplete()
    link = hosted.child(QLineEdit, "admin_consent_link").text()
    assert link.startswith(f"{sandbox.base}/{other['tenant_id']}/v2.0/adminconsent?")
    query = parse_qs(urlsplit(link).query)
    assert query["redirect_uri"] == ["http://localhost"]
    assert query["client_id"] == ["14d82eec-204b-4c2f-b7e8-296a70dab67e"]
    assert query["scope"][0].split() == [
        "https://graph.microsoft.com/User.Read",
        "https://graph.microsoft.com/User.ReadWrite.All",
        "https://graph.microsoft.com/User-PasswordProfile.ReadWrite.All",
        "https://graph.microsoft.com/RoleManagement.Read.Directory",
    ]
    copy = hosted.button("copy_consent_link_button")
    assert copy.isVisible()
    assert copy.isEnabled()
    copy.click()  # (a mouse click would land outside the small test window)
    assert QGuiApplication.clipboard().text() == link

    # The Global Administrator opens the link and accepts (the browser then lands on http://localhost).
    with httpx.Client(trust_env=False, timeout=15) as client:
        form = parse_page(client.get(link)).form()
        ga = other["admin"]
        data = {**form.fields, "username": ga["username"], "password": ga["password"], "action": "consent"}
        answer = client.post(form.action, data=data)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["admin_consent"] == ["True"]

    opened = len(browser.urls)
    hosted.button("access_retry_button").click()
    qtbot.waitUntil(hosted.page.isComplete, timeout=WAIT)
    # MSAL keeps an HTTP 400 answer for 60 s (msal/throttled_http_client.py) and replays it for the same
    # refresh request, so a "Try again" within a minute of the refusal falls back to the browser once; there
    # the consent now exists and the sign-in goes through without a consent or approval page.
    assert len(browser.urls) <= opened + 1, browser.urls[opened:]
    role = hosted.status("role_status")
    assert role.kind is StatusKind.OK
    assert role.text() == "You can add users: you're a User Administrator."
    assert not hosted.child(QWidget, "directory_access_panel").isVisible()
    assert hosted.next_button.isEnabled()
