"""After PyInstaller: trim the one-folder build, check what was kept is whole, and pack the tarball.

    python packaging/postbuild.py trim dist/c2t-wizard [--max-mb 150]
    python packaging/postbuild.py tarball dist/c2t-wizard dist/c2t-wizard-0.1.0-linux-x86_64.tar.gz \
        [--max-mb 70]

``trim`` deletes what ``bundle_rules.keep`` leaves out (files a hook copied past the spec's filter), then, on
Linux, asks ``ldd`` whether any kept library or plugin needs a Qt library the trim removed (the display
platforms are not exercised by the offscreen smoke test, so this is how a missing one shows), and fails
when the folder is over budget.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bundle_rules import keep

MB = 1_000_000


def folder_size(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() or path.is_symlink())


def contents(folder: Path) -> Path:
    """PyInstaller 6 puts everything but the executable under ``_internal``."""
    internal = folder / "_internal"
    return internal if internal.is_dir() else folder


def trim(folder: Path) -> list[str]:
    base = contents(folder)
    removed = []
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base).as_posix()
        if (path.is_file() or path.is_symlink()) and not keep(relative):
            path.unlink()
            removed.append(relative)
    for link in sorted(base.rglob("*")):
        if link.is_symlink() and not link.exists():  # led to a file removed above
            link.unlink()
            removed.append(link.relative_to(base).as_posix())
    for directory in sorted((p for p in base.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()
    return removed


_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)
_RESOLVED = re.compile(r"=> (/\S+) \(0x", re.MULTILINE)


def _ldd(path: Path, base: Path) -> str:
    env = dict(os.environ, LD_LIBRARY_PATH=str(base.resolve()))
    return subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False).stdout


BUNDLED_ANYWAY = (
    "libxcb-cursor",
    "libxcb-icccm",
    "libxcb-keysyms",
    "libxcb-image",
    "libxcb-render-util",
    "libxcb-util",
)
"""Small X11 helpers Qt's xcb platform needs that minimal desktops often lack (Qt >= 6.5 refuses to start
on X11 without xcb-cursor): kept when the build machine has them."""


def unneeded_system_libraries(folder: Path) -> list[Path]:
    """System libraries PyInstaller copied that the bundle leaves to the system.

    - those only a removed binary needed (the GTK theme plugin's cairo, pango, gdk-pixbuf ...);
    - those only Qt needs and the PySide6 wheel itself expects from the system (glib, X11, xcb, fontconfig,
      freetype, libstdc++ ...): the frozen app asks of the partner's machine what ``pip install PySide6``
      does, and never mixes the build machine's fontconfig with the partner's configuration.
    Python's own libraries (OpenSSL, SQLite, zlib, libffi ...) stay: the interpreter was built against them.
    Linux only; ``ldd`` resolves needs transitively, so each library's needs come with it."""
    base = contents(folder)
    # Real files only: the symbolic links at the top lead to a package's own libraries (Qt, shiboken).
    candidates = {
        path
        for path in base.glob("lib*.so*")
        if path.is_file() and not path.is_symlink() and not path.name.startswith("libpython")
    }
    qt_roots, python_roots = [], [folder / folder.name]
    for path in base.rglob("*.so*"):
        if not path.is_file() or path in candidates or path.is_symlink():
            continue
        top = path.relative_to(base).parts[0]
        (qt_roots if top in ("PySide6", "shiboken6") else python_roots).append(path)

    def needs(roots: list[Path]) -> set[Path]:
        found: set[Path] = set()
        for root in roots:
            found |= {Path(resolved).resolve() for resolved in _RESOLVED.findall(_ldd(root, base))}
        return found

    keep = needs(python_roots)
    keep |= {path.resolve() for path in needs(qt_roots) if path.name.startswith(BUNDLED_ANYWAY)}
    return sorted(path for path in candidates if path.resolve() not in keep)


def missing_qt_libraries(folder: Path) -> dict[str, list[str]]:
    """Kept ELF files (Qt libraries and plugins) that need a ``libQt6*`` the bundle lacks (Linux only)."""
    base = contents(folder)
    missing: dict[str, list[str]] = {}
    qt = base / "PySide6" / "Qt"
    for path in sorted([*qt.glob("lib/*.so*"), *qt.glob("plugins/*/*.so")]):
        needed = [name for name in _NOT_FOUND.findall(_ldd(path, base)) if name.startswith("libQt6")]
        if needed:
            missing[path.relative_to(base).as_posix()] = needed
    return missing


def command_trim(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"postbuild: {folder} does not exist (run PyInstaller first)", file=sys.stderr)
        return 1
    removed = trim(folder)
    print(f"postbuild: removed {len(removed)} files the bundle rules leave out")
    if sys.platform.startswith("linux") and shutil.which("ldd"):
        unneeded = unneeded_system_libraries(folder)
        for path in unneeded:
            path.unlink()
        names = ", ".join(path.name for path in unneeded)
        print(f"postbuild: removed {len(unneeded)} system libraries left to the system: {names}")
        missing = missing_qt_libraries(folder)
        for where, names in missing.items():
            print(f"postbuild: {where} needs {', '.join(names)}, which the trim removed", file=sys.stderr)
        if missing:
            return 1
    size = folder_size(folder)
    print(f"postbuild: {folder} is {size / MB:.1f} MB (budget {args.max_mb} MB)")
    if size > args.max_mb * MB:
        print("postbuild: the one-folder build is over budget", file=sys.stderr)
        return 1
    return 0


def command_tarball(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    # Highest compression: built once, downloaded by every partner.
    with tarfile.open(out, "w:gz", compresslevel=9) as tar:
        tar.add(folder, arcname=folder.name)
    size = out.stat().st_size
    print(f"postbuild: {out} is {size / MB:.1f} MB (budget {args.max_mb} MB)")
    if size > args.max_mb * MB:
        print("postbuild: the tarball is over budget", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    trim_parser = commands.add_parser("trim", help="trim the one-folder build and check its size")
    trim_parser.add_argument("folder", type=Path)
    trim_parser.add_argument("--max-mb", type=float, default=150)
    trim_parser.set_defaults(run=command_trim)
    tar_parser = commands.add_parser("tarball", help="pack the one-folder build and check its size")
    tar_parser.add_argument("folder", type=Path)
    tar_parser.add_argument("out", type=Path)
    tar_parser.add_argument("--max-mb", type=float, default=70)
    tar_parser.set_defaults(run=command_tarball)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
