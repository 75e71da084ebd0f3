"""The frozen app's entry point (PyInstaller runs this file as ``__main__``).

A frozen executable has no interpreter to run ``-m MODULE`` with, yet the app starts itself as
``sys.executable -m c2t_wizard.sandbox ...`` (the sandbox child process) and
``sys.executable -m c2t_wizard --demo`` (the restart into the demo). Here, ``sys.executable`` is the frozen
executable, so it understands those two forms itself; anything else goes to the app's own ``main`` (the
wizard, or ``onboard``).
"""

from __future__ import annotations

import sys


def main() -> int:
    arguments = sys.argv[1:]
    if arguments[:2] == ["-m", "c2t_wizard.sandbox"]:
        from c2t_wizard.sandbox.__main__ import main as sandbox_main

        return sandbox_main(arguments[2:])
    if arguments[:2] == ["-m", "c2t_wizard"]:
        arguments = arguments[2:]
    from c2t_wizard.app import main as app_main

    return app_main(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
