"""The journey map: which steps are done, current, skipped (decided in the domain), and how it is drawn,
read by a screen reader, coloured in light and dark, and translated live; the icon; the language switch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from c2t_wizard.domain.journey_map import MapStep, StepState, journey_map
from c2t_wizard.domain.onboarding import JourneyStep, StartChoice
from c2t_wizard.ui.colors import colours

S = MapStep


def states(entries: tuple[Any, ...]) -> list[StepState]:
    return [entry.state for entry in entries]


D, C, T, X = StepState.DONE, StepState.CURRENT, StepState.TODO, StepState.SKIPPED


# --- the decision -------------------------------------------------------------------------------------


def test_new_tenant_on_the_users_page() -> None:
    entries = journey_map(S.USERS, [S.TENANT, S.SIGNUP, S.SIGN_IN, S.USERS], StartChoice.NEW_TENANT)
    assert states(entries) == [D, D, D, C, T, T, T]
    assert [entry.number for entry in entries] == [1, 2, 3, 4, 5, 6, 7]


def test_existing_tenant_skips_the_name_and_the_sign_up() -> None:
    entries = journey_map(S.USERS, [S.SIGN_IN, S.USERS], StartChoice.EXISTING_TENANT)
    assert states(entries) == [X, X, D, C, T, T, T]
    # The demo (sandbox) also starts from an organisation that exists.
    assert states(journey_map(S.SIGN_IN, [S.SIGN_IN], StartChoice.DEMO)) == [X, X, C, T, T, T, T]


def test_on_the_welcome_page_nothing_is_done_and_the_choice_shows_what_is_skipped() -> None:
    assert states(journey_map(None, [], StartChoice.NEW_TENANT)) == [T] * 7
    assert states(journey_map(None, [], StartChoice.EXISTING_TENANT)) == [X, X, T, T, T, T, T]


def test_back_takes_steps_off_the_done_ones() -> None:
    # Back from Sign-up to the name: Sign-up is no longer passed, so it is not done.
    assert states(journey_map(S.TENANT, [S.TENANT], StartChoice.NEW_TENANT)) == [C, T, T, T, T, T, T]
    # A step in the history but after the current one (cannot happen through QWizard, but) is not "done".
    assert journey_map(S.SIGNUP, [S.TENANT, S.SIGNUP, S.USERS], StartChoice.NEW_TENANT)[3].state is T


def test_a_continued_run_shows_what_its_journal_has_done() -> None:
    entries = journey_map(
        S.PORTAL, [S.SIGN_IN, S.PORTAL], StartChoice.EXISTING_TENANT, resume_step=JourneyStep.INVITE
    )
    assert states(entries) == [X, X, D, D, D, C, T]
    entries = journey_map(
        S.PASSWORDS, [S.SIGN_IN, S.PASSWORDS], StartChoice.EXISTING_TENANT, resume_step=JourneyStep.DELIVER
    )
    assert states(entries) == [X, X, D, D, C, T, T]


def test_no_way_to_hand_over_passwords_skips_that_step() -> None:
    entries = journey_map(
        S.SUMMARY,
        [S.SIGN_IN, S.USERS, S.PORTAL, S.SUMMARY],
        StartChoice.EXISTING_TENANT,
        passwords_offered=False,
    )
    assert states(entries) == [X, X, D, D, X, D, C]


# --- the widget ---------------------------------------------------------------------------------------


def accessible_name(widget: Any) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return str(interface.text(QAccessible.Text.Name))


def accessible_description(widget: Any) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return str(interface.text(QAccessible.Text.Description))


@pytest.fixture
def journey(qtbot: Any) -> Any:
    from c2t_wizard.ui.journey_map import JourneyMap

    widget = JourneyMap()
    qtbot.addWidget(widget)
    widget.resize(200, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_map_reads_step_n_of_7_and_each_step_says_its_state(journey: Any) -> None:
    assert accessible_name(journey) == "Onboarding in 7 steps"
    journey.set_entries(journey_map(S.USERS, [S.SIGN_IN, S.USERS], StartChoice.EXISTING_TENANT))
    assert journey.objectName() == "journey_map"
    assert accessible_name(journey) == "Step 4 of 7: Users"
    items = journey.items
    assert accessible_name(items[S.USERS]) == "Step 4 of 7: Users"
    assert accessible_description(items[S.USERS]) == "current step"
    assert accessible_name(items[S.SIGN_IN]) == "Step 3 of 7: Sign in"
    assert accessible_description(items[S.SIGN_IN]) == "done"
    assert accessible_description(items[S.SIGNUP]) == "skipped"
    assert accessible_description(items[S.SUMMARY]) == "to do"


def circle_colour(item: Any) -> Any:
    """The colour at the middle of the step's circle, as painted."""
    image = item.grab().toImage()
    centre = QPoint(int(4.5 + item.DIAMETER / 2), item.height() // 2)
    return image.pixelColor(centre.x() + 6, centre.y() + 7)  # off the number and the tick


def test_current_done_and_skipped_are_drawn_apart(journey: Any) -> None:
    journey.set_entries(journey_map(S.USERS, [S.SIGN_IN, S.USERS], StartChoice.EXISTING_TENANT))
    ours = colours(journey.palette())
    window = journey.palette().color(QPalette.ColorRole.Window)
    assert circle_colour(journey.items[S.USERS]) == ours.step_mark  # current: filled
    assert circle_colour(journey.items[S.SIGN_IN]) == ours.done_mark  # done: filled, with a tick
    assert circle_colour(journey.items[S.SIGNUP]) == window  # skipped: hollow, greyed
    skipped_text = journey.items[S.SIGNUP].colours()[2]
    todo_text = journey.items[S.PORTAL].colours()[2]
    assert skipped_text == ours.secondary_text
    assert skipped_text != todo_text
    assert journey.items[S.USERS]._font().bold()
    assert not journey.items[S.PORTAL]._font().bold()


def test_the_map_follows_a_switch_to_dark_and_back(qtbot: Any, journey: Any) -> None:
    from c2t_wizard.ui.dark_style import DarkFusionStyle
    from c2t_wizard.ui.theme import ColorSchemeFollower

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    journey.set_entries(journey_map(S.USERS, [S.USERS], StartChoice.EXISTING_TENANT))
    item = journey.items[S.USERS]
    light_window = journey.palette().color(QPalette.ColorRole.Window)
    light_circle = circle_colour(item)
    follower = ColorSchemeFollower(app)
    follower.start()  # as the app does once the window has painted
    try:
        # The system says dark: the signal Qt emits when the scheme changes.
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert follower.dark
        assert isinstance(app.style(), DarkFusionStyle)  # rims on check boxes and radio buttons
        qtbot.waitUntil(lambda: journey.palette().color(QPalette.ColorRole.Window).lightness() < 128)
        assert light_window.lightness() > 128
        assert circle_colour(item) == colours(journey.palette()).step_mark != light_circle
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert not follower.dark
        qtbot.waitUntil(lambda: journey.palette().color(QPalette.ColorRole.Window) == light_window)
        assert not isinstance(app.style(), DarkFusionStyle)
        assert circle_colour(item) == light_circle
    finally:
        follower.stop()
        follower.deleteLater()


def test_the_icon_loads_from_svg_at_every_size() -> None:
    from c2t_wizard.ui.theme import ICON_PATH, app_icon, logo_pixmap

    assert ICON_PATH.name == "icon.svg"
    assert ICON_PATH.parent.name == "resources"
    icon = app_icon()
    assert not icon.isNull()
    for size in (16, 32, 256):
        pixmap = icon.pixmap(size, size)
        assert not pixmap.isNull()
        assert pixmap.width() == size
    assert logo_pixmap(48, 2.0).width() == 96  # crisp on a high-DPI screen


def test_the_wizard_looks_like_the_platform_s_wizards(qtbot: Any) -> None:
    import sys

    from PySide6.QtWidgets import QWizard

    from c2t_wizard.ui.wizard import OnboardingWizard, platform_wizard_style

    assert platform_wizard_style("darwin") is QWizard.WizardStyle.MacStyle
    for platform in ("win32", "linux"):
        assert platform_wizard_style(platform) is QWizard.WizardStyle.ModernStyle
    wizard = OnboardingWizard()
    qtbot.addWidget(wizard)
    assert wizard.wizardStyle() is platform_wizard_style(sys.platform)


def test_the_wizard_moves_the_map_along_and_greys_what_the_choice_skips(qtbot: Any, runner: Any) -> None:
    import dataclasses

    from PySide6.QtWidgets import QRadioButton, QWizard

    from c2t_wizard.config import Endpoints
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.tenant_discovery import TenantDiscovery
    from c2t_wizard.ui.services import Services
    from c2t_wizard.ui.wizard import OnboardingWizard, PageId

    unused = Backend(Endpoints(login="https://127.0.0.1:1", graph="https://127.0.0.1:1", signup="https://x"))
    given = {"runner": runner, "backend": unused, "discovery": TenantDiscovery(unused)}
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
    journey = wizard.journey_map
    # No delivery service here: no way to hand over passwords, so that step is skipped throughout.
    try:
        assert wizard.sideWidget() is journey
        assert states(journey.entries) == [T, T, T, T, X, T, T]
        existing = wizard.findChild(QRadioButton, "choice_existing_tenant")
        assert existing is not None
        existing.click()
        assert states(journey.entries) == [X, X, T, T, X, T, T]
        new = wizard.findChild(QRadioButton, "choice_new_tenant")
        assert new is not None
        new.click()
        assert states(journey.entries) == [T, T, T, T, X, T, T]
        wizard.button(QWizard.WizardButton.NextButton).click()
        assert wizard.currentId() == PageId.TENANT_NAME
        assert states(journey.entries) == [C, T, T, T, X, T, T]
        assert accessible_name(journey) == "Step 1 of 7: Tenant"
        wizard.back()
        assert states(journey.entries) == [T, T, T, T, X, T, T]
    finally:
        wizard.close()


# --- the language switch --------------------------------------------------------------------------------


def test_switching_language_on_welcome_changes_texts_live_and_persists(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QLabel, QWizard

    from c2t_wizard.config import SETTINGS_FILE_NAME, Config
    from c2t_wizard.ui.application import WizardApplication

    def build() -> WizardApplication:
        config = Config.from_env({"C2T_HOME": str(tmp_path)})
        return WizardApplication(config, show_error_dialogs=False)

    def choose(app: WizardApplication, code: str) -> None:
        combo = app.wizard.welcome_page.language_combo
        combo.setFocus()
        index = combo.findData(code)
        combo.setCurrentIndex(index)
        combo.activated.emit(index)  # what choosing it from the list does

    original_locale = QLocale()
    app = build()
    try:
        app.show()
        qtbot.waitUntil(lambda: app.runner.running, timeout=5000)  # the map comes after the first paint
        wizard = app.wizard
        page = wizard.welcome_page
        question = page.findChild(QLabel, "welcome_question")
        assert page.title() == "Welcome to Call2Teams"
        choose(app, "de")
        # Installing a translator posts LanguageChange: every page retranslates itself when it arrives.
        qtbot.waitUntil(lambda: page.title() == "Willkommen bei Call2Teams")
        assert question is not None
        assert question.text() != "How would you like to start?"
        assert page.language_label.text() == "&Sprache:"
        assert wizard.journey_map.items[S.USERS].name == "Benutzer"
        assert wizard.windowTitle() != "Call2Teams onboarding"
        assert wizard.buttonText(QWizard.WizardButton.CancelButton) == "Abbrechen"
        settings = tmp_path / "settings" / SETTINGS_FILE_NAME

        def remembered() -> object:
            return (
                json.loads(settings.read_text(encoding="utf-8")).get("language")
                if settings.exists()
                else None
            )

        qtbot.waitUntil(lambda: remembered() == "de")
        choose(app, "en")
        qtbot.waitUntil(lambda: page.title() == "Welcome to Call2Teams")
        assert question.text() == "How would you like to start?"
        assert wizard.journey_map.items[S.USERS].name == "Users"
        assert wizard.windowTitle() == "Call2Teams onboarding"
        qtbot.waitUntil(lambda: remembered() == "en")
        choose(app, "de")
        qtbot.waitUntil(lambda: remembered() == "de")
    finally:
        app.shutdown()
    # A new wizard starts in the remembered language.
    second = build()
    try:
        assert second.config.language == "de"
        assert second.wizard.welcome_page.title() == "Willkommen bei Call2Teams"
        assert second.wizard.welcome_page.language_combo.currentData() == "de"
    finally:
        second.shutdown()
        QLocale.setDefault(original_locale)


# --- large text in a small window ---------------------------------------------------------------------------


@pytest.fixture
def beside_a_page(qtbot: Any) -> Any:
    """The map beside a page in a wizard of the app's minimum size, as ``ui/wizard.py`` places it."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizard, QWizardPage

    from c2t_wizard.ui.journey_map import JourneyMap

    wizard = QWizard()
    wizard.setWizardStyle(QWizard.WizardStyle.ModernStyle)
    page = QWizardPage()
    QVBoxLayout(page).addWidget(QLabel("A page"))
    wizard.addPage(page)
    journey = JourneyMap(wizard)
    wizard.setSideWidget(journey)
    journey.set_entries(journey_map(S.USERS, [S.SIGN_IN, S.USERS], StartChoice.EXISTING_TENANT))
    wizard.setMinimumSize(760, 560)
    qtbot.addWidget(wizard)
    wizard.resize(760, 560)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard, journey


def _names_shown(journey: Any) -> list[bool]:
    return [item.label.isVisible() for item in journey.items.values()]


def test_at_twice_the_text_size_the_map_shows_its_circles_only_and_the_page_gets_the_room(
    qtbot: Any, beside_a_page: Any
) -> None:
    wizard, journey = beside_a_page
    assert _names_shown(journey) == [True] * 7, "normal text: every name beside its circle"
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    large = app.font()
    large.setPointSizeF(font.pointSizeF() * 2)
    app.setFont(large)
    try:
        qtbot.waitUntil(lambda: _names_shown(journey) == [False] * 7)
        widest = max(item.full_width() for item in journey.items.values())
        qtbot.waitUntil(lambda: journey.width() < widest, timeout=2000)  # narrower than a name
        # Still read out in full, and named in a tooltip.
        assert accessible_name(journey.items[S.USERS]) == "Step 4 of 7: Users"
        assert "Users" in journey.items[S.USERS].toolTip()
        # A larger window has the room for the names again, each on a line of its full height.
        wizard.resize(1600, 1000)
        qtbot.waitUntil(lambda: _names_shown(journey) == [True] * 7)
        qtbot.waitUntil(
            lambda: all(
                item.label.height() >= item.label.fontMetrics().height() for item in journey.items.values()
            )
        )
    finally:
        app.setFont(font)
    wizard.resize(760, 560)
    qtbot.waitUntil(lambda: _names_shown(journey) == [True] * 7)
