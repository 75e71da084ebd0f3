"""Assemble the sandbox: one aiohttp application served on a plain-http and an https listener."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from . import control, discovery, graph, identity, mail, portal, signup
from .context import CONTEXT, DEFAULT_TOKEN_LIFETIME, Context
from .faults import FaultBox, Faults, faults_middleware
from .jwt import SigningKey
from .quota import DEFAULT_WRITE_QUOTA, QuotaSpec, WriteQuota
from .state import (
    DB_FILE,
    DEMO_ADMIN,
    DEMO_ADMIN_PASSWORD,
    DEMO_CONSENTED_SCOPES,
    DEMO_PREFIX,
    DEMO_USER,
    DEMO_USER_ADMIN,
    DEMO_USER_ADMIN_PASSWORD,
    DEMO_USER_PASSWORD,
    UNCONSENTED_ADMIN_PASSWORD,
    UNCONSENTED_PREFIX,
    UNCONSENTED_USER_ADMIN,
    UNCONSENTED_USER_ADMIN_PASSWORD,
    Store,
)
from .tls import ensure_tls

log = logging.getLogger("c2t_wizard.sandbox")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Options:
    port: int = 0
    tls_port: int = 0
    state: Path | None = None
    faults: Faults = field(default_factory=Faults)
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    write_quota: QuotaSpec = field(default_factory=lambda: QuotaSpec.parse(DEFAULT_WRITE_QUOTA))
    exit_on_stdin_eof: bool = False


@web.middleware
async def control_on_http_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The control API answers on the plain-http site only."""
    if request.secure and request.path.startswith("/_sandbox/"):
        raise web.HTTPNotFound
    return await handler(request)


def build_app(context: Context) -> web.Application:
    # The portal's in-flight count sits before the faults, so their latency counts as time in flight.
    middlewares = [control_on_http_only, portal.api_middleware, faults_middleware(context.faults)]
    app = web.Application(middlewares=middlewares)
    app[CONTEXT] = context
    control.add_routes(app)
    signup.add_routes(app)
    discovery.add_routes(app)
    identity.add_routes(app)
    mail.add_routes(app)
    portal.add_routes(app)
    graph.add_routes(app)  # last: it ends with a catch-all under /v1.0
    return app


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def ready_line(context: Context, state: Path, ca_cert: Path) -> dict[str, Any]:
    demo = context.store.tenant_by_prefix(DEMO_PREFIX)
    other = context.store.tenant_by_prefix(UNCONSENTED_PREFIX)
    domain = f"{DEMO_PREFIX}.onmicrosoft.com"
    return {
        "base": context.base,
        "login": context.login,
        "graph": context.graph,
        "signup": f"{context.base}/signup",
        "ca_cert": str(ca_cert.resolve()),
        "state": str(state.resolve()),
        "outbox": f"{context.base}/outbox",
        "portal": f"{context.login}{portal.API_BASE}",
        "demo": {
            "tenant": domain,
            "tenant_id": demo.id if demo else None,
            "admin": {"username": f"{DEMO_ADMIN}@{domain}", "password": DEMO_ADMIN_PASSWORD},
            "user": {"username": f"{DEMO_USER}@{domain}", "password": DEMO_USER_PASSWORD},
            "user_admin": {"username": f"{DEMO_USER_ADMIN}@{domain}", "password": DEMO_USER_ADMIN_PASSWORD},
            "consented_scopes": list(DEMO_CONSENTED_SCOPES),
        },
        # A tenant where nobody has consented to the app yet (issue 16).
        "unconsented": {
            "tenant": f"{UNCONSENTED_PREFIX}.onmicrosoft.com",
            "tenant_id": other.id if other else None,
            "admin": {
                "username": f"{DEMO_ADMIN}@{UNCONSENTED_PREFIX}.onmicrosoft.com",
                "password": UNCONSENTED_ADMIN_PASSWORD,
            },
            "user_admin": {
                "username": f"{UNCONSENTED_USER_ADMIN}@{UNCONSENTED_PREFIX}.onmicrosoft.com",
                "password": UNCONSENTED_USER_ADMIN_PASSWORD,
            },
        },
    }


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def watch() -> None:
        # os.read on the raw descriptor: a daemon thread blocked in it holds no Python-level lock,
        # so the interpreter can still shut down (sys.stdin.buffer would abort it at exit).
        with contextlib.suppress(OSError, ValueError):
            fd = sys.stdin.fileno()
            while os.read(fd, 4096):
                pass
        log.info("stdin closed: stopping")
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch, name="sandbox-stdin", daemon=True).start()


def _install_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))


async def serve(options: Options) -> None:
    temporary = options.state is None  # a throw-away state, removed at exit
    state = options.state or Path(tempfile.mkdtemp(prefix="c2t-sandbox-"))
    state.mkdir(parents=True, exist_ok=True)
    tls = ensure_tls(state)
    store = Store(state / DB_FILE)
    store.seed()
    store.purge_expired()
    context = Context(
        store=store,
        key=SigningKey.load_or_create(state),
        faults=FaultBox(options.faults),
        token_lifetime=options.token_lifetime,
        quota=WriteQuota(options.write_quota),
    )
    http_sock, https_sock = _bind(options.port), _bind(options.tls_port)
    context.base = f"http://127.0.0.1:{http_sock.getsockname()[1]}"
    context.login = f"https://127.0.0.1:{https_sock.getsockname()[1]}"

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    _install_signals(loop, stop)
    if options.exit_on_stdin_eof:
        _watch_stdin(loop, stop)

    runner = web.AppRunner(build_app(context), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        await web.SockSite(runner, http_sock).start()
        await web.SockSite(runner, https_sock, ssl_context=tls.server_context()).start()
        sys.stdout.write(json.dumps(ready_line(context, state, tls.ca_cert)) + "\n")
        sys.stdout.flush()
        log.info("sandbox ready: %s (pages) and %s (identity, Graph)", context.base, context.login)
        await stop.wait()
        log.info("sandbox stopping")
    finally:
        await runner.cleanup()
        store.close()
        if temporary:
            shutil.rmtree(state, ignore_errors=True)
