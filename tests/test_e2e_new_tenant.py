"""The whole wizard on its own sandbox, for a partner with no tenant.

Welcome → "I need a Microsoft tenant" → a name checked as they type → the sign-up hand-off; the partner signs
up in the "browser" (an HTTP client filling the sandbox's sign-up forms) and the wizard notices the new tenant
and moves on by itself, to signing in."""

from __future__ import annotations

import uuid

import pytest
from helpers.sandbox_web import sign_up
from helpers.wizard_run import WAIT, Run
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QListWidget, QRadioButton, QWizard
from pytestqt.qtbot import QtBot

from c2t_wizard.config import Config
from c2t_wizard.ui.pages.sign_in import SignInPage, SignInState
from c2t_wizard.ui.wizard import PageId

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"),
]


def test_new_tenant_from_name_to_sign_up_to_sign_in(qtbot: QtBot, config: Config) -> None:
    run = Run(qtbot, config)
    wizard = run.wizard
    try:
        run.start()
        info = run.sandbox_info()
        new_tenant = wizard.currentPage().findChild(QRadioButton, "choice_new_tenant")
        assert new_tenant is not None
        assert new_tenant.isChecked()
        qtbot.mouseClick(run.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        assert wizard.currentId() == PageId.TENANT_NAME

        # "Contoso" is taken: the page says so and offers checked, free alternatives; Next stays off.
        page = wizard.currentPage()
        org = page.findChild(QLineEdit, "org_name_edit")
        prefix = page.findChild(QLineEdit, "tenant_prefix_edit")
        suggestions = page.findChild(QListWidget, "tenant_suggestions")
        assert org is not None
        assert prefix is not None
        assert suggestions is not None
        qtbot.keyClicks(org, "Contoso")
        qtbot.waitUntil(lambda: suggestions.isVisible() and suggestions.count() > 0, timeout=WAIT)
        assert prefix.text() == "contoso"
        assert not run.button(QWizard.WizardButton.NextButton).isEnabled()

        # A fresh organisation name: its prefix is proposed and found free.
        name = f"Wizard Test {uuid.uuid4().hex[:8]}"
        org.selectAll()
        qtbot.keyClicks(org, name)
        expected = name.replace(" ", "").lower()
        assert prefix.text() == expected
        qtbot.waitUntil(lambda: run.button(QWizard.WizardButton.NextButton).isEnabled(), timeout=WAIT)
        qtbot.mouseClick(run.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        assert wizard.currentId() == PageId.SIGNUP
        assert wizard.onboarding.tenant_prefix == expected
        clipboard = QGuiApplication.clipboard()
        assert clipboard is not None
        assert clipboard.text() == expected

        # The partner opens the sign-up page and signs up there.
        open_button = wizard.currentPage().findChild(object, "open_signup_button")
        assert open_button is not None
        qtbot.waitUntil(lambda: wizard.currentPage().signup_url is not None, timeout=WAIT)  # type: ignore[attr-defined]
        qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
        assert run.opened == [info["signup"]]
        created = sign_up(info["base"], organisation=name, prefix=expected)

        # Nobody clicks anything: the wizard notices the tenant and moves on to signing in.
        qtbot.waitUntil(lambda: wizard.currentId() == PageId.SIGN_IN, timeout=WAIT)
        assert wizard.onboarding.tenant_id == created["tenant_id"]
        sign_in = wizard.currentPage()
        assert isinstance(sign_in, SignInPage)
        qtbot.waitUntil(lambda: sign_in.state is SignInState.CHOICES, timeout=WAIT)

        # The new tenant's Global Administrator signs in and the wizard knows the new organisation.
        run.browser.username, run.browser.password = created["upn"], created["password"]
        qtbot.keyClick(sign_in.sign_in_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: sign_in.state is SignInState.SIGNED_IN, timeout=WAIT)
        assert sign_in.tenant_org_label.text() == name
        assert sign_in.tenant_domain_label.text() == f"{expected}.onmicrosoft.com"
        # Nobody has consented in the new organisation: signing in asked for User.Read only (the browser
        # consented to it), so the role is not known yet; the directory step asks for its permissions.
        assert not sign_in.isComplete()
        assert sign_in.allow_access_button.isVisible()
        sign_in.allow_access_button.click()  # the browser consents as the Global Administrator
        qtbot.waitUntil(sign_in.isComplete, timeout=WAIT)
        assert sign_in.role_status.text() == "You can add users: you're a Global Administrator."
        assert run.reported == []
    finally:
        run.app.shutdown()
