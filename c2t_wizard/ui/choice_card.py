"""A large radio choice (the Welcome page's): a bold title, one plain sentence under it, a rounded frame.

The Welcome page is the first thing the partner sees, so this module stays light: it touches neither the
``Qt`` namespace nor ``QStyle`` while the window is being built. PySide6 turns each of them into Python enums
on first use (about 13 ms and 4 ms here), which the first paint would otherwise wait for; the frame is painted
here rather than by a style sheet for the same reason.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
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
        self.explanation = QLabel(explanation, self)
        self.explanation.setObjectName("choice_explanation")
        self.explanation.setWordWrap(True)
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
