# Caseline: `make demo` serves the console with demo data; `make test` runs the whole suite.
# Both set up everything they need first (virtualenv, Python and npm packages, Chromium).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
VENDOR := static/vendor/.stamp
PY_STAMP := $(VENV)/.stamp-deps
# Message catalogues are compiled (.po -> .mo) here, never committed.
# Two domains: messages (Python and templates) and js (the agent UI's JavaScript).
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/*.po))

.PHONY: setup demo serve test test-fast bench lint format chromium clean translations extract screens

setup: $(PY_STAMP) $(VENDOR) translations

translations: $(CATALOGS)

translations/%.mo: translations/%.po | $(PY_STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

# Refresh the catalogues from the code and templates (then translate the new entries).
extract: $(PY_STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k translate:2 -k translate_plural:2,3 \
	  --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations
	$(BIN)/pybabel -q extract -F babel-js.cfg -k t -k tn:1,2 --no-location --sort-output \
	  -o translations/js.pot static/js
	$(BIN)/pybabel -q update -D js -i translations/js.pot -d translations

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Caseline needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Browser libraries come from npm and are copied, never committed, into static/vendor.
$(VENDOR): node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js* static/vendor/
	cp node_modules/@twilio/voice-sdk/dist/twilio.min.js static/vendor/
	cp node_modules/cytoscape/dist/cytoscape.esm.min.mjs static/vendor/
	touch $@

demo: setup
	$(BIN)/caseline demo --host $(HOST) --port $(PORT)

serve: setup
	$(BIN)/caseline serve --host $(HOST) --port $(PORT)

# Debian's Chromium for the Playwright tests (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	  else echo "browser tests need Chromium: sudo apt-get install -y chromium" >&2; fi; }

# PYTEST_ARGS narrows a run (CI's SQLite pass leaves the browser tests to the other pass).
test: setup chromium
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/pytest -m "not e2e and not slow"

# The screenshot set in docs/screens/ (see docs/screens.md): main screens, two sizes, light and dark.
screens: setup chromium
	$(BIN)/python scripts/screens.py

bench: setup
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# ruff's fixes only: the tree is not held to `ruff format`, so it must not rewrite every file.
format: setup
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache
	rm -f translations/*/LC_MESSAGES/*.mo
