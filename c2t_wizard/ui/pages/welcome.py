"""Step 1: say what the wizard does, and let the partner choose where to start."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QVBoxLayout, QWidget, QWizardPage

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.ui.choice_card import ChoiceCard


class WelcomePage(QWizardPage):
    """Three plain choices: a new Microsoft tenant, an existing one, or the practice sandbox.

    A change of choice is written to ``onboarding.choice`` at once and announced with ``completeChanged``, so
    the wizard re-asks ``nextId()`` and shows Next or Finish accordingly.
    """

    def __init__(self, onboarding: Onboarding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_welcome")
        self._onboarding = onboarding
        self.setTitle(self.tr("Welcome to Call2Teams"))
        self.setSubTitle(
            self.tr(
                "This assistant gets your team ready for Call2Teams, one step at a time. "
                "It can take a few minutes; you can stop and come back later."
            )
        )

        intro = QLabel(
            self.tr(
                "It will:\n"
                "•  create a Microsoft work account for your organisation, if you don't have one yet\n"
                "•  add your staff to it\n"
                "•  send each of them their sign-in details\n"
                "•  invite them to the Call2Teams portal"
            ),
            self,
        )
        intro.setObjectName("welcome_intro")
        intro.setWordWrap(True)

        question = QLabel(self.tr("How would you like to start?"), self)
        question.setObjectName("welcome_question")
        font = question.font()
        font.setBold(True)
        question.setFont(font)

        self._cards: dict[StartChoice, ChoiceCard] = {
            StartChoice.NEW_TENANT: ChoiceCard(
                self.tr("I need a &Microsoft tenant"),
                self.tr(
                    "You don't have Microsoft 365 or a work account for your organisation yet. "
                    "We'll help you create one."
                ),
                self,
            ),
            StartChoice.EXISTING_TENANT: ChoiceCard(
                self.tr("I &already have one"),
                self.tr(
                    "Your organisation already uses Microsoft 365 or has a work account. "
                    "You'll sign in with it."
                ),
                self,
            ),
            StartChoice.DEMO: ChoiceCard(
                self.tr("Try the &demo (sandbox)"),
                self.tr(
                    "Walk through every step in a practice environment. Nothing real is created or changed."
                ),
                self,
            ),
        }
        names = {
            StartChoice.NEW_TENANT: "choice_new_tenant",
            StartChoice.EXISTING_TENANT: "choice_existing_tenant",
            StartChoice.DEMO: "choice_demo",
        }
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        for choice, card in self._cards.items():
            card.radio.setObjectName(names[choice])
            card.radio.setAccessibleName(card.radio.text().replace("&", ""))
            card.setObjectName("choice_card")
            self._group.addButton(card.radio)
            card.radio.toggled.connect(self._on_toggled)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(question)
        for card in self._cards.values():
            layout.addWidget(card)
        layout.addStretch(1)
        self._show_choice(onboarding.choice)

    @property
    def choice(self) -> StartChoice:
        return self._onboarding.choice

    def choice_button(self, choice: StartChoice) -> QWidget:
        """The radio button for ``choice`` (for tests and focus handling)."""
        return self._cards[choice].radio

    def initializePage(self) -> None:
        self._show_choice(self._onboarding.choice)

    def _show_choice(self, choice: StartChoice) -> None:
        self._cards[choice].radio.setChecked(True)

    def _on_toggled(self, checked: bool) -> None:
        if not checked:
            return
        for choice, card in self._cards.items():
            if card.radio.isChecked() and self._onboarding.choice is not choice:
                self._onboarding.choice = choice
                # completeChanged alone refreshes only the buttons' enabled state; setFinalPage also
                # makes QWizard re-ask nextId(), so Next and Finish swap as the path changes.
                self.setFinalPage(False)
                self.completeChanged.emit()
