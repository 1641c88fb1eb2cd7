"""Helpers for page tests with streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def run_page(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run the app, then switch to ``page`` (e.g. ``"pages/1_Build.py"``) when given."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    return at.switch_page(page).run() if page else at
