"""streamlit-drawable-canvas without its 200 ms wait after each stroke.

streamlit-drawable-canvas 0.13 sends a drawing to Python through a debounced sender: after a
stroke ends it waits a fixed 200 ms for further changes before it renders the PNG and sends
it. For freehand drawing a stroke ends exactly once, on mouse release, so those 200 ms are
pure delay: measured in Chromium they were two thirds of the time from mouse release to the
new probabilities (322-334 ms median, of which 200-210 ms the wait).

This module copies the component's frontend into a private temporary folder with that one
constant set to :data:`SEND_DELAY_MS`, registers the copy with Streamlit as its own
component (``nnlab.drawable_canvas``) and lets the library's own :func:`st_canvas` build
every argument and read every result, so the widget's value and behaviour are unchanged.

The constant is found by its use, not by its minified name: the delay is the second
argument of the call that creates ``sender``. When the installed build does not have exactly
that shape, or Streamlit refuses the registration, the stock component is used and the
reason is logged: the page then works as before, 200 ms slower.

Internals touched: the component's minified frontend (``frontend/build/index-*.js``), the
library's module global ``out`` (its registered component), and Streamlit's component-v2
manager (``streamlit.components.v2.get_bidi_component_manager``, ``manifest_scanner``).
Checked on streamlit-drawable-canvas 0.13.x and streamlit 1.67.x (another version: one
warning line, then the same attempt and the same fallback). When any of them is missing or
changed, the stock component draws the canvas; ``NNLAB_STOCK_CANVAS=1`` asks for it on
purpose (the baseline of bench/draw_latency_browser.py). Measurements and the trap:
docs/ARCHITECTURE.md, "Drawing canvas".
"""

from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import logging
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import streamlit as st

from nnlab.ui.compat.versions import is_checked_version

LOGGER = logging.getLogger("nnlab")

SEND_DELAY_MS = 0
COMPONENT = "nnlab.drawable_canvas"
STOCK_ENV = "NNLAB_STOCK_CANVAS"  # "1": draw the stock component (a benchmark's baseline)
STOCK_DELAY_MS = 200
# `h.sender = Nh((c) => Ic(h, c), Bc)`: the debounced sender; group 1 is the delay's name.
SENDER_CALL = re.compile(r"\.sender\s*=\s*[\w$]+\(\s*\(?[\w$]+\)?\s*=>\s*[\w$]+\([\w$]+,\s*[\w$]+\),\s*([\w$]+)\s*\)")

_lock = threading.Lock()
_asset_dir: Path | None = None
_component = None  # the patched component callable; False once it failed
_stock_component = None  # the library's own, kept for the fallback


class CanvasPatchError(RuntimeError):
    """The installed canvas build does not have the expected sender; the stock component is used."""


def stock_build_dir() -> Path:
    """The installed component's frontend build (``index-*.js`` and ``index-*.css``)."""
    spec = importlib.util.find_spec("streamlit_drawable_canvas")  # not imported: it registers itself on import
    if spec is None or spec.origin is None:
        raise CanvasPatchError("streamlit-drawable-canvas is not installed")
    return Path(spec.origin).parent / "frontend" / "build"


def patched_source(js: str, delay_ms: int = SEND_DELAY_MS) -> str:
    """``js`` with the sender's delay constant ``<name> = 200`` replaced by ``delay_ms``.

    Raises :class:`CanvasPatchError` unless there is exactly one sender call and exactly one
    definition of its delay as 200.
    """
    calls = SENDER_CALL.findall(js)
    if len(calls) != 1:
        raise CanvasPatchError(f"expected one debounced sender in the canvas frontend, found {len(calls)}")
    definition = re.compile(rf"(?<![\w$.]){re.escape(calls[0])}\s*=\s*{STOCK_DELAY_MS}(?![\w.])")
    patched, count = definition.subn(f"{calls[0]} = {int(delay_ms)}", js)
    if count != 1:
        raise CanvasPatchError(f"expected one '{calls[0]} = {STOCK_DELAY_MS}' in the canvas frontend, found {count}")
    return patched


def write_patched_build(source: Path, target: Path, delay_ms: int = SEND_DELAY_MS) -> None:
    """Copy the build in ``source`` to ``target`` with the sender's delay set to ``delay_ms``."""
    scripts = sorted(source.glob("index-*.js"))
    styles = sorted(source.glob("index-*.css"))
    if len(scripts) != 1 or len(styles) != 1:
        raise CanvasPatchError(f"expected one index-*.js and one index-*.css in {source}")
    target.mkdir(parents=True, exist_ok=True)
    (target / scripts[0].name).write_text(patched_source(scripts[0].read_text("utf-8"), delay_ms), "utf-8")
    shutil.copyfile(styles[0], target / styles[0].name)


def _private_asset_dir() -> Path:
    """This process's patched copy, written once into a fresh private temporary folder."""
    global _asset_dir
    if _asset_dir is None:
        folder = Path(tempfile.mkdtemp(prefix="nnlab-canvas-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        write_patched_build(stock_build_dir(), folder)
        _asset_dir = folder
    return _asset_dir


def _register_manifest() -> None:
    """Declare the patched copy's folder to the active runtime's component manager (each runtime once).

    A new runtime in the same process (AppTest runs one per test) starts without it; the
    component callable then re-resolves its files against the new manager on its first call.
    """
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    folder = _private_asset_dir()
    manager = get_bidi_component_manager()
    if manager.get_component_asset_root(COMPONENT) != folder:
        package, name = COMPONENT.split(".")
        manifest = ComponentManifest(name=package, version=importlib.metadata.version("streamlit-drawable-canvas"),
                                     components=[ComponentConfig(name=name, asset_dir=".")])
        manager.register_from_manifest(manifest, folder)


def fast_component():
    """The patched component, registered on the active runtime, or None (logged once) when it cannot be used."""
    global _component
    with _lock:
        if _component is False:
            return None
        if _component is None:
            is_checked_version("streamlit-drawable-canvas", "the fast canvas")
            is_checked_version("streamlit", "the fast canvas")
            if os.environ.get(STOCK_ENV) == "1":
                LOGGER.warning("Canvas: using the stock component, as %s=1 asks", STOCK_ENV)
                _component = False
                return None
        try:
            _register_manifest()
            if _component is None:
                _component = st.components.v2.component(COMPONENT, js="index-*.js", css="index-*.css",
                                                        html='<div class="canvas-root"></div>', isolate_styles=True)
        except Exception as error:  # any failure: fall back to the stock component, which works
            LOGGER.warning("Canvas: using the stock component (200 ms slower after each stroke): %s", error)
            _component = False
            return None
        return _component


def st_canvas(**kwargs):
    """:func:`streamlit_drawable_canvas.st_canvas`, drawn by the patched component when it is available.

    The library's function looks its component up as the module global ``out`` at call time;
    it is pointed at the patched copy (which takes the same data and gives the same value).
    """
    import streamlit_drawable_canvas as canvas_library

    global _stock_component
    if _stock_component is None:
        _stock_component = getattr(canvas_library, "out", None)
        if _stock_component is None:  # another layout of the library: it draws its own canvas
            LOGGER.warning("Canvas: streamlit_drawable_canvas has no module global 'out'; using the stock component")
            _stock_component = False
    if _stock_component is not False:
        canvas_library.out = fast_component() or _stock_component
    return canvas_library.st_canvas(**kwargs)
