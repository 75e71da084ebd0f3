"""``c2t-wizard onboard``: the whole onboarding from a CSV file, without a window.

The same services as the wizard (``services.onboarding_run``): sign in, create the people, hand over their
sign-in details, invite them into the Call2Teams portal, write the report. Never imports QtWidgets, so it
runs on a server without display libraries; and no Qt at all unless a welcome sheet is asked for
(``--deliver pdf:PATH``: then ``c2t_wizard.sheet_pdf``, QtGui on the offscreen platform, draws it).
Exit status: 0 every person ended well, 1 some did not (the report and the last lines say who), 2 bad input
or usage (nothing sent).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from c2t_wizard import __version__
from c2t_wizard.config import Config, Endpoints
from c2t_wizard.domain.csv_import import CsvImport, CsvProblem, parse_users_csv
from c2t_wizard.domain.portal import PortalRole
from c2t_wizard.logging_setup import setup_logging

if TYPE_CHECKING:
    from c2t_wizard.domain.welcome_message import WelcomeMessage
    from c2t_wizard.services.auth import AuthService, DeviceCodePrompt
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.services.onboarding_run import OnboardingResult, RunEvent

log = logging.getLogger("c2t_wizard.onboard")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_EXAMPLES = """\
examples:
  c2t-wizard onboard --users staff.csv --role service_viewer
      sign in (a cached account, else a code to enter at microsoft.com/devicelogin), create everyone in
      staff.csv, mail each their sign-in details and invite them as Service Viewers
  c2t-wizard onboard --users staff.csv --role account_owner,service_contributor --account 42 \\
      --report done.json --yes
  c2t-wizard onboard --users staff.csv --role service_viewer --deliver pdf:welcome.pdf
      the sign-in details on a printable welcome sheet (one page per person, readable only by you)
      instead of mails
  c2t-wizard onboard --sandbox --sandbox-state ./demo --users staff.csv --role service_viewer
      the same against the embedded sandbox (the practice organisation's administrator signs in)

exit status: 0 everyone ended well, 1 someone did not (see the report), 2 bad input or usage.
"""

_ROLE_HELP = ", ".join(role.value for role in PortalRole)


class UsageError(Exception):
    """Bad input: reported, exit status 2, nothing sent."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="c2t-wizard onboard",
        description=(
            "Onboard staff from a CSV file without a window: create their Microsoft work accounts, "
            "hand over their sign-in details and invite them into the Call2Teams portal."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--users",
        required=True,
        type=Path,
        metavar="FILE.csv",
        help="the people: a Microsoft 365 'Add multiple users' or Entra 'Bulk create' CSV, or the wizard's "
        "template (each needs a work email). Example: --users staff.csv",
    )
    parser.add_argument(
        "--role",
        required=True,
        metavar="ROLE[,ROLE...]",
        help=f"portal roles for everyone, comma-separated: {_ROLE_HELP}. "
        "Example: --role service_viewer,subscription_contributor",
    )
    parser.add_argument(
        "--account",
        metavar="ID",
        help="the Call2Teams account to invite into (default: your partner account). Example: --account 7",
    )
    parser.add_argument(
        "--deliver",
        default="graph",
        metavar="graph|pdf:PATH|none",
        help="how the sign-in details are handed over: 'graph' mails each person from your mailbox "
        "(default); 'pdf:PATH' writes a welcome sheet to PATH, one page per person with their temporary "
        "password (readable only by you; an existing file is kept and the sheet gets a numbered name); "
        "'none' hands nothing over (a later run or the wizard does). Example: --deliver pdf:welcome.pdf",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="OUT.json",
        help="write the run's report (per person: account, delivery, invitation; never a password) as "
        "JSON. Example: --report onboarding.json",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run against the embedded sandbox instead of Microsoft (nothing real is changed)",
    )
    parser.add_argument(
        "--sandbox-state",
        type=Path,
        metavar="DIR",
        help="keep the sandbox's organisation, users and invitations in DIR (a later run, or "
        "'python -m c2t_wizard.sandbox --state DIR', sees them). Example: --sandbox-state ./demo",
    )
    parser.add_argument(
        "--sandbox-faults",
        metavar="SPEC",
        help="make the sandbox misbehave, for trying things out. Example: "
        "--sandbox-faults 429=0.2,503=0.05,drop_after_commit=0.05,seed=7",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="don't ask before starting (needed when there is no terminal to answer on)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


# --- input ------------------------------------------------------------------------------------------------


def parse_role_list(text: str) -> tuple[str, ...]:
    known = {role.value: role for role in PortalRole}
    chosen: list[str] = []
    for part in text.split(","):
        name = part.strip().lower().replace("-", "_").replace(" ", "_")
        if not name:
            continue
        if name not in known:
            raise UsageError(f"unknown role {part.strip()!r}: choose from {_ROLE_HELP}")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise UsageError(f"no role given: choose from {_ROLE_HELP}")
    return tuple(chosen)


def problem_line(problem: CsvProblem) -> str:
    column = f", column {problem.column!r}" if problem.column else ""
    where = f"line {problem.line}" if problem.line else "the file"
    return f"{where}{column}: {problem.message}"


def read_users(
    path: Path, *, default_domain: str = "", verified_domains: Sequence[str] = (), final: bool
) -> CsvImport:
    """The file's people, or UsageError with each problem. Before sign-in (``final`` False) a username
    without a domain is let through (the organisation's default domain completes it afterwards)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path} can't be read: {exc.strerror or exc}") from None
    parsed = parse_users_csv(data, default_domain=default_domain, verified_domains=verified_domains)
    problems = [
        problem
        for problem in parsed.problems
        if final or problem.code.value not in ("domain_missing", "domain_not_verified")
    ]
    lines = [problem_line(problem) for problem in problems]
    if final:
        email_column = "work email"
        for user, line in zip(parsed.users, parsed.user_lines, strict=False):
            if not user.email.strip():
                lines.append(f"line {line}, column {email_column!r}: {user.upn} has no work email.")
    if lines or not parsed.users:
        raise UsageError(f"{path} has problems; nothing was sent", lines or ["the file has nobody in it"])
    return parsed


@dataclass(frozen=True)
class Options:
    users: Path
    roles: tuple[str, ...]
    account: str | None
    deliver: str
    report: Path | None
    sandbox: bool
    sandbox_state: Path | None
    sandbox_faults: str
    yes: bool
    sheet: Path | None = None
    """Where the welcome sheet goes (``--deliver pdf:PATH``)."""
    check_tenant: bool = False
    """Check that the organisation is found by its domain before signing in (the self-test; sandbox only)."""


def options_from(args: argparse.Namespace) -> Options:
    deliver = str(args.deliver).strip()
    sheet: Path | None = None
    if deliver[:4].lower() == "pdf:":
        sheet = sheet_target(deliver[4:])
        deliver = "pdf"
    deliver = deliver.lower()
    if deliver not in ("graph", "pdf", "none"):
        raise UsageError(f"--deliver {args.deliver!r}: choose graph, pdf:PATH or none")
    if (args.sandbox_state or args.sandbox_faults) and not args.sandbox:
        raise UsageError("--sandbox-state and --sandbox-faults need --sandbox")
    return Options(
        users=args.users,
        roles=parse_role_list(args.role),
        account=args.account,
        deliver=deliver,
        report=args.report,
        sandbox=bool(args.sandbox),
        sandbox_state=args.sandbox_state,
        sandbox_faults=args.sandbox_faults or "",
        yes=bool(args.yes),
        sheet=sheet,
    )


def sheet_target(text: str) -> Path:
    """The welcome sheet's path from ``pdf:PATH`` (".pdf" added when missing); its folder must exist."""
    if not text.strip():
        raise UsageError("--deliver pdf:PATH: say where the welcome sheet goes, e.g. pdf:welcome.pdf")
    path = Path(text).expanduser()
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    if not path.parent.is_dir():
        raise UsageError(f"--deliver pdf:{text}: the folder {path.parent} doesn't exist")
    return path


def free_sheet_path(path: Path) -> Path:
    """``path``, or when a file is there already (an earlier run's sheet, still to be printed), the first
    free "NAME-2.pdf", "NAME-3.pdf", …: a sheet is never overwritten."""
    number = 1
    candidate = path
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def sheet_writer(path: Path, progress: PlainProgress | RichProgress) -> Callable[..., Path]:
    """The ``OnboardingRun`` sheet hook: writes the pages with ``sheet_pdf`` (imported here, only when a
    sheet is asked for) to ``path`` or a free name beside it, on the calling (main) thread."""
    from c2t_wizard import sheet_pdf

    sheet_pdf.ensure_gui_application()

    def write(pages: Sequence[tuple[str, WelcomeMessage]]) -> Path:
        target = free_sheet_path(path)
        count = sheet_pdf.write_welcome_sheet(
            target, [sheet_pdf.SheetPage(name, message) for name, message in pages], title="Welcome sheets"
        )
        progress.say(
            f"Welcome sheet written to {target} ({count} page{'s' if count != 1 else ''}, readable only by "
            "you): print it, hand each person their page, then delete the file."
        )
        return target

    return write


# --- progress ---------------------------------------------------------------------------------------------

_STEP_WORDS = {"plan": "Planning", "create": "Creating accounts", "deliver": "Sending sign-in details",
               "invite": "Inviting to the portal"}  # fmt: skip


class PlainProgress:
    """One line per step and per person (stderr is not a terminal: a log, a CI job, a test)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def say(self, text: str) -> None:
        with self._lock:
            self._stream.write(text + "\n")
            self._stream.flush()

    def event(self, event: RunEvent) -> None:
        step = event.step.value
        if event.person is None:
            if event.step.value == "done":
                return
            self.say(f"{step}: {event.done}/{event.total}" + (f" ({event.outcome})" if event.outcome else ""))
            return
        detail = f" ({event.detail})" if event.detail else ""
        self.say(f"{step} {event.done}/{event.total}: {event.person} {event.outcome}{detail}")


class RichProgress:
    """Progress bars with counts and an ETA on a terminal (``rich``)."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._console = Console(file=stream)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]}"),
            TimeRemainingColumn(),
            console=self._console,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def say(self, text: str) -> None:
        self._progress.console.print(text, markup=False, highlight=False)

    def event(self, event: RunEvent) -> None:
        step = event.step.value
        if step in ("plan", "done"):
            return
        failed = f"[{event.failed} failed]" if event.failed else ""
        task = self._tasks.get(step)
        if task is None:
            task = self._progress.add_task(_STEP_WORDS[step], total=event.total or 1, failed=failed)
            self._tasks[step] = task
        self._progress.update(task, completed=event.done, total=max(event.total, 1), failed=failed)
        if event.person is not None and event.outcome not in (
            "created",
            "exists",
            "sent",
            "on_welcome_sheet",
            "invited",
        ):
            detail = f" ({event.detail})" if event.detail else ""
            self.say(f"{event.person}: {event.outcome}{detail}")


def make_progress(stream: IO[str]) -> PlainProgress | RichProgress:
    return RichProgress(stream) if stream.isatty() else PlainProgress(stream)


# --- the run ----------------------------------------------------------------------------------------------


def _sign_in_prompt(progress: PlainProgress | RichProgress) -> Any:
    def show(prompt: DeviceCodePrompt) -> None:
        progress.say(
            f"To sign in, open {prompt.verification_uri} and enter the code {prompt.user_code} "
            "(as an administrator of your Microsoft organisation)."
        )

    return show


async def _sign_in(
    auth: AuthService, progress: PlainProgress | RichProgress, demo_admin: tuple[str, str] | None
) -> None:
    from c2t_wizard.services.auth import AuthError

    if demo_admin is not None:
        await auth.sign_in_with_password(*demo_admin)
        return
    try:
        if await auth.sign_in_silently() is not None:
            return
    except AuthError:
        pass  # cached, but needs a new sign-in
    await auth.sign_in_with_device_code(_sign_in_prompt(progress))


async def run_onboarding(
    options: Options,
    config: Config,
    progress: PlainProgress | RichProgress,
    stage: Callable[[str], None] | None = None,
    result_seen: Callable[[OnboardingResult], None] | None = None,
) -> int:
    """The whole command after its input was checked; returns the exit status. ``stage`` hears each stage's
    name as it starts ("sandbox", "tenant", "sign-in", "users", "portal", "onboard", "report"), and
    ``result_seen`` the run's result (the self-test names the failing step with them)."""
    from c2t_wizard.services.auth import DIRECTORY_SCOPES, GRAPH_SCOPES, AuthService
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.delivery import SEND_MAIL_SCOPES, DeliveryService
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.graph import GraphSession
    from c2t_wizard.services.journal import Journal
    from c2t_wizard.services.onboarding_run import Delivery, OnboardingRequest, OnboardingRun
    from c2t_wizard.services.portal import BackendKind
    from c2t_wizard.services.portal_api import make_portal_backend
    from c2t_wizard.services.sandbox_process import SandboxProcess
    from c2t_wizard.services.tenant_info import load_tenant_facts

    def enter(name: str) -> None:
        if stage is not None:
            stage(name)

    sandbox: SandboxProcess | None = None
    demo_admin: tuple[str, str] | None = None
    if options.sandbox:
        enter("sandbox")
        sandbox = SandboxProcess(
            options.sandbox_state or config.fresh_sandbox_state(),
            faults=options.sandbox_faults,
            log_level="WARNING",
        )
        sandbox.spawn()
    backend = Backend(None if sandbox else config.endpoints)
    graph: GraphSession | None = None
    journal: Journal | None = None
    stop = threading.Event()
    try:
        if sandbox is not None:
            info = await sandbox.wait_ready()
            endpoints = Endpoints.from_sandbox_line(info)
            backend.provide(endpoints)
            config = config.with_endpoints(endpoints)
            admin = info["demo"]["admin"]
            demo_admin = (str(admin["username"]), str(admin["password"]))
            if options.check_tenant:
                enter("tenant")
                await _check_tenant(backend, demo_admin[0], progress)
        sheet_hook = sheet_writer(options.sheet, progress) if options.sheet is not None else None
        scopes: tuple[str, ...] = GRAPH_SCOPES
        if demo_admin is None:
            # No browser to ask later: the device-code sign-in asks for everything this run needs at once.
            scopes = (*GRAPH_SCOPES, *DIRECTORY_SCOPES)
            if options.deliver == "graph":
                scopes += SEND_MAIL_SCOPES
        auth = AuthService.from_config(config, backend, open_browser=lambda _url: False, scopes=scopes)
        enter("sign-in")
        progress.say("Signing in…")
        await _sign_in(auth, progress, demo_admin)
        graph = GraphSession(backend, auth)
        access = await auth.request_directory_access()
        if not access.granted:
            raise UsageError(
                "your Microsoft organisation hasn't allowed the wizard to create users yet: an administrator "
                f"approves it at {access.approval_link}"
            )
        facts = await load_tenant_facts(await graph.client(), scopes=auth.scopes)
        enter("users")
        default = facts.default_domain or ""
        domains = facts.domain_names
        parsed = read_users(options.users, default_domain=default, verified_domains=domains, final=True)
        signed_in = auth.signed_in
        progress.say(
            f"Signed in to {facts.display_name or default} as {signed_in.username if signed_in else '?'}: "
            f"{len(parsed.users)} people to onboard."
        )

        enter("portal")
        portal = make_portal_backend(config, backend, authenticator=auth)
        if portal.kind is not BackendKind.API:
            raise UsageError(
                "the Call2Teams portal has no API configured (C2T_PORTAL_URL): invite in the wizard's "
                "guided portal step instead"
            )
        accounts = await portal.accounts()
        if options.account is not None:
            account = next((a for a in accounts if a.id == options.account), None)
            if account is None:
                choices = ", ".join(f"{a.id} ({a.name})" for a in accounts) or "none"
                raise UsageError(f"no Call2Teams account {options.account!r}; yours: {choices}")
        else:
            account = next(
                (a for a in accounts if a.kind.value == "partner"), accounts[0] if accounts else None
            )
            if account is None:
                raise UsageError("your sign-in administers no Call2Teams account")
        if not options.yes and not _confirm(len(parsed.users), facts.display_name or default, account.name):
            progress.say("Nothing was done.")
            return EXIT_USAGE

        journal = Journal.open(Journal.default_path(config.paths))
        directory = DirectoryService(graph, journal)
        delivery = DeliveryService(graph, auth, backend, sandbox=config.sandbox, client_id=config.client_id)
        request = OnboardingRequest(
            tenant_id=facts.tenant_id,
            people=tuple(parsed.users),
            roles=options.roles,
            account_id=account.id,
            deliver=Delivery(options.deliver),
            tenant_domains=domains,
            organisation=facts.display_name,
            language=config.language or "en",
        )
        run = OnboardingRun(
            journal,
            directory,
            delivery=delivery,
            portal=portal,
            report=progress.event,
            stop=stop,
            sheet=sheet_hook,
        )
        enter("onboard")
        result = await run.run(request)
        if result_seen is not None:
            result_seen(result)
        _summarise(result, progress)
        if options.report is not None:
            enter("report")
            write_report(options.report, result, journal)
            progress.say(f"Report written to {options.report}")
        return EXIT_OK if result.good else EXIT_FAILED
    except asyncio.CancelledError:
        stop.set()
        raise
    finally:
        if graph is not None:
            await graph.aclose()
        await backend.aclose()
        if journal is not None:
            journal.close()
        if sandbox is not None:
            sandbox.stop()


async def _check_tenant(backend: Any, username: str, progress: PlainProgress | RichProgress) -> None:
    """The organisation of ``username`` is found by its name (the public discovery the wizard's first page
    asks): the sandbox's identity side answers."""
    from c2t_wizard.domain.tenant_name import AvailabilityState
    from c2t_wizard.services.tenant_discovery import TenantDiscovery

    domain = username.rpartition("@")[2]
    prefix = domain.split(".", 1)[0]
    answer = await TenantDiscovery(backend).check(prefix, fresh=True)
    if answer.state is not AvailabilityState.TAKEN:
        raise RuntimeError(f"the organisation {domain} was not found ({answer.state.value})")
    progress.say(f"Organisation {domain} found.")


def _confirm(count: int, organisation: str, account: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("no terminal to confirm on: add --yes to start without asking")
    answer = input(f"Onboard {count} people into {organisation} and invite them into {account}? [y/N] ")
    return answer.strip().lower() in ("y", "yes", "j", "ja")


def _summarise(result: OnboardingResult, progress: PlainProgress | RichProgress) -> None:
    good = len(result.people) - result.failed
    for person in result.people:
        if not person.good:
            progress.say(f"failed: {person.record.upn}: {person.problem}")
        elif person.password_reset:
            progress.say(
                f"{person.record.upn}: got a new temporary password (the first was never handed over)"
            )
    progress.say(f"Done: {good} of {len(result.people)} onboarded" + (", resumed" if result.resumed else ""))


def write_report(path: Path, result: OnboardingResult, journal: Journal) -> None:
    """The run's report, the same JSON as the summary page's export (``docs/report-schema.json``); the
    journal holds no password or token, so neither does the report."""
    from c2t_wizard.services.report import build_report, write_json

    write_json(build_report(journal, [result.run_id]), path)


def main(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> int:
    import os

    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit 2 here
    progress = make_progress(sys.stderr)
    try:
        options = options_from(args)
        read_users(options.users, final=False)  # a broken file fails before anything starts
    except UsageError as exc:
        return _usage(exc)
    config = Config.from_env(dict(os.environ) if env is None else env)
    config = config._replace(
        sandbox=config.sandbox or options.sandbox,
        sandbox_state=options.sandbox_state or config.sandbox_state,
        sandbox_faults=options.sandbox_faults or config.sandbox_faults,
    )
    config.paths.ensure()
    log_file = setup_logging(config.paths.log_dir, config.log_level)
    log.info("c2t-wizard %s onboard (sandbox=%s, log=%s)", __version__, config.sandbox, log_file)
    try:
        with progress:
            return asyncio.run(run_onboarding(options, config, progress))
    except UsageError as exc:
        return _usage(exc)
    except KeyboardInterrupt:
        sys.stderr.write("Stopped. Run the same command again to go on where it stopped.\n")
        return EXIT_FAILED
    except Exception as exc:
        log.exception("onboard failed")
        sys.stderr.write(f"c2t-wizard onboard: {type(exc).__name__}: {exc}\n")
        return EXIT_FAILED


def _usage(exc: UsageError) -> int:
    sys.stderr.write(f"c2t-wizard onboard: {exc}\n")
    for line in exc.problems:
        sys.stderr.write(f"  {line}\n")
    return EXIT_USAGE
