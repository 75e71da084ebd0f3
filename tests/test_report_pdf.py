"""The report's PDF is drawn a page at a time from the event loop: every person once, on pages whose
columns line up and whose header repeats; the window's events run between pages; stopping or closing
mid-way leaves no file behind, and a folder that cannot be written says so."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from c2t_wizard.services.report import (
    AccountOutcome,
    DeliveryOutcome,
    InvitationOutcome,
    PersonReport,
    Problem,
    Report,
    RunInfo,
)
from c2t_wizard.ui.report_pdf import ReportPdfWriter, write_report_pdf

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def person(number: int, rng: random.Random) -> PersonReport:
    """Some people with long problem words, so rows differ in height and pages hold different counts."""
    problem = (
        Problem("invitation", "portal_unavailable", " ".join(["detail"] * rng.randint(1, 60)))
        if rng.random() < 0.3
        else None
    )
    return PersonReport(
        "run-1",
        f"key-{number}",
        f"Person {number}",
        "Person",
        str(number),
        f"p{number}@contoso.onmicrosoft.com",
        f"p{number}@contoso.com",
        AccountOutcome("created", f"id-{number}", NOW, 1, None),
        DeliveryOutcome("delivered", "sendmail", "sent", NOW, None),
        InvitationOutcome(
            "failed" if problem else "invited", "acc", ("admin",), None, NOW, None, False, None, 1, problem
        ),
    )


def report(people: int, seed: int = 7) -> Report:
    rng = random.Random(seed)
    return Report(NOW, (RunInfo("run-1", "tenant", NOW, NOW),), tuple(person(n, rng) for n in range(people)))


def names_per_page(path: Path) -> list[list[int]]:
    return [
        [int(n) for n in re.findall(r"Person\s+(\d+)", page.extract_text())] for page in PdfReader(path).pages
    ]


def test_every_person_once_in_order_with_the_header_on_every_page_and_events_between_pages(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "summary.pdf"
    writer = ReportPdfWriter(path, report(150), "Contoso")
    progress: list[tuple[int, int]] = []
    ticks: list[int] = []
    writer.progress.connect(lambda done, total: (progress.append((done, total)), ticks.append(0)))
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start()
    with qtbot.waitSignal(writer.finished, timeout=60_000) as finished:
        writer.start()
    ticker.stop()
    assert finished.args == [path]
    pages = names_per_page(path)
    assert len(pages) > 3
    assert [n for page in pages for n in page] == list(range(150))
    assert all(page for page in pages)
    texts = [page.extract_text() for page in PdfReader(path).pages]
    assert "Onboarding" in texts[0]
    assert "Contoso" in texts[0]
    assert all(re.search(r"Username\s+and\s+work\s+email", text) for text in texts)
    # One progress report per page, counting up to everyone; the window's own events ran between pages.
    assert len(progress) == len(pages)
    assert [done for done, _ in progress] == sorted({done for done, _ in progress})
    assert progress[-1] == (150, 150)
    between = "".join(map(str, ticks)).split("0")[1:-1]
    assert all("1" in gap for gap in between), "a page followed another without the event loop running"
    assert not list(tmp_path.glob(".*partial"))


def test_stopping_or_closing_mid_way_leaves_no_file(qtbot: QtBot, tmp_path: Path) -> None:
    for how in ("cancel", "close"):
        owner = QObject()
        path = tmp_path / f"{how}.pdf"
        writer = ReportPdfWriter(path, report(200), "", owner)
        with qtbot.waitSignal(writer.progress, timeout=30_000):
            writer.start()
        assert writer.running
        assert list(tmp_path.glob(f".{how}.pdf.partial"))
        if how == "cancel":
            writer.cancel()
            assert not writer.running
            owner.deleteLater()
        else:
            with qtbot.waitSignal(owner.destroyed, timeout=5_000):
                owner.deleteLater()
        qtbot.waitUntil(lambda: not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*partial")))


def test_a_folder_that_cannot_be_written_fails_with_the_reason(qtbot: QtBot, tmp_path: Path) -> None:
    writer = ReportPdfWriter(tmp_path / "gone" / "summary.pdf", report(3))
    with qtbot.waitSignal(writer.failed, timeout=5_000) as failed:
        writer.start()
    assert isinstance(failed.args[0], OSError)
    assert not writer.running
    writer.deleteLater()


def test_the_whole_pdf_at_once_for_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "all.pdf"
    write_report_pdf(path, report(40), "Contoso")
    assert [n for page in names_per_page(path) for n in page] == list(range(40))
