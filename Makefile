# The two set-up commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint demo schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy reconciler

# Four workers: about half of the end-to-end tests' time is spent waiting on real limits
# (5 requests a second, latency, signals), so two workers a core overlap those waits with
# work. Bytecode is written even where PYTHONDONTWRITEBYTECODE is set, so that the commands
# the tests start as processes do not compile the package again each time.
test: lint
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n 4 --dist worksteal --cov --cov-report=term

schema: install
	$(BIN)/acr schema --write

demo: install
	bash examples/demo.sh

clean:
	rm -rf $(VENV) .acr .pytest_cache .mypy_cache .ruff_cache .coverage
