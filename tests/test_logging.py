"""The log file never carries a secret."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from c2t_wizard.logging_setup import (
    LOG_FILE_NAME,
    MAX_BYTES,
    REDACTED,
    apply_patterns,
    redact,
    setup_logging,
    start_rotating,
)

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


@pytest.fixture
def app_handlers() -> Iterator[Callable[[], list[logging.Handler]]]:
    """The root logger's handlers added during the test (removed and closed after it)."""
    root = logging.getLogger()
    old_handlers, old_level = list(root.handlers), root.level

    def added() -> list[logging.Handler]:
        return [handler for handler in root.handlers if handler not in old_handlers]

    yield added
    for handler in added():
        root.removeHandler(handler)
        handler.close()
    root.setLevel(old_level)


def test_log_file_is_redacted_including_tracebacks(
    tmp_path: Path, app_handlers: Callable[[], list[logging.Handler]]
) -> None:
    path = setup_logging(tmp_path, "DEBUG")
    log = logging.getLogger("c2t_wizard.test")
    log.debug("sending %s", {"Authorization": f"Bearer {JWT}"})
    log.info("user %s password=%s", "ada@contoso.onmicrosoft.com", "Tr0ub4dor&3")
    try:
        raise ValueError(f"token rejected: {JWT}")
    except ValueError:
        log.exception("request failed")
    for handler in app_handlers():
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "ada@contoso.onmicrosoft.com" in text
    assert "request failed" in text
    assert "ValueError" in text
    assert JWT not in text
    assert "Tr0ub4dor" not in text
    assert text.count(REDACTED) >= 3


def test_the_plain_file_of_the_first_paint_becomes_a_rotating_one(
    tmp_path: Path, app_handlers: Callable[[], list[logging.Handler]]
) -> None:
    """The app logs to a plain file until its window has painted, then to a rotating one: same file, same
    redaction, and a file that grew too big in earlier runs is rolled over at once."""
    (tmp_path / LOG_FILE_NAME).write_text("x" * (MAX_BYTES + 1), encoding="utf-8")
    path = setup_logging(tmp_path, "INFO", rotating=False)
    assert [type(h) for h in app_handlers()] == [logging.FileHandler]
    log = logging.getLogger("c2t_wizard.test")
    log.info("before the paint password=%s", "Tr0ub4dor&3")
    start_rotating()
    ours = app_handlers()
    assert [type(h) for h in ours] == [logging.handlers.RotatingFileHandler]
    log.info("after the paint password=%s", "Tr0ub4dor&3")
    start_rotating()  # nothing left to swap
    assert app_handlers() == ours
    for handler in ours:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    rolled = (tmp_path / f"{LOG_FILE_NAME}.1").read_text(encoding="utf-8")
    assert rolled.startswith("x" * 100), "the oversized file was rolled over"
    assert "before the paint" in rolled, "lines from before the paint were in the file that rolled over"
    assert "after the paint" in text
    assert "Tr0ub4dor" not in text + rolled


_WORDS = st.sampled_from(
    [
        "Authorization", "BEARER", "basic", "eyJ", "eyJhbGciOi.eyJ1cG4i.sig", "password", "Passwd", "pwd",
        "secret", "client_secret", "TOKEN", "id_token", "code_verifier", "device_code", "assertion",
        "api_key", "x-api-key", "apikey", "=", ":", " ", '"', "'", "&", ",", "}", "]", "\n", "ſ", "K", "ı",
        "user", "Tr0ub4dor&3", "abc.def.ghi", "%40",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=12).map("".join))
@settings(max_examples=400, deadline=None)
def test_the_shortcut_never_changes_what_is_redacted(text: str) -> None:
    """``redact`` skips the patterns for ASCII text that names no secret; it must say exactly what they
    would have said."""
    assert redact(text) == apply_patterns(text)


@pytest.mark.parametrize(
    "key",
    [
        "password", "passwd", "pwd", "new_password", "secret", "client_secret", "access_token",
        "refresh_token", "id_token", "code_verifier", "device_code", "assertion", "api_key", "api-key",
        "apikey", "x-api-key", "token",
    ],
)  # fmt: skip
@pytest.mark.parametrize("shape", ["{k}=hunter2", '"{k}": "hunter2"', "{K}: hunter2"])
def test_every_secret_key_gets_past_the_shortcut(key: str, shape: str) -> None:
    text = "sending " + shape.format(k=key, K=key.upper())
    assert "hunter2" not in redact(text)
