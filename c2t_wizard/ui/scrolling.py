"""Room for large text (an accessibility setting, 200 % scaling): a page's content scrolls when it needs more
room than the window has, and the wizard's header grows to show its whole subtitle."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget, QWizard, QWizardPage


def scrolling_layout(page: QWidget) -> QVBoxLayout:
    """The layout for a page's content, inside a scroll area that fills the page.

    With large text (a partner's accessibility setting, or 200 % scaling) a page may need more room than the
    window has; its content then scrolls instead of being squeezed until words are cut off.
    """
    area = QScrollArea(page)
    area.setObjectName(f"{page.objectName() or 'page'}_scroll")
    area.setWidgetResizable(True)
    # No frame; an int, not QFrame.Shape.NoFrame: touching a QtWidgets enum before the first paint makes
    # PySide6 build the enums of every QtWidgets class (tens of ms: benchmarks/startup.py).
    area.setFrameStyle(0)
    content = QWidget(area)
    # No Tab stop of its own (it follows the focus inside it): a widget with a focus proxy is skipped by Tab.
    # (Not setFocusPolicy: its enum would build all Qt namespace enums before the first paint.)
    area.setFocusProxy(content)
    content.setObjectName(f"{page.objectName() or 'page'}_content")
    area.setWidget(content)
    # The viewport by name: ``viewport()`` would make PySide6 build every QtWidgets enum (79) before the first
    # paint, as touching one of them does.
    viewport = area.findChild(QWidget, "qt_scrollarea_viewport")
    if viewport is not None:
        viewport.setAutoFillBackground(False)
    content.setAutoFillBackground(False)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return QVBoxLayout(content)


class _WrappedLabelsFit(QObject):
    """Gives word-wrapped labels the height their words need at their width (QWizard's header does not)."""

    def __init__(self, wizard: QWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._labels: list[QLabel] = []
        wizard.installEventFilter(self)  # QWizard makes its header's labels when it first lays out a page
        wizard.currentIdChanged.connect(self.fit)

    @property
    def labels(self) -> list[QLabel]:
        """The labels it keeps fitted."""
        return list(self._labels)

    def _watch_new_labels(self) -> None:
        for label in self._wizard.findChildren(QLabel):
            # Only the wizard's own header: not a page's labels, nor a dialog's (a question asked from the
            # wizard is its child, in a window of its own, and is deleted once answered).
            if (
                label in self._labels
                or label.window() is not self._wizard
                or any(isinstance(p, QWizardPage) for p in _ancestors(label))
            ):
                continue
            self._labels.append(label)
            label.installEventFilter(self)
            parent = label.parentWidget()
            if parent is not None and parent is not self._wizard:
                parent.installEventFilter(self)  # a new subtitle asks its parent to lay out again

    def fit(self) -> None:
        self._watch_new_labels()
        for label in self._labels:
            self._fit(label)

    @staticmethod
    def _fit(label: QLabel) -> None:
        # QWizard turns word wrap on for its subtitle when it lays out a page, not when it is made.
        needed = label.heightForWidth(label.width()) if label.text() and label.wordWrap() else 0
        if needed == label.minimumHeight():
            return
        label.setMinimumHeight(needed)
        header = label.parentWidget()  # the header's own layout does not grow with its label: tell it
        layout = header.layout() if header is not None else None
        if header is not None and layout is not None:
            layout.invalidate()  # its cached minimum still holds the label's old height
            header.setMinimumHeight(layout.minimumSize().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange) and isinstance(watched, QLabel):
            self._fit(watched)
        elif watched is self._wizard and event.type() in (QEvent.Type.Show, QEvent.Type.LayoutRequest):
            self.fit()
        elif event.type() == QEvent.Type.LayoutRequest:
            for label in self._labels:
                if label.parentWidget() is watched:
                    self._fit(label)
        return False


def _ancestors(widget: QWidget) -> list[QWidget]:
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def fit_wizard_header(wizard: QWizard) -> _WrappedLabelsFit:
    """Let the wizard's title and subtitle grow to show all their words, however large the text."""
    return _WrappedLabelsFit(wizard)
