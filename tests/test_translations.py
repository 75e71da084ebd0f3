"""German: every string in the UI code is translated, the .qm is compiled from the .ts, the app loads it, and
no translation loses a placeholder, a mnemonic or an HTML tag. English: a singular and a plural for every
text with a count."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QRadioButton
from pytestqt.qtbot import QtBot

from c2t_wizard.domain.onboarding import Onboarding, StartChoice
from c2t_wizard.ui import application
from c2t_wizard.ui.pages.welcome import WelcomePage

ROOT = Path(__file__).resolve().parent.parent


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "translations.py"
    spec = importlib.util.spec_from_file_location("c2t_translations_script", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


script = _load_script()
LANGUAGE = "de"
TS = script.ts_path(LANGUAGE)
QM = script.qm_path(LANGUAGE)
RERUN = "run `python scripts/translations.py`, translate what it lists, then run it again"


# --- (a) everything in the code is translated --------------------------------------------------------------


def test_every_string_in_the_ui_code_is_translated() -> None:
    """lupdate into a temporary copy of the .ts (the repository is not touched): nothing may be left
    unfinished, and no string of the code may be missing."""
    report = script.check(LANGUAGE)
    assert report.messages > 0
    untranslated = [f"[{m.context}] {m.source}" for m in report.unfinished]
    assert not untranslated, f"{len(untranslated)} untranslated ({RERUN}):\n" + "\n".join(untranslated)


def test_the_ts_file_itself_has_nothing_unfinished() -> None:
    assert script.unfinished(TS) == []


# --- (b) the .qm is compiled from the .ts as it is ---------------------------------------------------------


def test_the_compiled_qm_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / QM.name
    script.lrelease(TS, fresh)
    assert QM.is_file(), f"{QM.relative_to(ROOT)} is missing: {RERUN}"
    assert fresh.read_bytes() == QM.read_bytes(), f"{QM.relative_to(ROOT)} is stale: {RERUN}"


# --- (c) the app shows German -------------------------------------------------------------------------------


@pytest.fixture
def german(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[QTranslator]]:
    """German installed the way the app installs it, and removed again (other tests stay English)."""
    default_locale = QLocale()
    installed = application.install_translations(qapp, LANGUAGE)
    try:
        yield installed
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(default_locale)
        qapp.processEvents()


def test_the_welcome_page_speaks_german(german: list[QTranslator], qtbot: QtBot) -> None:
    assert any(t.filePath() == str(QM) for t in german), [t.filePath() for t in german]
    page = WelcomePage(Onboarding())
    qtbot.addWidget(page)
    assert page.title() == "Willkommen bei Call2Teams"
    demo = page.choice_button(StartChoice.DEMO)
    assert isinstance(demo, QRadioButton)
    assert demo.text() == "&Demo ausprobieren (Sandbox)"
    assert demo.accessibleName() == "Demo ausprobieren (Sandbox)"


def test_english_is_back_after_the_german_test(qtbot: QtBot) -> None:
    page = WelcomePage(Onboarding())
    qtbot.addWidget(page)
    assert page.title() == "Welcome to Call2Teams"


def test_the_app_looks_for_translations_where_they_are() -> None:
    assert (application.TRANSLATIONS_DIR / QM.name).is_file()


# --- (d) placeholders, mnemonics and tags survive translation -----------------------------------------------

PLACEHOLDER = re.compile(r"%L?\d+|%[nvmp]|\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


def mnemonics(text: str) -> int:
    """How many ``&`` mark a shortcut letter (``&&`` is a literal ampersand, ``&amp;`` an entity)."""
    return ENTITY.sub("", text).replace("&&", "").count("&")


def problems(source: str, translation: str) -> list[str]:
    """What a translation lost or added, compared with its source."""
    found = []
    if not translation.strip():
        return ["empty"]
    if set(PLACEHOLDER.findall(translation)) != set(PLACEHOLDER.findall(source)):
        found.append(f"placeholders {sorted(set(PLACEHOLDER.findall(translation)))}")
    if Counter(TAG.findall(translation)) != Counter(TAG.findall(source)):
        found.append(f"tags {TAG.findall(translation)}")
    if mnemonics(source) > 1:
        found.append("the source has more than one mnemonic")
    if mnemonics(translation) != mnemonics(source):
        found.append(f"{mnemonics(translation)} mnemonic(s), the source has {mnemonics(source)}")
    elif mnemonics(translation):
        letter = ENTITY.sub("", translation).replace("&&", "").split("&", 1)[1][:1]
        if not letter.isalnum():
            found.append(f"the mnemonic marks {letter!r}")
    return found


def test_translations_keep_placeholders_mnemonics_and_tags() -> None:
    bad = [
        f"[{message.context}] {message.source!r} -> {translation!r}: {', '.join(found)}"
        for message in script.read_ts(TS)
        for translation in message.translations
        if (found := problems(message.source, translation))
    ]
    assert not bad, "\n".join(bad)


def test_the_checker_catches_what_it_should() -> None:
    assert problems("Use {domain}", "{domain} verwenden") == []
    assert problems("Use {domain}", "{Domain} verwenden")
    assert problems("%n file(s)", "Dateien")
    assert problems("%v of %m", "%v von %m") == []
    assert problems("&Next", "Weiter")
    assert problems("&Next", "&We&iter")
    assert problems("Next", "&Weiter")
    assert problems("&Next", "Weiter &") == ["the mnemonic marks ''"]
    assert problems("paste <b>{name}</b>", "<b>{name}</b> einfügen") == []
    assert problems("paste <b>{name}</b>", "{name} einfügen")
    assert problems("Fish && chips", "Fisch && Pommes") == []
    assert problems("Anything", " ") == ["empty"]


def test_the_mnemonic_counter() -> None:
    assert mnemonics("&Next") == 1
    assert mnemonics("Fish && chips") == 0
    assert mnemonics("Tom &amp; Jerry &Go") == 1
    assert mnemonics("Plain") == 0


# --- English's plural forms -------------------------------------------------------------------------------


def test_english_has_a_singular_and_a_plural_for_every_count() -> None:
    """The code's texts are English; only those with a count need a catalog: "1 person", "2 people"."""
    report = script.check("en")
    assert report.messages > 0
    assert report.unfinished == [], [m.source for m in report.unfinished]
    assert report.qm_current, RERUN
    for message in script.read_ts(script.ts_path("en")):
        assert message.numerus, message.source
        assert len(message.translations) == 2, message.source
        for form in message.translations:
            assert "(s)" not in form, form
            assert "(ies)" not in form, form
            assert "%n" in form or "%n" not in message.source or "selected" in form, form


@pytest.mark.parametrize("language", ["en", "C"])
def test_english_counts_people_as_people(qtbot: QtBot, language: str) -> None:
    """In English, and on a system whose locale names no language at all (C), a count reads naturally."""
    from PySide6.QtCore import QCoreApplication

    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    default_locale = QLocale()
    installed = application.install_translations(qapp, language)
    try:
        words = "All %n person(s) are onboarded."
        assert QCoreApplication.translate("SummaryPage", words, "", 1) == "The 1 person is onboarded."
        assert QCoreApplication.translate("SummaryPage", words, "", 3) == "All 3 people are onboarded."
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(default_locale)
