# mfgcheck: the two commands of the README create .venv if missing, install, and run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test report test-slow test-peers bench lint clean docs screenshots warm

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask,serverless]'
	$(MAKE) warm
	touch $(STAMP)

# Compile the numba kernels once into numba's cache (mfgcheck/reports/warm.py says why); a
# kernel whose source changed later is recompiled on its first call, so this only saves time.
warm:
	$(PY) -m mfgcheck.reports.warm

test: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not peers" --hypothesis-profile=ci

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow --hypothesis-profile=thorough --hypothesis-show-statistics

report: $(STAMP)
	$(VENV)/bin/mfgcheck report --profile quick --out report

bench: $(STAMP)
	$(PY) benchmarks/numerics.py
	$(PY) benchmarks/algorithms.py

# The report's HTML in headless Chromium at 1400 px (apt-get install chromium), into
# report/screenshots/: top.png, one PNG per section, page.png (the whole page).
screenshots: $(STAMP)
	test -f report/index.html || $(MAKE) report
	$(PY) -m mfgcheck.reports.screenshots report/index.html --out report/screenshots

# API reference from the docstrings (Sphinx + MyST + autodoc), warnings as errors; the test
# suite builds the same into a temporary directory (tests/test_api_docs.py), so CI checks it.
docs: $(STAMP)
	$(PY) -m sphinx -E -W --keep-going -q -b html docs/api build/docs
	@echo "API reference: build/docs/index.html"

lint: $(STAMP)
	$(VENV)/bin/ruff check mfgcheck tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) report .hypothesis .pytest_cache

# Peers tier: MFGLib and OpenSpiel in their own venv, kept out of `make test` (CI stays fast).
PEERS_VENV := .venv-peers
PEERS_PY := $(PEERS_VENV)/bin/python
PEERS_STAMP := $(PEERS_VENV)/.installed

.PHONY: bench-peers

$(PEERS_STAMP): pyproject.toml requirements-peers.txt
	test -x $(PEERS_PY) || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_PY) -m pip install --quiet --upgrade pip
	$(PEERS_PY) -m pip install --quiet -e '.[dev]' -r requirements-peers.txt
	touch $(PEERS_STAMP)

test-peers: $(PEERS_STAMP)
	$(PEERS_PY) -m pytest -q -m peers tests/peers

bench-peers: $(PEERS_STAMP)
	$(PEERS_PY) benchmarks/peers.py
