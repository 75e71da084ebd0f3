"""Microsoft identity stand-in: authorize (sign-in page), token, device code and the device login page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from . import permissions, policy, tokens
from .common import aad_error, aad_error_body, json_response, new_guid
from .context import Context, ctx
from .discovery import Resolved, resolve_or_error, resolve_tenant
from .pages import error_page, field, hidden, page
from .state import User

log = logging.getLogger(__name__)

CODE_LIFETIME = 600
CONSENT_LIFETIME = 600
KNOWN_CLIENTS = {"14d82eec-204b-4c2f-b7e8-296a70dab67e": "Microsoft Graph Command Line Tools"}
PASSWORD_CHANGE_LIFETIME = 600
DEVICE_CODE_LIFETIME = 900
DEVICE_CODE_INTERVAL = 5
_USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# The OAuth parameters the sign-in page carries through its form.
_AUTHORIZE_PARAMS = (
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "prompt",
    "login_hint",
    "domain_hint",
    "client_info",
    "claims",
)


# --- shared ------------------------------------------------------------------------------------------


class SignInError(Exception):
    """A failed sign-in: the AADSTS code, OAuth error and message, and which field it concerns."""

    def __init__(self, error: str, code: int, message: str, field_name: str = "password") -> None:
        super().__init__(message)
        self.error, self.code, self.message, self.field = error, code, message, field_name


def check_credentials(context: Context, resolved: Resolved, username: str, password: str) -> User:
    """Sign a user in against the tenant of the request (any tenant for common/organizations)."""
    username = username.strip()
    user = context.store.user_by_upn(username) if username else None
    if user is None or (resolved.tenant is not None and user.tenant_id != resolved.tenant.id):
        where = f"the {resolved.tenant.id} directory" if resolved.tenant else "the directory"
        raise SignInError(
            "invalid_grant",
            50034,
            f"The user account {{EUII Hidden}} does not exist in {where}. To sign into this "
            "application, the account must be added to the directory.",
            "username",
        )
    if not context.store.check_password(user, password):
        raise SignInError(
            "invalid_grant",
            50126,
            "Error validating credentials due to invalid username or password.",
        )
    if not user.account_enabled:
        raise SignInError("invalid_grant", 50057, "The user account is disabled.", "username")
    return user


def _is_loopback_redirect(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def _scope_list(scope: str) -> str:
    names = tokens.graph_scopes(tokens.split_scopes(scope))
    return "".join(f"<li>{escape(name)}</li>" for name in names)


# --- authorize (browser, plain http) -----------------------------------------------------------------


def _authorize_problem(params: dict[str, str]) -> str | None:
    if not params.get("client_id"):
        return "AADSTS900144: The request body must contain the following parameter: 'client_id'."
    if params.get("response_type") != "code":
        return "AADSTS700054: response_type 'code' is the only one this sandbox supports."
    if not _is_loopback_redirect(params.get("redirect_uri", "")):
        return (
            "AADSTS50011: The redirect URI specified in the request does not match the redirect "
            "URIs configured for the application (the sandbox accepts http://localhost only)."
        )
    method = params.get("code_challenge_method", "")
    if params.get("code_challenge") and method not in ("S256", "plain", ""):
        return "AADSTS501491: Invalid code_challenge_method."
    return None


def _signin_form(
    request: web.Request,
    params: dict[str, str],
    *,
    username: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    errors = errors or {}
    carried = "".join(hidden(name, params[name]) for name in _AUTHORIZE_PARAMS if name in params)
    body = (
        "<h1>Sign in</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        f'<form method="post" action="{escape(request.path)}" novalidate>{carried}'
        + field(
            "username",
            "Email, phone, or Skype",
            value=username or params.get("login_hint", ""),
            kind="email",
            autocomplete="username",
            error=errors.get("username"),
        )
        + field(
            "password",
            "Password",
            kind="password",
            autocomplete="current-password",
            error=errors.get("password"),
        )
        + '<p class="hint">By signing in, you let the app (client '
        f"{escape(params.get('client_id', ''))}) use these permissions:</p>"
        f'<ul class="hint">{_scope_list(params.get("scope", ""))}</ul>'
        '<div class="actions">'
        '<button type="submit" name="action" value="decline">Cancel</button>'
        '<button type="submit" name="action" value="signin" class="primary">Sign in</button>'
        "</div></form>"
    )
    return page("Sign in to your account", body, status=status)


def _respond_to_client(params: dict[str, str], fields: dict[str, str]) -> web.Response:
    """Send the authorization response to the redirect URI (form_post by default, as MSAL asks)."""
    redirect_uri = params["redirect_uri"]
    if params.get("state"):
        fields = {**fields, "state": params["state"]}
    mode = params.get("response_mode", "form_post")
    if mode in ("query", "fragment"):
        separator = "#" if mode == "fragment" else ("&" if "?" in redirect_uri else "?")
        raise web.HTTPFound(f"{redirect_uri}{separator}{urlencode(fields)}")
    inputs = "".join(hidden(name, value) for name, value in fields.items())
    body = (
        "<h1>Signing you in…</h1>"
        f'<form method="post" action="{escape(redirect_uri)}" id="form_post">{inputs}'
        "<noscript><p>Script is disabled. Click Submit to continue.</p>"
        '<button type="submit" class="primary">Submit</button></noscript></form>'
    )
    return page("Working…", body, script="document.getElementById('form_post').submit();")


async def authorize(request: web.Request) -> web.Response:
    context = ctx(request)
    resolved = resolve_tenant(context, request.match_info["tenant"])
    if resolved.kind in ("unknown", "malformed"):
        return error_page("Sign in", tenant_error_message(resolved))
    if request.method == "POST":
        form = await request.post()
        values = {key: str(value) for key, value in form.items()}
    else:
        values = dict(request.query)
    params = {name: values[name] for name in _AUTHORIZE_PARAMS if name in values}
    problem = _authorize_problem(params)
    if problem:
        return error_page("Sorry, but we're having trouble signing you in.", problem)
    if request.method == "GET":
        return _signin_form(request, params)
    if values.get("action") == "changepassword":
        return _change_password(request, context, params, values)
    if values.get("action") == "consent":
        return _consent_given(request, context, params, values)
    if values.get("action") == "return":
        return _respond_to_client(params, _admin_approval_error(params.get("client_id", "")))
    if values.get("action") == "otheraccount":
        return _signin_form(request, params)
    if values.get("action") == "decline":
        return _respond_to_client(
            params,
            {
                "error": "access_denied",
                "error_description": "AADSTS65004: User declined to consent to access the app.",
            },
        )
    username = values.get("username", "")
    try:
        user = check_credentials(context, resolved, username, values.get("password", ""))
    except SignInError as exc:
        friendly = {
            50034: "We couldn't find an account with that username in this organisation.",
            50126: "Your account or password is incorrect.",
            50057: "Your account has been locked. Contact your administrator.",
        }.get(exc.code, exc.message)
        return _signin_form(
            request,
            params,
            username=username,
            errors={exc.field: f"{friendly} (AADSTS{exc.code})"},
            status=200,
        )
    if must_change_password(user):
        ticket = start_password_change(context, user)
        return _change_password_form(request, params, ticket, user.upn)
    return _after_sign_in(request, context, params, user)


def _issue_code(context: Context, params: dict[str, str], user: User) -> web.Response:
    code = secrets.token_urlsafe(48)
    context.store.put_grant(
        code,
        "code",
        {
            "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"],
            "scope": params.get("scope", ""),
            "nonce": params.get("nonce"),
            "code_challenge": params.get("code_challenge"),
            "code_challenge_method": params.get("code_challenge_method") or "plain",
        },
        CODE_LIFETIME,
        user_id=user.id,
    )
    log.info("authorize: %s signed in", user.upn)
    return _respond_to_client(params, {"code": code, "session_state": new_guid()})


def must_change_password(user: User) -> bool:
    return bool(user.props.get("forceChangePasswordNextSignIn"))


def _change_password_form(
    request: web.Request, params: dict[str, str], ticket: str, upn: str, error: str | None = None
) -> web.Response:
    """ "Update your password": shown after a correct password when the user must choose a new one."""
    carried = "".join(hidden(name, params[name]) for name in _AUTHORIZE_PARAMS if name in params)
    body = (
        "<h1>Update your password</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        f'<p class="lead" id="password-expired">You need to update your password because this is the first '
        f"time you are signing in, or because your password has expired. ({escape(upn)})</p>"
        f'<form method="post" action="{escape(request.path)}" novalidate>{carried}'
        + hidden("ticket", ticket)
        + field(
            "new_password",
            "New password",
            kind="password",
            autocomplete="new-password",
            error=error,
            hint="8 to 256 characters, with three of: lower case, upper case, digits, symbols.",
        )
        + field("confirm_password", "Confirm password", kind="password", autocomplete="new-password")
        + '<div class="actions">'
        '<button type="submit" name="action" value="changepassword" class="primary">Sign in</button>'
        "</div></form>"
    )
    return page("Update your password", body)


def start_password_change(context: Context, user: User) -> str:
    """A ticket for a sign-in's "Update your password" step (also the portal's activation page's)."""
    ticket = secrets.token_urlsafe(32)
    context.store.put_grant(ticket, "pwchange", {}, PASSWORD_CHANGE_LIFETIME, user_id=user.id)
    return ticket


class PasswordChangeError(Exception):
    """A refused password change: ``user`` is None when the ticket expired (sign in again), else the message
    says what is wrong with the new password."""

    def __init__(self, message: str, user: User | None) -> None:
        super().__init__(message)
        self.message, self.user = message, user


def complete_password_change(context: Context, ticket: str, new: str, confirm: str) -> User:
    """Check and apply the new password chosen at a forced first sign-in; returns the updated user."""
    expired = "Your session to update the password has expired. Sign in again."
    grant = context.store.grant(ticket, "pwchange") if ticket else None
    if grant is None or grant.state != "active" or grant.expires < time.time() or grant.user_id is None:
        raise PasswordChangeError(expired, None)
    user = context.store.user_by_id(grant.user_id)
    if user is None:
        raise PasswordChangeError(expired, None)
    problem = None
    if new != confirm:
        problem = "The passwords don't match."
    elif context.store.check_password(user, new):
        problem = "You can't reuse your current password. Choose a different one."
    elif not policy.password_ok(
        new, strong="DisableStrongPassword" not in str(user.props.get("passwordPolicies"))
    ):
        problem = (
            "Your password doesn't meet the complexity requirements: 8 to 256 characters with three of "
            "lower case, upper case, digits and symbols."
        )
    if problem:
        raise PasswordChangeError(problem, user)
    context.store.update_grant(ticket, state="redeemed")
    user = context.store.update_user(user.id, props={"forceChangePasswordNextSignIn": False}, password=new)
    log.info("authorize: %s chose a new password", user.upn)
    return user


def _change_password(
    request: web.Request, context: Context, params: dict[str, str], values: dict[str, str]
) -> web.Response:
    ticket = values.get("ticket", "")
    try:
        user = complete_password_change(
            context, ticket, values.get("new_password", ""), values.get("confirm_password", "")
        )
    except PasswordChangeError as exc:
        if exc.user is None:
            return error_page("Sign in", exc.message)
        return _change_password_form(request, params, ticket, exc.user.upn, exc.message)
    return _after_sign_in(request, context, params, user)


# --- consent (docs/microsoft-rules.md §2) ------------------------------------------------------------


def client_name(client_id: str) -> str:
    return KNOWN_CLIENTS.get(client_id.lower(), client_id)


def may_consent_for_organisation(context: Context, user: User) -> bool:
    """Does the user hold a role that may grant tenant-wide consent (§2.2)?"""
    held = {role.role_template_id for role in context.store.user_roles(user.id)}
    return bool(held & permissions.CONSENT_ROLES)


def needs_admin(context: Context, user: User, missing: list[str]) -> bool:
    """Is an administrator's approval needed: an admin-consent scope the user may not grant?"""
    return any(permissions.needs_admin_consent(s) for s in missing) and not may_consent_for_organisation(
        context, user
    )


def consent_required(request: web.Request, client_id: str) -> web.Response:
    """A non-interactive token request for scopes nobody consented to: ``invalid_grant`` AADSTS65001."""
    body = aad_error_body(
        request,
        "invalid_grant",
        65001,
        f"The user or administrator has not consented to use the application with ID '{client_id}' named "
        f"'{client_name(client_id)}'. Send an interactive authorization request for this user and resource.",
        error_uri_base="https://login.microsoftonline.com",
    )
    body["suberror"] = "consent_required"
    return json_response(body, status=400, headers={"client-request-id": str(body["correlation_id"])})


ADMIN_APPROVAL_MESSAGE = (
    "{app} needs permission to access resources in your organization that only an admin can grant. "
    "Please ask an admin to grant permission to this app before you can use it."
)


def _admin_approval_error(client_id: str) -> dict[str, str]:
    """What "Return to the application without granting consent" sends to the redirect URI."""
    message = ADMIN_APPROVAL_MESSAGE.format(app=client_name(client_id))
    return {"error": "consent_required", "error_description": f"AADSTS90094: {message}"}


def _scope_items(scopes: list[str]) -> str:
    return "".join(
        f'<li data-scope="{escape(s)}">{escape(permissions.scope_words(s))} <span class="hint">({escape(s)})'
        "</span></li>"
        for s in scopes
    )


def consent_page(
    action: str, carried: str, client_id: str, user: User, missing: list[str], *, for_organisation: bool
) -> web.Response:
    """ "Permissions requested": accept or cancel; an administrator also sees the organisation checkbox."""
    checkbox = (
        '<div class="field" id="organisation-consent"><label><input type="checkbox" name="for_organisation" '
        'value="1"> Consent on behalf of your organization</label></div>'
        if for_organisation
        else ""
    )
    body = (
        "<h1>Permissions requested</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        f'<p class="lead" id="consent-lead">{escape(client_name(client_id))} wants to '
        f"({escape(user.upn)}):</p>"
        f'<ul id="consent-scopes">{_scope_items(missing)}</ul>'
        f'<form method="post" action="{escape(action)}" novalidate>{carried}{checkbox}'
        '<p class="hint">Accepting these permissions means that you allow this app to use your data as '
        "specified in their terms of service and privacy statement.</p>"
        '<div class="actions">'
        '<button type="submit" name="action" value="decline">Cancel</button>'
        '<button type="submit" name="action" value="consent" class="primary">Accept</button>'
        "</div></form>"
    )
    return page("Permissions requested", body)


def admin_approval_page(action: str, carried: str, client_id: str, user: User) -> web.Response:
    """ "Need admin approval" (§2.3): the user may not grant what the app asks for."""
    message = ADMIN_APPROVAL_MESSAGE.format(app=client_name(client_id))
    body = (
        "<h1>Need admin approval</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        f'<p class="lead" id="admin-approval">{escape(message)} ({escape(user.upn)})</p>'
        f'<form method="post" action="{escape(action)}" novalidate>{carried}'
        '<div class="actions">'
        '<button type="submit" name="action" value="otheraccount">Have an admin account? Sign in with that '
        "account</button>"
        '<button type="submit" name="action" value="return" class="primary">Return to the application '
        "without granting consent</button>"
        "</div></form>"
    )
    return page("Need admin approval", body)


def _carried(params: dict[str, str]) -> str:
    return "".join(hidden(name, params[name]) for name in _AUTHORIZE_PARAMS if name in params)


def _after_sign_in(
    request: web.Request, context: Context, params: dict[str, str], user: User
) -> web.Response:
    """Issue the code, or first ask for consent (or an administrator's approval) for what is missing."""
    client_id = params["client_id"]
    missing = tokens.missing_consent(context, user, client_id, tokens.split_scopes(params.get("scope", "")))
    if not missing:
        return _issue_code(context, params, user)
    if needs_admin(context, user, missing):
        log.info("authorize: %s needs an administrator's approval for %s", user.upn, " ".join(missing))
        return admin_approval_page(request.path, _carried(params), client_id, user)
    ticket = secrets.token_urlsafe(32)
    context.store.put_grant(ticket, "consent", {"scopes": missing}, CONSENT_LIFETIME, user_id=user.id)
    return consent_page(
        request.path,
        _carried(params) + hidden("ticket", ticket),
        client_id,
        user,
        missing,
        for_organisation=may_consent_for_organisation(context, user),
    )


def _consent_ticket(context: Context, ticket: str) -> tuple[User, list[str]] | None:
    grant = context.store.grant(ticket, "consent") if ticket else None
    if grant is None or grant.state != "active" or grant.expires < time.time() or grant.user_id is None:
        return None
    user = context.store.user_by_id(grant.user_id)
    if user is None:
        return None
    context.store.update_grant(ticket, state="redeemed")
    return user, [str(scope) for scope in grant.data.get("scopes", [])]


def record_consent(
    context: Context, user: User, client_id: str, scopes: list[str], *, organisation: bool
) -> None:
    """The user accepted: for everyone (``AllPrincipals``) when they may and ticked the box, else for them."""
    everyone = organisation and may_consent_for_organisation(context, user)
    context.store.grant_consent(user.tenant_id, client_id, None if everyone else user.id, scopes)
    log.info(
        "consent: %s consented to %s for %s",
        user.upn,
        " ".join(scopes),
        "the organisation" if everyone else "themselves",
    )


def _consent_given(
    request: web.Request, context: Context, params: dict[str, str], values: dict[str, str]
) -> web.Response:
    found = _consent_ticket(context, values.get("ticket", ""))
    if found is None:
        return error_page("Sign in", "Your session has expired. Sign in again.")
    user, scopes = found
    if needs_admin(context, user, scopes):
        return admin_approval_page(request.path, _carried(params), params["client_id"], user)
    record_consent(
        context, user, params["client_id"], scopes, organisation=bool(values.get("for_organisation"))
    )
    return _after_sign_in(request, context, params, user)


# --- admin consent (v2.0 /adminconsent, §2.4) --------------------------------------------------------

_ADMIN_CONSENT_PARAMS = ("client_id", "scope", "redirect_uri", "state")


def _admin_consent_redirect(params: dict[str, str], fields: dict[str, str]) -> web.Response:
    if params.get("state"):
        fields = {**fields, "state": params["state"]}
    uri = params["redirect_uri"]
    raise web.HTTPFound(f"{uri}{'&' if '?' in uri else '?'}{urlencode(fields)}")


def _admin_consent_form(
    request: web.Request, params: dict[str, str], *, username: str = "", error: dict[str, str] | None = None
) -> web.Response:
    carried = "".join(hidden(name, params[name]) for name in _ADMIN_CONSENT_PARAMS if name in params)
    errors = error or {}
    scopes = tokens.graph_scopes(tokens.split_scopes(params["scope"]))
    body = (
        "<h1>Sign in</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        '<p class="lead" id="admin-consent-lead">An administrator is asked to grant '
        f"{escape(client_name(params.get('client_id', '')))} these permissions for the whole "
        "organisation:</p>"
        f'<ul id="consent-scopes">{_scope_items(scopes)}</ul>'
        f'<form method="post" action="{escape(request.path)}" novalidate>{carried}'
        + field(
            "username", "Email, phone, or Skype", value=username, kind="email", error=errors.get("username")
        )
        + field("password", "Password", kind="password", error=errors.get("password"))
        + '<div class="actions">'
        '<button type="submit" name="action" value="decline">Cancel</button>'
        '<button type="submit" name="action" value="consent" class="primary">Accept</button>'
        "</div></form>"
    )
    return page("Sign in to your account", body)


async def admin_consent(request: web.Request) -> web.Response:
    """``/{tenant}/v2.0/adminconsent?client_id=&scope=&redirect_uri=&state=``: an approver signs in; one who
    holds a consenting role grants the scopes for everyone in the tenant (``AllPrincipals``); the browser is
    then sent to ``redirect_uri`` with ``admin_consent=True&tenant=&scope=&state=`` (or ``error=``)."""
    context = ctx(request)
    resolved = resolve_tenant(context, request.match_info["tenant"])
    if resolved.kind in ("unknown", "malformed"):
        return error_page("Sign in", tenant_error_message(resolved))
    if request.method == "POST":
        values = {key: str(value) for key, value in (await request.post()).items()}
    else:
        values = dict(request.query)
    params = {name: values[name] for name in _ADMIN_CONSENT_PARAMS if name in values}
    if not params.get("client_id"):
        return error_page(
            "Sign in", "AADSTS900144: The request body must contain the following parameter: 'client_id'."
        )
    if not _is_loopback_redirect(params.get("redirect_uri", "")):
        return error_page(
            "Sign in",
            "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs "
            "configured for the application (the sandbox accepts http://localhost only).",
        )
    if not tokens.split_scopes(params.get("scope", "")):
        return error_page(
            "Sign in", "AADSTS900144: The request body must contain the following parameter: 'scope'."
        )
    if request.method == "GET":
        return _admin_consent_form(request, params)
    if values.get("action") == "decline":
        return _admin_consent_redirect(
            params,
            {
                "error": "access_denied",
                "error_description": "AADSTS65004: User declined to consent to access the app.",
            },
        )
    username = values.get("username", "")
    try:
        user = check_credentials(context, resolved, username, values.get("password", ""))
    except SignInError as exc:
        return _admin_consent_form(
            request, params, username=username, error={exc.field: f"{exc.message} (AADSTS{exc.code})"}
        )
    if not may_consent_for_organisation(context, user):
        message = ADMIN_APPROVAL_MESSAGE.format(app=client_name(params["client_id"]))
        return _admin_consent_redirect(
            params, {"error": "access_denied", "error_description": f"AADSTS90094: {message}"}
        )
    scopes = tokens.graph_scopes(tokens.split_scopes(params["scope"]))
    record_consent(context, user, params["client_id"], scopes, organisation=True)
    return _admin_consent_redirect(
        params, {"admin_consent": "True", "tenant": user.tenant_id, "scope": params["scope"]}
    )


def tenant_error_message(resolved: Resolved) -> str:
    if resolved.kind == "malformed":
        return (
            f"AADSTS900023: Specified tenant identifier '{resolved.given}' is neither a valid DNS "
            "name, nor a valid external domain."
        )
    return f"AADSTS90002: Tenant '{resolved.given}' not found."


async def logout(request: web.Request) -> web.Response:
    target = request.query.get("post_logout_redirect_uri", "")
    if _is_loopback_redirect(target):
        raise web.HTTPFound(target)
    return page("Signed out", "<h1>You signed out of your account</h1><p>You can close this page.</p>")


# --- token endpoint (https) --------------------------------------------------------------------------


def _pkce_ok(challenge: str | None, method: str, verifier: str) -> bool:
    if not challenge:
        return True
    if not verifier:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    else:
        computed = verifier
    return hmac.compare_digest(computed, challenge)


def _grant_error(request: web.Request, error: str, code: int, message: str) -> web.Response:
    return aad_error(request, error, code, message)


def _invalid_grant(request: web.Request) -> web.Response:
    return _grant_error(request, "invalid_grant", 70000, "Provided grant is invalid or malformed.")


def _missing(request: web.Request, name: str) -> web.Response:
    return _grant_error(
        request,
        "invalid_request",
        900144,
        f"The request body must contain the following parameter: '{name}'.",
    )


def _tenant_mismatch(resolved: Resolved, user: User) -> bool:
    return resolved.tenant is not None and resolved.tenant.id != user.tenant_id


async def token(request: web.Request) -> web.Response:
    resolved = resolve_or_error(request)
    if isinstance(resolved, web.Response):
        return resolved
    context = ctx(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    grant_type = form.get("grant_type", "")
    client_id = form.get("client_id", "")
    if not grant_type:
        return _missing(request, "grant_type")
    if not client_id:
        return _missing(request, "client_id")
    handler = _GRANTS.get(grant_type)
    if handler is None:
        return _grant_error(
            request,
            "unsupported_grant_type",
            70003,
            f"The app requested an unsupported grant type '{grant_type}'.",
        )
    response = handler(request, context, resolved, form)
    response.headers["Cache-Control"] = "no-store, no-cache"
    response.headers["Pragma"] = "no-cache"
    return response


def _token_response(body: dict[str, Any]) -> web.Response:
    return json_response(body)


def _grant_authorization_code(
    request: web.Request, context: Context, resolved: Resolved, form: dict[str, str]
) -> web.Response:
    code = form.get("code", "")
    if not code:
        return _missing(request, "code")
    grant = context.store.grant(code, "code")
    if grant is None or grant.user_id is None:
        return _grant_error(
            request, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."
        )
    if grant.state != "active":
        return _grant_error(
            request,
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code "
            "or use an existing refresh token.",
        )
    context.store.update_grant(code, state="redeemed")
    data = grant.data
    if grant.expires < time.time():
        return _grant_error(
            request,
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity.",
        )
    if data["client_id"] != form["client_id"]:
        return _invalid_grant(request)
    if form.get("redirect_uri", "") != data["redirect_uri"]:
        return _grant_error(
            request,
            "invalid_grant",
            500117,
            "The reply uri specified in the token request does not match the reply uri used "
            "when acquiring the authorization code.",
        )
    if not _pkce_ok(data.get("code_challenge"), data["code_challenge_method"], form.get("code_verifier", "")):
        return _grant_error(
            request,
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        )
    user = context.store.user_by_id(grant.user_id)
    if user is None or _tenant_mismatch(resolved, user):
        return _invalid_grant(request)
    scopes = tokens.split_scopes(form.get("scope") or data["scope"])
    if tokens.missing_consent(context, user, form["client_id"], scopes):
        return consent_required(request, form["client_id"])
    return _token_response(
        tokens.issue(context, user, client_id=form["client_id"], scopes=scopes, nonce=data["nonce"])
    )


def _grant_refresh_token(
    request: web.Request, context: Context, resolved: Resolved, form: dict[str, str]
) -> web.Response:
    refresh = form.get("refresh_token", "")
    if not refresh:
        return _missing(request, "refresh_token")
    grant = context.store.grant(refresh, "refresh")
    if grant is None or grant.user_id is None or grant.data["client_id"] != form["client_id"]:
        return _invalid_grant(request)
    if grant.state == "revoked":
        return _grant_error(
            request,
            "invalid_grant",
            50173,
            "The provided grant has expired due to it being revoked, a fresh auth token is "
            "needed. The user might have changed or reset their password.",
        )
    if grant.expires < time.time():
        return _grant_error(
            request,
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity.",
        )
    user = context.store.user_by_id(grant.user_id)
    if user is None or not user.account_enabled or _tenant_mismatch(resolved, user):
        return _invalid_grant(request)
    scopes = tokens.split_scopes(form.get("scope", "")) or ["openid", "profile", "offline_access"]
    if not any(scope.lower() == "offline_access" for scope in scopes):
        scopes.append("offline_access")  # a refresh always rotates the refresh token
    if tokens.missing_consent(context, user, form["client_id"], scopes):
        return consent_required(request, form["client_id"])
    return _token_response(tokens.issue(context, user, client_id=form["client_id"], scopes=scopes))


def _grant_password(
    request: web.Request, context: Context, resolved: Resolved, form: dict[str, str]
) -> web.Response:
    for name in ("username", "password"):
        if not form.get(name):
            return _missing(request, name)
    try:
        user = check_credentials(context, resolved, form["username"], form["password"])
    except SignInError as exc:
        return _grant_error(request, exc.error, exc.code, exc.message)
    if must_change_password(user):
        return _grant_error(request, "invalid_grant", 50055, "The password is expired.")
    scopes = tokens.split_scopes(form.get("scope", ""))
    if tokens.missing_consent(context, user, form["client_id"], scopes):
        return consent_required(request, form["client_id"])
    return _token_response(tokens.issue(context, user, client_id=form["client_id"], scopes=scopes))


def _grant_device_code(
    request: web.Request, context: Context, resolved: Resolved, form: dict[str, str]
) -> web.Response:
    device_code = form.get("device_code") or form.get("code", "")
    if not device_code:
        return _missing(request, "device_code")
    grant = context.store.grant(device_code, "device")
    if grant is None or grant.data["client_id"] != form["client_id"]:
        return _invalid_grant(request)
    status = grant.data.get("status")
    if status == "redeemed":
        return _invalid_grant(request)
    if grant.expires < time.time():
        return _grant_error(
            request,
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device "
            "code has expired.",
        )
    if status == "denied":
        return _grant_error(
            request,
            "authorization_declined",
            70000,
            "The end user denied the authorization request.",
        )
    if status == "admin_needed":
        context.store.update_grant(device_code, data={**grant.data, "status": "redeemed"})
        message = ADMIN_APPROVAL_MESSAGE.format(app=client_name(form["client_id"]))
        return _grant_error(request, "invalid_grant", 90094, message)
    if status != "approved" or grant.user_id is None:
        return _grant_error(
            request,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )
    user = context.store.user_by_id(grant.user_id)
    if user is None:
        return _invalid_grant(request)
    context.store.update_grant(device_code, data={**grant.data, "status": "redeemed"})
    scopes = tokens.split_scopes(grant.data["scope"])
    if tokens.missing_consent(context, user, form["client_id"], scopes):
        return consent_required(request, form["client_id"])
    return _token_response(tokens.issue(context, user, client_id=form["client_id"], scopes=scopes))


_GRANTS = {
    "authorization_code": _grant_authorization_code,
    "refresh_token": _grant_refresh_token,
    "password": _grant_password,
    "urn:ietf:params:oauth:grant-type:device_code": _grant_device_code,
    "device_code": _grant_device_code,
}


# --- device code (https) and the device login page (http) --------------------------------------------


def _new_user_code() -> str:
    return "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(9))


async def devicecode(request: web.Request) -> web.Response:
    resolved = resolve_or_error(request)
    if isinstance(resolved, web.Response):
        return resolved
    context = ctx(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    if not form.get("client_id"):
        return _missing(request, "client_id")
    device_code = secrets.token_urlsafe(48)
    user_code = _new_user_code()
    data = {
        "client_id": form["client_id"],
        "scope": form.get("scope", ""),
        "tenant": resolved.segment,
        "user_code": user_code,
        "status": "pending",
    }
    context.store.put_grant(device_code, "device", data, DEVICE_CODE_LIFETIME)
    context.store.put_grant(user_code, "user_code", {"device_code": device_code}, DEVICE_CODE_LIFETIME)
    verification_uri = f"{context.base}/devicelogin"
    return json_response(
        {
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": DEVICE_CODE_LIFETIME,
            "interval": DEVICE_CODE_INTERVAL,
            "message": (
                f"To sign in, use a web browser to open the page {verification_uri} and enter "
                f"the code {user_code} to authenticate."
            ),
        }
    )


def _device_grant(context: Context, user_code: str) -> tuple[str, dict[str, Any]] | None:
    """(device_code, data) for a user code that can still be approved."""
    mapping = context.store.grant(user_code.strip().upper().replace("-", ""), "user_code")
    if mapping is None or mapping.expires < time.time():
        return None
    device_code = str(mapping.data["device_code"])
    grant = context.store.grant(device_code, "device")
    if grant is None or grant.data.get("status") != "pending":
        return None
    return device_code, grant.data


def _code_form(code: str = "", error: str | None = None) -> web.Response:
    body = (
        "<h1>Enter code</h1>"
        '<p class="lead">Enter the code displayed on your app or device.</p>'
        '<form method="post" action="/devicelogin" novalidate>'
        + field("otc", "Code", value=code, error=error, autocomplete="off")
        + '<div class="actions"><button type="submit" class="primary">Next</button></div>'
        "</form>"
    )
    return page("Enter code", body)


def _device_signin_form(
    user_code: str, data: dict[str, Any], username: str = "", errors: dict[str, str] | None = None
) -> web.Response:
    errors = errors or {}
    body = (
        "<h1>Sign in</h1>"
        '<p class="step">Sandbox sign-in page — stands in for login.microsoftonline.com</p>'
        f'<p class="lead">Signing in to an app on another device (code {escape(user_code)}).</p>'
        '<form method="post" action="/devicelogin/signin" novalidate>'
        + hidden("otc", user_code)
        + field(
            "username",
            "Email, phone, or Skype",
            value=username,
            kind="email",
            autocomplete="username",
            error=errors.get("username"),
        )
        + field(
            "password",
            "Password",
            kind="password",
            autocomplete="current-password",
            error=errors.get("password"),
        )
        + '<p class="hint">By signing in, you let the app use these permissions:</p>'
        f'<ul class="hint">{_scope_list(str(data.get("scope", "")))}</ul>'
        '<div class="actions">'
        '<button type="submit" name="action" value="decline">Cancel</button>'
        '<button type="submit" name="action" value="signin" class="primary">Sign in</button>'
        "</div></form>"
    )
    return page("Sign in", body)


async def devicelogin(request: web.Request) -> web.Response:
    context = ctx(request)
    if request.method == "GET":
        return _code_form(request.query.get("otc", ""))
    form = await request.post()
    user_code = str(form.get("otc", "")).strip()
    found = _device_grant(context, user_code)
    if found is None:
        return _code_form(user_code, "That code didn't work. Check the code and try again. (AADSTS70018)")
    return _device_signin_form(user_code.upper(), found[1])


async def devicelogin_signin(request: web.Request) -> web.Response:
    context = ctx(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    user_code = form.get("otc", "")
    found = _device_grant(context, user_code)
    if found is None:
        return _code_form(user_code, "That code has expired or was already used. (AADSTS70019)")
    device_code, data = found
    if form.get("action") == "decline":
        context.store.update_grant(device_code, data={**data, "status": "denied"})
        return page("Declined", "<h1>You declined to sign in</h1><p>You can close this window.</p>")
    resolved = resolve_tenant(context, str(data["tenant"]))
    username = form.get("username", "")
    try:
        user = check_credentials(context, resolved, username, form.get("password", ""))
    except SignInError as exc:
        return _device_signin_form(
            user_code, data, username, {exc.field: f"{exc.message} (AADSTS{exc.code})"}
        )
    return _device_after_sign_in(context, device_code, data, user)


def _device_after_sign_in(
    context: Context, device_code: str, data: dict[str, Any], user: User
) -> web.Response:
    """Approve the device code, or first ask for consent (or show "Need admin approval")."""
    client_id = str(data["client_id"])
    missing = tokens.missing_consent(
        context, user, client_id, tokens.split_scopes(str(data.get("scope", "")))
    )
    carried = hidden("otc", str(data["user_code"]))
    if missing and needs_admin(context, user, missing):
        ticket = secrets.token_urlsafe(32)
        context.store.put_grant(ticket, "consent", {"scopes": missing}, CONSENT_LIFETIME, user_id=user.id)
        return admin_approval_page(
            "/devicelogin/consent", carried + hidden("ticket", ticket), client_id, user
        )
    if missing:
        ticket = secrets.token_urlsafe(32)
        context.store.put_grant(ticket, "consent", {"scopes": missing}, CONSENT_LIFETIME, user_id=user.id)
        return consent_page(
            "/devicelogin/consent",
            carried + hidden("ticket", ticket),
            client_id,
            user,
            missing,
            for_organisation=may_consent_for_organisation(context, user),
        )
    context.store.update_grant(device_code, user_id=user.id, data={**data, "status": "approved"})
    log.info("devicelogin: %s approved a device code", user.upn)
    return page(
        "Signed in",
        "<h1>You're signed in</h1>"
        f'<p class="lead" id="device-approved">You have signed in as {escape(user.upn)} on your '
        "device. You may now close this window.</p>",
    )


async def devicelogin_consent(request: web.Request) -> web.Response:
    """The consent (or "Need admin approval") page of a device sign-in."""
    context = ctx(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    user_code = form.get("otc", "")
    found = _device_grant(context, user_code)
    if found is None:
        return _code_form(user_code, "That code has expired or was already used. (AADSTS70019)")
    device_code, data = found
    action = form.get("action")
    if action == "otheraccount":
        return _device_signin_form(user_code.upper(), data)
    ticket = _consent_ticket(context, form.get("ticket", ""))
    if action == "decline":
        context.store.update_grant(device_code, data={**data, "status": "denied"})
        return page("Declined", "<h1>You declined to sign in</h1><p>You can close this window.</p>")
    if ticket is None:
        return _code_form(user_code, "Your session has expired. Enter the code again.")
    user, scopes = ticket
    if action == "return" or needs_admin(context, user, scopes):
        context.store.update_grant(device_code, user_id=user.id, data={**data, "status": "admin_needed"})
        return page(
            "Need admin approval",
            '<h1>Need admin approval</h1><p class="lead" id="admin-approval">'
            + escape(ADMIN_APPROVAL_MESSAGE.format(app=client_name(str(data["client_id"]))))
            + "</p><p>You can close this window.</p>",
        )
    record_consent(
        context, user, str(data["client_id"]), scopes, organisation=bool(form.get("for_organisation"))
    )
    return _device_after_sign_in(context, device_code, data, user)


def add_routes(app: web.Application) -> None:
    app.router.add_route("GET", "/{tenant}/oauth2/v2.0/authorize", authorize)
    app.router.add_route("POST", "/{tenant}/oauth2/v2.0/authorize", authorize)
    app.router.add_get("/{tenant}/oauth2/v2.0/logout", logout)
    app.router.add_post("/{tenant}/oauth2/v2.0/token", token)
    app.router.add_post("/{tenant}/oauth2/v2.0/devicecode", devicecode)
    app.router.add_get("/devicelogin", devicelogin)
    app.router.add_post("/devicelogin", devicelogin)
    app.router.add_post("/devicelogin/signin", devicelogin_signin)
    app.router.add_post("/devicelogin/consent", devicelogin_consent)
    app.router.add_get("/{tenant}/v2.0/adminconsent", admin_consent)
    app.router.add_post("/{tenant}/v2.0/adminconsent", admin_consent)
