"""Update the translations (German, and English's plural forms) from the UI code, and compile them.

    python scripts/translations.py          # lupdate into resources/translations/*.ts, then lrelease
    python scripts/translations.py --check  # change nothing; exit 1 if untranslated strings or a stale .qm

lupdate reads every ``.py`` file under ``c2t_wizard/ui`` (and ``c2t_wizard/sheet_pdf.py``, the welcome
sheet's renderer shared with the headless command) and merges what it finds into the ``.ts`` file:
existing translations are kept, new strings arrive unfinished, strings gone from the code are dropped (a
string that only moved to another class gets its old translation back as a suggestion, still unfinished).
Translate the unfinished ones, in Qt Linguist
(``.venv/bin/pyside6-linguist resources/translations/c2t_wizard_de.ts``) or in the XML, mark them finished,
and run the script again: it compiles ``c2t_wizard_de.qm`` beside the .ts.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "c2t_wizard" / "ui"
SHARED_QT = (ROOT / "c2t_wizard" / "sheet_pdf.py",)
"""Qt code outside ``ui`` whose strings the window shows (translated there)."""
TRANSLATIONS_DIR = ROOT / "resources" / "translations"
LANGUAGES = ("de", "en")
PLURALS_ONLY = ("en",)
"""English needs a catalog only for ``%n`` messages: their singular and plural forms ("1 person",
"2 people"); every other English text is the source itself."""


def ts_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"c2t_wizard_{language}.ts"


def qm_path(language: str) -> Path:
    """The compiled file ships inside the package (package data), where the app loads it from."""
    return ROOT / "c2t_wizard" / "resources" / "translations" / f"c2t_wizard_{language}.qm"


def sources() -> list[Path]:
    """Every Python file of the UI, and the shared Qt code the window uses, in a stable order."""
    return sorted([*UI_DIR.rglob("*.py"), *SHARED_QT])


def tool(name: str) -> str:
    """``pyside6-<name>`` from this interpreter's environment, else from PATH."""
    beside = Path(sys.executable).parent / f"pyside6-{name}"
    if beside.exists():
        return str(beside)
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install the project (pip install -e '.[dev]')")
    return found


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{Path(command[0]).name} failed:\n{result.stdout}{result.stderr}")


def lupdate(ts: Path, language: str) -> None:
    """Merge the strings now in the code into ``ts`` (created if missing)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            tool("lupdate"),
            *(str(path) for path in sources()),
            "-source-language",
            "en",
            "-target-language",
            language,
            "-locations",
            "relative",
            "-no-obsolete",
            *(["-pluralonly"] if language in PLURALS_ONLY else []),
            "-silent",
            "-ts",
            str(ts),
        ]
    )


def lrelease(ts: Path, qm: Path) -> None:
    _run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)])


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    translations: tuple[str, ...]
    """One text, or one per plural form for a ``%n`` message."""
    numerus: bool
    unfinished: bool


def read_ts(ts: Path) -> list[Message]:
    """The messages in use (obsolete and vanished ones are skipped)."""
    messages = []
    # Our own file, from the repository (not untrusted input).
    for context in ET.parse(ts).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            numerus = message.get("numerus") == "yes"
            if translation is None:
                texts: tuple[str, ...] = ("",)
            elif numerus:
                texts = tuple(form.text or "" for form in translation.iter("numerusform"))
            else:
                texts = (translation.text or "",)
            messages.append(
                Message(
                    context=name,
                    source=message.findtext("source", ""),
                    comment=message.findtext("comment", ""),
                    translations=texts,
                    numerus=numerus,
                    unfinished=kind == "unfinished" or not all(texts),
                )
            )
    return messages


def unfinished(ts: Path) -> list[Message]:
    return [message for message in read_ts(ts) if message.unfinished]


@dataclass(frozen=True)
class Report:
    language: str
    messages: int
    unfinished: list[Message]
    qm_current: bool


def check(language: str) -> Report:
    """Without touching the repository: what an update would leave untranslated, and whether the .qm matches
    the .ts."""
    ts, qm = ts_path(language), qm_path(language)
    with tempfile.TemporaryDirectory(prefix="c2t-translations-") as tmp:
        updated = Path(tmp) / ts.name
        if ts.exists():
            shutil.copyfile(ts, updated)
        lupdate(updated, language)
        messages = read_ts(updated)
        current = False
        if ts.exists() and qm.exists():
            compiled = Path(tmp) / qm.name
            lrelease(ts, compiled)
            current = compiled.read_bytes() == qm.read_bytes()
    return Report(language, len(messages), [m for m in messages if m.unfinished], current)


def update(language: str) -> Report:
    ts, qm = ts_path(language), qm_path(language)
    lupdate(ts, language)
    lrelease(ts, qm)
    messages = read_ts(ts)
    return Report(language, len(messages), [m for m in messages if m.unfinished], True)


def _print_report(report: Report, *, checking: bool) -> None:
    ts = ts_path(report.language).relative_to(ROOT)
    print(f"{ts}: {report.messages} strings, {len(report.unfinished)} unfinished or missing")
    for message in report.unfinished:
        source = message.source.replace("\n", "\\n")
        print(f"  [{message.context}] {source[:100]}{'…' if len(source) > 100 else ''}")
    if checking and not report.qm_current:
        print(
            f"  {qm_path(report.language).relative_to(ROOT)} is missing or older than the .ts: run {_self()}"
        )


def _self() -> str:
    return f"python {Path(__file__).resolve().relative_to(ROOT)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if any string is unfinished or missing, or a .qm is out of date",
    )
    arguments = parser.parse_args(argv)
    ok = True
    for language in LANGUAGES:
        report = check(language) if arguments.check else update(language)
        _print_report(report, checking=arguments.check)
        ok = ok and not report.unfinished and report.qm_current
    return 0 if ok or not arguments.check else 1


if __name__ == "__main__":
    sys.exit(main())
