"""``make bench``: every figure a user feels, each against a baseline measured in the same run; one table.

``python benchmarks/run.py [--quick] [--only KEY ...] [--rounds N]`` prints the table and writes
``benchmarks/latest.json`` (``--out``). Each row says the command that measures it alone (``--only KEY``).
Numbers are medians of ``--rounds`` runs (3; ``--quick``: 1 and smaller sizes, for a fast look, not for the
README). The 75-second one-at-a-time baselines (users, portal) run ``--baseline-rounds`` times (1): a single
run already averages 500 requests.

Groups (``--only``): ``startup``, ``signin``, ``users`` (bulk creation, throttled creation), ``portal``,
``page`` (GUI stalls and peak memory through the Users page), ``csv``, ``onboard``, ``bundle``, ``quota``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import table as tbl  # noqa: E402
from conftest import Sandbox, start_sandbox  # noqa: E402
from table import Budget, Compare, Row, Subject  # noqa: E402

LATENCY = "150ms"
GROUPS = ("startup", "signin", "users", "portal", "page", "csv", "onboard", "bundle", "quota")
MB = 1024 * 1024
BUNDLE_MB = 1_000_000
"""Bundle sizes in the decimal megabytes ``packaging/postbuild.py`` checks the same budgets in."""


def command(group: str) -> str:
    return f"python benchmarks/run.py --only {group}"


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.quick: bool = args.quick
        self.rounds: int = 1 if self.quick else args.rounds
        self.work = work
        self._box: Sandbox | None = None
        self.rows: list[Row] = []

    @property
    def box(self) -> Sandbox:
        if self._box is None:
            self._box = start_sandbox(self.work / "sandbox", "--log-level", "WARNING")
        return self._box

    def close(self) -> None:
        if self._box is not None:
            self._box.stop()

    # --- start-up ------------------------------------------------------------------------------------------

    def startup(self) -> None:
        import startup

        runs = 3 if self.quick else 9
        say(f"start-up: {runs} interleaved runs, installed bytecode")
        warm = startup.measure(runs, sandbox=False)
        self.rows.append(
            Row(
                "startup",
                "start -> first paint (installed bytecode)",
                "ms",
                "python benchmarks/startup.py",
                Budget(1.15, Compare.AT_MOST, Subject.RATIO),
                runs=warm["c2t-wizard"],
                baseline_name="bare QWizard",
                baseline_runs=warm["bare QWizard"],
            )
        )
        say(f"start-up: {runs} interleaved runs, no bytecode at all")
        cold = startup.measure(runs, cold=True, sandbox=False)
        self.rows.append(
            Row(
                "startup_cold",
                "start -> first paint (no bytecode)",
                "ms",
                "python benchmarks/startup.py --cold",
                None,
                runs=cold["c2t-wizard"],
                baseline_name="bare QWizard",
                baseline_runs=cold["bare QWizard"],
                note="every .py compiled on the way, the standard library's too (empty PYTHONPYCACHEPREFIX)",
            )
        )

    # --- sign-in -------------------------------------------------------------------------------------------

    def signin(self) -> None:
        cold: list[float] = []
        warm: list[float] = []
        for n in range(self.rounds + 1):
            say(f"sign-in: round {n + 1}")
            result = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "signin.py"), json.dumps(self.box.info)],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=ROOT,
            )
            if result.returncode:
                raise RuntimeError(f"signin.py failed:\n{result.stderr}")
            answer = json.loads(result.stdout.splitlines()[-1])
            if n == 0:
                continue  # page cache warm-up
            cold.append(answer["cold_ms"])
            warm.append(answer["warm_ms"])
        self.rows.append(
            Row(
                "signin_cold",
                '"Sign in" (demo) -> tenant facts, cold process',
                "ms",
                command("signin"),
                Budget(1500),
                runs=cold,
                baseline_name="warm",
                baseline_runs=warm,
                note="first sign-in of a new process, clicked at first paint (models importing meanwhile)",
            )
        )
        self.rows.append(
            Row(
                "signin_warm",
                '"Sign in" (demo) -> tenant facts, warm',
                "ms",
                command("signin"),
                Budget(200),
                runs=warm,
                note="a second sign-in in the same process (modules loaded, fresh connection and token)",
            )
        )

    # --- creating users ------------------------------------------------------------------------------------

    def users(self) -> None:
        import bulk_create

        count = 100 if self.quick else 500
        batched: list[float] = []
        throttled: list[float] = []
        for n in range(self.rounds):
            say(f"users: round {n + 1}: {count} batched, then {count} with 20% 429 (Retry-After 1 s)")
            tenant = bulk_create.new_tenant(self.box, "b")
            batched.append(bulk_create.batched_on_the_runner(self.box, tenant, count, self.work)["seconds"])
            tenant = bulk_create.new_tenant(self.box, "t")
            throttled.append(
                bulk_create.batched_on_the_runner(
                    self.box,
                    tenant,
                    count,
                    self.work,
                    faults=f"latency={LATENCY},429=0.2,retry_after=1s,seed={n + 1}",
                )["seconds"]
            )
        sequential: list[float] = []
        for n in range(1 if self.quick else self.args.baseline_rounds):
            say(f"users: {count} one POST /users at a time ({n + 1})")
            tenant = bulk_create.new_tenant(self.box, "s")
            sequential.append(asyncio.run(bulk_create.sequential(self.box, tenant, count)))
        self.rows.append(
            Row(
                "users_bulk",
                f"{count} users created, {LATENCY} latency",
                "s",
                command("users"),
                Budget(60, Compare.AT_LEAST, Subject.RATIO),
                runs=batched,
                baseline_name="one POST /users at a time",
                baseline_runs=sequential,
                speedup=True,
                note="DirectoryService on the app's ServiceRunner: $batch of 20, 8 in flight",
            )
        )
        self.rows.append(
            Row(
                "users_throttled",
                f"{count} users, 20% of answers 429 (Retry-After 1 s)",
                "s",
                command("users"),
                Budget(2, Compare.AT_MOST, Subject.RATIO),
                runs=throttled,
                baseline_name="no throttling",
                baseline_runs=batched,
            )
        )

    # --- portal --------------------------------------------------------------------------------------------

    def portal(self) -> None:
        import portal_invites
        from helpers import portal as sandbox_portal

        count = 100 if self.quick else 500
        self.box.set_faults(f"latency={LATENCY}")
        try:
            key = sandbox_portal.api_key(self.box.info)
            account = next(
                a["id"] for a in sandbox_portal.accounts(self.box.info, key) if a["kind"] == "customer"
            )
            bounded: list[float] = []
            for n in range(self.rounds):
                say(f"portal: round {n + 1}: {count} invitations, 8 in flight")
                bounded.append(asyncio.run(portal_invites.timed(self.box, account, key, count, 8))[0])
            one: list[float] = []
            for n in range(1 if self.quick else self.args.baseline_rounds):
                say(f"portal: {count} invitations one at a time ({n + 1})")
                one.append(asyncio.run(portal_invites.timed(self.box, account, key, count, 1))[0])
        finally:
            self.box.set_faults("")
        self.rows.append(
            Row(
                "portal",
                f"{count} portal invitations, {LATENCY} latency",
                "s",
                "python benchmarks/portal_invites.py --repeat 3",
                Budget(6, Compare.AT_LEAST, Subject.RATIO),
                runs=bounded,
                baseline_name="one at a time",
                baseline_runs=one,
                speedup=True,
            )
        )

    # --- the Users page: stalls and memory -----------------------------------------------------------------

    def page(self) -> None:
        count = 100 if self.quick else 500
        stalls: list[float] = []
        p99s: list[float] = []
        bare_stalls: list[float] = []
        bare_p99s: list[float] = []
        rss: list[float] = []
        bare_rss: list[float] = []
        for n in range(self.rounds):
            say(f"page: round {n + 1}: {count} people through the Users page")
            result = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "users_journey.py"),
                    "--sandbox-info",
                    json.dumps(self.box.info),
                    "--people",
                    str(count),
                ],
                capture_output=True,
                text=True,
                timeout=300,
                cwd=ROOT,
            )
            if result.returncode:
                raise RuntimeError(f"users_journey.py failed:\n{result.stderr[-3000:]}")
            answer = json.loads(result.stdout.splitlines()[-1])
            if answer["created"] != count:
                raise RuntimeError(f"users_journey.py created {answer['created']} of {count}")
            stalls.append(answer["create"]["max_ms"])
            p99s.append(answer["create"]["p99_ms"])
            bare_stalls.append(answer["bare"]["max_ms"])
            bare_p99s.append(answer["bare"]["p99_ms"])
            rss.append(answer["max_rss_mb"])
            bare = subprocess.run(
                [sys.executable, str(ROOT / "benchmarks" / "bare_wizard.py")],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=ROOT,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
            line = next(x for x in bare.stdout.splitlines() if x.startswith("max-rss-kib "))
            bare_rss.append(int(line.split()[1]) / 1024)
        journey = f"{count} people through the Users page ({LATENCY} latency)"
        self.rows.append(
            Row(
                "gui_stall_max",
                f"GUI thread's longest stall, {journey}",
                "ms",
                command("page"),
                Budget(50),
                runs=stalls,
                baseline_name="bare event loop",
                baseline_runs=bare_stalls,
                note="10 ms QTimer on the GUI thread while the page creates everyone",
            )
        )
        self.rows.append(
            Row(
                "gui_stall_p99",
                f"GUI thread's p99 gap between 10 ms ticks, {journey}",
                "ms",
                command("page"),
                Budget(20),
                runs=p99s,
                baseline_name="bare event loop",
                baseline_runs=bare_p99s,
            )
        )
        self.rows.append(
            Row(
                "peak_rss",
                f"peak memory (RSS): sign-in, import, checks and creation of {count} on the Users page",
                "MB",
                command("page"),
                Budget(160),
                runs=rss,
                baseline_name="bare QWizard",
                baseline_runs=bare_rss,
                note="the Users page in a bare QWizard, not the whole wizard (credentials, portal, summary)",
            )
        )

    # --- CSV -----------------------------------------------------------------------------------------------

    def csv(self) -> None:
        import import_table

        from c2t_wizard.domain.csv_import import parse_users_csv, write_template_csv

        rows = 10_000
        data = write_template_csv(import_table.staff(rows, "contoso.onmicrosoft.com"))
        parse: list[float] = []
        for _ in range(5 if self.quick else 9):
            started = time.perf_counter()
            parsed = parse_users_csv(data, default_domain="contoso.onmicrosoft.com")
            parse.append(time.perf_counter() - started)
            if len(parsed.users) != rows or parsed.problems:
                raise RuntimeError(f"{len(parsed.users)} people, {len(parsed.problems)} problems")
        shown: list[float] = []
        for n in range(self.rounds):
            say(f"csv: round {n + 1}: {rows} rows imported through the Users page")
            result = import_table.one_round(self.box, rows, self.work, 10.0)
            shown.append(result["rows_in_s"])
        self.rows.append(
            Row(
                "csv_parse",
                f"CSV of {rows:,} rows parsed and validated",
                "s",
                command("csv"),
                Budget(0.3),
                runs=parse,
                note="domain.csv_import.parse_users_csv",
            )
        )
        self.rows.append(
            Row(
                "csv_table",
                f"CSV of {rows:,} rows: Import click -> every row in the Users table",
                "s",
                "python benchmarks/import_table.py --rows 10000",
                Budget(1.0),
                runs=shown,
            )
        )

    # --- headless onboard ----------------------------------------------------------------------------------

    def onboard(self) -> None:
        count = 100 if self.quick else 500
        times: list[float] = []
        outcome = ""
        for n in range(self.rounds):
            home = Path(tempfile.mkdtemp(prefix="onboard-", dir=self.work))
            csv = home / "staff.csv"
            lines = ["First name,Last name,Username,Work email"]
            lines += [f"P{i},Onboard,onb{n}.{i},onb{n}.{i}@partner-example.com" for i in range(count)]
            csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("C2T_")}
            env.update(C2T_HOME=str(home / "home"))
            args = [
                sys.executable,
                "-m",
                "c2t_wizard",
                "onboard",
                "--users",
                str(csv),
                "--role",
                "service_viewer",
            ]
            args += [
                "--sandbox",
                "--sandbox-state",
                str(home / "state"),
                "--yes",
                "--report",
                str(home / "r.json"),
            ]
            args += ["--sandbox-faults", f"latency={LATENCY},seed=1"]
            say(f"onboard: round {n + 1}: {count} people, headless")
            started = time.perf_counter()
            result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
            seconds = time.perf_counter() - started
            if result.returncode not in (0, 1):  # 1: someone did not end well (the report says who)
                raise RuntimeError(f"onboard exited {result.returncode}:\n{result.stderr[-2000:]}")
            totals = json.loads((home / "r.json").read_text(encoding="utf-8"))["totals"]
            if totals["account_created"] != count:
                raise RuntimeError(f"onboard created {totals['account_created']} of {count}")
            outcome = (
                f"exit {result.returncode}: {totals['account_created']} created, "
                f"{totals['delivery_delivered']} mailed, {totals['delivery_failed']} not mailed, "
                f"{totals['invitation_invited']} invited"
            )
            times.append(seconds)
        self.rows.append(
            Row(
                "onboard",
                f"headless onboard of {count} people, {LATENCY} latency, end to end",
                "s",
                command("onboard"),
                Budget(15),
                runs=times,
                note=f"onboard --sandbox: sandbox start to report; last round {outcome}",
            )
        )

    # --- bundle --------------------------------------------------------------------------------------------

    def bundle(self) -> None:
        dist = ROOT / "dist"
        folders = [p for p in dist.iterdir() if p.is_dir()] if dist.is_dir() else []
        tarballs = sorted(dist.glob("*.tar.gz")) if dist.is_dir() else []

        def size(path: Path) -> float:
            if path.is_file():
                return path.stat().st_size / BUNDLE_MB
            total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
            return total / BUNDLE_MB

        for key, figure, found, limit in (
            ("bundle", "frozen Linux bundle (folder)", folders, 150.0),
            ("tarball", "frozen Linux bundle tarball", tarballs, 70.0),
        ):
            row = Row(key, figure, "MB", "make bundle; python benchmarks/run.py --only bundle", Budget(limit))
            if found:
                row.runs = [size(found[0])]
                row.note = str(found[0].relative_to(ROOT))
            else:
                row.not_measured = "not built"
            self.rows.append(row)

    # --- the write quota -----------------------------------------------------------------------------------

    def quota(self) -> None:
        """Graph's quota is 3,000 writes per 150 s (20 a second); 5,000 people at that rate take over four
        minutes, so the sandbox's quota is scaled: 1,000 writes per 10 s (100 a second, a 15x shorter window),
        still below what the app reaches on 2 busy cores, so the quota is what limits the run. The same run
        without pacing (429s and Retry-After only) is the baseline."""
        import httpx

        people, spec = (500, "100/1s") if self.quick else (5000, "1000/10s")
        limit, window = (int(x) for x in spec.replace("s", "").split("/"))
        base = self.box.base
        outcomes: dict[bool, tuple[float, int, list[tuple[float, float, int]]]] = {}
        for paced in (False, True):
            say(f"quota: {people} people on a write quota of {spec}, {'paced' if paced else 'not paced'}")
            httpx.post(
                f"{base}/_sandbox/quota", json={"writeQuota": spec}, timeout=5, trust_env=False
            ).raise_for_status()
            try:
                outcomes[paced] = self._quota_run(people, (limit, float(window)) if paced else None)
            finally:
                httpx.post(
                    f"{base}/_sandbox/quota", json={"writeQuota": "3000/150s"}, timeout=5, trust_env=False
                )
        seconds, throttled, etas = outcomes[True]
        free_seconds, free_throttled, _ = outcomes[False]
        self.rows.append(
            Row(
                "quota_time",
                f"{people} people on a write quota of {spec} (Graph's 3000/150s scaled)",
                "s",
                command("quota"),
                None,
                runs=[seconds],
                baseline_name="not paced",
                baseline_runs=[free_seconds],
                note=f"the least time the quota allows: {((people - 1) // limit) * window} s (whole windows)",
            )
        )
        self.rows.append(
            Row(
                "quota_429",
                f"429 answers per person, {people} people on the quota",
                "",
                command("quota"),
                Budget(0.1),
                runs=[throttled / people],
                baseline_name="not paced",
                baseline_runs=[free_throttled / people],
                note=f"{throttled} throttled attempts paced, {free_throttled} not paced",
            )
        )
        # The ETA's error: where each report (after the first 5% of people) put the end, against the real
        # end, as a share of the real run time; the worst of them.
        errors = [abs(at + eta - seconds) / seconds for at, eta, done in etas if done >= people * 0.05]
        self.rows.append(
            Row(
                "quota_eta",
                "ETA's worst error on the quota (after the first 5%), of the real run time",
                "%",
                command("quota"),
                Budget(20),
                runs=[100 * max(errors)] if errors else [],
                not_measured="" if errors else "no ETA reported",
                note="CreationProgress.eta_seconds (the Users page shows it once over a minute)",
            )
        )

    def _quota_run(
        self, people: int, quota: tuple[int, float] | None
    ) -> tuple[float, int, list[tuple[float, float, int]]]:
        """Seconds, 429s and the ETAs reported (seconds in, ETA, people done) creating ``people``."""
        import bulk_create

        from c2t_wizard.services.directory import DirectoryService
        from c2t_wizard.services.journal import Journal

        tenant = bulk_create.new_tenant(self.box, "q")
        journal = Journal.open(self.work / f"quota-{time.monotonic_ns()}.sqlite3")
        etas: list[tuple[float, float, int]] = []

        async def run() -> tuple[float, int]:
            backend, session = await bulk_create.signed_in(self.box, tenant)
            try:
                service = DirectoryService(session, journal, max_total_wait=600.0, write_quota=quota)
                await service.warm_up()
                run_id = journal.start_run(tenant["tenant_id"], bulk_create.staff(people, tenant["domain"]))
                self.box.set_faults(f"latency={LATENCY}")
                started = time.perf_counter()

                def heard(progress: Any) -> None:
                    if progress.eta_seconds is not None:
                        etas.append((time.perf_counter() - started, progress.eta_seconds, progress.done))

                result = await service.create_users(run_id, report=heard)
                seconds = time.perf_counter() - started
                if result.created != people:
                    raise RuntimeError(f"created {result.created} of {people}")
                attempts = sum(p.attempts for p in journal.people(run_id))
                return seconds, attempts - people
            finally:
                self.box.set_faults("")
                await session.aclose()
                await backend.aclose()

        try:
            seconds, throttled = asyncio.run(run())
        finally:
            journal.close()
        return seconds, throttled, etas


def machine_info() -> dict[str, Any]:
    import PySide6
    from PySide6.QtCore import qVersion

    return tbl.machine(os.cpu_count(), qVersion(), PySide6.__version__, os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round, smaller sizes (a fast look)")
    parser.add_argument("--only", nargs="+", choices=GROUPS, help="just these groups")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "latest.json")
    args = parser.parse_args()
    groups = args.only or list(GROUPS)
    doc_machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="c2t-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        try:
            for group in GROUPS:
                if group in groups:
                    measure: Callable[[], None] = getattr(bench, group)
                    first = len(bench.rows)
                    measure()
                    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    for row in bench.rows[first:]:
                        row.group, row.measured_at = group, when
        finally:
            bench.close()
    rows = bench.rows
    if args.only and args.out.exists():  # the other groups' rows stay as the last run measured them
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        rows = tbl.merge([tbl.Row.from_json(data) for data in previous["rows"]], bench.rows, GROUPS)
    doc = tbl.document(rows, doc_machine, quick=bench.quick)
    args.out.write_text(tbl.dumps(doc), encoding="utf-8")
    m = doc_machine
    where = (
        f"{m['cores']} cores, Python {m['python']}, Qt {m['qt']} (PySide6 {m['pyside6']}), {m['platform']}"
    )
    load = m["load_average_at_start"]
    if len(rows) > len(bench.rows):
        load = f"{load} (for {', '.join(groups)}; other rows from earlier runs: `measured_at` in the JSON)"
    markdown = tbl.markdown_table(rows)
    args.out.with_suffix(".md").write_text(f"{where}; load average at the start {load}\n\n{markdown}\n")
    print(f"\n{where}")
    print(tbl.text_table(bench.rows))
    print(
        f"\n{doc['passed']} pass, {doc['failed']} fail, {doc['not_measured']} not measured in the file; "
        f"written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
