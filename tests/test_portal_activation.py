"""The sandbox portal's activation page, walked as a person would in a browser: sign in (with the password
change forced at first sign-in) and become an administrator with the invited roles; a used, revoked or
expired link says so; an account the sandbox does not know gets "Unknown Account"; GET /administrators then
lists the person once, with their Microsoft sign-in name."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from conftest import Sandbox
from helpers import portal as sandbox_portal
from helpers.sandbox_web import submit

from c2t_wizard.config import DEFAULT_CLIENT_ID


def invite(sandbox: Sandbox, account: str, roles: list[str], email: str | None = None) -> dict[str, Any]:
    key = sandbox_portal.api_key(sandbox.info)
    body = {
        "email": email or f"{uuid.uuid4().hex[:10]}@firma-example.de",
        "firstName": "Jonas",
        "lastName": "Beispiel",
        "roles": roles,
        "send": "link",
    }
    with sandbox_portal.api_client(sandbox.info, key) as client:
        response = client.post(f"/accounts/{account}/invitations", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def administrators(sandbox: Sandbox, account: str) -> list[dict[str, Any]]:
    with sandbox_portal.api_client(sandbox.info, sandbox_portal.api_key(sandbox.info)) as client:
        response = client.get(f"/accounts/{account}/administrators")
    response.raise_for_status()
    return list(response.json()["value"])


@pytest.fixture
def account(sandbox: Sandbox) -> str:
    """The demo partner's second customer account."""
    accounts = sandbox_portal.accounts(sandbox.info, sandbox_portal.api_key(sandbox.info))
    return str([a["id"] for a in accounts if a["kind"] == "customer"][1])


def test_activation_with_the_forced_password_change(sandbox: Sandbox, account: str) -> None:
    upn, password = sandbox_portal.new_user(sandbox.info)
    invitation = invite(sandbox, account, ["account_owner", "subscription_contributor"])
    with sandbox_portal.activation_client(sandbox.info) as client:
        page = sandbox_portal.open_link(client, invitation["activationUrl"])
        assert page.status == 200
        assert "Account Administrator (Account Owner)" in page.texts["roles"]
        wrong = submit(client, page.form(), {"username": upn, "password": "Wrong-1234!", "action": "signin"})
        assert wrong.errors  # a wrong password: the form again, nothing accepted
        page = submit(client, wrong.form(), {"username": upn, "password": password, "action": "signin"})
        assert "password-expired" in page.texts  # first sign-in: choose a new password
        weak = submit(
            client,
            page.form(),
            {"new_password": "short", "confirm_password": "short", "action": "changepassword"},
        )
        assert weak.errors
        new_password = f"Chosen-{uuid.uuid4().hex[:8]}-Bb2!"
        done = submit(
            client,
            weak.form(),
            {"new_password": new_password, "confirm_password": new_password, "action": "changepassword"},
        )
    assert "activated" in done.texts, done.errors
    assert upn in done.texts["signed-in-as"]
    listed = [a for a in administrators(sandbox, account) if a["signInName"] == upn]
    assert len(listed) == 1
    assert listed[0]["roles"] == ["account_owner", "subscription_contributor"]
    assert listed[0]["email"] == invitation["email"]
    assert listed[0]["invitationId"] == invitation["id"]
    # The new password is the one now in force (the identity building blocks applied it).
    token = httpx.post(
        f"{sandbox.info['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": DEFAULT_CLIENT_ID,  # the demo tenant consented to it for everyone
            "username": upn,
            "password": new_password,
            "scope": "User.Read",
        },
        verify=sandbox_portal.verify(sandbox.info),
        trust_env=False,
        timeout=10,
    )
    assert token.status_code == 200
    # The link is used now.
    with sandbox_portal.activation_client(sandbox.info) as client:
        again = sandbox_portal.open_link(client, invitation["activationUrl"])
    assert again.status == 410
    assert "link-used" in again.texts
    # The invitation says accepted; the new Account Owner can use the API with a portal token.
    with sandbox_portal.api_client(sandbox.info, sandbox_portal.api_key(sandbox.info)) as client:
        status = client.get(f"/accounts/{account}/invitations/{invitation['id']}").json()
    assert status["status"] == "accepted"
    assert status["activationUrl"] is None


def test_a_second_invitation_for_the_same_person_adds_roles_without_a_second_entry(
    sandbox: Sandbox, account: str
) -> None:
    upn, password = sandbox_portal.new_user(sandbox.info, force_change=False)
    first = invite(sandbox, account, ["service_viewer"])
    assert "activated" in sandbox_portal.activate(sandbox.info, first["activationUrl"], upn, password).texts
    second = invite(sandbox, account, ["service_contributor"])
    assert "activated" in sandbox_portal.activate(sandbox.info, second["activationUrl"], upn, password).texts
    listed = [a for a in administrators(sandbox, account) if a["signInName"] == upn]
    assert len(listed) == 1
    assert listed[0]["roles"] == ["service_contributor", "service_viewer"]


def test_an_unknown_account_gets_the_portals_unknown_account_page(sandbox: Sandbox, account: str) -> None:
    invitation = invite(sandbox, account, ["service_viewer"])
    page = sandbox_portal.activate(
        sandbox.info, invitation["activationUrl"], "someone@elsewhere-example.com", "Whatever-123!"
    )
    assert page.status == 403
    assert "unknown-account" in page.texts
    assert "private window" in " ".join(page.errors)
    # The link still works for the right person.
    with sandbox_portal.api_client(sandbox.info, sandbox_portal.api_key(sandbox.info)) as client:
        assert client.get(f"/accounts/{account}/invitations/{invitation['id']}").json()["status"] == "pending"


def test_a_revoked_link_says_so(sandbox: Sandbox, account: str) -> None:
    invitation = invite(sandbox, account, ["service_viewer"])
    with sandbox_portal.activation_client(sandbox.info) as browser:
        form = sandbox_portal.open_link(
            browser, invitation["activationUrl"]
        ).form()  # opened before the revoke
        with sandbox_portal.api_client(sandbox.info, sandbox_portal.api_key(sandbox.info)) as client:
            assert client.delete(f"/accounts/{account}/invitations/{invitation['id']}").status_code == 204
        upn, password = sandbox_portal.new_user(sandbox.info, force_change=False)
        page = submit(browser, form, {"username": upn, "password": password, "action": "signin"})
    assert page.status == 410
    assert "link-revoked" in page.texts
    assert not [a for a in administrators(sandbox, account) if a["signInName"] == upn]


def test_an_expired_link_says_so(sandbox: Sandbox, account: str) -> None:
    invitation = invite(sandbox, account, ["service_viewer"])
    sandbox_portal.control(sandbox.info, "expire", {"invitationId": invitation["id"]})
    with sandbox_portal.activation_client(sandbox.info) as client:
        page = sandbox_portal.open_link(client, invitation["activationUrl"])
    assert page.status == 410
    assert "link-expired" in page.texts


def test_a_made_up_link_is_not_valid(sandbox: Sandbox) -> None:
    with sandbox_portal.activation_client(sandbox.info) as client:
        page = sandbox_portal.open_link(client, f"{sandbox.info['login']}/portal/activate/not-a-token")
    assert page.status == 404
