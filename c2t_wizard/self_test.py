"""``c2t-wizard --self-test``: checks an installation end to end, without a window.

Runs the headless ``onboard`` command's own code (``onboard_cli.run_onboarding``) against an embedded
sandbox whose state, journal, logs and welcome sheet live in a temporary folder that is removed afterwards:
tenant check, sign-in, three users created, their sign-in details on a welcome sheet (PDF), three portal
invitations, and the report read back and checked against the report's JSON schema. Exit status 0 with a
one-line summary on stdout, or 1 with "self-test failed at STEP: why" on stderr (and the run's last lines).
Never imports QtWidgets; QtGui (offscreen) only for the welcome sheet.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
import stat
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from c2t_wizard.logging_setup import setup_logging
from c2t_wizard.onboard_cli import Options, PlainProgress, run_onboarding

if TYPE_CHECKING:
    from c2t_wizard.services.onboarding_run import OnboardingResult, RunEvent

PEOPLE = 3
ROLE = "service_viewer"
STAGE_STEPS = {
    "sandbox": "sandbox",
    "tenant": "tenant",
    "sign-in": "sign-in",
    "users": "users",
    "portal": "invitations",
    "onboard": "users",
    "report": "report",
}
"""The step a failure in each stage of ``run_onboarding`` is named by."""
RUN_STEPS = {"plan": "users", "create": "users", "deliver": "pdf", "invite": "invitations", "done": "report"}
"""The step a failure in each step of the onboarding run is named by."""
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


class SelfTestError(Exception):
    def __init__(self, step: str, why: str) -> None:
        super().__init__(f"{step}: {why}")
        self.step = step
        self.why = why


class _Tracker(PlainProgress):
    """Keeps the run's lines (shown only when something fails) and where the run stands."""

    def __init__(self) -> None:
        self.lines = io.StringIO()
        super().__init__(self.lines)
        self.step = "sandbox"
        self.result: OnboardingResult | None = None

    def stage(self, name: str) -> None:
        self.step = STAGE_STEPS.get(name, name)

    def event(self, event: RunEvent) -> None:
        self.step = RUN_STEPS.get(event.step.value, self.step)
        super().event(event)

    def seen(self, result: OnboardingResult) -> None:
        self.result = result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="c2t-wizard --self-test",
        description="Check this installation: onboard three people into a practice organisation (the "
        "embedded sandbox, in a temporary folder) and check every step. Nothing real is changed.",
    )
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sandbox-faults",
        metavar="SPEC",
        default="",
        help="make the sandbox misbehave (to see a failing step named). Example: --sandbox-faults 503=1",
    )
    return parser


def report_schema() -> dict[str, Any]:
    """The report's JSON schema as shipped with the app (the same as ``docs/report-schema.json``)."""
    text = resources.files("c2t_wizard").joinpath("resources/report-schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def write_people(path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    lines = ["First name,Last name,Username,Work email"]
    lines += [f"Check{n},Selftest,check{n}.{tag},check{n}.{tag}@example.com" for n in range(PEOPLE)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_result(result: OnboardingResult | None) -> None:
    if result is None:
        raise SelfTestError("users", "the run ended without a result")
    if len(result.people) != PEOPLE:
        raise SelfTestError("users", f"{len(result.people)} people in the run, not {PEOPLE}")
    for person in result.people:
        if not person.created_ok:
            raise SelfTestError("users", f"{person.record.upn}: {person.problem}")
    for person in result.people:
        if not person.delivered_ok or person.record.delivery_method != "pdf":
            raise SelfTestError("pdf", f"{person.record.upn}: {person.problem or 'not on the welcome sheet'}")
    for person in result.people:
        if not person.invited_ok or person.invitation is None:
            raise SelfTestError("invitations", f"{person.record.upn}: {person.problem or 'not invited'}")


def check_sheet(path: Path) -> None:
    if not path.is_file():
        raise SelfTestError("pdf", "no welcome sheet was written")
    mode = stat.S_IMODE(path.stat().st_mode)
    if sys.platform != "win32" and mode != 0o600:
        raise SelfTestError("pdf", f"the welcome sheet is readable by others (mode {mode:o})")
    pages = len(_PDF_PAGE.findall(path.read_bytes()))
    if pages != PEOPLE:
        raise SelfTestError("pdf", f"the welcome sheet has {pages} pages, not {PEOPLE}")


def check_report(path: Path) -> None:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SelfTestError("report", f"the report can't be read back ({type(exc).__name__})") from None
    try:
        Draft202012Validator(report_schema(), format_checker=FormatChecker()).validate(data)
    except ValidationError as exc:
        raise SelfTestError("report", f"the report doesn't match its schema: {exc.message}") from None
    people = data["people"]
    if len(people) != PEOPLE or not all(person["ok"] for person in people):
        raise SelfTestError("report", "the report doesn't say everyone was onboarded")


async def _run(options: Options, root: Path, tracker: _Tracker) -> None:
    from c2t_wizard.config import Config

    config = Config.from_env({"C2T_HOME": str(root / "home")})
    config = config._replace(
        sandbox=True, sandbox_state=options.sandbox_state, sandbox_faults=options.sandbox_faults
    )
    config.paths.ensure()
    setup_logging(config.paths.log_dir, "INFO")
    code = await run_onboarding(options, config, tracker, stage=tracker.stage, result_seen=tracker.seen)
    result = tracker.result
    if code != 0 and result is not None:
        check_result(result)  # names the step of the first person's problem
    if code != 0:
        raise SelfTestError(tracker.step, f"the onboarding ended with exit status {code}")
    check_result(result)


def run_self_test(faults: str = "") -> tuple[str, float]:
    """Runs the checks; returns the summary line and the time taken, or raises SelfTestError."""
    started = time.monotonic()
    tracker = _Tracker()
    with tempfile.TemporaryDirectory(prefix="c2t-self-test-") as folder:
        root = Path(folder)
        users, sheet, report = root / "people.csv", root / "welcome.pdf", root / "report.json"
        write_people(users)
        options = Options(
            users=users,
            roles=(ROLE,),
            account=None,
            deliver="pdf",
            report=report,
            sandbox=True,
            sandbox_state=root / "sandbox",
            sandbox_faults=faults,
            yes=True,
            sheet=sheet,
            check_tenant=True,
        )
        try:
            asyncio.run(_run(options, root, tracker))
        except SelfTestError as exc:
            exc.why += _last_lines(tracker)
            raise
        except Exception as exc:  # a step raised: it is the one that failed
            why = str(exc) or type(exc).__name__
            raise SelfTestError(tracker.step, f"{why}{_last_lines(tracker)}") from None
        tracker.step = "pdf"
        check_sheet(sheet)
        tracker.step = "report"
        check_report(report)
    elapsed = time.monotonic() - started
    line = (
        f"self-test passed: tenant, sign-in, {PEOPLE} users, pdf, {PEOPLE} invitations, report "
        f"({elapsed:.1f} s)"
    )
    return line, elapsed


def _last_lines(tracker: _Tracker, count: int = 5) -> str:
    lines = tracker.lines.getvalue().splitlines()[-count:]
    return "".join(f"\n  {line}" for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        line, _elapsed = run_self_test(args.sandbox_faults)
    except SelfTestError as exc:
        sys.stderr.write(f"self-test failed at {exc.step}: {exc.why}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("self-test stopped\n")
        return 1
    sys.stdout.write(line + "\n")
    return 0
