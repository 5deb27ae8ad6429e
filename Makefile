# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` starts (an address set in the
# environment wins); 0.0.0.0 listens everywhere, so mails name this machine by loopback.
LINK_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
RUN_BASE_URL := PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://$(LINK_HOST):$(PORT)}

.PHONY: run test venv migrate seed lint fmt run-services worker beat bench soak clean help messages \
	compilemessages

help:
	@echo "make run          set up, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test         lint + type check + migrations check + the whole test suite"
	@echo "make run-services like run, with PostgreSQL + Redis + a Celery worker and beat"

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

venv: $(VENV)/.synced

migrate: venv compilemessages
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(RUN_BASE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .

test: venv compilemessages
	$(VENV)/bin/ruff check .
	DEBUG=true $(VENV)/bin/mypy
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m tests.services $(PYTEST_ARGS)

# The catalogs (README.md, Languages). `messages` needs GNU gettext (xgettext, msgmerge)
# and brings every .po up to date with the code, locations by file only (no churn when
# lines move); tests/test_translations.py runs it on a copy and fails when it would change
# a msgid, or when an entry is untranslated or fuzzy.
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=static/vendor \
	--ignore=staticfiles --ignore=media --ignore=tests --ignore=benchmarks
LOCALES := zh_Hans

messages:
	$(PY) manage.py makemessages --domain=django --no-obsolete --add-location=file $(MESSAGES_IGNORE) \
	  $(addprefix --locale=,$(LOCALES))
	$(PY) manage.py makemessages --domain=djangojs --no-obsolete --add-location=file $(MESSAGES_IGNORE) \
	  $(addprefix --locale=,$(LOCALES))

# The .mo files are built, not committed: Babel compiles them (no gettext needed), and
# refuses a catalog with errors.
compilemessages: venv
	$(PY) locale/catalogs.py

# Real services: PostgreSQL and Redis on their default local ports.
SERVICES_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0}

run-services: venv
	$(SERVICES_ENV) $(PY) manage.py migrate --noinput
	$(SERVICES_ENV) $(PY) manage.py seed_demo
	$(SERVICES_ENV) $(RUN_BASE_URL) $(VENV)/bin/celery -A partnercenter worker --beat \
	  --loglevel=INFO & \
	  trap 'kill $$!' EXIT; $(SERVICES_ENV) $(RUN_BASE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(SERVICES_ENV) $(VENV)/bin/celery -A partnercenter worker --loglevel=INFO

beat: venv
	$(SERVICES_ENV) $(VENV)/bin/celery -A partnercenter beat --loglevel=INFO

# The list pages over HTTP (gunicorn) against bare reference views, at 1k, 20k and 100k
# customers, and provisioning speed with a real worker (benchmarks/README.md). With
# DATABASE_URL (PostgreSQL; the databases are its name + _1k, _20k, _100k) and REDIS_URL;
# without DATABASE_URL, a smoke run on a small SQLite file. BENCH_ARGS pass through.
bench: venv
	$(PY) benchmarks/run.py $(if $(DATABASE_URL),,--quick) $(BENCH_ARGS)

# 10 minutes of signed-in users against gunicorn while the Celery worker is SIGKILLed every
# minute (benchmarks/README.md, Soak). DATABASE_URL defaults to a database `soak` of its own;
# SOAK_ARGS="--minutes 2" for a shorter run.
soak: venv
	$(PY) benchmarks/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
