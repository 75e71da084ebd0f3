"""Step 3: hand the partner over to Microsoft's sign-up page, and notice when their tenant exists."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QLocale, Qt, QTime, QTimer
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent, QTextDocumentFragment
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QWidget,
    QWizardPage,
)

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.tenant_name import Availability, AvailabilityState, tenant_domain
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.colors import colours
from c2t_wizard.ui.flow import FlowLayout
from c2t_wizard.ui.runner import Job, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.widgets import StatusKind, StatusLine

POLL_INTERVAL = 3.0
MAX_POLL_INTERVAL = 30.0
POLL_BACKOFF = 1.5
ADVANCE_DELAY_MS = 1200
"""How long "your tenant exists" stays on screen before the wizard moves on by itself."""
CHECKLIST_STEPS = 7
"""The checklist: Microsoft's documented Business Basic sign-up steps ("Sign up for Microsoft 365 Business
Basic", learn.microsoft.com; see ``config.MICROSOFT_SIGNUP``), grouped, plus "come back here"."""


class SignupPage(QWizardPage):
    """Microsoft's sign-up happens in the browser; this page guides, then watches for the new tenant.

    The watcher asks tenant discovery (bypassing its cache) after ``poll_interval`` seconds, then
    backs off ×1.5 up to ``max_poll_interval``; each check is scheduled only after the previous
    answer, so checks never overlap. Once the name is taken the tenant exists: its id goes into
    ``onboarding.tenant_id`` and the wizard moves on by itself.
    """

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        discovery: TenantDiscovery,
        backend: Backend,
        open_url: Callable[[str], bool],
        parent: QWidget | None = None,
        *,
        poll_interval: float = POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        advance_delay_ms: int = ADVANCE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_signup")
        self._onboarding = onboarding
        self._runner = runner
        self._discovery = discovery
        self._backend = backend
        self._open_url = open_url
        self._first_interval = poll_interval
        self._max_interval = max(poll_interval, max_poll_interval)
        self._interval = poll_interval
        self._prefix = ""
        self._signup_url: str | None = None
        self._open_when_known = False
        self._exists = False
        self._watching = False
        self._last_check: QTime | None = None
        self._last_check_failed = False
        self._poll_job: Job | None = None
        self._endpoints_job: Job | None = None

        self._poll_timer = QTimer(self)
        self._poll_timer.setObjectName("signup_poll_timer")
        self._poll_timer.setSingleShot(True)
        self._poll_timer.timeout.connect(self._poll)
        self._advance_timer = QTimer(self)
        self._advance_timer.setObjectName("signup_advance_timer")
        self._advance_timer.setSingleShot(True)
        self._advance_timer.setInterval(advance_delay_ms)
        self._advance_timer.timeout.connect(self._advance)

        # Created first so that it is first in the focus chain: the wizard focuses it on arrival.
        self.open_signup_button = QPushButton(self)
        self.open_signup_button.setObjectName("open_signup_button")
        self.open_signup_button.setAutoDefault(True)
        open_font = self.open_signup_button.font()
        open_font.setBold(True)
        self.open_signup_button.setFont(open_font)
        self.open_signup_button.clicked.connect(self.open_signup)
        self.copy_name_button = QPushButton(self)
        self.copy_name_button.setObjectName("copy_name_button")
        self.copy_name_button.setAutoDefault(False)
        self.copy_name_button.clicked.connect(self.copy_name)

        self._clipboard_note = StatusLine(self)
        self._clipboard_note.setObjectName("signup_clipboard_note")

        # --- the checklist ---------------------------------------------------------------------------
        self._checklist = QFrame(self)
        self._checklist.setObjectName("signup_checklist")
        grid = QGridLayout(self._checklist)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self._step_marks: list[QLabel] = []
        self._step_texts: list[QLabel] = []
        for row in range(CHECKLIST_STEPS):
            mark = QLabel(self._checklist)
            mark.setObjectName(f"signup_step_mark_{row + 1}")
            mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
            side = self.fontMetrics().height() + 6
            mark.setFixedSize(side, side)
            text = QLabel(self._checklist)
            text.setObjectName(f"signup_step_{row + 1}")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            self._step_marks.append(mark)
            self._step_texts.append(text)
        grid.setColumnStretch(1, 1)

        # --- the watcher -------------------------------------------------------------------------------
        self.signup_status = StatusLine(self)
        self.signup_status.setObjectName("signup_status")
        self.signup_done_button = QPushButton(self)
        self.signup_done_button.setObjectName("signup_done_button")
        self.signup_done_button.setAutoDefault(False)
        self.signup_done_button.clicked.connect(self.check_now)

        self.retranslate()
        tall = self.open_signup_button.sizeHint().height() + 8
        self.open_signup_button.setMinimumHeight(tall)
        self.copy_name_button.setMinimumHeight(tall)
        buttons = FlowLayout()  # on two rows when the text is large
        buttons.addWidget(self.open_signup_button)
        buttons.addWidget(self.copy_name_button)

        watcher = FlowLayout(spacing=12)  # the button below the status when both do not fit
        watcher.addWidget(self.signup_status)
        watcher.add_stretch()
        watcher.addWidget(self.signup_done_button)

        rule = QFrame(self)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        layout = scrolling_layout(self)
        layout.setSpacing(10)
        layout.addWidget(self._checklist)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self._clipboard_note)
        layout.addSpacing(10)
        layout.addWidget(rule)
        layout.addLayout(watcher)
        layout.addStretch(1)

        self.setTabOrder(self.open_signup_button, self.copy_name_button)
        self.setTabOrder(self.copy_name_button, self.signup_done_button)

    # --- QWizardPage --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        self.open_signup_button.setText(self.tr("&Open the sign-up page"))
        self.open_signup_button.setAccessibleName(self.tr("Open Microsoft's sign-up page in your browser"))
        self.copy_name_button.setText(self.tr("&Copy name again"))
        self.copy_name_button.setAccessibleName(self.tr("Copy the name to the clipboard again"))
        self._checklist.setAccessibleName(self.tr("Steps to follow"))
        self.signup_done_button.setText(self.tr("I've finished &signing up"))
        self.signup_done_button.setAccessibleName(self.tr("I've finished signing up: check now"))
        self.setTitle(self.tr("Create your Microsoft account"))
        self.setSubTitle(
            self.tr(
                "You sign up on Microsoft's website, in your browser. "
                "Keep this window open: it notices by itself when you're done."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._prefix:
                self._fill_checklist(reset_marks=False)
        super().changeEvent(event)

    def initializePage(self) -> None:
        self._stop_watching()
        self._prefix = self._onboarding.tenant_prefix
        self._exists = False
        self._interval = self._first_interval
        self._last_check = None
        self._last_check_failed = False
        self._fill_checklist()
        self.copy_name()
        self._fetch_signup_url()
        self._start_watching()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._exists

    def cleanupPage(self) -> None:
        self._stop_watching()
        self._advance_timer.stop()
        if self._endpoints_job is not None:
            self._endpoints_job.cancel()
            self._endpoints_job = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._watching and not self._exists and self._poll_job is None and not self._poll_timer.isActive():
            self._schedule_poll()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # Left (forwards, backwards, or the window closed): stop asking, resume if shown again.
        self._poll_timer.stop()
        self._advance_timer.stop()
        if self._poll_job is not None:
            self._poll_job.cancel()
            self._poll_job = None

    # --- actions ------------------------------------------------------------------------------------

    @property
    def signup_url(self) -> str | None:
        return self._signup_url

    @property
    def watching(self) -> bool:
        """True while the page is waiting for the tenant (a check is scheduled or in flight)."""
        return self._poll_timer.isActive() or self._poll_job is not None

    def open_signup(self) -> None:
        """Open Microsoft's sign-up page in the browser (once its address is known)."""
        if self._signup_url is None:
            self._open_when_known = True
            self._fetch_signup_url()
            return
        if not self._open_url(self._signup_url):
            self._clipboard_note.show_status(
                StatusKind.WARNING,
                lambda: self.tr("Your browser didn't open. Open this address yourself: {url}").format(
                    url=self._signup_url
                ),
            )

    def copy_name(self) -> None:
        """Put the chosen name on the clipboard, ready to paste into Microsoft's form."""
        if not self._prefix:
            self._clipboard_note.clear()
            return
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self._prefix)
        self._clipboard_note.show_status(
            StatusKind.INFO,
            lambda: self.tr(
                "“{name}” is on your clipboard: paste it when Microsoft asks for a domain name."
            ).format(name=self._prefix),
        )

    def check_now(self) -> None:
        """Check at once (the partner says they're done); then keep polling briskly."""
        if self._exists or not self._prefix:
            return
        self._watching = True
        self._interval = self._first_interval
        if self._poll_job is not None:
            return  # an answer is on its way; the next check follows it
        self._poll_timer.stop()
        self._poll()

    # --- sign-up address ----------------------------------------------------------------------------

    def _fetch_signup_url(self) -> None:
        if self._signup_url is not None or self._endpoints_job is not None:
            return
        self._endpoints_job = self._runner.submit(
            self._backend.endpoints(),
            name="sign-up address",
            on_success=self._on_endpoints,
            on_failure=self._on_endpoints_failed,
        )

    def _on_endpoints(self, endpoints: object) -> None:
        self._endpoints_job = None
        if isinstance(endpoints, Endpoints):
            self._signup_url = endpoints.signup
            if self._open_when_known:
                self._open_when_known = False
                self.open_signup()

    def _on_endpoints_failed(self, error: object) -> None:
        self._endpoints_job = None
        self._clipboard_note.show_status(
            StatusKind.WARNING,
            lambda: self.tr("The sign-up page isn't ready yet. Press “Open the sign-up page” to try again."),
        )

    # --- the watcher --------------------------------------------------------------------------------

    def _start_watching(self) -> None:
        if not self._prefix:
            self.signup_status.show_status(
                StatusKind.WARNING, lambda: self.tr("Go back and choose a name for your organisation first.")
            )
            return
        self._watching = True
        self._render_waiting()
        self._schedule_poll()

    def _stop_watching(self) -> None:
        self._watching = False
        self._poll_timer.stop()
        if self._poll_job is not None:
            self._poll_job.cancel()
            self._poll_job = None

    def _schedule_poll(self) -> None:
        if self._watching and not self._exists and self.isVisible():
            self._poll_timer.start(round(self._interval * 1000))

    def _poll(self) -> None:
        if not self._watching or self._exists or self._poll_job is not None:
            return
        self._poll_job = self._runner.submit(
            self._discovery.check(self._prefix, fresh=True),
            name=f"sign-up watch {self._prefix}",
            on_success=self._on_poll_answer,
            on_failure=self._on_poll_failed,
        )

    def _on_poll_answer(self, answer: object) -> None:
        if self.sender() is not self._poll_job:
            return
        self._poll_job = None
        if not isinstance(answer, Availability) or answer.prefix != self._prefix:
            return
        self._last_check = QTime.currentTime()
        if answer.is_taken:
            self._on_tenant_exists(answer)
            return
        self._last_check_failed = answer.state is AvailabilityState.UNKNOWN
        self._render_waiting()
        self._back_off()

    def _on_poll_failed(self, error: object) -> None:
        if self.sender() is not self._poll_job:
            return
        self._poll_job = None
        self._last_check = QTime.currentTime()
        self._last_check_failed = True
        self._render_waiting()
        self._back_off()

    def _back_off(self) -> None:
        self._interval = min(self._interval * POLL_BACKOFF, self._max_interval)
        self._schedule_poll()

    def _on_tenant_exists(self, answer: Availability) -> None:
        self._exists = True
        self._stop_watching()
        self._onboarding.tenant_id = answer.tenant_id
        for mark in self._step_marks:
            self._set_mark(mark, "✓", done=True)
        self.signup_status.show_status(
            StatusKind.OK,
            lambda: self.tr("{domain} exists: your organisation's Microsoft tenant is ready.").format(
                domain=tenant_domain(self._prefix)
            ),
        )
        self.signup_done_button.setEnabled(False)
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self and wizard.nextId() != -1:
            self._advance_timer.start()

    def _advance(self) -> None:
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self and self._exists and wizard.nextId() != -1:
            wizard.next()

    # --- what the user sees ------------------------------------------------------------------------

    def _render_waiting(self) -> None:
        domain = tenant_domain(self._prefix)
        last_check, failed = self._last_check, self._last_check_failed

        def text() -> str:
            if last_check is None:
                return self.tr("Waiting for {domain} to appear…").format(domain=domain)
            if failed:
                return self.tr(
                    "Waiting for {domain} to appear… We couldn't check at {time}; we'll try again."
                ).format(domain=domain, time=self._time(last_check))
            return self.tr("Waiting for {domain} to appear… (last checked {time})").format(
                domain=domain, time=self._time(last_check)
            )

        self.signup_status.show_status(StatusKind.BUSY, text)
        self.signup_done_button.setEnabled(True)

    @staticmethod
    def _time(time: QTime) -> str:
        return QLocale().toString(time, "HH:mm:ss")

    def _fill_checklist(self, *, reset_marks: bool = True) -> None:
        name = html.escape(self._prefix)
        domain = f"<b>{name}</b>.onmicrosoft.com"
        # Microsoft's documented steps (config.MICROSOFT_SIGNUP): buy Business Basic, the business's details,
        # a verification code, the account on <prefix>.onmicrosoft.com (creating it creates the tenant), pay.
        steps = [
            self.tr(
                "Open Microsoft's sign-up page with the button below. Under <b>Microsoft 365 Business "
                "Basic</b>, select <b>Buy now</b>."
            ),
            self.tr(
                "Choose 1 user (the staff you add in this wizard need no licence), the subscription length "
                "and billing you prefer, then enter an email address you already use: Microsoft sends setup "
                "and billing mail there."
            ),
            self.tr(
                "Select <b>Set up account</b> (if you're already signed in: <b>Create another account "
                "instead</b>) and fill in your name, business phone, company size, company name and "
                "location, then the details about yourself."
            ),
            self.tr("Choose text or call, and type in the verification code Microsoft sends you."),
            self.tr(
                "Create your account: choose a username and, as the domain, paste <b>{name}</b> (it's on "
                "your clipboard). Your address becomes {domain}. Then choose a password."
            ).format(name=name, domain=domain),
            self.tr(
                "Add a payment method and select <b>Place order</b>. You're now the administrator of your "
                "organisation."
            ),
            self.tr("Come back here: this page notices by itself when your tenant exists."),
        ]
        for number, (mark, text, step) in enumerate(
            zip(self._step_marks, self._step_texts, steps, strict=True), start=1
        ):
            if reset_marks:
                self._set_mark(mark, str(number), done=False)
            text.setText(step)
            plain = QTextDocumentFragment.fromHtml(step).toPlainText()
            text.setAccessibleName(self.tr("Step {number}: {text}").format(number=number, text=plain))

    def _set_mark(self, mark: QLabel, text: str, *, done: bool) -> None:
        mark.setText(text)
        ours = colours(self.palette())
        colour = (ours.done_mark if done else ours.step_mark).name()
        radius = mark.height() // 2
        mark.setStyleSheet(
            f"QLabel {{ border-radius: {radius}px; background: {colour};"
            f" color: {ours.mark_text.name()}; font-weight: bold; }}"
        )
