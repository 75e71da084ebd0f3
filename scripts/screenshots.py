"""Regenerate docs/screenshots/{en,de}/{light,dark}/*.png: the wizard on a fresh sandbox, page by page, in
each language and colour scheme, and the README's gallery (English, light; links to the others).

Usage: python scripts/screenshots.py [OUTPUT_DIR]   (QT_QPA_PLATFORM=offscreen works; so does Xvfb)
Each language and scheme runs in its own process (a fresh app, sandbox and profile):
       python scripts/screenshots.py --one LANGUAGE SCHEME OUTPUT_DIR CAPTIONS_JSON
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("C2T_HOME", tempfile.mkdtemp(prefix="c2t-screenshots-"))

import httpx  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget  # noqa: E402

from c2t_wizard.config import Config  # noqa: E402
from c2t_wizard.ui.application import WizardApplication  # noqa: E402
from c2t_wizard.ui.wizard import PageId  # noqa: E402

CAPTIONS: dict[str, str] = {}


def pump(ms: int) -> None:
    """Run the event loop for ``ms`` milliseconds (timers, network answers, repaints)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(predicate: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        pump(10)


def settle(ms: int = 150) -> None:
    pump(ms)


def shoot(widget: QWidget, out: Path, name: str, caption: str) -> None:
    settle()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    CAPTIONS[name] = caption
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def type_into(edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    for char in text:
        edit.insert(char)
        QApplication.processEvents()


LANGUAGES = ("en", "de")
SCHEMES = ("light", "dark")
LANGUAGE_NAMES = {"en": "English", "de": "German"}


def update_readme(out: Path, captions: dict[str, str]) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    rows = []
    for name, caption in captions.items():
        rel = (out / "en" / "light" / f"{name}.png").relative_to(ROOT)
        rows.append(f"**{caption}**\n\n![{caption}]({rel.as_posix()})\n")
    others = [
        f"[{LANGUAGE_NAMES[language]}, {scheme}]({(out / language / scheme).relative_to(ROOT).as_posix()}/)"
        for language in LANGUAGES
        for scheme in SCHEMES
        if (language, scheme) != ("en", "light")
    ]
    rows.append("The same pages in the other languages and colour schemes: " + " · ".join(others) + "\n")
    block = "<!-- screenshots:start -->\n" + "\n".join(rows) + "<!-- screenshots:end -->"
    text = re.sub(r"<!-- screenshots:start -->.*<!-- screenshots:end -->", block, text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        language, scheme, out_dir, captions_file = sys.argv[2:6]
        return shoot_all(Path(out_dir), language, scheme, Path(captions_file))
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out = out.resolve()
    captions_file = Path(tempfile.mkdtemp(prefix="c2t-captions-")) / "captions.json"
    # Two at a time: each run waits on its sandbox much of the time.
    runs = [(language, scheme) for language in LANGUAGES for scheme in SCHEMES]
    failed = 0
    for pair in (runs[:2], runs[2:]):
        processes = []
        for language, scheme in pair:
            env = dict(os.environ)
            env["C2T_HOME"] = tempfile.mkdtemp(prefix=f"c2t-screenshots-{language}-{scheme}-")
            captions = (
                captions_file if (language, scheme) == ("en", "light") else captions_file.with_suffix(".x")
            )
            command = [sys.executable, __file__, "--one", language, scheme, str(out / language / scheme)]
            processes.append(subprocess.Popen([*command, str(captions)], env=env))
        failed += sum(process.wait() != 0 for process in processes)
    if failed:
        print(f"{failed} screenshot run(s) failed", file=sys.stderr)
        return 1
    update_readme(out, json.loads(captions_file.read_text(encoding="utf-8")))
    return 0


def shoot_all(out: Path, language: str, scheme: str, captions_file: Path) -> int:
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.identity_web import ScriptedBrowser
    from helpers.sandbox_web import sign_up

    from c2t_wizard.domain.csv_import import write_template_csv
    from c2t_wizard.domain.portal import PortalRole
    from c2t_wizard.domain.users import NewUser
    from c2t_wizard.ui.pages.sign_in import SignInState

    config = Config.from_env()._replace(sandbox=True, language=language)
    opened: list[str] = []
    browser = ScriptedBrowser()
    app = WizardApplication(
        config,
        show_error_dialogs=False,
        open_url=lambda url: opened.append(url) or True,
        auth_options={"open_browser": browser},
    )
    wizard = app.wizard
    wizard.resize(1000, 640)
    app.show()
    app.start_services()
    if scheme == "dark":
        assert app.theme is not None
        app.theme.force(Qt.ColorScheme.Dark)
    wait_until(lambda: app.backend.known is not None, 30)
    try:
        shoot(wizard, out, "01-welcome", "Welcome: choose how to start")
        wizard.next()
        page = wizard.page(PageId.TENANT_NAME)
        org = page.findChild(QLineEdit, "org_name_edit")
        prefix = page.findChild(QLineEdit, "tenant_prefix_edit")
        suggestions = page.findChild(QWidget, "tenant_suggestions")
        type_into(org, "Contoso")
        wait_until(lambda: suggestions is not None and suggestions.isVisible() and suggestions.count() > 0)
        settle(600)
        shoot(wizard, out, "02-tenant-name-taken", "Tenant name: taken, with checked free alternatives")
        fresh = f"northwindtraders{os.getpid() % 1000}"
        type_into(org, "Northwind Traders Ltd")
        type_into(prefix, fresh)
        wait_until(lambda: wizard.button(wizard.WizardButton.NextButton).isEnabled())
        shoot(wizard, out, "03-tenant-name-free", "Tenant name: free, ready to go on")
        wizard.next()
        signup_page = wizard.page(PageId.SIGNUP)
        wait_until(lambda: signup_page.isVisible())
        settle(400)
        shoot(
            wizard, out, "04-signup-waiting", "Sign-up: the steps, and the wizard watching for the new tenant"
        )
        base = str(app.sandbox.info["base"]) if app.sandbox and app.sandbox.info else ""
        created = sign_up(base, organisation="Northwind Traders Ltd", prefix=fresh)
        done_button = signup_page.findChild(QWidget, "signup_done_button")
        if done_button is not None:
            done_button.click()  # type: ignore[attr-defined]
        wait_until(lambda: app.wizard.onboarding.tenant_id is not None)
        settle(300)
        shoot(wizard, out, "05-signup-done", "Sign-up: the new tenant noticed")

        wait_until(lambda: wizard.currentId() == PageId.SIGN_IN)
        sign_in = wizard.sign_in_page
        assert sign_in is not None
        wait_until(lambda: sign_in.state is SignInState.CHOICES)
        settle(300)
        shoot(wizard, out, "06-sign-in", "Sign in: in the browser, with a code, or as the demo administrator")
        browser.username, browser.password = created["upn"], created["password"]
        sign_in.sign_in_button.click()
        wait_until(
            lambda: sign_in.state is SignInState.SIGNED_IN and sign_in.allow_access_button.isVisible(), 30
        )
        settle(300)
        shoot(
            wizard, out, "07-signed-in", "Signed in: organisation and domain; adding users needs a permission"
        )
        browser.for_organisation = True  # the Global Administrator consents for the whole organisation
        sign_in.allow_access_button.click()
        wait_until(sign_in.isComplete, 30)
        settle(300)
        shoot(wizard, out, "07b-access-allowed", "Signed in: adding users allowed, the role checked")

        wizard.next()
        users = wizard.users_page
        assert users is not None
        wait_until(lambda: wizard.services.directory is not None)
        domain = f"{fresh}.onmicrosoft.com"
        people = [
            NewUser(
                "Anna-Lena",
                "Müller",
                "Anna-Lena Müller",
                "anna-lena.muller",
                domain,
                "anna@northwind.example",
            ),
            NewUser("Ben", "Okafor", "Ben Okafor", "ben.okafor", domain, "ben.okafor@northwind.example"),
            NewUser("Chloé", "Dubois", "Chloé Dubois", "chloe.dubois", domain, "chloe@northwind.example"),
            NewUser("Dev", "Patel", "Dev Patel", "dev.patel", domain, "dev@northwind.example"),
        ]
        csv_path = Path(tempfile.mkdtemp()) / "people.csv"
        csv_path.write_bytes(write_template_csv(people))
        users._choose_file = lambda: csv_path  # what the file dialog would answer
        users.import_csv()
        wait_until(lambda: users.model.rowCount() >= len(people))
        settle(1200)
        shoot(wizard, out, "08-users", "Users: checked cell by cell, created without a licence")
        users.create_users()
        wait_until(lambda: wizard.button(wizard.WizardButton.NextButton).isEnabled(), 60)
        settle(300)
        shoot(wizard, out, "09-users-created", "Users: created in batches, with progress and counts")

        wizard.next()
        wait_until(lambda: wizard.currentId() == PageId.CREDENTIALS)
        settle(1500)
        shoot(wizard, out, "10-credentials", "Credentials: each person gets their sign-in details")

        credentials = wizard.credentials_page
        assert credentials is not None
        credentials.deliver_all()  # by mail from the new admin's mailbox, or mail links
        next_button = wizard.button(wizard.WizardButton.NextButton)
        try:
            wait_until(next_button.isEnabled, 10)
        except TimeoutError:
            # Too long for a mail link (German is): as the page says, one by one through the clipboard,
            # each confirmed as sent.
            for index in range(len(credentials.rows)):
                credentials.select_rows([index])
                credentials.deliver_selected()
                wait_until(lambda: not credentials.busy, 30)
                credentials.select_rows([index])
                credentials.confirm_selected()
            wait_until(next_button.isEnabled, 60)

        # Call2Teams makes the new tenant's admin a partner (what happens when a partner signs up).
        made = httpx.post(
            f"{base}/_sandbox/portal/partners",
            json={
                "upn": created["upn"],
                "name": "Northwind Traders (partner)",
                "customers": ["Fabrikam", "Tailspin Toys"],
            },
            timeout=10,
        )
        made.raise_for_status()
        wizard.next()
        wait_until(lambda: wizard.currentId() == PageId.PORTAL)
        portal = wizard.portal_page
        wait_until(lambda: not portal.busy and portal.account is not None, 30)
        portal.select_rows([0])  # Anna-Lena runs the account with the partner: she may invite others too
        portal.set_roles(frozenset({PortalRole.ACCOUNT_OWNER}))
        settle(600)
        shoot(wizard, out, "11-portal", "Portal: the account, each person's roles and real work email")
        portal.invite_all()
        wait_until(lambda: not portal.busy and portal.model.count("invited", "already_invited") > 0, 60)
        settle(600)
        shoot(wizard, out, "12-portal-invited", "Portal: invited, each with the invitation's expiry")
        wait_until(lambda: wizard.button(wizard.WizardButton.NextButton).isEnabled(), 30)
        wizard.next()
        wait_until(lambda: wizard.currentId() == PageId.SUMMARY)
        settle(1200)
        shoot(wizard, out, "13-summary", "Summary: what happened to each person, with Retry and Export")
    finally:
        app.shutdown()
    captions_file.write_text(json.dumps(CAPTIONS, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
