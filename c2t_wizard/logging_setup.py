"""Logging to a rotating file, with every secret removed before a line is written."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_FILE_NAME = "c2t-wizard.log"
REDACTED = "[redacted]"

# Names of secrets, not secrets.
_SECRET_KEYS = "|".join(
    (
        "password|passwd|pwd|new_password|secret|client_secret|access_token|refresh_token|id_token",
        "code_verifier|device_code|assertion|api[_-]?key|x-api-key|token",
    )
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers in any rendering: "Authorization: Bearer x", "'authorization': 'Basic x'".
    (
        re.compile(r"""(?i)(["']?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+"""),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*"), r"\1 " + REDACTED),
    # JSON Web Tokens wherever they appear.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    # key=value / "key": "value" / key: value for secret-looking keys (query strings, JSON, reprs, kwargs).
    (
        re.compile(
            rf"""(?i)(["']?\b(?:{_SECRET_KEYS})\b["']?\s*(?:=|:)\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s&,;}}\]]+)"""
        ),
        r"\1" + REDACTED,
    ),
)


def redact(text: str) -> str:
    """Remove anything that looks like a password, a token or an Authorization header."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record so that neither its message nor its traceback carries a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def setup_logging(log_dir: Path, level: str = "INFO", *, console: bool = False) -> Path:
    """Send the app's logs to a rotating file in ``log_dir``; returns the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_c2t", False)]:
        root.removeHandler(old)
        old.close()
    handler._c2t = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.addFilter(RedactingFilter())
        stream._c2t = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    root.setLevel(level.upper())
    # Third-party chatter stays at INFO unless asked for explicitly.
    for noisy in ("hpack", "httpcore", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, root.level))
    return path
