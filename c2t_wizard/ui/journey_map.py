"""The journey map beside the wizard's pages: where the partner is among the seven steps.

It draws what ``domain.journey_map`` decided; colours come from the palette at paint time, so the map
follows light and dark (and a palette change) without being told.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from c2t_wizard.domain.journey_map import STEP_COUNT, MapEntry, MapStep, StepState, current_entry


class JourneyStepItem(QWidget):
    """One step: a numbered circle (a tick when done) and the step's name."""

    DIAMETER = 24

    def __init__(self, entry: MapEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"journey_step_{entry.step.value}")
        self.entry = entry
        self.name = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_entry(self, entry: MapEntry, name: str, spoken: str, state_words: str) -> None:
        self.entry = entry
        self.name = name
        self.setAccessibleName(spoken)
        self.setAccessibleDescription(state_words)
        self.setToolTip(f"{spoken} ({state_words})")
        self.updateGeometry()
        self.update()

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(self.entry.state is StepState.CURRENT)
        return font

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self._font())
        height = max(self.DIAMETER, metrics.height()) + 14
        return QSize(self.DIAMETER + 10 + metrics.horizontalAdvance(self.name) + 12, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def colours(self) -> tuple[QColor, QColor, QColor]:
        """(circle fill, circle mark, name text) for this step's state, from the palette now in force."""
        palette = self.palette()
        state = self.entry.state
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        if state is StepState.CURRENT:
            return (
                palette.color(QPalette.ColorRole.Highlight),
                palette.color(QPalette.ColorRole.HighlightedText),
                text,
            )
        if state is StepState.DONE:
            return (
                palette.color(QPalette.ColorRole.Highlight),
                palette.color(QPalette.ColorRole.HighlightedText),
                text,
            )
        if state is StepState.SKIPPED:
            grey = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
            return window, grey, grey
        return window, text, text

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, mark, text = self.colours()
        state = self.entry.state
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        d = self.DIAMETER
        circle = QRectF(4.5, (self.height() - d) / 2 + 0.5, d - 1, d - 1)
        if state is StepState.CURRENT:
            band = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            band.setAlpha(40)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(band)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0, 2, 0, -2), 6, 6)
        outline = QPen(mark if state in (StepState.TODO, StepState.SKIPPED) else fill, 1.5)
        if state is StepState.SKIPPED:
            outline.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(outline)
        painter.setBrush(fill)
        painter.drawEllipse(circle)
        if state is StepState.DONE:
            pen = QPen(mark, 2.4)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            c = circle.center()
            painter.drawPolyline(
                [
                    QPointF(c.x() - 5.5, c.y()),
                    QPointF(c.x() - 1.5, c.y() + 4),
                    QPointF(c.x() + 5.5, c.y() - 4),
                ]
            )
        else:
            painter.setPen(mark)
            number_font = QFont(self.font())
            number_font.setBold(True)
            painter.setFont(number_font)
            painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, str(self.entry.number))
        painter.setPen(text)
        painter.setFont(self._font())
        label = QRectF(circle.right() + 10, 0, self.width() - circle.right() - 12, self.height())
        painter.drawText(label, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self.name)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 12, 12, 12)
        layout.setSpacing(2)
        for entry in self.entries:
            item = JourneyStepItem(entry, self)
            self.items[entry.step] = item
            layout.addWidget(item)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._retranslate()

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

    def accessible_text(self) -> str:
        """What a screen reader says about the map as a whole."""
        return self.accessibleName()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
