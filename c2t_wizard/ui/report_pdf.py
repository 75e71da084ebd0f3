"""The run report as a PDF (QPdfWriter + QTextDocument, so it lives in ``ui``): a title, the counts, and a
table with one row per person in plain words, paginated by Qt (the header row repeats on every page).

The report holds no password or token (``services.report``), so neither does the PDF.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from c2t_wizard.services.report import Report
from c2t_wizard.ui.report_words import (
    account_words,
    delivery_words,
    invitation_words,
    role_words,
    when,
)

PDF_RESOLUTION = 300


def report_html(report: Report, organisation: str = "") -> str:
    """The report as HTML, in the partner's language."""
    totals = report.totals()
    title = QCoreApplication.translate("ReportPdf", "Onboarding summary")
    if organisation:
        title = f"{title} — {organisation}"
    counts = QCoreApplication.translate(
        "ReportPdf", "{ok} of {people} people fully onboarded; created {created}, invited {invited}."
    ).format(
        ok=totals["ok"],
        people=totals["people"],
        created=totals["account_created"],
        invited=totals["invitation_invited"]
        + totals["invitation_already_invited"]
        + totals["invitation_accepted"],
    )
    heads = (
        QCoreApplication.translate("ReportPdf", "Name"),
        QCoreApplication.translate("ReportPdf", "Username and work email"),
        QCoreApplication.translate("ReportPdf", "Account"),
        QCoreApplication.translate("ReportPdf", "Sign-in details"),
        QCoreApplication.translate("ReportPdf", "Portal invitation"),
    )
    rows = []
    for person in report.people:
        roles = ", ".join(role_words(role) for role in person.invitation.roles)
        invitation = invitation_words(person) + (f"<br/><small>{escape(roles)}</small>" if roles else "")
        colour = "" if person.ok else ' style="background:#fde7e9"'
        rows.append(
            f"<tr{colour}><td>{escape(person.display_name)}</td>"
            f"<td>{escape(person.username)}<br/><small>{escape(person.email)}</small></td>"
            f"<td>{escape(account_words(person))}</td><td>{escape(delivery_words(person))}</td>"
            f"<td>{invitation if roles else escape(invitation)}</td></tr>"
        )
    header = "".join(f'<th align="left">{escape(head)}</th>' for head in heads)
    return (
        f"<h2>{escape(title)}</h2><p>{escape(counts)}<br/><small>{escape(when(report.generated_at))}</small></p>"
        '<table width="100%" cellspacing="0" cellpadding="4" border="1" style="border-collapse:collapse">'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def write_report_pdf(path: Path, report: Report, organisation: str = "") -> None:
    """Write the PDF next to ``path`` and move it over it (a failed export leaves no half file);
    raises OSError when it cannot be written."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.partial")
    writer = QPdfWriter(str(temporary))
    writer.setTitle(QCoreApplication.translate("ReportPdf", "Onboarding summary"))
    writer.setCreator("c2t-wizard")
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    font = document.defaultFont()
    font.setPointSizeF(9)
    document.setDefaultFont(font)
    document.setHtml(report_html(report, organisation))
    document.print_(writer)
    del writer  # closes the file
    try:
        if not temporary.is_file() or temporary.stat().st_size == 0:
            raise OSError(f"{path.name} could not be written")
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
