"""The log file never carries a secret."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from c2t_wizard.logging_setup import REDACTED, redact, setup_logging

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhZG1pbkBjb250b3NvIn0.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Authorization: Bearer {JWT}", JWT),
        ("{'authorization': 'Bearer abc.def.ghi'}", "abc.def.ghi"),
        ('headers={"Authorization": "Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz"),
        ("grant_type=password&username=a%40b&password=Secr3t%21x", "Secr3t"),
        ('{"password": "p@ss w\\"ord", "userPrincipalName": "a@b.c"}', "p@ss"),
        ('passwordProfile={"forceChangePasswordNextSignIn": true, "password": "xWwvJ]6NMw+bWH-d"}', "xWwvJ]"),
        ("refresh_token=0.AAA-bb_cc&client_id=x", "0.AAA-bb_cc"),
        ("'access_token': 'opaque-token-value'", "opaque-token-value"),
        (f"token came back: {JWT} for you", JWT),
        ("client_secret: s3cr3t-value", "s3cr3t-value"),
        ("code_verifier=abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnop"),
    ],
)
def test_redact_removes_secrets(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Checked contoso.onmicrosoft.com: taken in 12 ms",
        "Created 5 users, 0 failed",
        "grant_type=password&username=admin%40contoso.onmicrosoft.com",
    ],
)
def test_redact_leaves_ordinary_text(text: str) -> None:
    assert redact(text) == text


def test_log_file_is_redacted_including_tracebacks(tmp_path: Path) -> None:
    root = logging.getLogger()
    old_handlers, old_level = list(root.handlers), root.level
    try:
        path = setup_logging(tmp_path, "DEBUG")
        log = logging.getLogger("c2t_wizard.test")
        log.debug("sending %s", {"Authorization": f"Bearer {JWT}"})
        log.info("user %s password=%s", "ada@contoso.onmicrosoft.com", "Tr0ub4dor&3")
        try:
            raise ValueError(f"token rejected: {JWT}")
        except ValueError:
            log.exception("request failed")
        for handler in root.handlers:
            handler.flush()
        text = path.read_text(encoding="utf-8")
    finally:
        for handler in list(root.handlers):
            if handler not in old_handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(old_level)
    assert "ada@contoso.onmicrosoft.com" in text
    assert "request failed" in text
    assert "ValueError" in text
    assert JWT not in text
    assert "Tr0ub4dor" not in text
    assert text.count(REDACTED) >= 3
