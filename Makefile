# The two commands of the README, and a few more for developers.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup tutorial binder-url test lint bench peer clean

setup: $(VENV)/.installed

# Editable installs skip data-files, so the built ClusterView front end (kubenb/labextension)
# is linked to where JupyterLab looks for prebuilt extensions.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	mkdir -p $(VENV)/share/jupyter/labextensions
	ln -sfn $(CURDIR)/kubenb/labextension $(VENV)/share/jupyter/labextensions/kubenb-clusterview
	touch $@

# JupyterLab rooted at notebooks/, opening the page that links both languages (tools/tutorial.py;
# adds --allow-root when run as root). ARGS go to `jupyter lab`.
tutorial: setup
	$(PY) tools/tutorial.py $(ARGS)

# The Binder link of this repository (from its GitHub remote origin).
binder-url:
	@$(PYTHON) tools/binder_url.py

lint: setup
	$(PY) -m ruff check kubenb tests benchmarks tools
	$(VENV)/bin/lint-imports

test: lint
	$(PY) -m pytest -q -p no:cacheprovider tests
	KUBECONFIG=$$(mktemp -d)/config $(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-sanitize-with notebooks/sanitize.cfg notebooks
	# Every notebook a second time: outputs must not change from run to run.
	KUBECONFIG=$$(mktemp -d)/config $(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-sanitize-with notebooks/sanitize.cfg notebooks

bench: setup
	$(PY) benchmarks/bench_controlplane.py

# The official Python client's e2e suite against a kubenb cluster (when ../shared/peer is there).
peer: setup
	$(PY) tools/python_client_e2e.py

clean:
	rm -rf $(VENV)
