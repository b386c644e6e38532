# mfgcheck: the two commands of the README create .venv if missing, install, and run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test report test-slow test-peers bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not peers" --hypothesis-profile=ci

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow --hypothesis-profile=thorough --hypothesis-show-statistics

report: $(STAMP)
	$(VENV)/bin/mfgcheck report --profile quick --out report

bench: $(STAMP)
	$(PY) benchmarks/numerics.py

lint: $(STAMP)
	$(VENV)/bin/ruff check mfgcheck tests benchmarks

clean:
	rm -rf $(VENV) report .hypothesis .pytest_cache
