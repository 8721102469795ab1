# riskreg: `make run` serves the app with the demo register; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 5000
BIN := .venv/bin
FLASK := $(BIN)/flask --app riskreg
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: run test install assets secret-key bench lint format clean

run: install assets secret-key
	$(FLASK) db upgrade
	$(FLASK) demo setup
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install assets
	scripts/test

bench: install assets
	$(BIN)/python bench/bench.py

install: .venv/.installed

.venv/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv .venv
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@

assets: static/.built

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# GOV.UK Frontend compiled without the GOV.UK font; no GOV.UK images are copied (no crown).
# Built beside and swapped in whole, so a running app never serves a half-built folder.
static/.built: node_modules/.package-lock.json $(wildcard assets/*)
	rm -rf static.new && mkdir -p static.new/riskreg
	npx sass --quiet --no-source-map --style=compressed assets/app.scss static.new/riskreg/app.css
	cp $(GOVUK)/govuk-frontend.min.js assets/app.js assets/print.css assets/favicon.svg \
	  static.new/riskreg/
	touch static.new/.built
	rm -rf static && mv static.new static

# A random secret key, once: sessions survive restarts, and no default key is ever used.
secret-key:
	@mkdir -p instance
	@grep -qs '^SECRET_KEY' instance/config.py || $(BIN)/python -c \
	  'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' >> instance/config.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf .venv node_modules static .pytest_cache .ruff_cache
