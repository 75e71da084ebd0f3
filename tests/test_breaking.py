"""Long addresses break after "@" and before "." only when too narrow; what is read and copied is plain."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from c2t_wizard.ui.breaking import BREAK, BreakableLabel, breakable, plain
from c2t_wizard.ui.widgets import StatusKind, StatusLine

ADDRESS = "admin@northwindtraders67.onmicrosoft.com"


def test_breaks_after_the_at_sign_and_before_each_dot_inside_a_word() -> None:
    assert breakable(f"Ada Admin ({ADDRESS})") == (
        f"Ada Admin (admin@{BREAK}northwindtraders67{BREAK}.onmicrosoft{BREAK}.com)"
    )
    assert breakable("It looks free. Microsoft confirms it.") == "It looks free. Microsoft confirms it."
    assert plain(breakable(ADDRESS)) == ADDRESS


def _lines(label: QLabel) -> int:
    return round(label.heightForWidth(label.width()) / label.fontMetrics().lineSpacing())


def test_the_label_breaks_only_when_too_narrow_and_reads_and_copies_plain(qtbot: QtBot) -> None:
    label = BreakableLabel(ADDRESS)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    qtbot.addWidget(label)
    wide = label.fontMetrics().horizontalAdvance(ADDRESS) + 20
    label.resize(wide, 100)
    label.show()
    qtbot.waitExposed(label)
    assert _lines(label) == 1
    # Narrower than the address, wider than its longest part: three lines, each a sensible part.
    part = label.fontMetrics().horizontalAdvance("northwindtraders67")
    label.resize(part + 10, 100)
    assert _lines(label) == 3
    assert label.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(ADDRESS)

    assert label.text() == ADDRESS
    label.setFocus()
    label.setSelection(0, len(QLabel.text(label)))
    assert label.selectedText() == ADDRESS
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == ADDRESS


def test_the_context_menu_copies_the_plain_address(qtbot: QtBot) -> None:
    label = BreakableLabel(ADDRESS)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    qtbot.addWidget(label)
    menu = label.context_menu()
    copy, select_all = menu.actions()
    assert not copy.isEnabled(), "nothing selected yet"
    select_all.trigger()
    assert label.selectedText() == ADDRESS
    QGuiApplication.clipboard().clear()
    label.context_menu().actions()[0].trigger()
    assert QGuiApplication.clipboard().text() == ADDRESS


def test_a_status_line_wraps_its_long_address_and_reads_it_plain(qtbot: QtBot) -> None:
    status = StatusLine()
    qtbot.addWidget(status)
    words = f"{ADDRESS} looks free."
    status.show_status(StatusKind.OK, words)
    assert status.text() == words
    label = status.findChild(QLabel, "status_text")
    assert label is not None
    assert label.accessibleName() == words
    assert label.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(ADDRESS)


def test_a_status_line_puts_its_button_below_the_words_only_when_too_narrow(qtbot: QtBot) -> None:
    status = StatusLine()
    qtbot.addWidget(status)
    button = QPushButton("Allow adding users", status)
    status.add_widget(button)
    status.show_status(StatusKind.INFO, "To add people the wizard needs permission to create users.")
    label = status.findChild(QLabel, "status_text")
    assert label is not None
    status.show()
    qtbot.waitExposed(status)
    wide = status.sizeHint().width()
    status.resize(wide, status.heightForWidth(wide))
    qtbot.waitUntil(lambda: button.y() < label.geometry().bottom() and button.x() > label.geometry().right())
    # Narrower than its longest word and the button side by side: the button below, the words above it.
    narrow = status.minimumSizeHint().width()
    assert narrow < label.minimumSizeHint().width() + button.sizeHint().width()
    status.resize(narrow, status.heightForWidth(narrow))
    qtbot.waitUntil(lambda: button.y() > label.geometry().bottom())
    assert button.geometry().right() <= status.width()
    assert label.heightForWidth(label.width()) <= label.height()
