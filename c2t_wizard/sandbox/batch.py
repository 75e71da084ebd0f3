"""Graph JSON batching: ``POST /v1.0/$batch`` (``concepts/json-batching.md``).

- Body ``{"requests": [{"id", "method", "url", "headers", "body", "dependsOn"}]}``; at most 20 requests,
  unique ids, known ``dependsOn`` ids and no cycles, else the whole batch answers 400 ``BadRequest``.
- ``url`` is relative to the version (``/users``, ``users/{id}``, ``/me``); an absolute URL under this
  sandbox's ``/v1.0`` (what msgraph-core sends) is accepted too. Its path is percent-decoded, as a request
  of its own would be (msgraph sends ``users/anna%40contoso.com``).
- An item with a ``body`` but no ``Content-Type`` header gets an item status 400.
- Every item runs through ``graph.dispatch`` with the batch's token: same permissions, validation and write
  quota (each write item counts as one write).
- Items run in dependency order; an item whose dependency failed (status ≥ 400) gets 424 Failed Dependency.
- The answer is 200 ``{"responses": [{"id", "status", "headers", "body"}]}`` in shuffled order.
- Faults: ``429`` rolls per item (item status 429 with Retry-After in its headers); ``batch429`` and
  ``424`` answer the whole batch; ``latency``, ``503`` and the drops apply to the batch's HTTP request
  (see ``faults.py``).

The whole-batch error messages (too many requests, duplicate ids, bad dependsOn) are not documented by
Microsoft; the sandbox's wording is its own, the code ``BadRequest`` and status 400 are documented.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from aiohttp import web
from multidict import CIMultiDict

from .common import graph_error, graph_headers, json_response
from .context import ctx
from .faults import BATCH_PATH, throttled
from .graph import Call, Reply, authenticate, client_request_id, dispatch, error_reply, throttled_reply
from .tokens import Principal

log = logging.getLogger(__name__)

MAX_REQUESTS = 20
METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}

__all__ = ["BATCH_PATH", "batch_endpoint"]


class BatchError(Exception):
    """The whole batch is malformed: 400 BadRequest with this message."""


def _parse(raw: bytes) -> list[dict[str, Any]]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BatchError("Invalid batch payload format.") from None
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list) or not all(isinstance(item, dict) for item in requests):
        raise BatchError("Invalid batch payload format.")
    if not requests:
        raise BatchError("Batch request must contain at least one request.")
    if len(requests) > MAX_REQUESTS:
        raise BatchError(f"Batch request cannot contain more than {MAX_REQUESTS} requests.")
    ids: set[str] = set()
    for item in requests:
        ident, method, url = item.get("id"), item.get("method"), item.get("url")
        if not isinstance(ident, str) or not ident:
            raise BatchError("Batch request item is missing the 'id' property.")
        if ident in ids:
            raise BatchError(f"Batch request contains a duplicate request id '{ident}'.")
        ids.add(ident)
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise BatchError(f"Batch request item '{ident}' has an invalid method.")
        if not isinstance(url, str) or not url:
            raise BatchError(f"Batch request item '{ident}' is missing the 'url' property.")
        headers = item.get("headers", {})
        if headers is not None and not isinstance(headers, dict):
            raise BatchError(f"Batch request item '{ident}' has invalid headers.")
        depends = item.get("dependsOn", [])
        if depends is not None and (
            not isinstance(depends, list) or not all(isinstance(dep, str) for dep in depends)
        ):
            raise BatchError(f"Batch request item '{ident}' has an invalid dependsOn.")
    for item in requests:
        for dep in item.get("dependsOn") or []:
            if dep not in ids:
                raise BatchError(f"Batch request item '{item['id']}' depends on unknown request id '{dep}'.")
    return requests


def _order(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in an order where each comes after its dependencies (input order otherwise)."""
    done: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(requests)
    while pending:
        ready = [item for item in pending if set(item.get("dependsOn") or []) <= done]
        if not ready:
            raise BatchError("Batch request contains a circular dependsOn chain.")
        for item in ready:
            ordered.append(item)
            done.add(item["id"])
        pending = [item for item in pending if item["id"] not in done]
    return ordered


def _relative(url: str, graph_base: str) -> tuple[str, dict[str, str]] | None:
    """(path relative to /v1.0, query) of an item URL, or None when it points elsewhere."""
    if url.lower().startswith(("http://", "https://")):
        if not url.lower().startswith(graph_base.lower() + "/"):
            return None
        url = url[len(graph_base) :]
    elif url.lower().startswith("/v1.0/"):
        url = url[len("/v1.0") :]
    parts = urlsplit(url if url.startswith("/") else "/" + url)
    # Percent-encoded as on the wire (msgraph sends users/a%40b.com): decoded as for a request of its own.
    return unquote(parts.path), dict(parse_qsl(parts.query, keep_blank_values=True))


def _item_body(item: dict[str, Any], headers: CIMultiDict[str]) -> bytes:
    body = item.get("body")
    if body is None:
        return b""
    if isinstance(body, str) and "json" not in headers.get("Content-Type", "").lower():
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


async def _run_item(
    request: web.Request, principal: Principal, item: dict[str, Any], failed: set[str], batch_crid: str
) -> Reply:
    context = ctx(request)
    headers: CIMultiDict[str] = CIMultiDict({str(k): str(v) for k, v in (item.get("headers") or {}).items()})
    call = Call(
        context=context,
        principal=principal,
        method=str(item["method"]).upper(),
        path="/",
        query={},
        headers=headers,
        body=b"",
        client_request_id=client_request_id(headers, batch_crid),
        in_batch=True,
    )
    if set(item.get("dependsOn") or []) & failed:
        return error_reply(call, 424, "FailedDependency", "The request failed because a dependency failed.")
    relative = _relative(str(item["url"]), context.graph)
    if relative is None:
        return error_reply(call, 400, "BadRequest", "Invalid request URL: the URL must be relative to /v1.0.")
    call.path, call.query = relative
    if "body" in item and item["body"] is not None and "Content-Type" not in headers:
        return error_reply(
            call,
            400,
            "BadRequest",
            f"Write request id : {item['id']} does not contain Content-Type header or body.",
        )
    call.body = _item_body(item, headers)
    if context.faults.hit("429"):
        log.info("fault: 429 for batch item %s (%s %s)", item["id"], call.method, call.path)
        return throttled_reply(call, context.faults.faults.retry_after)
    return await dispatch(call)


async def batch_endpoint(request: web.Request) -> web.StreamResponse:
    principal = authenticate(request)
    if isinstance(principal, web.Response):
        return principal
    context = ctx(request)
    try:
        requests = _order(_parse(await request.read()))
    except BatchError as exc:
        return graph_error(request, 400, "BadRequest", str(exc))
    if context.faults.hit("batch429"):
        log.info("fault: batch429 for a batch of %d", len(requests))
        return throttled(request, context.faults.faults.retry_after)
    if context.faults.hit("424"):
        log.info("fault: 424 for a batch of %d", len(requests))
        return graph_error(
            request, 424, "FailedDependency", "The request failed because a dependency failed."
        )
    batch_crid = client_request_id(request.headers)
    failed: set[str] = set()
    responses: list[dict[str, Any]] = []
    for item in requests:
        reply = await _run_item(request, principal, item, failed, batch_crid)
        if reply.status >= 400:
            failed.add(item["id"])
        entry: dict[str, Any] = {"id": item["id"], "status": reply.status, "headers": reply.headers}
        if reply.body is not None:
            entry["body"] = reply.body
        responses.append(entry)
    context.faults.shuffle(responses)
    headers = graph_headers(request)
    headers["OData-Version"] = "4.0"
    return json_response({"responses": responses}, headers=headers)
