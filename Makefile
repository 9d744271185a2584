# Partnership Portal. Two commands do all the set-up on a fresh Debian machine:
#   make run    a working portal with demo data on http://127.0.0.1:8000 (SQLite, eager tasks, console mail)
#   make test   ruff, migrations check and the whole test suite, browser tests included
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench compose-check clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.runtime: $(VENV)/bin/python requirements.txt
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	@scripts/system-packages.sh runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "Partnership Portal: http://$(HOST):$(PORT)/"
	@echo "Demo accounts, all with the password demo1234:"
	@echo "  coordinator@demo.test       partnership coordinator"
	@echo "  head.darnhall@demo.test     headteacher of Darnhall Primary School"
	@echo "  clerk@demo.test             clerk to the committees"
	@echo "  officer@demo.test           LA officer"
	@echo "  teacher.darnhall@demo.test  staff member at Darnhall Primary School"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev
	@scripts/system-packages.sh test
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Seeds (or reuses) the county and national sizes when DATABASE_URL points to PostgreSQL
# (the town size on SQLite otherwise), measures the main pages per role, the optional area
# benchmarks and a bounded load run; prints a table and writes bench/results.json.
bench: $(VENV)/.runtime
	@scripts/system-packages.sh runtime
	@command -v wrk >/dev/null || { [ "$$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || echo "wrk is not installed (apt-get install wrk): the load run will be skipped."
	$(PY) bench/run.py

compose-check: $(VENV)/.dev
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

clean:
	rm -rf $(VENV) staticfiles
