"""Graph ``sendMail`` (``/me/sendMail``, ``/users/{id}/sendMail``) and the outbox that shows what was "sent".

Nothing leaves the computer: a sent message is stored in the outbox (SQLite), shown on the ``/outbox`` page
and returned by ``GET /_sandbox/outbox`` (control API, plain-http site only).

Errors (Exchange Online's codes, ``reference/microsoft-identity-and-graph.md`` §4):
a tenant with no Exchange organisation (``Store.set_exchange``, ``POST /_sandbox/exchange``) → 401
``OrganizationFromTenantGuidNotFound`` on every mail endpoint, before anything else is looked at (reported
payload, ``docs/microsoft-rules.md`` §1.8);
no ``Mail.Send`` in ``scp`` → 403 ``ErrorAccessDenied``; the sender has no mailbox (no Exchange licence:
signed-up admins and created users) → 404 ``MailboxNotEnabledForRESTAPI``; no or malformed recipient → 400
``ErrorInvalidRecipients``; no message → 400 ``ErrorInvalidParameter``.

Sent Items, per mailbox, as Exchange keeps them: a message sent with ``saveToSentItems`` true (Graph's
default) is saved in the sender's Sent Items with its ``singleValueExtendedProperties``, and
``GET /me/mailFolders/{folder}/messages`` lists a folder (well-known names case-insensitively: ``SentItems``,
``sentitems``; the other well-known folders are empty here) with ``$top``/``$skip``/``$select`` and Graph's
documented filter on extended properties,
``singleValueExtendedProperties/Any(ep: ep/id eq '{id}' and ep/value eq '{value}')`` (the ``and`` part is
optional; the property's ``Name`` compares case-sensitively, its value case-insensitively; the answer never
includes the properties themselves). Reading needs ``Mail.Read`` or ``Mail.ReadWrite`` (``Mail.ReadBasic``
lists messages but excludes extended properties, so filtering on them is 403 with it, as it is without any
read scope); a filter the sandbox can't parse is 400 ``BadRequest`` "Invalid filter clause".

The onmicrosoft.com cap (Exchange Online, docs/microsoft-rules.md §3.1–3.2): messages whose sender address
is on an ``*.onmicrosoft.com`` domain may reach at most ``MOERA_CAP`` (100) external recipients (any domain
that is not one of the tenant's) per tenant in a rolling 24 hours. Over it, ``sendMail`` still answers 202,
and a non-delivery report arrives in the sender's Inbox (after the tenant's ``ndrDelay``, 2 s unless set):
from "Microsoft Outlook" ``MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@{tenant}.onmicrosoft.com``,
subject ``Undeliverable: {original subject}`` (``Unzustellbar:`` for a sender whose ``preferredLanguage`` is
German: the prefix is localised), to the sender, its body naming each failed recipient with
``550 5.7.236``. Internal recipients are never counted; a sender whose address is on a custom domain is not
capped. ``GET /me/mailFolders/inbox/messages`` lists it: ``Mail.ReadBasic``, ``Mail.Read`` or
``Mail.ReadWrite``; under ``Mail.ReadBasic`` alone ``body``, ``bodyPreview`` and ``uniqueBody`` are left
out (documented); ``$filter=receivedDateTime ge {ISO time}`` (also ``gt``) works with any of them.
Control API: ``GET /_sandbox/mail_cap?tenant=…`` (``{"tenant", "cap", "sent", "remaining",
"ndrDelay"}``: ``sent`` counts the last 24 hours) and ``POST /_sandbox/mail_cap`` (``{"tenant": …,
"sent": 99, "ndrDelay": 0.5}``, both optional: "99 external recipients already reached today"; the cap
itself stays 100); ``POST /_sandbox/mailbox`` (``{"upn": …, "address": "ada@fabrikam.example"}``: the user
gets a mailbox with that primary address, its domain becoming one of the tenant's: a custom-domain sender).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from .common import b64url, iso_now, json_response
from .context import ctx
from .graph import BadBodyError, Call, Reply, bad_body, error_reply, find_user, json_reply, route
from .pages import page
from .state import Store, Tenant

log = logging.getLogger(__name__)

_ADDRESS = re.compile(
    r"^[^@\s\"(),:;<>\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
RECIPIENT_FIELDS = (("toRecipients", "to"), ("ccRecipients", "cc"), ("bccRecipients", "bcc"))


class MailError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _recipients(message: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field_name, key in RECIPIENT_FIELDS:
        entries = message.get(field_name) or []
        if not isinstance(entries, list):
            raise MailError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
        addresses = []
        for entry in entries:
            email = entry.get("emailAddress") if isinstance(entry, dict) else None
            address = email.get("address") if isinstance(email, dict) else None
            if not isinstance(address, str) or not _ADDRESS.match(address.strip()):
                shown = address if isinstance(address, str) else ""
                raise MailError(
                    400,
                    "ErrorInvalidRecipients",
                    f"At least one recipient isn't valid., Recipient '{shown}' isn't resolved. All "
                    "recipients must be resolved before a message can be submitted.",
                )
            addresses.append(address.strip())
        found[key] = addresses
    if not any(found.values()):
        raise MailError(
            400,
            "ErrorInvalidRecipients",
            "At least one recipient is not valid., A message can't be sent because it contains no "
            "recipients.",
        )
    return found


def _parameter(body: dict[str, Any], name: str, default: Any = None) -> Any:
    """An action parameter: Graph matches their names case-insensitively (msgraph-sdk sends ``Message``)."""
    for key, value in body.items():
        if key.lower() == name.lower():
            return value
    return default


_PROPERTY_ID = re.compile(
    r"^(?P<type>[A-Za-z]+)\s+\{(?P<guid>[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12})\}\s+"
    r"(?:Name\s+(?P<name>\S.*)|Id\s+(?P<number>0x[0-9A-Fa-f]+))$"
)
"""An extended property's id: ``{type} {guid} Name {name}`` or ``{type} {guid} Id 0x{hex}``."""


def property_key(property_id: str) -> tuple[str, str, str] | None:
    """How Exchange tells extended property ids apart: type and GUID case-insensitively, the ``Name``
    case-sensitively (a numeric ``Id`` as a number); None for an id that is not well-formed."""
    match = _PROPERTY_ID.match(property_id.strip())
    if match is None:
        return None
    kind, guid = match["type"].lower(), match["guid"].lower()
    if match["name"] is not None:
        return kind, guid, "name:" + match["name"]
    return kind, guid, "id:" + str(int(match["number"], 16))


def _extended_properties(message: dict[str, Any]) -> list[dict[str, str]]:
    entries = _parameter(message, "singleValueExtendedProperties", None)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise MailError(
            400,
            "ErrorInvalidParameter",
            "The value of the parameter 'SingleValueExtendedProperties' is invalid.",
        )
    found: list[dict[str, str]] = []
    for entry in entries:
        property_id = entry.get("id") if isinstance(entry, dict) else None
        value = entry.get("value") if isinstance(entry, dict) else None
        if (
            not isinstance(property_id, str)
            or property_key(property_id) is None
            or not isinstance(value, str)
        ):
            raise MailError(
                400, "ErrorInvalidProperty", "The extended property attribute combination is invalid."
            )
        found.append({"id": property_id.strip(), "value": value})
    return found


def _message(body: Any) -> tuple[dict[str, list[str]], str, str, str]:
    message = _parameter(body, "message") if isinstance(body, dict) else None
    if not isinstance(message, dict):
        raise MailError(400, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.")
    save = _parameter(body, "saveToSentItems", True)
    if not isinstance(save, bool | None):
        raise MailError(
            400, "ErrorInvalidParameter", "The value of the parameter 'SaveToSentItems' is invalid."
        )
    recipients = _recipients(message)
    subject = message.get("subject") or ""
    content = message.get("body") or {}
    if not isinstance(subject, str) or not isinstance(content, dict):
        raise MailError(400, "ErrorInvalidParameter", "The value of the parameter 'Message' is invalid.")
    kind = str(content.get("contentType") or "text").lower()
    if kind not in ("text", "html"):
        raise MailError(400, "ErrorInvalidParameter", "The value of the parameter 'ContentType' is invalid.")
    text = content.get("content") or ""
    if not isinstance(text, str):
        raise MailError(400, "ErrorInvalidParameter", "The value of the parameter 'Content' is invalid.")
    return recipients, subject, kind, text


def no_exchange_reply(call: Call) -> Reply | None:
    """401 ``OrganizationFromTenantGuidNotFound`` when the caller's tenant has no Exchange organisation."""
    tenant_id = call.principal.user.tenant_id
    if call.context.store.has_exchange(tenant_id):
        return None
    return error_reply(
        call,
        401,
        "OrganizationFromTenantGuidNotFound",
        f"The tenant for tenant guid '{tenant_id}' does not exist.",
    )


async def _send(call: Call, sender_key: str | None) -> Reply:
    principal = call.principal
    refused = no_exchange_reply(call)
    if refused is not None:
        return refused
    if "mail.send" not in {scope.lower() for scope in principal.scopes}:
        return error_reply(
            call, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
        )
    sender = principal.user
    if sender_key is not None:
        target = find_user(call.context, principal, sender_key)
        if target is None:
            return error_reply(
                call, 404, "ErrorInvalidUser", f"The requested user '{sender_key}' is invalid."
            )
        if target.id != sender.id:
            return error_reply(
                call, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
    if not sender.has_mailbox:
        return error_reply(
            call,
            404,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        )
    try:
        body = call.json_body()
        recipients, subject, kind, text = _message(body)
        properties = _extended_properties(_parameter(body, "message"))
    except BadBodyError:
        return bad_body(call)
    except MailError as exc:
        return error_reply(call, exc.status, exc.code, exc.message)
    address = sender.mail or sender.upn
    store = call.context.store
    with store.transaction():
        mail = store.add_mail(sender.tenant_id, address, recipients, subject, kind, text)
        if _parameter(body, "saveToSentItems", True) is not False:  # Graph's default: saved
            store.add_sent_item(sender.id, _sent_item(mail.id, address, recipients, subject), properties)
        bounced = _apply_cap(call, address, recipients)
        if bounced:
            _deliver_ndr(call, address, subject, bounced)
    log.info("sendMail: %s sent a message to %d recipient(s)", sender.upn, sum(map(len, recipients.values())))
    return Reply(202)


@route("POST", "/me/sendMail")
async def send_mail_me(call: Call) -> Reply:
    return await _send(call, None)


@route("POST", "/users/{user}/sendMail")
async def send_mail_user(call: Call) -> Reply:
    return await _send(call, call.params["user"])


MOERA_CAP = 100
"""External recipients per tenant per rolling 24 hours from onmicrosoft.com senders (Exchange Online)."""
MOERA_WINDOW = 24 * 3600.0
DEFAULT_NDR_DELAY = 2.0
"""Seconds until a non-delivery report arrives, unless the tenant's ``ndrDelay`` says otherwise."""
NDR_SENDER_LOCAL = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e"
NDR_CODE = "550 5.7.236"


def is_capped_sender(address: str) -> bool:
    return address.rpartition("@")[2].lower().endswith(".onmicrosoft.com")


def _apply_cap(call: Call, address: str, recipients: dict[str, list[str]]) -> list[str]:
    """Count the message's external recipients against the tenant's cap (inside the send's transaction);
    returns those over it (they bounce)."""
    if not is_capped_sender(address):
        return []
    store = call.context.store
    tenant_id = call.principal.user.tenant_id
    own = {domain.name.lower() for domain in store.domains(tenant_id)}
    external = [
        recipient
        for key in ("to", "cc", "bcc")
        for recipient in recipients.get(key, [])
        if recipient.rpartition("@")[2].lower() not in own
    ]
    if not external:
        return []
    now = time.time()
    remaining = max(0, MOERA_CAP - store.external_sent_since(tenant_id, now - MOERA_WINDOW))
    store.record_external_sends(tenant_id, external[:remaining], now)
    bounced = external[remaining:]
    if bounced:
        log.info("sendMail: %d external recipient(s) over the onmicrosoft.com cap: NDR", len(bounced))
    return bounced


def ndr_delay(store: Store, tenant_id: str) -> float:
    value = store.meta(f"ndr_delay:{tenant_id.lower()}")
    return DEFAULT_NDR_DELAY if value is None else float(value)


def _deliver_ndr(call: Call, sender: str, subject: str, failed: list[str]) -> None:
    """The non-delivery report Exchange puts in the sender's Inbox (the shape of the documented example)."""
    store = call.context.store
    user = call.principal.user
    tenant = store.tenant_by_id(user.tenant_id)
    domain = tenant.initial_domain if tenant is not None else sender.rpartition("@")[2]
    german = str(user.props.get("preferredLanguage") or "").lower().startswith("de")
    prefix = "Unzustellbar" if german else "Undeliverable"
    arrives = time.time() + ndr_delay(store, user.tenant_id)
    received = datetime.fromtimestamp(arrives, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["Delivery has failed to these recipients or groups:", ""]
    for recipient in failed:
        lines += [
            f"{recipient} ({recipient})",
            "Your message couldn't be delivered because you weren't recognized as a valid sender. The most "
            "common reason for this is that your email address is suspected of sending spam and it's no "
            "longer allowed to send messages outside of your organization.",
            "",
        ]
    lines += ["Diagnostic information for administrators:", ""]
    lines.append(f"Remote server returned '{NDR_CODE} Access denied, tenant has exceeded threshold'")
    text = "\r\n".join(lines)
    outlook = {"emailAddress": {"name": "Microsoft Outlook", "address": f"{NDR_SENDER_LOCAL}@{domain}"}}
    message_id = "AAMkAG" + b64url(secrets.token_bytes(18)) + "AAA="
    message = {
        "@odata.etag": f'W/"{message_id[6:30]}"',
        "id": message_id,
        "createdDateTime": received,
        "lastModifiedDateTime": received,
        "receivedDateTime": received,
        "sentDateTime": received,
        "hasAttachments": True,
        "subject": f"{prefix}: {subject}",
        "bodyPreview": text[:255],
        "importance": "normal",
        "isRead": False,
        "isDraft": False,
        "body": {"contentType": "text", "content": text},
        "sender": outlook,
        "from": outlook,
        "toRecipients": [{"emailAddress": {"name": sender, "address": sender}}],
        "ccRecipients": [],
        "bccRecipients": [],
    }
    store.add_inbox_message(user.id, message, arrives)


def _sent_item(mail_id: str, sender: str, recipients: dict[str, list[str]], subject: str) -> dict[str, Any]:
    """The Graph JSON of a message in Sent Items (the body left out: nobody here reads it back)."""
    now = iso_now()

    def addresses(key: str) -> list[dict[str, Any]]:
        return [
            {"emailAddress": {"name": address, "address": address}} for address in recipients.get(key, [])
        ]

    return {
        "@odata.etag": f'W/"{b64url(mail_id.encode("ascii"))[:24]}"',
        "id": "AAMkAG" + b64url(mail_id.encode("ascii")) + "AAA=",
        "createdDateTime": now,
        "lastModifiedDateTime": now,
        "sentDateTime": now,
        "receivedDateTime": now,
        "subject": subject,
        "isDraft": False,
        "isRead": True,
        "from": {"emailAddress": {"name": sender, "address": sender}},
        "sender": {"emailAddress": {"name": sender, "address": sender}},
        "toRecipients": addresses("to"),
        "ccRecipients": addresses("cc"),
        "bccRecipients": addresses("bcc"),
    }


# --- reading a mail folder ---------------------------------------------------------------------------

WELL_KNOWN_FOLDERS = {"sentitems", "inbox", "drafts", "deleteditems", "outbox", "junkemail", "archive"}
MAX_TOP = 1000
DEFAULT_TOP = 10
_READ_SCOPES = {"mail.read", "mail.readwrite"}
_BASIC_READ_SCOPES = _READ_SCOPES | {"mail.readbasic"}
_QUOTED = r"'((?:[^']|'')*)'"
_ANY_FILTER = re.compile(
    r"^\s*\(?\s*singleValueExtendedProperties/any\(\s*(?P<var>[A-Za-z_]\w*)\s*:\s*"
    r"\(?\s*(?P=var)/id\s+eq\s+"
    + _QUOTED.replace("(", "(?P<id>", 1)
    + r"(?:\s+and\s+(?P=var)/value\s+eq\s+"
    + _QUOTED.replace("(", "(?P<value>", 1)
    + r")?"
    r"\s*\)?\s*\)\s*\)?\s*$",
    re.IGNORECASE,
)


_RECEIVED_FILTER = re.compile(
    r"^\s*receivedDateTime\s+(?P<op>ge|gt)\s+(?P<when>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\s*$",
    re.IGNORECASE,
)
"""``receivedDateTime ge 2026-12-04T10:00:00Z`` (OData: a DateTimeOffset literal is not quoted)."""
_HIDDEN_FROM_BASIC = ("body", "bodyPreview", "uniqueBody")
"""What ``Mail.ReadBasic`` does not include (documented)."""


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _basic(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key not in _HIDDEN_FROM_BASIC}


class FilterError(Exception):
    """A ``$filter`` the sandbox can't parse."""


def parse_property_filter(text: str) -> tuple[tuple[str, str, str], str | None]:
    """``singleValueExtendedProperties/Any(ep: ep/id eq '…' [and ep/value eq '…'])``: the property's key
    (``property_key``) and the value wanted (None: any). Raises ``FilterError``."""
    match = _ANY_FILTER.match(text)
    if match is None:
        raise FilterError(text)
    key = property_key(match["id"].replace("''", "'"))
    if key is None:
        raise FilterError(text)
    value = match["value"]
    return key, None if value is None else value.replace("''", "'")


def _matches(properties: list[dict[str, str]], key: tuple[str, str, str], value: str | None) -> bool:
    for entry in properties:
        if property_key(entry.get("id", "")) != key:
            continue
        if value is None or entry.get("value", "").casefold() == value.casefold():
            return True
    return False


def _select(item: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return item
    wanted = {name.strip().lower() for name in select.split(",") if name.strip()} | {"id"}
    return {key: value for key, value in item.items() if key.startswith("@") or key.lower() in wanted}


@route("GET", "/me/mailFolders/{folder}/messages")
async def folder_messages(call: Call) -> Reply:
    principal = call.principal
    refused = no_exchange_reply(call)
    if refused is not None:
        return refused
    scopes = {scope.lower() for scope in principal.scopes}
    text = call.query.get("$filter")
    received_filter = _RECEIVED_FILTER.match(text) if text else None
    needed = _READ_SCOPES if text and received_filter is None else _BASIC_READ_SCOPES
    if not scopes & needed:
        return error_reply(
            call, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
        )
    owner = principal.user
    if not owner.has_mailbox:
        return error_reply(
            call,
            404,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        )
    folder = call.params["folder"].lower()
    if folder not in WELL_KNOWN_FOLDERS:
        return error_reply(call, 400, "ErrorInvalidIdMalformed", "Id is malformed.")
    try:
        top = int(call.query.get("$top", DEFAULT_TOP))
        skip = int(call.query.get("$skip", 0))
    except ValueError:
        return error_reply(call, 400, "BadRequest", "Invalid $top or $skip value.")
    if top > MAX_TOP:
        return error_reply(
            call,
            400,
            "ErrorInvalidUrlQuery",
            f"The limit of '{MAX_TOP}' for the $top query has been exceeded. The value from the incoming "
            f"request is '{top}'.",
        )
    if top < 1 or skip < 0:
        return error_reply(call, 400, "BadRequest", "Invalid $top or $skip value.")
    store = call.context.store
    items: list[tuple[dict[str, Any], list[dict[str, str]]]] = []
    if folder == "sentitems":
        items = store.sent_items(owner.id)
    elif folder == "inbox":
        items = [(message, []) for message in store.inbox(owner.id)]
    if received_filter is not None:
        since = _parse_time(received_filter["when"])
        if since is None:
            return error_reply(call, 400, "BadRequest", "Invalid filter clause")
        strict = received_filter["op"].lower() == "gt"
        items = [
            item
            for item in items
            if (moment := _parse_time(str(item[0].get("receivedDateTime", "")))) is not None
            and (moment > since if strict else moment >= since)
        ]
    elif text:
        try:
            key, value = parse_property_filter(text)
        except FilterError:
            return error_reply(call, 400, "BadRequest", "Invalid filter clause")
        items = [item for item in items if _matches(item[1], key, value)]
    basic_only = not scopes & _READ_SCOPES
    page = [
        _select(_basic(message) if basic_only else message, call.query.get("$select"))
        for message, _properties in items[skip : skip + top]
    ]
    body: dict[str, Any] = {
        "@odata.context": (
            f"{call.context.graph}/$metadata#users('{owner.id}')/mailFolders('{folder}')/messages"
        ),
        "value": page,
    }
    if skip + top < len(items):
        query = {name: given for name, given in call.query.items() if name != "$skip"}
        query["$skip"] = str(skip + top)
        body["@odata.nextLink"] = f"{call.context.graph}{call.path}?{urlencode(query, safe='$,')}"
    return json_reply(call, body)


# --- the outbox (plain-http site) --------------------------------------------------------------------


async def outbox_json(request: web.Request) -> web.Response:
    messages = [
        {
            "id": mail.id,
            "tenantId": mail.tenant_id,
            "from": mail.sender,
            "to": mail.recipients.get("to", []),
            "cc": mail.recipients.get("cc", []),
            "bcc": mail.recipients.get("bcc", []),
            "subject": mail.subject,
            "contentType": mail.content_type,
            "body": mail.body,
            "sentDateTime": mail.sent,
        }
        for mail in ctx(request).store.outbox()
    ]
    return json_response({"messages": messages})


_OUTBOX_CSS = (
    "<style>main{max-width:60rem} details{border:1px solid #c8c6c4;border-radius:4px;margin:.5rem 0;"
    "padding:.4rem .7rem} summary{cursor:pointer} summary span{display:inline-block;margin-right:1rem} "
    ".when{color:#5c5c5c;font-size:.85rem} iframe{width:100%;min-height:20rem;border:1px solid #e1dfdd;"
    "background:#fff} pre{white-space:pre-wrap;word-break:break-word;background:#faf9f8;padding:.6rem}"
    "</style>"
)


async def outbox_page(request: web.Request) -> web.Response:
    mails = ctx(request).store.outbox()
    items = []
    for index, mail in enumerate(mails):
        to = ", ".join(mail.recipients.get("to", []) + mail.recipients.get("cc", []))
        if mail.content_type == "html":
            # A sandboxed iframe without scripts: the HTML is shown, never run against this page.
            shown = (
                f'<iframe sandbox="" referrerpolicy="no-referrer" title="Message body" '
                f'srcdoc="{escape(mail.body, quote=True)}"></iframe>'
            )
        else:
            shown = f"<pre>{escape(mail.body)}</pre>"
        items.append(
            f'<details id="mail-{index}"><summary>'
            f'<span class="when">{escape(mail.sent)}</span>'
            f"<span>From: {escape(mail.sender)}</span><span>To: {escape(to)}</span>"
            f"<strong>{escape(mail.subject or '(no subject)')}</strong></summary>{shown}</details>"
        )
    listing = "".join(items) or '<p class="hint" id="outbox-empty">No mail has been sent yet.</p>'
    return page(
        "Outbox",
        _OUTBOX_CSS + '<h1>Outbox</h1><p class="lead">SANDBOX — mail "sent" through the sandbox\'s Graph '
        "<code>sendMail</code> is kept here and never delivered. Newest first; select a message to read "
        "it.</p>"
        f'<p class="hint" id="outbox-count">{len(mails)} message(s)</p>{listing}',
    )


def _tenant_named(request: web.Request, name: str) -> Tenant | None:
    store = ctx(request).store
    name = name.strip().lower()
    return store.tenant_by_domain(name) or store.tenant_by_prefix(name) or store.tenant_by_id(name)


def _cap_entry(request: web.Request, tenant: Tenant) -> dict[str, Any]:
    store = ctx(request).store
    sent = store.external_sent_since(tenant.id, time.time() - MOERA_WINDOW)
    return {
        "tenant": tenant.initial_domain,
        "cap": MOERA_CAP,
        "sent": sent,
        "remaining": max(0, MOERA_CAP - sent),
        "ndrDelay": ndr_delay(store, tenant.id),
    }


async def get_mail_cap(request: web.Request) -> web.Response:
    tenant = _tenant_named(request, request.query.get("tenant", ""))
    if tenant is None:
        return json_response({"error": "no such tenant"}, status=404)
    return json_response(_cap_entry(request, tenant))


async def set_mail_cap(request: web.Request) -> web.Response:
    """``{"tenant": …, "sent": n, "ndrDelay": seconds}`` (``sent`` and ``ndrDelay`` optional)."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return json_response({"error": "expected a JSON object"}, status=400)
    tenant = _tenant_named(request, str(body.get("tenant", "")))
    if tenant is None:
        return json_response({"error": "no such tenant"}, status=404)
    store = ctx(request).store
    sent, delay = body.get("sent"), body.get("ndrDelay")
    if sent is not None and (not isinstance(sent, int) or isinstance(sent, bool) or sent < 0):
        return json_response({"error": "sent must be a whole number, 0 or more"}, status=400)
    if delay is not None and (not isinstance(delay, int | float) or isinstance(delay, bool) or delay < 0):
        return json_response({"error": "ndrDelay must be a number of seconds, 0 or more"}, status=400)
    if sent is not None:
        store.set_external_sent(tenant.id, sent)
    if delay is not None:
        store.set_meta(f"ndr_delay:{tenant.id.lower()}", str(float(delay)))
    return json_response(_cap_entry(request, tenant))


async def give_mailbox(request: web.Request) -> web.Response:
    """``{"upn": …, "address": …}``: a mailbox whose primary address is ``address`` (module doc)."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return json_response({"error": "expected a JSON object"}, status=400)
    store = ctx(request).store
    user = store.user_by_upn(str(body.get("upn", "")))
    address = str(body.get("address", "")).strip()
    if user is None:
        return json_response({"error": "no such user"}, status=404)
    if not _ADDRESS.match(address) or not address.isascii():
        return json_response({"error": "address must be an email address"}, status=400)
    store.give_mailbox(user.id, address)
    return json_response({"upn": user.upn, "mail": address, "hasMailbox": True})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/outbox", outbox_page)
    app.router.add_get("/_sandbox/outbox", outbox_json)
    app.router.add_get("/_sandbox/mail_cap", get_mail_cap)
    app.router.add_post("/_sandbox/mail_cap", set_mail_cap)
    app.router.add_post("/_sandbox/mailbox", give_mailbox)
