"""Step 2: choose the organisation's Microsoft name (``NAME.onmicrosoft.com``), checked live."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QStyle,
    QWidget,
    QWizardPage,
)

from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.tenant_name import (
    ONMICROSOFT,
    Availability,
    AvailabilityState,
    PrefixIssue,
    normalise_prefix,
    propose_prefix,
    suggest_prefixes,
    tenant_domain,
    validate_prefix,
)
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.runner import Job, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.widgets import StatusKind, StatusLine, leave_with_ctrl_tab, make_secondary

DEBOUNCE_MS = 400
PREFIX_ROLE = Qt.ItemDataRole.UserRole


class _Phase(Enum):
    """Where the check of the current prefix stands."""

    INVALID = "invalid"
    CHECKING = "checking"
    ANSWERED = "answered"


class SuggestionList(QListWidget):
    """Free alternatives; Enter picks one (and is not passed on to the wizard's Next button)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self.itemActivated.emit(item)
            event.accept()
            return
        super().keyPressEvent(event)


class TenantNamePage(QWizardPage):
    """Organisation name in, a valid and (probably) free prefix out.

    Typing never waits on the network: a single-shot timer debounces the availability check, which runs on the
    service thread; an answer for anything but the current prefix is ignored. Next is enabled only for a valid
    prefix whose latest answer is "probably free".
    """

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        discovery: TenantDiscovery,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_tenant_name")
        self._onboarding = onboarding
        self._runner = runner
        self._discovery = discovery
        self._prefix_edited_by_user = False
        self._check = validate_prefix("")
        self._phase = _Phase.INVALID
        self._answer: Availability | None = None
        self._check_job: Job | None = None
        self._suggestion_job: Job | None = None
        self._suggestions_for = ""

        self._debounce = QTimer(self)
        self._debounce.setObjectName("tenant_check_debounce")
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._send_check)

        # --- organisation name ---------------------------------------------------------------
        self.org_name_edit = QLineEdit(self)
        self.org_name_edit.setObjectName("org_name_edit")
        self.org_name_edit.setMaxLength(256)
        self.org_name_edit.textChanged.connect(self._on_org_name_changed)
        self._org_label = org_label = QLabel(self)
        org_label.setBuddy(self.org_name_edit)

        # --- prefix --------------------------------------------------------------------------
        self.tenant_prefix_edit = QLineEdit(self)
        self.tenant_prefix_edit.setObjectName("tenant_prefix_edit")
        self.tenant_prefix_edit.setMaxLength(64)
        self.tenant_prefix_edit.textEdited.connect(self._on_prefix_edited)
        self.tenant_prefix_edit.textChanged.connect(self._on_prefix_changed)
        self.tenant_prefix_edit.editingFinished.connect(self._tidy_prefix)
        self._prefix_label = prefix_label = QLabel(self)
        prefix_label.setBuddy(self.tenant_prefix_edit)
        self._suffix = suffix = QLabel("." + ONMICROSOFT, self)
        suffix.setObjectName("tenant_suffix_label")
        suffix_font = suffix.font()
        suffix_font.setBold(True)
        suffix.setFont(suffix_font)
        prefix_row = QHBoxLayout()
        prefix_row.setSpacing(2)
        prefix_row.addWidget(self.tenant_prefix_edit, 1)
        prefix_row.addWidget(suffix)

        self._explanation = explanation = QLabel(self)
        explanation.setObjectName("tenant_prefix_explanation")
        explanation.setWordWrap(True)
        explanation.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        make_secondary(explanation)

        # --- status, warning, retry ----------------------------------------------------------
        self.tenant_status = StatusLine(self)
        self.tenant_status.setObjectName("tenant_status")
        self.tenant_retry_button = QPushButton(self)
        self.tenant_retry_button.setObjectName("tenant_retry_button")
        self.tenant_retry_button.setAutoDefault(False)
        self.tenant_retry_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.tenant_retry_button.clicked.connect(self.retry)
        self.tenant_retry_button.setVisible(False)
        self.tenant_status.add_widget(self.tenant_retry_button)

        self.tenant_warning = StatusLine(self)
        self.tenant_warning.setObjectName("tenant_warning")
        self.tenant_warning.setVisible(False)

        # --- suggestions ---------------------------------------------------------------------
        self._suggestions_label = QLabel(self)
        self._suggestions_label.setObjectName("tenant_suggestions_label")
        self.tenant_suggestions = SuggestionList(self)
        self.tenant_suggestions.setObjectName("tenant_suggestions")
        leave_with_ctrl_tab(self.tenant_suggestions)
        self.tenant_suggestions.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.tenant_suggestions.setUniformItemSizes(True)
        self.tenant_suggestions.setSpacing(3)
        side = self.fontMetrics().height()
        self.tenant_suggestions.setIconSize(QSize(side, side))
        self._suggestions_label.setBuddy(self.tenant_suggestions)
        self.tenant_suggestions.itemActivated.connect(self._use_suggestion)
        self.tenant_suggestions.itemClicked.connect(self._use_suggestion)
        self.tenant_suggestions_status = StatusLine(self)
        self.tenant_suggestions_status.setObjectName("tenant_suggestions_status")
        self._show_suggestion_area(False)

        self.retranslate()

        # A grid, not a form layout: its rows grow with their wrapped lines (large text), a form's did not.
        form = QGridLayout()
        form.setVerticalSpacing(6)
        form.setHorizontalSpacing(12)
        form.addWidget(org_label, 0, 0)
        form.addWidget(self.org_name_edit, 0, 1)
        form.addItem(_spacer(4), 1, 0)
        form.addWidget(prefix_label, 2, 0)
        form.addLayout(prefix_row, 2, 1)
        form.addWidget(explanation, 3, 1)
        form.addWidget(self.tenant_status, 4, 1)
        form.addWidget(self.tenant_warning, 5, 1)
        form.setColumnStretch(1, 1)

        layout = scrolling_layout(self)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self._suggestions_label)
        layout.addWidget(self.tenant_suggestions_status)
        layout.addWidget(self.tenant_suggestions, 1)
        layout.addStretch(0)  # takes what the list, capped at its rows' height, leaves

        self._render()

    # --- QWizardPage -------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        self.org_name_edit.setAccessibleName(self.tr("Organisation name"))
        self.org_name_edit.setPlaceholderText(self.tr("e.g. Acme Plumbing Ltd"))
        self._org_label.setText(self.tr("&Organisation name:"))
        self.tenant_prefix_edit.setAccessibleName(self.tr("Microsoft name"))
        self.tenant_prefix_edit.setAccessibleDescription(
            self.tr("Followed by .onmicrosoft.com. Letters and digits only.")
        )
        self.tenant_prefix_edit.setPlaceholderText(self.tr("e.g. acmeplumbing"))
        self._prefix_label.setText(self.tr("&Microsoft name:"))
        self._suffix.setAccessibleName(self.tr("ends in .onmicrosoft.com"))
        self._explanation.setText(
            self.tr(
                "This becomes your organisation's Microsoft address. "
                "Choose carefully: it can't be changed later."
            )
        )
        self.tenant_retry_button.setText(self.tr("&Try again"))
        self.tenant_retry_button.setAccessibleName(self.tr("Try the check again"))
        self._suggestions_label.setText(self.tr("Free names you could &use instead:"))
        self.tenant_suggestions.setAccessibleName(self.tr("Free names you could use instead"))
        self.tenant_suggestions.setAccessibleDescription(
            self.tr("Press Enter or double-click to use a name.")
        )
        self.setTitle(self.tr("Choose your organisation's Microsoft name"))
        self.setSubTitle(
            self.tr(
                "Microsoft gives every organisation its own address. Your staff will sign in with it, "
                "for example anna@yourname.onmicrosoft.com."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._word_suggestions()
            self._render()
        super().changeEvent(event)

    def initializePage(self) -> None:
        if self._onboarding.organisation_name and not self.org_name_edit.text():
            self.org_name_edit.setText(self._onboarding.organisation_name)
        if self._onboarding.tenant_prefix and not self.tenant_prefix_edit.text():
            self._prefix_edited_by_user = True
            self.tenant_prefix_edit.setText(self._onboarding.tenant_prefix)

    def isComplete(self) -> bool:
        return (
            self._check.ok
            and self._phase is _Phase.ANSWERED
            and self._answer is not None
            and self._answer.prefix == self._check.prefix
            and self._answer.may_continue
        )

    def validatePage(self) -> bool:
        if not self.isComplete():
            return False
        self._onboarding.organisation_name = self.org_name_edit.text().strip()
        self._onboarding.tenant_prefix = self._check.prefix
        return True

    def cleanupPage(self) -> None:
        self._stop_work()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Work stopped while hidden: pick the check up again.
        if self._check.ok and self._phase is _Phase.CHECKING and self._check_job is None:
            self._debounce.start()
        elif self._answer is not None and self._answer.is_taken and not self._suggestions_for:
            self._start_suggestions(self._answer.prefix)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._stop_work()

    # --- public for tests and the wizard -----------------------------------------------------

    @property
    def prefix(self) -> str:
        """The current prefix, normalised (may be invalid)."""
        return self._check.prefix

    @property
    def availability(self) -> Availability | None:
        """The latest answer for the current prefix, if any."""
        if self._answer is not None and self._answer.prefix == self._check.prefix:
            return self._answer
        return None

    def retry(self) -> None:
        """Check the current prefix again now, bypassing the cache."""
        if not self._check.ok:
            return
        self._debounce.stop()
        self._phase = _Phase.CHECKING
        self._answer = None
        self._render()
        self._send_check(fresh=True)

    # --- typing ------------------------------------------------------------------------------

    def _on_org_name_changed(self, text: str) -> None:
        if not self._prefix_edited_by_user:
            self.tenant_prefix_edit.setText(propose_prefix(text))

    def _on_prefix_edited(self, text: str) -> None:
        # Emptying the field hands it back to the organisation name.
        self._prefix_edited_by_user = bool(text)
        lowered = text.lower()
        if lowered != text:
            position = self.tenant_prefix_edit.cursorPosition()
            self.tenant_prefix_edit.setText(lowered)
            self.tenant_prefix_edit.setCursorPosition(position)

    def _tidy_prefix(self) -> None:
        """A pasted ``https://acme.onmicrosoft.com`` becomes ``acme`` once the user leaves the field."""
        text = self.tenant_prefix_edit.text()
        tidy = normalise_prefix(text)
        if tidy != text:
            self.tenant_prefix_edit.setText(tidy)

    def _on_prefix_changed(self, text: str) -> None:
        check = validate_prefix(text)
        if check == self._check and self._phase is not _Phase.INVALID:
            return
        self._check = check
        self._answer = None
        self._clear_suggestions()
        self._debounce.stop()
        self._phase = _Phase.CHECKING if check.ok else _Phase.INVALID
        if check.ok:
            self._debounce.start()
        self._render()

    # --- availability ------------------------------------------------------------------------

    def _send_check(self, fresh: bool = False) -> None:
        if not self._check.ok:
            return
        prefix = self._check.prefix
        self._check_job = self._runner.submit(
            self._discovery.check(prefix, fresh=fresh),
            name=f"tenant name check {prefix}",
            on_success=self._on_checked,
            on_failure=self._on_check_failed,
        )

    def _on_checked(self, answer: object) -> None:
        if self.sender() is self._check_job:
            self._check_job = None
        if not isinstance(answer, Availability) or answer.prefix != self._check.prefix:
            return  # a stale answer for something typed earlier
        self._answer = answer
        self._phase = _Phase.ANSWERED
        if answer.is_taken:
            self._start_suggestions(answer.prefix)
        self._render()

    def _on_check_failed(self, error: object) -> None:
        # TenantDiscovery answers UNKNOWN rather than raising; this is for the unexpected.
        if self.sender() is not self._check_job:
            return
        self._check_job = None
        if self._check.ok:
            self._answer = Availability(
                self._check.prefix, AvailabilityState.UNKNOWN, reason=type(error).__name__
            )
            self._phase = _Phase.ANSWERED
            self._render()

    # --- suggestions -------------------------------------------------------------------------

    def _start_suggestions(self, prefix: str) -> None:
        candidates = suggest_prefixes(prefix, self.org_name_edit.text())
        self._clear_suggestions()
        self._suggestions_for = prefix
        if not candidates:
            return
        self.tenant_suggestions_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Looking for free names you could use instead…")
        )
        self._show_suggestion_area(True, busy=True)
        self._suggestion_job = self._runner.submit(
            self._discovery.check_many(candidates),
            name=f"tenant name suggestions for {prefix}",
            on_success=self._on_suggestions,
            on_failure=self._on_suggestions_failed,
        )

    def _word_suggestions(self) -> None:
        """The free names offered, in the language now installed."""
        for row in range(self.tenant_suggestions.count()):
            item = self.tenant_suggestions.item(row)
            domain = tenant_domain(str(item.data(PREFIX_ROLE)))
            item.setText(self.tr("{domain}  — free").format(domain=domain))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())  # the words say what the tick means
            item.setToolTip(self.tr("Use {domain}").format(domain=domain))

    def _on_suggestions(self, answers: object) -> None:
        if self.sender() is not self._suggestion_job:
            return
        self._suggestion_job = None
        if not isinstance(answers, list) or self._suggestions_for != self._check.prefix:
            return
        free = [a for a in answers if isinstance(a, Availability) and a.may_continue]
        free_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton, None, self)
        self.tenant_suggestions.clear()
        for answer in free:
            item = QListWidgetItem(free_icon, "")
            item.setData(PREFIX_ROLE, answer.prefix)
            self.tenant_suggestions.addItem(item)
        self._word_suggestions()
        if free:
            self.tenant_suggestions.setCurrentRow(0)
            self.tenant_suggestions_status.clear()
            self._show_suggestion_area(True)
            self._fit_suggestions()
        else:
            self.tenant_suggestions_status.show_status(
                StatusKind.INFO,
                lambda: self.tr("We couldn't find a free alternative just now. Try a different name."),
            )
            self._show_suggestion_area(True, busy=True)

    def _on_suggestions_failed(self, error: object) -> None:
        if self.sender() is not self._suggestion_job:
            return
        self._suggestion_job = None
        self.tenant_suggestions_status.show_status(
            StatusKind.INFO, lambda: self.tr("We couldn't look for alternatives just now. Try another name.")
        )
        self._show_suggestion_area(True, busy=True)

    def _use_suggestion(self, item: QListWidgetItem) -> None:
        prefix = item.data(PREFIX_ROLE)
        if isinstance(prefix, str):
            # Not from inside the list's own signal: using the name empties the list.
            QTimer.singleShot(0, self, lambda: self._apply_suggestion(prefix))

    def _apply_suggestion(self, prefix: str) -> None:
        self._prefix_edited_by_user = True
        self.tenant_prefix_edit.setText(prefix)
        self.tenant_prefix_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tenant_prefix_edit.end(False)

    def _fit_suggestions(self) -> None:
        """As tall as its rows (no empty box under a short list)."""
        view = self.tenant_suggestions
        if view.count() == 0:
            return
        view.setMaximumHeight(16_777_215)
        view.doItemsLayout()
        last = view.visualItemRect(view.item(view.count() - 1))
        bottom = last.bottom() + view.verticalScrollBar().value()
        view.setMaximumHeight(bottom + view.spacing() + 2 * view.frameWidth() + 2)

    def _clear_suggestions(self) -> None:
        if self._suggestion_job is not None:
            self._suggestion_job.cancel()
            self._suggestion_job = None
        self._suggestions_for = ""
        self.tenant_suggestions.clear()
        self.tenant_suggestions_status.clear()
        self._show_suggestion_area(False)

    def _show_suggestion_area(self, visible: bool, *, busy: bool = False) -> None:
        self._suggestions_label.setVisible(visible and not busy)
        self.tenant_suggestions.setVisible(visible and not busy)
        self.tenant_suggestions_status.setVisible(visible and busy)

    # --- lifecycle ---------------------------------------------------------------------------

    def _stop_work(self) -> None:
        """Stop the timer and every job in flight (the page is left, hidden or going away)."""
        self._debounce.stop()
        for job in (self._check_job, self._suggestion_job):
            if job is not None:
                job.cancel()
        self._check_job = None
        if self._suggestion_job is not None:
            self._suggestion_job = None
            self._suggestions_for = ""

    # --- what the user sees ------------------------------------------------------------------

    def _render(self) -> None:
        check = self._check
        domain = tenant_domain(check.prefix)
        status = self.tenant_status
        retry = False
        if check.error is PrefixIssue.EMPTY:
            if self.org_name_edit.text().strip() and not self._prefix_edited_by_user:
                status.show_status(StatusKind.INFO, lambda: self.tr("Type a name using letters and digits."))
            else:
                status.show_status(
                    StatusKind.INFO,
                    lambda: self.tr("Type your organisation's name, or choose a Microsoft name."),
                )
        elif check.error is PrefixIssue.INVALID_CHARACTERS:
            status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("Only letters and digits: remove {characters}").format(
                    characters=self._quote_characters(check.bad_characters)
                ),
            )
        elif self._phase is _Phase.CHECKING or self._answer is None:
            status.show_status(StatusKind.BUSY, lambda: self.tr("Checking {domain}…").format(domain=domain))
        else:
            state = self._answer.state
            if state is AvailabilityState.PROBABLY_FREE:
                status.show_status(
                    StatusKind.OK,
                    lambda: self.tr("{domain} looks free. Microsoft confirms it when you sign up.").format(
                        domain=domain
                    ),
                )
            elif state is AvailabilityState.TAKEN:
                status.show_status(
                    StatusKind.ERROR,
                    lambda: self.tr(
                        "{domain} already belongs to another organisation. "
                        "Pick another name or one of the suggestions below."
                    ).format(domain=domain),
                )
            elif state is AvailabilityState.INVALID:
                status.show_status(
                    StatusKind.ERROR,
                    lambda: self.tr("Microsoft doesn't accept {domain} as a name. Try another one.").format(
                        domain=domain
                    ),
                )
            else:
                retry = True
                status.show_status(
                    StatusKind.WARNING,
                    lambda: self.tr(
                        "We couldn't check {domain} right now. Check your internet connection; "
                        "you can try again."
                    ).format(domain=domain),
                )
        self.tenant_retry_button.setVisible(retry)
        if check.warning is PrefixIssue.LONGER_THAN_RECOMMENDED:
            self.tenant_warning.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "That's a long name ({count} characters). Shorter names are easier for your "
                    "staff to type; we suggest 27 or fewer."
                ).format(count=len(check.prefix)),
            )
            self.tenant_warning.setVisible(True)
        else:
            self.tenant_warning.clear()
            self.tenant_warning.setVisible(False)
        self.tenant_prefix_edit.setAccessibleDescription(status.text())
        self.completeChanged.emit()

    def _quote_characters(self, characters: str) -> str:
        """``"-."`` -> ``“-” “.”``; spaces are named, since a quoted space is hard to see."""
        return self.tr(", ").join(
            self.tr("spaces") if char == " " else self.tr("“{char}”").format(char=char) for char in characters
        )


def _spacer(height: int) -> QSpacerItem:
    return QSpacerItem(0, height, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
