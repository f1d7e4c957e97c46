# The documented commands. `make run` and `make test` are the README's first two commands;
# each sets up its own virtual environment, so they work on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run build test lint wheel clean

$(BIN)/koko: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/koko

## Build and validate the graph, write every export format to dist/, then serve it at
## http://127.0.0.1:8000/ (pages, linked data, SPARQL) until Ctrl-C.
run: build
	$(BIN)/koko serve --data dist

## Build and validate the graph and write every export format to dist/; nothing is served.
build: $(BIN)/koko
	$(BIN)/koko build --out dist

## Run the whole test suite, one test module per process on every core (pytest-xdist; TEST_PROCESSES=0
## runs it in this process alone). Where the time goes: docs/testing.md.
TEST_PROCESSES ?= auto
test: $(BIN)/koko
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile

## ruff (rules in pyproject.toml) and mypy, strict on src/.
lint: $(BIN)/koko
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## The wheel and sdist in dist-packages/ (pipx install . builds the same wheel).
wheel: $(BIN)/koko
	$(BIN)/python -m build --outdir dist-packages .

clean:
	rm -rf dist dist-packages build $(VENV) .pytest_cache .mypy_cache
