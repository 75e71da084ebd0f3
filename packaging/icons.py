"""Application icons for the installers, made from one SVG (``make icons ICON=path/to/icon.svg``).

    python packaging/icons.py c2t_wizard/resources/icon.svg build/icons

Writes ``hicolor/<n>x<n>/apps/<app id>.png`` and ``scalable/apps/<app id>.svg`` (Linux desktop entry and
Flatpak), ``c2t-wizard.ico`` (Windows: PNG-compressed entries, Vista and later) and ``c2t-wizard.icns``
(macOS: PNG entries). Rendered with QtSvg on the offscreen platform; no other tool needed. Without the SVG
it says so and exits 0: the build then carries PyInstaller's default icon.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

APP_ID = "com.call2teams.C2TWizard"
NAME = "c2t-wizard"
HICOLOR = (16, 24, 32, 48, 64, 128, 256, 512)
ICO = (16, 24, 32, 48, 64, 128, 256)
ICNS = {"icp4": 16, "icp5": 32, "icp6": 64, "ic07": 128, "ic08": 256, "ic09": 512, "ic10": 1024}


def render(svg: Path, sizes: set[int]) -> dict[int, bytes]:
    """PNG bytes of the SVG at each size (square, transparent)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons: {svg} is not a valid SVG")
    images: dict[int, bytes] = {}
    for size in sorted(sizes):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        images[size] = bytes(data.data())
    return images


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file of PNG entries (ICONDIR, one ICONDIRENTRY each, then the PNGs)."""
    sizes = [size for size in ICO if size in images]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        png = images[size]
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns', total length, then (type, length, PNG) per entry."""
    body = b"".join(
        kind.encode("ascii") + struct.pack(">I", 8 + len(images[size])) + images[size]
        for kind, size in ICNS.items()
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("svg", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    svg: Path = args.svg
    out: Path = args.out
    if not svg.is_file():
        print(f"icons: no application icon at {svg} yet (ICON=...): skipped, the default icon is used")
        return 0
    images = render(svg, {*HICOLOR, *ICO, *ICNS.values()})
    for size in HICOLOR:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(images[size])
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    (out / f"{NAME}.ico").write_bytes(ico(images))
    (out / f"{NAME}.icns").write_bytes(icns(images))
    print(f"icons: wrote {out} (PNG {min(HICOLOR)}-{max(HICOLOR)} px, ICO, ICNS) from {svg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
