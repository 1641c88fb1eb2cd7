"""Reliability in a real browser: hostile uploads are refused with a sentence, buttons clicked in quick
succession during training leave a consistent model and history, saved models survive a server restart."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from nnlab.model.presets import PRESETS
from nnlab.plots.mnist import VALIDATION_LEGEND, training_legend
from tests.browser import choose_mnist_run, exceptions_on_page, open_page, rerun, streamlit_server, wait_idle
from tests.upload_files import digit_and_lambda_models, seven_photo

pytestmark = pytest.mark.browser

UPLOAD = "[data-testid=stFileUploaderDropzoneInput]"
# The x values of every named trace of the plotly charts on the page: a list, or plotly's packed
# {"dtype", "bdata"} (base64 of a typed array) that traces() unpacks.
TRACES_JS = """() => Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')]
    .flatMap(plot => (plot.data || []).filter(t => t.name)
    .map(t => [t.name, t.x && t.x.bdata ? {dtype: t.x.dtype, bdata: t.x.bdata} : Array.from(t.x || [])])))"""

# True once a plotly trace named name ends at x == value: plotly draws after Streamlit's run has ended.
TRACE_ENDS_AT = """([name, value]) => [...document.querySelectorAll('.js-plotly-plot')]
    .flatMap(plot => plot.data || []).filter(t => t.name === name && t.x).some(t => {
        let x = t.x;
        if (x.bdata) {
            const types = {f8: Float64Array, f4: Float32Array, i4: Int32Array, i2: Int16Array, i1: Int8Array,
                           u4: Uint32Array, u2: Uint16Array, u1: Uint8Array};
            x = new types[x.dtype.replace(/^[<>|=]/, '')](Uint8Array.from(atob(x.bdata), c => c.charCodeAt(0)).buffer);
        }
        return x.length > 0 && Number(x[x.length - 1]) === value;
    })"""


def traces(page) -> dict[str, list[float]]:
    """{trace name: x values} of the plotly charts on the page, as the browser holds them."""
    found = {}
    for name, x in page.evaluate(TRACES_JS).items():
        if isinstance(x, dict):
            x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"])).tolist()
        found[name] = [float(value) for value in x]
    return found


def increasing(x: list[float]) -> bool:
    return all(a < b for a, b in zip(x, x[1:], strict=False))


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return digit_and_lambda_models(tmp_path_factory.mktemp("made"))


def send_file(page, name: str, data: bytes, mime: str = "application/octet-stream") -> None:
    """Upload a file into the page's uploader and wait for the rerun it asks for to end."""
    with rerun(page):
        page.locator(UPLOAD).set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def alert_with(page, text: str) -> str:
    alert = page.get_by_test_id("stAlert").filter(has_text=text)
    alert.wait_for()
    wait_idle(page)
    return alert.inner_text()


def files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def new_log(log, start: int) -> str:
    return log.read_text()[start:]


def test_hostile_json_and_keras_uploads_get_a_sentence_and_nothing_is_kept(page, app_server, made):
    app_url, log, models = app_server
    before, log_start = files(models), len(log.read_text())

    open_page(page, app_url, "Build")
    deep = PRESETS["Basic 784-128-10"].to_dict() | {"layers": [{"kind": "flatten"}] * 1000}
    send_file(page, "deep.json", json.dumps(deep).encode(), "application/json")
    assert "The network has 1000 hidden layers; at most 20 are allowed." in alert_with(page, "Could not load 'deep.json'")
    send_file(page, "units.json", json.dumps(deep | {"layers": [{"kind": "flatten"}, {"kind": "dense",
                                                                 "units": 10**9}]}).encode(), "application/json")
    assert "a Dense layer needs 1 to 1024 units" in alert_with(page, "Could not load 'units.json'")
    assert exceptions_on_page(page) == []

    open_page(page, app_url, "MNIST")
    send_file(page, "sneaky.keras", made["lambda"])
    assert "This model contains a Lambda layer" in alert_with(page, "'sneaky.keras' was not kept")
    send_file(page, "net.keras", b"\x89PNG\r\n\x1a\n not a model")
    assert "a .keras file is a zip archive, and this one is not" in alert_with(page, "'net.keras' was not kept")
    send_file(page, "passwd", b"root:x:0:0:root:/root:/bin/bash\n", "application/octet-stream")
    assert "Only .keras model files can be uploaded" in alert_with(page, "'passwd' was not kept")
    assert exceptions_on_page(page) == []
    assert not made["marker"].exists()  # the Lambda's code never ran in the server
    assert files(models) == before
    assert "Traceback" not in new_log(log, log_start)


def epoch(page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Epoch").first
    return int(metric.get_by_test_id("stMetricValue").inner_text().replace(",", ""))


def test_playground_buttons_clicked_in_quick_succession_while_training(page, app_server):
    app_url, log, _ = app_server
    log_start = len(log.read_text())
    open_page(page, app_url, "Playground")
    page.get_by_role("button", name="Play").click()
    # playing: the Speed metric shows a rate ("144/s"), not "paused" or "…"
    page.get_by_test_id("stMetric").filter(has_text="Speed").filter(has_text=re.compile(r"\d/s")).wait_for(timeout=60_000)
    for name in ["Step", "Play", "Pause", "Step", "Step", "Play", "Reset", "Play", "Step", "Play", "Step", "Reset",
                 "Play", "Step", "Play", "Pause"]:
        page.get_by_role("button", name=name, exact=True).click()  # as soon as it is enabled: no waiting for the page
    wait_idle(page)
    page.get_by_test_id("stMetric").filter(has_text="Speed").filter(has_text="paused").wait_for()
    reached = epoch(page)
    page.wait_for_function(TRACE_ENDS_AT, arg=["train loss", reached])  # the chart has caught up with the metric
    x = traces(page)["train loss"]  # one point per epoch (thinned beyond a few hundred), in order, no repeats
    assert x[0] == 1 and x[-1] == reached and increasing(x) and (reached > 300 or len(x) == reached)
    with rerun(page):
        page.get_by_role("button", name="Step", exact=True).click()  # not "Inspect one step"
    metric = page.get_by_test_id("stMetric").filter(has_text="Epoch").first.get_by_test_id("stMetricValue")
    expect(metric).to_have_text(f"{reached + 1:,}", timeout=60_000)
    page.wait_for_function(TRACE_ENDS_AT, arg=["train loss", reached + 1])
    x = traces(page)["train loss"]
    assert x[-1] == reached + 1 and increasing(x)
    assert exceptions_on_page(page) == []
    assert "Traceback" not in new_log(log, log_start)


def test_mnist_pause_resume_stop_clicked_in_quick_succession_keep_a_tested_model(page, app_server):
    app_url, log, _ = app_server
    log_start = len(log.read_text())
    open_page(page, app_url, "MNIST")
    # 100 epochs, about a minute: the clicks land while it trains (1,000 x 50 ended before Stop in CI)
    choose_mnist_run(page, "5,000 (a quick demo)", epochs=100)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").and_(page.locator(":enabled")).wait_for(timeout=120_000)
    for name in ["Pause", "Resume", "Pause", "Resume", "Pause", "Resume", "Stop"]:
        page.get_by_role("button", name=name).click()  # as soon as it is there: no waiting for the page
    page.get_by_test_id("stProgress").filter(has_text="stopped").wait_for()
    page.get_by_text("Test accuracy").wait_for()
    wait_idle(page)
    curves = traces(page)
    training = curves[training_legend(dropout=False)]  # the Build page's default network has no dropout
    assert increasing(training), training
    validation = curves.get(VALIDATION_LEGEND, [])
    assert validation == list(range(1, len(validation) + 1))  # each finished epoch once, in order
    accuracy = page.get_by_test_id("stMetric").filter(has_text="Test accuracy").get_by_test_id("stMetricValue")
    assert accuracy.inner_text().endswith("%")
    assert exceptions_on_page(page) == []
    assert "Traceback" not in new_log(log, log_start)


def test_an_uploaded_model_survives_a_server_restart(page, tmp_path, made):
    """Stop the server, start a new one on the same models folder: the model is listed and the Draw page uses it."""
    with streamlit_server(tmp_path) as app_url:
        open_page(page, app_url, "MNIST")
        send_file(page, "../../etc/survivor.keras", made["digits"])
        alert_with(page, "as survivor.keras in models/")
        page.get_by_test_id("stMarkdown").filter(has_text="survivor").filter(has_text="MB").wait_for()
    assert files(tmp_path / "models") == ["survivor.keras"]
    assert files(tmp_path) == ["models", "streamlit.log"]  # nothing outside the models folder

    with streamlit_server(tmp_path) as app_url:  # a new server, a new session: only the folder is the same
        open_page(page, app_url, "Draw")
        assert "1 in models/" in page.get_by_test_id("stRadio").inner_text()
        with rerun(page):
            page.get_by_test_id("stRadio").locator("label").filter(has_text="A saved model").click()
        saved = page.get_by_test_id("stSelectbox").filter(has_text="Saved model")
        if saved.locator("input").input_value() != "survivor.keras":  # chosen already (the only one): no rerun
            saved.locator("input").click()
            with rerun(page):
                page.get_by_role("option", name="survivor.keras").click()
        send_file(page, "seven.png", seven_photo(), "image/png")  # read by the surviving (untrained) model
        page.wait_for_function("document.querySelector('.st-key-photo_answer')?.innerText.match(/It is a|Not sure/)")
        assert page.get_by_test_id("stAlertContentError").count() == 0
        assert exceptions_on_page(page) == []


def test_a_model_is_its_browsers_own_even_after_a_reload_and_other_browsers_may_only_use_it(page, browser,
                                                                                           app_server, made):
    """Two browsers (two students): B sees A's model with Delete disabled; A, after reloading the page
    (a new Streamlit session in the same browser), may still delete it."""
    app_url, log, models = app_server
    log_start = len(log.read_text())
    open_page(page, app_url, "MNIST")
    send_file(page, "alices net.keras", made["digits"])
    alert_with(page, "as alices net.keras in models/")
    row = page.get_by_test_id("stHorizontalBlock").filter(has_text="alices net").filter(has_text="saved by")
    expect(row).to_contain_text("saved by you")

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        bob = other.new_page()
        open_page(bob, app_url, "MNIST")
        bobs_row = bob.get_by_test_id("stHorizontalBlock").filter(has_text="alices net").filter(has_text="saved by")
        expect(bobs_row).to_contain_text("saved by another student")
        expect(bobs_row.get_by_role("button", name="Delete")).to_be_disabled()
        expect(bobs_row.get_by_role("button", name="Use")).to_be_enabled()
        with rerun(bob):
            bob.get_by_test_id("stCheckbox").filter(has_text="Replace").last.click()
        send_file(bob, "alices net.keras", made["digits"])
        assert "only they can replace it. To keep yours, rename your file." in alert_with(bob, "was not kept")
        assert exceptions_on_page(bob) == []
    finally:
        other.close()

    open_page(page, app_url, "MNIST")  # a reload: a new session, the same browser
    expect(row).to_contain_text("saved by you")
    row.get_by_role("button", name="Delete").click()
    alert_with(page, "Deleted alices net.keras")
    assert not (models / "alices net.keras").exists()
    assert exceptions_on_page(page) == []
    assert "Traceback" not in new_log(log, log_start)
