"""The sandbox portal from a test's side: API keys, raw API calls, new demo-tenant users, and walking the
activation page as a person would in a browser."""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from helpers.sandbox_truth import graph_token
from helpers.sandbox_web import Page, parse_page, submit


def verify(info: Mapping[str, Any]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(info["ca_cert"]))


def api_key(info: Mapping[str, Any], upn: str | None = None) -> str:
    """A portal API key the sandbox issues (for the demo admin unless ``upn`` says otherwise)."""
    response = httpx.post(
        f"{info['base']}/_sandbox/portal/api_keys",
        json={"upn": upn} if upn else {},
        trust_env=False,
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["key"])


def control(info: Mapping[str, Any], name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET (``body`` None) or POST a ``/_sandbox/portal/<name>`` control endpoint."""
    url = f"{info['base']}/_sandbox/portal/{name}"
    response = (
        httpx.get(url, trust_env=False, timeout=10)
        if body is None
        else httpx.post(url, json=body, trust_env=False, timeout=10)
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def make_partner(
    info: Mapping[str, Any], upn: str, name: str, customers: list[str] | None = None
) -> httpx.Response:
    """``POST /_sandbox/portal/partners``: ``upn`` becomes Account Owner of a new partner account."""
    body: dict[str, Any] = {"upn": upn, "name": name}
    if customers is not None:
        body["customers"] = customers
    return httpx.post(f"{info['base']}/_sandbox/portal/partners", json=body, trust_env=False, timeout=10)


def api_client(info: Mapping[str, Any], credential: str) -> httpx.Client:
    return httpx.Client(
        base_url=str(info["portal"]),
        verify=verify(info),
        trust_env=False,
        timeout=10,
        headers={"Authorization": f"Bearer {credential}"},
    )


def accounts(info: Mapping[str, Any], credential: str) -> list[dict[str, Any]]:
    with api_client(info, credential) as client:
        response = client.get("/me")
        response.raise_for_status()
        return list(response.json()["accounts"])


def new_user(info: Mapping[str, Any], *, force_change: bool = True) -> tuple[str, str]:
    """A new user of the demo tenant (as the wizard creates them: change the password at first sign-in);
    returns (upn, password)."""
    admin = info["demo"]["admin"]
    token = graph_token(info, admin["username"], admin["password"])
    nickname = f"p{uuid.uuid4().hex[:10]}"
    upn = f"{nickname}@{info['demo']['tenant']}"
    password = f"Temp-{uuid.uuid4().hex[:8]}-Aa1!"
    response = httpx.post(
        f"{info['graph']}/users",
        json={
            "accountEnabled": True,
            "displayName": f"Portal {nickname}",
            "givenName": "Portal",
            "surname": nickname,
            "mailNickname": nickname,
            "userPrincipalName": upn,
            "passwordProfile": {"forceChangePasswordNextSignIn": force_change, "password": password},
        },
        headers={"Authorization": f"Bearer {token}"},
        verify=verify(info),
        trust_env=False,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return upn, password


def activation_client(info: Mapping[str, Any]) -> httpx.Client:
    return httpx.Client(verify=verify(info), trust_env=False, follow_redirects=True, timeout=15)


def open_link(client: httpx.Client, url: str) -> Page:
    return parse_page(client.get(url))


def activate(
    info: Mapping[str, Any], url: str, username: str, password: str, *, new_password: str | None = None
) -> Page:
    """Open the activation link, sign in, and choose ``new_password`` when the first sign-in asks for one;
    returns the last page."""
    with activation_client(info) as client:
        page = open_link(client, url)
        page = submit(client, page.form(), {"username": username, "password": password, "action": "signin"})
        if "password-expired" in page.texts and new_password is not None:
            page = submit(
                client,
                page.form(),
                {"new_password": new_password, "confirm_password": new_password, "action": "changepassword"},
            )
        return page
