# Effekt – the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
PYTEST_ARGS ?= -n 2
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/effekt
export DJANGO_SETTINGS_MODULE ?= effekt.settings.demo

.PHONY: demo install install-dev system-packages messages test test-postgres lint ci clean

$(PY):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv==0.13.9

install: $(PY)  ## the application's pinned dependencies
	$(UV) pip install -q --python $(PY) -r requirements/base.txt

install-dev: $(PY) system-packages  ## plus what the tests need
	$(UV) pip install -q --python $(PY) -r requirements/dev.txt
	npm ci --silent --no-audit --no-fund

system-packages:  ## Debian's chromium (browser tests), poppler and gettext, when run as root
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (Debian packages)"; exit 1; fi; \
	fi

messages: $(PY)  ## compile the Swedish catalogue
	cd effekt && ../$(PY) ../manage.py compilemessages -v0

demo: install messages  ## install, create the SQLite database, load the demo municipality and serve it
	@mkdir -p var
	$(PY) manage.py migrate -v0
	$(PY) manage.py load_demo
	@echo "Effekt is running at http://127.0.0.1:$(PORT)/ – stop it with Ctrl+C."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=effekt.settings.test $(PY) manage.py makemigrations --check --dry-run -v0

test: install-dev messages lint  ## the whole suite on SQLite (browser tests included)
	DJANGO_SETTINGS_MODULE=effekt.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: install-dev messages  ## the whole suite on PostgreSQL (DATABASE_URL or POSTGRES_URL)
	DATABASE_URL=$${DATABASE_URL:-$(POSTGRES_URL)} DJANGO_SETTINGS_MODULE=effekt.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
