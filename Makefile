# The documented commands. `make run` and `make test` are the README's first two commands;
# each sets up its own virtual environment, so they work on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test build lint clean

$(BIN)/koko: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/koko

## Build and validate the graph, write every export format to dist/, then serve it at
## http://127.0.0.1:8000/ (pages, linked data, SPARQL) until Ctrl-C.
run: $(BIN)/koko
	$(BIN)/koko build --out dist
	$(BIN)/koko serve --data dist

## Run the whole test suite.
test: $(BIN)/koko
	$(BIN)/python -m pytest

build: run

clean:
	rm -rf dist $(VENV) .pytest_cache
