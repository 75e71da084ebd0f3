"""Step 7: invite each person into the Call2Teams portal, with their roles, at their real work email.

The page works with any ``PortalBackend``: the portal API (``ApiPortal``) when one is set up, else
``GuidedPortal``, the default against the real Call2Teams (which publishes no API): the partner invites
each person in the portal in the browser, the page shows where to click and what to enter, and records
"Done: invited". Decisions live in ``services.portal_invites`` (journal, idempotency, concurrency, stop)
and ``domain.portal`` (roles, the email rule); this page words them and never waits on the network.

The email is the person's real work email (prefilled from the Users page), never their new Microsoft
username nor an ``onmicrosoft.com`` address (refused at the cell, nothing sent); one on the tenant's own
domains is allowed with a warning (a licence-less account has no mailbox).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.portal import (
    DEFAULT_ROLES,
    IMPLIED_ROLES,
    ROLE_ORDER,
    AccountKind,
    EmailProblem,
    InvitationRequest,
    PortalAccount,
    PortalRole,
    SendMode,
    check_invitation_email,
)
from c2t_wizard.domain.portal_message import build_invitation_message
from c2t_wizard.domain.welcome_message import message_language
from c2t_wizard.services.delivery import DeliveryError, DeliveryMethod, DeliveryService, build_mailto
from c2t_wizard.services.journal import InvitationRecord, InvitationState
from c2t_wizard.services.portal import BackendKind, PortalBackend, PortalError, PortalProblem
from c2t_wizard.services.portal_guided import (
    ClickStep,
    GuidedPortal,
    guided_from_environment,
    record_link_delivered,
    send_link_by_mail,
)
from c2t_wizard.services.portal_invites import (
    InviteProgress,
    InviteSummary,
    RevokeOutcome,
    invite_people,
    load_portal_people,
    plan_invitation,
    refresh_recorded,
    revoke_recorded,
)
from c2t_wizard.ui.file_errors import describe_file_error
from c2t_wizard.ui.flow import FlowLayout, TitledBox
from c2t_wizard.ui.headings import wrap_headings
from c2t_wizard.ui.portal_model import Column, PortalRow, PortalTableModel
from c2t_wizard.ui.runner import Job, JobGroup, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.welcome_sheet import SecretClipboard, SheetPage, write_welcome_sheet
from c2t_wizard.ui.widgets import StatusKind, StatusLine, leave_with_ctrl_tab, make_secondary

if TYPE_CHECKING:
    from c2t_wizard.domain.welcome_message import WelcomeMessage
    from c2t_wizard.services.journal import Journal, PersonRecord

ChooseFile = Callable[[QWidget, str, str], str]


def _choose_pdf_file(parent: QWidget, caption: str, suggested: str) -> str:
    chosen, _filter = QFileDialog.getSaveFileName(parent, caption, suggested, "PDF (*.pdf)")
    return chosen


def role_name(role: PortalRole) -> str:
    """The guide's name of a role, in the partner's language."""
    return {
        PortalRole.ACCOUNT_OWNER: QCoreApplication.translate("PortalRoles", "Account Administrator"),
        PortalRole.SERVICE_CONTRIBUTOR: QCoreApplication.translate("PortalRoles", "Service Contributor"),
        PortalRole.SERVICE_VIEWER: QCoreApplication.translate("PortalRoles", "Service Viewer"),
        PortalRole.SUBSCRIPTION_CONTRIBUTOR: QCoreApplication.translate(
            "PortalRoles", "Subscription Contributor"
        ),
    }[role]


def role_description(role: PortalRole) -> str:
    """One sentence on what a role may do, in the partner's language."""
    return {
        PortalRole.ACCOUNT_OWNER: QCoreApplication.translate(
            "PortalRoles",
            "Also called Account Owner: can invite other administrators and view and edit customer data; "
            "includes Service Contributor and Service Viewer.",
        ),
        PortalRole.SERVICE_CONTRIBUTOR: QCoreApplication.translate(
            "PortalRoles",
            "A support agent: can edit customer data and services, but make no commercial transactions.",
        ),
        PortalRole.SERVICE_VIEWER: QCoreApplication.translate(
            "PortalRoles", "Can see customers' services and users, without changing anything."
        ),
        PortalRole.SUBSCRIPTION_CONTRIBUTOR: QCoreApplication.translate(
            "PortalRoles", "Can create customer accounts under this one."
        ),
    }[role]


class PortalPage(QWizardPage):
    """Invite the people into the Call2Teams portal and record it.

    Signals:
        work_ended(): invitations (or withdrawals) on their way have ended (finished, failed or stopped).
    """

    work_ended = Signal()

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        backend: PortalBackend,
        journal: Callable[[], Journal | None],
        open_url: Callable[[str], bool],
        parent: QWidget | None = None,
        *,
        delivery: DeliveryService | None = None,
        choose_file: ChooseFile = _choose_pdf_file,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_portal")
        self._onboarding = onboarding
        self._backend = backend
        self._journal = journal
        self._open_url = open_url
        self._delivery = delivery
        self.choose_file = choose_file
        self._jobs = JobGroup(runner, on_failure=self._on_invite_failed, on_finished=self._job_done)
        self._busy: Job | None = None
        self._stop = threading.Event()
        self._load = 0
        self._loading = False
        self._accounts: list[PortalAccount] = []
        self._account_depths: dict[str, int] = {}
        self._default_roles: frozenset[PortalRole] = DEFAULT_ROLES
        self._guided_key: str | None = None
        self._syncing_roles = False
        self.clipboard = SecretClipboard(self)

        self.backend_label = QLabel(self)
        self.backend_label.setObjectName("portal_backend_label")
        self.backend_label.setWordWrap(True)
        self.backend_label.setTextFormat(Qt.TextFormat.PlainText)

        # --- the account ---------------------------------------------------------------------------------
        self.portal_account_combo = QComboBox(self)
        self.portal_account_combo.setObjectName("portal_account_combo")
        self.portal_account_combo.currentIndexChanged.connect(self._on_account_changed)
        self._account_label = account_label = QLabel(self)
        account_label.setBuddy(self.portal_account_combo)

        # --- no account to invite into: what it means and what to do -----------------------------------
        self.portal_no_account = QWidget(self)
        self.portal_no_account.setObjectName("portal_no_account")
        self.no_account_status = StatusLine(self.portal_no_account)
        self.no_account_status.setObjectName("portal_no_account_status")
        self.accounts_again_button = QPushButton(self.portal_no_account)
        self.accounts_again_button.setObjectName("portal_accounts_again_button")
        self.accounts_again_button.setAutoDefault(False)
        self.accounts_again_button.clicked.connect(self.initializePage)
        self.switch_guided_button = QPushButton(self.portal_no_account)
        self.switch_guided_button.setObjectName("portal_switch_guided_button")
        self.switch_guided_button.setAutoDefault(False)
        self.switch_guided_button.clicked.connect(self.switch_to_guided)
        no_account_buttons = QHBoxLayout()
        no_account_buttons.addStretch(1)
        no_account_buttons.addWidget(self.accounts_again_button)
        no_account_buttons.addWidget(self.switch_guided_button)
        no_account_layout = QVBoxLayout(self.portal_no_account)
        no_account_layout.setContentsMargins(0, 0, 0, 0)
        no_account_layout.setSpacing(4)
        no_account_layout.addWidget(self.no_account_status)
        no_account_layout.addLayout(no_account_buttons)
        self.portal_no_account.setVisible(False)

        # --- the roles -----------------------------------------------------------------------------------
        self.portal_roles_editor = TitledBox(self)
        self.portal_roles_editor.setObjectName("portal_roles_editor")
        roles_layout = QVBoxLayout(self.portal_roles_editor)
        roles_layout.setSpacing(2)
        roles_layout.addWidget(self.portal_roles_editor.title_label)
        boxes_row = FlowLayout(spacing=6)  # on more rows when the text is large
        self.role_boxes: dict[PortalRole, QCheckBox] = {}
        for role in ROLE_ORDER:
            box = QCheckBox(self.portal_roles_editor)
            box.setObjectName(f"portal_role_{role.value}")
            box.toggled.connect(self._on_role_toggled)
            boxes_row.addWidget(box)
            self.role_boxes[role] = box
        self.roles_about = QLabel(self.portal_roles_editor)
        self.roles_about.setObjectName("portal_roles_about")
        self.roles_about.setWordWrap(True)
        self.roles_about.setTextFormat(Qt.TextFormat.PlainText)
        make_secondary(self.roles_about)
        roles_layout.addLayout(boxes_row)
        roles_layout.addWidget(self.roles_about)

        # --- the people ----------------------------------------------------------------------------------
        self.model = PortalTableModel(
            self._check_email, role_name, self._email_words, self._problem_words, self
        )
        self.portal_table = QTableView(self)
        self.portal_table.setObjectName("portal_table")
        wrap_headings(self.portal_table)  # a long heading on two lines in a narrow column, not cut off
        self.portal_table.setModel(self.model)
        self.portal_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.portal_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.portal_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.portal_table.setAlternatingRowColors(True)
        self.portal_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.portal_table.setWordWrap(False)  # one line per person: a long username is shortened, not broken
        leave_with_ctrl_tab(self.portal_table)  # Tab and Ctrl+Tab leave the table; the arrows move in it
        self.portal_table.verticalHeader().setVisible(False)
        self.portal_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.portal_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)  # a bold header would no longer fit its column
        self.portal_table.selectionModel().selectionChanged.connect(self._on_selection)
        self.model.dataChanged.connect(self._on_rows_changed)
        self._table_label = table_label = QLabel(self)
        table_label.setBuddy(self.portal_table)
        table_label.setWordWrap(True)

        # --- actions -------------------------------------------------------------------------------------
        self.invite_all_button = QPushButton(self)
        self.invite_all_button.setObjectName("invite_all_button")
        bold = self.invite_all_button.font()
        bold.setBold(True)
        self.invite_all_button.setFont(bold)
        self.invite_all_button.clicked.connect(self.invite_all)
        self.invite_selected_button = QPushButton(self)
        self.invite_selected_button.setObjectName("invite_selected_button")
        self.invite_selected_button.clicked.connect(self.invite_selected)
        self.retry_failed_button = QPushButton(self)
        self.retry_failed_button.setObjectName("retry_failed_button")
        self.retry_failed_button.clicked.connect(self.retry_failed)
        self.revoke_button = QPushButton(self)
        self.revoke_button.setObjectName("revoke_button")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("portal_check_button")
        self.check_button.clicked.connect(self.check_accepted)
        for button in (
            self.invite_all_button,
            self.invite_selected_button,
            self.retry_failed_button,
            self.revoke_button,
            self.check_button,
        ):
            button.setAutoDefault(False)

        self.portal_progress = QProgressBar(self)
        self.portal_progress.setObjectName("portal_progress")
        self.portal_progress.setVisible(False)
        self.portal_cancel_button = QPushButton(self)
        self.portal_cancel_button.setObjectName("portal_cancel_button")
        self.portal_cancel_button.setAutoDefault(False)
        self.portal_cancel_button.setVisible(False)
        self.portal_cancel_button.clicked.connect(self.stop_work)

        self.portal_status = StatusLine(self)
        self.portal_status.setObjectName("portal_status")

        # --- guided: what to do in the portal -----------------------------------------------------------
        self.portal_guide = QGroupBox(self)
        self.portal_guide.setObjectName("portal_guide")
        self.open_portal_button = QPushButton(self.portal_guide)
        self.open_portal_button.setObjectName("open_portal_button")
        self.open_portal_button.setAutoDefault(False)
        self.open_portal_button.clicked.connect(self.open_portal)
        self.guide_person = QLabel(self.portal_guide)
        self.guide_person.setObjectName("portal_guide_person")
        self.guide_person.setTextFormat(Qt.TextFormat.PlainText)
        self.guide_person.setWordWrap(True)
        self.guide_path = QLabel(self.portal_guide)
        self.guide_path.setObjectName("portal_guide_path")
        self.guide_path.setWordWrap(True)
        self.guide_path.setTextFormat(Qt.TextFormat.PlainText)
        self.guide_fields: dict[str, QLineEdit] = {}
        self._guide_labels: dict[str, QLabel] = {}
        self._copy_buttons: list[QPushButton] = []
        fields = QGridLayout()
        fields.setHorizontalSpacing(6)
        for n, name in enumerate(("email", "first", "last")):
            edit = QLineEdit(self.portal_guide)
            edit.setObjectName(f"portal_guide_{name}")
            edit.setReadOnly(True)
            copy = QPushButton(self.portal_guide)
            self._copy_buttons.append(copy)
            copy.setObjectName(f"portal_copy_{name}")
            copy.setAutoDefault(False)
            copy.clicked.connect(functools.partial(self._copy_field, edit))
            label = QLabel(self.portal_guide)
            label.setBuddy(edit)
            self._guide_labels[name] = label
            fields.addWidget(label, 0, n * 3)
            fields.addWidget(edit, 0, n * 3 + 1)
            fields.addWidget(copy, 0, n * 3 + 2)
            fields.setColumnStretch(n * 3 + 1, 3 if name == "email" else 2)
            self.guide_fields[name] = edit
        self.guide_roles = QLabel(self.portal_guide)
        self.guide_roles.setObjectName("portal_guide_roles")
        self.guide_roles.setWordWrap(True)
        self.guide_roles.setTextFormat(Qt.TextFormat.PlainText)
        self.portal_link_edit = QLineEdit(self.portal_guide)
        self.portal_link_edit.setObjectName("portal_link_edit")
        self.portal_link_method_combo = QComboBox(self.portal_guide)
        self.portal_link_method_combo.setObjectName("portal_link_method_combo")
        self.portal_done_button = QPushButton(self.portal_guide)
        self.portal_done_button.setObjectName("portal_done_button")
        self.portal_done_button.setAutoDefault(False)
        self.portal_done_button.clicked.connect(self.mark_done)
        self.portal_skip_button = QPushButton(self.portal_guide)
        self.portal_skip_button.setObjectName("portal_skip_button")
        self.portal_skip_button.setAutoDefault(False)
        self.portal_skip_button.clicked.connect(self._guide_next)

        self._guide_details: list[QWidget] = [
            self.guide_path,
            self.guide_roles,
            self.portal_link_edit,
            self.portal_link_method_combo,
            self.portal_done_button,
            self.portal_skip_button,
            *self.guide_fields.values(),
            *self.portal_guide.findChildren(QPushButton, options=Qt.FindChildOption.FindDirectChildrenOnly),
        ]
        self._guide_details.remove(self.open_portal_button)
        self._guide_details += [
            label
            for label in self.portal_guide.findChildren(QLabel)
            if label.buddy() in self.guide_fields.values()
        ]
        top = QHBoxLayout()
        top.addWidget(self.guide_person, 1)
        top.addWidget(self.open_portal_button)
        link_row = QHBoxLayout()
        link_row.addWidget(self.portal_link_edit, 1)
        link_row.addWidget(self.portal_link_method_combo)
        link_row.addWidget(self.portal_done_button)
        link_row.addWidget(self.portal_skip_button)
        guide = QVBoxLayout(self.portal_guide)
        guide.setSpacing(4)
        guide.addLayout(top)
        guide.addWidget(self.guide_path)
        guide.addLayout(fields)
        guide.addWidget(self.guide_roles)
        guide.addLayout(link_row)

        # --- layout --------------------------------------------------------------------------------------
        account_row = QHBoxLayout()
        account_row.addWidget(account_label)
        account_row.addWidget(self.portal_account_combo, 1)

        # Two rows: inviting, then what follows an invitation (in one row, German labels need more room
        # than the window has beside the journey map); each wraps further when the text is large.
        inviting = FlowLayout()
        inviting.addWidget(self.invite_all_button)
        inviting.addWidget(self.invite_selected_button)
        after = FlowLayout()
        after.addWidget(self.revoke_button)
        after.addWidget(self.check_button)
        after.add_stretch()
        after.addWidget(self.retry_failed_button)
        buttons = QVBoxLayout()
        buttons.setSpacing(6)
        buttons.addLayout(inviting)
        buttons.addLayout(after)

        progress = QHBoxLayout()
        progress.addWidget(self.portal_progress, 1)
        progress.addWidget(self.portal_cancel_button)

        layout = scrolling_layout(self)
        layout.setSpacing(6)
        layout.addWidget(self.backend_label)
        layout.addLayout(account_row)
        layout.addWidget(self.portal_no_account)
        layout.addWidget(self.portal_roles_editor)
        layout.addWidget(table_label)
        layout.addWidget(self.portal_table, 1)
        layout.addWidget(self.portal_guide)
        layout.addLayout(buttons)
        layout.addLayout(progress)
        layout.addWidget(self.portal_status)

        self.retranslate()
        self._fill_link_methods()
        self._sync_role_boxes()
        self._update_buttons()

    # --- QWizardPage ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        self._show_backend()
        self.portal_account_combo.setAccessibleName(self.tr("Call2Teams account to invite into"))
        self._account_label.setText(self.tr("&Account:"))
        self.accounts_again_button.setText(self.tr("Check a&gain"))
        self.accounts_again_button.setAccessibleName(
            self.tr("Check again which Call2Teams accounts you administer")
        )
        self.switch_guided_button.setText(self.tr("Invite in the &browser instead"))
        for role, box in self.role_boxes.items():
            box.setText(role_name(role))  # its tooltip says what it includes: _show_implied
        self.portal_table.setAccessibleName(self.tr("People and their portal invitations"))
        self._table_label.setText(self.tr("&People (double-click an email to change it):"))
        self.invite_all_button.setText(self.tr("&Invite all"))
        self.invite_selected_button.setText(self.tr("Invite selec&ted"))
        self.retry_failed_button.setText(self.tr("&Retry failed"))
        self.revoke_button.setText(self.tr("&Withdraw"))
        self.revoke_button.setAccessibleName(self.tr("Withdraw the selected invitations"))
        self.check_button.setText(self.tr("Check &who accepted"))
        self.portal_cancel_button.setText(self.tr("&Stop"))
        self.portal_cancel_button.setAccessibleName(self.tr("Stop after the invitations on their way"))
        self.portal_guide.setTitle(self.tr("In the Call2Teams portal"))
        self.open_portal_button.setText(self.tr("&Open the portal"))
        self._guide_labels["email"].setText(self.tr("Email"))
        self._guide_labels["first"].setText(self.tr("First name"))
        self._guide_labels["last"].setText(self.tr("Last name"))
        for copy in self._copy_buttons:
            copy.setText(self.tr("Copy"))
        self.portal_link_edit.setPlaceholderText(
            self.tr("Chose “Copy link” in the portal? Paste the activation link here")
        )
        self.portal_link_method_combo.setAccessibleName(self.tr("How to send the activation link"))
        self.portal_done_button.setText(self.tr("&Done: invited"))
        self.portal_skip_button.setText(self.tr("S&kip"))
        self.setTitle(self.tr("Invite your staff to the Call2Teams portal"))
        self.setSubTitle(
            self.tr(
                "Each person gets an invitation at their real work email and accepts it with their new "
                "Microsoft account. Choose the account and each person's roles."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._fill_link_methods()
            self._name_accounts()
            self._sync_role_boxes()
            self._show_guide()
            self.model.retranslate()
        super().changeEvent(event)

    def initializePage(self) -> None:
        self._cancel_jobs()
        self._load += 1
        load = self._load
        self._loading = True
        self.model.set_rows([])
        self._guided_key = None
        self.portal_no_account.setVisible(False)
        self._show_guide()
        self.portal_status.show_status(StatusKind.BUSY, lambda: self.tr("Getting the list of people ready…"))
        self._jobs.submit(
            self._backend.accounts(),
            "portal accounts",
            functools.partial(self._on_accounts, load),
            functools.partial(self._on_accounts_failed, load),
        )
        journal = self._journal()
        if journal is None:
            self._loading = False
            self.portal_status.show_status(
                StatusKind.WARNING, lambda: self.tr("The journal isn't open yet. Go back and forward again.")
            )
            self._fit_columns()
            self._update_buttons()
            return
        self._jobs.submit(
            load_portal_people(journal, list(self._onboarding.user_run_ids)),
            "portal people",
            functools.partial(self._on_people, load),
            functools.partial(self._on_load_failed, load),
        )

    def isComplete(self) -> bool:
        return not self._loading and self._busy is None

    def validatePage(self) -> bool:
        return self.isComplete()

    def cleanupPage(self) -> None:
        """Back: stop starting invitations (those on their way finish and are recorded)."""
        self._stop.set()
        self.clipboard.stop(clear=True)

    # --- public for the wizard and tests ---------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Loading, inviting, or still recording something."""
        return self._loading or self._busy is not None or self._jobs.busy

    @property
    def rows(self) -> list[PortalRow]:
        return self.model.rows

    @property
    def accounts(self) -> list[PortalAccount]:
        return list(self._accounts)

    @property
    def account(self) -> PortalAccount | None:
        index = self.portal_account_combo.currentIndex()
        return self._accounts[index] if 0 <= index < len(self._accounts) else None

    @property
    def guided_key(self) -> str | None:
        return self._guided_key

    def select_rows(self, numbers: Sequence[int]) -> None:
        selection = self.portal_table.selectionModel()
        selection.clearSelection()
        for number in numbers:
            selection.select(
                self.model.index(number, 0),
                selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
            )

    def set_roles(self, roles: frozenset[PortalRole]) -> None:
        """Tick exactly ``roles`` in the roles editor (for the selected people, or everyone)."""
        self._syncing_roles = True
        for role, box in self.role_boxes.items():
            box.setChecked(role in roles)
        self._syncing_roles = False
        self._on_role_toggled()

    def work_in_progress(self) -> str | None:
        """For the wizard's close guard."""
        if self._busy is not None and self.model.count("sending"):
            return self.tr("Portal invitations are being sent.")
        return None

    def switch_to_guided(self) -> None:
        """Invite by hand in the Call2Teams portal in the browser (this session), e.g. when the portal API
        shows no account the partner administers."""
        if self.busy and not self._loading:
            return
        self._backend = guided_from_environment(self._open_url)
        self._show_backend()
        self.initializePage()

    def stop_work(self) -> None:
        """Start no new invitation; those on their way finish and are recorded."""
        self._stop.set()
        if self._busy is not None:
            self.portal_status.show_status(
                StatusKind.BUSY, lambda: self.tr("Stopping after the invitations on their way…")
            )

    # --- loading -------------------------------------------------------------------------------------

    def _on_accounts(self, load: int, accounts: object) -> None:
        if load != self._load:
            return
        assert isinstance(accounts, list)
        # The partner's account first, then each customer under its parent.
        partners = [a for a in accounts if a.kind is AccountKind.PARTNER]
        ordered: list[tuple[PortalAccount, int]] = []

        def add(account: PortalAccount, depth: int) -> None:
            ordered.append((account, depth))
            for child in accounts:
                if child.parent_id == account.id and child.kind is AccountKind.CUSTOMER:
                    add(child, depth + 1)

        for partner in partners:
            add(partner, 0)
        ordered += [(a, 1) for a in accounts if a not in [o for o, _ in ordered]]
        self._accounts = [account for account, _ in ordered]
        chosen = self.portal_account_combo.currentData()  # kept across a reload ("Onboard more people")
        self.portal_account_combo.blockSignals(True)
        self.portal_account_combo.clear()
        self._account_depths = {account.id: depth for account, depth in ordered}
        for account, _depth in ordered:
            self.portal_account_combo.addItem("", account.id)
        self._name_accounts()
        if chosen is not None and (index := self.portal_account_combo.findData(chosen)) >= 0:
            self.portal_account_combo.setCurrentIndex(index)
        self.portal_account_combo.blockSignals(False)
        self._show_no_account(not ordered)
        self._show_guide()
        self._update_buttons()

    def _show_no_account(self, none: bool) -> None:
        """Signed in to the portal, but administering no Call2Teams account: nowhere to invite into."""
        self.portal_no_account.setVisible(none)
        self.portal_roles_editor.setVisible(not none)  # no account, no roles to choose: room for the words
        self.portal_account_combo.setPlaceholderText(
            self.tr("None: you administer no Call2Teams account") if none else ""
        )
        if not none:
            return
        self.no_account_status.show_status(
            StatusKind.WARNING,
            lambda: self.tr(
                "You aren't an administrator of any Call2Teams account yet, so there is nowhere to invite "
                "your staff. Ask Call2Teams, or an Account Owner of your partner account, to invite you to "
                "your partner account; accept the invitation, then choose “Check again”. Or invite each "
                "person yourself in the Call2Teams portal in your browser; the wizard shows what to enter."
            ),
        )
        self.switch_guided_button.setVisible(self._backend.kind is BackendKind.API)

    def _on_accounts_failed(self, load: int, error: BaseException) -> None:
        if load != self._load:
            return
        self.portal_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The portal's accounts couldn't be read: {why}").format(
                why=self._error_words(error)
            ),
        )

    def _on_people(self, load: int, people: object) -> None:
        if load != self._load:
            return
        self._loading = False
        assert isinstance(people, list)
        rows: list[PortalRow] = []
        for person, record in people:
            rows.append(self._row_for(person, record))
        self.model.set_rows(rows)
        self._fit_columns()
        if not rows:
            self.portal_status.show_status(
                StatusKind.INFO, lambda: self.tr("Nobody to invite: no one was created.")
            )
        else:
            self._show_summary()
        self._sync_role_boxes()
        self._update_buttons()
        self.completeChanged.emit()

    def _row_for(self, person: PersonRecord, record: InvitationRecord | None) -> PortalRow:
        from c2t_wizard.domain.portal import parse_roles

        email = record.email if record is not None else person.email
        row = PortalRow(
            run_id=person.run_id,
            key=person.key,
            name=person.display_name,
            first_name=person.first_name,
            last_name=person.last_name,
            upn=person.upn,
            email=email,
            roles=parse_roles(record.roles) if record is not None else self._default_roles,
        )
        row.email_problem = self._check_email(row, email)
        if record is not None:
            row.state = record.state
            row.expires_at = record.expires_at
            row.problem_code = record.problem_code
            row.problem_detail = record.problem_detail
            row.link_state = record.link_state
        return row

    def _fit_columns(self) -> None:
        """All columns in view at the page's size: the status keeps room for "Invited (until …)"; the
        Microsoft username (the least needed here), then the roles, then the email give way, shortened in
        the middle (the full text is in the tooltip)."""
        table, header = self.portal_table, self.portal_table.horizontalHeader()
        table.resizeColumnsToContents()
        available = table.viewport().width()
        if not table.isVisible() or available <= 0:
            return
        metrics = table.fontMetrics()
        reserve = (
            metrics.horizontalAdvance(self.model.invited_text(datetime.now(UTC) + timedelta(days=7))) + 24
        )
        widest_role = max(metrics.horizontalAdvance(role_name(role)) for role in ROLE_ORDER) + 16
        header.resizeSection(Column.ROLES, max(header.sectionSize(Column.ROLES), widest_role))
        widths = {column: header.sectionSize(column) for column in range(Column.COUNT)}
        excess = sum(widths[c] for c in range(Column.STATUS)) + reserve - available
        for column, least in ((Column.USERNAME, 14), (Column.ROLES, 12), (Column.EMAIL, 18)):
            if excess <= 0:
                break
            title = header.fontMetrics().horizontalAdvance(
                str(self.model.headerData(column, Qt.Orientation.Horizontal))
            )
            floor = min(widths[column], max(metrics.horizontalAdvance("x" * least), title + 16))
            give = min(excess, widths[column] - floor)
            if give > 0:
                header.resizeSection(column, widths[column] - give)
                excess -= give

    def _on_load_failed(self, load: int, error: BaseException) -> None:
        if load != self._load:
            return
        self._loading = False
        self.portal_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The list of people couldn't be read: {why}").format(
                why=describe_file_error(error)
            ),
        )
        self._update_buttons()
        self.completeChanged.emit()

    # --- the email rule and the roles --------------------------------------------------------------

    def _tenant_domains(self) -> tuple[str, ...]:
        facts = self._onboarding.tenant_facts
        if facts is None:
            return (self._onboarding.tenant_domain,) if self._onboarding.tenant_domain else ()
        return tuple(domain.name for domain in facts.verified_domains)

    def _check_email(self, row: PortalRow, email: str) -> EmailProblem | None:
        return check_invitation_email(email, tenant_username=row.upn, tenant_domains=self._tenant_domains())

    def _email_words(self, problem: EmailProblem) -> str:
        return {
            EmailProblem.EMPTY: self.tr("enter the person's work email"),
            EmailProblem.MALFORMED: self.tr("this is not an email address"),
            EmailProblem.IS_TENANT_USERNAME: self.tr(
                "this is their new Microsoft username, which gets no mail: enter their real work email"
            ),
            EmailProblem.ON_ONMICROSOFT: self.tr(
                "addresses on onmicrosoft.com get no mail here: enter their real work email"
            ),
            EmailProblem.ON_TENANT_DOMAIN: self.tr(
                "this address is on your Microsoft organisation's own domain, where their new account has "
                "no mailbox: make sure they really get mail there"
            ),
        }[problem]

    def _problem_words(self, code: str | None, detail: str | None) -> str:
        if code == "expired":
            return self.tr("the invitation expired unused: invite again")
        try:
            problem = PortalProblem(code or "unexpected")
        except ValueError:
            problem = PortalProblem.UNEXPECTED
        words = {
            PortalProblem.NOT_SIGNED_IN: self.tr(
                "the portal didn't accept the wizard's sign-in: check the portal API settings"
            ),
            PortalProblem.NOT_ALLOWED: self.tr(
                "you may not invite administrators on this account (only its Account Administrators can)"
            ),
            PortalProblem.INVALID: self.tr("the portal refused the invitation"),
            PortalProblem.NOT_FOUND: self.tr("the portal doesn't know this account"),
            PortalProblem.BUSY: self.tr("the portal is busy right now: retry in a few minutes"),
            PortalProblem.UNREACHABLE: self.tr("the portal can't be reached: check your internet connection"),
            PortalProblem.UNEXPECTED: self.tr("something unexpected went wrong in the portal"),
        }[problem]
        if problem is PortalProblem.INVALID and detail:
            return f"{words} ({detail})"
        return words

    def _error_words(self, error: BaseException) -> str:
        if isinstance(error, PortalError):
            return self._problem_words(error.problem.value, error.detail)
        return describe_file_error(error)

    def _selected_keys(self) -> list[str]:
        numbers = sorted({i.row() for i in self.portal_table.selectionModel().selectedRows()})
        return [self.model.row(n).key for n in numbers]

    def _sync_role_boxes(self) -> None:
        """The editor shows the roles of the selected people (the first one's), else the default."""
        keys = self._selected_keys()
        first = self.model.row_of(keys[0]) if keys else None
        roles = first.roles if first is not None else self._default_roles
        self._syncing_roles = True
        for role, box in self.role_boxes.items():
            box.setChecked(role in roles)
        self._syncing_roles = False
        self._show_implied(roles)
        self.portal_roles_editor.setTitle(
            self.tr("Roles for the %n selected person(s)", "", len(keys))
            if keys
            else self.tr("Roles for everyone (select people to give them other roles)")
        )

    def _show_implied(self, roles: frozenset[PortalRole]) -> None:
        self.roles_about.setText(
            "\n".join(f"{role_name(r)}: {role_description(r)}" for r in ROLE_ORDER if r in roles)
        )
        implied: set[PortalRole] = set()
        for role in roles:
            implied |= IMPLIED_ROLES.get(role, frozenset())
        for role, box in self.role_boxes.items():
            box.setEnabled(role not in implied)
            if role in implied:
                box.setToolTip(self.tr("Included in Account Administrator."))
            else:
                box.setToolTip(role_description(role))

    def _on_role_toggled(self, _checked: bool = False) -> None:
        if self._syncing_roles:
            return
        roles = frozenset(role for role, box in self.role_boxes.items() if box.isChecked())
        if not roles:
            self.portal_status.show_status(
                StatusKind.WARNING, lambda: self.tr("Everyone needs at least one role.")
            )
            self._sync_role_boxes()
            return
        keys = self._selected_keys()
        if keys:
            self.model.set_roles(keys, roles)
        else:
            self._default_roles = roles
            self.model.set_roles([row.key for row in self.model.rows if row.state is None], roles)
        self._show_implied(roles)
        self._show_guide()

    def _on_selection(self) -> None:
        self._sync_role_boxes()
        self._update_buttons()

    def _on_rows_changed(self) -> None:
        self._update_buttons()

    # --- inviting --------------------------------------------------------------------------------------

    def invite_all(self) -> None:
        self._invite([row for row in self.model.rows if row.invitable], everyone=True)

    def invite_selected(self) -> None:
        keys = set(self._selected_keys())
        rows = [row for row in self.model.rows if row.key in keys]
        refused = [row for row in rows if row.refused and not row.done]
        if refused and len(refused) == len(rows):
            self._say_refused(refused)
            return
        self._invite([row for row in rows if row.invitable], everyone=False)

    def retry_failed(self) -> None:
        self._invite(
            [row for row in self.model.rows if row.state is InvitationState.FAILED and row.invitable],
            everyone=False,
        )

    def _say_refused(self, refused: Sequence[PortalRow]) -> None:
        first = refused[0]
        problem = first.email_problem
        assert problem is not None
        self.portal_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("Not sent to {name}: {why}.").format(
                name=first.name, why=self._email_words(problem)
            ),
        )

    def _invite(self, rows: list[PortalRow], *, everyone: bool) -> None:
        account = self.account
        if self._busy is not None or account is None:
            return
        refused = [row for row in self.model.rows if row.refused and not row.done] if everyone else []
        if not rows:
            if refused:
                self._say_refused(refused)
            else:
                self.portal_status.show_status(StatusKind.INFO, lambda: self.tr("Nobody left to invite."))
            return
        if self._backend.kind is BackendKind.GUIDED:
            self.open_portal()
            self._guided_key = rows[0].key
            self._show_guide()
            return
        self._run_invites(rows, account)

    def _run_invites(
        self,
        rows: list[PortalRow],
        account: PortalAccount,
        *,
        send: SendMode = SendMode.EMAIL,
        after: Callable[[], None] | None = None,
    ) -> None:
        journal = self._journal()
        if journal is None:
            return
        plans = [
            plan_invitation(
                row.run_id,
                row.key,
                account.id,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                roles=row.roles,
                send=send,
            )
            for row in rows
        ]
        self._stop.clear()
        self.model.set_sending([row.key for row in rows], True)
        self.portal_progress.setRange(0, len(rows))
        self.portal_progress.setValue(0)
        self.portal_progress.setFormat(self.tr("%v of %m answered"))
        self.portal_progress.setVisible(len(rows) > 1)
        self.portal_cancel_button.setVisible(len(rows) > 1)
        self.portal_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Inviting %n person(s)…", "", len(rows))
        )
        backend, stop = self._backend, self._stop

        async def work(report: Callable[[object], None]) -> InviteSummary:
            return await invite_people(backend, journal, plans, report=report, stop=stop)

        self._busy = self._jobs.submit(
            work,
            "portal invitations",
            functools.partial(self._on_invited, [row.key for row in rows], after),
            self._on_invite_failed,
            self._on_invite_progress,
        )
        self._update_buttons()
        self.completeChanged.emit()

    def _on_invite_progress(self, value: object) -> None:
        if not isinstance(value, InviteProgress):
            return
        self.model.apply_record(value.record)
        self.portal_progress.setValue(value.answered)
        self.portal_status.show_status(
            StatusKind.BUSY,
            lambda: self.tr("%n of {total} answered…", "", value.answered).format(total=value.total),
        )

    def _on_invited(self, keys: list[str], after: Callable[[], None] | None, summary: object) -> None:
        assert isinstance(summary, InviteSummary)
        for record in summary.records:
            self.model.apply_record(record)
        self.model.set_sending(keys, False)
        self._finish_progress()

        def text() -> str:  # worded when shown: a language switch words the counts again too
            parts = [self.tr("%n invited", "", summary.invited)]
            if summary.already:
                parts.append(self.tr("%n already invited", "", summary.already))
            if summary.failed:
                parts.append(self.tr("%n failed", "", summary.failed))
            if summary.not_sent:
                parts.append(self.tr("%n not sent (stopped)", "", summary.not_sent))
            return self.tr("Done: {counts}.").format(counts=", ".join(parts))

        kind = (
            StatusKind.ERROR if summary.failed else StatusKind.WARNING if summary.not_sent else StatusKind.OK
        )
        self.portal_status.show_status(kind, text)
        if after is not None:
            after()

    def _on_invite_failed(self, error: BaseException) -> None:
        self.model.set_sending([row.key for row in self.model.rows if row.sending], False)
        self._finish_progress()
        self.portal_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr("The invitations stopped: {why}").format(why=self._error_words(error)),
        )

    def _finish_progress(self) -> None:
        if self.portal_cancel_button.hasFocus():  # hidden with the focus, it would pass it on to Back
            self.portal_table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.portal_progress.setVisible(False)
        self.portal_cancel_button.setVisible(False)

    # --- withdrawing and checking ----------------------------------------------------------------------

    def revoke_selected(self) -> None:
        journal = self._journal()
        if self._busy is not None or journal is None:
            return
        keys = [
            key
            for key in self._selected_keys()
            if (row := self.model.row_of(key)) is not None
            and row.state in (InvitationState.INVITED, InvitationState.ALREADY_INVITED)
        ]
        if not keys:
            self.portal_status.show_status(
                StatusKind.INFO, lambda: self.tr("Select people with an invitation to withdraw.")
            )
            return
        backend, stop = self._backend, self._stop
        self._stop.clear()
        self.model.set_sending(keys, True)
        self.portal_status.show_status(
            StatusKind.BUSY, lambda: self.tr("Withdrawing %n invitation(s)…", "", len(keys))
        )

        pairs = [(row.run_id, row.key) for key in keys if (row := self.model.row_of(key)) is not None]

        async def work(report: Callable[[object], None]) -> list[RevokeOutcome]:
            return await revoke_recorded(backend, journal, pairs, report=report, stop=stop)

        self._busy = self._jobs.submit(
            work,
            "withdraw invitations",
            functools.partial(self._on_revoked, keys),
            self._on_invite_failed,
            self._on_revoke_progress,
        )
        self._update_buttons()
        self.completeChanged.emit()

    def _on_revoke_progress(self, value: object) -> None:
        if isinstance(value, RevokeOutcome) and value.problem is None:
            self.model.apply_record(value.record)

    def _on_revoked(self, keys: list[str], outcomes: object) -> None:
        assert isinstance(outcomes, list)
        self.model.set_sending(keys, False)
        failed = [o for o in outcomes if o.problem is not None]
        if failed:
            self.portal_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("%n invitation(s) couldn't be withdrawn: {why}", "", len(failed)).format(
                    why=self._problem_words(failed[0].problem.value, failed[0].detail)
                ),
            )
        elif self._backend.kind is BackendKind.GUIDED:
            self.portal_status.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "Recorded as withdrawn. Remove the invitation in the portal too: Account, then "
                    "Administrators, then the trash can next to the person."
                ),
            )
        else:
            self.portal_status.show_status(
                StatusKind.OK, lambda: self.tr("%n invitation(s) withdrawn.", "", len(outcomes))
            )

    def check_accepted(self) -> None:
        journal = self._journal()
        if self._busy is not None or journal is None:
            return
        rows = [(row.run_id, row.key) for row in self.model.rows if row.state is not None]
        self.portal_status.show_status(StatusKind.BUSY, lambda: self.tr("Asking the portal who accepted…"))
        self._busy = self._jobs.submit(
            refresh_recorded(self._backend, journal, rows), "check invitations", self._on_checked
        )
        self._update_buttons()
        self.completeChanged.emit()

    def _on_checked(self, changed: object) -> None:
        assert isinstance(changed, list)
        for record in changed:
            self.model.apply_record(record)
        self._show_summary()

    # --- guided ----------------------------------------------------------------------------------------

    def open_portal(self) -> None:
        backend = self._backend
        if isinstance(backend, GuidedPortal) and not backend.open_portal():
            self.portal_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("Your browser didn't open. Open {url} yourself.").format(
                    url=backend.portal_url
                ),
            )

    def _guide_row(self) -> PortalRow | None:
        return self.model.row_of(self._guided_key) if self._guided_key else None

    def _show_guide(self) -> None:
        guided = isinstance(self._backend, GuidedPortal)
        self.portal_guide.setVisible(guided)
        if not guided:
            return
        assert isinstance(self._backend, GuidedPortal)
        row = self._guide_row()
        account = self.account
        walking = row is not None and account is not None
        for widget in self._guide_details:
            widget.setVisible(walking)
        self.portal_roles_editor.setVisible(not walking)
        for widget in (self.portal_done_button, self.portal_skip_button, self.portal_link_edit):
            widget.setEnabled(row is not None and self._busy is None)
        if row is None or account is None:
            self.guide_person.setText(
                self.tr(
                    "Click Invite all (or select people and Invite selected): the wizard opens the portal "
                    "and walks you through each person."
                )
            )
            self.guide_path.setText("")
            self.guide_roles.setText("")
            for edit in self.guide_fields.values():
                edit.clear()
            return
        request = InvitationRequest(row.key, row.email, row.first_name, row.last_name, row.roles)
        step = self._backend.step(account, request)
        words = {
            ClickStep.MY_CUSTOMER_PORTAL: self.tr("“My Customer Portal” (if shown) → {account}").format(
                account=account.name
            ),
            ClickStep.ACCOUNT_MENU: self.tr("Account"),
            ClickStep.INVITE_ADMINISTRATIVE_USER: self.tr("“Invite Administrative User”"),
        }
        self.guide_person.setText(self.tr("Now: {name}").format(name=row.name))
        self.guide_path.setText(
            self.tr("In the portal: {path}.").format(path=" → ".join(words[s] for s in step.click_path))
        )
        self.guide_fields["email"].setText(step.email)
        self.guide_fields["first"].setText(step.first_name)
        self.guide_fields["last"].setText(step.last_name)
        roles = ", ".join(role_name(r) for r in step.roles)
        text = self.tr("Tick: {roles}.").format(roles=roles)
        if step.implied:
            implied = ", ".join(role_name(r) for r in step.implied)
            text += " " + self.tr("({roles} come with it.)").format(roles=implied)
        self.guide_roles.setText(
            text + " " + self.tr("Then Send, or choose Copy link and paste the link below.")
        )

    def _copy_field(self, edit: QLineEdit) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(edit.text())
        self.portal_status.show_status(
            StatusKind.OK, lambda: self.tr("Copied: paste it into the portal's form.")
        )

    def _fill_link_methods(self) -> None:
        combo = self.portal_link_method_combo
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        if self._delivery is not None:
            combo.addItem(self.tr("Send from your mailbox"), DeliveryMethod.SEND_MAIL)
        combo.addItem(self.tr("Open in your mail app"), DeliveryMethod.MAILTO)
        combo.addItem(self.tr("Copy the message"), DeliveryMethod.CLIPBOARD)
        combo.addItem(self.tr("Print or save (PDF)"), DeliveryMethod.WELCOME_SHEET)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    def set_link_method(self, method: DeliveryMethod) -> None:
        index = self.portal_link_method_combo.findData(method)
        if index >= 0:
            self.portal_link_method_combo.setCurrentIndex(index)

    def mark_done(self) -> None:
        """Guided: the partner has invited the current person in the portal; record it (and hand a pasted
        activation link to the person), then go to the next one."""
        row = self._guide_row()
        account = self.account
        if row is None or account is None or self._busy is not None:
            return
        link = self.portal_link_edit.text().strip()
        if link and not link.lower().startswith(("https://", "http://")):
            self.portal_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr("That doesn't look like a link: copy it from the portal again."),
            )
            return
        send = SendMode.LINK if link else SendMode.EMAIL
        after = functools.partial(self._after_done, row.key, link) if link else self._guide_next
        self._run_invites([row], account, send=send, after=after)

    def _after_done(self, key: str, link: str) -> None:
        row = self.model.row_of(key)
        if row is None or not row.done:
            return
        self.portal_link_edit.clear()
        self.deliver_link(row, link)
        self._guide_next()

    def _guide_next(self) -> None:
        rows = self.model.rows
        current = self.model.number_of(self._guided_key) if self._guided_key else -1
        following = [row for row in rows[(current or 0) + 1 :] if row.invitable]
        self._guided_key = following[0].key if following else None
        if self._guided_key is None:
            self._show_summary()
        self._show_guide()

    def link_message(self, row: PortalRow, link: str) -> WelcomeMessage:
        return build_invitation_message(
            first_name=row.first_name,
            upn=row.upn,
            activation_url=link,
            language=message_language(QLocale().name()),
            organisation=self._onboarding.organisation_name,
        )

    def deliver_link(self, row: PortalRow, link: str) -> None:
        """Hand the activation link to the person's real work email by the chosen method (as the
        passwords were): sendMail, the mail app, the clipboard or a PDF sheet; recorded, never stored."""
        method = self.portal_link_method_combo.currentData()
        message = self.link_message(row, link)
        journal = self._journal()
        people = [(row.run_id, row.key)]
        if method is DeliveryMethod.SEND_MAIL and self._delivery is not None:
            delivery = self._delivery
            self.portal_status.show_status(
                StatusKind.BUSY, lambda: self.tr("Sending the link to {email}…").format(email=row.email)
            )
            self._jobs.submit(
                send_link_by_mail(delivery, journal, row.run_id, row.key, row.email, message),
                "send activation link",
                lambda _r: self.portal_status.show_status(
                    StatusKind.OK, lambda: self.tr("The link was sent to {email}.").format(email=row.email)
                ),
                self._on_link_failed,
            )
            return
        if method is DeliveryMethod.MAILTO:
            opened = self._open_url(build_mailto(row.email, message.subject, message.text).url)
            if not opened:
                self.portal_status.show_status(
                    StatusKind.ERROR, lambda: self.tr("Your mail app didn't open. Choose another way.")
                )
                return
            self.portal_status.show_status(
                StatusKind.OK, lambda: self.tr("The message is open in your mail app: send it.")
            )
        elif method is DeliveryMethod.CLIPBOARD:
            self.clipboard.copy(message.text)
            self.portal_status.show_status(
                StatusKind.OK,
                lambda: self.tr("The message is on the clipboard: paste it into a mail to {email}.").format(
                    email=row.email
                ),
            )
        else:
            documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            suggested = str(Path(documents or Path.home()) / self.tr("portal-invitation.pdf"))
            chosen = self.choose_file(self, self.tr("Save the invitation"), suggested)
            if not chosen:
                return
            try:
                write_welcome_sheet(Path(chosen), [SheetPage(row.name, message)], title=message.subject)
            except Exception as error:
                failure = error  # worded when shown (a language switch words it again)
                self.portal_status.show_status(StatusKind.ERROR, lambda: describe_file_error(failure))
                return
            self.portal_status.show_status(
                StatusKind.OK, lambda: self.tr("Saved to {path}.").format(path=chosen)
            )
        self._jobs.submit(
            record_link_delivered(journal, people, method), "record link", lambda _r: None, essential=True
        )

    def _on_link_failed(self, error: BaseException) -> None:
        self.portal_status.show_status(
            StatusKind.ERROR,
            lambda: self.tr(
                "The link couldn't be sent ({why}). Choose another way and paste the link again."
            ).format(  # worded when shown, the reason too
                why=error.problem.value if isinstance(error, DeliveryError) else describe_file_error(error)
            ),
        )

    # --- showing ---------------------------------------------------------------------------------------

    def _show_backend(self) -> None:
        if self._backend.kind is BackendKind.GUIDED:
            url = self._backend.portal_url if isinstance(self._backend, GuidedPortal) else ""
            self.backend_label.setText(
                self.tr(
                    "Guided: you invite each person in the Call2Teams portal ({url}); the wizard shows what "
                    "to enter and keeps track. To invite automatically instead, set up the portal API "
                    "(C2T_PORTAL_URL and an API key)."
                ).format(url=url)
            )
        else:
            self.backend_label.setText(
                self.tr(
                    "The wizard sends the invitations through the Call2Teams portal API. To invite by hand "
                    "in the browser instead, remove the portal API settings and start the wizard again."
                )
            )

    def _name_accounts(self) -> None:
        """The account list's words, in the language now installed."""
        combo = self.portal_account_combo
        for account in self._accounts:
            index = combo.findData(account.id)
            if index < 0:
                continue
            if account.kind is AccountKind.PARTNER:
                text = self.tr("{name} (your partner account)").format(name=account.name)
            else:
                depth = self._account_depths.get(account.id, 1)
                text = "    " * max(0, depth - 1) + self.tr("↳ {name} (in “My Customer Portal”)").format(
                    name=account.name
                )
            combo.setItemText(index, text)

    def _show_summary(self) -> None:
        model = self.model
        total = len(model.rows)
        done = model.count("invited", "already_invited", "accepted")
        failed = model.count("failed")
        refused = model.count("refused")
        accepted = model.count("accepted")

        def text() -> str:
            words = self.tr("%n of {total} invited", "", done).format(total=total)
            if accepted:
                words += ", " + self.tr("%n accepted", "", accepted)
            if failed:
                words += ", " + self.tr("%n failed", "", failed)
            if refused:
                words += ", " + self.tr("%n with an email to fix", "", refused)
            return words + "."

        kind = (
            StatusKind.ERROR
            if failed
            else StatusKind.WARNING
            if refused
            else StatusKind.OK
            if done == total
            else StatusKind.INFO
        )
        self.portal_status.show_status(kind, text)

    def _update_buttons(self) -> None:
        idle = self._busy is None and not self._loading
        model = self.model
        has_account = self.account is not None
        selected = self._selected_keys()
        self.invite_all_button.setEnabled(
            idle
            and has_account
            and model.count("new", "planned", "failed", "revoked", "sending", "refused") > 0
        )
        self.invite_selected_button.setEnabled(idle and has_account and bool(selected))
        self.retry_failed_button.setEnabled(idle and has_account and model.count("failed") > 0)
        self.revoke_button.setEnabled(idle and bool(selected))
        self.check_button.setEnabled(idle and model.count("invited", "already_invited") > 0)
        if not idle:
            self._keep_focus_while_busy()
        self.portal_account_combo.setEnabled(idle)
        self.portal_roles_editor.setEnabled(idle)
        self._show_guide()

    def _keep_focus_while_busy(self) -> None:
        """The account and the roles are locked while the page works; a focus inside them would be dropped
        (Qt clears the focus of a widget whose parent is disabled), leaving the keyboard nowhere. It goes to
        Stop when there is one, else to the people, whose rows show the progress."""
        focused = self.focusWidget()
        if focused is None or not (
            focused is self.portal_account_combo or self.portal_roles_editor.isAncestorOf(focused)
        ):
            return
        target = (
            self.portal_cancel_button if self.portal_cancel_button.isVisibleTo(self) else self.portal_table
        )
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_account_changed(self) -> None:
        self._show_guide()
        self._update_buttons()

    # --- jobs ------------------------------------------------------------------------------------------

    def _job_done(self, job: Job) -> None:
        if self._busy is job:
            self._busy = None
        self._update_buttons()
        self.completeChanged.emit()
        if self.work_in_progress() is None:
            self.work_ended.emit()

    def _cancel_jobs(self) -> None:
        self._stop.set()
        self._jobs.cancel_all()
        self._busy = None
