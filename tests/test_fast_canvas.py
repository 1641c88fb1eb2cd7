"""The canvas frontend copy whose sender does not wait 200 ms after each stroke."""

from __future__ import annotations

import difflib

import pytest

from nnlab.ui.compat import fast_canvas

SENDER = "h.sender = Nh((c) => Ic(h, c), Bc), h.toolbarHandles = 1;"


def installed_script() -> str:
    (script,) = fast_canvas.stock_build_dir().glob("index-*.js")
    return script.read_text("utf-8")


def test_the_installed_build_changes_in_exactly_one_place_the_delay():
    original = installed_script()
    patched = fast_canvas.patched_source(original, delay_ms=0)
    changed = [line for line in difflib.unified_diff(original.splitlines(), patched.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2
    removed, added = changed
    assert "= 200" in removed and "= 0" in added
    assert removed.replace("= 200", "= 0")[1:] == added[1:]


@pytest.mark.parametrize("delay", [0, 16, 50])
def test_the_delay_is_the_one_given(delay):
    script = f"var Xc = 200, Bc = 200, Yc = 1200; {SENDER}"
    assert fast_canvas.patched_source(script, delay) == f"var Xc = 200, Bc = {delay}, Yc = 1200; {SENDER}"


@pytest.mark.parametrize("script", [
    "var Bc = 200;",  # no sender
    f"var Bc = 200; {SENDER} {SENDER}",  # two senders
    f"var Bc = 250; {SENDER}",  # the delay is not the known 200 ms
    f"var Bc = 200.5; {SENDER}",
    f"var xBc = 200, a.Bc = 200; {SENDER}",  # only other names that end in Bc
    f"var Bc = 200, Bc = 200; {SENDER}",  # ambiguous
])
def test_an_unexpected_build_is_refused_rather_than_guessed(script):
    with pytest.raises(fast_canvas.CanvasPatchError):
        fast_canvas.patched_source(script)


def test_the_written_copy_has_the_patched_script_and_the_same_stylesheet(tmp_path):
    fast_canvas.write_patched_build(fast_canvas.stock_build_dir(), tmp_path, delay_ms=0)
    (script,) = tmp_path.glob("index-*.js")
    (style,) = tmp_path.glob("index-*.css")
    stock = fast_canvas.stock_build_dir()
    assert script.read_text("utf-8") == fast_canvas.patched_source(installed_script(), 0)
    assert style.read_bytes() == (stock / style.name).read_bytes()


def test_a_build_folder_without_its_files_is_refused(tmp_path):
    with pytest.raises(fast_canvas.CanvasPatchError):
        fast_canvas.write_patched_build(tmp_path, tmp_path / "copy")


def test_without_a_usable_build_the_page_draws_the_stock_canvas_and_says_why_in_the_log(monkeypatch, tmp_path, caplog):
    from tests.apptest import run_page

    monkeypatch.setattr(fast_canvas, "stock_build_dir", lambda: tmp_path)  # an empty folder: nothing to patch
    monkeypatch.setattr(fast_canvas, "_asset_dir", None)
    monkeypatch.setattr(fast_canvas, "_component", None)
    with caplog.at_level("WARNING", logger="nnlab"):
        at = run_page("pages/4_Draw.py")
    assert not at.exception
    assert "Draw a digit on the black square" in " ".join(info.value for info in at.info)
    assert fast_canvas.fast_component() is None
    assert "using the stock component" in caplog.text


def test_the_stock_component_on_purpose_is_the_benchmarks_baseline_and_is_logged(monkeypatch, caplog):
    monkeypatch.setenv(fast_canvas.STOCK_ENV, "1")
    monkeypatch.setattr(fast_canvas, "_component", None)
    with caplog.at_level("WARNING", logger="nnlab"):
        assert fast_canvas.fast_component() is None
        assert fast_canvas.fast_component() is None
    assert caplog.text.count(f"using the stock component, as {fast_canvas.STOCK_ENV}=1 asks") == 1
