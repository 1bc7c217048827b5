# Học tập Hải quan — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)
CATALOGS := $(wildcard lms_core/translations/*/LC_MESSAGES/messages.po plugins/*/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-core-alone test-browser audit setup system-deps translations extract-messages lint db demo clean

## make run: set everything up, load the demo organisation, serve on http://127.0.0.1:5000
run: setup system-deps
	$(BIN)/lms db upgrade
	$(BIN)/lms demo load --if-empty
	$(BIN)/lms content import content --publish --if-missing
	@# The scheduler (sweeps study sessions, purges counters) runs beside the server and stops with it.
	$(BIN)/lms scheduler run & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/lms run --host $(HOST) --port $(PORT)

## make test: set everything up and run the whole test suite (core alone too)
test: setup system-deps
	$(BIN)/ruff check lms_core plugins tests
	$(BIN)/pytest
	# The core without any plugin: the tests where a plugin's absence shows (routes, navigation,
	# receivers of core signals, demo data, the LRS, translations).
	LMS_PLUGINS=none $(BIN)/pytest -q -p no:cacheprovider tests/core/test_access_matrix.py \
	  tests/core/test_plugins.py tests/core/test_demo.py tests/core/test_delivery.py \
	  tests/core/test_lrs_statements.py tests/core/test_translations.py tests/core/test_player.py

setup: $(STAMP) $(COMPILED)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $@

# Catalogs are compiled in the build, never committed.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ 2>/dev/null || $(BIN)/pybabel compile -i $< -o $@

translations: $(COMPILED)

## After changing UI text: extract it and merge into the catalogs, then translate the new entries.
extract-messages: $(STAMP)
	@for pkg in lms_core plugins/*/; do pkg=$${pkg%/}; \
	  $(BIN)/pybabel extract -F babel.cfg -k _l -o $$pkg/translations/messages.pot --no-location --sort-output --project "Hoc tap Hai quan" $$pkg; \
	  if [ -f $$pkg/translations/vi/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i $$pkg/translations/messages.pot -d $$pkg/translations -l vi --no-fuzzy-matching --ignore-obsolete; \
	  else $(BIN)/pybabel init -i $$pkg/translations/messages.pot -d $$pkg/translations -l vi; fi; \
	done

## The browser journeys alone (headless Chromium against a real server process)
test-browser: setup system-deps
	$(BIN)/pytest tests/browser -m browser

## System packages a real component needs (PostgreSQL for the database tests).
system-deps:
	@bash scripts/system-deps.sh

## Security checks: bandit (also run by the tests) and pip-audit (needs the network)
audit: setup
	$(BIN)/bandit -r lms_core plugins -q -ll
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit

lint: $(STAMP)
	$(BIN)/ruff check lms_core plugins tests

clean:
	rm -rf $(VENV) instance .pytest_cache
