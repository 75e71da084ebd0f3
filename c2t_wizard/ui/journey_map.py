"""The journey map beside the wizard's pages: where the partner is among the seven steps.

It draws what ``domain.journey_map`` decided; colours come from the palette at paint time, so the map
follows light and dark (and a palette change) without being told.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from c2t_wizard.domain.journey_map import STEP_COUNT, MapEntry, MapStep, StepState, current_entry
from c2t_wizard.ui.colors import colours, mix

BAND_OPACITY = 0.16


class JourneyStepItem(QWidget):
    """One step: a numbered circle (a tick when done) and the step's name.

    Painted with filled paths only and named by a label (``QPainter.setPen``'s and ``drawText``'s overloads
    would build the ``Qt`` namespace's enums; see ``choice_card.py``).
    """

    DIAMETER = 24
    MARGIN = 4

    def __init__(self, entry: MapEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"journey_step_{entry.step.value}")
        self.entry = entry
        self.name = ""
        self.label = QLabel(self)
        self.label.setObjectName(f"journey_step_{entry.step.value}_name")
        self._layout = layout = QHBoxLayout(self)
        layout.setContentsMargins(self.MARGIN + self.DIAMETER + 10, 7, 8, 7)
        layout.addWidget(self.label, 1)
        self.setMinimumHeight(self.DIAMETER + 14)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def full_height(self) -> int:
        """The height it needs to show its name whole (more than its minimum when the text is large)."""
        margins = self._layout.contentsMargins()
        return max(self.minimumHeight(), self.label.sizeHint().height() + margins.top() + margins.bottom())

    def full_width(self) -> int:
        """The width it needs to show its name beside its circle."""
        margins = self._layout.contentsMargins()
        return self.label.sizeHint().width() + margins.left() + margins.right()

    def set_compact(self, compact: bool) -> None:
        """Only the circle (the name stays its accessible name and tooltip) or the circle and the name."""
        self.label.setVisible(not compact)

    def set_entry(self, entry: MapEntry, name: str, spoken: str, state_words: str) -> None:
        self.entry = entry
        self.name = name
        self.label.setText(name)
        font = QFont(self.font())
        font.setBold(entry.state is StepState.CURRENT)
        self.label.setFont(font)
        self.setAccessibleName(spoken)
        self.setAccessibleDescription(state_words)
        self.setToolTip(f"{spoken} ({state_words})")
        self._colour_label()
        self.update()

    def _font(self) -> QFont:
        return self.label.font()

    def _colour_label(self) -> None:
        palette = self.label.palette()  # a copy (QPalette(...) would build the Qt namespace)
        palette.setColor(QPalette.ColorRole.WindowText, self.colours()[2])
        self.label.setPalette(palette)

    def colours(self) -> tuple[QColor, QColor, QColor]:
        """(circle fill, circle mark, name text) for this step's state, from the palette now in force: our
        step colours (``ui.colors``, tested for contrast in light and dark), the name in the window's text
        colour, a skipped step's name and ring in the secondary colour (greyed, yet readable)."""
        palette = self.palette()
        ours = colours(palette)
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        state = self.entry.state
        if state is StepState.CURRENT:
            return ours.step_mark, ours.mark_text, text
        if state is StepState.DONE:
            return ours.done_mark, ours.mark_text, text
        if state is StepState.SKIPPED:
            return window, ours.secondary_text, ours.secondary_text
        return window, text, text

    def band(self) -> QColor:
        """Behind the current step: a light band of its mark's colour over the window."""
        palette = self.palette()
        return mix(palette.color(QPalette.ColorRole.Window), colours(palette).step_mark, BAND_OPACITY)

    def _brushes(self) -> tuple[QBrush, QBrush]:
        fill, mark, _text = self.colours()
        return QBrush(fill), QBrush(mark)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._colour_label()

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, mark = self._brushes()
        state = self.entry.state
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if state is StepState.CURRENT:  # a light band in the mark's colour behind the current step
            current = QPainterPath()
            current.addRoundedRect(QRectF(self.rect()).adjusted(0, 2, 0, -2), 6.0, 6.0)
            painter.fillPath(current, QBrush(self.band()))
        d = float(self.DIAMETER)
        circle = QRectF(self.MARGIN, (self.height() - d) / 2, d, d)
        disc = QPainterPath()
        disc.addEllipse(circle)
        painter.fillPath(disc, fill)
        if state in (StepState.TODO, StepState.SKIPPED):  # hollow: a ring in the mark's colour
            ring = QPainterPath()
            ring.addEllipse(circle)
            width = 1.5 if state is StepState.TODO else 1.0
            ring.addEllipse(circle.adjusted(width, width, -width, -width))
            painter.fillPath(ring, mark)
        centre = circle.center()
        if state is StepState.DONE:
            x, y = centre.x(), centre.y()
            tick = QPainterPath(QPointF(x - 5.5, y))
            tick.lineTo(x - 1.5, y + 4)
            tick.lineTo(x + 5.5, y - 4)
            stroker = QPainterPathStroker()
            stroker.setWidth(2.4)
            painter.fillPath(stroker.createStroke(tick), mark)
        else:
            font = QFont(self.font())
            font.setBold(True)
            metrics = QFontMetricsF(font)
            if metrics.height() > d * 0.8:  # large text: the number still inside its circle
                font.setPointSizeF(font.pointSizeF() * d * 0.8 / metrics.height())
                metrics = QFontMetricsF(font)
            number = str(self.entry.number)
            baseline = QPointF(
                centre.x() - metrics.horizontalAdvance(number) / 2,
                centre.y() + (metrics.ascent() - metrics.descent()) / 2,
            )
            digits = QPainterPath()
            digits.addText(baseline, font, number)
            painter.fillPath(digits, mark)
        painter.end()


class JourneyMap(QWidget):
    """The seven steps beside the pages (``QWizard.setSideWidget``).

    A screen reader reads the map as "Step 4 of 7: Users" and each step as "Step N of 7: name" with its
    state ("current step", "done", "skipped", "to do") as the description.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("journey_map")
        self.entries: tuple[MapEntry, ...] = tuple(
            MapEntry(step, number, StepState.TODO) for number, step in enumerate(MapStep, start=1)
        )
        self.items: dict[MapStep, JourneyStepItem] = {}
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 12, 12)
        layout.setSpacing(2)
        for entry in self.entries:
            item = JourneyStepItem(entry, self)
            self.items[entry.step] = item
            layout.addWidget(item)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.compact = False
        self._retranslate()
        if parent is not None:
            parent.installEventFilter(
                self
            )  # its window's width decides whether the names fit beside the page

    PAGE_CHARACTERS = 56
    """What a page needs beside the map, in average characters of the text size in force: with less (large
    text in a small window) the map shows its circles only, and the page has the room."""

    def fit(self) -> None:
        """The names beside their circles while the page keeps room for its words and every name fits its
        height; only the circles otherwise (at twice the text size in the smallest window)."""
        window = self.window()
        layout = self._layout
        margins = layout.contentsMargins()
        items = list(self.items.values())
        width = max(item.full_width() for item in items) + margins.left() + margins.right()
        height = (
            sum(item.full_height() for item in items)
            + layout.spacing() * (len(items) - 1)
            + margins.top()
            + margins.bottom()
        )
        page = window.width() - width
        compact = (
            page < self.fontMetrics().averageCharWidth() * self.PAGE_CHARACTERS or height > self.height()
        )
        if compact != self.compact:
            self.compact = compact
            for item in items:
                item.set_compact(compact)
            self.updateGeometry()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.LayoutRequest):
            self.fit()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()  # its height comes from the wizard's page area

    def step_name(self, step: MapStep) -> str:
        names = {
            MapStep.TENANT: self.tr("Tenant"),
            MapStep.SIGNUP: self.tr("Sign-up"),
            MapStep.SIGN_IN: self.tr("Sign in"),
            MapStep.USERS: self.tr("Users"),
            MapStep.PASSWORDS: self.tr("Passwords"),
            MapStep.PORTAL: self.tr("Portal"),
            MapStep.SUMMARY: self.tr("Summary"),
        }
        return names[step]

    def spoken(self, entry: MapEntry) -> str:
        """ "Step 4 of 7: Users"."""
        return self.tr("Step {number} of {count}: {name}").format(
            number=entry.number, count=STEP_COUNT, name=self.step_name(entry.step)
        )

    def state_words(self, state: StepState) -> str:
        words = {
            StepState.CURRENT: self.tr("current step"),
            StepState.DONE: self.tr("done"),
            StepState.SKIPPED: self.tr("skipped"),
            StepState.TODO: self.tr("to do"),
        }
        return words[state]

    def set_entries(self, entries: tuple[MapEntry, ...]) -> None:
        self.entries = entries
        self._retranslate()

    def _retranslate(self) -> None:
        for entry in self.entries:
            self.items[entry.step].set_entry(
                entry, self.step_name(entry.step), self.spoken(entry), self.state_words(entry.state)
            )
        current = current_entry(self.entries)
        if current is None:
            self.setAccessibleName(self.tr("Onboarding in {count} steps").format(count=STEP_COUNT))
        else:
            self.setAccessibleName(self.spoken(current))
        self.setAccessibleDescription(self.tr("Your progress through the onboarding"))
        self.updateGeometry()
        if self.parentWidget() is not None:
            self.fit()  # another language: names of another length

    def accessible_text(self) -> str:
        """What a screen reader says about the map as a whole."""
        return self.accessibleName()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
