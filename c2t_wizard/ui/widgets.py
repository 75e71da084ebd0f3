"""Small widgets the pages share: a busy spinner, a status line (icon + words), and secondary text."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QWidget,
)


def make_secondary(widget: QWidget) -> None:
    """Show ``widget``'s text (and its children's) in the dimmer colour of placeholder text, and again in
    the new palette's when the application's palette changes (light to dark)."""
    _apply_secondary(widget)
    widget.installEventFilter(_SecondaryText(widget))


def _apply_secondary(widget: QWidget) -> None:
    palette = widget.palette()
    palette.setColor(widget.foregroundRole(), palette.color(QPalette.ColorRole.PlaceholderText))
    widget.setPalette(palette)


class _SecondaryText(QObject):
    """Re-applies the dimmer colour when the palette around the widget changes (light <-> dark)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Setting the same colour again sends no second PaletteChange: no loop.
        if event.type() == QEvent.Type.PaletteChange and isinstance(watched, QWidget):
            _apply_secondary(watched)
        return False


class BusySpinner(QWidget):
    """A small rotating indicator; its timer runs only while it is running *and* visible."""

    SPOKES = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busy_spinner")
        self._step = 0
        self._running = False
        self._timer = QTimer(self)
        self._timer.setObjectName("busy_spinner_timer")
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._advance)
        side = self.fontMetrics().height()
        self.setFixedSize(side, side)
        self.setAccessibleName(self.tr("Busy"))

    def sizeHint(self) -> QSize:
        side = self.fontMetrics().height()
        return QSize(side, side)

    @property
    def running(self) -> bool:
        return self._running

    def set_running(self, running: bool) -> None:
        self._running = running
        self._sync_timer()
        self.update()

    def _sync_timer(self) -> None:
        if self._running and self.isVisible():
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        self._step = (self._step + 1) % self.SPOKES
        self.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sync_timer()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        painter.translate(self.width() / 2, self.height() / 2)
        base = QColor(self.palette().color(self.foregroundRole()))
        pen = QPen()
        pen.setWidthF(max(1.5, side / 9))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        inner, outer = side * 0.22, side * 0.45
        for spoke in range(self.SPOKES):
            distance = (self._step - spoke) % self.SPOKES
            colour = QColor(base)
            colour.setAlphaF(max(0.15, 1.0 - distance / self.SPOKES))
            pen.setColor(colour)
            painter.setPen(pen)
            painter.save()
            painter.rotate(spoke * 360 / self.SPOKES)
            painter.drawLine(QPointF(0, -inner), QPointF(0, -outer))
            painter.restore()
        painter.end()


class StatusKind(Enum):
    """What a status line is saying, which picks its icon."""

    NONE = "none"
    BUSY = "busy"
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_ICONS = {
    StatusKind.OK: QStyle.StandardPixmap.SP_DialogApplyButton,
    StatusKind.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
    StatusKind.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
    StatusKind.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
}


class StatusLine(QWidget):
    """One line of status: an icon (or a spinner while busy) and plain words.

    Its accessible name is always the words shown, so a screen reader hears each change.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = StatusKind.NONE
        self._icon = QLabel(self)
        self._icon.setObjectName("status_icon")
        self._spinner = BusySpinner(self)
        self._marker = QStackedWidget(self)
        self._marker.addWidget(self._icon)
        self._marker.addWidget(self._spinner)
        side = self.fontMetrics().height()
        self._icon_side = side
        self._marker.setFixedSize(side, side)
        self._label = QLabel(self)
        self._label.setObjectName("status_text")
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addWidget(self._marker, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(self._label, 1)
        self._marker.setVisible(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    @property
    def kind(self) -> StatusKind:
        return self._kind

    def text(self) -> str:
        return self._label.text()

    def add_widget(self, widget: QWidget) -> None:
        """Put a widget (e.g. a Retry button) at the end of the line."""
        self._layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)

    def show_status(self, kind: StatusKind, text: str) -> None:
        self._kind = kind
        self._label.setText(text)
        self._spinner.set_running(kind is StatusKind.BUSY)
        if kind is StatusKind.BUSY:
            self._marker.setCurrentWidget(self._spinner)
        elif kind in _ICONS:
            icon = self.style().standardIcon(_ICONS[kind], None, self)
            self._icon.setPixmap(icon.pixmap(self._icon_side, self._icon_side))
            self._marker.setCurrentWidget(self._icon)
        self._marker.setVisible(kind is not StatusKind.NONE)
        self.setAccessibleName(text)
        self._label.setAccessibleName(text)

    def clear(self) -> None:
        self.show_status(StatusKind.NONE, "")
