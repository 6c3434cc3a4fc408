# Oscart training portal: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed
PORT ?= 5000
# In development the links in mails and on certificates follow the port (config.py), also those seed-demo makes.
export PORT

.PHONY: run test install lock translations db seed lint extract bench load clean

# Exactly the tested set: every package at the version and hashes in requirements.lock, then the portal itself.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# After changing a pin in pyproject.toml: the lock keeps every other version it has. For every Python the project
# supports (--universal), so a package needed only on some (async-timeout before 3.11.3) is in it too.
# uv does not read pip's configuration: the extra indexes and wheel folders pip is configured with are passed on.
lock: $(STAMP)
	UV_INDEX_STRATEGY=unsafe-best-match \
	UV_FIND_LINKS="$$($(BIN)/python -m pip config get global.find-links 2>/dev/null)" \
	UV_EXTRA_INDEX_URL="$$($(BIN)/python -m pip config get global.extra-index-url 2>/dev/null)" \
	$(BIN)/uv pip compile --quiet --universal --generate-hashes --extra dev --output-file requirements.lock pyproject.toml
	UV_INDEX_STRATEGY=unsafe-best-match \
	UV_FIND_LINKS="$$($(BIN)/python -m pip config get global.find-links 2>/dev/null)" \
	UV_EXTRA_INDEX_URL="$$($(BIN)/python -m pip config get global.extra-index-url 2>/dev/null)" \
	$(BIN)/uv pip compile --quiet --universal --generate-hashes --extra load --constraint requirements.lock \
		--output-file bench/load/requirements.lock pyproject.toml

translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 4

db: $(STAMP)
	mkdir -p instance
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo

run: translations seed
	@echo ""
	@echo "=================================================================================="
	@echo "  Oscart runs at http://127.0.0.1:$(PORT)"
	@echo "  Log in with one of the demo accounts listed above. Stop with Ctrl+C."
	@echo "=================================================================================="
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: translations
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL =="; \
		$(BIN)/python -m pytest --database-url "$$TEST_DATABASE_URL" -m "not browser"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs='.*' -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

bench: $(STAMP)
	$(BIN)/python -m bench.run

# The load test (bench/load): Locust lives in a virtualenv of its own (.venv-load, from bench/load/requirements.lock:
# the project's pins plus Locust), so the portal's .venv and CI never carry it. Needs PostgreSQL and Redis.
LOAD_STAMP := .venv-load/.installed
$(LOAD_STAMP): bench/load/requirements.lock
	test -x .venv-load/bin/python || $(PYTHON) -m venv .venv-load
	.venv-load/bin/python -m pip install --quiet --require-hashes -r bench/load/requirements.lock
	touch $(LOAD_STAMP)

load: $(STAMP) $(LOAD_STAMP)
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache
