# The two commands: `make run` (the portal on the embedded default, with demo data) and `make test`
# (the whole suite on PostgreSQL and Redis). Both work on a fresh machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
MANAGE := $(UV) run --locked python manage.py
export UV_PROJECT_ENVIRONMENT := .venv

# `make run PORT=8080`: the port the portal listens on (127.0.0.1 only).
PORT ?= 8000
SERVE = echo "减负通 on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"; DJANGO_DEBUG=true $(MANAGE) runserver 127.0.0.1:$(PORT)

TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/portal)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: run test install messages migrate demo serve lint makemessages clean

# The demo step prints the logins (each role's username and password) just before the server starts.
run: install messages migrate demo
	@$(SERVE)

# uv is installed from PyPI into .tools/ when the machine has none.
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

install: $(UV)
	$(UV) sync --locked

# .mo files are built, not committed; Babel compiles them without GNU gettext on the machine.
messages: install
	$(UV) run --locked pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true

migrate: install
	$(MANAGE) migrate --no-input

demo: install
	$(MANAGE) load_demo

# The server alone, on data already there: the logins are printed too.
serve: install
	@$(MANAGE) load_demo --logins
	@$(SERVE)

test: install messages
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
		$(UV) run --locked pytest

lint: install
	$(UV) run --locked ruff check .

# Needs GNU gettext (xgettext) on the developer's machine: apt-get install gettext.
makemessages: install
	$(MANAGE) makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore '.tools/*' --no-obsolete

clean:
	rm -rf .venv .tools var/portal.sqlite3 var/staticfiles
