"""The whole wizard on its own sandbox: Welcome → "I already have one" → sign in in the (scripted) browser →
the tenant's facts; and a DEBUG-level run leaves no token in any file the app wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.wizard_run import WAIT, Run
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Config
from c2t_wizard.logging_setup import LOG_FILE_NAME
from c2t_wizard.ui.pages.sign_in import SignInState

pytestmark = [
    pytest.mark.e2e,
    # msgraph's generated request builders warn about their own deprecated classes when first imported.
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"),
]


def test_existing_tenant_sign_in_through_the_whole_wizard(qtbot: QtBot, config: Config) -> None:
    run = Run(qtbot, config)
    try:
        run.start()
        page = run.to_sign_in()
        assert run.app.services.auth.tenant == "organizations"
        account = run.sign_in(page)
        assert page.tenant_org_label.text() == "Contoso"
        assert page.tenant_domain_label.text() == "contoso.onmicrosoft.com"
        assert account["username"] in page.signed_in_user_label.text()
        assert page.role_status.text()
        assert page.isComplete()
        # On to adding people.
        assert run.button(QWizard.WizardButton.NextButton).isEnabled()
        assert page.validatePage()
        assert run.wizard.onboarding.signed_in_username == account["username"]
        assert run.wizard.onboarding.tenant_facts is not None
        assert run.browser.loopback_status == [200]
        assert run.reported == []
    finally:
        run.app.shutdown()


def _token_fragments(auth: Any) -> dict[str, str]:
    """Every secret in the AuthService's token cache, and distinctive pieces of each."""
    cache = auth._cache
    fragments: dict[str, str] = {}
    for kind in (
        cache.CredentialType.ACCESS_TOKEN,
        cache.CredentialType.REFRESH_TOKEN,
        cache.CredentialType.ID_TOKEN,
    ):
        for number, entry in enumerate(cache.search(kind)):
            secret = str(entry["secret"])
            name = f"{kind} #{number}"
            fragments[name] = secret
            parts = secret.split(".")
            if len(parts) == 3:
                # The payload and the signature are unique to this token (the header is not).
                fragments[f"{name} payload"] = parts[1][:40]
                fragments[f"{name} signature"] = parts[2]
            else:
                middle = len(secret) // 2
                fragments[f"{name} middle"] = secret[max(0, middle - 12) : middle + 12]
    return {name: value for name, value in fragments.items() if len(value) >= 16}


def test_a_debug_run_leaves_no_token_in_any_file(qtbot: QtBot, config: Config, debug_log: Path) -> None:
    run = Run(qtbot, config)
    try:
        run.start()
        page = run.to_sign_in()
        run.sign_in(page)
        fragments = _token_fragments(run.app.services.auth)
        kinds = " ".join(fragments)
        assert "AccessToken" in kinds
        assert "RefreshToken" in kinds
        assert "IdToken" in kinds
        # Sign out and in again (refresh, removal): more chances to write a token somewhere.
        page.sign_out()
        qtbot.waitUntil(lambda: page.state is SignInState.CHOICES, timeout=WAIT)
        run.sign_in(page)
        fragments.update({f"second {k}": v for k, v in _token_fragments(run.app.services.auth).items()})
    finally:
        run.app.shutdown()

    home = config.paths.data_dir.parent
    sandbox_state = config.paths.data_dir / "sandbox"  # the stand-in for Microsoft keeps its own tokens
    written = [path for path in home.rglob("*") if path.is_file() and sandbox_state not in path.parents]
    log_file = config.paths.log_dir / LOG_FILE_NAME
    assert log_file in written
    assert "DEBUG" in log_file.read_text(encoding="utf-8")
    for path in written:
        text = path.read_bytes().decode("utf-8", "replace")
        for name, fragment in fragments.items():
            assert fragment not in text, f"{name} found in {path.relative_to(home)}"
