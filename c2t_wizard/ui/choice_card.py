"""A large radio choice (the Welcome page's): a bold title, one plain sentence under it, a rounded frame.

The Welcome page is the first thing the partner sees, so this module stays light: it touches neither the
``Qt`` namespace nor ``QStyle`` while the window is being built. PySide6 turns each of them into Python enums
on first use (about 13 ms and 4 ms here), which the first paint would otherwise wait for; the frame is painted
here rather than by a style sheet for the same reason.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF
from PySide6.QtGui import QMouseEvent, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

RADIUS = 6.0
EXPLANATION_GAP = 8
"""Pixels between the radio's indicator and the explanation's first letter."""


def radio_indicator_width() -> int:
    """The width of the style's radio indicator (``QStyle.PM_ExclusiveIndicatorWidth``).

    A radio button without text is exactly its indicator wide (``QCommonStyle``'s ``CT_RadioButton``),
    which spares building ``QStyle``'s enums before the first paint.
    """
    return QRadioButton().sizeHint().width()


class ParagraphLabel(QLabel):
    """A word-wrapped label that remembers its height for each width it was asked about.

    Laying out a window asks a word-wrapped label for its height at a width many times (QBoxLayout asks
    again for its minimum, for each pass), and QLabel lays its words out anew for every answer: for the
    Welcome page that was 1.2% of the start-up's instructions (valgrind; ``benchmarks/startup.py``). The
    answer depends on the width, the words and the font, which key the memory; any other change (style,
    screen) forgets it.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._heights: dict[tuple[int, str, str], int] = {}

    def heightForWidth(self, width: int) -> int:
        key = (width, self.text(), self.font().key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) >= 32:  # a window being resized asks for every width on the way
                self._heights.clear()
            height = self._heights[key] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:
        self._heights.clear()
        super().changeEvent(event)


class ChoiceCard(QWidget):
    """A large radio choice: a bold title and one plain sentence under it; a click anywhere picks it.

    The chosen card has a thicker border in the highlight colour; nothing inside moves when it changes.
    """

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choice_card")
        self.radio = QRadioButton(title, self)
        font = self.radio.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.radio.setFont(font)
        self.radio.setAccessibleDescription(explanation)
        self.explanation = ParagraphLabel(explanation, self)
        self.explanation.setObjectName("choice_explanation")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)  # 14 x 10 inside a 2 px border
        layout.setSpacing(2)
        layout.addWidget(self.radio)
        explanation_row = QHBoxLayout()
        explanation_row.setContentsMargins(radio_indicator_width() + EXPLANATION_GAP, 0, 0, 0)
        explanation_row.addWidget(self.explanation)
        layout.addLayout(explanation_row)
        self.radio.toggled.connect(self.update)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Two filled paths rather than a pen: QPainter.setPen's overloads would build the Qt namespace.
        palette = self.palette()
        checked = self.radio.isChecked()
        border = 2.0 if checked else 1.0
        outer, inner = QPainterPath(), QPainterPath()
        bounds = QRectF(self.rect())
        outer.addRoundedRect(bounds, RADIUS, RADIUS)
        inner.addRoundedRect(
            bounds.adjusted(border, border, -border, -border), RADIUS - border, RADIUS - border
        )
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillPath(outer, palette.highlight() if checked else palette.mid())
        painter.fillPath(inner, palette.base())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        from PySide6.QtCore import Qt  # after the first paint: see the module's docstring

        if event.button() == Qt.MouseButton.LeftButton:
            self.radio.setFocus(Qt.FocusReason.MouseFocusReason)
            self.radio.setChecked(True)
            event.accept()
            return
        super().mousePressEvent(event)
