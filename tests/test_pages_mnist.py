"""Page tests (streamlit AppTest) for the MNIST page: controls, messages, saving, on a tiny subset."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnlab.library import store
from nnlab.mnist.run import FINISHED, PAUSED, RUNNING, STOPPED
from nnlab.model.presets import PRESETS
from nnlab.ui.handover import SESSION_MODEL
from tests.apptest import APP, run_page
from tests.mnist_helpers import PAGE, current, tiny, train_until


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "models"))
    return run_page(PAGE)


def test_the_page_opens_ready_to_train_the_build_network(page):
    assert not page.exception
    assert page.radio(key="mnist_source").value == "The network from the Build page"
    assert "Press Start" in page.get("progress")[0].proto.text
    assert not page.button(key="mnist_start").disabled and page.button(key="mnist_pause").disabled
    assert "No saved models yet" in " ".join(c.value for c in page.caption)


def test_a_batch_larger_than_the_training_set_is_refused_with_a_message(page):
    tiny(page, epochs=1, batch=2_000)
    assert "larger than the training set (1,000 images)" in page.error[0].value
    assert page.button(key="mnist_start").disabled


def test_a_network_for_2d_points_is_refused_with_a_message():
    page = AppTest.from_file(APP, default_timeout=60)
    page.session_state["model_spec"] = PRESETS["XOR 2-2-1 tanh"]  # as left by the Build page
    page.run().switch_page(PAGE).run()
    assert page.radio(key="mnist_source").value == "A preset"  # chosen for the student
    page.radio(key="mnist_source").set_value("The network from the Build page").run()
    assert "takes 2D points" in page.error[0].value and page.button(key="mnist_start").disabled
    assert not page.exception


def test_start_pause_resume_and_stop(page):
    tiny(page, epochs=20, batch=10)
    page.button(key="mnist_start").click().run()
    assert not page.exception and current(page).state == RUNNING and current(page).steps > 0
    page.button(key="mnist_pause").click().run()
    run = current(page)
    assert run.state == PAUSED and page.button(key="mnist_resume")
    steps = run.steps
    page.run().run()
    assert run.steps == steps and "paused" in page.get("progress")[0].proto.text
    page.button(key="mnist_resume").click().run()
    assert run.state == RUNNING and run.steps > steps
    page.button(key="mnist_stop").click().run()
    assert run.state == STOPPED and 0 < run.position < 20
    assert page.session_state[SESSION_MODEL].model is run.model  # the Draw page's "model trained in this session"
    assert any(m.label == "Test accuracy" for m in page.metric)
    assert not page.exception


def test_a_tiny_run_finishes_is_tested_saved_listed_loaded_and_deleted(page, tmp_path):
    tiny(page, epochs=1)
    page.button(key="mnist_start").click().run()
    train_until(page, lambda run: run.ended)
    run = current(page)
    assert run.state == FINISHED and run.steps == 1_000 // 50
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Test accuracy"].endswith("%") and float(metrics["Test accuracy"][:-1]) > 30
    assert len(page.get("plotly_chart")) >= 5  # curves, confusion, per digit, gallery, first-layer weights

    page.text_input(key="mnist_save_name").set_value("../../etc/passwd").run()
    page.button(key="mnist_save").click().run()
    assert "'../../etc/passwd' is not a valid model name" in page.error[0].value
    assert not (tmp_path / "models").exists() or list((tmp_path / "models").iterdir()) == []  # nothing written
    page.text_input(key="mnist_save_name").set_value("tiny net").run()
    page.button(key="mnist_save").click().run()
    assert "Saved as tiny net.keras" in page.success[0].value
    assert store.list_models() == ["tiny net.keras"] and (tmp_path / "models" / "tiny net.keras").is_file()
    assert any("tiny net" in m.value for m in page.markdown)

    page.button(key="mnist_save").click().run()  # the same name again: not replaced unless asked
    assert "exists already" in page.warning[0].value

    page.button(key="mnist_use_0").click().run()
    assert "Loaded tiny net.keras" in page.success[0].value
    assert page.session_state[SESSION_MODEL].model is not run.model
    assert {m.label: m.value for m in page.metric}["Test accuracy"] == metrics["Test accuracy"]

    page.button(key="mnist_delete_0").click().run()
    assert "Deleted tiny net.keras" in page.success[0].value and store.list_models() == []
    assert not page.exception


def test_choosing_a_cell_shows_exactly_its_digits_and_the_slider_scrubs_the_epochs(page):
    from nnlab.ui.mnist import READ_KEY, TRUE_KEY

    tiny(page, epochs=2)
    page.button(key="mnist_start").click().run()
    train_until(page, lambda run: run.ended)
    evaluation = current(page).evaluation
    confusion = evaluation.confusion
    true, read = divmod(int((confusion - np.diag(np.diag(confusion))).argmax()), 10)

    def titles():
        return [chart.proto.spec for chart in page.get("plotly_chart")]

    assert any("Misclassified" in spec for spec in titles())  # before a choice: the most confident mistakes
    page.selectbox(key=TRUE_KEY).set_value(true).run()
    page.selectbox(key=READ_KEY).set_value(read).run()
    assert not page.exception
    cell = json.loads(next(spec for spec in titles() if f"true {true}, read as {read}" in spec))
    count = int(confusion[true, read])
    shown = min(count, 40)
    assert len(cell["layout"]["annotations"]) == shown
    assert f"{shown} of {count}" in cell["layout"]["title"]["text"] or f"all {count}" in cell["layout"]["title"]["text"]
    assert not any("Misclassified" in spec for spec in titles())

    slider = next(s for s in page.slider if s.label == "Epoch")
    assert (slider.min, slider.max, slider.value) == (0, 2, 2)
    slider.set_value(0).run()
    frame = json.loads(next(spec for spec in titles() if "Epoch 0:" in spec))
    assert frame["layout"]["title"]["text"].startswith("Epoch 0")
    page.button(key="mnist_cell_clear").click().run()
    assert any("Misclassified" in spec for spec in titles())
