"""Portal invitations at scale: ``python benchmarks/portal_invites.py [--people 500] [--repeat 1]``.

Against the sandbox portal answering every request after 150 ms (``latency=150ms``), with the demo admin's
API key, into the partner's first customer account (fresh addresses every round):

- **one at a time**: ``ApiPortal.invite`` awaited for each person in turn (what a plain script does);
- **bounded**: ``ApiPortal.invite_many`` (at most ``--in-flight`` requests on the wire, default 8, the app's
  setting).

Prints both times, the ratio (budget >= 6x; the ideal with 8 in flight is 8x) and the sandbox's own count of
the most requests in flight at once; with ``--repeat N`` the medians of N rounds too.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import Sandbox, start_sandbox  # noqa: E402
from helpers import portal as sandbox_portal  # noqa: E402

from c2t_wizard.config import Endpoints  # noqa: E402
from c2t_wizard.domain.portal import InvitationRequest, PortalRole, SendMode  # noqa: E402
from c2t_wizard.services.backend import Backend  # noqa: E402
from c2t_wizard.services.portal import InviteResult  # noqa: E402
from c2t_wizard.services.portal_api import ApiPortal  # noqa: E402

LATENCY = "150ms"
BUDGET = 6.0


def people(count: int, tag: str) -> list[InvitationRequest]:
    return [
        InvitationRequest(
            key=f"bench-{tag}-{i}",
            email=f"bench.{tag}.{i}@partner-example.com",
            first_name=f"First{i}",
            last_name="Bench",
            roles=frozenset({PortalRole.SERVICE_CONTRIBUTOR}),
            send=SendMode.LINK,
        )
        for i in range(count)
    ]


async def timed(box: Sandbox, account: str, key: str, count: int, in_flight: int) -> tuple[float, int]:
    """Seconds to invite ``count`` people (one at a time when ``in_flight`` is 1) and the sandbox's most
    requests in flight."""
    backend = Backend(Endpoints.from_sandbox_line(box.info))
    portal = ApiPortal(backend, api_key=key, concurrency=in_flight)
    requests = people(count, uuid.uuid4().hex[:8])
    try:
        await portal.accounts()  # connection and TLS set up outside the timing
        sandbox_portal.control(box.info, "stats/reset", {})
        start = time.perf_counter()
        if in_flight == 1:
            outcomes = [await portal.invite(account, request) for request in requests]
        else:
            outcomes = await portal.invite_many(account, requests)
        seconds = time.perf_counter() - start
    finally:
        await backend.aclose()
    failed = [o for o in outcomes if o.result is not InviteResult.INVITED]
    if failed:
        raise SystemExit(f"{len(failed)} invitations failed, e.g. {failed[0]}")
    return seconds, int(sandbox_portal.control(box.info, "stats")["maxInFlight"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--in-flight", type=int, default=8, help="requests on the wire at once (default 8)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="c2t-portal-bench-") as tmp:
        box = start_sandbox(
            Path(tmp) / "sandbox", "--log-level", "WARNING", "--faults", f"latency={LATENCY},seed=1"
        )
        try:
            key = sandbox_portal.api_key(box.info)
            account = next(a["id"] for a in sandbox_portal.accounts(box.info, key) if a["kind"] == "customer")
            rounds = []
            for round_no in range(1, args.repeat + 1):
                bounded, most = asyncio.run(timed(box, account, key, args.people, args.in_flight))
                one, _ = asyncio.run(timed(box, account, key, args.people, 1))
                ratio = one / bounded
                rounds.append({"one": one, "bounded": bounded, "ratio": ratio})
                print(
                    f"round {round_no}: {args.people} invitations, latency {LATENCY}: "
                    f"one at a time {one:.2f} s, "
                    f"{args.in_flight} in flight {bounded:.2f} s (sandbox saw at most {most} at once), "
                    f"ratio {ratio:.1f}x",
                    flush=True,
                )
            ratio = statistics.median(r["ratio"] for r in rounds)
            print(
                f"median of {args.repeat}: "
                f"one at a time {statistics.median(r['one'] for r in rounds):.2f} s, "
                f"bounded {statistics.median(r['bounded'] for r in rounds):.2f} s, ratio {ratio:.1f}x; "
                f"budget >= {BUDGET:g}x: {'ok' if ratio >= BUDGET else 'MISSED'}"
            )
        finally:
            box.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
