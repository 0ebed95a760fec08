# Two commands do all the set-up on a fresh Debian machine with Python 3.11:
#   make run    install, migrate, seed the plan and demo data, serve on 127.0.0.1:5000
#   make test   install with the test extra and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test test-calendar browser axe fonts wrk bench i18n

$(BIN)/ops: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/ops

install: $(BIN)/ops

run: install fonts
	$(BIN)/ops db upgrade
	$(BIN)/ops seed plan
	$(BIN)/ops seed demo
	$(BIN)/ops run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (root only; elsewhere those tests skip unless CI=true).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium not installed: browser tests will skip"

# axe-core (npm) for the accessibility test (tests/a11y), in var/axe (not in git); needs Node's npm.
AXE_VERSION := 4.10.3
axe:
	@grep -qs '"version": "$(AXE_VERSION)"' var/axe/node_modules/axe-core/package.json || \
	  { mkdir -p var/axe && cd var/axe && npm install --no-audit --no-fund --silent axe-core@$(AXE_VERSION); } || \
	  echo "npm not available: the accessibility test will skip (fail under CI)"

# Debian's fonts-nanum: the Korean font embedded in every PDF (OPS_FONT: badges, KPI reports,
# certificates); poppler-utils
# (pdffonts, pdftoppm) for the badge tests. Root only; elsewhere install them yourself.
fonts:
	@{ [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] && command -v pdftoppm >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum poppler-utils >/dev/null; } || \
	  echo "fonts-nanum / poppler-utils not installed: PDFs need the font (see OPS_FONT)"

# One test process per core (pytest-xdist): each has its own PostgreSQL database, Redis prefix and
# demo seed; a file's tests stay in one process, so a module's browser is started once.
TEST_PROCESSES ?= auto
test: install browser axe fonts
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile

# The suite (browser tests aside) at fixed moments, Seoul time: tests/clock.py MOMENTS.
# `make test-calendar MOMENTS="saturday new-year-eve"` runs some of them.
MOMENTS ?= saturday sunday new-year-eve new-year before-quiet-hours after-quiet-hours holiday
test-calendar: install fonts
	@for moment in $(MOMENTS); do echo "== the suite at $$moment"; \
	  $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile -m "not browser" --moment=$$moment || exit 1; done

# wrk drives the HTTP benchmarks (Debian's package; root only; without it they fall back to a Python client).
wrk:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk not installed: the HTTP benchmarks use their Python client"

bench: install wrk
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

i18n: install
	$(BIN)/python scripts/i18n.py
