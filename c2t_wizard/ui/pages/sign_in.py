"""Step 4: sign in as the tenant's administrator; show the tenant, the user and whether they may add users."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Coroutine, Sequence
from enum import Enum
from typing import Any

import httpx
from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QHideEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from c2t_wizard.domain.onboarding import Onboarding
from c2t_wizard.domain.roles import KnownRole, TenantFacts
from c2t_wizard.domain.sign_in_target import SignInTarget, is_wrong_tenant, sign_in_target
from c2t_wizard.logging_setup import redact
from c2t_wizard.services.auth import (
    DIRECTORY_SCOPES,
    AuthError,
    AuthProblem,
    AuthService,
    CacheMode,
    DeviceCodePrompt,
    DirectoryAccess,
    SignedInAccount,
)
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.http_retry import http_transient
from c2t_wizard.services.tenant_info import load_tenant_facts
from c2t_wizard.ui.breaking import BreakableLabel
from c2t_wizard.ui.colors import colours
from c2t_wizard.ui.flow import CheckBoxWords, check_box_row
from c2t_wizard.ui.runner import Job, ServiceRunner
from c2t_wizard.ui.scrolling import scrolling_layout
from c2t_wizard.ui.widgets import StatusKind, StatusLine, make_secondary

log = logging.getLogger(__name__)

"""The sandbox's demo organisation (used when no demo account says otherwise)."""
_MAX_DETAIL = 300


class SignInState(Enum):
    """Where the page stands."""

    CHECKING = "checking"
    """Looking for a sign-in from an earlier run (silently)."""
    CHOICES = "choices"
    BROWSER = "browser"
    """Waiting for the partner to finish in the browser."""
    DEVICE_CODE = "device_code"
    SIGNING_IN = "signing_in"
    """Demo sign-in (username and password) under way."""
    LOADING = "loading"
    """Signed in; reading the tenant's details."""
    FACTS_FAILED = "facts_failed"
    """Signed in, but the tenant's details could not be read."""
    SIGNED_IN = "signed_in"
    SIGNING_OUT = "signing_out"


_CANCELLABLE = (SignInState.CHECKING, SignInState.BROWSER, SignInState.DEVICE_CODE, SignInState.SIGNING_IN)
_AUTH_RUNNING = (*_CANCELLABLE, SignInState.SIGNING_OUT)


class SignInPage(QWizardPage):
    """The partner signs in once; the page then knows who they are, which tenant, its domains and whether
    they may create users. Every call runs on the service thread; each answer is checked against the job
    that is current, so a late answer from a cancelled attempt changes nothing.

    Signals:
        facts_shown(object): the TenantFacts now on screen (after a sign-in or a new check).
    """

    facts_shown = Signal(object)

    def __init__(
        self,
        onboarding: Onboarding,
        runner: ServiceRunner,
        auth: AuthService,
        graph: GraphSession,
        open_url: Callable[[str], bool],
        parent: QWidget | None = None,
        *,
        sandbox: bool = False,
        demo_account: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page_sign_in")
        self._onboarding = onboarding
        self._runner = runner
        self._auth = auth
        self._graph = graph
        self._open_url = open_url
        self._sandbox = sandbox
        self._demo_account = demo_account
        self._state = SignInState.CHOICES
        self._job: Job | None = None
        self._generation = 0
        self._cache_job: Job | None = None
        self._cache_mode: CacheMode | None = None
        self._account: SignedInAccount | None = None
        self._facts: TenantFacts | None = None
        self._prompt: DeviceCodePrompt | None = None
        self._authority_used: str | None = None
        self._expected_tenant = ""
        """The organisation the partner should sign in to (a domain), "" when any will do."""
        self._notice_no_browser = False

        # --- the choices (created first: first in the focus chain) -----------------------------------
        self._choices = QWidget(self)
        self._choices.setObjectName("sign_in_choices")
        self.sign_in_button = self._choice_button("sign_in_button", self.sign_in)
        self.sign_in_button.setAutoDefault(True)
        self.sign_in_button.setDefault(True)
        bold = self.sign_in_button.font()
        bold.setBold(True)
        self.sign_in_button.setFont(bold)
        self._sign_in_hint = sign_in_hint = self._secondary("sign_in_hint")
        self.device_code_button = self._choice_button("device_code_button", self.sign_in_with_code)
        self._device_hint = device_hint = self._secondary("device_code_hint")
        self.demo_sign_in_button = self._choice_button("demo_sign_in_button", self.sign_in_as_demo)
        self._demo_hint = self._secondary("demo_sign_in_hint")
        self._retranslate_choices()  # the buttons' widths follow from their words
        tall = self.sign_in_button.sizeHint().height() + 10
        width = max(
            b.sizeHint().width() + 24
            for b in (self.sign_in_button, self.device_code_button, self.demo_sign_in_button)
        )
        self._choices_layout = choices = QFormLayout(self._choices)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setHorizontalSpacing(16)
        choices.setVerticalSpacing(12)
        choices.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        # Each hint beside its button; below it when the text is large (no scrolling sideways).
        choices.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        choices.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for button, hint in (
            (self.sign_in_button, sign_in_hint),
            (self.device_code_button, device_hint),
            (self.demo_sign_in_button, self._demo_hint),
        ):
            button.setMinimumSize(width, tall)
            hint.setMinimumHeight(tall)
            # Narrower than this, a hint goes below its button (large text) rather than a word a line.
            hint.setMinimumWidth(hint.fontMetrics().averageCharWidth() * 22)
            hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            choices.addRow(button, hint)

        # --- waiting for the browser ---------------------------------------------------------------
        self._browser = QWidget(self)
        self._browser.setObjectName("sign_in_browser_panel")
        self._browser_text = browser_text = QLabel(self._browser)
        browser_text.setObjectName("sign_in_browser_text")
        browser_text.setWordWrap(True)
        self._browser_hint = browser_hint = self._secondary("sign_in_browser_hint", self._browser)
        browser_layout = QVBoxLayout(self._browser)
        browser_layout.setContentsMargins(0, 0, 0, 0)
        browser_layout.setSpacing(8)
        browser_layout.addWidget(browser_text)
        browser_layout.addWidget(browser_hint)
        browser_layout.addStretch(1)

        # --- device code ---------------------------------------------------------------------------
        self._device = QWidget(self)
        self._device.setObjectName("sign_in_device_panel")
        self._step_one = step_one = QLabel(self._device)
        step_one.setObjectName("device_code_step_open")
        step_one.setWordWrap(True)
        self.verification_link = QLabel(self._device)
        self.verification_link.setObjectName("verification_link")
        self.verification_link.setTextFormat(Qt.TextFormat.RichText)
        self.verification_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.verification_link.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verification_link.setOpenExternalLinks(False)
        self.verification_link.linkActivated.connect(self.open_verification_page)
        self._step_two = step_two = QLabel(self._device)
        step_two.setObjectName("device_code_step_code")
        self.device_code_label = QLabel(self._device)
        self.device_code_label.setObjectName("device_code_label")
        self.device_code_label.setTextFormat(Qt.TextFormat.PlainText)
        self.device_code_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.device_code_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.device_code_label.setCursor(Qt.CursorShape.IBeamCursor)
        code_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        code_font.setPointSizeF(self.font().pointSizeF() * 2.2)
        code_font.setBold(True)
        code_font.setLetterSpacing(code_font.SpacingType.AbsoluteSpacing, 3)
        self.device_code_label.setFont(code_font)
        self.device_code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.device_code_label.setContentsMargins(18, 6, 18, 6)
        self.device_code_label.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        focus_ring = colours(self.palette()).accent_border.name()
        self.device_code_label.setStyleSheet(
            "QLabel#device_code_label { border: 1px solid palette(mid); border-radius: 6px;"
            " background: palette(base); }"
            f"QLabel#device_code_label:focus {{ border: 2px solid {focus_ring}; }}"
        )
        step_two.setBuddy(self.device_code_label)
        self.copy_code_button = QPushButton(self._device)
        self.copy_code_button.setObjectName("copy_code_button")
        self.copy_code_button.setAutoDefault(False)
        self.copy_code_button.clicked.connect(self.copy_code)
        self._copied = self._secondary("device_code_copied", self._device)
        self._copied.setVisible(False)
        self._step_three = QLabel(self._device)
        self._step_three.setObjectName("device_code_step_sign_in")
        self._step_three.setWordWrap(True)
        code_row = QHBoxLayout()
        code_row.setSpacing(12)
        code_row.addSpacing(24)
        code_row.addWidget(self.device_code_label)
        code_row.addWidget(self.copy_code_button, 0, Qt.AlignmentFlag.AlignVCenter)
        code_row.addWidget(self._copied, 0, Qt.AlignmentFlag.AlignVCenter)
        code_row.addStretch(1)
        link_row = QHBoxLayout()
        link_row.addSpacing(24)
        link_row.addWidget(self.verification_link, 1)
        device_layout = QVBoxLayout(self._device)
        device_layout.setContentsMargins(0, 0, 0, 0)
        device_layout.setSpacing(8)
        device_layout.addWidget(step_one)
        device_layout.addLayout(link_row)
        device_layout.addSpacing(4)
        device_layout.addWidget(step_two)
        device_layout.addLayout(code_row)
        device_layout.addSpacing(4)
        device_layout.addWidget(self._step_three)
        device_layout.addStretch(1)

        # --- signed in: the facts ------------------------------------------------------------------
        self._signed_in = QWidget(self)
        self._signed_in.setObjectName("sign_in_facts_panel")
        self.tenant_org_label = self._fact("tenant_org_label")
        self.tenant_domain_label = self._fact("tenant_domain_label")
        self.signed_in_user_label = self._fact("signed_in_user_label")
        self._org_caption = org_caption = QLabel(self._signed_in)
        org_caption.setBuddy(self.tenant_org_label)
        self._domain_caption = domain_caption = QLabel(self._signed_in)
        domain_caption.setBuddy(self.tenant_domain_label)
        self._user_caption = user_caption = QLabel(self._signed_in)
        user_caption.setBuddy(self.signed_in_user_label)
        facts = QFormLayout()
        facts.setContentsMargins(0, 0, 0, 0)
        facts.setHorizontalSpacing(14)
        facts.setVerticalSpacing(6)
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # below its caption if need be
        facts.addRow(org_caption, self.tenant_org_label)
        facts.addRow(domain_caption, self.tenant_domain_label)
        facts.addRow(user_caption, self.signed_in_user_label)
        self.role_status = StatusLine(self._signed_in)
        self.role_status.setObjectName("role_status")
        self.recheck_button = QPushButton(self._signed_in)
        self.recheck_button.setObjectName("recheck_button")
        self.recheck_button.setAutoDefault(False)
        self.recheck_button.clicked.connect(self.check_again)
        self.recheck_button.setVisible(False)
        self.role_status.add_widget(self.recheck_button)
        self.switch_account_button = QPushButton(self._signed_in)
        self.switch_account_button.setObjectName("switch_account_button")
        self.switch_account_button.setAutoDefault(False)
        self.switch_account_button.clicked.connect(self.switch_account)
        self.sign_out_button = QPushButton(self._signed_in)
        self.sign_out_button.setObjectName("sign_out_button")
        self.sign_out_button.setAutoDefault(False)
        self.sign_out_button.clicked.connect(self.sign_out)
        account_row = QHBoxLayout()
        account_row.setSpacing(8)
        account_row.addWidget(self.switch_account_button)
        account_row.addWidget(self.sign_out_button)
        account_row.addStretch(1)
        # --- the directory step's permission (asked when the partner goes on to add users) -----------
        self._access = QWidget(self._signed_in)
        self._access.setObjectName("directory_access_panel")
        self.access_status = StatusLine(self._access)
        self.access_status.setObjectName("directory_access_status")
        self.allow_access_button = QPushButton(self._access)
        self.allow_access_button.setObjectName("allow_access_button")
        self.allow_access_button.setAutoDefault(False)
        self.allow_access_button.clicked.connect(self.allow_directory_access)
        self.access_status.add_widget(self.allow_access_button)
        self.consent_link_edit = QLineEdit(self._access)
        self.consent_link_edit.setObjectName("admin_consent_link")
        self.consent_link_edit.setReadOnly(True)
        self.copy_consent_link_button = QPushButton(self._access)
        self.copy_consent_link_button.setObjectName("copy_consent_link_button")
        self.copy_consent_link_button.setAutoDefault(False)
        self.copy_consent_link_button.clicked.connect(self.copy_consent_link)
        self.access_retry_button = QPushButton(self._access)
        self.access_retry_button.setObjectName("access_retry_button")
        self.access_retry_button.setAutoDefault(False)
        self.access_retry_button.clicked.connect(self.allow_directory_access)
        self._link_copied = self._secondary("consent_link_copied", self._access)
        self._link_copied.setVisible(False)
        link_row = QHBoxLayout()
        link_row.setSpacing(8)
        link_row.addWidget(self.consent_link_edit, 1)
        link_row.addWidget(self.copy_consent_link_button)
        link_row.addWidget(self.access_retry_button)
        self._approval = QWidget(self._access)
        self._approval.setObjectName("admin_approval_panel")
        approval_layout = QVBoxLayout(self._approval)
        approval_layout.setContentsMargins(0, 0, 0, 0)
        approval_layout.setSpacing(4)
        approval_layout.addLayout(link_row)
        approval_layout.addWidget(self._link_copied)
        access_layout = QVBoxLayout(self._access)
        access_layout.setContentsMargins(0, 0, 0, 0)
        access_layout.setSpacing(6)
        access_layout.addWidget(self.access_status)
        access_layout.addWidget(self._approval)
        self._approval.setVisible(False)
        self._access.setVisible(False)
        facts_frame = QFrame(self._signed_in)
        facts_frame.setObjectName("sign_in_facts")
        facts_frame.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        facts_frame.setStyleSheet(
            "QFrame#sign_in_facts { border: 1px solid palette(mid); border-radius: 6px;"
            " background: palette(base); }"
        )
        frame_layout = QVBoxLayout(facts_frame)
        frame_layout.setContentsMargins(14, 12, 14, 12)
        frame_layout.setSpacing(10)
        frame_layout.addLayout(facts)
        frame_layout.addWidget(self.role_status)
        frame_layout.addWidget(self._access)
        signed_in_layout = QVBoxLayout(self._signed_in)
        signed_in_layout.setContentsMargins(0, 0, 0, 0)
        signed_in_layout.setSpacing(10)
        signed_in_layout.addWidget(facts_frame)
        signed_in_layout.addLayout(account_row)
        signed_in_layout.addStretch(1)

        self._empty = QWidget(self)
        self._empty.setObjectName("sign_in_empty_panel")
        # One panel shows at a time; hidden ones take no room, so the status line sits right under it.
        self._panels = QWidget(self)
        self._panels.setObjectName("sign_in_panels")
        panels = QVBoxLayout(self._panels)
        panels.setContentsMargins(0, 0, 0, 0)
        panels.setSpacing(0)
        for panel in (self._choices, self._browser, self._device, self._signed_in, self._empty):
            panels.addWidget(panel)

        # --- status, cancel, retry, details -------------------------------------------------------
        self.sign_in_status = StatusLine(self)
        self.sign_in_status.setObjectName("sign_in_status")
        self.cancel_sign_in_button = QPushButton(self)
        self.cancel_sign_in_button.setObjectName("cancel_sign_in_button")
        self.cancel_sign_in_button.setAutoDefault(False)
        self.cancel_sign_in_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel_sign_in_button.clicked.connect(self.cancel_sign_in)
        self.retry_button = QPushButton(self)
        self.retry_button.setObjectName("retry_button")
        self.retry_button.setAutoDefault(False)
        self.retry_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.retry_button.clicked.connect(self.check_again)
        self.sign_in_status.add_widget(self.cancel_sign_in_button)
        self.sign_in_status.add_widget(self.retry_button)
        self.details_button = QToolButton(self)
        self.details_button.setObjectName("sign_in_details_button")
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.toggled.connect(self._toggle_details)
        self.details_label = QLabel(self)
        self.details_label.setObjectName("sign_in_details")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        make_secondary(self.details_label)
        indent = self.fontMetrics().height() + 8
        details = QVBoxLayout()
        details.setContentsMargins(indent - 4, 0, 0, 0)
        details.setSpacing(2)
        details.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        details.addWidget(self.details_label)

        # --- the token cache --------------------------------------------------------------------------
        self.token_cache_notice = QLabel(self)
        self.token_cache_notice.setObjectName("token_cache_notice")
        self.token_cache_notice.setWordWrap(True)
        self.token_cache_notice.setTextFormat(Qt.TextFormat.PlainText)
        make_secondary(self.token_cache_notice)
        self.remember_insecurely_checkbox = QCheckBox(self)
        self.remember_insecurely_checkbox.setObjectName("remember_insecurely_checkbox")
        self.remember_insecurely_checkbox.toggled.connect(self._remember_toggled)
        self.remember_insecurely_words = CheckBoxWords(self.remember_insecurely_checkbox, self)
        self.remember_insecurely_words.setObjectName("remember_insecurely_words")
        self._rule = QFrame(self)
        self._rule.setFrameShape(QFrame.Shape.HLine)
        self._rule.setFrameShadow(QFrame.Shadow.Sunken)

        layout = scrolling_layout(self)
        layout.setSpacing(10)
        layout.addWidget(self._panels)
        layout.addSpacing(2)
        layout.addWidget(self.sign_in_status)
        layout.addLayout(details)
        layout.addStretch(1)
        layout.addWidget(self._rule)
        layout.addWidget(self.token_cache_notice)
        layout.addLayout(check_box_row(self.remember_insecurely_checkbox, self.remember_insecurely_words))

        self.retranslate()

        self.setTabOrder(self.sign_in_button, self.device_code_button)
        self.setTabOrder(self.device_code_button, self.demo_sign_in_button)
        self.setTabOrder(self.verification_link, self.device_code_label)
        self.setTabOrder(self.device_code_label, self.copy_code_button)

        self._show_cache_mode()
        self._set_details("")
        self._refresh_demo_choice()
        self._enter(SignInState.CHOICES)

    # --- QWizardPage ------------------------------------------------------------------------------

    def _retranslate_choices(self) -> None:
        self.sign_in_button.setText(self.tr("&Sign in with Microsoft"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in with Microsoft in your browser"))
        self._sign_in_hint.setText(
            self.tr("Your browser opens Microsoft's sign-in page. Come back here when you're done.")
        )
        self.device_code_button.setText(self.tr("Sign in with a &code instead"))
        self.device_code_button.setAccessibleName(self.tr("Sign in with a code instead"))
        self._device_hint.setText(
            self.tr("You get a short code to type in on another device, for example your phone.")
        )
        self.demo_sign_in_button.setText(self.tr("Sign in as the &demo administrator"))
        self.demo_sign_in_button.setAccessibleName(self.tr("Sign in as the demo administrator"))

    def retranslate(self) -> None:
        """Every static text on the page, in the language now installed (again on each LanguageChange)."""
        self._retranslate_choices()
        self._browser_text.setText(
            self.tr(
                "Microsoft's sign-in page is open in your browser. Sign in there with your "
                "administrator account and accept the permissions; then come back to this window."
            )
        )
        self._browser_hint.setText(
            self.tr(
                "Don't see it? Check your browser's windows and tabs, or cancel and choose "
                "“Sign in with a code instead”."
            )
        )
        self._step_one.setText(self.tr("1.  On this computer or on your phone, open this page:"))
        self._step_two.setText(self.tr("2.  Type in this &code:"))
        self.copy_code_button.setText(self.tr("Co&py code"))
        self.copy_code_button.setAccessibleName(self.tr("Copy the code to the clipboard"))
        self._copied.setText(self.tr("Copied."))
        self.tenant_org_label.setProperty("caption", self.tr("Organisation"))
        self.tenant_domain_label.setProperty("caption", self.tr("Microsoft domain"))
        self.signed_in_user_label.setProperty("caption", self.tr("Signed in as"))
        for label in (self.tenant_org_label, self.tenant_domain_label, self.signed_in_user_label):
            if label.accessibleName():
                label.setAccessibleName(f"{label.property('caption')}: {label.text()}")
        self._org_caption.setText(self.tr("Or&ganisation:"))
        self._domain_caption.setText(self.tr("Microsoft do&main:"))
        self._user_caption.setText(self.tr("Signed &in as:"))
        self.recheck_button.setText(self.tr("&Check again"))
        self.recheck_button.setAccessibleName(self.tr("Check your role again"))
        self.switch_account_button.setText(self.tr("Use &another account"))
        self.switch_account_button.setAccessibleName(self.tr("Sign in with another account"))
        self.sign_out_button.setText(self.tr("Sign &out"))
        self.sign_out_button.setAccessibleName(self.tr("Sign out and forget this sign-in"))
        self.allow_access_button.setText(self.tr("Allow adding &users"))
        self.allow_access_button.setAccessibleName(
            self.tr("Allow the wizard to create users and reset passwords")
        )
        self.consent_link_edit.setAccessibleName(self.tr("Link for your administrator"))
        self.copy_consent_link_button.setText(self.tr("Copy &link"))
        self.copy_consent_link_button.setAccessibleName(self.tr("Copy the link for your administrator"))
        self.access_retry_button.setText(self.tr("Tr&y again"))
        self.access_retry_button.setAccessibleName(self.tr("Try again after an administrator approved"))
        self._link_copied.setText(self.tr("Copied."))
        self.cancel_sign_in_button.setText(self.tr("Ca&ncel"))
        self.cancel_sign_in_button.setAccessibleName(self.tr("Cancel signing in"))
        self.retry_button.setText(self.tr("&Try again"))
        self.retry_button.setAccessibleName(self.tr("Read your organisation's details again"))
        self.details_button.setText(self.tr("D&etails"))
        self.details_button.setAccessibleName(self.tr("Show the technical details"))
        self.details_label.setAccessibleName(self.tr("Technical details"))
        self.remember_insecurely_words.setText(
            self.tr("&Remember my sign-in in a file on this computer (not encrypted)")
        )
        self.remember_insecurely_checkbox.setAccessibleName(
            self.tr("Remember my sign-in in a file on this computer, not encrypted")
        )
        self.remember_insecurely_checkbox.setAccessibleDescription(
            self.tr("Anyone who can read your files on this computer could use your sign-in.")
        )
        self.setTitle(self.tr("Sign in to Microsoft"))
        self.setSubTitle(self._subtitle())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self._state is SignInState.SIGNED_IN and self._facts is not None:
                self._word_facts(self._facts)
            self._show_prompt()
            self._show_cache_mode()
            self._refresh_demo_choice()
        super().changeEvent(event)

    def initializePage(self) -> None:
        self._stop_running()
        target = self._target()
        authority = target.authority
        self._expected_tenant = target.expected
        self.setSubTitle(self._subtitle())
        self._refresh_demo_choice()
        if self._cache_mode is None and self._cache_job is None:
            self._load_cache_mode()
        if (
            authority == self._authority_used
            and self._facts is not None
            and self._auth.signed_in is not None
            and self._auth.signed_in.username == (self._account.username if self._account else "")
        ):
            self._show_facts(self._facts)
            return
        self._authority_used = authority
        self._auth.set_tenant(authority)
        self._account = None
        self._facts = None
        self._check_silently()

    def isComplete(self) -> bool:
        return (
            self._state is SignInState.SIGNED_IN
            and self._facts is not None
            and self._facts.roles.may_try
            and not self._wrong_tenant(self._facts)
            and self._auth.has_scopes(DIRECTORY_SCOPES)
        )

    def validatePage(self) -> bool:
        if not self.isComplete() or self._facts is None:
            return False
        facts = self._facts
        self._onboarding.tenant_facts = facts
        self._onboarding.signed_in_username = facts.user.user_principal_name
        if facts.tenant_id:
            self._onboarding.tenant_id = facts.tenant_id
        return True

    def cleanupPage(self) -> None:
        """Back: stop whatever is running (the sign-in itself is kept)."""
        self._stop_running()
        if self._state in _CANCELLABLE:
            self._enter(self._fallback_state())
            self.sign_in_status.clear()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # The window closed (not minimised): no browser or code may wait for an answer nobody reads.
        # (QWizard also hides and shows its current page while it updates its buttons: that is no reason.)
        if not event.spontaneous() and not self.window().isVisible() and self._state in _CANCELLABLE:
            self.cancel_sign_in()

    # --- public: the state, for the wizard and tests ------------------------------------------------

    @property
    def state(self) -> SignInState:
        return self._state

    @property
    def facts(self) -> TenantFacts | None:
        return self._facts

    @property
    def device_prompt(self) -> DeviceCodePrompt | None:
        return self._prompt

    def set_demo_account(self, account: tuple[str, str] | None) -> None:
        """The sandbox's demo administrator (known once the sandbox is ready)."""
        self._demo_account = account
        self._refresh_demo_choice()

    # --- actions ----------------------------------------------------------------------------------

    def sign_in(self) -> None:
        """Sign in in the system browser (or the OS's sign-in broker)."""
        self._interactive(select_account=False)

    def switch_account(self) -> None:
        """Sign in with another account (Microsoft asks which one)."""
        self._interactive(select_account=True)

    def sign_in_with_code(self, *, because_no_browser: bool = False) -> None:
        """Device code: a code to type in on any device's browser."""
        auth = self._auth
        self._prompt = None
        self._notice_no_browser = because_no_browser
        self._enter(SignInState.DEVICE_CODE)
        self._busy(lambda: self.tr("Getting a code from Microsoft…"))
        self._start(
            auth.sign_in_with_device_code,
            "device-code sign-in",
            on_success=self._on_signed_in,
            on_failure=self._on_sign_in_failed,
            on_progress=self._on_device_prompt,
        )

    def sign_in_as_demo(self) -> None:
        """Sandbox only: the demo administrator, with username and password (no browser)."""
        if not self._sandbox or self._demo_account is None:
            return
        username, password = self._demo_account
        self._enter(SignInState.SIGNING_IN)
        self._busy(lambda: self.tr("Signing in as {username}…").format(username=username))
        self._start(
            self._auth.sign_in_with_password(username, password),
            "demo sign-in",
            on_success=self._on_signed_in,
            on_failure=self._on_sign_in_failed,
        )

    def cancel_sign_in(self) -> None:
        """Stop waiting for the browser or the code; back to where the partner was, quietly."""
        if self._state not in _CANCELLABLE:
            return
        self._stop_running()
        self._enter(self._fallback_state())
        self.sign_in_status.clear()
        self._focus_default()

    def copy_code(self) -> None:
        if self._prompt is None:
            return
        QGuiApplication.clipboard().setText(self._prompt.user_code)
        self._copied.setVisible(True)

    def open_verification_page(self, url: str = "") -> None:
        target = url or (self._prompt.verification_uri if self._prompt else "")
        if target and not self._open_url(target):
            self._show_error(
                StatusKind.WARNING,
                lambda: self.tr(
                    "Your browser didn't open. Type the address into a browser yourself: {url}"
                ).format(url=target),
            )

    def allow_directory_access(self) -> None:
        """The directory step starts: ask Microsoft for the permissions to create users and reset passwords
        (a consent page in the browser; an administrator's approval when the partner may not grant them)."""
        if self._auth.signed_in is None or self._facts is None:
            return
        auth, tenant = self._auth, self._facts.tenant_id
        self._enter(SignInState.BROWSER)
        self._busy(lambda: self.tr("Microsoft asks you in your browser to allow adding users. Finish there…"))
        self._start(
            auth.request_directory_access(tenant),
            "directory access",
            on_success=self._on_directory_access,
            on_failure=self._on_directory_access_failed,
        )
        self.cancel_sign_in_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def copy_consent_link(self) -> None:
        link = self.consent_link_edit.text()
        if link:
            QGuiApplication.clipboard().setText(link)
            self._link_copied.setVisible(True)

    def _on_directory_access(self, access: object) -> None:
        if not isinstance(access, DirectoryAccess):
            return
        if access.granted:
            self.check_again()  # read the role again: the token may now read directory roles in full
            return
        self.sign_in_status.clear()
        if self._facts is not None:
            self._show_facts(self._facts)
        self._show_admin_approval(access)

    def _on_directory_access_failed(self, error: BaseException) -> None:
        problem = error.problem if isinstance(error, AuthError) else None
        if self._facts is None or self._auth.signed_in is None:
            self._on_sign_in_failed(error)
            return
        self._show_facts(self._facts)
        if problem is AuthProblem.CANCELLED:
            self.sign_in_status.clear()
        else:
            self._show_failure(error)

    def _show_admin_approval(self, access: DirectoryAccess) -> None:
        """Who must approve, the link to send them, and "Try again" once they have."""
        facts = self._facts
        org = (facts.display_name or facts.initial_domain or "") if facts else ""
        requested = access.problem is AuthProblem.ADMIN_APPROVAL_REQUESTED

        def text() -> str:
            if requested:
                return self.tr(
                    "A request to allow the wizard was sent to the administrators of {org}. Once one of them "
                    "has approved it, choose “Try again”."
                ).format(org=org)
            return self.tr(
                "Only an administrator can allow the wizard to add users in {org}. Ask a {approvers} to "
                "open this link and accept (the page it ends on may not load; that's fine), or to sign "
                "in here once and tick “Consent on behalf of your organization”. Then choose “Try again”."
            ).format(org=org, approvers=self._either_names(list(access.approvers)))

        self.access_status.show_status(StatusKind.WARNING, text)
        self.allow_access_button.setVisible(False)
        self.consent_link_edit.setText(access.approval_link)
        self.consent_link_edit.setCursorPosition(0)
        self._link_copied.setVisible(False)
        self._approval.setVisible(True)
        self._access.setVisible(True)
        self.access_retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _either_names(self, names: list[str]) -> str:
        translated = [
            {
                "Global Administrator": self.tr("Global Administrator"),
                "Privileged Role Administrator": self.tr("Privileged Role Administrator"),
                "Cloud Application Administrator": self.tr("Cloud Application Administrator"),
                "Application Administrator": self.tr("Application Administrator"),
            }.get(name, name)
            for name in names
        ]
        if len(translated) > 1:
            return self.tr("{first} or {last}").format(
                first=self.tr(", ").join(translated[:-1]), last=translated[-1]
            )
        return translated[-1] if translated else ""

    def check_again(self) -> None:
        """Read the tenant's details and the role again (e.g. after an administrator granted the role)."""
        if self._auth.signed_in is None:
            self._enter(SignInState.CHOICES)
            return
        self._load_facts(self._auth.signed_in)

    def sign_out(self) -> None:
        """Sign out and remove the sign-in from this computer; back to the choices."""
        auth, graph = self._auth, self._graph
        self._facts = None
        self._onboarding.tenant_facts = None
        self._onboarding.signed_in_username = ""
        self._enter(SignInState.SIGNING_OUT)
        self._busy(lambda: self.tr("Signing out…"))
        self.completeChanged.emit()

        async def run() -> None:
            try:
                await auth.sign_out()
            finally:
                await graph.reset()

        self._start(run(), "sign out", on_success=self._on_signed_out, on_failure=self._on_sign_out_failed)

    # --- flows --------------------------------------------------------------------------------------

    def _interactive(self, *, select_account: bool) -> None:
        auth, graph = self._auth, self._graph
        handle = int(self.window().winId())

        async def run() -> SignedInAccount:
            if select_account:
                await graph.reset()
            return await auth.sign_in_interactive(select_account=select_account, parent_window_handle=handle)

        self._enter(SignInState.BROWSER)
        self._busy(lambda: self.tr("Finish signing in in your browser…"))
        self._start(
            run(),
            "switch account" if select_account else "interactive sign-in",
            on_success=self._on_signed_in,
            on_failure=self._on_sign_in_failed,
        )
        self.cancel_sign_in_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _check_silently(self) -> None:
        self._enter(SignInState.CHECKING)
        self._busy(lambda: self.tr("Checking whether you're already signed in…"))
        auth = self._auth
        username = self._onboarding.signed_in_username or None
        self._start(
            auth.sign_in_silently(username),
            "silent sign-in",
            on_success=self._on_silent_answer,
            on_failure=self._on_silent_failed,
        )

    def _on_silent_answer(self, account: object) -> None:
        if isinstance(account, SignedInAccount):
            self._on_signed_in(account)
            return
        self._enter(SignInState.CHOICES)
        self.sign_in_status.clear()
        self._focus_default()

    def _on_silent_failed(self, error: BaseException) -> None:
        log.info("No silent sign-in: %s", error)
        self._enter(SignInState.CHOICES)
        problem = error.problem if isinstance(error, AuthError) else None
        if problem is AuthProblem.INTERACTION_REQUIRED:
            self._show_error(
                StatusKind.INFO, lambda: self.tr("Your earlier sign-in has expired. Please sign in again.")
            )
        elif problem is AuthProblem.CANCELLED:
            self.sign_in_status.clear()
        else:  # e.g. no network, or no such organisation: the partner must know before trying
            self._show_failure(error)
        self._focus_default()

    def _on_device_prompt(self, prompt: object) -> None:
        if not isinstance(prompt, DeviceCodePrompt) or self._state is not SignInState.DEVICE_CODE:
            return
        self._prompt = prompt
        self._show_prompt()
        self._copied.setVisible(False)
        self._show_panel(self._device)
        if self._notice_no_browser:
            self.sign_in_status.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "Your browser couldn't be opened, so sign in with a code instead. "
                    "Waiting for you to enter the code…"
                ),
            )
        else:
            self._busy(lambda: self.tr("Waiting for you to enter the code…"))
        self.cancel_sign_in_button.setVisible(True)
        self.copy_code_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_signed_in(self, account: object) -> None:
        if not isinstance(account, SignedInAccount):
            return
        self._notice_no_browser = False
        self._load_facts(account)

    def _load_facts(self, account: SignedInAccount) -> None:
        self._account = account
        graph = self._graph

        auth = self._auth

        async def run() -> TenantFacts:
            client = await graph.client()
            signed_in = auth.signed_in
            return await load_tenant_facts(client, scopes=signed_in.scopes if signed_in else account.scopes)

        self._enter(SignInState.LOADING)
        self._busy(
            lambda: self.tr("Signed in as {username}. Reading your organisation's details…").format(
                username=account.username
            )
        )
        self._start(run(), "tenant facts", on_success=self._on_facts, on_failure=self._on_facts_failed)

    def _on_facts(self, facts: object) -> None:
        if not isinstance(facts, TenantFacts):
            return
        self._facts = facts
        self.sign_in_status.clear()
        self._show_facts(facts)
        self.facts_shown.emit(facts)

    def _on_facts_failed(self, error: BaseException) -> None:
        if isinstance(error, AuthError) and error.problem is AuthProblem.INTERACTION_REQUIRED:
            self._facts = None
            self._enter(SignInState.CHOICES)
            self._show_error(
                StatusKind.INFO, lambda: self.tr("Your sign-in has expired. Please sign in again.")
            )
            self._focus_default()
            return
        self._enter(SignInState.FACTS_FAILED)
        account = self._account
        self.tenant_org_label.setText("—")
        self.tenant_domain_label.setText("—")
        self.signed_in_user_label.setText(account.username if account else "—")
        self.role_status.clear()
        self.recheck_button.setVisible(False)
        if isinstance(error, AuthError):
            self._show_failure(error)
        elif http_transient(error) is not None and not isinstance(error, httpx.TransportError):
            self._show_error(StatusKind.ERROR, self._busy_text)
        else:
            offline = isinstance(error, httpx.TransportError)

            def text() -> str:
                words = self.tr("We couldn't read your organisation's details from Microsoft.")
                if offline:
                    return words + " " + self.tr("Check your internet connection, then try again.")
                return words + " " + self.tr("Try again in a moment.")

            self._show_error(StatusKind.ERROR, text, None if offline else error)
        self.retry_button.setVisible(True)
        self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_sign_in_failed(self, error: BaseException) -> None:
        self._notice_no_browser = False
        problem = error.problem if isinstance(error, AuthError) else None
        if problem is AuthProblem.NO_BROWSER:
            self.sign_in_with_code(because_no_browser=True)
            return
        self._enter(self._fallback_state())
        if problem is AuthProblem.CANCELLED:
            self.sign_in_status.clear()
        else:
            self._show_failure(error)
        self._focus_default()

    def _on_signed_out(self, _result: object) -> None:
        self._account = None
        self._enter(SignInState.CHOICES)
        self._show_error(StatusKind.INFO, lambda: self.tr("You're signed out. Sign in again to go on."))
        self._focus_default()

    def _on_sign_out_failed(self, error: BaseException) -> None:
        self._account = None
        self._enter(SignInState.CHOICES)
        self._show_error(
            StatusKind.WARNING,
            lambda: self.tr("You're signed out, but the sign-in couldn't be removed from this computer."),
            error,
        )
        self._focus_default()

    # --- the token cache ------------------------------------------------------------------------------

    def _load_cache_mode(self) -> None:
        auth = self._auth

        async def run() -> CacheMode:
            return await asyncio.to_thread(lambda: auth.cache_mode)

        self._cache_job = self._runner.submit(
            run(), name="token cache mode", on_success=self._on_cache_mode, on_failure=self._on_cache_failed
        )

    def _on_cache_mode(self, mode: object) -> None:
        self._cache_job = None
        if isinstance(mode, CacheMode):
            self._cache_mode = mode
        self._show_cache_mode()

    def _on_cache_failed(self, error: BaseException) -> None:
        self._cache_job = None
        log.warning("Could not open the token cache: %s", error)
        self._cache_mode = CacheMode.MEMORY_ONLY
        self._show_cache_mode()

    def _remember_toggled(self, checked: bool) -> None:
        if self._cache_mode is None or self._cache_job is not None:
            return
        wanted = CacheMode.PLAINTEXT_FILE if checked else CacheMode.MEMORY_ONLY
        if wanted is self._cache_mode:
            return
        auth = self._auth

        async def run() -> CacheMode:
            return await asyncio.to_thread(auth.set_plaintext_cache, checked)

        self.remember_insecurely_checkbox.setEnabled(False)
        self._cache_job = self._runner.submit(
            run(),
            name="token cache choice",
            on_success=self._on_cache_mode,
            on_failure=self._on_cache_switch_failed,
        )

    def _on_cache_switch_failed(self, error: BaseException) -> None:
        self._cache_job = None
        log.warning("Could not change where the sign-in is kept: %s", error)
        self._show_cache_mode()
        self.token_cache_notice.setText(
            self.token_cache_notice.text()
            + " "
            + self.tr("The file for your sign-in couldn't be written, so nothing changed.")
        )

    def _show_prompt(self) -> None:
        """The device code's link, code and deadline, in the language now installed."""
        prompt = self._prompt
        if prompt is None:
            return
        url = prompt.verification_uri
        self.verification_link.setText(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        self.verification_link.setAccessibleName(self.tr("Open {url} in your browser").format(url=url))
        self.device_code_label.setText(prompt.user_code)
        self.device_code_label.setAccessibleName(
            self.tr("Your code: {code}").format(code=" ".join(prompt.user_code))
        )
        until = QDateTime.fromSecsSinceEpoch(int(prompt.expires_at)).time()
        self._step_three.setText(
            self.tr(
                "3.  Sign in there with your administrator account. This window carries on by itself. "
                "The code works until {time}."
            ).format(time=QLocale().toString(until, QLocale.FormatType.ShortFormat))
        )

    def _show_cache_mode(self) -> None:
        mode = self._cache_mode
        box = self.remember_insecurely_checkbox
        box.blockSignals(True)
        box.setChecked(mode is CacheMode.PLAINTEXT_FILE)
        box.blockSignals(False)
        box.setVisible(mode in (CacheMode.MEMORY_ONLY, CacheMode.PLAINTEXT_FILE))
        box.setEnabled(self._state not in _AUTH_RUNNING)
        if mode is CacheMode.ENCRYPTED:
            text = self.tr("Your sign-in is kept encrypted on this computer.")
        elif mode is CacheMode.MEMORY_ONLY:
            text = self.tr(
                "This computer has no secure place where the wizard can keep your sign-in, so it won't "
                "remember you after you close it: you'll sign in again next time."
            )
        elif mode is CacheMode.PLAINTEXT_FILE:
            text = self.tr(
                "Your sign-in is remembered in a file on this computer that only your user account can read. "
                "It isn't encrypted: untick the box to forget it when you close the wizard."
            )
        else:
            text = ""
        self.token_cache_notice.setText(text)
        self.token_cache_notice.setAccessibleName(text)
        self.token_cache_notice.setVisible(bool(text))
        self._rule.setVisible(bool(text))

    # --- what the user sees -------------------------------------------------------------------------

    def _show_facts(self, facts: TenantFacts) -> None:
        self._enter(SignInState.SIGNED_IN)
        self._word_facts(facts)
        user = facts.user
        self.recheck_button.setVisible(False)
        self._approval.setVisible(False)
        self._access.setVisible(False)
        if self._wrong_tenant(facts):
            self.role_status.show_status(
                StatusKind.ERROR,
                lambda: self.tr(
                    "This account belongs to {org}, not to {expected}. Choose “Use another account” and "
                    "sign in with an account of {expected}."
                ).format(org=facts.initial_domain or facts.display_name, expected=self._expected_tenant),
            )
        elif facts.roles.allowed:
            role = facts.roles.granted_by
            self.role_status.show_status(
                StatusKind.OK,
                lambda: self.tr("You can add users: you're a {role}.").format(role=self._role_name(role)),
            )
        elif not facts.roles.known:
            # Graph did not say which roles they hold (the limited view): let them try, Microsoft decides.
            self.role_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "We couldn't check your role in {org}, so you can try: adding users works if you're a "
                    "Global Administrator or User Administrator."
                ).format(org=facts.display_name or facts.initial_domain or ""),
            )
        elif facts.roles.eligible:
            # Eligible in PIM but not active: they can fix it themselves, no administrator needed.
            self.role_status.show_status(
                StatusKind.WARNING,
                lambda: self.tr(
                    "You are eligible for {role} but the role is not active. Activate it in Microsoft Entra "
                    "(Privileged Identity Management), then sign in again or choose “Check again”."
                ).format(role=self._either(facts.roles.eligible)),
            )
            self.recheck_button.setVisible(True)
        else:

            def text() -> str:
                words = self.tr(
                    "{name} isn't allowed to add users to {org}. You need the {roles} role. A Global "
                    "Administrator of your organisation can give it to you in the Microsoft 365 admin "
                    "center, under Roles. Then choose “Check again”, or use another account."
                ).format(
                    name=user.display_name or user.user_principal_name,
                    org=facts.display_name or facts.initial_domain or "",
                    roles=self._either(facts.roles.missing),
                )
                if not facts.roles.eligibility_known:
                    words += " " + self.tr(
                        "If your role is managed in Privileged Identity Management, the wizard can't see "
                        "whether you are eligible for it: activate it in Microsoft Entra first."
                    )
                return words

            self.role_status.show_status(StatusKind.ERROR, text)
            self.recheck_button.setVisible(True)
        if (
            facts.roles.may_try
            and not self._wrong_tenant(facts)
            and not self._auth.has_scopes(DIRECTORY_SCOPES)
        ):
            self.access_status.show_status(
                StatusKind.INFO,
                lambda: self.tr(
                    "To add people and set their passwords, the wizard needs permission to create users "
                    "and reset passwords in {org}. Microsoft asks for it once; it may need an "
                    "administrator's approval."
                ).format(org=facts.display_name or facts.initial_domain or ""),
            )
            self.allow_access_button.setVisible(True)
            self._access.setVisible(True)
        self.completeChanged.emit()
        self._focus_default()

    def _word_facts(self, facts: TenantFacts) -> None:
        """The organisation, its domain and who signed in, in the language installed now."""
        self.tenant_org_label.setText(facts.display_name or self.tr("(no name)"))
        self.tenant_domain_label.setText(facts.initial_domain or facts.default_domain or "—")
        user = facts.user
        who = user.user_principal_name
        if user.display_name and user.display_name != who:
            who = self.tr("{name} ({username})").format(name=user.display_name, username=who)
        self.signed_in_user_label.setText(who)
        for label in (self.tenant_org_label, self.tenant_domain_label, self.signed_in_user_label):
            label.setAccessibleName(f"{label.property('caption')}: {label.text()}")

    def _either(self, roles: Sequence[KnownRole]) -> str:
        """ "User Administrator", or "Global Administrator or User Administrator"."""
        names = [self._role_name(role) for role in roles]
        if len(names) > 1:
            return self.tr("{first} or {last}").format(first=self.tr(", ").join(names[:-1]), last=names[-1])
        return names[-1] if names else ""

    def _role_name(self, role: KnownRole | None) -> str:
        names = {
            KnownRole.GLOBAL_ADMINISTRATOR: self.tr("Global Administrator"),
            KnownRole.USER_ADMINISTRATOR: self.tr("User Administrator"),
            KnownRole.PRIVILEGED_ROLE_ADMINISTRATOR: self.tr("Privileged Role Administrator"),
            KnownRole.GLOBAL_READER: self.tr("Global Reader"),
        }
        return names.get(role, self.tr("administrator")) if role is not None else self.tr("administrator")

    def _busy_text(self) -> str:
        """Microsoft kept answering "try again later" (throttled or an outage), through every retry."""
        return self.tr(
            "Microsoft is busy right now and didn't answer, even after several tries. Wait a minute, "
            "then try again."
        )

    def _show_failure(self, error: BaseException) -> None:
        """An error in words a partner understands, with what to do next; details only when unknown."""
        if not isinstance(error, AuthError):
            self._show_error(
                StatusKind.ERROR,
                lambda: self.tr(
                    "Something went wrong while signing in. Try again; if it keeps happening, send the "
                    "details below to Call2Teams support."
                ),
                error,
            )
            return
        tenant = self._expected_tenant
        problem = error.problem
        code_expired = self._prompt is not None
        if self._auth_failure_words(problem, tenant, code_expired=code_expired):
            self._show_error(
                StatusKind.ERROR, lambda: self._auth_failure_words(problem, tenant, code_expired=code_expired)
            )
        else:
            self._show_error(
                StatusKind.ERROR,
                lambda: self.tr(
                    "Something went wrong while signing in. Try again; if it keeps happening, send the "
                    "details below to Call2Teams support."
                ),
                error,
            )

    def _auth_failure_words(self, problem: AuthProblem, tenant: str, *, code_expired: bool) -> str:
        """What went wrong signing in, in the language now installed ("" when the problem is unknown)."""
        messages: dict[AuthProblem, str] = {
            AuthProblem.TIMED_OUT: self.tr(
                "Signing in took too long, so we stopped waiting. Please try again."
            ),
            AuthProblem.CONSENT_DENIED: self.tr(
                "The wizard needs your permission to add users. You (or your organisation's administrator) "
                "need to accept the permissions Microsoft shows. Sign in again and choose “Accept”."
            ),
            AuthProblem.ADMIN_APPROVAL_NEEDED: self.tr(
                "Only an administrator can allow the wizard in your organisation: a Global Administrator, "
                "Privileged Role Administrator, Cloud Application Administrator or Application "
                "Administrator. Ask one of them to sign in here once and tick “Consent on behalf of your "
                "organization”, then try again."
            ),
            AuthProblem.ADMIN_APPROVAL_REQUESTED: self.tr(
                "A request to allow the wizard was sent to your organisation's administrators. Once one of "
                "them has approved it, try again."
            ),
            AuthProblem.MFA_REQUIRED: self.tr(
                "Your organisation asks for a second step when you sign in (for example a code on your "
                "phone). Choose “Sign in with Microsoft”: the browser lets you complete it."
            ),
            AuthProblem.CONDITIONAL_ACCESS: self.tr(
                "Your organisation's security rules blocked this sign-in. Ask your IT administrator to "
                "allow it, or try again from a computer your organisation manages."
            ),
            AuthProblem.WRONG_CREDENTIALS: self.tr(
                "Microsoft didn't accept that username and password, or the account is locked or "
                "disabled. Check them and try again."
            ),
            AuthProblem.TENANT_NOT_FOUND: (
                self.tr(
                    "Microsoft doesn't know the organisation {tenant} yet. If you've just created it, "
                    "wait a minute and try again; otherwise go back and check its name."
                ).format(tenant=tenant)
                if tenant
                else self.tr("Microsoft couldn't find your organisation. Check the account and try again.")
            ),
            AuthProblem.NETWORK: self.tr(
                "We couldn't reach Microsoft. Check your internet connection, then try again."
            ),
            AuthProblem.SERVICE_BUSY: self._busy_text(),
            AuthProblem.INTERACTION_REQUIRED: self.tr("Please sign in again."),
            AuthProblem.NO_BROWSER: self.tr(
                "Your browser couldn't be opened. Choose “Sign in with a code instead”."
            ),
        }
        if problem is AuthProblem.USER_NOT_FOUND:
            return (
                self.tr(
                    "This account isn't in the organisation {tenant}. Sign in with an account of that "
                    "organisation."
                ).format(tenant=tenant)
                if tenant
                else self.tr("Microsoft couldn't find this account. Check the username and try again.")
            )
        if problem is AuthProblem.TIMED_OUT and code_expired:
            return self.tr("The code has expired. Choose “Sign in with a code instead” to get a new one.")
        return messages.get(problem, "")

    def _show_error(
        self, kind: StatusKind, text: str | Callable[[], str], details_of: BaseException | None = None
    ) -> None:
        self.sign_in_status.show_status(kind, text)
        self.cancel_sign_in_button.setVisible(self._state in _CANCELLABLE)
        self._set_details(_details(details_of) if details_of is not None else "")

    def _busy(self, text: str | Callable[[], str]) -> None:
        self.sign_in_status.show_status(StatusKind.BUSY, text)
        self.cancel_sign_in_button.setVisible(self._state in _CANCELLABLE)
        self._set_details("")

    def _set_details(self, text: str) -> None:
        self.details_label.setText(text)
        self.details_button.setVisible(bool(text))
        self.details_button.setChecked(False)
        self.details_label.setVisible(False)

    def _toggle_details(self, shown: bool) -> None:
        self.details_label.setVisible(shown and bool(self.details_label.text()))
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _enter(self, state: SignInState) -> None:
        self._state = state
        if state is not SignInState.DEVICE_CODE:
            self._prompt = None
        panel = {
            SignInState.CHOICES: self._choices,
            SignInState.BROWSER: self._browser,
            # The code panel shows once Microsoft has given a code.
            SignInState.DEVICE_CODE: self._device if self._prompt is not None else self._empty,
            SignInState.SIGNED_IN: self._signed_in,
            SignInState.FACTS_FAILED: self._signed_in,
            SignInState.SIGNING_OUT: self._signed_in,
        }.get(state, self._empty)
        self._show_panel(panel)
        self.cancel_sign_in_button.setVisible(state in _CANCELLABLE)
        self.retry_button.setVisible(False)
        idle = state not in _AUTH_RUNNING and state is not SignInState.LOADING
        for button in (self.switch_account_button, self.sign_out_button, self.recheck_button):
            button.setEnabled(idle)
        if state not in (SignInState.SIGNED_IN, SignInState.SIGNING_OUT):
            self.role_status.clear()
        self.remember_insecurely_checkbox.setEnabled(state not in _AUTH_RUNNING)
        self.completeChanged.emit()

    def _show_panel(self, panel: QWidget) -> None:
        for other in (self._choices, self._browser, self._device, self._signed_in, self._empty):
            if other is not panel:
                other.setVisible(False)
        panel.setVisible(panel is not self._empty)
        self._panels.setVisible(panel is not self._empty)

    def _focus_default(self) -> None:
        if not self.isVisible():
            return
        if self._state is SignInState.CHOICES:
            self.sign_in_button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self._state is SignInState.SIGNED_IN:
            wizard = self.wizard()
            target: QWidget | None = None
            if self.isComplete() and wizard is not None:
                for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
                    button = wizard.button(which)
                    if button.isVisible() and button.isEnabled():
                        target = button
                        break
            if target is None and self._access.isVisible() and self.allow_access_button.isVisible():
                target = self.allow_access_button
            if target is None:
                target = (
                    self.recheck_button if self.recheck_button.isVisible() else self.switch_account_button
                )
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refresh_demo_choice(self) -> None:
        available = self._sandbox and self._demo_account is not None
        self._choices_layout.setRowVisible(self.demo_sign_in_button, available)
        if available and self._demo_account is not None:
            self._demo_hint.setText(
                self.tr("Practice only: signs in as {username}, without a browser.").format(
                    username=self._demo_account[0]
                )
            )

    def _subtitle(self) -> str:
        if self._expected_tenant:
            return self.tr(
                "Sign in with the administrator account of {tenant}. The wizard then checks that you're "
                "allowed to add users."
            ).format(tenant=self._expected_tenant)
        return self.tr(
            "Sign in with your organisation's administrator account. The wizard then checks that you're "
            "allowed to add users."
        )

    def _target(self) -> SignInTarget:
        demo = self._demo_account[0] if self._demo_account is not None else None
        return sign_in_target(self._onboarding, demo)

    def _wrong_tenant(self, facts: TenantFacts) -> bool:
        return is_wrong_tenant(self._onboarding, self._expected_tenant, facts)

    def _fallback_state(self) -> SignInState:
        """Where a cancelled or failed attempt returns to: the facts of whoever is still signed in, or the
        choices."""
        if self._facts is not None and self._auth.signed_in is not None:
            return SignInState.SIGNED_IN
        return SignInState.CHOICES

    # --- jobs ---------------------------------------------------------------------------------------

    def _start(
        self,
        work: Coroutine[Any, Any, Any] | Callable[[Callable[[object], None]], Coroutine[Any, Any, Any]],
        name: str,
        *,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        on_progress: Callable[[object], None] | None = None,
    ) -> None:
        """Run ``work`` as the page's one current job; answers from any earlier job are ignored."""
        self._stop_running()
        generation = self._generation

        def succeeded(result: object) -> None:
            if generation == self._generation:
                self._job = None
                on_success(result)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._job = None
                on_failure(error)

        def progressed(value: object) -> None:
            if generation == self._generation and on_progress is not None:
                on_progress(value)

        self._job = self._runner.submit(
            work, name=name, on_success=succeeded, on_failure=failed, on_progress=progressed
        )

    def _stop_running(self) -> None:
        """Forget the current job; a browser or code still waiting is told to stop."""
        self._generation += 1
        job, self._job = self._job, None
        if job is not None and not job.done:
            self._auth.cancel()
            job.cancel()

    # --- small builders -------------------------------------------------------------------------------

    def _fact(self, name: str) -> QLabel:
        label = BreakableLabel("—", self._signed_in)  # a long address wraps after "@" and before "."
        label.setObjectName(name)
        # The row's width, not a wrapping label's guess at a pleasing one (which wraps short names too).
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _choice_button(self, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(self._choices)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _secondary(self, name: str, parent: QWidget | None = None) -> QLabel:
        label = QLabel(parent or self._choices)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        make_secondary(label)
        return label


def _details(error: BaseException) -> str:
    """A short technical line for the "Details" disclosure (never a token or a password)."""
    if isinstance(error, AuthError):
        return redact(str(error))[:_MAX_DETAIL]
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return redact(f"{type(error).__name__}: {text}" if text else type(error).__name__)[:_MAX_DETAIL]
