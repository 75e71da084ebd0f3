"""Rows that wrap: buttons or check boxes side by side while they fit, on further rows when the window is
narrow or the text is large (200 % scaling), so a page never has to scroll sideways."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QLayout, QLayoutItem, QWidget


class PlacedLayout(QLayout):
    """A layout that keeps its items in a list and places them itself: ``_place(rect, move=...)`` lays them
    out in ``rect`` (or only measures, ``move=False``) and answers the height they take; the height follows
    the width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []

    def _place(self, rect: QRect, *, move: bool) -> int:
        raise NotImplementedError

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)


class FlowLayout(PlacedLayout):
    """Items left to right at their preferred size, starting a new row where the next one would not fit.

    Its minimum width is its widest item's, so a scroll area holding it never needs a horizontal scroll bar
    for it; its height follows from its width (``heightForWidth``).
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 8, row_spacing: int = 6) -> None:
        super().__init__(parent)
        self._stretch_at: int | None = None
        self._height = 0
        self._spacing = spacing
        self._row_spacing = row_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def add_stretch(self) -> None:
        """Where a row's spare room goes (the items after it move to the right end of their row); a row
        that wrapped starts at the left."""
        self._stretch_at = len(self._items)

    def setGeometry(self, rect: QRect) -> None:
        QLayout.setGeometry(self, rect)  # placed once, here (not again by PlacedLayout's)
        height = self._place(rect, move=True)
        if height != self._height:
            # Its rows at this width are its minimum height from now on: a layout that does not ask for
            # the height at a width (or asked at another width) still leaves room for every row.
            self._height = height
            self.invalidate()

    def sizeHint(self) -> QSize:
        """Everything on one row."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + self._spacing * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        """The widest item's width (one item a row), and the height of its rows at its present width."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        size += QSize(margins.left() + margins.right(), margins.top() + margins.bottom())
        return QSize(size.width(), max(size.height(), self._height))

    def add_layout(self, layout: QLayout) -> None:
        """A group kept together on one row (a label and its field)."""
        self.addChildLayout(layout)
        self.addItem(layout)

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in ``rect`` (only measure unless ``move``); the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[tuple[QLayoutItem, QSize, bool]]] = [[]]
        x = 0
        for index, item in enumerate(self._items):
            if item.isEmpty():
                continue
            hint = item.sizeHint().boundedTo(item.maximumSize()).expandedTo(item.minimumSize())
            width = min(hint.width(), max(area.width(), item.minimumSize().width()))
            height = item.heightForWidth(width) if item.hasHeightForWidth() else hint.height()
            if rows[-1] and x + width > area.width():
                rows.append([])
                x = 0
            rows[-1].append((item, QSize(width, height), index >= (self._stretch_at or len(self._items))))
            x += width + self._spacing
        y = area.y()
        for row in rows:
            used = sum(size.width() for _, size, _ in row) + self._spacing * (len(row) - 1)
            # The stretch takes the spare room only in a row that holds items on both of its sides.
            both_sides = any(after for *_, after in row) and not all(after for *_, after in row)
            spare = max(area.width() - used, 0) if both_sides or len(rows) == 1 else 0
            x, tallest = area.x(), max((size.height() for _, size, _ in row), default=0)
            for item, size, after in row:
                if move:  # each item in the middle of its row's height
                    top = y + (tallest - size.height()) // 2
                    item.setGeometry(QRect(QPoint(x + (spare if after else 0), top), size))
                x += size.width() + self._spacing
            y += tallest + self._row_spacing
        return max(y - self._row_spacing, area.y()) - rect.y() + margins.bottom()


class CheckBoxWords(QLabel):
    """A check box's words on as many lines as they need (a QCheckBox's own text never wraps, and at large
    text sizes a long one is wider than the page). Clicking the words toggles the box; its ``&`` key moves
    the focus to it."""

    def __init__(self, box: QCheckBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._box = box
        self.setWordWrap(True)
        self.setBuddy(box)
        box.setText("")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._box.isEnabled() and self.rect().contains(event.position().toPoint()):
            self._box.toggle()
            self._box.setFocus()
        super().mouseReleaseEvent(event)


def check_box_row(box: QCheckBox, words: CheckBoxWords) -> QHBoxLayout:
    """The box, then its words beside it, wrapping."""
    row = QHBoxLayout()
    row.setSpacing(6)  # as a check box keeps between its box and its words
    row.addWidget(box, 0)
    row.addWidget(words, 1)
    return row


class TitledBox(QGroupBox):
    """A group box whose title wraps: shown in a label at the top of the box (a QGroupBox's own title is one
    line, and at large text sizes a long one is wider than the page). Add ``title_label`` to its layout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = ""
        self.title_label = QLabel(self)
        self.title_label.setObjectName("box_title")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)

    def setTitle(self, title: str) -> None:
        self._title = title
        self.title_label.setText(title)
        self.setAccessibleName(title)  # what the title would have named

    def title(self) -> str:
        return self._title
