"""``python -m c2t_wizard.sandbox``: run the sandbox until SIGTERM/SIGINT (or stdin EOF)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from .context import DEFAULT_TOKEN_LIFETIME
from .faults import Faults, FaultSpecError
from .quota import DEFAULT_WRITE_QUOTA, QuotaSpec, QuotaSpecError
from .server import Options, serve


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m c2t_wizard.sandbox",
        description="A loopback stand-in for Microsoft identity, Graph and the sign-up site.",
    )
    parser.add_argument("--port", type=int, default=0, help="plain-http port (0: any free port)")
    parser.add_argument("--tls-port", type=int, default=0, help="https port (0: any free port)")
    parser.add_argument("--state", type=Path, default=None, help="state directory (default: temp)")
    parser.add_argument(
        "--faults",
        default="",
        help="e.g. latency=150ms,429=0.1,503=0.1,drop=0.05,seed=42 (no seed: one is chosen and logged)",
    )
    parser.add_argument(
        "--token-lifetime",
        type=int,
        default=DEFAULT_TOKEN_LIFETIME,
        help="access token lifetime in seconds",
    )
    parser.add_argument(
        "--write-quota",
        default=DEFAULT_WRITE_QUOTA,
        help="Graph identity writes per window per (app, tenant), e.g. 3000/150s (default), 20/1s or off",
    )
    parser.add_argument(
        "--exit-on-stdin-eof", action="store_true", help="stop when stdin reaches end of file"
    )
    parser.add_argument("--log-level", default="INFO", help="stderr log level")
    args = parser.parse_args(argv)
    try:
        faults = Faults.parse(args.faults)
    except FaultSpecError as exc:
        parser.error(f"--faults: {exc}")
    try:
        write_quota = QuotaSpec.parse(args.write_quota)
    except QuotaSpecError as exc:
        parser.error(f"--write-quota: {exc}")
    if args.token_lifetime <= 0:
        parser.error("--token-lifetime must be positive")
    logging.basicConfig(
        stream=sys.stderr,
        level=str(args.log_level).upper(),
        format="%(asctime)s sandbox %(levelname)s %(name)s: %(message)s",
    )
    return Options(
        port=args.port,
        tls_port=args.tls_port,
        state=args.state,
        faults=faults,
        token_lifetime=args.token_lifetime,
        write_quota=write_quota,
        exit_on_stdin_eof=args.exit_on_stdin_eof,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    asyncio.run(serve(options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
