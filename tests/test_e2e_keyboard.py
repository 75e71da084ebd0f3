"""The whole journey on the sandbox, Welcome to Summary, from the keyboard alone: every action is a key sent
to the widget that has the focus (Tab and Shift+Tab to move, Space and Return to press, typing, Alt+mnemonics,
Alt+N for Next); nothing is clicked and no value is set from the test. On each page the focus must be
somewhere sensible once the page has opened: on a visible, enabled widget of that page or on the wizard's
Next/Finish button, never lost and never outside the window."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.wizard_run import WAIT, Run
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Config
from c2t_wizard.domain.portal import PortalRole
from c2t_wizard.services.delivery import DeliveryMethod
from c2t_wizard.services.journal import InvitationState
from c2t_wizard.ui.pages.credentials import CredentialsPage, RowState
from c2t_wizard.ui.pages.portal import PortalPage
from c2t_wizard.ui.pages.sign_in import SignInPage, SignInState
from c2t_wizard.ui.pages.summary import SummaryPage
from c2t_wizard.ui.pages.users import UsersPage, UsersState
from c2t_wizard.ui.users_model import Column
from c2t_wizard.ui.wizard import PageId

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"),
]

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TAB_LIMIT = 80
"""Tab presses to reach a widget at most: more means it is not in the focus chain (or a trap holds the
focus)."""


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    names = []
    while widget is not None:
        names.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return " < ".join(names)


class Keyboard:
    """The partner's hands on the keyboard: keys go to the focused widget, which must be in the wizard."""

    def __init__(self, qtbot: QtBot, run: Run) -> None:
        self.qtbot = qtbot
        self.run = run

    @property
    def wizard(self) -> QWizard:
        return self.run.wizard

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "the focus is lost"
        assert widget is self.wizard or self.wizard.isAncestorOf(widget), (
            f"the focus is outside the wizard: {describe(widget)}"
        )
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focus(), key, modifier)

    def alt(self, letter: str) -> None:
        """Alt+letter: a label's or a button's mnemonic."""
        self.press(getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)

    def tab_to(self, target: QWidget, *, backwards: bool = False) -> None:
        """Tab (or Shift+Tab) until ``target`` has the focus; it must be reached within TAB_LIMIT presses."""
        seen: list[str] = []
        for _ in range(TAB_LIMIT):
            if self.focus() is target:
                return
            seen.append(describe(self.focus()))
            self.press(
                Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab,
                SHIFT if backwards else Qt.KeyboardModifier.NoModifier,
            )
        assert self.focus() is target, f"{describe(target)} not reached by Tab; went through {seen}"

    def next_page(self, expected: PageId) -> None:
        """Alt+N, QWizard's mnemonic for Next; the wizard must then show ``expected``."""
        next_button = self.wizard.button(QWizard.WizardButton.NextButton)
        self.qtbot.waitUntil(next_button.isEnabled, timeout=WAIT)
        assert "&N" in next_button.text()
        self.alt("N")  # a mnemonic "clicks" as the button's animation ends, a moment later
        self.qtbot.waitUntil(lambda: self.wizard.currentId() == expected, timeout=WAIT)

    def assert_focus_on_page(self) -> QWidget:
        """The focus once a page has opened: a visible, enabled widget on the page, or Next/Finish."""
        page = self.wizard.currentPage()
        buttons = [
            self.wizard.button(which)
            for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton)
        ]

        def sensible() -> None:
            widget = self.focus()
            assert widget.isVisible(), describe(widget)
            assert widget.isEnabled(), describe(widget)
            assert page.isAncestorOf(widget) or widget in buttons, (
                f"on {page.objectName()} the focus is on {describe(widget)}"
            )

        self.qtbot.waitUntil(sensible, timeout=WAIT)
        return self.focus()


def wait_for(qtbot: QtBot, condition: Callable[[], bool], what: str) -> None:
    def check() -> None:
        assert condition(), what

    qtbot.waitUntil(check, timeout=WAIT)


def test_whole_journey_from_the_keyboard_alone(qtbot: QtBot, config: Config) -> None:
    run = Run(qtbot, config)
    keys = Keyboard(qtbot, run)
    tag = "kbd"  # the app's own sandbox is new for this test: nobody else has these names
    people = [
        # first, last, own username ("" = the one suggested from the names), work email
        ("Kira", "Keys", "", f"kira.{tag}@example.com"),
        ("Tab", "Walker", f"tab.{tag}", f"tab.walker.{tag}@example.org"),
    ]
    try:
        run.start()
        wizard = run.wizard
        wait_for(qtbot, lambda: wizard.has_services, "the pages are built")

        # --- Welcome: "I already have one" by its mnemonic, Next by Alt+N --------------------------------
        assert wizard.currentId() == PageId.WELCOME
        keys.assert_focus_on_page()
        existing = wizard.currentPage().findChild(QAbstractButton, "choice_existing_tenant")
        assert existing is not None
        keys.alt("A")
        wait_for(qtbot, existing.isChecked, "Alt+A chooses “I already have one”")
        assert existing.hasFocus()
        keys.next_page(PageId.SIGN_IN)

        # --- Sign in: the demo administrator by Alt+D; Return on Next ------------------------------------
        sign_in = wizard.currentPage()
        assert isinstance(sign_in, SignInPage)
        wait_for(qtbot, lambda: sign_in.state is SignInState.CHOICES, "the sign-in choices")
        wait_for(qtbot, sign_in.demo_sign_in_button.isVisible, "the demo sign-in (the sandbox is ready)")
        assert keys.assert_focus_on_page() is sign_in.sign_in_button
        keys.alt("D")

        def signed_in() -> None:
            assert sign_in.state is SignInState.SIGNED_IN, (sign_in.state, sign_in.sign_in_status.text())
            assert sign_in.isComplete()

        qtbot.waitUntil(signed_in, timeout=WAIT)
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        qtbot.waitUntil(next_button.hasFocus, timeout=WAIT)  # signed in: the way on has the focus
        keys.press(Qt.Key.Key_Return)
        assert wizard.currentId() == PageId.USERS

        # --- Users: two people typed into the table, created by Alt+C -----------------------------------
        users = wizard.currentPage()
        assert isinstance(users, UsersPage)
        wait_for(qtbot, lambda: run.app.services.journal is not None, "the journal is open")
        keys.assert_focus_on_page()
        table = users.users_table
        editing = QAbstractItemView.State.EditingState
        assert users.model.rowCount() == 1  # the page starts with an empty row, ready to type into
        for number, (first, last, username, email) in enumerate(people):
            if number == 0:
                keys.alt("P")  # the table's label: the table, on the empty row's first cell
                assert keys.focus() is table
                assert (table.currentIndex().row(), table.currentIndex().column()) == (0, Column.FIRST_NAME)
                keys.press(Qt.Key.Key_Return)  # Return edits the cell
            else:
                keys.alt("A")  # Add person: a new row, editing its first name
            wait_for(qtbot, lambda: table.state() == editing, "a cell editor")
            row = table.currentIndex().row()
            assert row == number
            assert table.currentIndex().column() == Column.FIRST_NAME
            keys.type(first)
            keys.press(Qt.Key.Key_Tab)
            keys.type(last)
            keys.press(Qt.Key.Key_Tab)  # the display name follows the names
            keys.press(Qt.Key.Key_Tab)
            assert table.currentIndex().column() == Column.USERNAME
            if username:
                keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
                keys.type(username)
            keys.press(Qt.Key.Key_Tab)  # past the domain: the organisation has only one, nothing to choose
            assert table.currentIndex().column() == Column.EMAIL
            keys.type(email)
            keys.press(Qt.Key.Key_Return)
            wait_for(qtbot, lambda: table.state() != editing, "Return ends editing")
            assert keys.focus() is table
            model = users.model
            assert model.index(row, Column.FIRST_NAME).data() == first
            assert model.index(row, Column.EMAIL).data() == email
        create = users.create_users_button
        wait_for(qtbot, create.isEnabled, "Create users is offered once the usernames are checked")
        keys.alt("C")
        wait_for(qtbot, lambda: users.state is UsersState.EDITING and users.isComplete(), "people created")
        keys.assert_focus_on_page()  # the work is done: the focus is still somewhere to go on from
        keys.next_page(PageId.CREDENTIALS)

        # --- Credentials: sent from the admin's mailbox by Alt+S ----------------------------------------
        credentials = wizard.currentPage()
        assert isinstance(credentials, CredentialsPage)
        wait_for(
            qtbot, lambda: not credentials.busy and len(credentials.rows) == 2, "the people to hand over to"
        )
        keys.assert_focus_on_page()
        assert credentials.method is DeliveryMethod.SEND_MAIL
        keys.alt("S")
        wait_for(
            qtbot,
            lambda: [r.state for r in credentials.rows] == [RowState.DELIVERED] * 2 and not credentials.busy,
            "both messages sent",
        )
        keys.assert_focus_on_page()
        keys.next_page(PageId.PORTAL)

        # --- Portal: a customer account, the first person its administrator, invited by Alt+I ----------
        portal = wizard.currentPage()
        assert isinstance(portal, PortalPage)
        wait_for(
            qtbot,
            lambda: not portal.busy and len(portal.rows) == 2 and len(portal.accounts) == 3,
            "accounts and people",
        )
        keys.assert_focus_on_page()
        keys.alt("A")  # the account's label
        combo = portal.portal_account_combo
        assert keys.focus() is combo
        for _ in portal.accounts:
            if portal.accounts[combo.currentIndex()].parent_id is not None:
                break
            keys.press(Qt.Key.Key_Down)
        account = portal.accounts[combo.currentIndex()]
        assert account.parent_id is not None, "Down reaches a customer account"
        keys.alt("P")  # the people
        assert keys.focus() is portal.portal_table
        keys.press(Qt.Key.Key_Down)
        keys.press(Qt.Key.Key_Up)
        assert portal.portal_table.selectionModel().selectedRows() != []
        assert {i.row() for i in portal.portal_table.selectionModel().selectedRows()} == {0}
        owner = portal.role_boxes[PortalRole.ACCOUNT_OWNER]
        keys.tab_to(owner, backwards=True)
        keys.press(Qt.Key.Key_Space)
        assert owner.isChecked()
        keys.alt("I")
        wait_for(
            qtbot,
            lambda: not portal.busy and [r.state for r in portal.rows] == [InvitationState.INVITED] * 2,
            "both invited",
        )
        assert keys.assert_focus_on_page() is portal.portal_table  # Stop has gone: the people, with the news
        assert portal.rows[0].roles == frozenset({PortalRole.ACCOUNT_OWNER, PortalRole.SERVICE_CONTRIBUTOR})
        keys.next_page(PageId.SUMMARY)

        # --- Summary: everyone done; Finish by Alt+F ---------------------------------------------------
        summary = wizard.currentPage()
        assert isinstance(summary, SummaryPage)
        wait_for(qtbot, lambda: not summary.busy and len(summary.rows) == 2, "the summary")
        keys.assert_focus_on_page()
        assert all(p.ok for p in summary.rows), [p.problems for p in summary.rows]
        assert [p.invitation.status for p in summary.rows] == ["invited"] * 2
        # What was typed is what was done: names, the username typed over the suggestion, the emails.
        done = {p.email: p for p in summary.rows}
        assert set(done) == {email for *_, email in people}
        kira, walker = (done[email] for *_, email in people)
        assert (kira.display_name, walker.display_name) == ("Kira Keys", "Tab Walker")
        assert walker.username.lower().startswith(f"tab.{tag}@")
        journal = run.app.services.journal
        assert journal is not None
        invitations = [r for run_id in wizard.onboarding.user_run_ids for r in journal.invitations(run_id)]
        assert {r.account_id for r in invitations} == {account.id}  # the customer account chosen by Down
        finish = wizard.button(QWizard.WizardButton.FinishButton)
        wait_for(qtbot, finish.isEnabled, "Finish")
        keys.alt("F")
        wait_for(qtbot, lambda: not wizard.isVisible(), "Finish closes the wizard")
        assert wizard.result() == QWizard.DialogCode.Accepted
        assert run.reported == []
    finally:
        run.app.shutdown()
