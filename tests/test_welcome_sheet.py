"""The welcome sheet PDF holds passwords: it is written private to its owner (0600), like the token file."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from c2t_wizard.domain.welcome_message import WelcomeMessage
from c2t_wizard.ui.welcome_sheet import SheetPage, SheetWriter, WelcomeSheetError, write_welcome_sheet

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def pages(count: int = 2) -> list[SheetPage]:
    return [
        SheetPage(
            f"Person {n}",
            WelcomeMessage("Welcome", f"Password: Secret-{n}!", f"<p>Password: Secret-{n}!</p>"),
        )
        for n in range(count)
    ]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_a_new_sheet_is_readable_by_its_owner_only(qapp: Any, tmp_path: Path) -> None:
    path = tmp_path / "sheets.pdf"
    old_umask = os.umask(0o022)  # the usual umask: a plain open() would make it 0644
    try:
        assert write_welcome_sheet(path, pages()) == 2
    finally:
        os.umask(old_umask)
    assert path.read_bytes().startswith(b"%PDF")
    assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets.pdf"]  # no temporary file left


@posix_only
def test_an_existing_file_it_replaces_ends_up_0600(qapp: Any, tmp_path: Path) -> None:
    path = tmp_path / "sheets.pdf"
    path.write_bytes(b"an older sheet")
    path.chmod(0o644)
    write_welcome_sheet(path, pages(1))
    assert path.read_bytes().startswith(b"%PDF")
    assert mode(path) == 0o600


@posix_only
def test_the_page_s_writer_writes_0600_too(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "welcome-sheets.pdf"
    path.write_bytes(b"world-readable")
    path.chmod(0o666)
    writer = SheetWriter(path, pages(3))
    with qtbot.waitSignal(writer.finished, timeout=10_000) as done:
        writer.start()
    assert done.args == [3]
    assert mode(path) == 0o600
    assert path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["welcome-sheets.pdf"]


def test_cancelled_writer_leaves_an_existing_file_and_no_partial_one(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "welcome-sheets.pdf"
    path.write_bytes(b"the sheet from before")
    writer = SheetWriter(path, pages(3))
    writer.start()
    writer.cancel()
    assert path.read_bytes() == b"the sheet from before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["welcome-sheets.pdf"]


def test_a_folder_that_does_not_exist_is_an_error_in_words(qapp: Any, tmp_path: Path) -> None:
    path = tmp_path / "missing" / "sheets.pdf"
    with pytest.raises(WelcomeSheetError) as caught:
        write_welcome_sheet(path, pages(1))
    assert "sheets.pdf" in str(caught.value)
    assert not path.parent.exists()
