"""Graph sendMail on the sandbox, the outbox (JSON and page), and granting Mail.Send incrementally."""

from __future__ import annotations

import base64
import hashlib
import secrets
import ssl
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from conftest import Sandbox
from helpers.sandbox_web import grant_consent, sign_in_authorize, sign_up

from c2t_wizard.sandbox.jwt import unverified_claims

CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
INNER = {"date", "request-id", "client-request-id"}


@pytest.fixture(scope="module")
def https(sandbox: Sandbox) -> Iterator[httpx.Client]:
    context = ssl.create_default_context(cafile=sandbox["ca_cert"])
    with httpx.Client(verify=context, trust_env=False, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def web(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base, trust_env=False, timeout=10) as client:
        yield client


def token_for(https: httpx.Client, box: Sandbox, username: str, password: str, scope: str) -> dict[str, Any]:
    """A token whose ``scp`` is exactly ``scope``: each scope set is asked for by a client of its own,
    consented (control API) for just that set in the user's tenant."""
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"c2t-test-client/{scope}"))
    grant_consent(str(box.base), username.split("@")[1], scope, client_id=client_id)
    response = https.post(
        f"{box['login']}/organizations/oauth2/v2.0/token",
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": password,
            "scope": scope,
        },
    )
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module")
def admin_mail_token(sandbox: Sandbox, https: httpx.Client) -> str:
    admin = sandbox["demo"]["admin"]
    return str(
        token_for(https, sandbox, admin["username"], admin["password"], "User.Read Mail.Send")["access_token"]
    )


def message(to: list[str], subject: str, content: str, kind: str = "HTML") -> dict[str, Any]:
    return {
        "message": {
            "subject": subject,
            "body": {"contentType": kind, "content": content},
            "toRecipients": [{"emailAddress": {"address": address}} for address in to],
        },
        "saveToSentItems": False,
    }


def send(
    https: httpx.Client, box: Sandbox, token: str, body: Any, path: str = "/me/sendMail"
) -> httpx.Response:
    return https.post(f"{box['graph']}{path}", json=body, headers={"Authorization": f"Bearer {token}"})


def error_of(response: httpx.Response) -> dict[str, Any]:
    error = dict(response.json()["error"])
    assert set(error.pop("innerError")) == INNER
    return error


def outbox(web: httpx.Client) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = web.get("/_sandbox/outbox").json()["messages"]
    return messages


def test_send_mail_is_accepted_and_lands_in_the_outbox(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client, admin_mail_token: str
) -> None:
    subject = f"Your new account {uuid.uuid4().hex[:6]}"
    html = (
        "<p>Hello <b>Adele</b>,</p><p>your password: <code>xWwv]6NM&lt;</code></p><script>alert(1)</script>"
    )
    response = send(
        https, sandbox, admin_mail_token, message(["adele@example.com", "it@example.org"], subject, html)
    )
    assert response.status_code == 202
    assert response.content == b""
    assert response.headers["request-id"]
    latest = outbox(web)[0]
    assert latest["from"] == "admin@contoso.onmicrosoft.com"
    assert latest["to"] == ["adele@example.com", "it@example.org"]
    assert (latest["subject"], latest["contentType"], latest["body"]) == (subject, "html", html)
    assert latest["sentDateTime"].endswith("Z")
    # A plain-text message sent by id is newest now.
    me = https.get(f"{sandbox['graph']}/me", headers={"Authorization": f"Bearer {admin_mail_token}"}).json()
    text_subject = f"Plain {uuid.uuid4().hex[:6]}"
    body = message(["bob@example.com"], text_subject, "Line 1\n<not a tag>", kind="Text")
    assert send(https, sandbox, admin_mail_token, body, f"/users/{me['id']}/sendMail").status_code == 202
    newest, previous = outbox(web)[:2]
    assert (newest["subject"], newest["contentType"]) == (text_subject, "text")
    assert previous["subject"] == subject
    # The page: SANDBOX banner, newest first, HTML in a sandboxed iframe, text escaped.
    page = web.get("/outbox")
    assert page.status_code == 200
    text = page.text
    assert "SANDBOX" in text
    assert text.index(escape(text_subject)) < text.index(escape(subject))
    assert f'srcdoc="{escape(html, quote=True)}"' in text
    assert '<iframe sandbox=""' in text
    assert "<script>alert(1)</script>" not in text
    assert "Line 1\n&lt;not a tag&gt;" in text


def test_send_mail_needs_mail_send(sandbox: Sandbox, https: httpx.Client) -> None:
    admin = sandbox["demo"]["admin"]
    token = token_for(https, sandbox, admin["username"], admin["password"], "User.Read")["access_token"]
    response = send(https, sandbox, token, message(["a@example.com"], "s", "b"))
    assert response.status_code == 403
    assert error_of(response) == {
        "code": "ErrorAccessDenied",
        "message": "Access is denied. Check credentials and try again.",
    }


def test_send_mail_without_a_mailbox(sandbox: Sandbox, https: httpx.Client, web: httpx.Client) -> None:
    prefix = f"mail{uuid.uuid4().hex[:10]}"
    new = sign_up(sandbox.base, organisation="No Licence Ltd", prefix=prefix)
    token = token_for(https, sandbox, new["upn"], new["password"], "Mail.Send User.ReadWrite.All")[
        "access_token"
    ]
    expected = {
        "code": "MailboxNotEnabledForRESTAPI",
        "message": "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    }
    response = send(https, sandbox, token, message(["a@example.com"], "s", "b"))
    assert response.status_code == 404
    assert error_of(response) == expected
    # A user created through Graph has no mailbox either.
    upn = f"new@{prefix}.onmicrosoft.com"
    created = https.post(
        f"{sandbox['graph']}/users",
        json={
            "accountEnabled": True,
            "displayName": "New",
            "mailNickname": "new",
            "userPrincipalName": upn,
            "passwordProfile": {"password": "Fresh-Passw0rd!", "forceChangePasswordNextSignIn": False},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201
    user_token = token_for(https, sandbox, upn, "Fresh-Passw0rd!", "Mail.Send")["access_token"]
    response = send(https, sandbox, user_token, message(["a@example.com"], "s", "b"))
    assert response.status_code == 404
    assert error_of(response) == expected
    assert all(m["from"] not in (new["upn"], upn) for m in outbox(web))


def test_a_tenant_without_an_exchange_organisation_answers_401_on_every_mail_endpoint(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client, admin_mail_token: str
) -> None:
    prefix = f"noexo{uuid.uuid4().hex[:10]}"
    new = sign_up(sandbox.base, organisation="Entra Only Ltd", prefix=prefix)
    switched = web.post("/_sandbox/exchange", json={"tenant": prefix, "enabled": False})
    assert switched.status_code == 200
    assert switched.json() == {"tenant": f"{prefix}.onmicrosoft.com", "exchange": False}
    listed = {t["name"]: t for t in web.get("/_sandbox/tenants").json()["tenants"]}
    assert listed[f"{prefix}.onmicrosoft.com"]["exchange"] is False
    assert listed["contoso.onmicrosoft.com"]["exchange"] is True
    token = token_for(https, sandbox, new["upn"], new["password"], "Mail.Send Mail.Read User.Read")[
        "access_token"
    ]
    tenant_id = unverified_claims(token)["tid"]
    expected = {
        "code": "OrganizationFromTenantGuidNotFound",
        "message": f"The tenant for tenant guid '{tenant_id}' does not exist.",
    }
    before = len(outbox(web))
    response = send(https, sandbox, token, message(["a@example.com"], "s", "b"))
    assert response.status_code == 401
    assert error_of(response) == expected
    response = send(
        https, sandbox, token, message(["a@example.com"], "s", "b"), f"/users/{new['upn']}/sendMail"
    )
    assert response.status_code == 401
    assert error_of(response) == expected
    sent_items = https.get(
        f"{sandbox['graph']}/me/mailFolders/SentItems/messages",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sent_items.status_code == 401
    assert error_of(sent_items) == expected
    # No Exchange organisation at all: the same answer without Mail.Send (it is not about permissions).
    plain = token_for(https, sandbox, new["upn"], new["password"], "User.Read")["access_token"]
    response = send(https, sandbox, plain, message(["a@example.com"], "s", "b"))
    assert response.status_code == 401
    assert error_of(response) == expected
    assert len(outbox(web)) == before
    # Other tenants keep their Exchange organisation.
    response = send(https, sandbox, admin_mail_token, message([f"{prefix}@example.com"], "s", "b"))
    assert response.status_code == 202
    # With Exchange back, this admin (no licence, no mailbox) gets the mailbox error again.
    assert web.post("/_sandbox/exchange", json={"tenant": prefix, "enabled": True}).json()["exchange"] is True
    response = send(https, sandbox, token, message(["a@example.com"], "s", "b"))
    assert response.status_code == 404
    assert error_of(response)["code"] == "MailboxNotEnabledForRESTAPI"


def test_the_exchange_switch_refuses_what_it_cannot_use(web: httpx.Client) -> None:
    assert web.post("/_sandbox/exchange", json={"tenant": "contoso", "enabled": "no"}).status_code == 400
    assert web.post("/_sandbox/exchange", json={"tenant": "contoso"}).status_code == 400
    unknown = web.post("/_sandbox/exchange", json={"tenant": "nosuchtenant-x1", "enabled": False})
    assert unknown.status_code == 404
    assert web.post("/_sandbox/exchange", json=["contoso"]).status_code == 400


@pytest.mark.parametrize(
    ("body", "code", "message_start"),
    [
        (message([], "s", "b"), "ErrorInvalidRecipients", "At least one recipient is not valid."),
        (
            message(["not-an-address"], "s", "b"),
            "ErrorInvalidRecipients",
            "At least one recipient isn't valid.",
        ),
        (
            {"message": {"subject": "s", "toRecipients": [{"emailAddress": {}}]}},
            "ErrorInvalidRecipients",
            "At least one recipient isn't valid.",
        ),
        (
            {"saveToSentItems": False},
            "ErrorInvalidParameter",
            "The value of the parameter 'Message' is empty.",
        ),
    ],
    ids=["no-recipients", "bad-address", "no-address", "no-message"],
)
def test_send_mail_validation(
    sandbox: Sandbox, https: httpx.Client, admin_mail_token: str, body: Any, code: str, message_start: str
) -> None:
    response = send(https, sandbox, admin_mail_token, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == code
    assert error["message"].startswith(message_start)


def test_send_mail_as_someone_else_is_denied(
    sandbox: Sandbox, https: httpx.Client, admin_mail_token: str
) -> None:
    path = "/users/megan@contoso.onmicrosoft.com/sendMail"
    response = send(https, sandbox, admin_mail_token, message(["a@example.com"], "s", "b"), path)
    assert response.status_code == 403
    assert error_of(response)["code"] == "ErrorAccessDenied"


def test_mail_send_granted_incrementally(sandbox: Sandbox, https: httpx.Client) -> None:
    """Sign in interactively for User.Read (consenting to it), then Mail.Send: the refresh token alone gets
    AADSTS65001 (nobody consented to Mail.Send); an interactive request shows the consent page for it."""
    prefix = f"incr{uuid.uuid4().hex[:10]}"
    new = sign_up(sandbox.base, organisation="Incremental", prefix=prefix)
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": "http://localhost:8400",
        "scope": "User.Read openid profile offline_access",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    form = sign_in_authorize(
        f"{sandbox.base}/organizations/oauth2/v2.0/authorize?{urlencode(query)}", new["upn"], new["password"]
    )
    token_url = f"{sandbox['login']}/organizations/oauth2/v2.0/token"
    first = https.post(
        token_url,
        data={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "code": form.fields["code"],
            "redirect_uri": "http://localhost:8400",
            "code_verifier": verifier,
        },
    ).json()
    assert "Mail.Send" not in unverified_claims(first["access_token"])["scp"].split()
    refused = https.post(
        token_url,
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "refresh_token": first["refresh_token"],
            "scope": "https://graph.microsoft.com/Mail.Send offline_access",
        },
    )
    assert refused.status_code == 400
    assert refused.json()["error_codes"] == [65001]
    assert refused.json()["suberror"] == "consent_required"
    query["scope"] = "https://graph.microsoft.com/Mail.Send openid profile offline_access"
    sign_in_authorize(
        f"{sandbox.base}/organizations/oauth2/v2.0/authorize?{urlencode(query)}", new["upn"], new["password"]
    )
    second = https.post(
        token_url,
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "refresh_token": first["refresh_token"],
            "scope": "https://graph.microsoft.com/Mail.Send offline_access",
        },
    ).json()
    assert "Mail.Send" in unverified_claims(second["access_token"])["scp"].split()
    # Mail.Send is granted, but this fresh admin has no mailbox: the mailbox error, not the access error.
    response = send(https, sandbox, second["access_token"], message(["a@example.com"], "s", "b"))
    assert response.json()["error"]["code"] == "MailboxNotEnabledForRESTAPI"


def test_outbox_is_not_on_the_https_control_path(sandbox: Sandbox, https: httpx.Client) -> None:
    assert https.get(f"{sandbox['login']}/_sandbox/outbox").status_code == 404


def test_send_mail_parameter_names_are_case_insensitive_as_msgraph_sends_them(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client, admin_mail_token: str
) -> None:
    subject = f"PascalCase {uuid.uuid4().hex[:6]}"
    body = message(["carol@example.com"], subject, "Hello", kind="Text")
    pascal = {"Message": body["message"], "SaveToSentItems": False}
    assert send(https, sandbox, admin_mail_token, pascal).status_code == 202
    assert outbox(web)[0]["subject"] == subject


# --- Sent Items and the extended-property filter ------------------------------------------------------

PROPERTY_GUID = "0b9e2c5e-6a4f-4d6b-9d1e-3c2a7f1e5a10"
PROPERTY_ID = f"String {{{PROPERTY_GUID}}} Name C2tDeliveryId"


def tagged(to: str, value: str, *, save: bool = True) -> dict[str, Any]:
    body = message([to], f"Tagged {value}", "<p>hello</p>")
    body["message"]["singleValueExtendedProperties"] = [{"id": PROPERTY_ID, "value": value}]
    body["saveToSentItems"] = save
    return body


def property_filter(property_id: str, value: str | None = None) -> str:
    wanted = f"ep/id eq '{property_id}'"
    if value is not None:
        wanted += f" and ep/value eq '{value}'"
    return f"singleValueExtendedProperties/Any(ep: {wanted})"


def sent_items(
    https: httpx.Client, box: Sandbox, token: str, query: dict[str, str], folder: str = "SentItems"
) -> httpx.Response:
    return https.get(
        f"{box['graph']}/me/mailFolders/{folder}/messages",
        params=query,
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture(scope="module")
def admin_read_token(sandbox: Sandbox, https: httpx.Client) -> str:
    admin = sandbox["demo"]["admin"]
    scope = "User.Read Mail.Send Mail.Read"
    return str(token_for(https, sandbox, admin["username"], admin["password"], scope)["access_token"])


def test_a_saved_message_is_found_in_sent_items_by_its_extended_property(
    sandbox: Sandbox, https: httpx.Client, admin_read_token: str
) -> None:
    saved, unsaved = f"run:{uuid.uuid4().hex}:anna", f"run:{uuid.uuid4().hex}:ben"
    assert send(https, sandbox, admin_read_token, tagged("anna@example.com", saved)).status_code == 202
    assert (
        send(https, sandbox, admin_read_token, tagged("ben@example.com", unsaved, save=False)).status_code
        == 202
    )

    # Both spellings of the well-known folder; the value compares case-insensitively.
    for folder in ("SentItems", "sentitems"):
        found = sent_items(
            https, sandbox, admin_read_token, {"$filter": property_filter(PROPERTY_ID, saved.upper())}, folder
        )
        assert found.status_code == 200, found.text
        items = found.json()["value"]
        assert [item["subject"] for item in items] == [f"Tagged {saved}"]
        assert items[0]["toRecipients"] == [
            {"emailAddress": {"name": "anna@example.com", "address": "anna@example.com"}}
        ]
        assert "singleValueExtendedProperties" not in items[0]  # the answer never includes them
    # The GUID compares case-insensitively, the Name case-sensitively.
    upper_guid = PROPERTY_ID.replace(PROPERTY_GUID, PROPERTY_GUID.upper())
    query = {"$filter": property_filter(upper_guid, saved), "$select": "id,subject"}
    selected = sent_items(https, sandbox, admin_read_token, query).json()["value"]
    assert len(selected) == 1
    assert set(selected[0]) <= {"id", "subject", "@odata.etag"}
    other_name = PROPERTY_ID.replace("C2tDeliveryId", "c2tdeliveryid")
    assert (
        sent_items(https, sandbox, admin_read_token, {"$filter": property_filter(other_name, saved)}).json()[
            "value"
        ]
        == []
    )
    # Not saved (saveToSentItems false): sent, but not in Sent Items.
    assert (
        sent_items(
            https, sandbox, admin_read_token, {"$filter": property_filter(PROPERTY_ID, unsaved)}
        ).json()["value"]
        == []
    )
    # Without a value: every message carrying the property; $top pages.
    second = f"run:{uuid.uuid4().hex}:cara"
    assert send(https, sandbox, admin_read_token, tagged("cara@example.com", second)).status_code == 202
    page = sent_items(
        https, sandbox, admin_read_token, {"$filter": property_filter(PROPERTY_ID), "$top": "1"}
    )
    assert len(page.json()["value"]) == 1
    assert "$skip=1" in page.json()["@odata.nextLink"]


def test_reading_sent_items_needs_mail_read(
    sandbox: Sandbox, https: httpx.Client, admin_mail_token: str
) -> None:
    query = {"$filter": property_filter(PROPERTY_ID, "x")}
    refused = sent_items(https, sandbox, admin_mail_token, query)  # Mail.Send only
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "ErrorAccessDenied"
    admin = sandbox["demo"]["admin"]
    basic = str(
        token_for(https, sandbox, admin["username"], admin["password"], "Mail.ReadBasic")["access_token"]
    )
    # Mail.ReadBasic lists messages, but without extended properties: filtering on them is refused.
    assert sent_items(https, sandbox, basic, {"$top": "1"}).status_code == 200
    assert sent_items(https, sandbox, basic, query).status_code == 403


@pytest.mark.parametrize(
    "text",
    [
        "subject eq 'x'",
        "singleValueExtendedProperties/Any(ep: ep/id eq 'C2tDeliveryId' and ep/value eq 'x')",
        f"singleValueExtendedProperties/Any(ep: ep/id eq '{PROPERTY_ID}' and ep/value eq 'x'",
        f"singleValueExtendedProperties/Any(ep: other/id eq '{PROPERTY_ID}')",
    ],
)
def test_a_filter_the_sandbox_cannot_read_is_a_bad_request(
    sandbox: Sandbox, https: httpx.Client, admin_read_token: str, text: str
) -> None:
    response = sent_items(https, sandbox, admin_read_token, {"$filter": text})
    assert response.status_code == 400
    assert error_of(response) == {"code": "BadRequest", "message": "Invalid filter clause"}


def test_a_malformed_extended_property_is_refused_and_nothing_is_sent(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client, admin_read_token: str
) -> None:
    before = len(outbox(web))
    body = tagged("anna@example.com", "v")
    body["message"]["singleValueExtendedProperties"] = [{"id": "C2tDeliveryId", "value": "v"}]
    response = send(https, sandbox, admin_read_token, body)
    assert response.status_code == 400
    assert error_of(response)["code"] == "ErrorInvalidProperty"
    assert len(outbox(web)) == before


def test_a_dropped_answer_after_send_mail_still_sent_and_saved_it(
    clean_faults: Sandbox, https: httpx.Client, web: httpx.Client, admin_read_token: str
) -> None:
    box = clean_faults
    value = f"run:{uuid.uuid4().hex}:cara"
    box.set_faults("drop_after_commit=1")
    with pytest.raises(httpx.TransportError):
        send(https, box, admin_read_token, tagged("cara@example.com", value))
    box.set_faults("")
    assert [m["to"] for m in outbox(web) if m["subject"] == f"Tagged {value}"] == [["cara@example.com"]]
    found = sent_items(https, box, admin_read_token, {"$filter": property_filter(PROPERTY_ID, value)})
    assert len(found.json()["value"]) == 1


# --- the onmicrosoft.com cap and non-delivery reports ---------------------------------------------------

NDR_SENDER = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e"


def capped_sender(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client, address: str | None = None
) -> Any:
    """A fresh tenant whose administrator has a mailbox (at ``address``, else their onmicrosoft.com UPN)."""
    prefix = f"cap{uuid.uuid4().hex[:10]}"
    new = sign_up(sandbox.base, organisation="Capped Ltd", prefix=prefix)
    given = web.post("/_sandbox/mailbox", json={"upn": new["upn"], "address": address or new["upn"]})
    assert given.status_code == 200, given.text

    def token(scope: str) -> str:
        return str(token_for(https, sandbox, new["upn"], new["password"], scope)["access_token"])

    return prefix, new, token


def inbox(https: httpx.Client, box: Sandbox, token: str, **params: str) -> httpx.Response:
    return https.get(
        f"{box['graph']}/me/mailFolders/inbox/messages",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_101st_external_recipient_of_an_onmicrosoft_sender_bounces_later(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client
) -> None:
    prefix, admin, token = capped_sender(sandbox, https, web)
    domain = f"{prefix}.onmicrosoft.com"
    seeded = web.post("/_sandbox/mail_cap", json={"tenant": domain, "sent": 99, "ndrDelay": 0}).json()
    assert seeded == {"tenant": domain, "cap": 100, "sent": 99, "remaining": 1, "ndrDelay": 0.0}
    sender = token("Mail.Send Mail.Read")
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # The 100th external recipient goes through; an internal one is never counted.
    first = message(["first@example.com", f"colleague@{domain}"], "Your account: First Person", "<p>1</p>")
    assert send(https, sandbox, sender, first).status_code == 202
    assert web.get("/_sandbox/mail_cap", params={"tenant": domain}).json()["sent"] == 100
    assert inbox(https, sandbox, sender).json()["value"] == []
    # The 101st: still 202 Accepted, then a non-delivery report in the sender's Inbox.
    second = message(["second@example.org"], "Your account: Second Person", "<p>2</p>")
    assert send(https, sandbox, sender, second).status_code == 202
    assert web.get("/_sandbox/mail_cap", params={"tenant": domain}).json()["sent"] == 100
    listed = inbox(https, sandbox, sender, **{"$filter": f"receivedDateTime ge {started}"})
    assert listed.status_code == 200, listed.text
    (ndr,) = listed.json()["value"]
    assert ndr["subject"] == "Undeliverable: Your account: Second Person"
    outlook = {"name": "Microsoft Outlook", "address": f"{NDR_SENDER}@{domain}"}
    assert ndr["from"]["emailAddress"] == outlook
    assert ndr["sender"]["emailAddress"] == outlook
    assert [r["emailAddress"]["address"] for r in ndr["toRecipients"]] == [admin["upn"]]
    assert "second@example.org" in ndr["body"]["content"]
    assert "550 5.7.236" in ndr["body"]["content"]
    assert "second@example.org" in ndr["bodyPreview"]
    # Mail.ReadBasic: the subject and sender, never the body.
    basic = inbox(https, sandbox, token("Mail.ReadBasic"), **{"$filter": f"receivedDateTime ge {started}"})
    assert basic.status_code == 200, basic.text
    (seen,) = basic.json()["value"]
    assert seen["subject"] == ndr["subject"]
    assert seen["from"]["emailAddress"]["address"] == outlook["address"]
    assert not {"body", "bodyPreview", "uniqueBody"} & set(seen)
    selected = inbox(https, sandbox, token("Mail.ReadBasic"), **{"$select": "subject,body,bodyPreview"})
    assert set(selected.json()["value"][0]) == {"@odata.etag", "id", "subject"}
    # Later than everything: nothing; no read scope at all: 403.
    later = inbox(https, sandbox, sender, **{"$filter": "receivedDateTime ge 2999-01-01T00:00:00Z"})
    assert later.json()["value"] == []
    denied = inbox(https, sandbox, token("Mail.Send"))
    assert denied.status_code == 403
    assert error_of(denied)["code"] == "ErrorAccessDenied"


def test_a_non_delivery_report_arrives_after_the_delay_and_pages(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client
) -> None:
    prefix, _admin, token = capped_sender(sandbox, https, web)
    domain = f"{prefix}.onmicrosoft.com"
    web.post("/_sandbox/mail_cap", json={"tenant": domain, "sent": 100, "ndrDelay": 600})
    sender = token("Mail.Send Mail.Read")
    assert send(https, sandbox, sender, message(["late@example.com"], "Late", "x")).status_code == 202
    assert inbox(https, sandbox, sender).json()["value"] == []  # not arrived yet
    web.post("/_sandbox/mail_cap", json={"tenant": domain, "ndrDelay": 0})
    for n in range(3):
        body = message([f"p{n}@example.com", f"q{n}@example.com"], f"Now {n}", "x")
        assert send(https, sandbox, sender, body).status_code == 202
    first = inbox(https, sandbox, sender, **{"$top": "2", "$select": "subject"}).json()
    assert [m["subject"] for m in first["value"]] == ["Undeliverable: Now 2", "Undeliverable: Now 1"]
    rest = https.get(first["@odata.nextLink"], headers={"Authorization": f"Bearer {sender}"}).json()
    assert [m["subject"] for m in rest["value"]] == ["Undeliverable: Now 0"]
    assert "@odata.nextLink" not in rest
    assert web.get("/_sandbox/mail_cap", params={"tenant": domain}).json()["sent"] == 100


def test_a_sender_on_a_custom_domain_is_not_capped(
    sandbox: Sandbox, https: httpx.Client, web: httpx.Client
) -> None:
    address = f"ada@{uuid.uuid4().hex[:8]}.example"
    prefix, _admin, token = capped_sender(sandbox, https, web, address)
    domain = f"{prefix}.onmicrosoft.com"
    web.post("/_sandbox/mail_cap", json={"tenant": domain, "sent": 100, "ndrDelay": 0})
    sender = token("Mail.Send Mail.Read")
    assert send(https, sandbox, sender, message(["free@example.com"], "Free", "x")).status_code == 202
    assert outbox(web)[0]["from"] == address
    assert inbox(https, sandbox, sender).json()["value"] == []
    assert web.get("/_sandbox/mail_cap", params={"tenant": domain}).json()["sent"] == 100


def test_the_mail_cap_control_refuses_nonsense(web: httpx.Client, sandbox: Sandbox) -> None:
    tenant = sandbox["demo"]["tenant"]
    assert web.post("/_sandbox/mail_cap", json={"tenant": tenant, "sent": -1}).status_code == 400
    assert web.post("/_sandbox/mail_cap", json={"tenant": tenant, "ndrDelay": "soon"}).status_code == 400
    assert web.post("/_sandbox/mail_cap", json={"tenant": "nobody.example"}).status_code == 404
    assert web.get("/_sandbox/mail_cap", params={"tenant": tenant}).json()["cap"] == 100
