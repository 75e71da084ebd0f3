"""The onboarding wizard: pages declared once, services injected, branching in ``nextId()``."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from c2t_wizard.domain.onboarding import Onboarding, StartChoice

if TYPE_CHECKING:
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.ui.pages.credentials import CredentialsPage
    from c2t_wizard.ui.pages.sign_in import SignInPage
    from c2t_wizard.ui.pages.users import UsersPage
    from c2t_wizard.ui.services import Services


class PageId(IntEnum):
    WELCOME = 0
    TENANT_NAME = 10
    SIGNUP = 20
    SIGN_IN = 30
    USERS = 40
    CREDENTIALS = 50


def open_in_browser(url: str) -> bool:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl(url))


class OnboardingWizard(QWizard):
    """From "no Microsoft tenant" to "my staff are administrators in the Call2Teams portal".

    Only the Welcome page is built with the window; the pages that talk to services are built by
    ``install_services`` (the app calls it once the window has painted, so nothing slow comes before the
    partner sees the wizard; given services at construction, it is called at once).

    Signals:
        demo_requested(): the partner chose the demo while the app talks to Microsoft; the app restarts
            itself on the sandbox (the demo never touches a real tenant).
    """

    demo_requested = Signal()

    def __init__(
        self,
        services: Services | None = None,
        onboarding: Onboarding | None = None,
        parent: QWidget | None = None,
        open_url: Callable[[str], bool] = open_in_browser,
    ) -> None:
        super().__init__(parent)
        from c2t_wizard.ui.pages.welcome import WelcomePage

        self.setObjectName("OnboardingWizard")
        self.setWindowTitle(self.tr("Call2Teams onboarding"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(760, 560)
        self.onboarding = onboarding or Onboarding()
        self._open_url = open_url
        self._services: Services | None = None
        self.sign_in_page: SignInPage | None = None
        self.users_page: UsersPage | None = None
        self.credentials_page: CredentialsPage | None = None
        self.setPage(PageId.WELCOME, WelcomePage(self.onboarding, self))
        self.setStartId(PageId.WELCOME)
        if services is not None:
            self.install_services(services)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the wizard's services are not installed yet")
        return self._services

    @property
    def has_services(self) -> bool:
        return self._services is not None

    def install_services(self, services: Services) -> None:
        """Build the pages that talk to services; once."""
        if self._services is not None:
            return
        self._services = services
        # Imported here: page modules (and the services they use) load after the first paint.
        from c2t_wizard.ui.pages.sign_in import SignInPage
        from c2t_wizard.ui.pages.signup import SignupPage
        from c2t_wizard.ui.pages.tenant_name import TenantNamePage
        from c2t_wizard.ui.pages.users import UsersPage

        open_url = self._open_url
        self.setPage(
            PageId.TENANT_NAME,
            TenantNamePage(self.onboarding, services.runner, services.discovery, self),
        )
        self.setPage(
            PageId.SIGNUP,
            SignupPage(
                self.onboarding,
                services.runner,
                services.discovery,
                services.backend,
                open_url=open_url,
                parent=self,
            ),
        )
        self.sign_in_page = SignInPage(
            self.onboarding,
            services.runner,
            services.auth,
            services.graph,
            open_url=open_url,
            parent=self,
            sandbox=services.sandbox,
            demo_account=services.demo_account,
        )
        self.setPage(PageId.SIGN_IN, self.sign_in_page)
        self.users_page = UsersPage(
            self.onboarding, services.runner, services.directory, services.journal, parent=self
        )
        self.setPage(PageId.USERS, self.users_page)
        if services.delivery is not None:
            from c2t_wizard.ui.pages.credentials import CredentialsPage

            self.credentials_page = CredentialsPage(
                self.onboarding,
                services.runner,
                services.delivery,
                journal=lambda: self.services.journal,
                open_url=open_url,
                parent=self,
            )
            self.setPage(PageId.CREDENTIALS, self.credentials_page)

    def set_demo_account(self, account: tuple[str, str] | None) -> None:
        """The sandbox's demo administrator, once the sandbox has said who it is."""
        self.services.demo_account = account
        if self.sign_in_page is not None:
            self.sign_in_page.set_demo_account(account)

    def validateCurrentPage(self) -> bool:
        if self._services is None:  # a click before the first paint finished: nothing to go to yet
            return False
        if (
            self.currentId() == PageId.WELCOME
            and self.onboarding.choice is StartChoice.DEMO
            and not self.services.sandbox
        ):
            self.demo_requested.emit()
            return False
        return super().validateCurrentPage()

    def set_users_services(self, directory: DirectoryService | None, journal: Journal | None) -> None:
        """The directory and the journal, once the app has opened them."""
        self.services.directory = directory
        self.services.journal = journal
        if self.users_page is not None:
            self.users_page.set_services(directory, journal)

    def nextId(self) -> int:
        current = self.currentId()
        if current == PageId.WELCOME:
            if self.onboarding.choice is StartChoice.NEW_TENANT:
                return int(PageId.TENANT_NAME)
            return int(PageId.SIGN_IN)
        if current == PageId.TENANT_NAME:
            return int(PageId.SIGNUP)
        if current == PageId.SIGNUP:
            return int(PageId.SIGN_IN)
        if current == PageId.SIGN_IN:
            return int(PageId.USERS)
        if current == PageId.USERS:
            return int(PageId.CREDENTIALS) if self.credentials_page is not None else -1
        if current == PageId.CREDENTIALS:
            return -1
        return super().nextId()
