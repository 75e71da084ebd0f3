"""The onboarding wizard: pages declared once, services injected, branching in ``nextId()``."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, Signal, SignalInstance
from PySide6.QtWidgets import QWidget, QWizard

from c2t_wizard.domain.onboarding import JourneyStep, Onboarding, StartChoice

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from c2t_wizard.domain.journey_map import MapStep
    from c2t_wizard.services.auth import AuthService
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.services.journey import RunProgress
    from c2t_wizard.ui.history import HistoryDialog
    from c2t_wizard.ui.journey_map import JourneyMap
    from c2t_wizard.ui.pages.credentials import CredentialsPage
    from c2t_wizard.ui.pages.portal import PortalPage
    from c2t_wizard.ui.pages.sign_in import SignInPage
    from c2t_wizard.ui.pages.summary import SummaryPage
    from c2t_wizard.ui.pages.users import UsersPage
    from c2t_wizard.ui.services import Services


class PageId(IntEnum):
    WELCOME = 0
    TENANT_NAME = 10
    SIGNUP = 20
    SIGN_IN = 30
    USERS = 40
    CREDENTIALS = 50
    PORTAL = 60
    SUMMARY = 70


MAP_PLACE_WIDTH = 170
"""The journey map's usual width, kept free for it before the first paint."""


@functools.cache
def page_steps() -> dict[int, MapStep]:
    """Each page after Welcome and its step on the journey map (asked for once the map is there, after the
    first paint, which need not wait for the journey map's module)."""
    from c2t_wizard.domain.journey_map import MapStep

    return {
        PageId.TENANT_NAME: MapStep.TENANT,
        PageId.SIGNUP: MapStep.SIGNUP,
        PageId.SIGN_IN: MapStep.SIGN_IN,
        PageId.USERS: MapStep.USERS,
        PageId.CREDENTIALS: MapStep.PASSWORDS,
        PageId.PORTAL: MapStep.PORTAL,
        PageId.SUMMARY: MapStep.SUMMARY,
    }


class StoppablePage(Protocol):
    """A page whose work must not be cut off mid-batch when the window closes."""

    work_ended: SignalInstance
    """Emitted when the page's work has stopped (finished, failed or stopped)."""

    def work_in_progress(self) -> str | None:
        """What is running, in a sentence for the partner; None when nothing is."""

    def stop_work(self) -> None:
        """Stop after what is on the wire has been answered and recorded."""


def open_in_browser(url: str) -> bool:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl(url))


def platform_wizard_style(platform: str) -> QWizard.WizardStyle:
    """The platform's wizard look (``sys.platform``): Mac's own on macOS, the modern header with its banner
    and logo elsewhere (Windows, Linux)."""
    return QWizard.WizardStyle.MacStyle if platform == "darwin" else QWizard.WizardStyle.ModernStyle


class OnboardingWizard(QWizard):
    """From "no Microsoft tenant" to "my staff are administrators in the Call2Teams portal".

    Only the Welcome page is built with the window; the pages that talk to services are built by
    ``install_services`` (the app calls it once the window has painted, so nothing slow comes before the
    partner sees the wizard; given services at construction, it is called at once).

    Signals:
        demo_requested(): the partner chose the demo while the app talks to Microsoft; the app restarts
            itself on the sandbox (the demo never touches a real tenant).
        language_requested(str): the partner chose another language on the Welcome page; the app installs
            it and remembers it (every page retranslates itself on the LanguageChange event).
    """

    demo_requested = Signal()
    language_requested = Signal(str)

    def __init__(
        self,
        services: Services | None = None,
        onboarding: Onboarding | None = None,
        parent: QWidget | None = None,
        open_url: Callable[[str], bool] = open_in_browser,
    ) -> None:
        super().__init__(parent)
        from c2t_wizard.ui.pages.welcome import WelcomePage

        self.setObjectName("OnboardingWizard")
        self._sandbox_mark = False
        self._retranslate_title()
        self.setWizardStyle(platform_wizard_style(sys.platform))
        # The journey map, the icon and the logo come with the services, after the first paint (their
        # modules, the SVG plugin and the painter classes would delay it by tens of ms); until then an
        # empty widget keeps the map's place so the page does not move when it arrives.
        self.journey_map: JourneyMap | None = None
        self._map_place = QWidget(self)
        self._map_place.setFixedWidth(MAP_PLACE_WIDTH)
        self.setSideWidget(self._map_place)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(760, 560)
        self.onboarding = onboarding or Onboarding()
        self._open_url = open_url
        self._services: Services | None = None
        self.sign_in_page: SignInPage | None = None
        self.users_page: UsersPage | None = None
        self.credentials_page: CredentialsPage | None = None
        self.portal_page: PortalPage | None = None
        self.summary_page: SummaryPage | None = None
        self._close_question: QMessageBox | None = None
        self._close_after_stop: int | None = None
        """The result to close with once the pages have stopped (the partner chose to stop and close)."""
        self.welcome_page = WelcomePage(self.onboarding, self)
        self.welcome_page.continue_requested.connect(self.continue_offered_run)
        self.welcome_page.close_offer_requested.connect(self.close_offered_run)
        self.welcome_page.more_people_requested.connect(self.onboard_more_people)
        self.welcome_page.history_requested.connect(self.show_history)
        self.welcome_page.language_chosen.connect(self.language_requested)
        self.welcome_page.completeChanged.connect(self.update_journey_map)
        self.setPage(PageId.WELCOME, self.welcome_page)
        self.setStartId(PageId.WELCOME)
        self.offered_run: RunProgress | None = None
        """The unfinished run offered on the Welcome page (``services.journey.resume_offer``)."""
        self.history_dialog: HistoryDialog | None = None
        self._keep_sign_in = False
        """"Onboard more people": the Welcome page leads straight to the Users page (same sign-in)."""
        self._remembered_username = ""
        """An account remembered from an earlier session (the token cache), before anyone signed in."""
        self.currentIdChanged.connect(self._on_page_changed)
        self.currentIdChanged.connect(self._focus_visible_widget)
        if services is not None:
            self.install_services(services)

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the wizard's services are not installed yet")
        return self._services

    @property
    def has_services(self) -> bool:
        return self._services is not None

    def install_services(self, services: Services) -> None:
        """Build the pages that talk to services; once."""
        if self._services is not None:
            return
        self._services = services
        # The header's title and subtitle grow with large text from here on: looking for the header's labels
        # makes PySide6 build every QtWidgets enum, which the first paint must not wait for.
        from c2t_wizard.ui.scrolling import fit_wizard_header

        fit_wizard_header(self).fit()
        # Imported here: page modules (and the services they use) load after the first paint.
        from c2t_wizard.ui.pages.sign_in import SignInPage
        from c2t_wizard.ui.pages.signup import SignupPage
        from c2t_wizard.ui.pages.tenant_name import TenantNamePage
        from c2t_wizard.ui.pages.users import UsersPage

        open_url = self._open_url
        self.setPage(
            PageId.TENANT_NAME,
            TenantNamePage(self.onboarding, services.runner, services.discovery, self),
        )
        self.setPage(
            PageId.SIGNUP,
            SignupPage(
                self.onboarding,
                services.runner,
                services.discovery,
                services.backend,
                open_url=open_url,
                parent=self,
            ),
        )
        self.sign_in_page = SignInPage(
            self.onboarding,
            services.runner,
            services.auth,
            services.graph,
            open_url=open_url,
            parent=self,
            sandbox=services.sandbox,
            demo_account=services.demo_account,
        )
        self.setPage(PageId.SIGN_IN, self.sign_in_page)
        self.users_page = UsersPage(
            self.onboarding, services.runner, services.directory, services.journal, parent=self
        )
        self.setPage(PageId.USERS, self.users_page)
        if services.delivery is not None:
            from c2t_wizard.ui.pages.credentials import CredentialsPage

            self.credentials_page = CredentialsPage(
                self.onboarding,
                services.runner,
                services.delivery,
                journal=lambda: self.services.journal,
                open_url=open_url,
                parent=self,
            )
            self.setPage(PageId.CREDENTIALS, self.credentials_page)
        from c2t_wizard.ui.pages.portal import PortalPage

        portal = services.portal
        if portal is None:
            from c2t_wizard.services.portal_guided import GuidedPortal

            portal = services.portal = GuidedPortal(open_url)
        self.portal_page = PortalPage(
            self.onboarding,
            services.runner,
            portal,
            journal=lambda: self.services.journal,
            open_url=open_url,
            parent=self,
            delivery=services.delivery,
        )
        self.setPage(PageId.PORTAL, self.portal_page)
        from c2t_wizard.ui.pages.summary import SummaryPage

        self.summary_page = SummaryPage(
            self.onboarding,
            services.runner,
            journal=lambda: self.services.journal,
            directory=lambda: self.services.directory,
            delivery=services.delivery,
            portal=lambda: self.services.portal,
            parent=self,
        )
        self.setPage(PageId.SUMMARY, self.summary_page)
        self.summary_page.more_people_requested.connect(self.onboard_more_people)
        self.sign_in_page.completeChanged.connect(self._signed_in_for_more_people)
        self._show_journey_map()
        if services.journal is not None:
            self._look_for_unfinished_run()
        self._look_for_remembered_sign_in()

    def set_demo_account(self, account: tuple[str, str] | None) -> None:
        """The sandbox's demo administrator, once the sandbox has said who it is."""
        self.services.demo_account = account
        if self.sign_in_page is not None:
            self.sign_in_page.set_demo_account(account)

    def validateCurrentPage(self) -> bool:
        if self._services is None:  # a click before the first paint finished: nothing to go to yet
            return False
        if (
            self.currentId() == PageId.WELCOME
            and self.onboarding.choice is StartChoice.DEMO
            and not self.services.sandbox
        ):
            self.demo_requested.emit()
            return False
        return super().validateCurrentPage()

    # --- closing while something runs ------------------------------------------------------------------

    def _stoppable_pages(self) -> list[StoppablePage]:
        pages = (self.users_page, self.credentials_page, self.portal_page, self.summary_page)
        return [page for page in pages if page is not None]

    def work_in_progress(self) -> list[str]:
        """What the pages are doing that closing would cut off, in sentences."""
        return [what for page in self._stoppable_pages() if (what := page.work_in_progress()) is not None]

    def done(self, result: int) -> None:
        """Every way out (Cancel, Escape, the window's close button, Finish) comes here: while users are
        being created or mail sent, ask first, and close only once the running batch has ended."""
        running = self.work_in_progress()
        if not running:
            self._close_after_stop = None
            super().done(result)
            return
        if self._close_after_stop is not None:
            return  # already stopping: the window closes by itself when the work has ended
        if self._close_question is None:
            self._ask_to_stop(running, result)

    def _ask_to_stop(self, running: list[str], result: int) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setObjectName("close_while_busy")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Stop and close?"))
        box.setText(" ".join([*running, self.tr("Stop after the current batch?")]))
        box.setInformativeText(
            self.tr(
                "What was already sent is finished and recorded first, so nobody is created or mailed "
                "twice. You can go on with the rest next time."
            )
        )
        stop = box.addButton(self.tr("&Stop and close"), QMessageBox.ButtonRole.AcceptRole)
        stop.setObjectName("stop_and_close_button")
        keep = box.addButton(self.tr("&Keep going"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keep_going_button")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def answered() -> None:
            self._close_question = None
            box.deleteLater()
            if box.clickedButton() == stop:
                self._stop_and_close(result)

        box.finished.connect(answered)
        self._close_question = box
        box.open()

    def _stop_and_close(self, result: int) -> None:
        self._close_after_stop = result
        for page in self._stoppable_pages():
            page.work_ended.connect(self._close_if_stopped)
            if page.work_in_progress() is not None:
                page.stop_work()
        self._close_if_stopped()

    def _close_if_stopped(self) -> None:
        if self._close_after_stop is None or self.work_in_progress():
            return
        for page in self._stoppable_pages():
            page.work_ended.disconnect(self._close_if_stopped)
        self.done(self._close_after_stop)

    def set_users_services(self, directory: DirectoryService | None, journal: Journal | None) -> None:
        """The directory and the journal, once the app has opened them."""
        self.services.directory = directory
        self.services.journal = journal
        if self.users_page is not None:
            self.users_page.set_services(directory, journal)
        self._look_for_unfinished_run()

    # --- resume, history, more people ---------------------------------------------------------------

    def _look_for_unfinished_run(self) -> None:
        """Ask the journal for an unfinished run to offer on the Welcome page (service thread)."""
        journal = self.services.journal
        self.welcome_page.set_history_available(journal is not None)
        if journal is None or self.onboarding.resume_answered:
            return
        from c2t_wizard.services.journey import resume_offer

        async def look() -> RunProgress | None:
            return resume_offer(journal)

        self.services.runner.submit(look(), name="look for an unfinished run", on_success=self._offer_run)

    def _look_for_remembered_sign_in(self) -> None:
        """An account in the token cache: the Welcome page offers "Onboard more people" there (the Sign-in
        page then signs in silently and the wizard goes on to the Users page by itself)."""

        def remembered(usernames: object) -> None:
            names = [str(name) for name in usernames if name] if isinstance(usernames, list) else []
            if names and self.onboarding.tenant_facts is None:
                self._remembered_username = names[0]
                if self.currentId() == PageId.WELCOME:
                    self.welcome_page.show_signed_in(names[0].rpartition("@")[2])

        auth: AuthService | None = self.services.auth
        if auth is None:  # a test's wizard without sign-in
            return
        self.services.runner.submit(
            auth.cached_accounts(),
            name="remembered sign-in",
            on_success=remembered,
            on_failure=lambda _error: None,  # no cache to read: the shortcut is simply not offered
        )

    def _signed_in_for_more_people(self) -> None:
        """Signed in again silently for "Onboard more people": straight on to the Users page."""
        page = self.sign_in_page
        if (
            self._keep_sign_in
            and page is not None
            and self.currentId() == PageId.SIGN_IN
            and page.isComplete()
        ):
            self.next()

    def _offer_run(self, progress: object) -> None:
        from c2t_wizard.services.journey import RunProgress

        if self.onboarding.resume_answered:
            return
        self.offered_run = progress if isinstance(progress, RunProgress) else None
        self.welcome_page.show_offer(self.offered_run)

    def resume_page(self) -> PageId:
        """The page of the continued run's first step with work left."""
        step = self.onboarding.resume_step
        if step is JourneyStep.CREATE or step is None:
            return PageId.USERS
        if step is JourneyStep.DELIVER and self.credentials_page is not None:
            return PageId.CREDENTIALS
        if step in (JourneyStep.DELIVER, JourneyStep.INVITE):
            return PageId.PORTAL
        return PageId.SUMMARY

    def continue_offered_run(self) -> None:
        """Continue the offered run: sign in to its organisation (unless signed in there already), then
        the first page with work left."""
        run = self.offered_run
        if run is None or not self.has_services:
            return
        self.onboarding.continue_run(run.run_id, run.tenant_id, run.domain, run.next_step)
        self.offered_run = None
        self.welcome_page.show_offer(None)
        self._keep_sign_in = False
        self.next()

    def close_offered_run(self) -> None:
        """The partner is done with the offered run: closed in the journal (kept in the history)."""
        run, journal = self.offered_run, self.services.journal if self.has_services else None
        self.offered_run = None
        self.onboarding.resume_answered = True
        self.welcome_page.show_offer(None)
        if run is None or journal is None:
            return
        from c2t_wizard.services.journey import close_runs

        async def close() -> None:
            close_runs(journal, [run.run_id])

        self.services.runner.submit(close(), name="close the offered run", essential=True)

    def onboard_more_people(self) -> None:
        """A new run in the same organisation and portal account, without signing in again: back to the
        Users page with an empty list (through a silent sign-in when the account is only remembered)."""
        if self.users_page is None or self.work_in_progress():
            return
        if self.onboarding.tenant_facts is None:
            if not self._remembered_username:
                return
            self.onboarding.start_new_run()
            self.onboarding.signed_in_username = self._remembered_username
            self.onboarding.resume_domain = self._remembered_username.rpartition("@")[2]
        else:
            self.onboarding.start_new_run()
        self.offered_run = None
        self.welcome_page.show_offer(None)
        self._keep_sign_in = True
        if self.currentId() != PageId.WELCOME:
            self.restart()
        self.users_page.start_new_list()
        self.next()

    def show_history(self) -> None:
        journal = self.services.journal if self.has_services else None
        if journal is None:
            return
        from c2t_wizard.ui.history import HistoryDialog

        if self.history_dialog is not None:
            self.history_dialog.close()
            self.history_dialog.deleteLater()
        self.history_dialog = dialog = HistoryDialog(self.services.runner, journal, parent=self)
        dialog.load()
        dialog.open()

    def _show_journey_map(self) -> None:
        """The journey map beside the pages, the window's icon and the header's logo (after first paint)."""
        from c2t_wizard.ui.journey_map import JourneyMap
        from c2t_wizard.ui.theme import app_icon, logo_pixmap

        self.setWindowIcon(app_icon())
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, logo_pixmap(48, self.devicePixelRatioF()))
        self.journey_map = JourneyMap(self)
        self.setSideWidget(self.journey_map)
        self._map_place.deleteLater()
        self.update_journey_map()

    def mark_sandbox(self) -> None:
        """Say in the window's title that this is the sandbox (nothing real is changed)."""
        self._sandbox_mark = True
        self._retranslate_title()

    def _retranslate_title(self) -> None:
        title = self.tr("Call2Teams onboarding")
        if self._sandbox_mark:
            title = f"{title} — {self.tr('SANDBOX')}"
        self.setWindowTitle(title)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_title()
        super().changeEvent(event)

    def update_journey_map(self) -> None:
        """Show where the partner is among the seven steps (decided by ``domain.journey_map``)."""
        if self.journey_map is None:
            return
        from c2t_wizard.domain.journey_map import journey_map

        steps = page_steps()
        current = steps.get(self.currentId())
        passed = [steps[page] for page in self.visitedIds() if page in steps]
        self.journey_map.set_entries(
            journey_map(
                current,
                passed,
                self.onboarding.choice,
                resume_step=self.onboarding.resume_step,
                passwords_offered=self.credentials_page is not None or not self.has_services,
            )
        )

    def _on_page_changed(self, page_id: int) -> None:
        self.update_journey_map()
        if page_id == PageId.WELCOME:
            facts = self.onboarding.tenant_facts
            if facts is not None:
                self.welcome_page.show_signed_in(facts.display_name or facts.default_domain)
            else:
                self.welcome_page.show_signed_in(self._remembered_username.rpartition("@")[2] or None)
        elif page_id == PageId.USERS:
            self._keep_sign_in = False  # arrived: Back and Next again take the usual way

    def _focus_visible_widget(self) -> None:
        """Where QWizard leaves the focus on a new page is not always where anyone can see it: on the page's
        first focusable child even when that is hidden (the Users page's resume banner, when there is
        nothing to resume), or still on the page just left (its table, now hidden). The keys would then
        go to a widget nobody sees. The focus moves to the page's first visible, enabled widget in the Tab
        order, else to Next/Finish."""
        # Called as the page is being shown: "visible" means visible once the page is.
        focused = self.focusWidget()
        page: QWidget | None = self.currentPage()  # None once the wizard has finished
        if focused is None or page is None:
            return
        if page.isAncestorOf(focused):
            fine = focused.isVisibleTo(page)
        else:  # the wizard's own buttons are fine; another page's widgets are hidden
            fine = focused.isVisibleTo(self) and not any(
                other.isAncestorOf(focused) for other in map(self.page, self.pageIds())
            )
        if fine and focused.isEnabled():
            return
        from PySide6.QtCore import Qt  # only here: the Qt namespace's enums would delay the first paint

        candidate = page.nextInFocusChain()
        while candidate is not None and candidate is not page:
            takes_tab = candidate.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
            if (
                takes_tab
                and page.isAncestorOf(candidate)
                and candidate.isVisibleTo(page)
                and candidate.isEnabled()
            ):
                candidate.setFocus(Qt.FocusReason.TabFocusReason)
                return
            candidate = candidate.nextInFocusChain()
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
            button = self.button(which)
            if button.isVisibleTo(self) and button.isEnabled():
                button.setFocus(Qt.FocusReason.TabFocusReason)
                return

    def nextId(self) -> int:
        current = self.currentId()
        if current == PageId.WELCOME:
            onboarding = self.onboarding
            facts = onboarding.tenant_facts
            if facts is not None and self._keep_sign_in:
                return int(PageId.USERS)
            if (
                facts is not None
                and onboarding.resume_step is not None
                and facts.tenant_id.lower() == (onboarding.resume_tenant_id or "").lower()
            ):
                return int(self.resume_page())  # signed in there already: straight on
            if onboarding.choice is StartChoice.NEW_TENANT:
                return int(PageId.TENANT_NAME)
            return int(PageId.SIGN_IN)
        if current == PageId.TENANT_NAME:
            return int(PageId.SIGNUP)
        if current == PageId.SIGNUP:
            return int(PageId.SIGN_IN)
        if current == PageId.SIGN_IN:
            if self.onboarding.resume_step is not None:
                return int(self.resume_page())
            return int(PageId.USERS)
        if current == PageId.USERS:
            if self.credentials_page is not None:
                return int(PageId.CREDENTIALS)
            return int(PageId.PORTAL) if self.portal_page is not None else -1
        if current == PageId.CREDENTIALS:
            return int(PageId.PORTAL) if self.portal_page is not None else -1
        if current == PageId.PORTAL:
            return int(PageId.SUMMARY) if self.summary_page is not None else -1
        if current == PageId.SUMMARY:
            return -1
        return super().nextId()
