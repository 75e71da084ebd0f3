"""Graph ``sendMail`` (``/me/sendMail``, ``/users/{id}/sendMail``) and the outbox that shows what was "sent".

Nothing leaves the computer: a sent message is stored in the outbox (SQLite), shown on the ``/outbox`` page
and returned by ``GET /_sandbox/outbox`` (control API, plain-http site only).

Errors (Exchange Online's codes, ``reference/microsoft-identity-and-graph.md`` §4):
no ``Mail.Send`` in ``scp`` → 403 ``ErrorAccessDenied``; the sender has no mailbox (no Exchange licence:
signed-up admins and created users) → 404 ``MailboxNotEnabledForRESTAPI``; no or malformed recipient → 400
``ErrorInvalidRecipients``; no message → 400 ``ErrorInvalidParameter``.
"""

from __future__ import annotations

import logging
import re
from html import escape
from typing import Any

from aiohttp import web

from .common import json_response
from .context import ctx
from .graph import BadBodyError, Call, Reply, bad_body, error_reply, find_user, route
from .pages import page

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


async def _send(call: Call, sender_key: str | None) -> Reply:
    principal = call.principal
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
        recipients, subject, kind, text = _message(call.json_body())
    except BadBodyError:
        return bad_body(call)
    except MailError as exc:
        return error_reply(call, exc.status, exc.code, exc.message)
    call.context.store.add_mail(sender.tenant_id, sender.mail or sender.upn, recipients, subject, kind, text)
    log.info("sendMail: %s sent a message to %d recipient(s)", sender.upn, sum(map(len, recipients.values())))
    return Reply(202)


@route("POST", "/me/sendMail")
async def send_mail_me(call: Call) -> Reply:
    return await _send(call, None)


@route("POST", "/users/{user}/sendMail")
async def send_mail_user(call: Call) -> Reply:
    return await _send(call, call.params["user"])


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


def add_routes(app: web.Application) -> None:
    app.router.add_get("/outbox", outbox_page)
    app.router.add_get("/_sandbox/outbox", outbox_json)
