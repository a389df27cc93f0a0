# audit-analysis — `make help` lists the targets. Each one is a task of tasks.py, which needs
# nothing but Python (the route on Windows and macOS without make: `python tasks.py test`).
PYTHON ?= python3
AUDIT ?= bromley-2016-neglect
RUN_FLAGS ?=
TASKS := $(PYTHON) tasks.py

.DEFAULT_GOAL := help
.PHONY: help install report test lab lint format clean-outputs

help: ## Show this help
	@$(PYTHON) -c "import re; [print(f'  make {m[0]:<14} {m[1]}') for m in re.findall(r'^([a-z-]+):.*## (.*)', open('Makefile').read(), re.M)]"

install: ## Create .venv and install the package (the runtime; `make test` adds the test tools)
	$(TASKS) install

report: ## Build the final board paper of AUDIT (default: the reference audit; RUN_FLAGS=--draft)
	$(TASKS) report $(AUDIT) $(RUN_FLAGS)

test: ## Run the whole test suite (unit, notebooks end to end, browser and PDF)
	$(TASKS) test

lab: ## Open the project in JupyterLab, at the notebooks
	$(TASKS) lab

lint: ## Check style with ruff
	$(TASKS) lint

format: ## Format the code with ruff
	$(TASKS) format

clean-outputs: ## Delete generated data/processed and outputs (raw data is never touched)
	$(TASKS) clean-outputs
