"""A wizard page hosted alone in a bare QWizard for a page test, and the widgets found in it by name."""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtWidgets import QPushButton, QWidget, QWizard, QWizardPage

from c2t_wizard.domain.onboarding import Onboarding

PageT = TypeVar("PageT", bound=QWizardPage)
WidgetT = TypeVar("WidgetT", bound=QWidget)


class HostedPage(Generic[PageT]):
    def __init__(self, wizard: QWizard, page: PageT, onboarding: Onboarding) -> None:
        self.wizard = wizard
        self.page = page
        self.onboarding = onboarding

    def child(self, kind: type[WidgetT], name: str) -> WidgetT:
        """The page's widget of that kind and object name (the test fails if there is none)."""
        widget = self.page.findChild(kind, name)
        assert widget is not None, name
        return widget

    def button(self, name: str) -> QPushButton:
        return self.child(QPushButton, name)
