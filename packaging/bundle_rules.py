"""What the frozen build keeps of Qt, and what it leaves out.

Used by ``c2t-wizard.spec`` (filters PyInstaller's lists before anything is copied) and by ``postbuild.py``
(deletes what a hook copied anyway, then checks nothing kept needs what was dropped). Plain functions of a
file's path inside the bundle, the same on Linux, Windows and macOS, so a test can check them.

The app imports QtCore, QtGui and QtWidgets only (PDF: QPdfWriter is QtGui). QtSvg stays for the
application icon (an SVG), QtDBus for the desktop portal theme (file dialogs in a Flatpak), XcbQpa and
WaylandClient for the two Linux display platforms.
"""

from __future__ import annotations

import re
from pathlib import Path

PYSIDE_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtSvg")
"""The PySide6 modules the app (and its icon) use; every other one is excluded from the analysis."""

QT_LIBRARIES = frozenset({"Core", "Gui", "Widgets", "Svg", "DBus", "XcbQpa", "WaylandClient"})
"""Qt's own libraries kept (``libQt6Core.so.6``, ``Qt6Core.dll``, ``QtCore.framework``)."""

QT_PLUGINS = frozenset(
    {
        # Display platforms: offscreen (tests, smoke test), X11, Wayland, Windows, macOS.
        "platforms/qoffscreen",
        "platforms/qxcb",
        "platforms/qwayland",
        "platforms/qwindows",
        "platforms/qcocoa",
        "platforms/qdirect2d",
        # Wayland needs its shell protocol and (without a compositor's server-side decorations) a title bar.
        "wayland-shell-integration/xdg-shell",
        "wayland-decoration-client/bradient",
        # Native file dialogs through the desktop portal (Flatpak, GNOME, KDE).
        "platformthemes/qxdgdesktopportal",
        # The SVG application icon; PNG is built into QtGui.
        "imageformats/qsvg",
        "iconengines/qsvgicon",
        # Windows and macOS styles.
        "styles/qmodernwindowsstyle",
        "styles/qwindowsvistastyle",
        "styles/qmacstyle",
    }
)
"""Qt plugins kept, as ``<kind>/<name>`` without ``lib`` prefix or suffix."""

TRANSLATION_LANGUAGES = ("de",)
"""Qt's own translations kept (the app's languages other than English, which needs none)."""

_QT_LIBRARY = re.compile(
    r"(?:^|/)(?:lib)?Qt6?([A-Za-z0-9]+?)(?:\.so[.\d]*|\.dll|\.dylib|\.framework(?:/.*)?)$"
)
_PLUGIN = re.compile(r"(?:^|/)PySide6/(?:Qt/)?plugins/([^/]+)/(?:lib)?([^/.]+)\.(?:so|dll|dylib)$")
_TRANSLATION = re.compile(r"(?:^|/)PySide6/(?:Qt/)?translations/([a-z_]+?)_([a-zA-Z_]+)\.qm$")


def _normal(path: str) -> str:
    return path.replace("\\", "/")


def qt_library(path: str) -> str | None:
    """The Qt library a bundle file belongs to (``Core`` for ``.../libQt6Core.so.6``), else None."""
    path = _normal(path)
    if "PySide6/" not in path:
        return None
    match = _QT_LIBRARY.search(path)
    return match.group(1) if match else None


LEFT_OUT_FILES = frozenset({"opengl32sw.dll"})
"""Windows: Mesa's software OpenGL (20 MB), loaded only when something asks for OpenGL without a driver; the
app's widgets paint without OpenGL."""


def keep(path: str) -> bool:
    """Whether the bundle keeps this file (a destination path inside the bundle)."""
    path = _normal(path)
    if path.rsplit("/", 1)[-1].lower() in LEFT_OUT_FILES:
        return False
    plugin = _PLUGIN.search(path)
    if plugin:
        return f"{plugin.group(1)}/{plugin.group(2)}" in QT_PLUGINS
    if "/plugins/" in path and "PySide6/" in path:
        return False  # a plugin's data file of a kind not kept
    translation = _TRANSLATION.search(path)
    if translation:
        catalog, language = translation.groups()
        return catalog == "qtbase" and language in TRANSLATION_LANGUAGES
    library = qt_library(path)
    if library is not None:
        return library in QT_LIBRARIES
    return True


MSGRAPH_KEPT = frozenset(
    {"models", "users", "organization", "role_management", "directory_objects", "directory_roles"}
)
"""The request-builder trees of ``msgraph.generated`` the app reaches (``client.users``, ``client.me`` (a
user item), ``client.organization``, ``client.role_management``), and every model (kiota picks models by
discriminator at run time). PyInstaller would otherwise take all ~16,700 modules: each builder names its
children in ``TYPE_CHECKING`` blocks and property bodies."""

MSGRAPH_USER_ITEM_KEPT = frozenset(
    {"member_of", "transitive_member_of", "send_mail", "change_password", "authentication"}
)
"""Of one user's (and ``/me``'s) ~90 child builders, those the app may use; mail folders and sendMail go
through httpx (``services/delivery.py``), the rest (calendars, drives, Teams, OneNote ...) are never used."""


def msgraph_kept(module: str) -> bool:
    """Whether the bundle keeps this ``msgraph`` module."""
    parts = module.split(".")
    if parts[:2] != ["msgraph", "generated"] or len(parts) < 4:
        return True  # msgraph itself, and generated's own modules (base_graph_service_client)
    if parts[2] not in MSGRAPH_KEPT:
        return False
    if parts[2:4] == ["users", "item"] and len(parts) > 5:
        return parts[4] in MSGRAPH_USER_ITEM_KEPT
    return True


def msgraph_excludes(generated: Path) -> list[str]:
    """The ``msgraph.generated`` packages to leave out of the analysis (from the installed folders)."""
    excluded = []
    for child in sorted(generated.iterdir()):
        if child.is_dir() and child.name != "__pycache__":
            name = f"msgraph.generated.{child.name}"
            if not msgraph_kept(f"{name}.x"):
                excluded.append(name)
    for child in sorted((generated / "users" / "item").iterdir()):
        if child.is_dir() and child.name != "__pycache__":
            name = f"msgraph.generated.users.item.{child.name}"
            if not msgraph_kept(f"{name}.x"):
                excluded.append(name)
    return excluded
