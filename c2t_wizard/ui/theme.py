"""Light and dark: follow the system's colour scheme, live, and the app's icon and logo.

Where the platform's style paints dark by itself (macOS, Windows 11's style, a dark GTK/KDE theme), the
platform's palette is kept. Where it does not (the classic Windows style, the offscreen platform), a dark
scheme switches to Fusion with a dark palette, and back to the platform's style and palette when light.
Our own colours are read from the palette at paint time, so every widget follows.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

ICON_PATH = Path(__file__).resolve().parent.parent / "resources" / "icon.svg"


def app_icon() -> QIcon:
    """The application's icon, from SVG (crisp at every size and device pixel ratio)."""
    return QIcon(str(ICON_PATH))


def logo_pixmap(size: int = 48, ratio: float = 1.0) -> QPixmap:
    """The icon as the wizard's logo (ModernStyle's header), rendered for ``ratio``."""
    return app_icon().pixmap(QSize(size, size), ratio)


def dark_palette() -> QPalette:
    """A dark palette for Fusion (text/background pairs above WCAG AA contrast)."""
    palette = QPalette()
    role = QPalette.ColorRole
    window = QColor("#202124")
    base = QColor("#2a2b2f")  # lighter than the window: Fusion draws radio rims darker than the window
    text = QColor("#e8eaed")
    disabled = QColor("#8a8d91")
    for which, colour in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, QColor("#303236")),
        (role.ToolTipBase, QColor("#303134")),
        (role.ToolTipText, text),
        (role.PlaceholderText, disabled),
        (role.Text, text),
        (role.Button, QColor("#2d2f33")),
        (role.ButtonText, text),
        (role.BrightText, QColor("#ffffff")),
        (role.Light, QColor("#3c3f44")),
        (role.Midlight, QColor("#34363a")),
        (role.Mid, QColor("#4a4d52")),
        (role.Dark, QColor("#111213")),
        (role.Shadow, QColor("#000000")),
        (role.Highlight, QColor("#8ab4f8")),
        (role.HighlightedText, QColor("#111213")),
        (role.Link, QColor("#8ab4f8")),
        (role.LinkVisited, QColor("#c58af9")),
    ):
        palette.setColor(which, colour)
    for which in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, which, disabled)
    palette.setColor(QPalette.ColorGroup.Disabled, role.Highlight, QColor("#4a4d52"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.HighlightedText, disabled)
    return palette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class ColorSchemeFollower(QObject):
    """Applies the system's light or dark scheme now and whenever it changes.

    Signals:
        scheme_applied(bool): the palette in force changed; True when dark.
    """

    scheme_applied = Signal(bool)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._switched_from: str | None = None
        """The platform's style name while our dark Fusion is in force (None: the platform's look)."""
        self._forced: Qt.ColorScheme | None = None
        self._following = False
        self.dark = is_dark(app.palette())

    def start(self) -> None:
        """Apply the system's scheme now and follow its changes; idempotent."""
        if self._following:
            return
        self._following = True
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_changed)
        if self._forced is None:
            self.apply(hints.colorScheme())

    def _system_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._forced is None:
            self.apply(scheme)

    def force(self, scheme: Qt.ColorScheme | None) -> None:
        """Use ``scheme`` whatever the system says (None: follow the system again); for screenshots."""
        self._forced = scheme
        self.apply(scheme if scheme is not None else QGuiApplication.styleHints().colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Dark or light as ``scheme`` says (Unknown: the platform's look, whatever it is)."""
        from PySide6.QtCore import Qt  # after the first paint: see choice_card.py

        app = self._app
        if scheme == Qt.ColorScheme.Dark:
            if self._switched_from is None and not is_dark(app.palette()):
                # The platform gives no dark palette of its own: Fusion paints a dark one properly.
                from c2t_wizard.ui.dark_style import DarkFusionStyle  # QStyle's enums: only when dark

                self._switched_from = app.style().name()
                app.setStyle(DarkFusionStyle())
                app.setPalette(dark_palette())
        elif self._switched_from is not None:
            app.setStyle(self._switched_from)
            self._switched_from = None
            app.setPalette(QPalette())  # nothing set: the platform's palette again
        self.dark = is_dark(app.palette())
        self.scheme_applied.emit(self.dark)

    def stop(self) -> None:
        """Stop following the system (the app is closing; another app object may follow in tests)."""
        if self._following:
            QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._system_changed)
            self._following = False
        if self._switched_from is not None:
            from PySide6.QtCore import Qt

            self._forced = None
            self.apply(Qt.ColorScheme.Light)
