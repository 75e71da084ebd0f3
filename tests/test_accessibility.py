"""Accessibility, tested: every page walked with Tab, every status change announced, every colour we paint
readable in light and dark palettes, and every label readable at twice the text size."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Sandbox
from helpers.identity_web import ScriptedBrowser
from helpers.sandbox_web import sign_up
from portal_helpers import RecordingPortal
from PySide6.QtCore import QLocale, QRect, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QTextEdit,
    QWidget,
    QWizard,
    QWizardPage,
)
from pytestqt.qtbot import QtBot
from users_page_helpers import Admin, close_admin, sign_in

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.users import NewUser
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.journal import Journal
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui import announce as announcing
from c2t_wizard.ui.application import install_translations
from c2t_wizard.ui.colors import MARK_CONTRAST, TEXT_CONTRAST, colours, contrast_ratio, is_dark
from c2t_wizard.ui.history import HistoryDialog
from c2t_wizard.ui.journey_map import JourneyMap
from c2t_wizard.ui.pages.welcome import WelcomePage
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.scrolling import fit_wizard_header
from c2t_wizard.ui.widgets import StatusKind, StatusLine

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

WAIT = 20_000
SHOTS = Path("/tmp/c2t-a11y-shots")


# --- building each page in its typical state ---------------------------------------------------------------


@dataclass
class Built:
    """A page (or dialog) shown in its window, and what to close afterwards."""

    window: QWidget
    root: QWidget
    close: Callable[[], None]


@pytest.fixture
def backend(sandbox: Sandbox, runner: ServiceRunner) -> Iterator[Backend]:
    box = Backend(Endpoints.from_sandbox_line(sandbox.info))
    yield box
    runner.call(box.aclose(), timeout=10)


@pytest.fixture
def contoso(runner: ServiceRunner, sandbox: Sandbox, tmp_path: Path) -> Iterator[Admin]:
    admin = sign_in(runner, sandbox, tmp_path, fresh=False)
    yield admin
    close_admin(runner, admin)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def _show(qtbot: QtBot, wizard: QWizard) -> None:
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()


def build_welcome(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    wizard = QWizard()
    wizard.addPage(WelcomePage(Onboarding()))
    wizard.addPage(QWizardPage())
    _show(qtbot, wizard)
    return Built(wizard, wizard.currentPage(), wizard.close)


def in_german(build: Callable[[QtBot, pytest.FixtureRequest], Built]) -> Callable[..., Built]:
    """``build`` with the German translation installed, whose words are longer."""

    def build_de(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        default = QLocale()
        translators = install_translations(app, "de")
        try:
            built = build(qtbot, request)
        except BaseException:
            for translator in translators:
                app.removeTranslator(translator)
            QLocale.setDefault(default)
            raise

        def close() -> None:
            built.close()
            for translator in translators:
                app.removeTranslator(translator)
            QLocale.setDefault(default)

        return Built(built.window, built.root, close)

    return build_de


def build_tenant_name(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_page_tenant_name import host

    runner = request.getfixturevalue("runner")
    hosted = host(qtbot, runner, TenantDiscovery(request.getfixturevalue("backend")))
    hosted.org.setText("Contoso")  # taken: the status, and the free names offered instead

    def suggested() -> None:
        assert hosted.suggestions.isVisible()
        assert hosted.suggestions.count() > 0

    qtbot.waitUntil(suggested, timeout=WAIT)
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_tenant_name_free(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """A long name that is free: the status names its long domain."""
    from test_page_tenant_name import host

    runner = request.getfixturevalue("runner")
    hosted = host(qtbot, runner, TenantDiscovery(request.getfixturevalue("backend")))
    hosted.org.setText(f"Northwind Traders {uuid.uuid4().hex[:4]}")
    qtbot.waitUntil(lambda: hosted.status.kind is StatusKind.OK, timeout=WAIT)
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_signup(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_page_signup import build

    backend = request.getfixturevalue("backend")
    hosted = build(
        qtbot, request.getfixturevalue("runner"), TenantDiscovery(backend), backend, poll_interval=5
    )
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_sign_in(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_page_sign_in import Factory

    sandbox = request.getfixturevalue("sandbox")
    factory = Factory(
        qtbot,
        request.getfixturevalue("runner"),
        request.getfixturevalue("backend"),
        request.getfixturevalue("tmp_path"),
    )
    demo = sandbox.info["demo"]["admin"]
    hosted = factory(browser=ScriptedBrowser(idle=True), demo_account=(demo["username"], demo["password"]))
    return Built(hosted.wizard, hosted.page, factory.close)


def build_signed_in(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    """Signed in to a new organisation with a long name: its domain and the administrator's address."""
    from test_page_sign_in import Factory, wait_signed_in

    sandbox = request.getfixturevalue("sandbox")
    prefix = f"northwindtraders{uuid.uuid4().hex[:4]}"
    account = sign_up(sandbox.base, organisation="Northwind Traders", prefix=prefix)
    factory = Factory(
        qtbot,
        request.getfixturevalue("runner"),
        request.getfixturevalue("backend"),
        request.getfixturevalue("tmp_path"),
    )
    hosted = factory(
        browser=ScriptedBrowser(account["upn"], account["password"]),
        onboarding=Onboarding(choice=StartChoice.NEW_TENANT, tenant_prefix=prefix),
    )
    qtbot.mouseClick(hosted.button("sign_in_button"), Qt.MouseButton.LeftButton)
    wait_signed_in(qtbot, hosted)
    return Built(hosted.wizard, hosted.page, factory.close)


def build_users(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from users_page_helpers import host

    admin = request.getfixturevalue("contoso")
    hosted = host(qtbot, request.getfixturevalue("runner"), admin)
    tag, domain = uuid.uuid4().hex[:8], admin.tenant_name
    hosted.model.remove_rows(range(hosted.model.rowCount()))
    hosted.model.add_users(
        [  # one ready, one with a problem on its cell (and in the list of problems)
            NewUser("Anna", "Muster", "Anna Muster", f"anna.{tag}", domain, "anna@firma.example"),
            NewUser("Ben", "Okafor", "Ben Okafor", f"ben.{tag}", domain, "ben@"),
        ]
    )
    qtbot.waitUntil(lambda: hosted.problems.isVisible() and hosted.problems.count() > 0, timeout=WAIT)
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_credentials(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_page_credentials import create, host

    runner = request.getfixturevalue("runner")
    admin = request.getfixturevalue("contoso")
    run_id, passwords = create(runner, admin, 2)
    hosted = host(qtbot, runner, admin, run_id, passwords)
    # Its typical state: with the limit on mail from an onmicrosoft.com mailbox (worked out after it shows).
    qtbot.waitUntil(hosted.page.mail_cap_notice.isVisible, timeout=WAIT)

    def close() -> None:
        hosted.cleanup()
        hosted.wizard.close()

    return Built(hosted.wizard, hosted.page, close)


def build_portal(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_page_portal import host

    hosted = host(
        qtbot, request.getfixturevalue("runner"), request.getfixturevalue("journal"), RecordingPortal(), 3
    )
    return Built(hosted.wizard, hosted.page, hosted.wizard.close)


def build_summary(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_page_summary import host
    from test_report import fill

    journal = request.getfixturevalue("journal")
    run, _users = fill(journal)
    page = host(qtbot, request.getfixturevalue("runner"), journal, [run], portal=RecordingPortal())
    wizard = page.wizard()
    return Built(wizard, page, wizard.close)


def build_history(qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    from test_report import fill

    journal = request.getfixturevalue("journal")
    fill(journal)
    dialog = HistoryDialog(request.getfixturevalue("runner"), journal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.load()
    qtbot.waitUntil(lambda: dialog.history_table.rowCount() > 0, timeout=WAIT)
    return Built(dialog, dialog, dialog.close)


BUILDERS: dict[str, Callable[[QtBot, pytest.FixtureRequest], Built]] = {
    "welcome": build_welcome,
    "tenant_name": build_tenant_name,
    "signup": build_signup,
    "sign_in": build_sign_in,
    "users": build_users,
    "credentials": build_credentials,
    "portal": build_portal,
    "summary": build_summary,
    "history": build_history,
}
AT_TWICE_THE_SIZE = {  # and the states whose words are the longest
    **BUILDERS,
    "welcome_de": in_german(build_welcome),
    "tenant_name_free": build_tenant_name_free,
    "signed_in": build_signed_in,
    "signed_in_de": in_german(build_signed_in),
}


@pytest.fixture(params=list(BUILDERS))
def built(qtbot: QtBot, request: pytest.FixtureRequest) -> Iterator[Built]:
    shown = BUILDERS[request.param](qtbot, request)
    QApplication.processEvents()
    try:
        yield shown
    finally:
        shown.close()


# --- Tab from the first widget until the focus returns -----------------------------------------------------


def _takes_tab(widget: QWidget, window: QWidget) -> bool:
    """What Tab must reach: enabled, visible, accepting Tab focus, and not handing its focus to another."""
    return (
        bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and widget.isVisibleTo(window)
        and widget.isEnabled()
        and widget.focusProxy() is None
        and widget.window() is window
    )


def _unchecked_radio(widget: QWidget) -> bool:
    """Tab enters a group of exclusive radio buttons at its checked one; the arrows move inside the group."""
    return isinstance(widget, QRadioButton) and widget.autoExclusive() and not widget.isChecked()


def _on_screen(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def _reading_order_problem(first: QWidget, then: QWidget, window: QWidget) -> str | None:
    """Why ``then`` cannot follow ``first`` in reading order (top to bottom; left to right on one line)."""
    a, b = _on_screen(first, window), _on_screen(then, window)
    side_by_side = a.top() < b.bottom() and b.top() < a.bottom()
    if side_by_side:
        if b.center().x() < a.center().x():
            return "left of the widget before it, on the same line"
        return None
    if b.top() < a.top():
        return "above the widget before it"
    return None


def _name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None, widget.objectName()
    return str(interface.text(QAccessible.Text.Name)).strip()


def _describe(widget: QWidget) -> str:
    return f"{type(widget).__name__}#{widget.objectName() or '?'}"


def tab_through(qtbot: QtBot, window: QWidget, start: QWidget, limit: int = 120) -> list[QWidget]:
    """Press Tab on the focused widget from ``start`` until the focus is back on it; the widgets visited."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus)
    visited = [start]
    for _ in range(limit):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not None, f"Tab from {_describe(focused)} left nothing focused"
        if now is start:
            return visited
        assert now not in visited, f"Tab goes round without coming back to the first widget: {_describe(now)}"
        visited.append(now)
    raise AssertionError(f"focus never returned to {_describe(start)} after {limit} Tabs: {visited[-5:]}")


def test_tab_reaches_every_control_in_reading_order_each_with_a_name(qtbot: QtBot, built: Built) -> None:
    window, root = built.window, built.root
    expected = [w for w in root.findChildren(QWidget) if _takes_tab(w, window)]
    if root is not window:  # the wizard's own buttons are in the same Tab chain
        expected += [
            w for w in window.findChildren(QAbstractButton) if _takes_tab(w, window) and w not in expected
        ]
    assert expected, "nothing to reach"
    page_widgets = [w for w in expected if root.isAncestorOf(w)]
    first = min(page_widgets, key=lambda w: (_on_screen(w, window).top(), _on_screen(w, window).left()))
    visited = tab_through(qtbot, window, first)
    missing = [
        _describe(w) for w in expected if w not in visited and not (_unchecked_radio(w) and w.isVisible())
    ]
    assert not missing, f"Tab never reaches {missing}"
    unnamed = [_describe(w) for w in visited if not _name(w)]
    assert not unnamed, f"no accessible name: {unnamed}"
    on_page = [w for w in visited if root.isAncestorOf(w)]
    problems = []
    for before, after in itertools.pairwise(on_page):
        problem = _reading_order_problem(before, after, window)
        if problem:
            problems.append(f"{_describe(after)} is {problem} ({_describe(before)})")
    assert not problems, problems


def test_tab_and_ctrl_tab_leave_every_table(qtbot: QtBot, built: Built) -> None:
    views = [v for v in built.root.findChildren(QAbstractItemView) if v.isVisible() and v.isEnabled()]
    for view in views:
        model = view.model()
        assert model is not None
        if model.index(0, 0).isValid():
            view.setCurrentIndex(model.index(0, 0))
        for modifier in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier):
            view.setFocus(Qt.FocusReason.TabFocusReason)
            qtbot.waitUntil(view.hasFocus)
            qtbot.keyClick(view, Qt.Key.Key_Tab, modifier)
            focused = QApplication.focusWidget()
            assert focused is not view, f"{_describe(view)} keeps the focus on {modifier}+Tab"
            assert not view.isAncestorOf(focused), f"{_describe(view)} keeps the focus on {modifier}+Tab"


def test_every_header_of_every_table_is_named(built: Built) -> None:
    for view in built.root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not hasattr(view, "horizontalHeader") or not view.isVisible():
            continue
        header = view.horizontalHeader()
        if not header.isVisible():
            continue
        for column in range(header.count()):
            if view.isColumnHidden(column):
                continue
            words = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole)
            words = words or model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            assert words, f"{_describe(view)}: column {column} has no heading for a screen reader"


# --- announcements ------------------------------------------------------------------------------------------


@pytest.fixture
def heard() -> Iterator[list[announcing.Announcement]]:
    told: list[announcing.Announcement] = []
    stop = announcing.add_listener(told.append)
    yield told
    stop()


def test_a_status_line_announces_each_change_errors_as_alerts(
    qtbot: QtBot, heard: list[announcing.Announcement]
) -> None:
    line = StatusLine()
    qtbot.addWidget(line)
    line.show_status(StatusKind.BUSY, "Checking contoso…")
    line.show_status(StatusKind.OK, "contoso is free.")
    line.show_status(StatusKind.OK, "contoso is free.")  # the same words again: not news
    line.show_status(StatusKind.ERROR, "contoso is taken.")
    assert [(a.widget, a.text) for a in heard] == [
        (line, "Checking contoso…"),
        (line, "contoso is free."),
        (line, "contoso is taken."),
    ]
    assert [a.events for a in heard] == [
        (QAccessible.Event.NameChanged,),
        (QAccessible.Event.NameChanged,),
        (QAccessible.Event.NameChanged, QAccessible.Event.Alert),
    ]
    assert _name(line) == "contoso is taken."  # what a screen reader reads when it asks


def test_announcing_while_a_screen_reader_is_active_reaches_qt(
    qtbot: QtBot, heard: list[announcing.Announcement]
) -> None:
    """With accessibility active Qt builds the interfaces and delivers the events; nothing breaks."""
    was_active = QAccessible.isActive()
    QAccessible.setActive(True)
    try:
        line = StatusLine()
        qtbot.addWidget(line)
        line.show()
        line.show_status(StatusKind.WARNING, "We couldn't check the name.")
        assert heard[-1].events == (QAccessible.Event.NameChanged, QAccessible.Event.Alert)
        assert _name(line) == "We couldn't check the name."
    finally:
        QAccessible.setActive(was_active)


def test_an_alert_is_handed_to_qt_as_an_alert_event_on_the_status_line(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Qt receives (Qt itself sends NameChanged from setAccessibleName, in C++)."""
    sent: list[tuple[QAccessible.Event, object]] = []
    real = QAccessible.updateAccessibility

    def spy(event: QAccessibleEvent) -> None:
        sent.append((event.type(), event.object()))
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", spy)
    line = StatusLine()
    qtbot.addWidget(line)
    line.show_status(StatusKind.OK, "Signed in as admin@contoso.onmicrosoft.com.")
    assert sent == []
    line.show_status(StatusKind.ERROR, "That password is wrong.")
    assert sent == [(QAccessible.Event.Alert, line)]


def test_the_tenant_name_page_announces_taken_and_free(
    qtbot: QtBot, request: pytest.FixtureRequest, heard: list[announcing.Announcement]
) -> None:
    shown = build_tenant_name(qtbot, request)  # Contoso: taken
    try:
        page: Any = shown.root
        status = page.tenant_status
        taken = [a for a in heard if a.widget is status and "already belongs" in a.text]
        assert taken, [a.text for a in heard]
        assert taken[-1].events == (QAccessible.Event.NameChanged, QAccessible.Event.Alert)
        fresh = "a11yfree" + uuid.uuid4().hex[:8]
        page.tenant_prefix_edit.setText(fresh)

        def told_free() -> None:
            assert status.kind is StatusKind.OK, status.text()
            news = [
                a for a in heard if a.widget is status and f"{fresh}.onmicrosoft.com looks free" in a.text
            ]
            assert news, [a.text for a in heard]
            assert news[-1].events == (QAccessible.Event.NameChanged,)

        qtbot.waitUntil(told_free, timeout=WAIT)
    finally:
        shown.close()


# --- contrast -----------------------------------------------------------------------------------------------


def _fusion_palette(dark: bool) -> QPalette:
    """A typical light palette (Fusion's) or dark one (Fusion's colours in a dark scheme)."""
    from PySide6.QtWidgets import QStyleFactory

    style = QStyleFactory.create("Fusion")
    assert style is not None
    palette = style.standardPalette()
    if not dark:
        return palette
    roles = {
        QPalette.ColorRole.Window: "#323232",
        QPalette.ColorRole.WindowText: "#f0f0f0",
        QPalette.ColorRole.Base: "#232323",
        QPalette.ColorRole.AlternateBase: "#2b2b2b",
        QPalette.ColorRole.Text: "#f0f0f0",
        QPalette.ColorRole.Button: "#323232",
        QPalette.ColorRole.ButtonText: "#f0f0f0",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Mid: "#6e6e6e",
        QPalette.ColorRole.PlaceholderText: "#80f0f0f0",
    }
    for role, name in roles.items():
        palette.setColor(role, QColor.fromString(name))
    return palette


def _app_dark_palette() -> QPalette:
    from c2t_wizard.ui.theme import dark_palette

    return dark_palette()


PALETTES = {
    "application": lambda: QApplication.palette(),
    "fusion-light": lambda: _fusion_palette(False),
    "fusion-dark": lambda: _fusion_palette(True),
    "wizard-dark": _app_dark_palette,  # what the wizard switches to when the system turns dark
}


@pytest.mark.parametrize("name", list(PALETTES))
def test_every_colour_we_paint_is_readable(qapp: QApplication, name: str) -> None:
    palette = PALETTES[name]()
    ours = colours(palette)
    role = QPalette.ColorRole
    base, window, text = palette.color(role.Base), palette.color(role.Window), palette.color(role.Text)
    pairs = {
        "failure words on a table": (ours.error_text, base, TEXT_CONTRAST),
        "failure words on alternate rows": (
            ours.error_text,
            palette.color(role.AlternateBase),
            TEXT_CONTRAST,
        ),
        "warning words on a table": (ours.warning_text, base, TEXT_CONTRAST),
        "done words on a table": (ours.ok_text, base, TEXT_CONTRAST),
        "Retry link on a table": (ours.link_text, base, TEXT_CONTRAST),
        "text in a cell with a problem": (text, ours.error_cell, TEXT_CONTRAST),
        "text in a cell to look at": (text, ours.warning_cell, TEXT_CONTRAST),
        "secondary text on the window": (ours.secondary_text, window, TEXT_CONTRAST),
        "secondary text on a field": (ours.secondary_text, base, TEXT_CONTRAST),
        "tick in a finished step's mark": (ours.mark_text, ours.done_mark, TEXT_CONTRAST),
        "number in a step's mark": (ours.mark_text, ours.step_mark, TEXT_CONTRAST),
        "focus ring, banner frame on a field": (ours.accent_border, base, MARK_CONTRAST),
        "focus ring, banner frame on the window": (ours.accent_border, window, MARK_CONTRAST),
    }
    failing = {
        what: round(contrast_ratio(fore, back), 2)
        for what, (fore, back, needed) in pairs.items()
        if contrast_ratio(fore, back) < needed
    }
    assert not failing, f"{name} ({'dark' if is_dark(palette) else 'light'}): {failing}"


def test_the_contrast_ratio_is_wcag_s() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("white"), QColor("white")) == pytest.approx(1.0)


# --- twice the text size ------------------------------------------------------------------------------------


@pytest.fixture
def large_text(qapp: QApplication) -> Iterator[float]:
    """The application's default font at twice its size (what a partner who needs large text sets)."""
    font = qapp.font()
    large = QFont(font)
    size = font.pointSizeF()
    large.setPointSizeF(size * 2)
    qapp.setFont(large)
    try:
        yield size * 2
    finally:
        qapp.setFont(font)


def _scrolled(widget: QWidget) -> bool:
    """Inside a scroll area (its text can be scrolled to) or an item view's editor."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QScrollArea, QAbstractItemView)):
            return True
        parent = parent.parentWidget()
    return False


def _unreadable(label: QLabel, window: QWidget) -> str | None:
    """Why ``label``'s words cannot all be read where it is: cut off by its own size or by its parents."""
    if (
        not label.text()
        or not label.isVisibleTo(window)
        or (label.pixmap() is not None and not label.pixmap().isNull())
    ):
        return None
    margins = label.contentsMargins()
    inner = label.contentsRect()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"needs {needed} px high, has {label.height()}"
    else:
        hint = label.sizeHint()
        if hint.width() > label.width() + 1:
            return f"needs {hint.width()} px wide, has {label.width()}"
        if label.fontMetrics().height() > inner.height() + margins.top() + margins.bottom() + 1:
            return f"a line is {label.fontMetrics().height()} px high, the label {label.height()}"
    if not _scrolled(label):
        shown = label.visibleRegion().boundingRect()
        if shown.height() < label.height() - 1 or shown.width() < label.width() - 1:
            return (
                f"only {shown.width()}×{shown.height()} of {label.width()}×{label.height()} px is on screen"
            )
    return None


@pytest.fixture(params=list(AT_TWICE_THE_SIZE))
def built_large(qtbot: QtBot, request: pytest.FixtureRequest, large_text: float) -> Iterator[Built]:
    shown = AT_TWICE_THE_SIZE[request.param](qtbot, request)
    window = shown.window
    if isinstance(window, QWizard):  # as the app's wizard is (ui/wizard.py): the journey map beside the page
        journey_map = JourneyMap(window)
        window.setSideWidget(journey_map)
        # A wizard shown without a side widget places one given later only when it lays itself out again.
        window.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        window.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        assert journey_map.isVisible()
        fit_wizard_header(window)
        window.setMinimumSize(760, 560)
        window.resize(window.minimumSize())
        qtbot.waitUntil(lambda: window.size() == window.minimumSize())
    QApplication.processEvents()
    try:
        yield shown
    finally:
        shown.close()


def test_every_label_is_readable_at_twice_the_text_size_at_the_minimum_size(
    built_large: Built, large_text: float, request: pytest.FixtureRequest
) -> None:
    window = built_large.window
    assert window.font().pointSizeF() == pytest.approx(large_text)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / f"large-text-{request.node.callspec.id}.png"))
    cut = {
        f"{label.objectName() or label.text()[:40]!r}": why
        for label in window.findChildren(QLabel)
        if (why := _unreadable(label, window))
    }
    assert not cut, cut
    short_rows = {}
    for view in window.findChildren(QTableView):
        model = view.model()
        if model is None or not view.isVisibleTo(window):
            continue
        spacing = view.fontMetrics().lineSpacing()
        for row in range(min(model.rowCount(), 5)):
            for column in range(model.columnCount()):
                words = model.index(row, column).data()
                lines = str(words).count("\n") + 1 if words else 0
                if not view.isColumnHidden(column) and view.rowHeight(row) < lines * spacing:
                    short_rows[f"{_describe(view)} row {row}"] = f"{lines} lines, {view.rowHeight(row)} px"
    assert not short_rows, f"a table's rows are too low for their lines: {short_rows}"
    sideways = [
        _describe(area)
        for area in window.findChildren(QScrollArea)
        if area.isVisibleTo(window) and area.horizontalScrollBar().isVisibleTo(window)
    ]
    assert not sideways, f"the page is wider than the window: it scrolls sideways: {sideways}"
    cut_headings = {
        f"{_describe(view)} {heading!r}": why
        for view in window.findChildren(QTableView)
        if view.isVisibleTo(window) and view.horizontalHeader().isVisibleTo(window)
        for heading, why in _cut_headings(view.horizontalHeader())
    }
    assert not cut_headings, f"a table's heading is cut off: {cut_headings}"


def test_the_history_table_fits_its_dialog_at_twice_the_text_size(
    qtbot: QtBot, request: pytest.FixtureRequest, large_text: float
) -> None:
    """Its headings, then its cells, take more lines rather than the table scrolling sideways."""
    built = build_history(qtbot, request)
    try:
        table = built.window.findChild(QTableView, "history_table")
        assert table is not None
        header = table.horizontalHeader()
        assert header.length() <= table.viewport().width()
        assert not table.horizontalScrollBar().isVisible()
        started = table.model().index(0, 0).data()
        spacing = table.fontMetrics().lineSpacing()
        if table.columnWidth(0) < table.fontMetrics().horizontalAdvance(started):  # its words wrapped
            assert table.rowHeight(0) >= 2 * spacing
    finally:
        built.close()


def _cut_headings(header: QHeaderView) -> Iterator[tuple[str, str]]:
    """Each heading of ``header`` whose words do not all show in its section: on one line, or wrapped onto
    lines that fit the header's height. The room is what the style gives a heading's words (the section
    less its margins); the words are measured bold where sections are highlighted (a selected row's)."""
    model = header.model()
    if model is None:
        return
    font = QFont(header.font())
    font.setBold(font.bold() or header.highlightSections())
    metrics = QFontMetrics(font)
    for section in range(header.count()):
        text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if header.isSectionHidden(section) or not text:
            continue
        option = QStyleOptionHeader()
        header.initStyleOption(option)
        option.rect = QRect(0, 0, header.sectionSize(section), header.height())
        option.text = str(text)
        room = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        one_line = metrics.horizontalAdvance(str(text))
        if one_line <= room.width():
            continue
        if not header.defaultAlignment() & Qt.TextFlag.TextWordWrap:
            yield str(text), f"needs {one_line} px on one line, has {room.width()}"
            continue
        wrapped = metrics.boundingRect(
            QRect(0, 0, max(room.width(), 1), 10_000), int(Qt.TextFlag.TextWordWrap), str(text)
        )
        if wrapped.width() > room.width():
            yield str(text), f"a word needs {wrapped.width()} px, has {room.width()}"
        elif wrapped.height() > room.height():
            yield str(text), f"wrapped, needs {wrapped.height()} px high, has {room.height()}"


# --- inputs and their labels --------------------------------------------------------------------------------

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QPlainTextEdit, QTextEdit)


def test_every_input_has_a_buddy_label_with_a_mnemonic(built: Built) -> None:
    window = built.window
    buddies = {
        label.buddy(): label.text()
        for label in window.findChildren(QLabel)
        if label.buddy() is not None and label.isVisibleTo(window)
    }
    inputs = [
        w
        for w in built.root.findChildren(QWidget)
        if isinstance(w, INPUTS)
        and w.isVisibleTo(window)
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not isinstance(w.parentWidget(), INPUTS)  # a combo box's own line edit, a view's editor
        and not _scrolled_inside_view(w)
    ]
    unlabelled = [_describe(w) for w in inputs if w not in buddies]
    assert not unlabelled, f"no label says what to type here: {unlabelled}"
    no_key = [_describe(w) for w in inputs if "&" not in buddies[w].replace("&&", "")]
    assert not no_key, f"the label has no Alt+letter: {no_key}"


def _scrolled_inside_view(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def test_the_wizard_s_subtitle_grows_when_the_header_is_made_after_the_fitter(
    qtbot: QtBot, large_text: float
) -> None:
    """As in ui/wizard.py: the fitter is installed before any page exists (QWizard makes its header's labels
    only when it first lays out a page)."""
    wizard = QWizard()
    wizard.setWizardStyle(QWizard.WizardStyle.ModernStyle)
    fit_wizard_header(wizard)
    page = QWizardPage()
    page.setTitle("Choose your organisation's Microsoft name")
    page.setSubTitle("Microsoft gives every organisation its own address. " * 4)
    wizard.addPage(page)
    wizard.setMinimumSize(760, 560)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    subtitle = next(label for label in wizard.findChildren(QLabel) if label.text() == page.subTitle())

    def fits() -> None:
        assert _unreadable(subtitle, wizard) is None, _unreadable(subtitle, wizard)

    qtbot.waitUntil(fits)
    wizard.close()


def test_every_icon_in_a_table_or_list_has_words_for_a_screen_reader(built: Built) -> None:
    """A tick, a warning or an error mark in a cell says what it means (accessible text or description)."""
    silent = []
    for view in built.root.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisible() or isinstance(view, QHeaderView):
            continue
        for row in range(min(model.rowCount(), 10)):
            column = 0
            while (index := model.index(row, column)).isValid():
                if model.data(index, Qt.ItemDataRole.DecorationRole) is not None:
                    words = model.data(index, Qt.ItemDataRole.AccessibleTextRole) or model.data(
                        index, Qt.ItemDataRole.AccessibleDescriptionRole
                    )
                    if not words:
                        silent.append(f"{_describe(view)} row {row} column {column}: {index.data()!r}")
                column += 1
    assert not silent, silent


@pytest.mark.parametrize("name", list(PALETTES))
def test_every_step_of_the_journey_map_is_readable(qapp: QApplication, name: str) -> None:
    from c2t_wizard.domain.journey_map import MapEntry, MapStep, StepState
    from c2t_wizard.ui.journey_map import JourneyStepItem

    palette = PALETTES[name]()
    window = palette.color(QPalette.ColorRole.Window)
    failing: dict[str, float] = {}
    for state in StepState:
        item = JourneyStepItem(MapEntry(MapStep.USERS, 4, state))
        item.setPalette(palette)
        fill, mark, text = item.colours()
        behind = item.band() if state is StepState.CURRENT else window
        pairs = {
            "name": (text, behind, TEXT_CONTRAST),
            # The number is text; the tick (done) is an icon.
            "mark": (mark, fill, MARK_CONTRAST if state is StepState.DONE else TEXT_CONTRAST),
            # A filled disc, or a hollow ring in the mark's colour, must be seen on the map.
            "circle": (fill if state in (StepState.CURRENT, StepState.DONE) else mark, behind, MARK_CONTRAST),
        }
        failing |= {
            f"{state.value} {what}": round(contrast_ratio(fore, back), 2)
            for what, (fore, back, needed) in pairs.items()
            if contrast_ratio(fore, back) < needed
        }
        item.deleteLater()
    assert not failing, f"{name}: {failing}"


def test_the_header_fitter_lets_go_of_a_message_box_s_labels(qtbot: QtBot) -> None:
    """A question asked from the wizard (closing while work runs) is a child of the wizard: its labels are not
    the header's, and once it is gone, fitting the header again must not touch them (they are deleted)."""
    from PySide6.QtWidgets import QMessageBox

    wizard = QWizard()
    wizard.setWizardStyle(QWizard.WizardStyle.ModernStyle)
    page = QWizardPage()
    page.setTitle("Title")
    page.setSubTitle("Subtitle")
    wizard.addPage(page)
    qtbot.addWidget(wizard)
    fitter = fit_wizard_header(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    question = QMessageBox(QMessageBox.Icon.Question, "Close?", "Work is still running. " * 6, parent=wizard)
    question.open()
    qtbot.waitExposed(question)
    fitter.fit()
    assert not [label for label in fitter.labels if label.window() is question]
    with qtbot.waitSignal(question.destroyed):
        question.deleteLater()
    fitter.fit()  # raised "Internal C++ object (QLabel) already deleted" when it kept the question's labels
    wizard.close()
