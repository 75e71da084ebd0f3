"""Every colour our own code paints, in one place, each chosen for the palette in force (light or dark).

Each text colour meets WCAG 2.2 AA against the background it is painted on (4.5:1), each mark or border that
carries meaning 3:1; ``tests/test_accessibility.py`` computes the ratios from the actual palettes. Ask again
after the palette changes (a light/dark switch): nothing here is cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

TEXT_CONTRAST = 4.5
"""WCAG 2.2 AA for normal text (1.4.3)."""
MARK_CONTRAST = 3.0
"""WCAG 2.2 AA for icons, borders and focus indicators (1.4.11)."""


def relative_luminance(colour: QColor) -> float:
    """WCAG's relative luminance of an opaque sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two opaque colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(base: QColor, tint: QColor, amount: float) -> QColor:
    """``base`` moved ``amount`` (0..1) of the way towards ``tint``; alpha is dropped (both are opaque)."""
    return QColor.fromRgbF(
        base.redF() * (1 - amount) + tint.redF() * amount,
        base.greenF() * (1 - amount) + tint.greenF() * amount,
        base.blueF() * (1 - amount) + tint.blueF() * amount,
    )


def flatten(colour: QColor, background: QColor) -> QColor:
    """What a (possibly translucent) colour looks like painted over an opaque background."""
    return mix(background, colour, colour.alphaF())


def is_dark(palette: QPalette) -> bool:
    """A dark palette: the window is darker than mid-grey."""
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


@dataclass(frozen=True)
class Colours:
    """The colours for one palette. Text colours are for text on ``Base`` (tables, lists, line edits)."""

    error_text: QColor
    """A failure in words: a failed row, a refused address."""
    warning_text: QColor
    """Something to look at, not a failure: an address on the tenant's own domain."""
    ok_text: QColor
    """Done: a created user."""
    link_text: QColor
    """A clickable word in a table (Retry)."""
    error_cell: QColor
    """Background of a cell with a problem (its text stays ``Text``)."""
    warning_cell: QColor
    """Background of a cell to look at (a username already in use)."""
    step_mark: QColor
    """Fill of a step's round mark; its number is ``mark_text``."""
    done_mark: QColor
    """Fill of a finished step's round mark; its tick is ``mark_text``."""
    mark_text: QColor
    """The number or tick in a step's mark."""
    accent_border: QColor
    """A border that must be seen on ``Base`` and ``Window``: a focus ring, a banner's frame."""
    secondary_text: QColor
    """Explanations under a field: dimmer than ``WindowText`` yet readable on ``Window`` and ``Base``."""


_LIGHT = {
    "error_text": QColor("#a4262c"),
    "warning_text": QColor("#8a5a00"),
    "ok_text": QColor("#0e700e"),
    "link_text": QColor("#0f6cbd"),
    "error_tint": QColor(214, 48, 49),
    "warning_tint": QColor(230, 160, 0),
    "step_mark": QColor("#0f6cbd"),
    "done_mark": QColor("#2e7d32"),
    "mark_text": QColor("#ffffff"),
    "accent_border": QColor("#0f6cbd"),
}
_DARK = {
    "error_text": QColor("#ff99a4"),
    "warning_text": QColor("#f2c661"),
    "ok_text": QColor("#8fd88f"),
    "link_text": QColor("#6cb8f6"),
    "error_tint": QColor(214, 48, 49),
    "warning_tint": QColor(230, 160, 0),
    # Light discs with a dark mark: a filled disc must stand out on a dark window (3:1) and its number
    # stay readable on it (4.5:1); a mid blue with white digits cannot do both.
    "step_mark": QColor("#6cb8f6"),
    "done_mark": QColor("#8fd88f"),
    "mark_text": QColor("#000000"),
    "accent_border": QColor("#6cb8f6"),
}


def _secondary(palette: QPalette) -> QColor:
    """The palette's placeholder colour if it is readable on both Window and Base, else the dimmest mix of
    ``WindowText`` towards ``Window`` that is."""
    window = palette.color(QPalette.ColorRole.Window)
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.WindowText)

    def readable(colour: QColor) -> bool:
        return min(contrast_ratio(colour, window), contrast_ratio(colour, base)) >= TEXT_CONTRAST + 0.1

    placeholder = flatten(palette.color(QPalette.ColorRole.PlaceholderText), window)
    if readable(placeholder) and placeholder != text:
        return placeholder
    for step in range(45, 0, -5):
        candidate = mix(text, window, step / 100)
        if readable(candidate):
            return candidate
    return QColor(text)


def colours(palette: QPalette) -> Colours:
    """Our colours for ``palette`` (light or dark by its window colour)."""
    chosen = _DARK if is_dark(palette) else _LIGHT
    base = palette.color(QPalette.ColorRole.Base)
    return Colours(
        error_text=QColor(chosen["error_text"]),
        warning_text=QColor(chosen["warning_text"]),
        ok_text=QColor(chosen["ok_text"]),
        link_text=QColor(chosen["link_text"]),
        error_cell=mix(base, chosen["error_tint"], 0.22),
        warning_cell=mix(base, chosen["warning_tint"], 0.25),
        step_mark=QColor(chosen["step_mark"]),
        done_mark=QColor(chosen["done_mark"]),
        mark_text=QColor(chosen["mark_text"]),
        accent_border=QColor(chosen["accent_border"]),
        secondary_text=_secondary(palette),
    )
