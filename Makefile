# Oscart training portal: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed

.PHONY: run test install translations db seed lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 4

db: $(STAMP)
	mkdir -p instance
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed-demo

run: translations seed
	@echo "Oscart runs at http://127.0.0.1:5000 (stop with Ctrl+C)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: translations
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL =="; \
		$(BIN)/python -m pytest --database-url "$$TEST_DATABASE_URL" -m "not browser"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache
