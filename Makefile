# Two commands do everything (see README):
#   make run    create .venv, install, start the app
#   make test   create .venv, install test tools, run ruff and the whole test suite
#   make serve-class WORKERS=2   a class: WORKERS streamlit workers behind nginx on PORT (needs Debian's nginx)
# For development: make test-fast (ruff, then every test but the real-browser ones).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
WORKERS ?= 2

.PHONY: run serve-class dev test test-fast lint bench browser clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -r requirements-dev.txt
	touch $@

# The server's settings live in .streamlit/config.toml (no file watcher); tests and benchmarks start it the same way.
# `-m nnlab.serve.launch` runs `streamlit run` and, once it serves and its first home page is drawn (or nobody
# came for 2 s), loads in the background what a class needs (nnlab/serve/warm.py: 11-18 s of one core here).
run: $(VENV)/.installed
	$(PY) -m nnlab.serve.launch -m streamlit run app.py --server.port $(PORT)

# A class: WORKERS `streamlit run` workers (ports PORT+100...) behind nginx on PORT, restarted if they die;
# saved models and their owners shared (models/, data/nnlab.sqlite3). Logs and nginx.conf in run/class/.
serve-class: $(VENV)/.installed
	$(PY) scripts/serve_class.py --workers $(WORKERS) --port $(PORT)

# For developers: rerun the page when a project file is saved (polls the project's own modules only).
dev: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.fileWatcherType poll --server.runOnSave true

# Browser tests use Debian's /usr/bin/chromium when present, otherwise Playwright's own Chromium.
browser: $(VENV)/.dev-installed
	@if [ -x /usr/bin/chromium ] || [ -n "$$NNLAB_CHROMIUM" ]; then echo "browser: system Chromium"; \
	else $(PY) -m playwright install chromium; fi

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .

test: browser lint
	$(PY) -m pytest

test-fast: lint
	$(PY) -m pytest -m "not browser"

bench: $(VENV)/.installed
	for script in bench/*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
