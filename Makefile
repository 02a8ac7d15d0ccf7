# Bac à sable — the two commands of the README, and a few more.
#   make start   creates .venv if missing, installs what serving needs, serves the workbook
#   make test    installs the test needs (Python packages, Chromium, espeak-ng, PostgreSQL, axe-core) and runs every test
#   make bench   prints the benchmark figures

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
SERVE_STAMP := $(VENV)/.installed-serve
STAMP := $(VENV)/.installed

.PHONY: start test bench lint browser-deps postgres-deps clean

# Serving needs the package alone; the tests add pytest, Playwright, psycopg, openfisca-france…
$(SERVE_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installation de Bac à sable dans $(VENV)…"
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e .
	@touch $(SERVE_STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP) $(SERVE_STAMP)

start: $(SERVE_STAMP)
	@$(VENV)/bin/bacasable serve

browser-deps: $(STAMP) node_modules/axe-core/axe.min.js
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation de Chromium (paquet Debian)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium manque : installez le paquet Debian « chromium » (sudo apt-get install chromium)," \
	         "ou donnez son chemin avec make test CHROMIUM=/chemin/vers/chromium."; exit 1; \
	  fi; \
	fi
	@if ! command -v espeak-ng >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation d'espeak-ng (paquet Debian), pour la lecture à voix haute…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; \
	  else \
	    echo "espeak-ng manque : installez le paquet Debian « espeak-ng » (sudo apt-get install espeak-ng)."; exit 1; \
	  fi; \
	fi

# The store's tests start their own PostgreSQL server (tests/postgres_server.py): only the
# programs are needed. Debian's package may create and start a "main" cluster: it is stopped
# and set to manual start, so that no server is left running for the whole system.
postgres-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation de PostgreSQL (paquet Debian), pour les tests du stockage…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	    pg_lsclusters -h 2>/dev/null | while read -r version cluster _; do \
	      pg_ctlcluster "$$version" "$$cluster" stop 2>/dev/null || true; \
	      echo manual > "/etc/postgresql/$$version/$$cluster/start.conf"; \
	    done; \
	  else \
	    echo "PostgreSQL manque pour les tests du stockage : installez le paquet Debian" \
	         "« postgresql » (sudo apt-get install postgresql), puis relancez make test."; exit 1; \
	  fi; \
	fi

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm manque : installez Node.js et npm (paquet Debian « npm »)."; exit 1; }
	npm ci --no-audit --no-fund --silent
	@touch $@

# The tests never touch the user's own workshop data: a fresh data folder each run, removed after.
test: browser-deps postgres-deps
	@data=$$(mktemp -d); BACASABLE_DATA=$$data BACASABLE_CHROMIUM=$(CHROMIUM) $(PY) -m pytest; \
	status=$$?; rm -rf "$$data"; exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check bacasable widgets tests benchmarks

bench: browser-deps
	BACASABLE_CHROMIUM=$(CHROMIUM) $(PY) -m benchmarks

clean:
	rm -rf $(VENV) node_modules .pytest_cache
