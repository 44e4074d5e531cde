# Two commands for a newcomer: `make run` and `make test`. Each makes .venv itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench schema cluster clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[server,dev]"
	touch $(STAMP)

# `make run`: demo data into $(DATA_DIR) (SQLite), the sync server on 127.0.0.1:$(PORT) and the
# field app (web, offline) on 127.0.0.1:$(APP_PORT); prints both addresses and a link per demo user.
PORT ?= 8080
APP_PORT ?= 8550
DATA_DIR ?= ./var

run: $(STAMP)
	@PORT=$(PORT) APP_PORT=$(APP_PORT) DATA_DIR=$(DATA_DIR) $(BIN)/python tools/run_product.py

test: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/python -m audit_app.checklist_files --write-schema

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

# `make cluster`: PostgreSQL + SeaweedFS (S3) + 2 server nodes behind HAProxy, all on 127.0.0.1
# (docs/scaling.md). Needs apt's postgresql and haproxy.
cluster: $(STAMP)
	$(BIN)/python -m tools.cluster --demo

clean:
	rm -rf $(VENV) var
