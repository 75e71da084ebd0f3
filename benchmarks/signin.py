"""Sign-in -> tenant facts, in a fresh process: ``python benchmarks/signin.py '<sandbox ready line>'``.

What the sign-in page does when "Sign in" is clicked in the demo (the practice organisation's administrator,
``AuthService.sign_in_with_password``), then what it reads before showing the organisation
(``load_tenant_facts``: /me, the organisation, the roles). Cold: in this new process, modules not yet
imported (``benchmarks/run.py`` times it from the process's start). Warm: the same again in this process with
a new connection and a new sign-in (modules loaded). Prints one JSON line: ``cold_done`` (``time.monotonic``
when the facts were there the first time) and ``warm_ms``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def facts_once(info: dict[str, object]) -> None:
    from c2t_wizard.config import Endpoints
    from c2t_wizard.services.auth import AuthService
    from c2t_wizard.services.backend import Backend
    from c2t_wizard.services.graph import GraphSession
    from c2t_wizard.services.tenant_info import load_tenant_facts

    admin = info["demo"]["admin"]  # type: ignore[index]
    backend = Backend(Endpoints.from_sandbox_line(info))
    graph: GraphSession | None = None
    try:
        auth = AuthService(backend)
        await auth.sign_in_with_password(str(admin["username"]), str(admin["password"]))
        graph = GraphSession(backend, auth)
        signed_in = auth.signed_in
        facts = await load_tenant_facts(await graph.client(), scopes=signed_in.scopes if signed_in else ())
        if not facts.tenant_id:
            raise SystemExit("no tenant facts")
    finally:
        if graph is not None:
            await graph.aclose()
        await backend.aclose()


def main() -> int:
    info = json.loads(sys.argv[1])
    asyncio.run(facts_once(info))
    cold_done = time.monotonic()
    started = time.perf_counter()
    asyncio.run(facts_once(info))
    warm_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"cold_done": cold_done, "warm_ms": warm_ms}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
