# audit-analysis — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AUDIT ?= bromley-2016-neglect
RUN_FLAGS ?= --final

.DEFAULT_GOAL := help
.PHONY: help install report test lab lint format clean-outputs

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the package with its test tools

report: $(STAMP) ## Build the board paper of AUDIT (default: the reference audit; RUN_FLAGS=--final)
	$(BIN)/audit-analysis run $(AUDIT) $(RUN_FLAGS)

test: $(STAMP) ## Run the whole test suite (unit, notebooks end to end, browser and PDF)
	$(BIN)/python -m pytest -n auto --dist loadfile

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check audit_analysis tests
	$(BIN)/ruff format --check audit_analysis tests

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format audit_analysis tests

clean-outputs: ## Delete generated data/processed and outputs (raw data is never touched)
	find data/processed outputs -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
