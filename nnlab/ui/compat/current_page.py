"""Which page file is running now, relative to the project root (``pages/2_Playground.py``).

Streamlit 1.67 has no public call for it: the script run context's ``pages_manager`` knows the
current page's script hash and every page's ``script_path``. Used by the lesson player to tell whether
the student is on the page the lesson step opened. Fallback (an internal missing): None, and the
player then shows a link to the step's page instead of the step itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
log = logging.getLogger("nnlab")


def current_page_path() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = ctx.pages_manager
        page = manager.get_pages().get(manager.current_page_script_hash) or {}
        script = page.get("script_path") or manager.main_script_path
        path = Path(script).resolve()
        return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    except Exception as error:  # an internal moved: the player links to the page instead
        log.info("current_page_path: %s", error)
        return None
