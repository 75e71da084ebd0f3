"""Rows that wrap, check box words that wrap, and table headings that wrap (large text, narrow windows)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from c2t_wizard.ui.flow import CheckBoxWords, FlowLayout, TitledBox, check_box_row
from c2t_wizard.ui.headings import wrap_headings


def _row(qtbot: QtBot, width: int) -> tuple[QWidget, list[QPushButton]]:
    host = QWidget()
    flow = FlowLayout(host)
    buttons = [QPushButton(f"Button number {n}", host) for n in range(4)]
    flow.addWidget(buttons[0])
    flow.add_stretch()
    for button in buttons[1:]:
        flow.addWidget(button)
    qtbot.addWidget(host)
    host.resize(width, flow.heightForWidth(width))
    host.show()
    qtbot.waitExposed(host)
    return host, buttons


def test_a_row_that_fits_stays_one_row_the_stretch_pushing_the_rest_right(qtbot: QtBot) -> None:
    host, buttons = _row(qtbot, 2000)
    assert len({b.y() for b in buttons}) == 1
    assert buttons[-1].geometry().right() == host.width() - 1  # after the stretch: at the right end
    assert buttons[1].x() > buttons[0].geometry().right() + 100


def test_a_row_too_wide_wraps_and_is_never_narrower_than_its_widest_item(qtbot: QtBot) -> None:
    widest = max(b.sizeHint().width() for b in [QPushButton(f"Button number {n}") for n in range(4)])
    host, buttons = _row(qtbot, widest + 10)
    assert len({b.y() for b in buttons}) == 4, "one a row"
    assert all(b.width() == b.sizeHint().width() for b in buttons), "none squeezed"
    layout = host.layout()
    assert layout is not None
    assert layout.minimumSize().width() == widest
    assert host.height() >= buttons[-1].geometry().bottom()


def test_clicking_a_check_box_s_words_toggles_it_and_its_key_focuses_it(qtbot: QtBot) -> None:
    host = QWidget()
    box = QCheckBox(host)
    words = CheckBoxWords(box, host)
    words.setText("&Remember my sign-in in a file on this computer (not encrypted)")
    QVBoxLayout(host).addLayout(check_box_row(box, words))
    qtbot.addWidget(host)
    host.resize(160, 200)  # narrow: the words wrap
    host.show()
    qtbot.waitExposed(host)
    assert box.text() == ""
    assert words.wordWrap()
    assert words.buddy() is box
    assert words.height() > words.fontMetrics().height() * 2, "on several lines"
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert box.isChecked()
    box.setEnabled(False)
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert box.isChecked(), "a disabled box does not change"


def test_a_titled_box_s_title_wraps_and_names_the_box(qtbot: QtBot) -> None:
    box = TitledBox()
    QVBoxLayout(box).addWidget(box.title_label)
    box.setTitle("Roles for everyone (select people to give them other roles)")
    assert box.title() == "Roles for everyone (select people to give them other roles)"
    assert box.accessibleName() == box.title()
    assert box.title_label.wordWrap()
    assert box.minimumSizeHint().width() < box.fontMetrics().horizontalAdvance(box.title())


def test_a_heading_too_long_for_its_column_wraps_and_the_header_grows(qtbot: QtBot) -> None:
    model = QStandardItemModel(1, 2)
    model.setHorizontalHeaderLabels(["Call2Teams portal invitation", "B"])
    table = QTableView()
    table.setModel(model)
    header = wrap_headings(table)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    header.resizeSection(0, 400)  # the heading on one line
    qtbot.waitUntil(lambda: header.height() < header.fontMetrics().height() * 2)
    one_line = header.height()
    header.resizeSection(0, header.longest_word(0))  # one word a line
    qtbot.waitUntil(lambda: header.height() >= one_line + header.fontMetrics().height())
    assert header.defaultAlignment() & Qt.TextFlag.TextWordWrap


def test_shared_columns_fill_the_table_but_none_is_narrower_than_a_word_of_its_heading(qtbot: QtBot) -> None:
    model = QStandardItemModel(1, 3)
    model.setHorizontalHeaderLabels(["Organisation", "A", "B"])
    table = QTableView()
    table.setModel(model)
    header = wrap_headings(table)
    header.share_room(table, [0, 1, 2])
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    qtbot.waitUntil(lambda: header.length() == table.viewport().width())
    table.resize(120, 300)
    qtbot.waitUntil(lambda: header.sectionSize(0) == header.longest_word(0))
    assert header.sectionSize(0) > header.sectionSize(1)
