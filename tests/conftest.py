"""Shared fixtures: a real `streamlit run` server and a Playwright page on Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nnlab.environment import PRELOAD_ENV
from nnlab.ui.compat.recycle import RESTART_ENV
from tests.browser import CHROMIUM_ARGS, chromium_executable, streamlit_server

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
# No background TensorFlow import in the test process: there it would race pytest's own import hook
# (seen: "SystemError: AST constructor recursion depth mismatch" in the thread). The servers of the
# browser tests preload as `make run` does (tests.browser.streamlit_server drops this variable).
os.environ[PRELOAD_ENV] = "0"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """One `streamlit run app.py` for the whole session; yields (url, log path, models folder)."""
    work = tmp_path_factory.mktemp("server")
    # Never restarted in place (nnlab.ui.compat.recycle): it serves tests for the whole session, and one that
    # came during the restart after a lull of a few minutes would find the port closed for a few seconds.
    with streamlit_server(work, env={RESTART_ENV: "off"}) as url:
        yield url, work / "streamlit.log", work / "models"


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server[0]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context (a new Streamlit session) per test; a screenshot is kept on failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path_factory, monkeypatch):
    """Each test's shared SQLite store (nnlab.store.database) is its own file, not <repo>/data's.
    A server a test starts keeps its own beside its models folder unless it inherits this variable."""
    monkeypatch.setenv("NNLAB_DATA_DIR", str(tmp_path_factory.mktemp("data")))
