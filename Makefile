# Quartier: `make run` serves the demo, `make test` runs every test. Both install what is
# missing first and are quick the second time.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PYTHON := /usr/bin/python3
APT_PACKAGES := python3-venv gdal-bin libgdal32 libsqlite3-mod-spatialite gettext
APT_TEST_PACKAGES := chromium
MO_FILES := $(patsubst %.po,%.mo,$(wildcard cms/locale/*/LC_MESSAGES/django.po))
DEMO_PASSWORD_FILE := var/demo-password
PYTEST_ARGS ?=


.PHONY: help run test lint format bench system system-test deps \
        messages migrate demo lock clean

help:
	@echo "make run    install what is missing, migrate, load the Berlin demo, serve on 127.0.0.1:$(PORT)"
	@echo "make test   the same set-up, then the whole test suite (browser tests included)"
	@echo "make lint   ruff, Django's system checks and the migration check"
	@echo "make bench  benchmarks, writing a table to tests/benchmarks/results/"

# System packages: installed with apt when we are root, otherwise the exact command is shown.
system:
	@./.ci/ensure-apt $(APT_PACKAGES)

system-test: system
	@./.ci/ensure-apt $(APT_TEST_PACKAGES)
	@command -v npm >/dev/null || ./.ci/ensure-apt nodejs npm

$(VENV)/.installed: requirements.lock | system
	@test -x $(PY) || $(SYSTEM_PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' \
	  || { echo "$(VENV) was not built from Debian's python3 (no SQLite extensions): remove it and retry"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

deps: $(VENV)/.installed messages

$(DEMO_PASSWORD_FILE):
	@mkdir -p var
	@$(SYSTEM_PYTHON) -c 'import secrets; print(secrets.token_urlsafe(12))' > $@

migrate: deps
	$(PY) manage.py migrate --no-input -v 0

demo: migrate $(DEMO_PASSWORD_FILE)
	DEMO_PASSWORD="$${DEMO_PASSWORD:-$$(cat $(DEMO_PASSWORD_FILE))}" $(PY) manage.py load_demo

run: demo
	@echo
	@echo "Quartier runs at http://127.0.0.1:$(PORT)/ (admin: /admin/)"
	@echo "Demo accounts (log in with the e-mail address): editor@quartier.example, moderator@quartier.example, resident@quartier.example; password: $${DEMO_PASSWORD:-$$(cat $(DEMO_PASSWORD_FILE))}"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: deps system-test node_modules/.installed
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

format: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: deps
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) -m pytest tests/benchmarks -p no:xdist -s -q -o python_files='bench_*.py'

# Re-resolve the pinned dependencies from pyproject.toml (after changing it).
lock: system
	rm -rf var/lock-venv && $(SYSTEM_PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --disable-pip-version-check \
	  $$($(SYSTEM_PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(repr(d) for d in p["dependencies"] + p["optional-dependencies"]["test"]))' | tr -d "'")
	var/lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools --exclude wheel > requirements.lock
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) node_modules var/quartier.sqlite3
