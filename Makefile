# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs and no more:
# the demo kpidesk itself and the fonts of its PDF report; the tests also the test tools, PySpark, Java, Chromium
# and Poppler.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: vendor demo test check bench bench-import bench-staffing bench-roster bench-startup bench-import-scale bench-overview bench-web bench-scale docs install install-dev system-deps clean

$(STAMPS)/venv:
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@touch $@

# kpidesk and what it needs to run: what the demo, the docs and the benchmarks use.
$(STAMPS)/base: pyproject.toml $(STAMPS)/venv
	$(BIN)/pip install --quiet -e .
	@touch $@

# The test and lint tools, PySpark for the parity test and pyworkforce for the roster comparison.
$(STAMPS)/dev: pyproject.toml $(STAMPS)/base
	$(BIN)/pip install --quiet -e ".[spark,dev]"
	@touch $@

install: $(STAMPS)/base

install-dev: $(STAMPS)/dev

# The reports' PDFs: WeasyPrint lays text out with Pango, and Hebrew and Arabic need the Noto fonts (the charts
# drawn as images use the same fonts). The demo writes a PDF report, so it installs these too.
$(STAMPS)/pdf:
	@mkdir -p $(STAMPS)
	@if ! dpkg -s fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1; then \
		echo "Installing Pango and the Noto fonts for PDF reports in Hebrew, Arabic and English"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0; \
	fi
	@touch $@

# Java runs Spark local mode for the parity test; Debian's Chromium, driven by Playwright, runs the browser
# tests of the web app; Poppler (pdftotext, pdftoppm) reads the reports' PDFs back in the tests.
$(STAMPS)/system: $(STAMPS)/pdf
	@mkdir -p $(STAMPS)
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing Java 17 for Spark local mode"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; \
	fi
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
		echo "Installing Chromium and Poppler for the browser and PDF tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium poppler-utils; \
	fi
	@touch $@

system-deps: $(STAMPS)/system

demo: install $(STAMPS)/pdf
	$(BIN)/kpidesk demo

test: install-dev system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider

check: install-dev
	$(BIN)/ruff check kpidesk tests bench
	$(BIN)/ruff format --check kpidesk tests bench
	$(BIN)/mypy kpidesk

docs: install
	$(BIN)/kpidesk metrics --as markdown --output docs/metrics.md
	$(BIN)/kpidesk formats --as markdown --output docs/importers.md
	$(BIN)/python -m kpidesk.cli._reference > docs/cli.md
	$(BIN)/python -m kpidesk.targets._docs docs/targets.md

# The JavaScript the web app ships, refreshed from npm at the versions pinned in kpidesk/web/static/vendor/vendor.json.
vendor: install
	$(BIN)/python -m kpidesk.web._vendor

bench: install
	$(BIN)/python bench/bench_ticket_kpis.py

bench-import: install
	$(BIN)/python bench/bench_import_exports.py --write-doc

bench-import-scale: install
	$(BIN)/python bench/bench_import_scale.py --tickets 1000000 --write-doc

bench-staffing: install
	$(BIN)/python bench/bench_staffing.py --write-doc

# A month's roster for 100 agents beside pyworkforce's shift scheduler, a dev extra as in the tests.
bench-roster: install-dev
	$(BIN)/python bench/bench_roster.py --write-doc

bench-startup: install
	$(BIN)/python bench/bench_startup.py --write-doc

bench-overview: install
	$(BIN)/python bench/bench_overview.py --tickets 1000000 --write-doc

bench-web: install
	$(BIN)/python bench/bench_web.py --tickets 1000000 --write-doc

# DuckDB, Spark local and a two-worker loopback cluster at 10M tickets: PySpark and Java, as the tests.
bench-scale: install-dev system-deps
	$(BIN)/python bench/bench_scale.py --tickets 10000000 --write-doc

clean:
	rm -rf $(VENV) $(STAMPS) kpidesk-demo
