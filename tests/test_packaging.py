"""The packaging files agree with each other and with the app (fast; no freeze: `make bundle` does that).

The frozen executable's name, the app id, the translations and the Makefile targets are each written in
several files (PyInstaller spec, desktop entry, AppStream metadata, Flatpak manifest, Inno Setup script,
release workflow); a rename in one of them would only show on a partner's machine.
"""

from __future__ import annotations

import ast
import configparser
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_rules  # noqa: E402
import icons  # noqa: E402

APP_ID = "com.call2teams.C2TWizard"


def spec_constants() -> dict[str, Any]:
    """The spec's literal top-level constants (it is Python run by PyInstaller, not importable here)."""
    tree = ast.parse((PACKAGING / "c2t-wizard.spec").read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return found


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PACKAGING / "linux" / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*):(?!=)", text, re.MULTILINE))


def test_the_spec_ships_the_translations_where_the_app_loads_them() -> None:
    from c2t_wizard.ui.application import TRANSLATIONS_DIR

    source, destination = spec_constants()["TRANSLATIONS"]
    assert (ROOT / source).resolve() == TRANSLATIONS_DIR
    assert destination == TRANSLATIONS_DIR.relative_to(ROOT).as_posix()
    assert sorted(p.name for p in TRANSLATIONS_DIR.glob("*.qm")) == ["c2t_wizard_de.qm", "c2t_wizard_en.qm"]


def test_every_place_starts_the_executable_by_the_specs_name() -> None:
    name = spec_constants()["NAME"]
    assert spec_constants()["APP_ID"] == APP_ID
    assert desktop_entry()["Exec"].split()[0] == name
    metainfo = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").getroot()  # noqa: S314 (ours)
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("provides/binary") == name
    assert metainfo.findtext("launchable") == f"{APP_ID}.desktop"
    assert desktop_entry()["Icon"] == APP_ID == icons.APP_ID
    flatpak = yaml.safe_load((PACKAGING / "flatpak" / f"{APP_ID}.yml").read_text(encoding="utf-8"))
    assert (flatpak["id"], flatpak["command"], flatpak["base"]) == (APP_ID, name, "io.qt.PySide.BaseApp")
    assert flatpak["runtime-version"] == flatpak["base-version"]
    inno = (PACKAGING / "windows" / "c2t-wizard.iss").read_text(encoding="utf-8")
    assert f'#define AppExe "{name}.exe"' in inno
    assert "PrivilegesRequired=lowest" in inno  # per-user: no administrator needed
    assert f"FROZEN := $(APP_DIR)/{name}" in (ROOT / "Makefile").read_text(encoding="utf-8")
    install = (PACKAGING / "linux" / "install.sh").read_text(encoding="utf-8")
    assert f"s|^Exec={name}|" in install  # the installed menu entry gets the full path
    assert f'ln -sf "$dest/{name}"' in install


def test_the_release_workflow_calls_only_makefile_targets_that_exist() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    commands = [
        line.strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        for line in str(step.get("run", "")).splitlines()
    ]
    called = {re.split(r"\s+", command)[1] for command in commands if command.startswith("make ")}
    assert {"test", "bundle", "installer-windows", "sign-macos", "dmg-macos", "notarize-macos"} <= called
    assert called <= makefile_targets()
    assert "bundle" not in (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:")[1].split("\n")[0]


def test_the_smoke_test_is_one_makefile_variable() -> None:
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    assert len([line for line in lines if line.startswith("SMOKE_TEST =")]) == 1
    smoke_recipe = lines[lines.index("smoke: $(STAMP)") + 1]
    assert smoke_recipe.strip() == "$(SMOKE_TEST)"


def test_the_bundle_keeps_every_qt_module_the_app_imports() -> None:
    imported = set()
    for path in (ROOT / "c2t_wizard").rglob("*.py"):
        imported |= set(re.findall(r"\bPySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported
    assert imported <= set(bundle_rules.PYSIDE_MODULES)
    for module in imported:
        library = module.removeprefix("Qt")
        assert bundle_rules.keep(f"PySide6/Qt/lib/libQt6{library}.so.6")
        assert bundle_rules.keep(f"PySide6/Qt6{library}.dll")
        assert bundle_rules.keep(f"PySide6/Qt/lib/Qt{library}.framework/Versions/A/Qt{library}")


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt6Qml.dll", False),
        ("PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork", False),
        ("PySide6/Qt/lib/libicudata.so.73", True),
        ("PySide6\\opengl32sw.dll", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/Qt/translations/qtbase_fr.qm", False),
        ("PySide6\\translations\\qtmultimedia_de.qm", False),
        ("c2t_wizard/resources/translations/c2t_wizard_de.qm", True),
    ],
)
def test_bundle_rules(path: str, kept: bool) -> None:
    assert bundle_rules.keep(path) is kept


def test_the_frozen_entry_runs_the_commands_the_app_starts_itself_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The app starts its sandbox (and the demo) as ``sys.executable -m MODULE``; entry.py answers both."""
    from c2t_wizard.services.sandbox_process import SandboxProcess

    started: list[list[str]] = []

    class Recorded:
        def __init__(self, command: list[str], **_: object) -> None:
            started.append(command)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    SandboxProcess(tmp_path / "state", python="frozen").spawn()
    assert started[0][:3] == ["frozen", "-m", "c2t_wizard.sandbox"]

    def entry(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(PACKAGING / "entry.py"), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            cwd=ROOT,
        )
        return done.stdout

    monkeypatch.undo()
    assert "--exit-on-stdin-eof" in entry("-m", "c2t_wizard.sandbox", "--help")
    assert entry("-m", "c2t_wizard", "--version").strip() == entry("--version").strip()
    assert entry("--version").startswith("c2t-wizard ")


def test_the_icon_files_have_the_layout_windows_and_macos_read() -> None:
    pngs = {size: b"\x89PNG" + bytes([size % 256]) * 7 for size in {*icons.ICO, *icons.ICNS.values()}}
    ico = icons.ico(pngs)
    reserved, kind, count = (int.from_bytes(ico[i : i + 2], "little") for i in (0, 2, 4))
    assert (reserved, kind, count) == (0, 1, len(icons.ICO))
    first_offset = int.from_bytes(ico[6 + 12 : 6 + 16], "little")
    assert ico[first_offset : first_offset + 4] == b"\x89PNG"
    icns = icons.icns(pngs)
    assert icns[:4] == b"icns"
    assert int.from_bytes(icns[4:8], "big") == len(icns)
    assert icns[8:12] == b"icp4"


def _service_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "c2t_wizard").rglob("*.py")))


def test_the_bundle_keeps_every_msgraph_module_the_app_imports() -> None:
    imported = set(re.findall(r"\b(msgraph\.generated(?:\.\w+)+)", _service_sources()))
    assert imported
    assert {module for module in imported if not bundle_rules.msgraph_kept(module)} == set()


REQUEST_METHODS = {"get", "patch", "post", "delete", "with_url", "by_user_id"}


def test_the_bundle_keeps_every_graph_request_builder_the_app_reaches() -> None:
    """``client.<tree>`` and ``client.me.<child>`` / ``users.by_user_id(...).<child>``: a new one used by
    the app must be added to bundle_rules, or the frozen app fails with an ImportError there."""
    source = _service_sources()
    trees = set(re.findall(r"(?<![\w.])client\.(\w+)", source)) - {"request_adapter", "get"}
    assert {"users", "me"} <= trees
    through = {"me": "users", "batch": None}  # /me is a user item; $batch is msgraph_core's builder
    for tree in trees:
        target = through.get(tree, tree)
        assert target is None or target in bundle_rules.MSGRAPH_KEPT, f"client.{tree} is not in the bundle"
    children = set(re.findall(r"(?:\bclient\.me|by_user_id\([^)]*\))\.(\w+)", source))
    children -= REQUEST_METHODS
    children = {child for child in children if not child.startswith("to_")}
    assert children, "no child builder found: the pattern no longer matches the app's code"
    assert children <= bundle_rules.MSGRAPH_USER_ITEM_KEPT


def test_msgraph_rules() -> None:
    assert bundle_rules.msgraph_kept("msgraph.graph_service_client")
    assert bundle_rules.msgraph_kept("msgraph.generated.base_graph_service_client")
    assert bundle_rules.msgraph_kept("msgraph.generated.models.user")
    assert bundle_rules.msgraph_kept("msgraph.generated.users.item.user_item_request_builder")
    assert bundle_rules.msgraph_kept("msgraph.generated.users.item.transitive_member_of.x")
    assert not bundle_rules.msgraph_kept("msgraph.generated.users.item.drive.drive_request_builder")
    assert not bundle_rules.msgraph_kept("msgraph.generated.groups.groups_request_builder")
