"""Every endpoint and every path the app uses, in one place.

Each value can be overridden by an environment variable (``C2T_*``) so tests and the sandbox never
touch a real profile or a real Microsoft endpoint. Command-line options win over the environment.

The records are ``NamedTuple``s (immutable; ``_replace`` makes a changed copy): they are built before the
first paint, where frozen dataclasses would cost about 1 ms more and the ``dataclasses`` import about 2 ms.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import platformdirs

APP_NAME = "c2t-wizard"
APP_AUTHOR = "Call2Teams"

MICROSOFT_LOGIN = "https://login.microsoftonline.com"
MICROSOFT_GRAPH = "https://graph.microsoft.com/v1.0"
# The sign-up step's page (C2T_SIGNUP_URL overrides it): the "For business page" of Microsoft's "Sign up for
# Microsoft 365 Business Basic" (learn.microsoft.com/microsoft-365/admin/setup/signup-business-basic). There:
# Business Basic, "Buy now" (paid; one licence is enough, and it includes Exchange Online, so the admin can
# send the welcome mails), the business's details, a verification code, then "Create a new account" on
# <domain>.onmicrosoft.com, which creates the work or school account and with it the tenant (its creator
# becomes Global Administrator): the "create a work or school account" flow of Call2Teams' guide. Not chosen:
# Entra's "create a new tenant" (paying customers only, from an existing account) and the Azure free account
# (no Exchange organisation, no documented step to choose the name). docs/microsoft-rules.md §5; README.
MICROSOFT_SIGNUP = "https://go.microsoft.com/fwlink/?linkid=2181424"
# "Microsoft Graph Command Line Tools": a public client every tenant can consent to, so partners need no app
# registration of their own.
DEFAULT_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"


class Endpoints(NamedTuple):
    """Where the app talks to: Microsoft's services, or the embedded sandbox's stand-ins."""

    login: str
    graph: str
    signup: str
    ca_cert: Path | None = None
    """A certificate to trust for ``login`` and ``graph`` (sandbox only); None: the system's trust store."""
    outbox: str | None = None
    """The sandbox's outbox page (sandbox only)."""
    portal: str | None = None
    """The Call2Teams portal API's base URL (``C2T_PORTAL_URL``, or the sandbox portal's); None: not known
    (the portal step is guided unless a settings key names one)."""
    sandbox: bool = False
    """The embedded sandbox, not Microsoft: allows its conveniences (password sign-in for the demo, no proxy).
    A ``ca_cert`` alone (a company's TLS-inspecting proxy, say) changes nothing else."""

    @classmethod
    def microsoft(cls, env: Mapping[str, str]) -> Endpoints:
        ca = env.get("C2T_CA_CERT")
        return cls(
            login=env.get("C2T_LOGIN_URL", MICROSOFT_LOGIN).rstrip("/"),
            graph=env.get("C2T_GRAPH_URL", MICROSOFT_GRAPH).rstrip("/"),
            signup=env.get("C2T_SIGNUP_URL", MICROSOFT_SIGNUP),
            ca_cert=Path(ca) if ca else None,
            portal=env.get("C2T_PORTAL_URL", "").rstrip("/") or None,
        )

    @classmethod
    def from_sandbox_line(cls, info: Mapping[str, object]) -> Endpoints:
        """Build endpoints from the JSON line a sandbox prints when it is ready."""
        ca = info.get("ca_cert")
        outbox = info.get("outbox")
        return cls(
            login=str(info["login"]).rstrip("/"),
            graph=str(info["graph"]).rstrip("/"),
            signup=str(info["signup"]),
            ca_cert=Path(str(ca)) if ca else None,
            outbox=str(outbox) if outbox else None,
            portal=str(info["portal"]).rstrip("/") if info.get("portal") else None,
            sandbox=True,
        )


class Paths(NamedTuple):
    """Where the app keeps its files (platformdirs, each overridable)."""

    settings_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Paths:
        def pick(var: str, default: str) -> Path:
            value = env.get(var)
            return Path(value) if value else Path(default)

        home = env.get("C2T_HOME")
        if home:
            root = Path(home)
            return cls(
                settings_dir=pick("C2T_SETTINGS_DIR", str(root / "settings")),
                data_dir=pick("C2T_DATA_DIR", str(root / "data")),
                log_dir=pick("C2T_LOG_DIR", str(root / "logs")),
                cache_dir=pick("C2T_CACHE_DIR", str(root / "cache")),
            )
        return cls(
            settings_dir=pick("C2T_SETTINGS_DIR", platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
            data_dir=pick("C2T_DATA_DIR", platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            log_dir=pick("C2T_LOG_DIR", platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
            cache_dir=pick("C2T_CACHE_DIR", platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
        )

    def ensure(self) -> None:
        for path in (self.settings_dir, self.data_dir, self.log_dir, self.cache_dir):
            path.mkdir(parents=True, exist_ok=True)


SETTINGS_FILE_NAME = "settings.json"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(value: str) -> str:
    """A known level name; anything else (a typo in ``C2T_LOG_LEVEL``) means the default, INFO."""
    level = value.strip().upper()
    return level if level in LOG_LEVELS else "INFO"


def _language(value: str) -> str | None:
    """A language the wizard speaks, from the settings file (anything else: the system's)."""
    return value if value in LANGUAGES else None


def read_settings(path: Path) -> dict[str, str]:
    """The user's settings file (``{"client_id": "..."}``); a missing or unreadable file means no settings.

    Only plain, non-secret values live there: never a token or a password.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):  # ValueError: not UTF-8
        return {}
    import json  # only with a settings file: json isn't needed before the first paint otherwise

    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): str(value) for key, value in data.items() if isinstance(value, str) and value}


def write_setting(path: Path, key: str, value: str | None) -> None:
    """Set (or, with None, remove) one plain, non-secret value in the settings file, keeping the others."""
    import json

    settings: dict[str, object] = {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        loaded = {}
    if isinstance(loaded, dict):
        settings = loaded
    if value is None:
        settings.pop(key, None)
    else:
        settings[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)


LANGUAGES = ("en", "de")
"""The languages the wizard speaks (English is the source text)."""


class Config(NamedTuple):
    """The whole configuration of one run of the app."""

    paths: Paths
    endpoints: Endpoints
    sandbox: bool = False
    sandbox_state: Path | None = None
    sandbox_faults: str = ""
    client_id: str = DEFAULT_CLIENT_ID
    language: str | None = None
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Defaults, then the settings file, then the environment (the command line comes last, in app.py)."""
        env = os.environ if env is None else env
        paths = Paths.from_env(env)
        settings = read_settings(paths.settings_dir / SETTINGS_FILE_NAME)
        state = env.get("C2T_SANDBOX_STATE")
        return cls(
            paths=paths,
            endpoints=Endpoints.microsoft(env),
            sandbox=env.get("C2T_SANDBOX", "") not in ("", "0", "false", "no"),
            sandbox_state=Path(state) if state else None,
            sandbox_faults=env.get("C2T_SANDBOX_FAULTS", ""),
            client_id=env.get("C2T_CLIENT_ID") or settings.get("client_id") or DEFAULT_CLIENT_ID,
            language=env.get("C2T_LANG") or _language(settings.get("language", "")),
            log_level=_log_level(env.get("C2T_LOG_LEVEL", "INFO")),
        )

    def fresh_sandbox_state(self) -> Path:
        """A new, empty sandbox state directory under the data directory."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return self.paths.data_dir / "sandbox" / f"{stamp}-{os.getpid()}"

    def with_endpoints(self, endpoints: Endpoints) -> Config:
        return self._replace(endpoints=endpoints)
