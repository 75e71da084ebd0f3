"""The Welcome page: three plain choices, each saved at once, all reachable from the keyboard."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton, QWizard, QWizardPage
from pytestqt.qtbot import QtBot

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.ui.pages.welcome import WelcomePage

NAMES = {
    StartChoice.NEW_TENANT: "choice_new_tenant",
    StartChoice.EXISTING_TENANT: "choice_existing_tenant",
    StartChoice.DEMO: "choice_demo",
}


class Hosted:
    def __init__(self, wizard: QWizard, page: WelcomePage, onboarding: Onboarding) -> None:
        self.wizard = wizard
        self.page = page
        self.onboarding = onboarding

    def radio(self, choice: StartChoice) -> QRadioButton:
        button = self.page.findChild(QRadioButton, NAMES[choice])
        assert button is not None, NAMES[choice]
        return button


@pytest.fixture
def welcome(qtbot: QtBot) -> Iterator[Hosted]:
    onboarding = Onboarding()
    wizard = QWizard()
    page = WelcomePage(onboarding)
    wizard.addPage(page)
    wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    yield Hosted(wizard, page, onboarding)
    wizard.close()


def test_page_identity_and_accessibility(welcome: Hosted) -> None:
    page = welcome.page
    assert page.objectName() == "page_welcome"
    assert page.title()
    assert page.subTitle()
    for choice in StartChoice:
        radio = welcome.radio(choice)
        assert radio.accessibleName()
        assert radio.accessibleDescription(), "each choice explains itself in plain words"
        assert "&" in radio.text(), "each choice has a mnemonic"
    assert welcome.radio(StartChoice.NEW_TENANT).isChecked()
    assert welcome.onboarding.choice is StartChoice.NEW_TENANT


@pytest.mark.parametrize("choice", list(StartChoice))
def test_each_choice_sets_the_onboarding(qtbot: QtBot, welcome: Hosted, choice: StartChoice) -> None:
    # Start from another choice so that every click is a change.
    other = StartChoice.DEMO if choice is not StartChoice.DEMO else StartChoice.NEW_TENANT
    welcome.radio(other).click()
    assert welcome.onboarding.choice is other
    with qtbot.waitSignal(welcome.page.completeChanged, timeout=1000):
        qtbot.mouseClick(welcome.radio(choice), Qt.MouseButton.LeftButton)
    assert welcome.onboarding.choice is choice
    assert welcome.radio(choice).isChecked()
    assert sum(welcome.radio(c).isChecked() for c in StartChoice) == 1


def test_clicking_the_explanation_picks_the_choice(qtbot: QtBot, welcome: Hosted) -> None:
    card = welcome.radio(StartChoice.DEMO).parentWidget()
    assert card is not None
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert welcome.onboarding.choice is StartChoice.DEMO


def test_keyboard_only_selection(qtbot: QtBot, welcome: Hosted) -> None:
    wizard = welcome.wizard
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wizard, timeout=5000)
    first = welcome.radio(StartChoice.NEW_TENANT)
    first.setFocus()
    qtbot.waitUntil(first.hasFocus, timeout=5000)

    qtbot.keyClick(first, Qt.Key.Key_Down)
    assert welcome.onboarding.choice is StartChoice.EXISTING_TENANT
    assert welcome.radio(StartChoice.EXISTING_TENANT).hasFocus()

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert welcome.onboarding.choice is StartChoice.DEMO

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert welcome.onboarding.choice is StartChoice.EXISTING_TENANT

    # Mnemonics (a mnemonic "animates" the click, so it lands a moment later).
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: welcome.onboarding.choice is StartChoice.DEMO, timeout=5000)
    assert welcome.radio(StartChoice.DEMO).hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: welcome.onboarding.choice is StartChoice.NEW_TENANT, timeout=5000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: welcome.onboarding.choice is StartChoice.EXISTING_TENANT, timeout=5000)


def test_shows_the_saved_choice_when_initialised(qtbot: QtBot) -> None:
    onboarding = Onboarding(choice=StartChoice.EXISTING_TENANT)
    wizard = QWizard()
    page = WelcomePage(onboarding)
    wizard.addPage(page)
    qtbot.addWidget(wizard)
    wizard.show()
    button = page.findChild(QRadioButton, "choice_existing_tenant")
    assert button is not None
    assert button.isChecked()
    wizard.close()


def test_every_choice_leads_on_and_the_demo_stays_in_the_sandbox(qtbot: QtBot, runner: Any) -> None:
    from c2t_wizard.config import Endpoints
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.tenant_discovery import TenantDiscovery
    from c2t_wizard.ui.services import Services
    from c2t_wizard.ui.wizard import OnboardingWizard, PageId

    unused = Backend(Endpoints(login="https://127.0.0.1:1", graph="https://127.0.0.1:1", signup="https://x"))
    given = {"runner": runner, "backend": unused, "discovery": TenantDiscovery(unused)}
    # Services this page never touches (sign-in, Graph, ...) stay None.
    required = {
        field.name: given.get(field.name)
        for field in dataclasses.fields(Services)
        if field.name in given
        or (field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING)
    }
    wizard = OnboardingWizard(Services(**required), open_url=lambda url: True)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    finish_button = wizard.button(QWizard.WizardButton.FinishButton)
    try:
        assert next_button.isVisible()
        assert not finish_button.isVisible()
        # Every choice leads on: a new tenant to its name, the others to signing in.
        for name in ("choice_demo", "choice_existing_tenant", "choice_new_tenant"):
            choice = wizard.findChild(QRadioButton, name)
            assert choice is not None
            choice.click()
            assert next_button.isVisible()
            assert next_button.isEnabled()
            assert not finish_button.isVisible()
        # Outside sandbox mode the demo never reaches Microsoft: the wizard asks the app to restart on the
        # sandbox instead of moving on.
        demo = wizard.findChild(QRadioButton, "choice_demo")
        assert demo is not None
        demo.click()
        with qtbot.waitSignal(wizard.demo_requested, timeout=2000):
            next_button.click()
        assert wizard.currentId() == PageId.WELCOME
    finally:
        wizard.close()


def test_the_explanation_lines_up_with_the_choice_title(welcome: Hosted) -> None:
    from PySide6.QtWidgets import QStyle

    from c2t_wizard.ui.choice_card import EXPLANATION_GAP, radio_indicator_width

    radio = welcome.radio(StartChoice.NEW_TENANT)
    assert radio_indicator_width() == radio.style().pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth)
    card = radio.parentWidget()
    assert card is not None
    explanation = card.findChild(QLabel, "choice_explanation")
    assert explanation is not None
    assert explanation.x() - radio.x() == radio_indicator_width() + EXPLANATION_GAP


def test_the_chosen_card_has_the_highlighted_border(qtbot: QtBot, welcome: Hosted) -> None:
    def border_colour(choice: StartChoice) -> str:
        card = welcome.radio(choice).parentWidget()
        assert card is not None
        image = card.grab().toImage()
        return image.pixelColor(image.width() // 2, 0).name()

    palette = welcome.page.palette()
    chosen, other = StartChoice.DEMO, StartChoice.NEW_TENANT
    welcome.radio(chosen).click()
    qtbot.waitUntil(lambda: border_colour(chosen) == palette.highlight().color().name(), timeout=2000)
    assert border_colour(other) == palette.mid().color().name()


def test_a_paragraph_label_answers_the_heights_a_plain_label_does(qtbot: QtBot) -> None:
    """The Welcome page's paragraphs remember their height per width; every answer must still be QLabel's
    own, after the words, the font or the style change."""
    from c2t_wizard.ui.choice_card import ParagraphLabel

    words = "Walk through every step in a practice environment. Nothing real is created or changed."
    remembering, plain = ParagraphLabel(words), QLabel(words)
    plain.setWordWrap(True)
    for label in (remembering, plain):
        qtbot.addWidget(label)

    def same_heights() -> None:
        for width in (80, 160, 320, 640, 160, 80):
            assert remembering.heightForWidth(width) == plain.heightForWidth(width)

    same_heights()
    for label in (remembering, plain):
        label.setText(words + " " + words)
    same_heights()
    font = plain.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    for label in (remembering, plain):
        label.setFont(font)
    same_heights()
    before = remembering.heightForWidth(160)
    for label in (remembering, plain):  # neither the words nor the font: only the style changes the height
        label.setStyleSheet("QLabel { padding: 12px; }")
    same_heights()
    assert remembering.heightForWidth(160) > before
    for width in range(100, 200):  # a window resized through many widths: the memory stays small
        remembering.heightForWidth(width)
    assert len(remembering._heights) <= 32
