# Two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install install-test system-packages test-packages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[production]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[production,test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed system-packages

install-test: $(VENV)/.installed-test system-packages test-packages

# Debian packages: Pango for WeasyPrint, Cairo for drawing the symbols into Office files, fonts
# for printing, poppler-utils for looking at PDFs, postgresql-client (pg_dump) for backups.
# Installed only when missing.
system-packages:
	@missing=""; \
	for pkg in libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core poppler-utils postgresql-client; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The tests drive Chromium (browser tests) and open every PowerPoint and Word file the toolkit
# makes in a real office suite: LibreOffice without its desktop parts (Impress and Writer).
# Installed only when missing; a production server needs none of them.
test-packages:
	@missing=""; \
	for pkg in chromium libreoffice-impress-nogui libreoffice-writer-nogui; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: install
	TOOLKIT_ENV=development $(BIN)/toolkit setup
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	@# The print worker (unit packs) runs beside the server and stops with it.
	TOOLKIT_ENV=development $(BIN)/toolkit worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  TOOLKIT_ENV=development $(BIN)/toolkit run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/toolkit content lint lessons
	@redis_url=$$($(BIN)/python -c "import redis; redis.Redis.from_url('$(REDIS_TEST_URL)', socket_timeout=3).ping(); print('$(REDIS_TEST_URL)')" 2>/dev/null); \
	pg_url=$$($(BIN)/python -c "import psycopg; psycopg.connect('$(subst +psycopg,,$(PG_TEST_URL))', connect_timeout=3).close(); print('$(PG_TEST_URL)')" 2>/dev/null); \
	if [ -n "$$redis_url" ]; then echo "Redis answers: the queue and throttling tests use it too"; \
	else echo "Redis does not answer on 127.0.0.1:6379: the Redis queue and throttling tests are skipped"; fi; \
	TOOLKIT_TEST_REDIS_URL="$$redis_url" TOOLKIT_TEST_POSTGRESQL_URL="$$pg_url" $(BIN)/pytest && \
	if [ -n "$$pg_url" ]; then \
	  echo "PostgreSQL answers: running the suite again on it, files in the database"; \
	  TOOLKIT_TEST_DATABASE_URL="$$pg_url" TOOLKIT_TEST_FILE_STORE=database \
	    TOOLKIT_TEST_REDIS_URL="$$redis_url" $(BIN)/pytest -m "not browser and not printcheck"; \
	else \
	  echo "PostgreSQL does not answer on 127.0.0.1:5432: skipped the PostgreSQL run"; \
	fi

bench: install-test
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/two_machines.py
	$(BIN)/python bench/search_library.py
	$(BIN)/python bench/lesson_view.py
	$(BIN)/python bench/server_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
