"""500 people through the real Users page, in a process of its own: GUI stalls and peak memory.

``python benchmarks/users_journey.py --sandbox-info '{...}' [--people 500]`` (``benchmarks/run.py`` passes the
ready line of the sandbox it started). Prints one JSON line:

- ``bare``: a bare event loop (QApplication, no page) ticking a 10 ms ``QTimer`` for ``--bare-seconds``: the
  longest gap and the 99th percentile gap the machine itself gives (the baseline);
- ``create``: the same ticker while the page creates ``--people`` users at 150 ms latency (sign-in, import
  of a CSV through the Import button and the username checks happen first, untimed): longest gap, p99 gap,
  seconds;
- ``max_rss_mb``: the peak resident memory of this process over everything above (sign-in, import, checks,
  creation), ``VmHWM`` from ``/proc/self/status``.

The page is the app's ``UsersPage`` in a bare ``QWizard`` with the app's ``ServiceRunner``,
``DirectoryService`` and journal; the GUI thread collects garbage as the app does (``GuiThreadCollector``,
``gc.freeze`` after the warm-up). It is not the whole wizard: the credentials, portal and summary pages are
not part of this journey.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bulk_create import consent  # noqa: E402
from conftest import Sandbox  # noqa: E402
from helpers.sandbox_web import sign_up  # noqa: E402

from c2t_wizard.config import Endpoints  # noqa: E402
from c2t_wizard.domain.csv_import import write_template_csv  # noqa: E402
from c2t_wizard.domain.users import NewUser  # noqa: E402

LATENCY = "150ms"


def peak_rss_kib() -> int:
    """This process's peak resident memory (``VmHWM``). Not ``getrusage``'s ``ru_maxrss``: Linux carries
    that over ``exec`` from the parent (a child started by a big parent reports the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def gaps_summary(gaps: list[float]) -> dict[str, float]:
    ordered = sorted(gaps[1:]) or [0.0]
    return {"max_ms": ordered[-1], "p99_ms": ordered[int(0.99 * (len(ordered) - 1))], "ticks": len(ordered)}


def staff(count: int, domain: str) -> list[NewUser]:
    return [
        NewUser(
            f"First{i}",
            "Journey",
            f"First{i} Journey",
            f"journey.{i}",
            domain,
            f"journey.{i}@partner.example",
        )
        for i in range(count)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox-info", required=True, help="the sandbox's ready line (JSON)")
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--bare-seconds", type=float, default=3.0)
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    box = Sandbox(None, json.loads(args.sandbox_info))  # type: ignore[arg-type]

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWizard, QWizardPage

    app = QApplication(sys.argv)

    def ticking(seconds_or_until: Any) -> list[float]:
        gaps: list[float] = []
        clock = QElapsedTimer()
        ticker = QTimer()
        ticker.setInterval(10)
        loop = QEventLoop()
        started = time.perf_counter()

        def tick() -> None:
            gaps.append(clock.nsecsElapsed() / 1e6)
            clock.restart()
            if seconds_or_until(time.perf_counter() - started):
                loop.quit()

        ticker.timeout.connect(tick)
        clock.start()
        ticker.start()
        loop.exec()
        ticker.stop()
        return gaps

    bare = gaps_summary(ticking(lambda now: now >= args.bare_seconds))

    from c2t_wizard.domain.onboarding import Onboarding, StartChoice
    from c2t_wizard.services.auth import AuthService
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.directory import DirectoryService
    from c2t_wizard.services.graph import GraphSession, warm_up_graph_models
    from c2t_wizard.services.journal import Journal, PersonState
    from c2t_wizard.services.tenant_info import load_tenant_facts
    from c2t_wizard.ui.collector import GuiThreadCollector
    from c2t_wizard.ui.pages.users import UsersPage
    from c2t_wizard.ui.runner import ServiceRunner

    data = Path(tempfile.mkdtemp(prefix="c2t-journey-bench-"))
    prefix = f"jour{os.getpid()}{time.monotonic_ns() % 10**7}"
    tenant = sign_up(box.base, organisation=f"Journey {prefix}", prefix=prefix)
    consent(box, f"{prefix}.onmicrosoft.com")
    runner = ServiceRunner()
    runner.start()
    collector = GuiThreadCollector()
    journal = Journal.open(data / "journal.sqlite3")
    holder: dict[str, Any] = {}

    def on_runner(coro: Coroutine[Any, Any, Any]) -> Any:
        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        def done(value: Any) -> None:
            outcome["value"] = value
            loop.quit()

        def failed(exc: BaseException) -> None:
            outcome["error"] = exc
            loop.quit()

        runner.submit(coro, on_success=done, on_failure=failed)
        loop.exec()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    wizard = QWizard()
    try:
        on_runner(warm_up_graph_models())

        async def prepare() -> Any:
            backend = Backend(Endpoints.from_sandbox_line(box.info))
            auth = AuthService(backend)
            await auth.sign_in_with_password(tenant["upn"], tenant["password"])
            graph = GraphSession(backend, auth)
            holder["backend"], holder["graph"] = backend, graph
            directory = DirectoryService(graph, journal)
            await directory.warm_up()
            holder["directory"] = directory
            return await load_tenant_facts(await graph.client())

        facts = on_runner(prepare())
        path = data / "staff.csv"
        path.write_bytes(write_template_csv(staff(args.people, str(facts.default_domain))))
        onboarding = Onboarding(choice=StartChoice.DEMO)
        onboarding.tenant_facts = facts
        onboarding.tenant_id = facts.tenant_id
        page = UsersPage(onboarding, runner, holder["directory"], journal, choose_file=lambda: path)
        wizard.addPage(page)
        wizard.addPage(QWizardPage())
        wizard.resize(900, 600)
        wizard.show()
        app.processEvents()
        gc.collect()
        gc.freeze()  # as the app does after its warm-up
        collector.start()
        box.set_faults(f"latency={LATENCY}")

        create = page.create_users_button
        QTimer.singleShot(0, page.import_csv)
        ticking(lambda now: create.isEnabled() or now > args.limit)
        if not create.isEnabled():
            raise SystemExit("Create never became enabled")

        pauses: list[tuple[float, int, str]] = []
        gc_started: list[float] = []

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                gc_started[:] = [time.perf_counter()]
            elif gc_started:
                pauses.append(
                    (
                        (time.perf_counter() - gc_started[0]) * 1000,
                        info["generation"],
                        threading.current_thread().name,
                    )
                )

        gc.callbacks.append(on_gc)
        samples: dict[str, int] = {}
        last_tick = [time.perf_counter()]
        watching = threading.Event()

        def watchdog() -> None:
            import traceback

            main = threading.main_thread().ident
            while not watching.wait(0.005):
                if time.perf_counter() - last_tick[0] > 0.03:
                    frame = sys._current_frames().get(main or 0)
                    if frame is not None:
                        where = " < ".join(
                            f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                            for f in traceback.extract_stack(frame)[-4:][::-1]
                        )
                        samples[where] = samples.get(where, 0) + 1

        if os.environ.get("C2T_BENCH_DEBUG"):
            threading.Thread(target=watchdog, daemon=True).start()
            QTimer.singleShot(0, lambda: None)
            ticker_hook = QTimer()
            ticker_hook.timeout.connect(lambda: last_tick.__setitem__(0, time.perf_counter()))
            ticker_hook.start(5)
        ended: list[float] = []
        page.work_ended.connect(lambda: ended.append(time.perf_counter()))
        started = time.perf_counter()
        QTimer.singleShot(0, page.create_users)
        gaps = ticking(lambda now: bool(ended) or now > args.limit)
        seconds = (ended[0] if ended else time.perf_counter()) - started
        gc.callbacks.remove(on_gc)
        watching.set()
        if os.environ.get("C2T_BENCH_DEBUG"):
            ticker_hook.stop()
            for where, n in sorted(samples.items(), key=lambda x: -x[1])[:12]:
                print(n, where, file=sys.stderr)
        if os.environ.get("C2T_BENCH_DEBUG"):
            print(
                "longest gc pauses (ms, generation, thread):",
                sorted(pauses, reverse=True)[:5],
                file=sys.stderr,
            )
            print("largest gaps (ms):", sorted(gaps, reverse=True)[:8], file=sys.stderr)
        created = sum(
            1 for run_id in page.run_ids for p in journal.people(run_id) if p.state is PersonState.CREATED
        )
        result = {
            "people": args.people,
            "created": created,
            "bare": bare,
            "create": {**gaps_summary(gaps), "seconds": seconds},
            "max_rss_mb": peak_rss_kib() / 1024,
        }
    finally:
        box.set_faults("")
        collector.stop()
        wizard.close()
        wizard.deleteLater()

        async def close() -> None:
            if "graph" in holder:
                await holder["graph"].aclose()
                await holder["backend"].aclose()

        on_runner(close())
        runner.shutdown()
        journal.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
