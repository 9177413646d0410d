# 新赛道培育库 — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-dev lint format migrate demo messages check clean bench wheelhouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# npm devDependencies (package.json): axe-core for the browser tests' accessibility checks, and ECharts, whose
# dist file is vendored into static/vendor/echarts (`npm run vendor`); nothing is served from node_modules.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev $(if $(wildcard package.json),node_modules/.installed)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py compile_lists --all

## Serve the site with demo data at http://127.0.0.1:$(PORT) (SQLite, no other server needed).
run: demo
	@echo "→ http://127.0.0.1:$(PORT)/   管理后台 http://127.0.0.1:$(PORT)/admin/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole test suite (SQLite by default; set DATABASE_URL=postgres://… for PostgreSQL).
## PYTEST_ARGS narrows it, e.g. PYTEST_ARGS='-m "not browser"' or PYTEST_ARGS=tests/tracks.
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Extract and compile the message catalogues (needs GNU gettext; compiled .mo files are committed).
messages: install
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=node_modules
	$(BIN)/python manage.py makemessages -d djangojs -l en --no-location --ignore=.venv --ignore=staticfiles --ignore=node_modules
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

## The production settings under check --deploy. This checks the code's settings, not a deployment's environment:
## there is no Redis to name here, so the warning that a server without REDIS_URL must see (throttle.W001) is
## silenced for this run only; `manage.py check --deploy` on a real server still shows it (README, Deployment).
check: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		DJANGO_SILENCED_SYSTEM_CHECKS=throttle.W001 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

## Benchmarks at national scale on DATABASE_URL (bench/README.md): fills the data set once, writes
## bench/results/latest.md and latest.json. Needs Debian's wrk (apt-get install wrk) or falls back to locust.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

## Every wheel the project needs (runtime + $(WHEEL_EXTRAS)) in wheelhouse/, for a machine without a package index:
##   pip install --no-index --find-links wheelhouse -e .
## For every Python of requires-python, not only the one building it: deploy/wheelhouse.py adds the dependencies
## behind markers (async-timeout for redis below 3.11.3, Debian 12's 3.11.2) and the compiled wheels of the other
## minor versions, for this machine's platform.
WHEEL_EXTRAS ?= dev
wheelhouse: | $(BIN)/python
	rm -rf wheelhouse && mkdir -p wheelhouse
	$(BIN)/pip wheel --quiet --wheel-dir wheelhouse pip 'setuptools>=69,<81' wheel
	$(BIN)/pip wheel --quiet --wheel-dir wheelhouse '.[$(WHEEL_EXTRAS)]'
	rm -rf build wheelhouse/new_track_registry-*.whl  # the project itself installs from its source tree
	$(BIN)/python deploy/wheelhouse.py wheelhouse $(WHEEL_EXTRAS)
	@ls wheelhouse | wc -l | xargs echo "wheels in wheelhouse/:"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
