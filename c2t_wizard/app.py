"""Entry point: arguments, settings, the service thread, the sandbox if asked for, and the wizard."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from c2t_wizard import __version__
from c2t_wizard.config import LANGUAGES, LOG_LEVELS, Config
from c2t_wizard.logging_setup import setup_logging

log = logging.getLogger("c2t_wizard")


NO_ARGUMENTS = argparse.Namespace(
    sandbox=False,
    demo=False,
    state=None,
    faults=None,
    client_id=None,
    lang=None,
    log_level=None,
    self_test=False,
)
"""What ``build_parser().parse_args([])`` answers (``tests/test_config.py`` holds them equal)."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # A start from the desktop or the start menu has no arguments: their defaults, without building the
        # parser (about 1% of the time to the first paint: benchmarks/startup.py).
        return argparse.Namespace(**vars(NO_ARGUMENTS))
    return build_parser().parse_args(arguments)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="c2t-wizard",
        description="Set up Microsoft work accounts for your staff and invite them to Call2Teams.",
        epilog="Without a window: 'c2t-wizard onboard --help' onboards people from a CSV file.",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="run against the embedded sandbox instead of Microsoft (nothing real is changed)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the demo: the embedded sandbox with its practice organisation, Contoso",
    )
    parser.add_argument("--state", type=Path, help="sandbox state directory (default: a fresh one)")
    parser.add_argument("--faults", default=None, help="sandbox fault injection, e.g. latency=150ms,503=0.1")
    parser.add_argument(
        "--client-id",
        default=None,
        help="the app registration to sign in with (default: Microsoft Graph Command Line Tools)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="user interface language")
    parser.add_argument(
        "--log-level",
        default=None,
        choices=LOG_LEVELS,
        type=str.upper,
        help="how much to write to the log file",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation without a window: onboard three people into a practice "
        "organisation (embedded sandbox, temporary folder) and say which step failed, if any",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def make_config(args: argparse.Namespace, env: dict[str, str] | None = None) -> Config:
    config = Config.from_env(dict(os.environ) if env is None else env)
    return config._replace(
        sandbox=config.sandbox or bool(args.sandbox) or bool(args.demo),
        sandbox_state=args.state or config.sandbox_state,
        sandbox_faults=args.faults if args.faults is not None else config.sandbox_faults,
        language=args.lang or config.language,
        client_id=args.client_id or config.client_id,
        log_level=args.log_level or config.log_level,
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["onboard"]:
        # The headless command: its module (and nothing of Qt) is imported only when asked for.
        from c2t_wizard.onboard_cli import main as onboard

        return onboard(arguments[1:])
    if "--self-test" in arguments:
        # Checks the installation headless, against an embedded sandbox (no window, no QtWidgets).
        from c2t_wizard.self_test import main as self_test

        return self_test(arguments)
    # Until the window has painted, nearly everything made is a module, a class or a Qt wrapper that lives
    # as long as the app: collecting garbage then only walks them (about 5 ms of the start).
    # WizardApplication.start_services freezes what exists at the first paint and from then on collects on the
    # GUI thread only (ui/collector.py): automatic collection stays off while the app runs.
    gc.disable()
    try:
        args = parse_args(arguments)  # already read from sys.argv above
        config = make_config(args)
        config.paths.ensure()
        # A plain file until the window has painted; WizardApplication.start_services makes it rotate.
        log_file = setup_logging(config.paths.log_dir, config.log_level, rotating=False)
        log.info("c2t-wizard %s starting (sandbox=%s, log=%s)", __version__, config.sandbox, log_file)

        # Qt and the app's UI are imported only now, so --help and --version stay instant.
        from c2t_wizard.ui.application import WizardApplication

        wizard_app = WizardApplication(config, sys.argv[:1], demo=bool(args.demo), freeze_start=True)
        return wizard_app.run()
    finally:
        gc.enable()


if __name__ == "__main__":
    raise SystemExit(main())
