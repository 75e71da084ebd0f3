"""Table headings that are never cut off: a heading too long for its column goes onto a second line, and the
header grows to hold it (large text, 200 % scaling, or a narrow window)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget


class WrappingHeader(QHeaderView):
    """A horizontal header whose headings wrap at spaces instead of ending in "…".

    A column is still sized to its heading on one line where it has the room (``ResizeToContents``); only
    a narrower column wraps its heading.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # as the header a table makes for itself
        self.setHighlightSections(True)
        self.setDefaultAlignment(self.defaultAlignment() | Qt.TextFlag.TextWordWrap)
        self._height = 0
        self._shared: list[int] = []
        self._table: QTableView | None = None
        self.sectionResized.connect(self._refit)
        self.sectionCountChanged.connect(self._headings_changed)  # sections are made lazily

    def _heading(self, logical: int) -> str:
        model = self.model()
        text = model.headerData(logical, self.orientation()) if model is not None else None
        return str(text) if text else ""

    def _metrics(self) -> QFontMetrics:
        """The heading's font: bold, as a highlighted section's is, where sections are highlighted."""
        font = QFont(self.font())
        font.setBold(font.bold() or self.highlightSections())
        return QFontMetrics(font)

    def _margin(self, size: QSize) -> int:
        """The style's margin around a heading (from its one-line size: margin, line, margin)."""
        return max((size.height() - self.fontMetrics().height()) // 2, 0)

    def sectionSizeFromContents(self, logical: int) -> QSize:
        """Its heading's width on one line, and the height it needs wrapped at the column's width."""
        size = super().sectionSizeFromContents(logical)
        text = self._heading(logical)
        if not text:
            return size
        metrics, margin = self._metrics(), self._margin(size)
        room = self.sectionSize(logical) - 2 * margin  # what the style gives the words
        if metrics.horizontalAdvance(text) <= room or room <= 0:
            return size
        wrapped = metrics.boundingRect(QRect(0, 0, room, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        return QSize(size.width(), max(size.height(), wrapped.height() + 2 * margin))

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()  # its height is cached from the widths the columns had then
        tallest = self._tallest()
        return QSize(hint.width(), tallest if tallest > 0 else hint.height())

    def _tallest(self) -> int:
        return max(
            (
                self.sectionSizeFromContents(logical).height()
                for logical in range(self.count())
                if not self.isSectionHidden(logical)
            ),
            default=0,
        )

    def longest_word(self, logical: int) -> int:
        """The width the section needs for the longest word of its heading (and the style's margins)."""
        text = self._heading(logical)
        if not text:
            return 0
        # Each word on a line of its own: the widest line, as the header lays the heading out.
        words = self._metrics().boundingRect(QRect(0, 0, 1, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        return words.width() + 2 * self._margin(super().sectionSizeFromContents(logical)) + 1

    def share_room(self, table: QTableView, columns: Sequence[int]) -> None:
        """``columns`` share the table's room left by the others (as stretched columns do), but none gets
        narrower than its heading's longest word: then the table scrolls sideways rather than cut a word.
        Again whenever the table's width or the headings change (another language)."""
        self._shared = list(columns)
        self._table = table
        for column in self._shared:
            self.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.viewport().installEventFilter(self)
        self._headings_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self._table is not None:
            self._share()
        return False

    def setModel(self, model: QAbstractItemModel | None) -> None:
        if self.model() is not None:
            self.model().headerDataChanged.disconnect(self._headings_changed)
        super().setModel(model)
        if model is not None:
            model.headerDataChanged.connect(self._headings_changed)

    def _headings_changed(self) -> None:
        self._share()
        self._refit()

    def _share(self) -> None:
        table = self._table
        shared = [c for c in self._shared if c < self.count() and not self.isSectionHidden(c)]
        if table is None or not shared:
            return
        others = sum(
            self.sectionSize(c)
            for c in range(self.count())
            if c not in shared and not self.isSectionHidden(c)
        )
        room = table.viewport().width() - others
        floors = {c: self.longest_word(c) for c in shared}
        # The widest headings first take what their longest word needs; the rest share what is left.
        widths: dict[int, int] = {}
        left = sorted(shared, key=lambda c: floors[c], reverse=True)
        while left:
            share = max(room, 0) // len(left)
            if floors[left[0]] <= share:
                break
            column = left.pop(0)
            widths[column] = floors[column]
            room -= floors[column]
        for number, column in enumerate(left):
            share = max(room, 0) // len(left)
            widths[column] = share + (max(room, 0) % len(left) if number == len(left) - 1 else 0)
        for column in shared:
            if self.sectionSize(column) != widths[column]:
                self.resizeSection(column, widths[column])

    def wrap_to_fit(self, table: QTableView, *, cells: bool = False) -> None:
        """Where the columns sized to their contents are wider than the table, narrow those whose heading is
        wider than their cells down to the heading's longest word (it wraps). With ``cells``, if that is not
        enough, narrow columns down to their cells' longest word too (their words wrap, rows grow)."""
        shared = [c for c in self._shared if c < self.count() and not self.isSectionHidden(c)]
        # A column sharing the room left (``share_room``) counts at the least it will get.
        excess = (
            self.length()
            - sum(self.sectionSize(c) - self.longest_word(c) for c in shared)
            - table.viewport().width()
        )
        columns = [
            logical
            for logical in range(self.count())
            if not self.isSectionHidden(logical)
            and self.sectionResizeMode(logical) == self.ResizeMode.Interactive
            and logical not in shared
        ]
        wrapped = False
        for by_words in (False, True) if cells else (False,):
            for logical in columns:
                if excess <= 0:
                    break
                floor = (
                    self._longest_cell_word(table, logical) if by_words else table.sizeHintForColumn(logical)
                )
                give = min(excess, self.sectionSize(logical) - max(floor, self.longest_word(logical)))
                if give > 0:
                    self.resizeSection(logical, self.sectionSize(logical) - give)
                    excess -= give
                    wrapped = wrapped or by_words
        if wrapped:
            table.resizeRowsToContents()

    def _longest_cell_word(self, table: QTableView, logical: int) -> int:
        """The width ``logical``'s cells need with each of their words on a line of its own."""
        model = table.model()
        if model is None or not table.wordWrap():
            return table.sizeHintForColumn(logical)
        metrics = table.fontMetrics()
        texts = [str(model.index(row, logical).data() or "") for row in range(model.rowCount())]
        one_line = max((metrics.horizontalAdvance(text) for text in texts), default=0)
        padding = max(table.sizeHintForColumn(logical) - one_line, 0)  # the style's margins around a cell
        words = max(
            (
                metrics.boundingRect(QRect(0, 0, 1, 100_000), int(Qt.TextFlag.TextWordWrap), text).width()
                for text in texts
            ),
            default=0,
        )
        return words + padding

    def _refit(self) -> None:
        """Tell the table when the header needs another height (a column got narrower or wider)."""
        height = self._tallest()
        if height != self._height:
            self._height = height
            self.updateGeometry()
            self.geometriesChanged.emit()  # the table gives the header its new height


def wrap_headings(table: QTableView) -> WrappingHeader:
    """Give ``table`` a horizontal header whose headings wrap (call before configuring the header)."""
    header = WrappingHeader(table)
    header.setObjectName(f"{table.objectName() or 'table'}_header")
    table.setHorizontalHeader(header)
    return header
