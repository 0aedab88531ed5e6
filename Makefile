# Two commands on a fresh machine: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo test check bench bench-import bench-staffing docs install system-deps clean

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[spark,dev]"
	@touch $@

install: $(STAMPS)/venv

# Java runs Spark local mode for the parity test.
$(STAMPS)/system:
	@mkdir -p $(STAMPS)
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing Java 17 for Spark local mode"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; \
	fi
	@touch $@

system-deps: $(STAMPS)/system

demo: install
	$(BIN)/kpidesk demo

test: install system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider

check: install
	$(BIN)/ruff check kpidesk tests bench
	$(BIN)/ruff format --check kpidesk tests bench
	$(BIN)/mypy kpidesk

docs: install
	$(BIN)/kpidesk metrics --as markdown --output docs/metrics.md
	$(BIN)/kpidesk formats --as markdown --output docs/importers.md
	$(BIN)/python -m kpidesk.cli._reference > docs/cli.md

bench: install
	$(BIN)/python bench/bench_ticket_kpis.py

bench-import: install
	$(BIN)/python bench/bench_import_exports.py --write-doc

bench-staffing: install
	$(BIN)/python bench/bench_staffing.py --write-doc

clean:
	rm -rf $(VENV) $(STAMPS) kpidesk-demo
