# The few targets people need. `make run` and `make test` each set everything up from a clean clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
# the suite on every core (at most 4: each worker builds the graph once, about 2 GiB); a test file
# stays on one worker, so its session fixtures (the build, a Virtuoso server, a browser) are not
# started twice for it. `make test PYTEST_PARALLEL=` runs it in one process.
PYTEST_PARALLEL ?= -n auto --maxprocesses 4 --dist loadfile

VENDOR := server/static/vendor
ASSETS := $(VENDOR)/node_modules/.installed-stamp

.PHONY: install assets build run test validate release lint format bench clean namespace

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# browser code for the SPARQL editor (YASGUI) from the npm registry, served from /static (no CDN).
# Without npm the editor falls back to a plain form, and its browser test says so when it skips.
$(ASSETS): $(VENDOR)/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(VENDOR) && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.installed-stamp; \
	else echo "npm not found: the SPARQL editor will be a plain form (install nodejs + npm for YASGUI)"; fi

assets: $(ASSETS)

build: install                 ## build the graph: var/store + dist/ (dumps, QC report)
	$(BIN)/occugraph build

run: build assets              ## build, then serve on http://$(HOST):$(PORT)
	$(BIN)/occugraph serve --host $(HOST) --port $(PORT)

test: install assets           ## lint + validate the sources + the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/occugraph validate --quiet
	$(BIN)/pytest $(PYTEST_PARALLEL)

validate: install              ## check the sources (SHACL, QC rules, identifiers); a report with file:line
	$(BIN)/occugraph validate

release: install               ## cut a release: make release VERSION=v2 DATE=2026-06-01
	$(BIN)/occugraph release $(VERSION) --date $(DATE)

namespace: install            ## after editing ontology/*.ttl terms: regenerate graph/core/og.py (the OG class)
	$(BIN)/occugraph namespace

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .

bench: build                   ## benchmarks (not part of the tests); results go to docs/benchmarks.md by hand
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench_shacl.py
	$(BIN)/python bench/bench_foundation.py
	$(BIN)/python bench/bench_workflow.py

clean:
	rm -rf var dist .pytest_cache
