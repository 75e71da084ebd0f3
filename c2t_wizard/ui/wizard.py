"""The onboarding wizard: pages declared once, services injected, branching in ``nextId()``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget, QWizard

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.services.auth import AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.runner import ServiceRunner


class PageId(IntEnum):
    WELCOME = 0
    TENANT_NAME = 10
    SIGNUP = 20


@dataclass
class Services:
    """Everything the pages talk to, built once by the app (or a test) and injected."""

    runner: ServiceRunner
    backend: Backend
    discovery: TenantDiscovery
    auth: AuthService
    graph: GraphSession
    sandbox: bool = False


def open_in_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


class OnboardingWizard(QWizard):
    """From "no Microsoft tenant" to "my staff are administrators in the Call2Teams portal"."""

    def __init__(
        self,
        services: Services,
        onboarding: Onboarding | None = None,
        parent: QWidget | None = None,
        open_url: object = open_in_browser,
    ) -> None:
        super().__init__(parent)
        # Imported here so that building the wizard is the only place that knows every page.
        from c2t_wizard.ui.pages.signup import SignupPage
        from c2t_wizard.ui.pages.tenant_name import TenantNamePage
        from c2t_wizard.ui.pages.welcome import WelcomePage

        self.setObjectName("OnboardingWizard")
        self.setWindowTitle(self.tr("Call2Teams onboarding"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(760, 560)
        self.services = services
        self.onboarding = onboarding or Onboarding()

        self.setPage(PageId.WELCOME, WelcomePage(self.onboarding, self))
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
                open_url=open_url,  # type: ignore[arg-type]
                parent=self,
            ),
        )
        self.setStartId(PageId.WELCOME)

    def nextId(self) -> int:
        current = self.currentId()
        if current == PageId.WELCOME:
            if self.onboarding.choice is StartChoice.NEW_TENANT:
                return int(PageId.TENANT_NAME)
            return -1
        if current == PageId.TENANT_NAME:
            return int(PageId.SIGNUP)
        if current == PageId.SIGNUP:
            return -1
        return super().nextId()
