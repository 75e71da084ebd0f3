"""The running app: QApplication, service thread, backend (Microsoft or sandbox), services and the wizard."""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
)
from PySide6.QtWidgets import QApplication

from c2t_wizard.config import SETTINGS_FILE_NAME, Config, Endpoints, write_setting
from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.logging_setup import start_rotating
from c2t_wizard.ui.wizard import OnboardingWizard

if TYPE_CHECKING:
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.graph import GraphSession
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.services.sandbox_process import SandboxProcess
    from c2t_wizard.ui.collector import GuiThreadCollector
    from c2t_wizard.ui.errors import ErrorReporter
    from c2t_wizard.ui.runner import ServiceRunner
    from c2t_wizard.ui.services import Services
    from c2t_wizard.ui.theme import ColorSchemeFollower

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"


def install_translations(app: QApplication, language: str | None) -> list[QTranslator]:
    """Load Qt's own and our translations for ``language`` (default: the system's)."""
    locale = QLocale(language) if language else QLocale.system()
    QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, directory in (("qtbase", qt_dir), ("c2t_wizard", str(TRANSLATIONS_DIR))):
        translator = QTranslator(app)
        loaded = translator.load(locale, name, "_", directory)
        if not loaded and name == "c2t_wizard":
            # No catalog for this language (or the "C" locale of a bare system): the texts stay English,
            # with English's own plural forms ("1 person", "2 people"), which only a catalog gives.
            loaded = translator.load("c2t_wizard_en", directory)
        if loaded:
            app.installTranslator(translator)
            installed.append(translator)
    return installed


class FirstPaint(QObject):
    """Calls ``callback`` once, when ``window`` first paints."""

    def __init__(self, window: QObject, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._callback: Callable[[], None] | None = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._callback is not None and event.type() == QEvent.Type.Paint:
            callback, self._callback = self._callback, None
            # Let the paint finish before doing anything else.
            QTimer.singleShot(0, callback)
        return False


def _start_detached(program: str, arguments: list[str]) -> bool:
    from PySide6.QtCore import QProcess  # rarely needed: not worth its enums before the first paint

    started, _pid = QProcess.startDetached(program, arguments)
    return bool(started)


async def _open_users_services(config: Config, graph: GraphSession) -> tuple[Journal, DirectoryService]:
    """The journal (SQLite: file I/O) and the directory, opened on the service thread; their modules are
    imported here too, so the first paint never waits for them. (A plain function: nothing of the GUI's is
    held by a coroutine on the service thread.)"""
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.journal import Journal

    journal = Journal.open(Journal.default_path(config.paths))
    return journal, DirectoryService(graph, journal)


class WizardApplication:
    """Owns everything one run of the app needs, and tears it all down in order.

    Only the window (QApplication, translations, the wizard with its Welcome page) is built before the first
    paint. The error reporter, the service thread, the collector, the backend and the sandbox's process are
    built when first asked for, which ``start_services`` does on the first paint: their modules cost 2.8% of
    a bare PySide6 wizard's start-up (18 of its 631 million instructions, valgrind), which the partner
    would otherwise wait for (``benchmarks/startup.py``).
    """

    def __init__(
        self,
        config: Config,
        argv: Sequence[str] = ("c2t-wizard",),
        *,
        show_error_dialogs: bool = True,
        open_url: Any = None,
        auth_options: dict[str, Any] | None = None,
        demo: bool = False,
        launch_detached: Callable[[str, list[str]], bool] | None = None,
        freeze_start: bool = False,
    ) -> None:
        """``freeze_start``: move what exists at the first paint (and after msgraph's warm-up) out of the
        collector's way for good, as ``app.main`` does; tests, which build many apps in one process, don't."""
        self.config = config
        self._freeze = freeze_start
        self._show_error_dialogs = show_error_dialogs
        existing = QApplication.instance()
        self.qapp: QApplication = existing if isinstance(existing, QApplication) else QApplication(list(argv))
        self.qapp.setApplicationName("c2t-wizard")
        self.qapp.setOrganizationName("Call2Teams")
        self.theme: ColorSchemeFollower | None = None
        """Follows the system's light or dark scheme from the first paint on (start_services)."""
        self.translators = install_translations(self.qapp, config.language)
        self.qapp.setApplicationDisplayName(
            QCoreApplication.translate("OnboardingWizard", "Call2Teams onboarding")
        )

        # The service thread, the sandbox and msgraph's warm-up start once the window has painted
        # (start_services): nothing slow happens before the partner sees the wizard.
        self._auth_options = auth_options or {}
        self.services: Services | None = None
        kwargs: dict[str, Any] = {}
        self._open_url = open_url
        if open_url is not None:
            kwargs["open_url"] = open_url
        onboarding = Onboarding(choice=StartChoice.DEMO) if demo else Onboarding()
        # Only the Welcome page now; the services and the other pages come with start_services().
        self.wizard = OnboardingWizard(None, onboarding, **kwargs)
        self._launch_detached = launch_detached or _start_detached
        self.quit: Callable[[], None] = QApplication.quit
        self.wizard.demo_requested.connect(self.restart_as_demo)
        self.wizard.language_requested.connect(self.set_language)
        if config.sandbox:
            self.wizard.mark_sandbox()
        self.qapp.aboutToQuit.connect(self.shutdown)
        self._closed = False
        self._first_paint = FirstPaint(self.wizard, self.start_services)

    @cached_property
    def errors(self) -> ErrorReporter:
        """Logs every error and shows it once (installed as the excepthooks from when it is built)."""
        from c2t_wizard.ui.errors import ErrorReporter

        errors = ErrorReporter(show_dialogs=self._show_error_dialogs)
        errors.install()
        return errors

    @cached_property
    def runner(self) -> ServiceRunner:
        """The service thread (started by ``start_services``)."""
        from c2t_wizard.ui.runner import ServiceRunner

        runner = ServiceRunner()
        runner.unhandled.connect(lambda exc, name: self.errors.report(exc, where=name))
        return runner

    @cached_property
    def collector(self) -> GuiThreadCollector:
        """Garbage is collected on the GUI thread only, from the first paint on: see collector.py."""
        from c2t_wizard.ui.collector import GuiThreadCollector

        return GuiThreadCollector(self.qapp)

    @cached_property
    def backend(self) -> Backend:
        """Microsoft's endpoints, or the sandbox's once it has said where it listens."""
        from c2t_wizard.services.backend import Backend

        return Backend() if self.config.sandbox else Backend(self.config.endpoints)

    @cached_property
    def sandbox(self) -> SandboxProcess | None:
        """The sandbox's process (spawned by ``start_services``), or None when the app talks to Microsoft."""
        if not self.config.sandbox:
            return None
        from c2t_wizard.services.sandbox_process import SandboxProcess

        config = self.config
        return SandboxProcess(
            config.sandbox_state or config.fresh_sandbox_state(), faults=config.sandbox_faults
        )

    def _built(self, name: str) -> bool:
        """Whether the cached property ``name`` has been built."""
        return name in self.__dict__

    def set_language(self, language: str) -> None:
        """Switch the wizard to ``language`` now (every page retranslates itself) and remember it."""
        for translator in self.translators:
            self.qapp.removeTranslator(translator)
        self.translators = install_translations(self.qapp, language)
        self.qapp.setApplicationDisplayName(
            QCoreApplication.translate("OnboardingWizard", "Call2Teams onboarding")
        )
        self.config = self.config._replace(language=language)
        path = self.config.paths.settings_dir / SETTINGS_FILE_NAME

        async def remember() -> None:
            write_setting(path, "language", language)

        if self._built("runner") and self.runner.running:
            self.runner.submit(remember(), name="remember the language", essential=True)
        else:  # before the first paint: nothing else is running yet
            write_setting(path, "language", language)
        log.info("Language switched to %s", language)

    def _opener(self, url: str) -> bool:
        """Open ``url`` in the browser (or what a test put in its place)."""
        if self._open_url is not None:
            return bool(self._open_url(url))
        from c2t_wizard.ui.wizard import open_in_browser

        return open_in_browser(url)

    def _build_services(self) -> Services:
        """The services the pages talk to; their modules load here, after the first paint."""
        from c2t_wizard.services.auth import AuthService
        from c2t_wizard.services.delivery import DeliveryService
        from c2t_wizard.services.graph import GraphSession
        from c2t_wizard.services.portal_api import make_portal_backend
        from c2t_wizard.services.portal_guided import guided_from_environment
        from c2t_wizard.services.tenant_discovery import TenantDiscovery
        from c2t_wizard.ui.services import Services

        config = self.config
        auth = AuthService.from_config(config, self.backend, **self._auth_options)
        graph = GraphSession(self.backend, auth)
        portal = make_portal_backend(
            config, self.backend, authenticator=auth, guided=lambda: guided_from_environment(self._opener)
        )
        return Services(
            runner=self.runner,
            backend=self.backend,
            discovery=TenantDiscovery(self.backend),
            auth=auth,
            graph=graph,
            sandbox=config.sandbox,
            delivery=DeliveryService(
                graph, auth, self.backend, sandbox=config.sandbox, client_id=config.client_id
            ),
            portal=portal,
        )

    def _users_services_ready(self, opened: tuple[Journal, DirectoryService]) -> None:
        journal, directory = opened
        if self._closed:
            journal.close()
            return
        self.wizard.set_users_services(directory, journal)
        # The first batch should not pay for msgraph's batch serialisation while the partner watches.
        self.runner.submit(directory.warm_up(), name="warm up user creation", on_failure=self._warm_up_failed)

    def _journal_failed(self, error: BaseException) -> None:
        self.errors.report(error, where="opening the journal")

    async def _close_services(self) -> None:
        if self.services is not None:
            await self.services.graph.aclose()
        await self.backend.aclose()
        if self.services is not None and self.services.journal is not None:
            self.services.journal.close()

    def restart_as_demo(self) -> None:
        """The demo never touches Microsoft: start the app anew on the sandbox, and close this instance."""
        arguments = ["-m", "c2t_wizard", "--demo", "--log-level", self.config.log_level]
        if self.config.language:
            arguments += ["--lang", self.config.language]
        if self._launch_detached(sys.executable, arguments):
            log.info("Restarting as the demo")
            self.wizard.close()
            self.quit()
        else:
            self.errors.report(RuntimeError("could not start the demo"), where="the demo")

    def _sandbox_ready(self, info: object) -> None:
        assert isinstance(info, dict)
        self.backend.provide(Endpoints.from_sandbox_line(info))
        demo = info.get("demo")
        if isinstance(demo, dict) and isinstance(demo.get("admin"), dict):
            admin = demo["admin"]
            self.wizard.set_demo_account((str(admin["username"]), str(admin["password"])))

    def _sandbox_failed(self, error: BaseException) -> None:
        self.backend.fail(error)
        self.errors.report(error, where="the sandbox")

    def show(self) -> None:
        self.wizard.show()

    def run(self) -> int:
        if os.environ.get("C2T_QUIT_AFTER_FIRST_PAINT"):
            self._quit_probe = FirstPaint(self.wizard, self._report_first_paint_and_quit)
        self.show()
        return self.qapp.exec()

    def _report_first_paint_and_quit(self) -> None:
        """The diagnostic behind C2T_QUIT_AFTER_FIRST_PAINT (benchmarks/startup.py, the smoke test):
        report the first paint, start the services as usual, and quit at once (exercising shutdown)."""
        sys.stdout.write(f"first-paint {time.monotonic():.6f}\n")
        sys.stdout.flush()
        self.start_services()
        QApplication.quit()

    def start_services(self) -> None:
        """Start the service thread, the sandbox and msgraph's warm-up; idempotent (called on first paint)."""
        if self._closed or self.runner.running:
            return
        log.info("Wizard shown; starting services")
        # The error reporter first: it reports (and shows over the window) what goes wrong from here on.
        self.errors.set_window(self.wizard)
        if self._freeze:  # app.main() held collection off until now: see there
            gc.freeze()
        self.collector.start()
        # Light or dark as the system says, and the icon: asking for the scheme builds the Qt namespace's
        # enums and the icon loads the SVG plugin, which the first paint must not wait for.
        from c2t_wizard.ui.theme import ColorSchemeFollower, app_icon

        self.qapp.setWindowIcon(app_icon())
        self.theme = ColorSchemeFollower(self.qapp)
        self.theme.start()
        start_rotating()
        self.runner.start()
        self.services = services = self._build_services()
        self.wizard.install_services(services)
        if self.sandbox is not None:
            self.sandbox.spawn()
            self.runner.submit(
                self.sandbox.wait_ready(),
                name="start sandbox",
                on_success=self._sandbox_ready,
                on_failure=self._sandbox_failed,
            )
        self.runner.submit(
            _open_users_services(self.config, services.graph),
            name="open the journal",
            on_success=self._users_services_ready,
            on_failure=self._journal_failed,
        )
        # msgraph's client imports: pay them now, off the GUI thread, not when the user waits.
        from c2t_wizard.services.graph import warm_up_graph_models

        self.runner.submit(
            warm_up_graph_models(),
            name="warm up Graph models",
            on_success=self._warmed_up,
            on_failure=self._warm_up_failed,
        )

    def _warmed_up(self, _fields: object) -> None:
        # msgraph's and kiota's long-lived objects would make every full garbage collection stall the
        # window (up to 170 ms with msgraph's whole model graph); move them out of the collector's way.
        if self._freeze:
            gc.freeze()

    def _warm_up_failed(self, error: BaseException) -> None:
        log.warning("Warming up Graph models failed: %s", error)

    def shutdown(self) -> None:
        """Stop the service thread and the sandbox; idempotent."""
        if self._closed:
            return
        self._closed = True
        self.wizard.close()
        # The sandbox first: a job still waiting for its ready line then ends at once. What was never built
        # (the app closed before its first paint) has nothing to stop.
        if self._built("sandbox") and self.sandbox is not None:
            self.sandbox.stop()
        if self._built("runner"):
            self.runner.shutdown(cleanup=self._close_services)
        if self._built("collector"):
            self.collector.stop()
        if self.theme is not None:
            self.theme.stop()
        if self._built("errors"):
            self.errors.uninstall()
        for translator in self.translators:
            self.qapp.removeTranslator(translator)
        log.info("Stopped")
