# Every target does its own setup: a fresh clone needs only Python >= 3.11.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_DB := build/demo.db

.PHONY: demo test test-slow bench lint snapshot openapi clean

# The venv is rebuilt only when the project's dependencies change.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	@$(BIN)/python examples/make_demo_db.py $(DEMO_DB)
	@echo
	@echo '$$ driftcheck plan --db $(DEMO_DB) --migrations examples/migrations'
	@# Exit 1 means "drift found", which is the point of the demo; 2 would be a failure.
	@$(BIN)/driftcheck plan --db $(DEMO_DB) --migrations examples/migrations; \
	  code=$$?; test $$code -le 1

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q

test-slow: $(BIN)/.installed
	$(BIN)/python -m pytest -q -m slow

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py

lint: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src
	$(BIN)/mypy src

snapshot: $(BIN)/.installed
	$(BIN)/driftcheck snapshot --migrations examples/migrations --out expected_schemas

# docs/openapi.json: the service's OpenAPI document (a test fails when it is stale).
openapi: $(BIN)/.installed
	$(BIN)/python -m driftcheck.serve.openapi

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
