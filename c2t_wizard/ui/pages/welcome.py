"""Step 1: say what the wizard does, and let the partner choose where to start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from c2t_wizard.domain.onboarding import JourneyStep, Onboarding, StartChoice
from c2t_wizard.ui.choice_card import ChoiceCard, ParagraphLabel
from c2t_wizard.ui.scrolling import scrolling_layout

if TYPE_CHECKING:
    from datetime import datetime

    from c2t_wizard.services.journey import RunProgress


LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
"""Each language by its own name (never translated: a partner looks for the name they read)."""


def local_time(moment: datetime) -> str:
    """``moment`` in the user's time zone and locale, short."""
    from PySide6.QtCore import QDateTime, QLocale

    return QLocale().toString(
        QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000)), QLocale.FormatType.ShortFormat
    )


class WelcomePage(QWizardPage):
    """Three plain choices: a new Microsoft tenant, an existing one, or the practice sandbox.

    A change of choice is written to ``onboarding.choice`` at once and announced with ``completeChanged``, so
    the wizard re-asks ``nextId()`` and shows Next or Finish accordingly.

    Above the choices, when the wizard has found one (``show_offer``), the offer to continue an unfinished
    onboarding, with the steps already done; when an organisation is signed in (``show_signed_in``), a
    shortcut to onboard more people there. The wizard decides and acts; this page only words it.

    Signals:
        continue_requested(): continue the offered run.
        close_offer_requested(): the partner does not want to continue it (it is closed, kept in the
            history).
        more_people_requested(): onboard more people in the signed-in organisation.
        history_requested(): show the past onboardings.
        language_chosen(str): the partner chose another language ("en", "de"); whoever owns the app
            installs it (the page retranslates itself on the LanguageChange that follows) and remembers it.
    """

    continue_requested = Signal()
    close_offer_requested = Signal()
    more_people_requested = Signal()
    history_requested = Signal()
    language_chosen = Signal(str)

    def __init__(self, onboarding: Onboarding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_welcome")
        self._onboarding = onboarding
        self.intro = ParagraphLabel(parent=self)
        self.intro.setObjectName("welcome_intro")

        self.question = QLabel(self)
        self.question.setObjectName("welcome_question")
        font = self.question.font()
        font.setBold(True)
        self.question.setFont(font)

        self._cards: dict[StartChoice, ChoiceCard] = {
            choice: ChoiceCard("", "", self)
            for choice in (StartChoice.NEW_TENANT, StartChoice.EXISTING_TENANT, StartChoice.DEMO)
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
            card.setObjectName("choice_card")
            self._group.addButton(card.radio)
            card.radio.toggled.connect(self._on_toggled)

        # --- the language, switched at once and remembered (the wizard's owner does both) -------------
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("language_combo")
        for code, name in LANGUAGE_NAMES.items():
            self.language_combo.addItem(name, code)
        self.language_label = QLabel(self)
        self.language_label.setObjectName("language_label")
        self.language_label.setBuddy(self.language_combo)
        self.show_language(QLocale().name())
        self.language_combo.activated.connect(self._on_language_activated)

        # The offer to continue an unfinished onboarding is built when there is one (``show_offer``):
        # its frame touches Qt enums the first paint must not wait for.
        self._offer_built = False
        self.resume_offer: QFrame
        self.resume_title: QLabel
        self.resume_steps: QLabel
        self.continue_button: QPushButton
        self.close_offer_button: QPushButton

        # --- more people in the signed-in organisation, and the history -----------------------------
        self.more_people_button = QPushButton(self)
        self.more_people_button.setObjectName("more_people_button")
        self.more_people_button.clicked.connect(self.more_people_requested)
        self.more_people_button.setVisible(False)
        self._organisation: str | None = None
        self.history_button = QPushButton(self)
        self.history_button.setObjectName("history_button")
        self.history_button.clicked.connect(self.history_requested)
        self.history_button.setVisible(False)
        shortcuts = QHBoxLayout()
        shortcuts.addWidget(self.more_people_button)
        shortcuts.addStretch(1)
        shortcuts.addWidget(self.history_button)

        self._layout = layout = scrolling_layout(self)
        layout.setSpacing(10)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addWidget(self.question)
        for card in self._cards.values():
            layout.addWidget(card)
        layout.addStretch(1)
        layout.addLayout(shortcuts)
        language_row = QHBoxLayout()
        language_row.addStretch(1)
        language_row.addWidget(self.language_label)
        language_row.addWidget(self.language_combo)
        layout.addLayout(language_row)
        self._progress: RunProgress | None = None
        self.retranslate()
        self._show_choice(onboarding.choice)

    def retranslate(self) -> None:
        """Every text of the page in the language now installed (at first, and on a language change)."""
        self.setTitle(self.tr("Welcome to Call2Teams"))
        self.setSubTitle(
            self.tr(
                "This assistant gets your team ready for Call2Teams, one step at a time. "
                "It can take a few minutes; you can stop and come back later."
            )
        )
        self.intro.setText(
            self.tr(
                "It will:\n"
                "•  create a Microsoft work account for your organisation, if you don't have one yet\n"
                "•  add your staff to it\n"
                "•  send each of them their sign-in details\n"
                "•  invite them to the Call2Teams portal"
            )
        )
        self.question.setText(self.tr("How would you like to start?"))
        texts = {
            StartChoice.NEW_TENANT: (
                self.tr("I need a &Microsoft tenant"),
                self.tr(
                    "You don't have Microsoft 365 or a work account for your organisation yet. "
                    "We'll help you create one."
                ),
            ),
            StartChoice.EXISTING_TENANT: (
                self.tr("I &already have one"),
                self.tr(
                    "Your organisation already uses Microsoft 365 or has a work account. "
                    "You'll sign in with it."
                ),
            ),
            StartChoice.DEMO: (
                self.tr("Try the &demo (sandbox)"),
                self.tr(
                    "Walk through every step in a practice environment. Nothing real is created or changed."
                ),
            ),
        }
        for choice, (title, explanation) in texts.items():
            card = self._cards[choice]
            card.radio.setText(title)
            card.radio.setAccessibleName(title.replace("&", ""))
            card.radio.setAccessibleDescription(explanation)
            card.explanation.setText(explanation)
        self.language_label.setText(self.tr("&Language:"))
        self.language_combo.setAccessibleName(self.tr("Language of the wizard"))
        self.history_button.setText(self.tr("&History of onboardings…"))
        self.history_button.setToolTip(self.tr("Who was onboarded when, and what happened to each person."))
        if self._offer_built:
            self.continue_button.setText(self.tr("&Continue"))
            self.close_offer_button.setText(self.tr("I'm done &with it"))
            self.close_offer_button.setToolTip(
                self.tr("Don't offer it again. It stays in the past onboardings, and nobody is removed.")
            )
            if self._progress is not None:
                self.show_offer(self._progress)
        self.show_signed_in(self._organisation)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_language(self, locale_name: str) -> None:
        """Show ``locale_name``'s language as chosen (without asking for a switch)."""
        code = locale_name[:2].lower()
        index = self.language_combo.findData(code if code in LANGUAGE_NAMES else "en")
        self.language_combo.setCurrentIndex(index)

    def _on_language_activated(self, index: int) -> None:
        code = str(self.language_combo.itemData(index))
        if code != QLocale().name()[:2].lower():
            self.language_chosen.emit(code)

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

    # --- the offer, more people, the history (decided by the wizard, worded here) ----------------------

    @property
    def offer_shown(self) -> bool:
        return self._offer_built and self.resume_offer.isVisible()

    def _build_offer(self) -> None:
        from PySide6.QtCore import Qt  # not at import: the Qt namespace's enums would delay the first paint

        from c2t_wizard.ui.colors import colours

        self.resume_offer = QFrame(self)
        self.resume_offer.setObjectName("resume_offer")
        self.resume_offer.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        border = colours(self.palette()).accent_border.name()
        self.resume_offer.setStyleSheet(
            f"QFrame#resume_offer {{ border: 1px solid {border}; border-radius: 6px; }}"
        )
        self.resume_title = QLabel(self.resume_offer)
        self.resume_title.setObjectName("resume_title")
        self.resume_title.setWordWrap(True)
        bold = self.resume_title.font()
        bold.setBold(True)
        self.resume_title.setFont(bold)
        self.resume_steps = QLabel(self.resume_offer)
        self.resume_steps.setObjectName("resume_steps")
        self.resume_steps.setWordWrap(True)
        self.continue_button = QPushButton(self.tr("&Continue"), self.resume_offer)
        self.continue_button.setObjectName("continue_button")
        self.continue_button.clicked.connect(self.continue_requested)
        self.close_offer_button = QPushButton(self.tr("I'm done &with it"), self.resume_offer)
        self.close_offer_button.setObjectName("close_offer_button")
        self.close_offer_button.setToolTip(
            self.tr("Don't offer it again. It stays in the past onboardings, and nobody is removed.")
        )
        self.close_offer_button.clicked.connect(self.close_offer_requested)
        offer_text = QVBoxLayout()
        offer_text.addWidget(self.resume_title)
        offer_text.addWidget(self.resume_steps)
        offer_layout = QHBoxLayout(self.resume_offer)
        offer_layout.setContentsMargins(10, 8, 10, 8)
        offer_layout.addLayout(offer_text, 1)
        offer_layout.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignVCenter)
        offer_layout.addWidget(self.close_offer_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout.insertWidget(1, self.resume_offer)
        self._offer_built = True

    def show_offer(self, progress: RunProgress | None) -> None:
        """Offer to continue ``progress`` (None: nothing to offer)."""
        self._progress = progress
        if progress is None:
            if self._offer_built:
                self.resume_offer.setVisible(False)
            return
        if not self._offer_built:
            self._build_offer()
        self.resume_offer.setVisible(True)
        done, total = progress.counts
        organisation = progress.organisation_name or self.tr("your organisation")
        step = progress.next_step
        if step is JourneyStep.CREATE:
            text = _plural(
                total,
                self.tr("Continue onboarding {organisation}: {done} of 1 person added."),
                self.tr("Continue onboarding {organisation}: {done} of %n people added.", "", total),
            )
        elif step is JourneyStep.DELIVER:
            text = _plural(
                total,
                self.tr("Continue onboarding {organisation}: {done} of 1 person has their sign-in details."),
                self.tr(
                    "Continue onboarding {organisation}: {done} of %n people have their sign-in details.",
                    "",
                    total,
                ),
            )
        elif step is JourneyStep.INVITE:
            text = _plural(
                total,
                self.tr("Continue onboarding {organisation}: {done} of 1 person invited."),
                self.tr("Continue onboarding {organisation}: {done} of %n people invited.", "", total),
            )
        else:
            done, total = progress.invited, progress.total
            text = _plural(
                total,
                self.tr(
                    "Continue onboarding {organisation}: {done} of 1 person onboarded; the summary says "
                    "what is left to retry."
                ),
                self.tr(
                    "Continue onboarding {organisation}: {done} of %n people onboarded; the summary says "
                    "what is left to retry.",
                    "",
                    total,
                ),
            )
        self.resume_title.setText(text.format(organisation=organisation, done=done))
        names = {
            JourneyStep.CREATE: self.tr("Microsoft accounts created"),
            JourneyStep.DELIVER: self.tr("sign-in details handed over"),
            JourneyStep.INVITE: self.tr("invited to the portal"),
        }
        nexts = {
            JourneyStep.CREATE: self.tr("creating the Microsoft accounts"),
            JourneyStep.DELIVER: self.tr("handing over the sign-in details"),
            JourneyStep.INVITE: self.tr("inviting them to the Call2Teams portal"),
            JourneyStep.SUMMARY: self.tr("the summary"),
        }
        when = local_time(progress.created_at)
        parts = [self.tr("Started {when}.").format(when=when)]
        parts += [self.tr("Done: {step}.").format(step=names[done_step]) for done_step in progress.done_steps]
        parts.append(self.tr("Next: {step}.").format(step=nexts[step]))
        self.resume_steps.setText(" ".join(parts))
        self.continue_button.setAccessibleName(
            self.tr("Continue onboarding {organisation}").format(organisation=organisation)
        )

    def show_signed_in(self, organisation: str | None) -> None:
        """An organisation is signed in (None: none): a shortcut to onboard more people there."""
        self._organisation = organisation
        self.more_people_button.setVisible(bool(organisation))
        if organisation:
            self.more_people_button.setText(
                self.tr("Onboard more &people in {organisation}").format(organisation=organisation)
            )

    def set_history_available(self, available: bool) -> None:
        self.history_button.setVisible(available)


def _plural(count: int, one: str, many: str) -> str:
    """``one`` for exactly 1, else ``many``, which comes from ``tr("…%n…", "", count)``: each translation has
    its language's plural forms there, while English (which ships no translation) gets both its texts."""
    return one if count == 1 else many
