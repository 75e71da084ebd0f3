"""Small widgets the pages share: a busy spinner, a status line (icon + words), and secondary text."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QWidget,
)

from c2t_wizard.ui.announce import Urgency, announce
from c2t_wizard.ui.breaking import breakable, plain
from c2t_wizard.ui.colors import colours
from c2t_wizard.ui.flow import PlacedLayout


class _SecondaryColour(QObject):
    """Keeps a widget's text in the secondary colour of the application's palette, also after it changes."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget
        self.apply()
        widget.installEventFilter(self)

    def apply(self) -> None:
        palette = self._widget.palette()
        source = QApplication.palette(self._widget)
        palette.setColor(self._widget.foregroundRole(), colours(source).secondary_text)
        self._widget.setPalette(palette)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self.apply()
        return False


def make_secondary(widget: QWidget) -> None:
    """Show ``widget``'s text (and its children's) dimmer than normal text, yet readable (WCAG AA)."""
    _SecondaryColour(widget)


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
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Busy"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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


class _StatusLayout(PlacedLayout):
    """A status line's layout: the marker, the words beside it, and the added widgets after the words while
    the width holds the words' longest word and them, else below the words (its height follows its width)."""

    SPACING = 8
    ROW_SPACING = 6

    def __init__(self, parent: QWidget, marker: QWidget, label: QLabel, extras: QLayout) -> None:
        super().__init__(parent)
        self.setContentsMargins(0, 0, 0, 0)
        self.addWidget(marker)
        self.addWidget(label)
        self.addChildLayout(extras)
        self.addItem(extras)

    def _marker_width(self) -> int:
        marker = self._items[0]
        return 0 if marker.isEmpty() else marker.sizeHint().width() + self.SPACING

    def _extras_width(self) -> int:
        extras = self._items[2]
        return 0 if extras.isEmpty() else extras.sizeHint().width()

    def sizeHint(self) -> QSize:
        extras = self._extras_width()
        width = self._marker_width() + self._items[1].sizeHint().width()
        width += self.SPACING + extras if extras else 0
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        label = self._items[1].minimumSize()
        width = self._marker_width() + max(label.width(), self._extras_width())
        return QSize(width, label.height())

    def _place(self, rect: QRect, *, move: bool) -> int:
        marker, label, extras = self._items
        indent = self._marker_width()
        extras_width = self._extras_width()
        below = bool(extras_width) and rect.width() < (
            indent + label.minimumSize().width() + self.SPACING + extras_width
        )
        label_width = (
            rect.width() - indent - (self.SPACING + extras_width if extras_width and not below else 0)
        )
        label_height = (
            label.heightForWidth(label_width) if label.hasHeightForWidth() else label.sizeHint().height()
        )
        marker_height = 0 if marker.isEmpty() else marker.sizeHint().height()
        extras_height = extras.sizeHint().height() if extras_width else 0
        line = max(label_height, marker_height)
        height = line + self.ROW_SPACING + extras_height if below else max(line, extras_height)
        if move:
            x, y = rect.x(), rect.y()
            marker.setGeometry(QRect(x, y, marker.sizeHint().width(), marker_height))
            label.setGeometry(QRect(x + indent, y, max(label_width, 0), label_height))
            if below:
                extras.setGeometry(
                    QRect(x + indent, y + line + self.ROW_SPACING, extras_width, extras_height)
                )
            elif extras_width:
                extras.setGeometry(
                    QRect(
                        x + indent + label_width + self.SPACING,
                        y + (height - extras_height) // 2,
                        extras_width,
                        extras_height,
                    )
                )
        return height


class StatusLine(QWidget):
    """One line of status: an icon (or a spinner while busy) and plain words.

    Its accessible name is always the words shown; each change is announced (warnings and errors as alerts).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = StatusKind.NONE
        self._words: Callable[[], str] | None = None
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
        # The widgets added at the end of the line (``add_widget``) go below the words when the line is
        # too narrow for both (large text): the status never makes its page scroll sideways.
        self._extras = QHBoxLayout()
        self._extras.setSpacing(8)
        self._layout = _StatusLayout(self, self._marker, self._label, self._extras)
        self._marker.setVisible(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    @property
    def kind(self) -> StatusKind:
        return self._kind

    def text(self) -> str:
        return plain(self._label.text())

    def add_widget(self, widget: QWidget) -> None:
        """Put a widget (e.g. a Retry button) at the end of the line."""
        self._extras.addWidget(widget)

    def show_status(self, kind: StatusKind, text: str | Callable[[], str]) -> None:
        """Show ``text``; given as a function producing the words, a language switch re-words them."""
        self._words = text if callable(text) else None
        if callable(text):
            text = text()
        self._kind = kind
        self._label.setText(breakable(text))  # a long address wraps after "@" and before "."
        self._spinner.set_running(kind is StatusKind.BUSY)
        if kind is StatusKind.BUSY:
            self._marker.setCurrentWidget(self._spinner)
        elif kind in _ICONS:
            icon = self.style().standardIcon(_ICONS[kind], None, self)
            self._icon.setPixmap(icon.pixmap(self._icon_side, self._icon_side))
            self._marker.setCurrentWidget(self._icon)
        self._marker.setVisible(kind is not StatusKind.NONE)
        self._label.setAccessibleName(text)
        urgent = kind in (StatusKind.WARNING, StatusKind.ERROR)
        announce(self, text, Urgency.ALERT if urgent else Urgency.NEWS)

    def clear(self) -> None:
        self.show_status(StatusKind.NONE, "")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self._words is not None:
            text = self._words()  # the same news in other words: not announced again
            self._label.setText(breakable(text))
            self._label.setAccessibleName(text)
            self.setAccessibleName(text)
        super().changeEvent(event)


class _LeaveOnCtrlTab(QObject):
    """Ctrl+Tab and Ctrl+Shift+Tab move the focus out of a widget that keeps Tab for itself."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        assert isinstance(event, QKeyEvent)
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        if event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return _focus_beyond(watched, forward=True)
        if event.key() in (Qt.Key.Key_Backtab, Qt.Key.Key_Tab):
            return _focus_beyond(watched, forward=False)
        return False


def _focus_beyond(widget: QWidget, *, forward: bool) -> bool:
    """Focus the next (previous) widget in the Tab chain outside ``widget``; True if there was one."""
    candidate: QWidget | None = widget
    while True:
        assert candidate is not None
        candidate = candidate.nextInFocusChain() if forward else candidate.previousInFocusChain()
        if candidate is None or candidate is widget:
            return False
        if (
            candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            and candidate.isVisible()
            and candidate.isEnabled()
            and candidate.focusProxy() is None
            and candidate.window() is widget.window()
            and not widget.isAncestorOf(candidate)
        ):
            reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
            candidate.setFocus(reason)
            return True


def leave_with_ctrl_tab(view: QAbstractItemView) -> None:
    """Let the keyboard leave a table with Ctrl+Tab (and Tab: its cells are walked with the arrows)."""
    view.setTabKeyNavigation(False)
    view.installEventFilter(_LeaveOnCtrlTab(view))


class _ShownWith(QObject):
    """Shows and hides a label together with the widget it names."""

    def __init__(self, label: QLabel, widget: QWidget) -> None:
        super().__init__(label)
        self._label = label
        label.setVisible(not widget.isHidden())
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._label.setVisible(True)
        elif event.type() == QEvent.Type.Hide and isinstance(watched, QWidget) and watched.isHidden():
            self._label.setVisible(False)
        return False


def buddy_label(text: str, widget: QWidget, name: str) -> QLabel:
    """A label naming ``widget`` (its buddy: the label's Alt+letter focuses it), shown only while it is."""
    label = QLabel(text, widget.parentWidget())
    label.setObjectName(name)
    label.setBuddy(widget)
    _ShownWith(label, widget)
    return label
