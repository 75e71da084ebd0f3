"""Every endpoint and path can be overridden, so tests never touch a real profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from c2t_wizard import __version__
from c2t_wizard.app import NO_ARGUMENTS, build_parser, make_config, parse_args
from c2t_wizard.config import DEFAULT_CLIENT_ID, MICROSOFT_LOGIN, Config, Endpoints


def test_defaults_are_microsoft() -> None:
    config = Config.from_env({"C2T_HOME": "/tmp/x"})
    assert config.endpoints.login == MICROSOFT_LOGIN
    assert config.endpoints.graph == "https://graph.microsoft.com/v1.0"
    assert config.endpoints.ca_cert is None
    assert config.client_id == DEFAULT_CLIENT_ID
    assert not config.sandbox


def test_environment_overrides_everything(tmp_path: Path) -> None:
    env = {
        "C2T_SETTINGS_DIR": str(tmp_path / "s"),
        "C2T_DATA_DIR": str(tmp_path / "d"),
        "C2T_LOG_DIR": str(tmp_path / "l"),
        "C2T_CACHE_DIR": str(tmp_path / "c"),
        "C2T_LOGIN_URL": "https://login.example/",
        "C2T_GRAPH_URL": "https://graph.example/v1.0/",
        "C2T_SIGNUP_URL": "https://signup.example/start",
        "C2T_CA_CERT": str(tmp_path / "ca.pem"),
        "C2T_CLIENT_ID": "my-app",
        "C2T_LANG": "de",
        "C2T_LOG_LEVEL": "debug",
    }
    config = Config.from_env(env)
    assert config.paths.settings_dir == tmp_path / "s"
    assert config.paths.data_dir == tmp_path / "d"
    assert config.paths.log_dir == tmp_path / "l"
    assert config.paths.cache_dir == tmp_path / "c"
    assert config.endpoints == Endpoints(
        login="https://login.example",
        graph="https://graph.example/v1.0",
        signup="https://signup.example/start",
        ca_cert=tmp_path / "ca.pem",
    )
    assert config.client_id == "my-app"
    assert config.language == "de"
    assert config.log_level == "DEBUG"


def test_home_puts_every_path_under_one_directory(tmp_path: Path) -> None:
    paths = Config.from_env({"C2T_HOME": str(tmp_path)}).paths
    for path in (paths.settings_dir, paths.data_dir, paths.log_dir, paths.cache_dir):
        assert tmp_path in path.parents


def test_command_line_wins_over_environment(tmp_path: Path) -> None:
    args = parse_args(["--sandbox", "--lang", "en", "--log-level", "warning", "--state", str(tmp_path)])
    config = make_config(args, {"C2T_HOME": str(tmp_path), "C2T_LANG": "de"})
    assert config.sandbox
    assert config.language == "en"
    assert config.log_level == "WARNING"
    assert config.sandbox_state == tmp_path


def test_a_start_without_arguments_gets_the_parsers_defaults_without_building_it() -> None:
    assert build_parser().parse_args([]) == NO_ARGUMENTS
    args = parse_args([])
    assert args == NO_ARGUMENTS
    args.sandbox = True  # a copy: the defaults themselves stay as they are
    assert not NO_ARGUMENTS.sandbox


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_sandbox_line_gives_endpoints() -> None:
    endpoints = Endpoints.from_sandbox_line(
        {
            "base": "http://127.0.0.1:1",
            "login": "https://127.0.0.1:2/",
            "graph": "https://127.0.0.1:2/v1.0",
            "signup": "http://127.0.0.1:1/signup",
            "ca_cert": "/state/ca.pem",
        }
    )
    assert endpoints.login == "https://127.0.0.1:2"
    assert endpoints.ca_cert == Path("/state/ca.pem")


def test_client_id_from_settings_file_environment_and_command_line(tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.json").write_text('{"client_id": "from-settings"}', encoding="utf-8")
    env = {"C2T_HOME": str(tmp_path)}
    assert Config.from_env(env).client_id == "from-settings"
    assert Config.from_env({**env, "C2T_CLIENT_ID": "from-env"}).client_id == "from-env"
    args = parse_args(["--client-id", "from-cli"])
    assert make_config(args, {**env, "C2T_CLIENT_ID": "from-env"}).client_id == "from-cli"


@pytest.mark.parametrize(
    "content", [b"{not json", b'["client_id"]', b'{"client_id": "caf\xe9"}'], ids=["json", "list", "latin-1"]
)
def test_a_broken_settings_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "settings.json").write_bytes(content)
    assert Config.from_env({"C2T_HOME": str(tmp_path)}).client_id == DEFAULT_CLIENT_ID


def test_an_unknown_log_level_in_the_environment_falls_back_to_info(tmp_path: Path) -> None:
    home = {"C2T_HOME": str(tmp_path)}
    assert Config.from_env({**home, "C2T_LOG_LEVEL": "loud"}).log_level == "INFO"
    assert Config.from_env({**home, "C2T_LOG_LEVEL": " warning "}).log_level == "WARNING"


def test_a_company_certificate_alone_is_not_sandbox_mode(tmp_path: Path) -> None:
    endpoints = Config.from_env(
        {"C2T_HOME": str(tmp_path), "C2T_CA_CERT": str(tmp_path / "proxy.pem")}
    ).endpoints
    assert endpoints.ca_cert == tmp_path / "proxy.pem"
    assert not endpoints.sandbox
    assert Endpoints.from_sandbox_line(
        {"login": "https://x", "graph": "https://x/v1.0", "signup": "s"}
    ).sandbox
