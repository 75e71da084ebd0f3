"""Logging to a rotating file, with every secret removed before a line is written.

``logging.handlers`` (with socket and pickle) costs about 5 ms of imports, so the app starts with a plain file
handler on the same file and swaps in the rotating one once its window has painted (``start_rotating``).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

LOG_FILE_NAME = "c2t-wizard.log"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
REDACTED = "[redacted]"

# Names of secrets, not secrets.
_SECRET_KEYS = "|".join(
    (
        "password|passwd|pwd|new_password|secret|client_secret|access_token|refresh_token|id_token",
        "code_verifier|device_code|assertion|api[_-]?key|x-api-key|token",
    )
)
_PATTERN_SOURCES: tuple[tuple[str, str], ...] = (
    # Authorization headers in any rendering: "Authorization: Bearer x", "'authorization': 'Basic x'".
    (r"""(?i)(["']?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+""", r"\1" + REDACTED),
    (r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*", r"\1 " + REDACTED),
    # JSON Web Tokens wherever they appear.
    (r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", REDACTED),
    # key=value / "key": "value" / key: value for secret-looking keys (query strings, JSON, reprs, kwargs).
    (
        rf"""(?i)(["']?\b(?:{_SECRET_KEYS})\b["']?\s*(?:=|:)\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s&,;}}\]]+)""",
        r"\1" + REDACTED,
    ),
)
_TRIGGERS = (
    "authorization", "bearer", "basic", "eyj", "passw", "pwd", "secret", "token", "code_verifier",
    "device_code", "assertion", "key",
)  # fmt: skip
"""Lower-case words at least one of which is in any ASCII text a pattern can match."""


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Compiled on first need: most lines need none, and compiling costs ~2 ms before the first paint.
    return tuple((re.compile(source), replacement) for source, replacement in _PATTERN_SOURCES)


def apply_patterns(text: str) -> str:
    """Every pattern applied to ``text`` (``redact`` without its shortcut)."""
    for pattern, replacement in _patterns():
        text = pattern.sub(replacement, text)
    return text


def redact(text: str) -> str:
    """Remove anything that looks like a password, a token or an Authorization header."""
    # The shortcut only for ASCII: with re.IGNORECASE, "ſ" matches "s" and "K" (Kelvin) matches "k".
    if text.isascii():
        lowered = text.lower()
        if not any(trigger in lowered for trigger in _TRIGGERS):
            return text
    return apply_patterns(text)


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


def _file_handler(path: Path, *, rotating: bool) -> logging.FileHandler:
    handler: logging.FileHandler
    if rotating:
        from logging.handlers import RotatingFileHandler

        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    else:
        handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    handler._c2t = True  # type: ignore[attr-defined]
    return handler


def setup_logging(
    log_dir: Path, level: str = "INFO", *, console: bool = False, rotating: bool = True
) -> Path:
    """Send the app's logs to a file in ``log_dir``; returns the file's path.

    The file rotates at 2 MB, keeping five old ones. With ``rotating=False`` it is a plain file until
    ``start_rotating()`` is called (the app does so after its first paint).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    handler = _file_handler(path, rotating=rotating)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_c2t", False)]:
        root.removeHandler(old)
        old.close()
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


def start_rotating() -> None:
    """Replace the plain file handler of ``setup_logging(rotating=False)`` with a rotating one on the same
    file (rolling it over at once if it is already too big); does nothing if there is none."""
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_c2t", False) and type(old) is logging.FileHandler:
            new = _file_handler(Path(old.baseFilename), rotating=True)
            root.addHandler(new)
            root.removeHandler(old)
            old.close()
            assert isinstance(new, RotatingFileHandler)
            if new.shouldRollover(logging.makeLogRecord({"msg": ""})):
                new.doRollover()
            return
