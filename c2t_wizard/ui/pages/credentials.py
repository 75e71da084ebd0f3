"""Step 6: hand each new user their username and temporary password, at their real work email.

Methods (``DeliveryMethod``), the best available preselected: Graph sendMail from the admin's mailbox
(when ``/me`` has a ``mail`` address: see ``services.delivery``), the default mail app (``mailto:``), the
clipboard (cleared after a minute) and a printable welcome sheet (PDF). Passwords live in memory only: the
Users page hands them over in ``Onboarding.passwords``; people created in an earlier, interrupted run whose
password was never delivered get a new temporary password here first (the wizard never stores passwords).
The journal records each delivery's method, time and state.

Delivery states tell the truth: "Sent" only when Graph accepted the mail (or it was found in Sent Items);
"Handed to your mail app" and "Copied" are not confirmed (the partner can confirm them with "Mark as
delivered", or deliver again); "On the welcome sheet"; "May have been sent" when a mail's answer was lost
and Sent Items could not be checked (sending it again asks first, and looks for the earlier one first);
"Not delivered" with the reason. Finish ends the onboarding's runs in the journal.

Exchange's onmicrosoft.com cap (``domain.mail_cap``): when the admin's address ends in onmicrosoft.com, the
page says how many external people can still get mail today (counted from the journal) and, on sending,
leaves the people beyond that "over today's mail limit", to deliver another way. A 202 only means Microsoft
accepted a mail: after sending, the page looks for bounce reports in the admin's Inbox (``Mail.ReadBasic``,
asked for then, a few checks a while apart, in the background; "Check for bounces" looks again) and marks
those people "Bounced: deliver another way" (the journal records it).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QLocale, QStandardPaths, Qt, Signal
from PySide6.QtGui import QIcon, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from c2t_wizard.domain.mail_cap import MOERA_CAP, CapPlan
from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.welcome_message import (
    LANGUAGE_NAMES,
    MICROSOFT_SIGN_IN_URL,
    SUPPORTED_LANGUAGES,
    WelcomeMessage,
    build_welcome_message,
    message_language,
)
from c2t_wizard.services.credentials_step import (
    SENDING,
    Handover,
    cap_domains,
    handover_for,
    record_confirmed,
    send_welcome_mails,
)
from c2t_wizard.services.delivery import (
    BOUNCE_POLL_INTERVAL,
    BOUNCE_POLLS,
    DeliveryError,
    DeliveryMethod,
    DeliveryProblem,
    DeliveryService,
    MailboxStatus,
    Mailed,
    Outgoing,
    SendOutcome,
    build_mailto,
    load_people_to_deliver,
    record_delivered,
    record_password_replaced,
)
from c2t_wizard.ui.file_errors import describe_file_error
from c2t_wizard.ui.flow import FlowLayout
from c2t_wizard.ui.headings import wrap_headings
from c2t_wizard.ui.runner import Job, JobGroup, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.welcome_sheet import (
    CLIPBOARD_CLEAR_MS,
    SecretClipboard,
    SheetPage,
    SheetWriter,
    WelcomeSheetError,
)
from c2t_wizard.ui.widgets import StatusKind, StatusLine, leave_with_ctrl_tab

if TYPE_CHECKING:
    from c2t_wizard.services.journal import Journal, PersonRecord

ChooseFile = Callable[[QWidget, str, str], str]
"""(parent, caption, suggested path) -> the chosen path, or "" when cancelled."""
Confirm = Callable[[QWidget, str, str], bool]
"""(parent, title, text) -> True to go on."""


def _choose_pdf_file(parent: QWidget, caption: str, suggested: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(
        parent, caption, suggested, QCoreApplication.translate("CredentialsPage", "PDF files (*.pdf)")
    )
    return path


def _confirm_warning(parent: QWidget, title: str, text: str) -> bool:
    """OK / Cancel (the question says what OK does: save a file with passwords, send again, ...)."""
    answer = QMessageBox.warning(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Ok


class RowState(Enum):
    """Where one person's delivery stands."""

    RESETTING = "resetting"
    RESET_FAILED = "reset_failed"
    READY = "ready"
    SENDING = "sending"
    DELIVERED = "delivered"
    DELIVERED_EARLIER = "delivered_earlier"
    """Delivered in an earlier session (the journal says so): nothing to do."""
    FAILED = "failed"
    IN_DOUBT = "in_doubt"
    """A mail whose answer was lost and that could not be checked: it may have been sent."""
    TOO_LONG = "too_long"
    """Too long for a mail link in "deliver all": deliver it on its own (body via the clipboard)."""
    OVER_CAP = "over_cap"
    """Beyond what the onmicrosoft.com cap leaves today: not mailed, deliver another way."""
    BOUNCED = "bounced"
    """Graph accepted the mail, then it bounced (a bounce report came back): deliver another way."""


_DONE = (RowState.DELIVERED, RowState.DELIVERED_EARLIER)
_DELIVERABLE = (
    RowState.READY,
    RowState.FAILED,
    RowState.IN_DOUBT,
    RowState.TOO_LONG,
    RowState.DELIVERED,
    RowState.OVER_CAP,
    RowState.BOUNCED,
)
_NOT_BY_MAIL = (RowState.OVER_CAP, RowState.BOUNCED)
"""Mail would not reach them (today): other methods only."""
_UNCONFIRMED = (DeliveryMethod.MAILTO, DeliveryMethod.CLIPBOARD)
"""Methods whose delivery the wizard can't see happen: the partner may confirm them."""


@dataclass
class DeliveryRow:
    """One person on the page (the password in memory only; ``repr`` leaves it out)."""

    record: PersonRecord
    password: str | None = field(repr=False)
    state: RowState = RowState.READY
    reset: bool = False
    """Got a new temporary password on this page."""
    method: DeliveryMethod | None = None
    when: QDateTime | None = None
    problem: DeliveryProblem | None = None
    confirmed: bool = False
    """The partner confirmed a delivery the wizard could not see (mail app, clipboard)."""
    delivery_id: str | None = None
    """The last sendMail's delivery id (looked up before a mail in doubt is sent again)."""
    subject: str | None = None
    """The subject of the mail sent to them (a bounce report repeats it)."""

    @property
    def unconfirmed(self) -> bool:
        return self.state is RowState.DELIVERED and self.method in _UNCONFIRMED and not self.confirmed

    @property
    def key(self) -> str:
        return self.record.key

    @property
    def run_id(self) -> str:
        return self.record.run_id


class Column:
    NAME = 0
    USERNAME = 1
    EMAIL = 2
    STATUS = 3


class CredentialsPage(QWizardPage):
    """Deliver each user's credentials, by the best method available, and record it.

    Signals:
        work_ended(): mail sending and password resets have ended (finished, failed or stopped).
    """

    work_ended = Signal()

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        delivery: DeliveryService,
        journal: Callable[[], Journal | None],
        open_url: Callable[[str], bool],
        parent: QWidget | None = None,
        *,
        clear_after_ms: int = CLIPBOARD_CLEAR_MS,
        choose_file: ChooseFile = _choose_pdf_file,
        confirm: Confirm = _confirm_warning,
        bounce_polls: int = BOUNCE_POLLS,
        bounce_interval: float = BOUNCE_POLL_INTERVAL,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_credentials")
        self._onboarding = onboarding
        self._delivery = delivery
        self._journal = journal
        self._open_url = open_url
        self.choose_file = choose_file
        """Asks where to save the welcome sheet (a file dialog; replaceable for tests)."""
        self.confirm = confirm
        """Shows the "this file will contain passwords" warning (replaceable for tests)."""
        self._rows: list[DeliveryRow] = []
        self._jobs = JobGroup(runner, on_failure=self._on_job_failed, on_finished=self._job_done)
        self._busy: Job | None = None
        self._stop_sending = threading.Event()
        self._sheet: SheetWriter | None = None
        """The welcome sheet being written (page by page, on the GUI thread's event loop)."""
        self._loading = False
        self._load = 0
        """Counts the loads (one per visit): an answer from an earlier load is ignored."""
        self._mailbox = MailboxStatus.UNKNOWN
        self._no_mailbox = False
        self._sign_in_url = MICROSOFT_SIGN_IN_URL
        self._last_sheet: Path | None = None
        self._watching_close = False
        self._plan: CapPlan | None = None
        """The onmicrosoft.com cap as last worked out (None: not known yet)."""
        self._mail_since: datetime | None = None
        """When the first mail of this visit was sent (bounce reports are looked for from then on)."""
        self._bounce_jobs = JobGroup(runner)
        """The bounce check runs apart from the page's work: it never holds up Finish or a delivery."""
        self._bounce_polls = bounce_polls
        self._bounce_interval = bounce_interval

        self.clipboard = SecretClipboard(self, clear_after_ms=clear_after_ms)
        self.clipboard.cleared.connect(self._on_clipboard_cleared)

        # --- the method and the language -------------------------------------------------------------
        self.delivery_method_combo = QComboBox(self)
        self.delivery_method_combo.setObjectName("delivery_method_combo")
        for method in (
            DeliveryMethod.SEND_MAIL,
            DeliveryMethod.MAILTO,
            DeliveryMethod.CLIPBOARD,
            DeliveryMethod.WELCOME_SHEET,
        ):
            self.delivery_method_combo.addItem("", method)
        self.delivery_method_combo.currentIndexChanged.connect(self._on_method_changed)
        self._method_label = method_label = QLabel(self)
        method_label.setBuddy(self.delivery_method_combo)

        self.message_language_combo = QComboBox(self)
        self.message_language_combo.setObjectName("message_language_combo")
        for code in SUPPORTED_LANGUAGES:
            self.message_language_combo.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.set_message_language(message_language(QLocale().name()))
        self._language_label = language_label = QLabel(self)
        language_label.setBuddy(self.message_language_combo)

        self.method_help = QLabel(self)
        self.method_help.setObjectName("delivery_method_help")
        self.method_help.setWordWrap(True)
        self.method_help.setTextFormat(Qt.TextFormat.PlainText)
        help_font = self.method_help.font()
        help_font.setPointSizeF(help_font.pointSizeF() * 0.95)
        self.method_help.setFont(help_font)

        # --- why some passwords are new ----------------------------------------------------------------
        self.reset_notice = StatusLine(self)
        self.reset_notice.setObjectName("credentials_reset_notice")
        self.reset_notice.setVisible(False)

        # --- the people ----------------------------------------------------------------------------------
        self.delivery_table = QTableWidget(0, 4, self)
        self.delivery_table.setObjectName("delivery_table")
        wrap_headings(self.delivery_table)  # a long heading on two lines in a narrow column, not cut off
        self.delivery_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.delivery_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.delivery_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        leave_with_ctrl_tab(self.delivery_table)  # Tab and Ctrl+Tab leave the table; the arrows move in it
        self.delivery_table.setAlternatingRowColors(True)
        self.delivery_table.verticalHeader().setVisible(False)
        header = self.delivery_table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.USERNAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.EMAIL, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.STATUS, QHeaderView.ResizeMode.Stretch)
        self.delivery_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.delivery_table.setWordWrap(False)
        self.delivery_table.itemSelectionChanged.connect(self._update_buttons)
        self._table_label = table_label = QLabel(self)
        table_label.setBuddy(self.delivery_table)

        # --- actions -------------------------------------------------------------------------------------
        self.deliver_all_button = QPushButton(self)
        self.deliver_all_button.setObjectName("deliver_all_button")
        self.deliver_all_button.setAutoDefault(False)
        bold = self.deliver_all_button.font()
        bold.setBold(True)
        self.deliver_all_button.setFont(bold)
        self.deliver_all_button.clicked.connect(self.deliver_all)
        self.deliver_selected_button = QPushButton(self)
        self.deliver_selected_button.setObjectName("deliver_selected_button")
        self.deliver_selected_button.setAutoDefault(False)
        self.deliver_selected_button.clicked.connect(self.deliver_selected)
        self.retry_delivery_button = QPushButton(self)
        self.retry_delivery_button.setObjectName("retry_delivery_button")
        self.retry_delivery_button.setAutoDefault(False)
        self.retry_delivery_button.clicked.connect(self.retry_failed)
        self.confirm_delivery_button = QPushButton(self)
        self.confirm_delivery_button.setObjectName("confirm_delivery_button")
        self.confirm_delivery_button.setAutoDefault(False)
        self.confirm_delivery_button.clicked.connect(self.confirm_selected)
        self.new_password_button = QPushButton(self)
        self.new_password_button.setObjectName("new_password_button")
        self.new_password_button.setAutoDefault(False)
        self.new_password_button.clicked.connect(self.new_password_for_selected)

        self.delivery_status = StatusLine(self)
        self.delivery_status.setObjectName("delivery_status")

        # --- Exchange's onmicrosoft.com cap and bounced mail ------------------------------------------
        self.mail_cap_notice = StatusLine(self)
        self.mail_cap_notice.setObjectName("mail_cap_notice")
        self.mail_cap_notice.setVisible(False)
        self.check_bounces_button = QPushButton(self)
        self.check_bounces_button.setObjectName("check_bounces_button")
        self.check_bounces_button.setAutoDefault(False)
        self.check_bounces_button.clicked.connect(self.check_bounces)
        self.bounce_status = StatusLine(self)
        self.bounce_status.setObjectName("bounce_status")
        self.bounce_status.setVisible(False)

        # --- layout --------------------------------------------------------------------------------------
        # The language on a row of its own when both do not fit (large text); the method's list may then
        # be narrower than its longest choice (the open list shows it whole).
        self.delivery_method_combo.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 16))
        method_row, language_row = QHBoxLayout(), QHBoxLayout()
        method_row.setSpacing(10)
        method_row.addWidget(method_label)
        method_row.addWidget(self.delivery_method_combo, 1)
        language_row.setSpacing(10)
        language_row.addWidget(language_label)
        language_row.addWidget(self.message_language_combo)
        choosing = FlowLayout(spacing=16)
        choosing.add_layout(method_row)
        choosing.add_stretch()
        choosing.add_layout(language_row)
        form = QVBoxLayout()
        form.setSpacing(6)
        form.addLayout(choosing)
        form.addWidget(self.method_help)

        # Two rows: six buttons in one are clipped beside the journey map (German's labels are long); each
        # wraps further when the text is large.
        delivering = FlowLayout()
        delivering.addWidget(self.deliver_all_button)
        delivering.addWidget(self.deliver_selected_button)
        delivering.addWidget(self.confirm_delivery_button)
        after = FlowLayout()
        after.addWidget(self.new_password_button)
        after.add_stretch()
        after.addWidget(self.check_bounces_button)
        after.addWidget(self.retry_delivery_button)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addLayout(delivering)
        buttons.addLayout(after)

        layout = scrolling_layout(self)
        layout.setSpacing(8)
        layout.addWidget(self.reset_notice)
        layout.addLayout(form)
        layout.addWidget(self.mail_cap_notice)
        layout.addSpacing(4)
        layout.addWidget(table_label)
        layout.addWidget(self.delivery_table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.delivery_status)
        layout.addWidget(self.bounce_status)

        self.retranslate()

        self.setTabOrder(self.delivery_method_combo, self.message_language_combo)
        self.setTabOrder(self.message_language_combo, self.delivery_table)
        self.setTabOrder(self.delivery_table, self.deliver_all_button)
        self.setTabOrder(self.deliver_all_button, self.deliver_selected_button)
        self.setTabOrder(self.deliver_selected_button, self.confirm_delivery_button)
        self.setTabOrder(self.confirm_delivery_button, self.new_password_button)
        self.setTabOrder(self.new_password_button, self.check_bounces_button)
        self.setTabOrder(self.check_bounces_button, self.retry_delivery_button)
        self._on_method_changed()

    # --- QWizardPage --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        combo = self.delivery_method_combo
        combo.setAccessibleName(self.tr("How to deliver"))
        for method, text in (
            (DeliveryMethod.SEND_MAIL, self.tr("Send from your mailbox (Microsoft 365)")),
            (DeliveryMethod.MAILTO, self.tr("Open messages in your mail app")),
            (DeliveryMethod.CLIPBOARD, self.tr("Copy one message at a time")),
            (DeliveryMethod.WELCOME_SHEET, self.tr("Print or save welcome sheets (PDF)")),
        ):
            combo.setItemText(combo.findData(method), text)
        self._method_label.setText(self.tr("&Deliver by:"))
        self.message_language_combo.setAccessibleName(self.tr("Language of the message"))
        self._language_label.setText(self.tr("Message &language:"))
        self.delivery_table.setAccessibleName(self.tr("People and how their passwords were delivered"))
        self.delivery_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Username"), self.tr("Work email"), self.tr("Delivery")]
        )
        self._table_label.setText(self.tr("&People:"))
        self.deliver_selected_button.setText(self.tr("Deliver to selec&ted"))
        self.deliver_selected_button.setAccessibleName(self.tr("Deliver to the selected people"))
        self.retry_delivery_button.setText(self.tr("&Retry failed"))
        self.retry_delivery_button.setAccessibleName(self.tr("Retry the deliveries that failed"))
        self.confirm_delivery_button.setText(self.tr("&Mark as delivered"))
        self.confirm_delivery_button.setAccessibleName(
            self.tr("Mark the selected messages as delivered (you sent or passed them on)")
        )
        self.new_password_button.setText(self.tr("New pass&word"))
        self.new_password_button.setAccessibleName(
            self.tr("Give the selected people a new temporary password, to deliver it again")
        )
        self.new_password_button.setToolTip(
            self.tr(
                "For a message you can't confirm reached its person: a new temporary password replaces "
                "the one handed over before, and you deliver the new one."
            )
        )
        self.check_bounces_button.setText(self.tr("Check for &bounces"))
        self.check_bounces_button.setAccessibleName(
            self.tr("Look in your Inbox for mail that could not be delivered")
        )
        self.check_bounces_button.setToolTip(
            self.tr(
                "Microsoft accepting a mail doesn't mean it arrived. A mail that can't be delivered comes "
                "back as a bounce report in your Inbox, sometimes much later."
            )
        )
        self.setTitle(self.tr("Hand over the passwords"))
        self.setSubTitle(
            self.tr(
                "Each person gets their username and temporary password at their work email, with what to "
                "do next. The wizard keeps passwords in memory only."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._refresh_methods(preselect=False)  # the mailbox's state, the button and help for the method
            self._render()
            self._show_cap()
        super().changeEvent(event)

    def initializePage(self) -> None:
        wizard = self.wizard()
        if wizard is not None and not self._watching_close:
            # Closing the wizard or quitting clears a password still on the clipboard.
            wizard.finished.connect(self.forget_clipboard)
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.forget_clipboard)
            self._watching_close = True
        self._cancel_jobs()
        self._load += 1
        load = self._load
        self._rows = []
        self._no_mailbox = False
        self._loading = True
        self._plan = None
        self._mail_since = None
        self.reset_notice.setVisible(False)
        self.mail_cap_notice.setVisible(False)
        self.bounce_status.setVisible(False)
        self.delivery_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Getting the list of people ready…")
        )
        self._render()
        facts = self._onboarding.tenant_facts
        domain = (facts.initial_domain if facts else None) or self._onboarding.tenant_domain
        self._jobs.submit(
            self._delivery.sign_in_url(domain or ""),
            "sign-in address",
            functools.partial(self._on_sign_in_url, load),
        )
        self._jobs.submit(
            self._delivery.probe_mailbox(), "mailbox probe", functools.partial(self._on_mailbox, load)
        )
        journal = self._journal()
        if journal is None:
            self._loading = False
            self.delivery_status.show_status(
                StatusKind.WARNING, lambda: self.tr("The journal isn't open yet. Go back and forward again.")
            )
            self._render()
            return
        self._jobs.submit(
            load_people_to_deliver(
                self._delivery, journal, list(self._onboarding.user_run_ids), set(self._onboarding.passwords)
            ),
            "load people",
            functools.partial(self._on_people, load),
            functools.partial(self._on_load_failed, load),
        )

    def isComplete(self) -> bool:
        return (
            not self._loading
            and not self._occupied
            and all(row.state in _DONE for row in self._rows)
            and not self._jobs.busy
        )

    def validatePage(self) -> bool:
        if not self.isComplete():
            return False
        self._bounce_jobs.cancel_all()  # only informative: a bounce found later is not this page's any more
        # Delivered: these passwords are not needed any more.
        for row in self._rows:
            if row.state in _DONE:
                self._onboarding.passwords.pop(row.key, None)
                row.password = None
        self._onboarding.credentials_delivery = {
            row.key: row.method.value for row in self._rows if row.method is not None
        }
        # The runs stay open until the summary is reached with nothing left (services.journey).
        # A message still on the clipboard keeps its timer: Finish clears it at once (wizard.finished), a
        # later page in a minute. (Stopping the timer here left the password on the clipboard for good.)
        return True

    def cleanupPage(self) -> None:
        """Back: stop what runs; a password still on the clipboard is cleared now."""
        self._cancel_jobs()
        self.clipboard.stop(clear=True)

    def forget_clipboard(self) -> None:
        """Stop the clipboard timer and clear a password still on the clipboard (the wizard closed, the app
        quits)."""
        self.clipboard.stop(clear=True)

    # --- public for the wizard and tests ---------------------------------------------------------------

    @property
    def rows(self) -> list[DeliveryRow]:
        return list(self._rows)

    @property
    def busy(self) -> bool:
        return self._loading or self._occupied or any(r.state is RowState.RESETTING for r in self._rows)

    @property
    def mailbox(self) -> MailboxStatus:
        return self._mailbox

    @property
    def method(self) -> DeliveryMethod:
        data = self.delivery_method_combo.currentData()
        return data if isinstance(data, DeliveryMethod) else DeliveryMethod.MAILTO

    def set_method(self, method: DeliveryMethod) -> None:
        index = self.delivery_method_combo.findData(method)
        if index >= 0:
            self.delivery_method_combo.setCurrentIndex(index)

    @property
    def language(self) -> str:
        data = self.message_language_combo.currentData()
        return str(data) if data else message_language(None)

    def set_message_language(self, language: str) -> None:
        index = self.message_language_combo.findData(message_language(language))
        if index >= 0:
            self.message_language_combo.setCurrentIndex(index)

    def message_for(self, row: DeliveryRow) -> WelcomeMessage:
        """The row's welcome message (it holds the password: keep it in memory)."""
        if row.password is None:
            raise ValueError("no password known for this person")
        facts = self._onboarding.tenant_facts
        return build_welcome_message(
            row.record.user,
            row.password,
            language=self.language,
            sign_in_url=self._sign_in_url,
            organisation=facts.display_name if facts else self._onboarding.organisation_name,
        )

    def select_rows(self, indexes: Sequence[int]) -> None:
        self.delivery_table.clearSelection()
        mode = self.delivery_table.selectionMode()
        self.delivery_table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for index in indexes:
            self.delivery_table.selectRow(index)
        self.delivery_table.setSelectionMode(mode)

    # --- loading and resetting -------------------------------------------------------------------------

    def _on_sign_in_url(self, load: int, url: object) -> None:
        if load != self._load:
            return
        if isinstance(url, str) and url:
            self._sign_in_url = url

    def _on_mailbox(self, load: int, status: object) -> None:
        if load != self._load:
            return  # an earlier visit's answer
        if isinstance(status, MailboxStatus):
            self._mailbox = status
        if self._mailbox is MailboxStatus.NONE:
            self._no_mailbox = True
        self._refresh_methods(preselect=True)

    def _on_people(self, load: int, people: object) -> None:
        if load != self._load:
            return  # an earlier visit's answer
        self._loading = False
        records: list[PersonRecord] = list(people) if isinstance(people, list) else []
        passwords = self._onboarding.passwords
        rows: list[DeliveryRow] = []
        for record in records:
            password = passwords.get(record.key)
            match handover_for(record, password_known=password is not None):
                case Handover.READY:
                    rows.append(DeliveryRow(record, password))
                case Handover.IN_DOUBT:  # "May have been sent"; New password if needed
                    row = DeliveryRow(record, None, RowState.IN_DOUBT)
                    row.method = DeliveryMethod.SEND_MAIL
                    row.delivery_id = record.delivery_attempt
                    rows.append(row)
                case Handover.DELIVERED_EARLIER:
                    row = DeliveryRow(record, None, RowState.DELIVERED_EARLIER)
                    row.method = _method_of(record.delivery_method)
                    rows.append(row)
                case Handover.RESET:
                    rows.append(DeliveryRow(record, None, RowState.RESETTING, reset=True))
        self._rows = rows
        resets = [row for row in rows if row.state is RowState.RESETTING]
        if resets:
            self.reset_notice.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "%n person(s) were created in an earlier session and never got their password. For "
                    "security, the wizard never stores passwords, so these people get a new temporary "
                    "password now.",
                    "",
                    len(resets),
                ),
            )
            self.reset_notice.setVisible(True)
            self._reset(resets)
        if not rows:
            self.delivery_status.show_status(
                StatusKind.INFO, lambda: self.tr("Nobody new to deliver a password to.")
            )
        else:
            self._show_summary()
            self._work_out_cap(load)
        self._render()

    # --- the onmicrosoft.com cap -----------------------------------------------------------------------

    def _cap_inputs(self) -> tuple[str, list[str]]:
        """The tenant id the journal files runs under, and the tenant's domains (internal recipients)."""
        facts = self._onboarding.tenant_facts
        tenant_id = (facts.tenant_id if facts else None) or self._onboarding.tenant_id or ""
        tenant_domains = list(facts.domain_names) if facts else []
        return tenant_id, cap_domains(tenant_domains, [row.record for row in self._rows])

    def _pending_mail(self) -> list[tuple[str, str]]:
        return [
            (row.key, row.record.email)
            for row in self._rows
            if row.state not in _DONE and row.state is not RowState.BOUNCED
        ]

    def _work_out_cap(self, load: int) -> None:
        """How many more external people can get mail today (shown when the cap applies)."""
        tenant_id, domains = self._cap_inputs()
        self._jobs.submit(
            self._delivery.plan_mail(self._journal(), tenant_id, domains, self._pending_mail()),
            "mail cap",
            functools.partial(self._on_plan, load),
            lambda _error: None,  # unknown: say nothing, sending still works
        )

    def _on_plan(self, load: int, plan: object) -> None:
        if load != self._load or not isinstance(plan, CapPlan):
            return
        self._plan = plan
        self._show_cap()

    def _show_cap(self) -> None:
        plan = self._plan
        if plan is None or not plan.capped or self._no_mailbox:
            self.mail_cap_notice.setVisible(False)
            return
        remaining = plan.remaining or 0
        waiting = {row.key for row in self._rows if row.state not in _DONE}
        beyond = [key for key in plan.beyond if key in waiting]

        def text() -> str:
            words = self.tr(
                "Your mailbox's address ends in onmicrosoft.com, so Microsoft lets it mail at most {cap} "
                "people outside your organisation a day. The wizard mailed {sent} in the last 24 hours (mail "
                "from other apps counts too): up to {remaining} more can get their password by mail today."
            ).format(cap=MOERA_CAP, sent=plan.sent, remaining=remaining)
            if plan.bounced:
                words += " " + self.tr(
                    "%n mail(s) from your organisation bounced in the last 24 hours: the limit may be "
                    "reached already.",
                    "",
                    plan.bounced,
                )
            if beyond:
                words += " " + self.tr(
                    "%n person(s) are beyond that: give them their password with your mail app (if it sends "
                    "from another address), the clipboard or a welcome sheet.",
                    "",
                    len(beyond),
                )
            return words

        warn = bool(beyond or plan.bounced)
        self.mail_cap_notice.show_status(StatusKind.WARNING if warn else StatusKind.INFO, text)
        self.mail_cap_notice.setVisible(True)

    # --- bounce reports --------------------------------------------------------------------------------

    def _mailed(self) -> list[Mailed]:
        return [
            Mailed(row.key, row.run_id, row.record.email, row.subject)
            for row in self._rows
            if row.state is RowState.DELIVERED and row.method is DeliveryMethod.SEND_MAIL and row.subject
        ]

    @property
    def checking_bounces(self) -> bool:
        return self._bounce_jobs.busy

    def check_bounces(self) -> None:
        """Look once, now, for bounce reports of the mail sent on this page."""
        self._look_for_bounces(polls=1, wait_first=False)

    def _look_for_bounces(self, *, polls: int, wait_first: bool) -> None:
        mailed = self._mailed()
        since = self._mail_since
        if not mailed or since is None or self.checking_bounces:
            return
        delivery, journal, interval = self._delivery, self._journal(), self._bounce_interval

        async def look(report: Callable[[object], None]) -> set[str]:
            await delivery.enable_bounce_check()
            found: set[str] = set()
            for number in range(1, polls + 1):
                if wait_first or number > 1:
                    report(("waiting", number, polls))
                    await asyncio.sleep(interval)
                report(("looking", number, polls))
                found |= await delivery.find_bounces(since, mailed, journal=journal)
                report(frozenset(found))
            return found

        self.bounce_status.show_status(
            StatusKind.BUSY,
            lambda: self.tr(
                "A mail Microsoft accepted can still bounce. To notice it, the wizard reads the subject of "
                "new messages in your Inbox (never their content): Microsoft may ask you to allow that."
            ),
        )
        self.bounce_status.setVisible(True)
        job = self._bounce_jobs.submit(
            look,
            name="bounce check",
            on_success=self._on_bounce_check_done,
            on_failure=self._on_bounce_check_failed,
            on_progress=self._on_bounce_progress,
        )
        job.finished.connect(self._update_buttons)
        self._update_buttons()

    def _on_bounce_progress(self, value: object) -> None:
        if isinstance(value, frozenset):
            self._mark_bounced({str(key) for key in value})
            return
        if not isinstance(value, tuple) or len(value) != 3:
            return
        step, number, total = value

        def text() -> str:
            if step == "waiting":
                words = self.tr("Waiting a little before looking for bounced mail ({number} of {total})…")
            else:
                words = self.tr("Looking for bounced mail in your Inbox ({number} of {total})…")
            return words.format(number=number, total=total)

        self.bounce_status.show_status(StatusKind.BUSY, text)

    def _mark_bounced(self, keys: set[str]) -> None:
        newly = []
        for key in keys:
            row = self._row(key)
            if row is not None and row.state is RowState.DELIVERED and row.method is DeliveryMethod.SEND_MAIL:
                row.state = RowState.BOUNCED
                row.when = None
                newly.append(row)
        if not newly:
            return
        if self.method is DeliveryMethod.SEND_MAIL and not self._occupied:
            self.set_method(DeliveryMethod.WELCOME_SHEET)  # mail from this address would bounce again
        self.select_rows([self._rows.index(row) for row in newly])
        self._render()

    def _on_bounce_check_done(self, found: object) -> None:
        bounced = sum(1 for row in self._rows if row.state is RowState.BOUNCED)
        if bounced:
            self._work_out_cap(self._load)
            self.bounce_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "%n mail(s) bounced: Microsoft accepted them but couldn't deliver them. Deliver to those "
                    "people another way: a welcome sheet, the clipboard, or your mail app if it sends from "
                    "another address.",
                    "",
                    bounced,
                ),
            )
        else:
            self.bounce_status.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "No bounced mail so far. A bounce can come hours later: Check for bounces looks again."
                ),
            )
        self._show_summary()
        self._update_buttons()

    def _on_bounce_check_failed(self, error: BaseException) -> None:
        self.bounce_status.show_status(
            StatusKind.WARNING,
            lambda: self.tr("Bounced mail couldn't be looked for: {problem}").format(
                problem=self._error_words(error)
            ),
        )
        self._update_buttons()

    def _on_load_failed(self, load: int, error: BaseException) -> None:
        if load != self._load:
            return
        self._loading = False
        self.delivery_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The list of people couldn't be read: {error}").format(
                error=self._error_words(error)
            ),
        )
        self._render()

    def _reset(self, rows: Sequence[DeliveryRow], *, replacing: bool = False) -> None:
        """New temporary passwords; ``replacing``: one was handed over before (it stops working, and the
        journal no longer counts that delivery)."""
        for row in rows:
            row.state = RowState.RESETTING
            row.problem = None
            user_id = row.record.user_id or row.record.upn
            self._jobs.submit(
                self._delivery.reset_password(user_id),
                "reset password",
                functools.partial(self._on_reset, row, replacing=replacing),
                functools.partial(self._on_reset_failed, row),
            )
        self._render()

    def _on_reset(self, row: DeliveryRow, password: object, *, replacing: bool = False) -> None:
        if row not in self._rows or not isinstance(password, str):
            return
        row.password = password
        row.state = RowState.READY
        if replacing:
            row.method, row.when, row.confirmed = None, None, False
            self._jobs.submit(
                record_password_replaced(self._journal(), [(row.run_id, row.key)]),
                "record new password",
                lambda _r: None,
                essential=True,
            )
        self._render()
        self._show_summary()

    def new_password_for_selected(self) -> None:
        """The selected people whose message can't be confirmed (mail app, clipboard, in doubt) get a new
        temporary password, to deliver again; the one handed over before stops working (asked first)."""
        rows = [self._rows[i] for i in self._selected_indexes() if self._needs_new_password(self._rows[i])]
        if not rows or self._occupied:
            return
        text = self.tr(
            "%n person(s) get a new temporary password. The one handed over before stops working, so "
            "deliver the new one to them next. Go on?",
            "",
            len(rows),
        )
        if not self.confirm(self, self.tr("New temporary passwords"), text):
            return
        self._reset(rows, replacing=True)

    @staticmethod
    def _needs_new_password(row: DeliveryRow) -> bool:
        return row.unconfirmed or row.state is RowState.IN_DOUBT

    def _on_reset_failed(self, row: DeliveryRow, error: BaseException) -> None:
        if row not in self._rows:
            return
        row.state = RowState.RESET_FAILED
        row.problem = error.problem if isinstance(error, DeliveryError) else DeliveryProblem.UNKNOWN
        self._render()
        self._show_summary()

    # --- delivering ------------------------------------------------------------------------------------

    def deliver_all(self) -> None:
        """Deliver to everyone not delivered yet, by the chosen method."""
        targets = [
            row for row in self._rows if row.state in _DELIVERABLE and row.state is not RowState.DELIVERED
        ]
        if self.method is DeliveryMethod.SEND_MAIL:
            targets = [row for row in targets if row.state not in _NOT_BY_MAIL]
        self._deliver(targets, single=len(targets) == 1)

    def deliver_selected(self) -> None:
        """Deliver to the selected people (again, for someone already delivered)."""
        targets = [self._rows[i] for i in self._selected_indexes() if self._rows[i].state in _DELIVERABLE]
        self._deliver(targets, single=len(targets) == 1)

    def retry_failed(self) -> None:
        """Reset again where a reset failed; deliver again where delivery failed or is in doubt (asking
        first for those that may have been sent)."""
        resets = [row for row in self._rows if row.state is RowState.RESET_FAILED]
        if resets:
            self._reset(resets)
        failed = [row for row in self._rows if row.state in (RowState.FAILED, RowState.IN_DOUBT)]
        if failed:
            self._deliver(failed, single=len(failed) == 1)

    def confirm_selected(self) -> None:
        """The partner confirms that the selected messages (mail app, clipboard) reached their people."""
        rows = [self._rows[i] for i in self._selected_indexes() if self._rows[i].unconfirmed]
        if not rows:
            return
        for row in rows:
            row.confirmed = True
        journal = self._journal()
        if journal is not None:
            people = [(row.run_id, row.key) for row in rows]
            self._jobs.submit(
                record_confirmed(journal, people), "confirm delivery", lambda _r: None, essential=True
            )
        self.delivery_status.show_status(
            StatusKind.OK, lambda: self.tr("%n delivery(ies) marked as delivered.", "", len(rows))
        )
        self._render()

    def _deliver(self, targets: list[DeliveryRow], *, single: bool) -> None:
        targets = [row for row in targets if row.password is not None]
        if not targets or self._occupied:
            return
        doubtful = [row for row in targets if row.state is RowState.IN_DOUBT]
        if doubtful:
            text = self.tr(
                "The message to %n person(s) may already have been sent: Microsoft's answer was lost and "
                "the wizard couldn't check your Sent Items. Look there first. Send again anyway? The wizard "
                "checks once more before sending.",
                "",
                len(doubtful),
            )
            if not self.confirm(self, self.tr("These messages may have been sent"), text):
                targets = [row for row in targets if row.state is not RowState.IN_DOUBT]
                if not targets:
                    return
        method = self.method
        if method is DeliveryMethod.SEND_MAIL:
            self._send_mail(targets)
        elif method is DeliveryMethod.MAILTO:
            self._mailto(targets, single=single)
        elif method is DeliveryMethod.CLIPBOARD:
            self._copy(targets[0])
        else:
            self._save_sheet(targets)

    def _send_mail(self, targets: list[DeliveryRow]) -> None:
        left_out = [row for row in targets if row.state in _NOT_BY_MAIL]
        targets = [row for row in targets if row.state not in _NOT_BY_MAIL]
        if not targets:
            if left_out:
                self.delivery_status.show_status(
                    StatusKind.WARNING,
                    lambda: self.tr(
                        "Mail from your address won't reach these people today. Choose another way to "
                        "deliver above: a welcome sheet, the clipboard or your mail app."
                    ),
                )
            return
        self._stop_sending = stop = threading.Event()
        if self._mail_since is None:
            self._mail_since = datetime.now(UTC)
        for row in targets:
            row.problem = None
        self.delivery_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Asking for permission to send mail…")
        )
        outgoing = [
            Outgoing(
                row.key,
                row.record.email,
                self.message_for(row),
                row.run_id,
                earlier_id=row.delivery_id if row.state is RowState.IN_DOUBT else None,
            )
            for row in targets
        ]
        for row, item in zip(targets, outgoing, strict=True):
            row.state = RowState.SENDING
            row.subject = item.message.subject
        journal = self._journal()
        tenant_id, domains = self._cap_inputs()
        delivery = self._delivery  # the closure runs on the service thread: no page in it

        async def send(report: Callable[[object], None]) -> list[SendOutcome]:
            return await send_welcome_mails(
                delivery,
                journal,
                tenant_id=tenant_id,
                domains=domains,
                outgoing=outgoing,
                report=report,
                stop=stop,
            )

        self._busy = self._jobs.submit(
            send, "send welcome mail", self._on_sent, self._on_send_failed, self._on_sent_one
        )
        self._render()

    def _on_sent_one(self, value: object) -> None:
        if isinstance(value, CapPlan):
            for key in value.beyond:
                row = self._row(key)
                if row is not None and row.state is RowState.SENDING:
                    row.state = RowState.OVER_CAP
            self._render()
            return
        if value == SENDING:
            self.delivery_status.show_status(StatusKind.BUSY, lambda: self.tr("Sending…"))
            return
        if not isinstance(value, SendOutcome):
            return
        row = self._row(value.key)
        if row is None:
            return
        if value.delivery_id is not None:
            row.delivery_id = value.delivery_id
        if value.sent:
            self._delivered(row, DeliveryMethod.SEND_MAIL)
        else:
            row.state = RowState.IN_DOUBT if value.in_doubt else RowState.FAILED
            row.problem = value.problem
        self._render()

    def _on_sent(self, outcomes: object) -> None:
        self._busy = None
        problems = (
            [o.problem for o in outcomes if isinstance(o, SendOutcome) and o.problem is not None]
            if isinstance(outcomes, list)
            else []
        )
        for outcome in outcomes if isinstance(outcomes, list) else []:
            self._on_sent_one(outcome)
        for row in self._rows:  # stopped before their turn: not sent, to deliver later
            if row.state is RowState.SENDING:
                row.state = RowState.READY
        if DeliveryProblem.NO_MAILBOX in problems:
            self._fall_back_from_send_mail()
            return
        self._work_out_cap(self._load)
        self._look_for_bounces(polls=self._bounce_polls, wait_first=True)
        over = [row for row in self._rows if row.state is RowState.OVER_CAP]
        doubtful = sum(1 for row in self._rows if row.state is RowState.IN_DOUBT)
        certain = (
            [
                o.problem
                for o in outcomes
                if isinstance(o, SendOutcome) and o.problem is not None and not o.in_doubt
            ]
            if isinstance(outcomes, list)
            else []
        )
        if certain:
            first = certain[0]
            self.delivery_status.show_status(StatusKind.ERROR, lambda: self._problem_text(first))
        elif over:
            self.delivery_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "Mail went to everyone Microsoft's daily limit allows. %n person(s) are over the limit: "
                    "deliver to them another way (choose a welcome sheet, the clipboard or your mail app "
                    "above, then Deliver to selected).",
                    "",
                    len(over),
                ),
            )
            self.select_rows([self._rows.index(row) for row in over])
        elif doubtful:
            self.delivery_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "%n message(s) may have been sent: Microsoft's answer was lost and your Sent Items "
                    "couldn't be checked. Look in your Sent Items; Retry failed asks before sending again.",
                    "",
                    doubtful,
                ),
            )
        else:
            self._show_summary()
        self._render()

    def _on_send_failed(self, error: BaseException) -> None:
        self._busy = None
        problem = error.problem if isinstance(error, DeliveryError) else DeliveryProblem.UNKNOWN
        for row in self._rows:
            if row.state is RowState.SENDING:
                row.state = RowState.FAILED
                row.problem = problem
        if problem is DeliveryProblem.NO_MAILBOX:
            self._fall_back_from_send_mail()
            return
        self.delivery_status.show_status(StatusKind.ERROR, lambda: self._problem_text(problem))
        self._render()

    def _fall_back_from_send_mail(self) -> None:
        """No mailbox after all: sendMail goes off the list and the mail app takes over."""
        self._no_mailbox = True
        for row in self._rows:
            if row.state is RowState.FAILED and row.problem is DeliveryProblem.NO_MAILBOX:
                row.state = RowState.READY
                row.problem = None
        self._refresh_methods(preselect=False)
        self.set_method(DeliveryMethod.MAILTO)
        self.delivery_status.show_status(
            StatusKind.WARNING,
            lambda: self.tr(
                "Your account has no Microsoft 365 mailbox (it has no Exchange licence), so the wizard can't "
                "send from it. Your mail app is chosen instead: deliver again from there."
            ),
        )
        self._render()

    def _mailto(self, targets: list[DeliveryRow], *, single: bool) -> None:
        opened: list[DeliveryRow] = []
        too_long: list[DeliveryRow] = []
        failed = 0
        pasted = False
        for row in targets:
            message = self.message_for(row)
            link = build_mailto(row.record.email, message.subject, message.text)
            if not link.includes_body:
                if not single:
                    row.state = RowState.TOO_LONG
                    too_long.append(row)
                    continue
                self.clipboard.copy(message.text)
                pasted = True
            if self._open_url(link.url):
                opened.append(row)
            else:
                row.state = RowState.FAILED
                row.problem = None
                failed += 1
        for row in opened:
            self._delivered(row, DeliveryMethod.MAILTO)
        self._record(opened, DeliveryMethod.MAILTO)
        if failed:
            self.delivery_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr(
                    "Your mail app didn't open. Choose another way to deliver, such as the welcome sheet."
                ),
            )
        elif pasted:
            self.delivery_status.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "The message is too long for a mail link, so it's on the clipboard: paste it into the "
                    "message your mail app opened, then send it. The clipboard is cleared in a minute."
                ),
            )
        elif too_long:
            self.delivery_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "%n message(s) are too long for a mail link. Select each of those people and use "
                    "Deliver to selected: the message then goes via the clipboard.",
                    "",
                    len(too_long),
                ),
            )
        else:
            self.delivery_status.show_status(
                StatusKind.OK,
                lambda: self.tr(
                    "%n message(s) opened in your mail app: check each one and send it.", "", len(opened)
                ),
            )
        self._render()

    def _copy(self, row: DeliveryRow) -> None:
        self.clipboard.copy(self.message_for(row).text)
        self._delivered(row, DeliveryMethod.CLIPBOARD)
        self._record([row], DeliveryMethod.CLIPBOARD)
        seconds = max(1, round(self.clipboard.clear_after_ms / 1000))
        self.delivery_status.show_status(
            StatusKind.OK,
            lambda: self.tr(
                "The message for {name} is on the clipboard: paste it into a message to {email}. "
                "The clipboard is cleared in %n second(s).",
                "",
                seconds,
            ).format(name=row.record.display_name, email=row.record.email),
        )
        self._render()

    def _save_sheet(self, targets: list[DeliveryRow]) -> None:
        warning = self.tr(
            "The welcome sheet contains the temporary passwords of %n person(s). Save it only somewhere "
            "private, print it, and delete the file once everyone has signed in.",
            "",
            len(targets),
        )
        if not self.confirm(self, self.tr("This file will contain passwords"), warning):
            return
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(documents or Path.home()) / self.tr("welcome-sheets.pdf"))
        chosen = self.choose_file(self, self.tr("Save the welcome sheets"), suggested)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        pages = [SheetPage(row.record.display_name, self.message_for(row)) for row in targets]
        # Page by page on the event loop: hundreds of pages take a second or more, too long for the window
        # to wait, and Qt's text layout belongs to the GUI thread.
        self.delivery_status.show_status(StatusKind.BUSY, lambda: self.tr("Saving the welcome sheets…"))
        self._sheet = writer = SheetWriter(path, pages, title=self.tr("Welcome sheets"), parent=self)
        writer.finished.connect(functools.partial(self._on_sheet_saved, path, targets))
        writer.failed.connect(self._on_sheet_failed)
        writer.start()
        self._render()

    def _on_sheet_saved(self, path: Path, targets: list[DeliveryRow], count: object) -> None:
        self._forget_sheet()
        targets = [row for row in targets if row in self._rows]
        self._last_sheet = path
        for row in targets:
            self._delivered(row, DeliveryMethod.WELCOME_SHEET)
        self._record(targets, DeliveryMethod.WELCOME_SHEET)
        self.delivery_status.show_status(
            StatusKind.OK,
            lambda: self.tr(
                "Saved %n page(s) to {path}. Print them, hand each person their page, then delete the file.",
                "",
                count if isinstance(count, int) else len(targets),
            ).format(path=str(path)),
        )
        self._render()

    def _forget_sheet(self) -> None:
        sheet, self._sheet = self._sheet, None
        if sheet is not None:
            sheet.cancel()
            sheet.deleteLater()

    def _on_sheet_failed(self, error: BaseException) -> None:
        self._forget_sheet()
        self.delivery_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The welcome sheet couldn't be saved: {error}").format(
                error=self._error_words(error)
            ),
        )
        self._render()

    @property
    def _occupied(self) -> bool:
        """A job or the welcome sheet is under way: no second one, and the page is not complete."""
        return self._busy is not None or self._sheet is not None

    @property
    def last_sheet(self) -> Path | None:
        return self._last_sheet

    def _delivered(self, row: DeliveryRow, method: DeliveryMethod) -> None:
        row.state = RowState.DELIVERED
        row.method = method
        row.confirmed = False
        row.when = QDateTime.currentDateTime()
        row.problem = None

    def _record(self, rows: Sequence[DeliveryRow], method: DeliveryMethod) -> None:
        if rows:
            people = [(row.run_id, row.key) for row in rows]
            self._jobs.submit(
                record_delivered(self._journal(), people, method),
                "record delivery",
                lambda _r: None,
                essential=True,
            )

    def _on_clipboard_cleared(self) -> None:
        if self.delivery_status.kind is StatusKind.OK and self.method is DeliveryMethod.CLIPBOARD:
            self.delivery_status.show_status(StatusKind.INFO, lambda: self.tr("The clipboard was cleared."))

    # --- jobs --------------------------------------------------------------------------------------------

    def _job_done(self, job: Job) -> None:
        if self._busy is job:
            self._busy = None
        self._update_buttons()
        self.completeChanged.emit()
        if self.work_in_progress() is None:
            self.work_ended.emit()

    def work_in_progress(self) -> str | None:
        """For the wizard's close guard: mail on its way or passwords being reset."""
        if any(row.state is RowState.SENDING for row in self._rows) and self._busy is not None:
            return self.tr("Welcome mails are being sent.")
        if any(row.state is RowState.RESETTING for row in self._rows):
            return self.tr("New temporary passwords are being set.")
        return None

    def stop_work(self) -> None:
        """For the wizard's close guard: the mail on its way is finished and recorded, the rest wait; a
        password reset on its way is finished (its answer holds the only copy of the new password)."""
        self._stop_sending.set()

    def _on_job_failed(self, error: BaseException) -> None:
        self.delivery_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("Something went wrong: {error}").format(error=self._error_words(error)),
        )

    def _error_words(self, error: BaseException) -> str:
        """What went wrong, in the user's language (the system's own text is English); the technical name, if
        any, only in brackets."""
        if isinstance(error, WelcomeSheetError):
            return str(error)  # worded (and translated) where it is raised
        if isinstance(error, DeliveryError):
            return self._problem_text(error.problem)
        return describe_file_error(error)

    def _cancel_jobs(self) -> None:
        self._jobs.cancel_all()
        self._bounce_jobs.cancel_all()
        self._busy = None
        self._forget_sheet()  # a sheet left half-written is removed
        for row in self._rows:
            if row.state is RowState.SENDING:
                row.state = RowState.FAILED

    # --- showing ------------------------------------------------------------------------------------------

    def _row(self, key: str) -> DeliveryRow | None:
        return next((row for row in self._rows if row.key == key), None)

    def _selected_indexes(self) -> list[int]:
        return sorted({index.row() for index in self.delivery_table.selectionModel().selectedRows()})

    def _refresh_methods(self, *, preselect: bool) -> None:
        model = self.delivery_method_combo.model()
        assert isinstance(model, QStandardItemModel)
        index = self.delivery_method_combo.findData(DeliveryMethod.SEND_MAIL)
        item = model.item(index)
        if item is not None:
            item.setEnabled(not self._no_mailbox)
            text = self.tr("Send from your mailbox (Microsoft 365)")
            if self._no_mailbox:
                text = self.tr("Send from your mailbox (your account has none)")
            item.setText(text)
        if preselect or (self._no_mailbox and self.method is DeliveryMethod.SEND_MAIL):
            best = (
                DeliveryMethod.SEND_MAIL if self._mailbox is MailboxStatus.LIKELY else DeliveryMethod.MAILTO
            )
            if self._no_mailbox:
                best = DeliveryMethod.MAILTO
            self.set_method(best)
        self._on_method_changed()

    def _on_method_changed(self) -> None:
        method = self.method
        texts = {
            DeliveryMethod.SEND_MAIL: (
                self.tr("&Send to everyone"),
                self.tr(
                    "The wizard sends each person their message from your mailbox. The first time, Microsoft "
                    "asks you to allow the wizard to send mail."
                ),
            ),
            DeliveryMethod.MAILTO: (
                self.tr("&Open all in your mail app"),
                self.tr(
                    "Your mail app opens one new message per person, filled in: check each one and send it."
                ),
            ),
            DeliveryMethod.CLIPBOARD: (
                self.tr("&Copy the next message"),
                self.tr(
                    "Copies one person's message at a time, to paste into any mail or chat. The clipboard "
                    "is cleared after a minute."
                ),
            ),
            DeliveryMethod.WELCOME_SHEET: (
                self.tr("Save &welcome sheets…"),
                self.tr(
                    "A PDF with one page per person, to print and hand over. It contains passwords: keep it "
                    "private and delete it afterwards."
                ),
            ),
        }
        button_text, help_text = texts[method]
        self.deliver_all_button.setText(button_text)
        self.deliver_all_button.setAccessibleName(button_text.replace("&", ""))
        self.method_help.setText(help_text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = not self._loading and not self._occupied
        pending = [
            row for row in self._rows if row.state in _DELIVERABLE and row.state is not RowState.DELIVERED
        ]
        if self.method is DeliveryMethod.SEND_MAIL:
            pending = [row for row in pending if row.state not in _NOT_BY_MAIL]
        selected = [
            i for i in self._selected_indexes() if i < len(self._rows) and self._rows[i].state in _DELIVERABLE
        ]
        self.deliver_all_button.setEnabled(idle and bool(pending))
        self.deliver_selected_button.setEnabled(idle and bool(selected))
        self.retry_delivery_button.setEnabled(
            idle
            and any(
                row.state in (RowState.FAILED, RowState.IN_DOUBT, RowState.RESET_FAILED) for row in self._rows
            )
        )
        self.confirm_delivery_button.setEnabled(
            idle and any(i < len(self._rows) and self._rows[i].unconfirmed for i in self._selected_indexes())
        )
        chosen = [self._rows[i] for i in self._selected_indexes() if i < len(self._rows)]
        self.new_password_button.setEnabled(idle and any(self._needs_new_password(row) for row in chosen))
        self.check_bounces_button.setEnabled(idle and not self.checking_bounces and bool(self._mailed()))
        self.delivery_method_combo.setEnabled(idle)
        self.message_language_combo.setEnabled(idle)

    def _show_summary(self) -> None:
        if not self._rows or self._occupied:
            return
        done = sum(1 for row in self._rows if row.state in _DONE)
        if done == len(self._rows):
            self.delivery_status.show_status(
                StatusKind.OK, lambda: self.tr("Everyone has their password: %n delivered.", "", done)
            )
        elif any(row.state is RowState.RESETTING for row in self._rows):
            self.delivery_status.show_status(
                StatusKind.BUSY, lambda: self.tr("Setting new temporary passwords…")
            )
        elif any(
            row.state is RowState.RESET_FAILED and row.problem is DeliveryProblem.RESET_NOT_ALLOWED
            for row in self._rows
        ):
            self.delivery_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr(
                    "Microsoft refused to set new passwords: your account, or the permission the wizard was "
                    "given, does not allow resetting passwords. A Global Administrator can reset them (or "
                    "approve the wizard's permission to reset passwords); a User Administrator can reset "
                    "only people who are not administrators. Then use Retry failed."
                ),
            )
        elif any(row.state is RowState.RESET_FAILED for row in self._rows):
            self.delivery_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("Some new passwords couldn't be set. Use Retry failed to try again."),
            )
        else:
            self.delivery_status.show_status(
                StatusKind.INFO,
                lambda: self.tr("{done} of {total} delivered.").format(done=done, total=len(self._rows)),
            )

    def _status_text(self, row: DeliveryRow) -> str:
        when = QLocale().toString(row.when.time(), QLocale.FormatType.ShortFormat) if row.when else ""
        if row.state is RowState.RESETTING:
            return self.tr("Setting a new temporary password…")
        if row.state is RowState.RESET_FAILED:
            return self.tr("New password not set: {problem}").format(problem=self._problem_text(row.problem))
        if row.state is RowState.SENDING:
            return self.tr("Sending…")
        if row.state is RowState.IN_DOUBT:
            return self.tr("May have been sent: {problem}").format(problem=self._problem_text(row.problem))
        if row.state is RowState.FAILED:
            if row.problem is None:
                return self.tr("Not delivered")
            return self.tr("Not delivered: {problem}").format(problem=self._problem_text(row.problem))
        if row.state is RowState.TOO_LONG:
            return self.tr("Too long for a mail link: deliver it on its own")
        if row.state is RowState.OVER_CAP:
            return self.tr("Over today's mail limit: deliver another way")
        if row.state is RowState.BOUNCED:
            return self.tr("Bounced: deliver another way")
        if row.state is RowState.DELIVERED_EARLIER:
            return self.tr("Delivered in an earlier session")
        if row.state is RowState.DELIVERED:
            if row.confirmed:
                return self.tr("Delivered (you confirmed it)")
            texts = {
                DeliveryMethod.SEND_MAIL: self.tr("Sent at {time} (accepted by Microsoft)"),
                DeliveryMethod.MAILTO: self.tr("Handed to your mail app at {time} (not confirmed)"),
                DeliveryMethod.CLIPBOARD: self.tr("Copied at {time} (not confirmed)"),
                DeliveryMethod.WELCOME_SHEET: self.tr("On the welcome sheet saved at {time}"),
            }
            return texts[row.method or DeliveryMethod.SEND_MAIL].format(time=when)
        if row.reset:
            return self.tr("Ready (new temporary password)")
        return self.tr("Ready to deliver")

    def _problem_text(self, problem: DeliveryProblem | None) -> str:
        texts = {
            DeliveryProblem.NO_MAILBOX: self.tr("your account has no mailbox to send from"),
            DeliveryProblem.NOT_ALLOWED: self.tr(
                "Microsoft refused to send mail from your account (no permission)"
            ),
            DeliveryProblem.CONSENT_DENIED: self.tr("permission to send mail was not given"),
            DeliveryProblem.SIGN_IN_NEEDED: self.tr("your sign-in has expired: go back and sign in again"),
            DeliveryProblem.INVALID_RECIPIENT: self.tr("Microsoft refused the work email address"),
            DeliveryProblem.THROTTLED: self.tr("Microsoft is busy: try again in a minute"),
            DeliveryProblem.NETWORK: self.tr("no connection to Microsoft"),
            DeliveryProblem.SERVER: self.tr("Microsoft had a problem: try again"),
            DeliveryProblem.USER_NOT_FOUND: self.tr("the user no longer exists"),
            DeliveryProblem.RESET_NOT_ALLOWED: self.tr(
                "your account, or the permission the wizard was given, does not allow resetting passwords"
            ),
            DeliveryProblem.CANNOT_CHECK: self.tr("your Sent Items couldn't be checked"),
            DeliveryProblem.UNKNOWN: self.tr("an unexpected answer from Microsoft"),
        }
        return texts.get(problem or DeliveryProblem.UNKNOWN, texts[DeliveryProblem.UNKNOWN])

    def _fit_columns(self) -> None:
        """Everything in view at the page's size: the delivery status keeps its room; the work email, then
        the username give way, shortened in the middle (the full text is in the tooltip)."""
        table, header = self.delivery_table, self.delivery_table.horizontalHeader()
        available = table.viewport().width()
        if not table.isVisible() or available <= 0:
            return
        table.resizeColumnsToContents()
        metrics = table.fontMetrics()
        status = max((metrics.horizontalAdvance(self._status_text(row)) for row in self._rows), default=0)
        reserve = min(status + metrics.height() + 24, available * 2 // 5)
        excess = sum(header.sectionSize(c) for c in (Column.NAME, Column.USERNAME, Column.EMAIL))
        excess += reserve - available
        for column, least in ((Column.EMAIL, 18), (Column.USERNAME, 24)):
            if excess <= 0:
                break
            width = header.sectionSize(column)
            give = min(excess, width - min(width, metrics.horizontalAdvance("x" * least)))
            if give > 0:
                header.resizeSection(column, width - give)
                excess -= give

    def _render(self) -> None:
        table = self.delivery_table
        selected = self._selected_indexes()
        loaded = table.rowCount() != len(self._rows)
        table.setRowCount(len(self._rows))
        style = self.style()
        icons = {
            RowState.DELIVERED: QStyle.StandardPixmap.SP_DialogApplyButton,
            RowState.DELIVERED_EARLIER: QStyle.StandardPixmap.SP_DialogApplyButton,
            RowState.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
            RowState.IN_DOUBT: QStyle.StandardPixmap.SP_MessageBoxWarning,
            RowState.RESET_FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
            RowState.TOO_LONG: QStyle.StandardPixmap.SP_MessageBoxWarning,
            RowState.OVER_CAP: QStyle.StandardPixmap.SP_MessageBoxWarning,
            RowState.BOUNCED: QStyle.StandardPixmap.SP_MessageBoxCritical,
            RowState.RESETTING: QStyle.StandardPixmap.SP_BrowserReload,
            RowState.SENDING: QStyle.StandardPixmap.SP_BrowserReload,
        }
        for index, row in enumerate(self._rows):
            values = {
                Column.NAME: row.record.display_name,
                Column.USERNAME: row.record.upn,
                Column.EMAIL: row.record.email,
                Column.STATUS: self._status_text(row),
            }
            for column, text in values.items():
                item = table.item(index, column)
                if item is None:
                    item = QTableWidgetItem()
                    table.setItem(index, column, item)
                item.setText(text)
                item.setToolTip(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)  # the status icon's meaning, in words
            status = table.item(index, Column.STATUS)
            pixmap = icons.get(row.state)
            if status is not None:
                status.setIcon(style.standardIcon(pixmap, None, self) if pixmap is not None else QIcon())
        if loaded:
            self._fit_columns()
        if selected:
            self.select_rows([i for i in selected if i < len(self._rows)])
        self._update_buttons()
        self.completeChanged.emit()


def _method_of(value: str | None) -> DeliveryMethod | None:
    try:
        return DeliveryMethod(value) if value else None
    except ValueError:
        return None
