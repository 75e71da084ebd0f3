"""Long addresses that may break onto a second line: after "@" and before each "." inside a word.

An address such as ``admin@northwindtraders67.onmicrosoft.com`` is one word to Qt's line breaking, wider than
the page at twice the text size. A zero-width space at the sensible points lets a word-wrapping label break
there, and only there, and only when the line is too narrow; nothing shows where it does not break. What is
read aloud, announced, returned by ``text()`` and copied stays the plain address.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLabel, QMenu, QWidget

BREAK = "\u200b"
"""A zero-width space: where a line may break, invisible where it does not."""

_POINTS = re.compile(r"(?<=\w@)(?=\w)|(?<=\w)(?=\.\w)")


def breakable(text: str) -> str:
    """``text`` with a break opportunity after each "@" and before each "." that sit inside a word."""
    return _POINTS.sub(BREAK, text)


def plain(text: str) -> str:
    """``text`` without the break opportunities :func:`breakable` added."""
    return text.replace(BREAK, "")


class BreakableLabel(QLabel):
    """A word-wrapping plain-text label whose addresses break after "@" and before "." when too narrow.

    ``text()``, ``selectedText()`` and what Copy (the keys, the context menu, and a selection on X11) puts on
    the clipboard are the plain text, without the invisible break opportunities.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plain = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._plain = plain(text)
        super().setText(breakable(self._plain))

    def text(self) -> str:
        return self._plain

    def selectedText(self) -> str:
        return plain(super().selectedText())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and self.hasSelectedText():
            self._copy()
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)  # on X11 this puts the selection on the selection clipboard
        clipboard = QGuiApplication.clipboard()
        if self.hasSelectedText() and clipboard.supportsSelection():
            clipboard.setText(self.selectedText(), clipboard.Mode.Selection)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if not self.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse:
            super().contextMenuEvent(event)
            return
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        event.accept()
        menu.popup(event.globalPos())

    def context_menu(self) -> QMenu:
        """Copy (the plain text) and Select All, in place of the label's own menu (which copies as shown)."""
        menu = QMenu(self)
        copy = menu.addAction(self.tr("&Copy"), self._copy)
        copy.setEnabled(self.hasSelectedText())
        menu.addAction(self.tr("Select All"), lambda: self.setSelection(0, len(QLabel.text(self))))
        return menu

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.selectedText())
