"""Fusion for the dark palette (``theme.py`` installs it when the platform has no dark look of its own).

A module of its own: importing ``QStyle`` builds its enums, which the first paint must not wait for.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget


class DarkFusionStyle(QProxyStyle):
    """Fusion with visible rims on check boxes and radio buttons in a dark palette.

    Fusion draws those rims darker than the window, which all but disappears on a dark one; a rim in the
    placeholder-text colour sits above 3:1 against the field (WCAG's minimum for a control's edge).
    """

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        radio = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
        if not radio and element != QStyle.PrimitiveElement.PE_IndicatorCheckBox:
            return
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        role = QPalette.ColorRole.PlaceholderText if enabled else QPalette.ColorRole.WindowText
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(option.palette.color(group, role), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = QRectF(option.rect)
        if radio:
            painter.drawEllipse(rect.adjusted(1.5, 1.5, -1.5, -1.5))
        else:
            painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -1.5, -1.5), 1.5, 1.5)
        painter.restore()
