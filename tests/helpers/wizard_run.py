"""Drive the whole app (WizardApplication on its own sandbox) as a partner would: shared by e2e tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QRadioButton, QWizard
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Config
from c2t_wizard.ui.application import WizardApplication
from c2t_wizard.ui.pages.sign_in import SignInPage, SignInState
from c2t_wizard.ui.wizard import PageId
from helpers.identity_web import ScriptedBrowser

WAIT = 30_000


class Run:
    """One app on its own sandbox, driven like a partner would."""

    def __init__(self, qtbot: QtBot, config: Config) -> None:
        self.qtbot = qtbot
        self.browser = ScriptedBrowser()
        self.opened: list[str] = []
        self.reported: list[str] = []
        self.app = WizardApplication(
            config,
            show_error_dialogs=False,
            open_url=self._open_url,
            auth_options={"open_browser": self.browser},
        )
        self.app.errors.reported.connect(self.reported.append)

    def _open_url(self, url: str) -> bool:
        self.opened.append(url)
        return True

    @property
    def wizard(self) -> QWizard:
        return self.app.wizard

    def button(self, which: QWizard.WizardButton) -> QPushButton:
        button = self.wizard.button(which)
        assert isinstance(button, QPushButton)
        return button

    def start(self) -> None:
        self.app.show()
        self.qtbot.waitExposed(self.wizard)
        self.app.start_services()  # what the first paint does (idempotent): runner, sandbox, warm-up

    def sandbox_info(self) -> dict[str, Any]:
        self.qtbot.waitUntil(lambda: self.app.backend.known is not None, timeout=WAIT)
        assert self.app.sandbox is not None
        assert self.app.sandbox.info is not None
        return self.app.sandbox.info

    def to_sign_in(self) -> SignInPage:
        existing = self.wizard.currentPage().findChild(QRadioButton, "choice_existing_tenant")
        assert existing is not None
        self.qtbot.mouseClick(existing, Qt.MouseButton.LeftButton)
        self.qtbot.mouseClick(self.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        assert self.wizard.currentId() == PageId.SIGN_IN
        page = self.wizard.currentPage()
        assert isinstance(page, SignInPage)
        self.qtbot.waitUntil(lambda: page.state is SignInState.CHOICES, timeout=WAIT)
        return page

    def sign_in(self, page: SignInPage, who: str = "admin") -> dict[str, str]:
        account = dict(self.sandbox_info()["demo"][who])
        self.browser.username, self.browser.password = account["username"], account["password"]
        assert page.sign_in_button.hasFocus()
        self.qtbot.keyClick(page.sign_in_button, Qt.Key.Key_Return)

        def signed_in() -> None:
            assert page.state is SignInState.SIGNED_IN, (page.state, page.sign_in_status.text())

        self.qtbot.waitUntil(signed_in, timeout=WAIT)
        return account
