# Sprintboard: `make demo` serves the demo championship, `make test` runs every test.
# Both set themselves up: a virtual environment with Python 3.12+ and requirements.txt.

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# A Python 3.12 or newer: $(PYTHON) if given, else python3.13/python3.12/python3 on PATH,
# else a pyenv-installed one (pyenv's shims only answer when their version is selected).
find_python = \
  for p in $(PYTHON) python3.13 python3.12 python3; do \
    if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
      command -v $$p; exit 0; fi; done; \
  if command -v pyenv >/dev/null 2>&1; then \
    for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$$' | sort -rV); do \
      p=$$(pyenv prefix $$v)/bin/python3; [ -x $$p ] && { echo $$p; exit 0; }; done; fi; \
  exit 1

.PHONY: demo replay test lint format test-postgres test-fast screenshots bench soak clean

$(VENV)/.installed: requirements.txt
	@python=$$($(find_python)) || { echo "Sprintboard needs Python 3.12 or newer: install it (or pyenv install 3.12) or run 'make PYTHON=/path/to/python3.12 ...'." >&2; exit 1; }; \
	echo "Using $$python ($$($$python --version))"; \
	[ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# The demo's own key: production settings refuse to start without SECRET_KEY, and `make replay`
# must sign with the same one (lint's makemigrations check needs one too). `check --deploy` flags it (django-insecure-): never deploy with it.
DEMO_SECRET_KEY := django-insecure-sprintboard-demo-only
demo replay lint: export SECRET_KEY ?= $(DEMO_SECRET_KEY)

demo: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo
	$(PY) -m daphne -b 127.0.0.1 -p $(PORT) sprintboard.asgi:application

# In a second terminal while `make demo` runs: the final 1000 m skated live, passing by passing,
# from the timing system's recording posted to the feed as a timing system would (docs/timing.md).
PACE ?= 5
replay: $(VENV)/.installed
	T=$$($(PY) manage.py timing_token wk-sprint-2024-women --name "demo $$(date +%s)" | tail -1); \
	$(PY) manage.py replay_timing wk-sprint-2024-women data/wk-sprint-2024-women-1000m-2.jsonl --distance 4 \
		--pace $(PACE) --server http://127.0.0.1:$(PORT) --token $$T

test: lint
	$(PY) -m pytest

# Checked by `make test` (and so CI): ruff's lint and format, the templates, no missing migration.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint --quiet
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The suite against the PostgreSQL in DATABASE_URL (the slow tests run on SQLite in `make test`).
test-postgres: $(VENV)/.installed
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "set DATABASE_URL=postgres://user:password@127.0.0.1:5432/db" >&2; exit 1;; esac
	$(PY) -m pytest -m "not slow or postgres"

# The README's pictures, every case of the screens matrix (screenshots/) and the desk's pages
# (what-if, skater card: docs/screenshots/), taken by Chromium.
screenshots: $(VENV)/.installed
	SPRINTBOARD_SCREENSHOTS=1 $(PY) -m pytest tests/test_browser_layouts.py tests/test_what_if.py tests/test_skater_card.py -q

# Everything but the slow browser and multi-process tests.
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"

# Live standings fan-out, save-to-render and memory (bench/run.py): about 2.5 minutes, on 127.0.0.1.
# `make bench BENCH_ARGS=--quick` takes about one; `BENCH_ARGS=--help` lists the options.
bench: $(VENV)/.installed
	$(PY) bench/run.py $(BENCH_ARGS)

# A soak (bench/soak.py): 1000 spectators for 5 minutes, a save every 3 s, a tenth of them
# reconnecting each round; fails unless all end on the latest revision, the server log is clean
# and its memory flat. `make soak SOAK_ARGS=--redis` on Redis; `SOAK_ARGS=--help` for the options.
soak: $(VENV)/.installed
	$(PY) bench/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3
