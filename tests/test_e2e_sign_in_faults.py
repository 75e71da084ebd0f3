"""Demo sign-in through the whole wizard while Microsoft (the sandbox) sheds load: one click is enough.

Issue 10: under ``503=0.2,429=0.2,drop_after_commit=0.1`` the demo sign-in said "Something went wrong ... send
the details to support" and only a second click worked; a transient 429 (AADSTS90033) on the token endpoint
was retried by nothing. The fault seed is fixed: the first token request of this run is refused (checked
below from the sandbox's own count of faults), so the test fails without the retry policy.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from helpers.wizard_run import WAIT, Run
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Config
from c2t_wizard.ui.pages.sign_in import SignInState

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"),
]

FAULTS = "503=0.2,429=0.2,drop_after_commit=0.1,seed=4"
"""The issue's faults; with this seed the first token request is answered 429/503 (see the test)."""


def set_faults(run: Run, spec: str) -> str:
    response = httpx.post(
        f"{run.sandbox_info()['base']}/_sandbox/faults", json={"spec": spec}, timeout=10, trust_env=False
    )
    response.raise_for_status()
    return str(response.json()["spec"])


def test_demo_sign_in_under_transient_faults_needs_one_click(
    qtbot: QtBot, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="c2t_wizard.services.http_retry")
    run = Run(qtbot, config)
    try:
        run.start()
        page = run.to_sign_in()
        qtbot.waitUntil(lambda: page.demo_sign_in_button.isVisible(), timeout=WAIT)
        spec = set_faults(run, FAULTS)
        qtbot.mouseClick(page.demo_sign_in_button, Qt.MouseButton.LeftButton)

        def settled() -> None:
            assert page.state in (SignInState.SIGNED_IN, SignInState.CHOICES, SignInState.FACTS_FAILED)

        qtbot.waitUntil(settled, timeout=WAIT)
        retried = [r.getMessage() for r in caplog.records if r.name == "c2t_wizard.services.http_retry"]
        assert page.state is SignInState.SIGNED_IN, (spec, page.sign_in_status.text(), retried)
        # The faults did hit this sign-in: the token request was refused at first and asked again.
        assert any(m.startswith("password sign-in:") and ", retry " in m for m in retried), (spec, retried)
        assert page.tenant_org_label.text() == "Contoso"
        assert run.reported == []
    finally:
        run.app.shutdown()
