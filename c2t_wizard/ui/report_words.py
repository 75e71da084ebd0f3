"""The run report in plain words, in the partner's language: each step's status and every problem code.

Used by the Summary page's table and by the PDF export (``ui/report_pdf.py``); the codes come from
``services.report``.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

from c2t_wizard.services.report import PersonReport, Problem


def when(moment: datetime | None) -> str:
    """A date and time in the partner's locale (local time), or nothing."""
    if moment is None:
        return ""
    stamp = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
    return QLocale().toString(stamp, QLocale.FormatType.ShortFormat)


def method_words(method: str | None) -> str:
    return {
        "sendmail": QCoreApplication.translate("Report", "by email"),
        "mailto": QCoreApplication.translate("Report", "with your mail app"),
        "clipboard": QCoreApplication.translate("Report", "copied"),
        "pdf": QCoreApplication.translate("Report", "on the welcome sheet"),
    }.get(method or "", "")


def role_words(role: str) -> str:
    from c2t_wizard.domain.portal import PortalRole
    from c2t_wizard.ui.pages.portal import role_name

    try:
        return role_name(PortalRole(role))
    except ValueError:
        return role


def account_words(person: PersonReport) -> str:
    status = person.account.status
    if status == "failed" and person.account.problem is not None:
        return QCoreApplication.translate("Report", "Not created: {why}").format(
            why=problem_words(person.account.problem)
        )
    return {
        "created": QCoreApplication.translate("Report", "Created"),
        "existed": QCoreApplication.translate("Report", "Already existed (left as it was)"),
        "pending": QCoreApplication.translate("Report", "Not created yet"),
    }.get(status, QCoreApplication.translate("Report", "Not created"))


def delivery_words(person: PersonReport) -> str:
    delivery = person.delivery
    how = method_words(delivery.method)
    at = when(delivery.delivered_at)
    if delivery.status == "delivered":
        return (
            QCoreApplication.translate("Report", "Delivered {how}, {when}")
            .format(how=how, when=at)
            .strip(", ")
        )
    if delivery.status == "unconfirmed":
        return QCoreApplication.translate("Report", "Handed over {how}, not confirmed").format(how=how)
    if delivery.status == "not_needed":
        return (
            QCoreApplication.translate("Report", "Not needed") if person.account.status == "existed" else "—"
        )
    if delivery.status == "pending":
        return QCoreApplication.translate("Report", "Not delivered yet")
    if delivery.problem is not None:
        return problem_words(delivery.problem)
    return QCoreApplication.translate("Report", "Not delivered")


def invitation_words(person: PersonReport) -> str:
    invitation = person.invitation
    if invitation.status == "failed" and invitation.problem is not None:
        return QCoreApplication.translate("Report", "Not invited: {why}").format(
            why=problem_words(invitation.problem)
        )
    if invitation.status == "accepted":
        return QCoreApplication.translate("Report", "Accepted")
    if invitation.status in ("invited", "already_invited"):
        words = (
            QCoreApplication.translate("Report", "Invited")
            if invitation.status == "invited"
            else QCoreApplication.translate("Report", "Already invited")
        )
        if invitation.expires_at is not None:
            words = QCoreApplication.translate("Report", "{status}, open until {when}").format(
                status=words, when=when(invitation.expires_at)
            )
        return words
    return {
        "not_planned": QCoreApplication.translate("Report", "Not invited"),
        "planned": QCoreApplication.translate("Report", "Not invited yet"),
        "sending": QCoreApplication.translate("Report", "Not answered yet"),
        "revoked": QCoreApplication.translate("Report", "Invitation withdrawn"),
    }.get(invitation.status, QCoreApplication.translate("Report", "Not invited"))


_ACCOUNT_PROBLEMS = {
    "PASSWORD_POLICY": QT_TRANSLATE_NOOP("Report", "Microsoft refused the password"),
    "DOMAIN_NOT_VERIFIED": QT_TRANSLATE_NOOP("Report", "the domain isn't verified in your organisation"),
    "INVALID_PROPERTY": QT_TRANSLATE_NOOP("Report", "Microsoft refused a value"),
    "ADDRESS_IN_USE": QT_TRANSLATE_NOOP(
        "Report", "the address is already used by a group or shared mailbox: choose another username"
    ),
    "FORBIDDEN": QT_TRANSLATE_NOOP(
        "Report", "you aren't allowed to create users; sign in as an administrator"
    ),
    "THROTTLED_TOO_LONG": QT_TRANSLATE_NOOP("Report", "Microsoft was too busy"),
    "NETWORK": QT_TRANSLATE_NOOP("Report", "no connection to Microsoft"),
    "SERVER": QT_TRANSLATE_NOOP("Report", "Microsoft had a problem"),
}
_DELIVERY_PROBLEMS = {
    "bounced": QT_TRANSLATE_NOOP("Report", "the mail bounced: the address doesn't receive mail"),
    "in_doubt": QT_TRANSLATE_NOOP("Report", "the mail may or may not have arrived"),
    "not_delivered": QT_TRANSLATE_NOOP("Report", "not delivered"),
    "no_mailbox": QT_TRANSLATE_NOOP("Report", "your account has no mailbox to send from"),
    "not_allowed": QT_TRANSLATE_NOOP("Report", "Microsoft refused to send mail from your account"),
    "consent_denied": QT_TRANSLATE_NOOP("Report", "permission to send mail was not given"),
    "sign_in_needed": QT_TRANSLATE_NOOP("Report", "your sign-in has expired"),
    "invalid_recipient": QT_TRANSLATE_NOOP("Report", "Microsoft refused the work email address"),
    "throttled": QT_TRANSLATE_NOOP("Report", "Microsoft was busy"),
    "network": QT_TRANSLATE_NOOP("Report", "no connection to Microsoft"),
    "server": QT_TRANSLATE_NOOP("Report", "Microsoft had a problem"),
    "user_not_found": QT_TRANSLATE_NOOP("Report", "the account no longer exists"),
    "reset_not_allowed": QT_TRANSLATE_NOOP("Report", "you may not reset this person's password"),
    "cannot_check": QT_TRANSLATE_NOOP("Report", "your Sent Items couldn't be checked"),
}
_INVITATION_PROBLEMS = {
    "expired": QT_TRANSLATE_NOOP("Report", "the invitation expired unused"),
    "not_signed_in": QT_TRANSLATE_NOOP("Report", "the portal didn't accept the wizard's sign-in"),
    "not_allowed": QT_TRANSLATE_NOOP("Report", "you may not invite administrators on this account"),
    "invalid": QT_TRANSLATE_NOOP("Report", "the portal refused the invitation"),
    "not_found": QT_TRANSLATE_NOOP("Report", "the portal doesn't know this account"),
    "busy": QT_TRANSLATE_NOOP("Report", "the portal was busy"),
    "unreachable": QT_TRANSLATE_NOOP("Report", "the portal couldn't be reached"),
}


def problem_words(problem: Problem) -> str:
    """What went wrong, in a few plain words (the technical detail only where it names the bad value)."""
    table: dict[str, str] = {
        "account": _ACCOUNT_PROBLEMS,
        "delivery": _DELIVERY_PROBLEMS,
        "invitation": _INVITATION_PROBLEMS,
    }.get(problem.step, {})  # type: ignore[assignment]  # QT_TRANSLATE_NOOP gives the text back
    text = table.get(problem.code)
    words = (
        QCoreApplication.translate("Report", text)
        if text is not None
        else QCoreApplication.translate("Report", "something unexpected went wrong")
    )
    if problem.code in ("INVALID_PROPERTY", "invalid") and problem.detail:
        words += f" ({problem.detail})"
    return words
