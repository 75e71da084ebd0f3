# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
else
BIN := $(VENV)/bin
endif
STAMP := $(VENV)/.installed

N ?= 10
LOAD ?= 0
LOADED_RUNS ?= $(N)

.PHONY: demo test test-repeat lint typecheck contracts pytest screenshots translations bench bench-portal clean \
	bundle freeze smoke tarball icons bench-bundle linux-metadata-check installer-windows app-macos dmg-macos \
	sign-windows sign-macos notarize-macos

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/c2t-wizard --sandbox

test: lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The whole pytest suite N times in a row, with LOAD busy-looping processes during the first LOADED_RUNS
# runs; prints the pass count (a flaky test shows up here). E.g. make test-repeat N=10 LOAD=2 LOADED_RUNS=5
test-repeat: $(STAMP)
	$(BIN)/python scripts/repeat_tests.py -n $(N) --load $(LOAD) --loaded-runs $(LOADED_RUNS)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots

translations: $(STAMP)
	$(BIN)/python scripts/translations.py

# Every performance figure against its baseline measured in the same run: one table, written to
# benchmarks/latest.json (~10 min on 2 cores, after `make bundle` for the bundle rows, ~1 min more). QUICK=1: one
# round of smaller sizes (~3 min; not for the README).
QUICK ?=
bench: $(STAMP) bundle
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py $(if $(QUICK),--quick --out benchmarks/quick.json)

# 500 portal invitations at 150 ms latency: 8 in flight against one at a time (budget >= 6x).
bench-portal: $(STAMP)
	$(BIN)/python benchmarks/portal_invites.py --repeat 3

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache

# --- Packaging (packaging/README.md). Not part of `make test`: a freeze takes minutes. -------------------------
# The release workflow (.github/workflows/release.yml) calls these same targets on Linux, Windows and macOS.
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' c2t_wizard/__init__.py)
FREEZE_STAMP := $(VENV)/.freeze-installed
DIST := dist
APP_DIR := $(DIST)/c2t-wizard
ifeq ($(OS),Windows_NT)
PLATFORM := windows
# The console twin of the windowed c2t-wizard.exe (same code and folder): its output reaches the smoke test.
FROZEN := $(APP_DIR)/c2t-wizard-cli.exe
else ifeq ($(shell uname -s),Darwin)
PLATFORM := macos
FROZEN := $(DIST)/C2T Wizard.app/Contents/MacOS/c2t-wizard
else
PLATFORM := linux
FROZEN := $(APP_DIR)/c2t-wizard
endif
ARCH := $(shell uname -m)
TARBALL := $(DIST)/c2t-wizard-$(VERSION)-$(PLATFORM)-$(ARCH).tar.gz
# The application icon (an SVG); until one exists the build says so and uses PyInstaller's default icon.
ICON ?= c2t_wizard/resources/icon.svg
ICON_DIR := build/icons
# The smoke test of the frozen app, run by `make bundle` (a failure fails the build): its --self-test, then
# a first paint of the window offscreen.
SMOKE_TEST = $(BIN)/python packaging/smoke.py "$(FROZEN)"

$(FREEZE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,freeze]'
	touch $(FREEZE_STAMP)

# Freeze, trim, smoke-test the frozen app; on Linux also the tarball.
bundle: freeze smoke $(if $(filter linux,$(PLATFORM)),tarball)

icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/icons.py "$(ICON)" $(ICON_DIR)

freeze: $(FREEZE_STAMP) icons
	rm -rf $(APP_DIR) "$(DIST)/C2T Wizard.app"
	C2T_ICON_DIR=$(ICON_DIR) $(BIN)/pyinstaller --noconfirm --log-level WARN --workpath build/pyinstaller \
		--distpath $(DIST) packaging/c2t-wizard.spec
	$(BIN)/python packaging/postbuild.py trim $(APP_DIR) --max-mb 150
# Linux: what install.sh (in the tarball) needs: the menu entry, the AppStream metadata, the icons if any.
ifeq ($(PLATFORM),linux)
	mkdir -p $(APP_DIR)/share
	cp packaging/linux/com.call2teams.C2TWizard.desktop packaging/linux/com.call2teams.C2TWizard.metainfo.xml \
		$(APP_DIR)/share/
	cp packaging/linux/install.sh $(APP_DIR)/
	if [ -d $(ICON_DIR)/hicolor ]; then mkdir -p $(APP_DIR)/share/icons && cp -r $(ICON_DIR)/hicolor $(APP_DIR)/share/icons/; fi
endif

smoke: $(STAMP)
	$(SMOKE_TEST)

tarball: $(STAMP)
	$(BIN)/python packaging/postbuild.py tarball $(APP_DIR) $(TARBALL) --max-mb 70

# Frozen against unfrozen time to first paint (offscreen), after `make bundle`.
bench-bundle: $(STAMP)
	$(BIN)/python benchmarks/startup.py --runs 5 --frozen "$(FROZEN)"

linux-metadata-check:
	desktop-file-validate packaging/linux/com.call2teams.C2TWizard.desktop
	appstreamcli validate --no-net packaging/linux/com.call2teams.C2TWizard.metainfo.xml

# Windows: per-user installer (Inno Setup 6's iscc on PATH; the script finds dist/ and build/icons itself),
# signed when SIGN_CERT (a base64 .pfx) is given.
installer-windows:
	iscc //DAppVersion=$(VERSION) packaging/windows/c2t-wizard.iss
	$(MAKE) sign-windows SIGN_FILES="$(DIST)/c2t-wizard-$(VERSION)-setup.exe"

sign-windows:
	@if [ -n "$(SIGN_CERT)" ]; then bash packaging/windows/sign.sh $(SIGN_FILES); \
	else echo "sign-windows: no SIGN_CERT: left unsigned"; fi

# macOS: the .app is made by `make freeze` (the spec's BUNDLE); sign it, pack the DMG, notarise the DMG.
sign-macos:
	bash packaging/macos/sign.sh "$(DIST)/C2T Wizard.app"

dmg-macos:
	bash packaging/macos/dmg.sh "$(DIST)/C2T Wizard.app" "$(DIST)/c2t-wizard-$(VERSION)-macos-$(ARCH).dmg"

notarize-macos:
	bash packaging/macos/notarize.sh "$(DIST)/c2t-wizard-$(VERSION)-macos-$(ARCH).dmg"
