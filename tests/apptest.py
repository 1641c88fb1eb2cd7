"""Helpers for page tests with streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

# The first lines of a test run in a fresh interpreter (``python -c``): put the app's folder on
# sys.path as `streamlit run` does at start. Without it, AppTest inserts that folder at each script
# run and removes it at the end, and a thread importing meanwhile (the home page's TensorFlow
# preload) can skip a sys.path entry while the list shifts under it: "No module named 'keras'"
# (seen once in CI). ``sys.path`` becomes a list that counts such changes, so the test can assert
# there were none.
AS_STREAMLIT_RUN = (
    "import os, sys\n"
    "class CountingPath(list):\n"
    "    changes = 0\n"
    "    def insert(self, *args):\n"
    "        CountingPath.changes += 1\n"
    "        super().insert(*args)\n"
    "    def remove(self, *args):\n"
    "        CountingPath.changes += 1\n"
    "        super().remove(*args)\n"
    f"sys.path = CountingPath([os.path.dirname({APP!r}), *sys.path])\n"
)


def run_page(page: str | None = None, timeout: float = 60) -> AppTest:
    """Run the app, then switch to ``page`` (e.g. ``"pages/1_Build.py"``) when given."""
    at = AppTest.from_file(APP, default_timeout=timeout).run()
    return at.switch_page(page).run() if page else at
