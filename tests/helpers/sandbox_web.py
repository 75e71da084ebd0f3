"""Walk the sandbox's browser pages with a plain HTTP client, as a person would with a browser.

``sign_up`` fills in the sign-up forms (about your business → username and domain → verification) and
returns the new tenant's id and admin credentials. ``approve_device_code`` and ``sign_in_authorize`` do the
same for the device login page and the authorize sign-in page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import httpx

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class WebFlowError(AssertionError):
    """A page did not go where expected; carries the page's error messages."""


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Page:
    url: str
    status: int
    forms: list[Form]
    texts: dict[str, str]
    """Text content of every element that has an id."""
    errors: list[str]
    """Texts of elements with class "error" or "alert"."""

    def form(self, index: int = 0) -> Form:
        if len(self.forms) <= index:
            raise WebFlowError(f"no form on {self.url} (status {self.status}): {self.errors}")
        return self.forms[index]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.texts: dict[str, str] = {}
        self.errors: list[str] = []
        self._open: list[tuple[str, str | None, bool]] = []  # (tag, id, is_error)
        self._error_text: list[str] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._option_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        form = self.forms[-1] if self.forms else None
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif tag == "input" and form is not None and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image"):
                form.buttons.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields[a["name"]] = a.get("value", "on")
            else:
                form.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and form is not None and a.get("name"):
            form.buttons.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select" and form is not None:
            self._select, self._select_first = a.get("name"), None
        elif tag == "option" and self._select and form is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                form.fields.setdefault(self._select, value)
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea" and form is not None and a.get("name"):
            self._textarea = a["name"]
            form.fields[a["name"]] = ""
        if tag not in _VOID:
            classes = a.get("class", "").split()
            is_error = "error" in classes or "alert" in classes
            ident = a.get("id") or None
            if ident:
                self.texts[ident] = ""
            self._open.append((tag, ident, is_error))
            if is_error:
                self._error_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None
        while self._open:
            open_tag, ident, is_error = self._open.pop()
            if ident:
                self.texts[ident] = self.texts[ident].strip()
            if is_error and "".join(self._error_text).strip():
                self.errors.append(" ".join("".join(self._error_text).split()))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident, is_error in self._open:
            if ident:
                self.texts[ident] += data
            if is_error:
                self._error_text.append(data)
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def parse_page(response: httpx.Response) -> Page:
    parser = _Parser()
    parser.feed(response.text)
    parser.close()
    url = str(response.url)
    for form in parser.forms:
        form.action = urljoin(url, form.action or url)
    return Page(url, response.status_code, parser.forms, parser.texts, parser.errors)


def submit(client: httpx.Client, form: Form, values: dict[str, str] | None = None) -> Page:
    data = {**form.fields, **(values or {})}
    if form.method == "post":
        response = client.post(form.action, data=data)
    else:
        response = client.get(form.action, params=data)
    return parse_page(response)


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, trust_env=False, follow_redirects=True, timeout=15)


def sign_up(
    base: str,
    *,
    organisation: str,
    prefix: str,
    username: str = "admin",
    password: str = "Sandbox-Passw0rd!",  # noqa: S107 (a sandbox test password)
    first_name: str = "Ada",
    last_name: str = "Admin",
) -> dict[str, Any]:
    """Create a tenant through the sandbox's sign-up forms; returns tenant_id, upn and password."""
    with _client(base) as client:
        about = parse_page(client.get("/signup"))
        account = submit(
            client,
            about.form(),
            {
                "organisation": organisation,
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{first_name}.{last_name}@example.com".lower().replace(" ", ""),
                "phone": "",
            },
        )
        if not account.url.endswith("/account"):
            raise WebFlowError(f"step 1 (about your business) failed: {account.errors}")
        verify = submit(
            client,
            account.form(),
            {
                "username": username,
                "prefix": prefix,
                "password": password,
                "confirm_password": password,
            },
        )
        if not verify.url.endswith("/verify"):
            raise WebFlowError(f"step 2 (username and domain) failed: {verify.errors}")
        code = verify.texts.get("verification-code", "")
        done = submit(client, verify.form(), {"code": code})
        if not done.url.endswith("/done"):
            raise WebFlowError(f"step 3 (verification) failed: {done.errors}")
        return {
            "tenant_id": done.texts["tenant-id"],
            "upn": done.texts["signin-name"],
            "password": password,
        }


def approve_device_code(
    base: str,
    user_code: str,
    username: str,
    password: str,
    *,
    decline: bool = False,
    consent: bool = True,
    for_organisation: bool = False,
) -> Page:
    """Enter a device code on ``/devicelogin`` and sign in (or decline); a consent page is accepted (or,
    ``consent=False``, cancelled); "Need admin approval" is left by returning to the app. Returns the last
    page."""
    with _client(base) as client:
        entry = parse_page(client.get("/devicelogin"))
        signin = submit(client, entry.form(), {"otc": user_code})
        action = "decline" if decline else "signin"
        values = {"username": username, "password": password, "action": action}
        result = submit(client, signin.form(), values)
        buttons = result.forms[0].buttons.get("action", []) if result.forms else []
        if "consent" in buttons:
            chosen = {"action": "consent" if consent else "decline"}
            if for_organisation:
                chosen["for_organisation"] = "1"
            result = submit(client, result.form(), chosen)
        elif "return" in buttons:
            result = submit(client, result.form(), {"action": "return"})
        return result


def sign_in_authorize(
    authorize_url: str,
    username: str,
    password: str,
    *,
    decline: bool = False,
    new_password: str | None = None,
    consent: bool = True,
    for_organisation: bool = False,
    pages: list[Page] | None = None,
) -> Form:
    """Open an authorize URL, submit the sign-in form; returns the form_post form for the redirect URI.

    When the page then asks for a new password (the user must change it), ``new_password`` is entered;
    without one, ``WebFlowError`` is raised. A consent page ("Permissions requested") is accepted (ticking
    "Consent on behalf of your organization" when ``for_organisation``) or, with ``consent=False``,
    cancelled; on "Need admin approval" the person returns to the application without consent. Every page
    seen is appended to ``pages`` when given."""
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=15) as client:
        signin = parse_page(client.get(authorize_url))
        action = "decline" if decline else "signin"
        result = submit(client, signin.form(), {"username": username, "password": password, "action": action})
        if pages is not None:
            pages.append(result)
        form = result.form()
        if "new_password" in form.fields:
            if new_password is None:
                raise WebFlowError(
                    f"the sign-in page asks for a new password: {result.texts.get('password-expired')}"
                )
            values = {
                "new_password": new_password,
                "confirm_password": new_password,
                "action": "changepassword",
            }
            result = submit(client, form, values)
            if pages is not None:
                pages.append(result)
            form = result.form()
        if "consent" in form.buttons.get("action", []):
            values = {"action": "consent" if consent else "decline"}
            if for_organisation:
                values["for_organisation"] = "1"
            result = submit(client, form, values)
            if pages is not None:
                pages.append(result)
            form = result.form()
        if "return" in form.buttons.get("action", []):
            result = submit(client, form, {"action": "return"})
            if pages is not None:
                pages.append(result)
            form = result.form()
        if "code" not in form.fields and "error" not in form.fields:
            raise WebFlowError(f"sign-in failed: {result.errors}")
        return form


def grant_consent(
    base: str, tenant: str, scope: str, *, upn: str | None = None, client_id: str | None = None
) -> list[dict[str, Any]]:
    """Record consent through the sandbox's control API (a test shortcut for a fixture that only needs a
    token; tests of the consent model itself go through the consent pages): for ``upn`` alone
    (``Principal``) or, without one, for everyone in the tenant (``AllPrincipals``). Returns the grants."""
    body: dict[str, Any] = {"tenant": tenant, "scope": scope}
    if upn:
        body["upn"] = upn
    if client_id:
        body["client_id"] = client_id
    with _client(base) as client:
        response = client.post("/_sandbox/consent", json=body)
        response.raise_for_status()
        return list(response.json()["grants"])
