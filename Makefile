# Two commands for a newcomer: `make run` and `make test`. Each makes .venv itself.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[server,dev]"
	touch $(STAMP)

# `make run`: demo data into ./var (SQLite), then the sync server on 127.0.0.1:8080.
HOST ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= ./var

run: $(STAMP)
	@echo "== Field Audit sync server with demo data 演示数据 (SQLite in $(DATA_DIR)) =="
	@echo "The phone UI is not built yet 手机界面尚未完成: this runs the sync server and its API only."
	@echo "+ AUDIT_DATA_DIR=$(DATA_DIR) $(BIN)/audit-server demo"
	@AUDIT_DATA_DIR=$(DATA_DIR) $(BIN)/audit-server demo
	@echo ""
	@echo "API docs 接口文档:  http://$(HOST):$(PORT)/docs"
	@echo "Reports 报表:       http://$(HOST):$(PORT)/api/v1/reports/compliance?group_by=site"
	@echo "  e.g. curl -H 'Authorization: Bearer <demo-manager token>' '<that URL>'"
	@echo "+ AUDIT_DATA_DIR=$(DATA_DIR) $(BIN)/audit-server serve --host $(HOST) --port $(PORT)"
	@AUDIT_DATA_DIR=$(DATA_DIR) $(BIN)/audit-server serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/python -m audit_app.checklist_files --write-schema

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var
