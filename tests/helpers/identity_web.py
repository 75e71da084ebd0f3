"""A scripted "browser" for sign-in tests: opens MSAL's auth URL, fills the sandbox's sign-in form and posts
the form_post answer to MSAL's loopback listener (built on ``sandbox_web``'s page walker)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

from helpers.sandbox_web import Page, approve_device_code, sign_in_authorize

__all__ = ["Page", "ScriptedBrowser", "approve_device_code", "post_to_loopback"]


def post_to_loopback(action: str, fields: dict[str, str]) -> httpx.Response:
    """POST an authorization response to the redirect URI (MSAL's loopback listener), as the browser would."""
    with httpx.Client(trust_env=False, timeout=15) as client:
        return client.post(action, data=fields)


@dataclass
class ScriptedBrowser:
    """A ``BrowserOpener``: records each URL and, unless ``idle``, signs in (or declines) right away."""

    username: str = ""
    password: str = ""
    decline: bool = False
    for_organisation: bool = False
    """On a consent page, tick "Consent on behalf of your organization" (an administrator's consent)."""
    idle: bool = False
    """Only record the URL (the user never comes back): for cancel and timeout tests."""
    available: bool = True
    """False: behave like a machine without a browser."""
    urls: list[str] = field(default_factory=list)
    loopback_status: list[int] = field(default_factory=list)
    opened: threading.Event = field(default_factory=threading.Event)

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        if not self.available:
            return False
        self.opened.set()
        if self.idle:
            return True
        form = sign_in_authorize(
            url, self.username, self.password, decline=self.decline, for_organisation=self.for_organisation
        )
        self.loopback_status.append(post_to_loopback(form.action, form.fields).status_code)
        return True

    @property
    def params(self) -> dict[str, str]:
        """The query of the last URL opened."""
        query = parse_qs(urlsplit(self.urls[-1]).query)
        return {key: values[0] for key, values in query.items()}
