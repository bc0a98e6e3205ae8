# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup bench clean-venv

$(VENV)/.copydesk-installed: pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh

setup: $(VENV)/.copydesk-installed

# Starts the Slack bot when SLACK_BOT_TOKEN is set, else a terminal chat on the sample catalog.
run: setup
	$(BIN)/python scripts/run.py

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m bench

clean-venv:
	rm -rf $(VENV)
