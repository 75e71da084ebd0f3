"""The sign-up website: "create a work or school account", which creates a tenant and its first admin.

It follows the steps of the Call2Teams partner guide: about your business → username and domain (with a live
"already in use" indication) → verification → "You're all set". Plain HTML forms (POST, then redirect), so an
HTTP client can walk them as well as a person.
"""

from __future__ import annotations

import logging
import re
import secrets
from html import escape
from typing import Any

from aiohttp import web

from .common import json_response
from .context import Context, ctx
from .pages import field, page
from .state import ConflictError, hash_password

log = logging.getLogger(__name__)

MAX_PREFIX = 27
_PREFIX = re.compile(r"^[A-Za-z0-9]+$")
_USERNAME = re.compile(r"^[A-Za-z0-9'._!#^~-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PASSWORD_SYMBOLS = set("@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ")
COUNTRIES = (
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("BE", "Belgium"),
    ("CA", "Canada"),
    ("CH", "Switzerland"),
    ("DE", "Germany"),
    ("DK", "Denmark"),
    ("ES", "Spain"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NZ", "New Zealand"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("SE", "Sweden"),
    ("US", "United States"),
    ("ZA", "South Africa"),
)
_COUNTRY_CODES = {code for code, _ in COUNTRIES}

_CHECK_SCRIPT = """
(function () {
  var input = document.getElementById('f-prefix');
  var status = document.getElementById('prefix-status');
  var timer = null, seq = 0;
  function show(text, cls) { status.textContent = text; status.className = cls; }
  function check() {
    var value = input.value.trim();
    if (!value) { show('', 'hint'); return; }
    var mine = ++seq;
    fetch('/signup/check?prefix=' + encodeURIComponent(value))
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (mine !== seq) { return; }
        show(data.message, data.available ? 'ok' : 'error');
        input.setAttribute('aria-invalid', data.available ? 'false' : 'true');
      })
      .catch(function () { show('Could not check the name right now.', 'hint'); });
  }
  input.addEventListener('input', function () {
    clearTimeout(timer); timer = setTimeout(check, 250);
  });
  if (input.value) { check(); }
})();
"""


# --- rules -------------------------------------------------------------------------------------------


def prefix_problem(context: Context, prefix: str) -> tuple[str, str] | None:
    """(reason, message) when the domain prefix can't be used, else None."""
    if not prefix:
        return "empty", "Enter a name for your domain."
    if not _PREFIX.match(prefix):
        return "invalid", "Your domain name can only contain letters and numbers."
    if len(prefix) > MAX_PREFIX:
        return "too_long", f"Your domain name can be at most {MAX_PREFIX} characters long."
    if context.store.tenant_by_prefix(prefix) is not None:
        domain = f"{prefix.lower()}.onmicrosoft.com"
        return "taken", f"{domain} is already in use. Try another name."
    return None


def username_problem(username: str) -> str | None:
    if not username:
        return "Enter a username."
    if len(username) > 64:
        return "A username can be at most 64 characters long."
    if not _USERNAME.match(username):
        return "A username can contain letters, numbers and ' . - _ ! # ^ ~ only."
    if username.startswith(".") or username.endswith(".") or ".." in username:
        return "A username can't start or end with a period or have two periods in a row."
    return None


def password_problem(password: str, confirm: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in _PASSWORD_SYMBOLS for c in password),
    ]
    if not 8 <= len(password) <= 256:
        problems["password"] = "Your password must have between 8 and 256 characters."
    elif not all(c.isascii() and (c.isalnum() or c in _PASSWORD_SYMBOLS) for c in password):
        problems["password"] = "Your password contains a character that isn't allowed."
    elif sum(classes) < 3:
        problems["password"] = (
            "Your password must contain three of these: lowercase letters, uppercase letters, "
            "numbers and symbols."
        )
    if password != confirm:
        problems["confirm_password"] = "The passwords don't match."
    return problems


def suggest_prefix(organisation: str) -> str:
    return "".join(c for c in organisation.lower() if c.isascii() and c.isalnum())[:MAX_PREFIX]


# --- pages -------------------------------------------------------------------------------------------


def _steps(current: int) -> str:
    names = ("About your business", "Username and domain", "Verification")
    return f'<p class="step">Step {current} of 3 · {names[current - 1]}</p>'


def _about_form(values: dict[str, str], errors: dict[str, str], status: int = 200) -> web.Response:
    chosen = values.get("country", "GB")
    options = "".join(
        f'<option value="{code}"{" selected" if code == chosen else ""}>{escape(name)}</option>'
        for code, name in COUNTRIES
    )
    country_error = errors.get("country")
    country_error_html = (
        f'<p class="error" id="f-country-error" role="alert">{escape(country_error)}</p>'
        if country_error
        else ""
    )
    body = (
        "<h1>Tell us about your business</h1>"
        + _steps(1)
        + '<p class="lead">Create a work or school account. Creating it creates your organisation '
        "in Microsoft's cloud — you become its Global Administrator.</p>"
        '<form method="post" action="/signup" novalidate>'
        + field(
            "organisation",
            "Company name",
            value=values.get("organisation", ""),
            error=errors.get("organisation"),
            autocomplete="organization",
        )
        + '<div class="row">'
        + field(
            "first_name",
            "First name",
            value=values.get("first_name", ""),
            error=errors.get("first_name"),
            autocomplete="given-name",
        )
        + field(
            "last_name",
            "Last name",
            value=values.get("last_name", ""),
            error=errors.get("last_name"),
            autocomplete="family-name",
        )
        + "</div>"
        + field(
            "email",
            "Business email address",
            value=values.get("email", ""),
            kind="email",
            error=errors.get("email"),
            hint="We'll use it to reach you about your account.",
            autocomplete="email",
        )
        + field(
            "phone",
            "Business phone number (optional)",
            value=values.get("phone", ""),
            kind="tel",
            required=False,
            error=errors.get("phone"),
            autocomplete="tel",
        )
        + '<div class="field"><label for="f-country">Country or region</label>'
        f'<select id="f-country" name="country" required>{options}</select>'
        f"{country_error_html}</div>"
        '<div class="actions"><button type="submit" class="primary">Next</button></div></form>'
    )
    return page("Tell us about your business", body, status=status)


def _account_form(
    session_id: str, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> web.Response:
    prefix_error = errors.get("prefix")
    status_html = (
        f'<p class="error" id="prefix-status" role="status" aria-live="polite">{escape(prefix_error)}</p>'
        if prefix_error
        else '<p class="hint" id="prefix-status" role="status" aria-live="polite"></p>'
    )
    prefix_value = escape(values.get("prefix", ""))
    invalid = ' aria-invalid="true"' if prefix_error else ""
    body = (
        "<h1>Create a username and select a domain</h1>"
        + _steps(2)
        + "<p class=\"lead\">Your domain is your organisation's name in Microsoft's cloud; "
        "it can't be changed later.</p>"
        f'<form method="post" action="/signup/{escape(session_id)}/account" novalidate>'
        + field(
            "username",
            "Username",
            value=values.get("username", ""),
            error=errors.get("username"),
            hint="You'll sign in as username@domain.onmicrosoft.com.",
            autocomplete="username",
        )
        + '<div class="field"><label for="f-prefix">Domain name</label>'
        '<div class="domain">'
        f'<input type="text" id="f-prefix" name="prefix" value="{prefix_value}" required '
        f'autocomplete="off" aria-describedby="prefix-status f-prefix-suffix"{invalid}>'
        '<span class="suffix" id="f-prefix-suffix">.onmicrosoft.com</span></div>'
        f"{status_html}</div>"
        + field(
            "password",
            "Password",
            kind="password",
            error=errors.get("password"),
            hint="8 to 256 characters, with three of: lowercase, uppercase, numbers, symbols.",
            autocomplete="new-password",
        )
        + field(
            "confirm_password",
            "Confirm password",
            kind="password",
            error=errors.get("confirm_password"),
            autocomplete="new-password",
        )
        + '<div class="actions"><button type="submit" class="primary">Next</button></div></form>'
    )
    return page("Create a username and select a domain", body, status=status, script=_CHECK_SCRIPT)


def _verify_form(session_id: str, code: str, error: str | None, status: int = 200) -> web.Response:
    body = (
        "<h1>Verify it's you</h1>"
        + _steps(3)
        + '<div class="notice" role="note"><strong>Sandbox:</strong> in real life this code '
        "arrives by text message or email. Here it is: "
        f'<output class="code" id="verification-code">{escape(code)}</output></div>'
        f'<form method="post" action="/signup/{escape(session_id)}/verify" novalidate>'
        + field(
            "code",
            "Enter your verification code",
            error=error,
            autocomplete="one-time-code",
            extra='inputmode="numeric" maxlength="6"',
        )
        + '<div class="actions"><button type="submit" class="primary">Verify</button></div></form>'
    )
    return page("Verify it's you", body, status=status)


def _done_page(data: dict[str, Any]) -> web.Response:
    upn = escape(str(data["upn"]))
    body = (
        "<h1>You're all set</h1>"
        f'<p class="lead">{escape(str(data["organisation"]))} now has its own organisation in '
        "the (sandbox) Microsoft cloud, and you are its Global Administrator.</p>"
        "<dl>"
        f'<dt>Your sign-in name</dt><dd id="signin-name">{upn}</dd>'
        f'<dt>Domain</dt><dd id="domain">{escape(str(data["domain"]))}</dd>'
        f'<dt>Tenant ID</dt><dd id="tenant-id">{escape(str(data["tenant_id"]))}</dd>'
        "</dl>"
        '<p class="hint">Go back to the wizard and sign in with this name and your password.</p>'
    )
    return page("You're all set", body)


# --- handlers ----------------------------------------------------------------------------------------


def _clean(form: Any, *names: str) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in names}


async def about(request: web.Request) -> web.Response:
    if request.method == "GET":
        return _about_form({}, {})
    form = await request.post()
    values = _clean(form, "organisation", "first_name", "last_name", "email", "phone", "country")
    errors: dict[str, str] = {}
    for name, label in (
        ("organisation", "a company name"),
        ("first_name", "your first name"),
        ("last_name", "your last name"),
    ):
        if not values[name]:
            errors[name] = f"Enter {label}."
        elif len(values[name]) > 64 * (4 if name == "organisation" else 1):
            errors[name] = "That's too long."
    if not _EMAIL.match(values["email"]):
        errors["email"] = "Enter a valid email address, like name@example.com."
    if values["phone"] and not re.fullmatch(r"\+?[0-9 ()-]{5,20}", values["phone"]):
        errors["phone"] = "Enter a valid phone number."
    if values["country"] not in _COUNTRY_CODES:
        errors["country"] = "Select your country or region."
    if errors:
        return _about_form(values, errors, status=422)
    values["prefix"] = suggest_prefix(values["organisation"])
    session_id = ctx(request).store.create_signup(values)
    raise web.HTTPSeeOther(f"/signup/{session_id}/account")


def _session(request: web.Request, expected: str) -> tuple[str, dict[str, Any]]:
    session_id = request.match_info["session"]
    found = ctx(request).store.signup(session_id)
    if found is None:
        raise web.HTTPSeeOther("/signup")
    step, data = found
    if step != expected:
        raise web.HTTPSeeOther(f"/signup/{session_id}/{step}")
    return session_id, data


async def account(request: web.Request) -> web.Response:
    session_id, data = _session(request, "account")
    context = ctx(request)
    if request.method == "GET":
        return _account_form(session_id, {"prefix": data.get("prefix", "")}, {})
    form = await request.post()
    values = _clean(form, "username", "prefix")
    password = str(form.get("password", ""))
    errors = password_problem(password, str(form.get("confirm_password", "")))
    problem = username_problem(values["username"])
    if problem:
        errors["username"] = problem
    prefix_issue = prefix_problem(context, values["prefix"])
    if prefix_issue:
        errors["prefix"] = prefix_issue[1]
    if errors:
        return _account_form(session_id, values, errors, status=422)
    data.update(
        username=values["username"],
        prefix=values["prefix"].lower(),
        password_hash=hash_password(password),  # never the password itself
        code=f"{secrets.randbelow(10**6):06d}",
    )
    context.store.update_signup(session_id, "verify", data)
    raise web.HTTPSeeOther(f"/signup/{session_id}/verify")


async def verify(request: web.Request) -> web.Response:
    session_id, data = _session(request, "verify")
    if request.method == "GET":
        return _verify_form(session_id, str(data["code"]), None)
    context = ctx(request)
    form = await request.post()
    typed = str(form.get("code", "")).strip()
    if typed != data["code"]:
        return _verify_form(
            session_id, str(data["code"]), "That code isn't right. Check it and try again.", 422
        )
    try:
        tenant, admin = context.store.create_tenant(
            data["prefix"],
            data["organisation"],
            country=data["country"],
            admin_username=data["username"],
            admin_password_hash=data["password_hash"],
            given_name=data["first_name"],
            surname=data["last_name"],
            has_mailbox=False,
        )
    except ConflictError:
        # Someone took the name between step 2 and now: back to step 2, with the reason.
        data.pop("password_hash", None)
        context.store.update_signup(session_id, "account", data)
        values = {"username": data["username"], "prefix": data["prefix"]}
        message = f"{data['prefix']}.onmicrosoft.com is already in use. Try another name."
        return _account_form(session_id, values, {"prefix": message}, status=409)
    assert admin is not None
    done = {
        "organisation": tenant.display_name,
        "tenant_id": tenant.id,
        "domain": tenant.initial_domain,
        "upn": admin.upn,
    }
    context.store.update_signup(session_id, "done", done)
    log.info("signup: created tenant %s (%s)", tenant.initial_domain, tenant.id)
    raise web.HTTPSeeOther(f"/signup/{session_id}/done")


async def done(request: web.Request) -> web.Response:
    _, data = _session(request, "done")
    return _done_page(data)


async def check(request: web.Request) -> web.Response:
    prefix = request.query.get("prefix", "").strip()
    problem = prefix_problem(ctx(request), prefix)
    if problem:
        return json_response({"available": False, "reason": problem[0], "message": problem[1]})
    domain = f"{prefix.lower()}.onmicrosoft.com"
    return json_response(
        {"available": True, "reason": None, "domain": domain, "message": f"{domain} is available."}
    )


def add_routes(app: web.Application) -> None:
    app.router.add_route("GET", "/signup", about)
    app.router.add_route("POST", "/signup", about)
    app.router.add_get("/signup/check", check)
    for step, handler in (("account", account), ("verify", verify)):
        app.router.add_route("GET", f"/signup/{{session}}/{step}", handler)
        app.router.add_route("POST", f"/signup/{{session}}/{step}", handler)
    app.router.add_get("/signup/{session}/done", done)
