"""What the sandbox knows, read over HTTP, to check the app's journal against: the tenant's users, every
``POST /users`` it received (per username: created once, conflicts after) and every ``assignLicense``.

The sandbox refuses a second user with the same username, so "nobody created twice" counted in the tenant is
true whatever the app does. What can be wrong, and what ``check_journal_against_tenant`` checks, person by
person: the journal says "created" for a user the tenant doesn't have (or the other way round), keeps an
object id that isn't the user's, sent more creates than it counted, adopted a user that was there before, or
reports "already existed" for a user this run created.
"""

from __future__ import annotations

import ssl
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

import httpx

from c2t_wizard.services.journal import PersonRecord, PersonState

CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"


def _control(base: str, name: str, tenant: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/_sandbox/{name}", params={"tenant": tenant}, timeout=10, trust_env=False)
    response.raise_for_status()
    return dict(response.json())


def tenant_users(base: str, tenant: str) -> dict[str, dict[str, Any]]:
    """Every user of the tenant (id, createdDateTime, …) by lower-case username."""
    return {str(user["upn"]).lower(): user for user in _control(base, "users", tenant)["users"]}


def create_attempts(base: str, tenant: str) -> dict[str, list[dict[str, Any]]]:
    """Every ``POST /users`` that reached the sandbox, by lower-case username, oldest first."""
    return dict(_control(base, "create_attempts", tenant)["attempts"])


def license_calls(base: str, tenant: str) -> list[dict[str, Any]]:
    return list(_control(base, "license_calls", tenant)["calls"])


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_journal_against_tenant(
    records: Iterable[PersonRecord],
    users: Mapping[str, Mapping[str, Any]],
    attempts: Mapping[str, list[dict[str, Any]]],
    *,
    run_started: datetime,
    others: Collection[str] = (),
) -> None:
    """Each person's journal entry and the tenant agree one to one.

    ``others``: usernames (lower-case) whose user somebody else created; only they may be "already existed".
    ``run_started``: an aware UTC time before this run's first send.
    """
    for record in records:
        key, state = record.key, record.state
        user = users.get(key)
        tries = attempts.get(key, [])
        created = [attempt for attempt in tries if attempt["outcome"] == "created"]
        if state is PersonState.CREATED:
            assert key not in others, f"{key}: somebody else's user recorded as created by this run"
            assert user is not None, f"{key}: the journal says created, the tenant has no such user"
            assert record.user_id == user["id"], f"{key}: the journal keeps {record.user_id}"
            # Created by the first create the sandbox received; every later one met a conflict.
            outcomes = [a["outcome"] for a in tries]
            assert outcomes == ["created"] + ["conflict"] * (len(tries) - 1), (key, tries)
            assert created[0]["id"] == user["id"]
            assert len(tries) <= record.attempts, f"{key}: {len(tries)} sent, {record.attempts} counted"
            born = when(user["createdDateTime"])  # whole seconds
            assert born >= run_started.replace(microsecond=0), f"{key}: there before the run ({born})"
            assert record.first_sent_at is not None
            assert born >= record.first_sent_at.replace(microsecond=0), f"{key}: before the first send"
        elif state is PersonState.EXISTS:
            assert key in others, f"{key}: reported as already existing, but this run created it"
            assert user is not None, f"{key}: reported as already existing, the tenant has no such user"
            assert record.user_id in (None, user["id"])
            # Somebody else's create made the user; every create after it (ours) met a conflict.
            assert created, (key, tries)
            assert created[0]["id"] == user["id"], (key, tries)
            after = tries[tries.index(created[0]) + 1 :]
            assert all(a["outcome"] == "conflict" for a in after), (key, tries)
            assert len(after) <= record.attempts, f"{key}: {len(after)} sent, {record.attempts} counted"
        else:
            assert user is None or key in others, f"{key}: the journal says {state.value}, the tenant has it"
            assert record.user_id is None


def graph_token(info: Mapping[str, Any], username: str, password: str) -> str:
    """An access token (User.ReadWrite.All) for a sandbox user, by the password grant."""
    verify = ssl.create_default_context(cafile=str(info["ca_cert"]))
    response = httpx.post(
        f"{info['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "username": username,
            "password": password,
            "scope": "User.ReadWrite.All openid profile",
        },
        verify=verify,
        trust_env=False,
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def check_unlicensed(
    info: Mapping[str, Any], token: str, tenant: str, user_ids: Collection[str], *, since: datetime
) -> None:
    """No ``assignLicense`` call reached the tenant since ``since``, and each of ``user_ids`` has no
    licence: ``assignedLicenses`` and ``licenseDetails`` empty, read from Graph."""
    calls = [call for call in license_calls(str(info["base"]), tenant) if when(call["at"]) >= since]
    assert calls == [], calls
    verify = ssl.create_default_context(cafile=str(info["ca_cert"]))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(verify=verify, trust_env=False, timeout=10, headers=headers) as client:
        listed = client.get(
            f"{info['graph']}/users", params={"$select": "id,assignedLicenses", "$top": "999"}
        )
        listed.raise_for_status()
        licences = {user["id"]: user["assignedLicenses"] for user in listed.json()["value"]}
        assert set(user_ids) <= set(licences)
        for user_id in user_ids:
            assert licences[user_id] == [], (user_id, licences[user_id])
            details = client.get(f"{info['graph']}/users/{user_id}/licenseDetails")
            assert details.status_code == 200, details.text
            assert details.json()["value"] == [], (user_id, details.json())


def check_users_run(
    info: Mapping[str, Any],
    tenant: str,
    records: Iterable[PersonRecord],
    token: str,
    *,
    started: datetime,
    others: Collection[str] = (),
) -> dict[str, dict[str, Any]]:
    """``check_journal_against_tenant`` and ``check_unlicensed`` for one run in ``tenant``; returns the
    tenant's users (by lower-case username) for the caller's own checks."""
    people = list(records)
    base = str(info["base"])
    users = tenant_users(base, tenant)
    attempts = create_attempts(base, tenant)
    check_journal_against_tenant(people, users, attempts, run_started=started, others=others)
    created = [r.user_id for r in people if r.state is PersonState.CREATED and r.user_id]
    check_unlicensed(info, token, tenant, created, since=started)
    return users
