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
    for directory in sorted((p for p in base.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(directory.iterdir()):
            directory.rmdir()
    return removed


_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)


def missing_qt_libraries(folder: Path) -> dict[str, list[str]]:
    """Kept ELF files (Qt libraries and plugins) that need a ``libQt6*`` the bundle lacks (Linux only)."""
    base = contents(folder)
    env = dict(os.environ, LD_LIBRARY_PATH=str(base))
    missing: dict[str, list[str]] = {}
    qt = base / "PySide6" / "Qt"
    for path in sorted([*qt.glob("lib/*.so*"), *qt.glob("plugins/*/*.so")]):
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False)
        needed = [name for name in _NOT_FOUND.findall(result.stdout) if name.startswith("libQt6")]
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
