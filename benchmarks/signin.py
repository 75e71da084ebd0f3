"""Sign-in -> tenant facts, in a fresh process: ``python benchmarks/signin.py '<sandbox ready line>'``.

What the sign-in page does when "Sign in" is clicked in the demo (the practice organisation's administrator,
``AuthService.sign_in_with_password``), then what it reads before showing the organisation
(``load_tenant_facts``: /me, the organisation, the roles). Cold: the first time in this new process, the
click coming right at first paint (the worst case): the app starts importing msgraph's models in a worker
thread then (``warm_up_graph_models``), and so does this script, at the same moment as the sign-in; only the
app's own modules are imported before (as the app has them at first paint). Warm: the same again in this
process with a new connection and a new sign-in. Prints one JSON line: ``cold_ms`` and ``warm_ms``.
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


async def cold(info: dict[str, object]) -> float:
    from c2t_wizard.services.graph import warm_up_graph_models

    started = time.perf_counter()
    warm_up = asyncio.ensure_future(warm_up_graph_models())  # as the app does at first paint
    await facts_once(info)
    seconds = time.perf_counter() - started
    await warm_up
    return seconds * 1000


def main() -> int:
    info = json.loads(sys.argv[1])
    import c2t_wizard.services.auth
    import c2t_wizard.services.backend
    import c2t_wizard.services.graph
    import c2t_wizard.services.tenant_info  # noqa: F401

    cold_ms = asyncio.run(cold(info))
    started = time.perf_counter()
    asyncio.run(facts_once(info))
    warm_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"cold_ms": cold_ms, "warm_ms": warm_ms}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
