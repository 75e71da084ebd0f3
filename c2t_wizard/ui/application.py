"""The running app: QApplication, service thread, backend (Microsoft or sandbox), services and the wizard."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from c2t_wizard.config import Config, Endpoints
from c2t_wizard.services.auth import AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.graph import GraphSession, warm_up_graph_models
from c2t_wizard.services.sandbox_process import SandboxProcess
from c2t_wizard.services.tenant_discovery import TenantDiscovery
from c2t_wizard.ui.errors import ErrorReporter
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.wizard import OnboardingWizard, Services

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
        if translator.load(locale, name, "_", directory):
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


class WizardApplication:
    """Owns everything one run of the app needs, and tears it all down in order."""

    def __init__(
        self,
        config: Config,
        argv: Sequence[str] = ("c2t-wizard",),
        *,
        show_error_dialogs: bool = True,
        open_url: Any = None,
        auth_options: dict[str, Any] | None = None,
    ) -> None:
        self.config = config
        existing = QApplication.instance()
        self.qapp: QApplication = existing if isinstance(existing, QApplication) else QApplication(list(argv))
        self.qapp.setApplicationName("c2t-wizard")
        self.qapp.setOrganizationName("Call2Teams")
        self.qapp.setApplicationDisplayName(self.qapp.tr("Call2Teams onboarding"))
        self.translators = install_translations(self.qapp, config.language)

        self.errors = ErrorReporter(show_dialogs=show_error_dialogs)
        self.errors.install()
        # The service thread, the sandbox and msgraph's warm-up start once the window has painted
        # (start_services): nothing slow happens before the partner sees the wizard.
        self.runner = ServiceRunner()
        self.runner.unhandled.connect(lambda exc, name: self.errors.report(exc, where=name))
        self.sandbox: SandboxProcess | None = None
        if config.sandbox:
            self.backend = Backend()
            self.sandbox = SandboxProcess(
                config.sandbox_state or config.fresh_sandbox_state(), faults=config.sandbox_faults
            )
        else:
            self.backend = Backend(config.endpoints)

        auth = AuthService.from_config(config, self.backend, **(auth_options or {}))
        self.services = Services(
            runner=self.runner,
            backend=self.backend,
            discovery=TenantDiscovery(self.backend),
            auth=auth,
            graph=GraphSession(self.backend, auth),
            sandbox=config.sandbox,
        )
        kwargs: dict[str, Any] = {}
        if open_url is not None:
            kwargs["open_url"] = open_url
        self.wizard = OnboardingWizard(self.services, **kwargs)
        if config.sandbox:
            self.wizard.setWindowTitle(self.wizard.windowTitle() + " — " + self.qapp.tr("SANDBOX"))
        self.errors.set_window(self.wizard)
        self.qapp.aboutToQuit.connect(self.shutdown)
        self._closed = False
        self._first_paint = FirstPaint(self.wizard, self.start_services)

    async def _close_services(self) -> None:
        await self.services.graph.aclose()
        await self.backend.aclose()

    def _sandbox_ready(self, info: object) -> None:
        assert isinstance(info, dict)
        self.backend.provide(Endpoints.from_sandbox_line(info))

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
        if self.runner.running or self._closed:
            return
        log.info("Wizard shown; starting services")
        self.runner.start()
        if self.sandbox is not None:
            self.sandbox.spawn()
            self.runner.submit(
                self.sandbox.wait_ready(),
                name="start sandbox",
                on_success=self._sandbox_ready,
                on_failure=self._sandbox_failed,
            )
        # msgraph's first deserialisation costs ~2 s: pay it now, off the GUI thread, not when the user waits.
        self.runner.submit(
            warm_up_graph_models(), name="warm up Graph models", on_failure=self._warm_up_failed
        )

    def _warm_up_failed(self, error: BaseException) -> None:
        log.warning("Warming up Graph models failed: %s", error)

    def shutdown(self) -> None:
        """Stop the service thread and the sandbox; idempotent."""
        if self._closed:
            return
        self._closed = True
        self.wizard.close()
        # The sandbox first: a job still waiting for its ready line then ends at once.
        if self.sandbox is not None:
            self.sandbox.stop()
        self.runner.shutdown(cleanup=self._close_services)
        self.errors.uninstall()
        for translator in self.translators:
            self.qapp.removeTranslator(translator)
        log.info("Stopped")
