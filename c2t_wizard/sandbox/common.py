"""Small helpers shared by the sandbox's handlers: ids, timestamps, JSON responses, error bodies."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

GLOBAL_ADMIN_TEMPLATE = "62e90394-69f5-4237-9190-012177145e10"
USER_ADMIN_TEMPLATE = "fe930be7-5e62-47db-91af-98c3a49a38b1"
GLOBAL_READER_TEMPLATE = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
PRIVILEGED_AUTH_ADMIN_TEMPLATE = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
PRIVILEGED_ROLE_ADMIN_TEMPLATE = "e8611ab8-c189-46e8-94e1-60213ab1f814"
CLOUD_APPLICATION_ADMIN_TEMPLATE = "158c047a-c907-4556-b7ef-446551a6b5f7"
APPLICATION_ADMIN_TEMPLATE = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
DIRECTORY_READERS_TEMPLATE = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
ROLE_NAMES = {
    GLOBAL_ADMIN_TEMPLATE: (
        "Global Administrator",
        "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra "
        "identities.",
    ),
    USER_ADMIN_TEMPLATE: (
        "User Administrator",
        "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
    ),
    GLOBAL_READER_TEMPLATE: (
        "Global Reader",
        "Can read everything that a Global Administrator can, but not update anything.",
    ),
    PRIVILEGED_AUTH_ADMIN_TEMPLATE: (
        "Privileged Authentication Administrator",
        "Can access to view, set and reset authentication method information for any user (admin or "
        "non-admin).",
    ),
    PRIVILEGED_ROLE_ADMIN_TEMPLATE: (
        "Privileged Role Administrator",
        "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity "
        "Management.",
    ),
    CLOUD_APPLICATION_ADMIN_TEMPLATE: (
        "Cloud Application Administrator",
        "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
    ),
    APPLICATION_ADMIN_TEMPLATE: (
        "Application Administrator",
        "Can create and manage all aspects of app registrations and enterprise apps.",
    ),
    DIRECTORY_READERS_TEMPLATE: (
        "Directory Readers",
        "Can read basic directory information. Commonly used to grant directory read access to applications "
        "and guests.",
    ),
}
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


def new_guid() -> str:
    return str(uuid.uuid4())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def aad_timestamp(now: float | None = None) -> str:
    """Microsoft identity's timestamp format: ``2016-01-09 02:02:12Z``."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


def iso_now() -> str:
    """Graph's timestamp format: ``2024-05-01T10:11:12Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(body).encode("utf-8"),
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def correlation_id(request: web.Request) -> str:
    given = request.headers.get("client-request-id", "")
    try:
        return str(uuid.UUID(given))
    except ValueError:
        return new_guid()


def aad_error_body(
    request: web.Request, error: str, code: int, message: str, *, error_uri_base: str
) -> dict[str, Any]:
    """The OAuth error JSON of Microsoft identity (``error``, AADSTS description, codes, ids)."""
    trace = new_guid()
    corr = correlation_id(request)
    stamp = aad_timestamp()
    return {
        "error": error,
        "error_description": (
            f"AADSTS{code}: {message}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: {stamp}"
        ),
        "error_codes": [code],
        "timestamp": stamp,
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": f"{error_uri_base}/error?code={code}",
    }


def aad_error(
    request: web.Request,
    error: str,
    code: int,
    message: str,
    *,
    status: int = 400,
    error_uri_base: str = "https://login.microsoftonline.com",
) -> web.Response:
    body = aad_error_body(request, error, code, message, error_uri_base=error_uri_base)
    return json_response(body, status=status, headers={"client-request-id": str(body["correlation_id"])})


def graph_ids(request: web.Request) -> tuple[str, str]:
    """(request-id, client-request-id) for a Graph response."""
    return new_guid(), correlation_id(request)


def graph_headers(request: web.Request) -> dict[str, str]:
    request_id, client_request_id = graph_ids(request)
    return {"request-id": request_id, "client-request-id": client_request_id}


def graph_error_body(
    code: str,
    message: str,
    *,
    request_id: str,
    client_request_id: str,
    inner: dict[str, str] | None = None,
    details: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Graph's error body: ``{"error": {"code", "message", "innerError": {...}[, "details"]}}``."""
    inner_error: dict[str, str] = {
        "date": iso_now(),
        "request-id": request_id,
        "client-request-id": client_request_id,
    }
    inner_error.update(inner or {})
    error: dict[str, Any] = {"code": code, "message": message, "innerError": inner_error}
    if details:
        error["details"] = details
    return {"error": error}


THROTTLED_CODE = "TooManyRequests"
THROTTLED_MESSAGE = "Please retry again later."
THROTTLED_INNER = {"code": "429", "message": "Please retry after", "status": "429"}


def graph_error(
    request: web.Request,
    status: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    inner: dict[str, str] | None = None,
    details: list[dict[str, str]] | None = None,
) -> web.Response:
    """Graph's error shape: ``{"error": {"code", "message", "innerError": {...}}}``."""
    request_id, client_request_id = graph_ids(request)
    body = graph_error_body(
        code,
        message,
        request_id=request_id,
        client_request_id=client_request_id,
        inner=inner,
        details=details,
    )
    all_headers = {"request-id": request_id, "client-request-id": client_request_id}
    all_headers.update(headers or {})
    return json_response(body, status=status, headers=all_headers)


PROBLEM_TYPE_BASE = "https://problems.call2teams.example/"


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> web.Response:
    """An RFC 9457 problem (``application/problem+json``): the sandbox portal's error shape."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    return web.Response(
        body=json.dumps(body).encode("utf-8"),
        status=status,
        content_type="application/problem+json",
        charset="utf-8",
        headers=headers,
    )
