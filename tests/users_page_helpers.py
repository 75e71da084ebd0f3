"""Shared by the Users page tests: a signed-in administrator on the sandbox, and the page in a bare wizard."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from conftest import Sandbox
from helpers.hosted import HostedPage
from helpers.sandbox_web import grant_consent, sign_up
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QProgressBar, QPushButton, QWizard, QWizardPage
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Endpoints
from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.domain.roles import TenantFacts
from c2t_wizard.services.auth import DIRECTORY_SCOPES, SIGN_IN_SCOPES, AuthService
from c2t_wizard.services.backend import Backend
from c2t_wizard.services.directory import DirectoryService
from c2t_wizard.services.graph import GraphSession
from c2t_wizard.services.journal import Journal
from c2t_wizard.services.tenant_info import load_tenant_facts
from c2t_wizard.ui.pages.users import UsersPage, UsersTable
from c2t_wizard.ui.runner import ServiceRunner
from c2t_wizard.ui.users_model import Column, UsersModel
from c2t_wizard.ui.widgets import StatusLine

APP_MAIL_SCOPES = ("Mail.Send", "Mail.Read", "Mail.ReadBasic")
"""What the mail step asks for (sending, and looking into Sent Items and the Inbox)."""
WAIT = 20_000


class CountingDirectory(DirectoryService):
    """The real directory service, remembering every username the page asked about, and in which batches."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []
        self.batches: list[list[str]] = []

    async def is_username_free(self, upn: str, *, max_wait: float = 10.0) -> bool | None:
        self.asked.append(upn.lower())
        return await super().is_username_free(upn, max_wait=max_wait)

    async def usernames_free(self, upns: Iterable[str], *, max_wait: float = 10.0) -> dict[str, bool | None]:
        batch = list(upns)
        self.batches.append([upn.lower() for upn in batch])
        self.asked.extend(upn.lower() for upn in batch)
        return await super().usernames_free(batch, max_wait=max_wait)


@dataclass
class Admin:
    """A signed-in administrator of one sandbox tenant, with the services the page needs."""

    backend: Backend
    auth: AuthService
    graph: GraphSession
    facts: TenantFacts
    journal: Journal
    directory: CountingDirectory
    tenant_name: str
    admin_upn: str
    extra: list[Any] = field(default_factory=list)


def sign_in(
    runner: ServiceRunner,
    sandbox: Sandbox,
    tmp_path: Path,
    *,
    fresh: bool,
    journal_path: Path | None = None,
    demo_account: str = "admin",
) -> Admin:
    """The demo administrator (contoso; ``demo_account="user_admin"``: its User Administrator), or the first
    administrator of a freshly signed-up tenant."""
    if fresh:
        prefix = "users" + uuid.uuid4().hex[:10]
        account = sign_up(sandbox.base, organisation=f"Users Test {prefix}", prefix=prefix)
        username, password = account["upn"], account["password"]
        # As if its Global Administrator had consented for the organisation (control API shortcut).
        grant_consent(sandbox.base, prefix, " ".join((*SIGN_IN_SCOPES, *DIRECTORY_SCOPES, *APP_MAIL_SCOPES)))
    else:
        demo = sandbox.info["demo"][demo_account]
        username, password = str(demo["username"]), str(demo["password"])
    backend = Backend(Endpoints.from_sandbox_line(sandbox.info))
    auth = AuthService(backend, cache_dir=tmp_path / "cache")
    graph = GraphSession(backend, auth)

    async def start() -> TenantFacts:
        account = await auth.sign_in_with_password(username, password)
        return await load_tenant_facts(await graph.client(), scopes=account.scopes)

    facts = runner.call(start(), timeout=60)
    journal = Journal.open(journal_path or tmp_path / "journal.sqlite3")
    directory = CountingDirectory(graph, journal)
    return Admin(
        backend, auth, graph, facts, journal, directory, str(facts.initial_domain), str(username).lower()
    )


def close_admin(runner: ServiceRunner, admin: Admin) -> None:
    async def close() -> None:
        await admin.graph.aclose()
        await admin.backend.aclose()

    runner.call(close(), timeout=10)
    admin.journal.close()


class Hosted(HostedPage[UsersPage]):
    """The Users page in a bare wizard (a page after it, so Next is a real Next)."""

    @property
    def model(self) -> UsersModel:
        return self.page.model

    @property
    def table(self) -> UsersTable:
        return self.child(UsersTable, "users_table")

    @property
    def problems(self) -> QListWidget:
        return self.child(QListWidget, "users_problems")

    @property
    def progress(self) -> QProgressBar:
        return self.child(QProgressBar, "creation_progress")

    @property
    def counts(self) -> str:
        return str(self.child(QLabel, "creation_counts").text())

    def status(self, name: str = "creation_status") -> StatusLine:
        return self.child(StatusLine, name)

    def button(self, name: str) -> QPushButton:
        return self.child(QPushButton, name)

    @property
    def next_enabled(self) -> bool:
        return self.wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    def cell(self, row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.model.data(self.model.index(row, column), role)

    def statuses(self) -> list[str]:
        return [str(self.cell(row, Column.STATUS)) for row in range(self.model.rowCount())]


def host(
    qtbot: QtBot,
    runner: ServiceRunner,
    admin: Admin | None,
    *,
    choose_file: Any = None,
    choose_save_path: Any = None,
    debounce_ms: int = 150,
) -> Hosted:
    onboarding = Onboarding(choice=StartChoice.DEMO)
    if admin is not None:
        onboarding.tenant_facts = admin.facts
        onboarding.tenant_id = admin.facts.tenant_id
    wizard = QWizard()
    wizard.setMinimumSize(760, 560)
    page = UsersPage(
        onboarding,
        runner,
        admin.directory if admin else None,
        admin.journal if admin else None,
        choose_file=choose_file,
        choose_save_path=choose_save_path,
        debounce_ms=debounce_ms,
    )
    wizard.addPage(page)
    wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return Hosted(wizard, page, onboarding)


def sandbox_users(sandbox: Sandbox, tenant_domain: str) -> list[str]:
    """Every userPrincipalName in the tenant, as the sandbox stores them (lower-cased)."""
    response = httpx.get(f"{sandbox.base}/_sandbox/tenants", timeout=10, trust_env=False)
    response.raise_for_status()
    for tenant in response.json()["tenants"]:
        if tenant["name"].lower() == tenant_domain.lower():
            return [str(user["upn"]).lower() for user in tenant["users"]]
    raise AssertionError(f"no tenant {tenant_domain}")


def iter_rows(hosted: Hosted) -> Iterator[int]:
    return iter(range(hosted.model.rowCount()))
