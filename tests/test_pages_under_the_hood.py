"""Page tests (AppTest) for Under the hood: every section renders; trainings start only on Start and progress."""

import pytest

from nnlab.hood import naive_tf, scratch
from nnlab.ui import live_driver
from tests.apptest import run_page

PAGE = "pages/5_Under_the_hood.py"


@pytest.fixture
def at(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty Keras cache: IMDB is missing, as offline
    return run_page(PAGE, timeout=120)


def rerun_until(at, condition, limit: int = 40):
    for _ in range(limit):
        if condition(at):
            return at
        at.run()
    raise AssertionError("the page never reached the expected state")


def progress_texts(at) -> list[str]:
    return [bar.proto.text for bar in at.get("progress")]


def test_page_shows_every_section_and_trains_nothing_on_load(at):
    assert not at.exception
    headers = [h.value for h in at.header]
    assert len(headers) == 7 and headers[0].startswith("1 · One example") and headers[-1].startswith("7 · Text")
    difference = float(at.metric[0].value)
    assert difference <= scratch.GRADIENT_TOLERANCE
    assert "agree with TensorFlow" in at.success[0].value
    assert "uth_mnist_runs" not in at.session_state
    assert "uth_text_runs" not in at.session_state
    assert any("Press Start" in info.value for info in at.info)
    # the worked example: the forward pass ends in the loss, the backward pass in dL/db1
    latex = [x.value.strip("$\n") for x in at.latex]
    assert any(v.startswith(r"z_1 = x W_1 + b_1 = \begin{bmatrix}") for v in latex)
    assert any(v.startswith(r"\delta_3 = \hat y - y") for v in latex)


def test_worked_example_follows_the_chosen_row_and_weights(at):
    at.selectbox(key="uth_example_row").set_value(3)
    at.radio(key="uth_example_weights").set_value("after training on XOR").run()
    assert not at.exception
    loss = next(x.value.strip("$\n") for x in at.latex if x.value.strip("$\n").startswith("L = "))
    assert float(loss.rsplit("=", 1)[1]) < 0.05  # the trained network is sure of x = (1, 1) -> 0


def test_xor_with_one_hidden_unit_is_explained(at):
    at.slider(key="uth_xor_hidden").set_value(1).run()
    assert any("XOR needs two" in info.value for info in at.info)


def test_offline_imdb_is_explained_and_generated_reviews_train(at):
    assert "imdb.npz" in at.warning[0].value and "Download" in at.warning[0].value
    assert at.radio(key="uth_text_source").options == ["Generated reviews (made-up, works offline)"]
    at.slider(key="uth_text_epochs").set_value(3)
    at.button(key="uth_text_start_btn").click().run()
    rerun_until(at, lambda at: all(run.ended for run in at.session_state["uth_text_runs"]))
    at.run()
    assert not at.exception
    run = at.session_state["uth_text_runs"][0]
    assert len(run.history.epochs) == 3 and run.history.last.test_accuracy > 0.8  # on the validation set
    assert at.slider(key="uth_text_epochs").disabled  # settings are fixed until Reset
    at.text_area(key="uth_text_review").set_value("awful, boring, the worst film, a waste").run()
    assert float(at.metric[-1].value.rstrip("%")) < 50
    assert any("Negative" in m.value for m in at.markdown)
    assert at.button(key="uth_text_start_btn").label == "Finished"  # no Resume on a finished run
    assert not any(button.label == "Resume" for button in at.button)
    at.button(key="uth_text_reset_btn").click().run()
    assert "uth_text_runs" not in at.session_state
    assert at.button(key="uth_text_start_btn").label == "Start training"


def test_from_scratch_mnist_starts_on_click_and_pauses(at, monkeypatch):
    # a tick trains exactly one batch of each run, however fast the machine: the run cannot finish
    # (or pass its progress text) before the test looks at it
    monkeypatch.setattr(live_driver, "CHUNK_S", 0.0)
    at.selectbox(key="uth_mnist_limit").set_value(6000)
    at.slider(key="uth_mnist_epochs").set_value(1)
    at.button(key="uth_mnist_start_btn").click().run()
    assert not at.exception
    runs = at.session_state["uth_mnist_runs"]
    assert [run.label for run in runs] == ["from scratch", "Keras Dense"]
    assert [run.samples_done for run in runs] == [naive_tf.BATCH_SIZE] * 2  # one batch each
    texts = progress_texts(at)
    assert len(texts) == 2 and all("epoch 1/1" in text and "samples/s" in text for text in texts), texts
    at.button(key="uth_mnist_pause_btn").click().run()
    assert at.button(key="uth_mnist_start_btn").label == "Resume"  # paused part-way: it can go on
    done = [run.samples_done for run in runs]
    at.run()
    assert [run.samples_done for run in runs] == done  # paused: nothing trains
    monkeypatch.setattr(live_driver, "CHUNK_S", 0.6)  # the page's own chunks again, to finish the epoch
    at.button(key="uth_mnist_start_btn").click().run()
    rerun_until(at, lambda at: all(run.ended for run in runs), limit=80)
    at.run()
    assert all(len(run.history.epochs) == 1 and 0.0 <= run.history.epochs[0].test_accuracy <= 1.0 for run in runs)
    assert all(run.progress == 1.0 for run in runs)  # one epoch of 6,000 images with the book's settings
    assert "test accuracy" in at.success[-1].value
    # Finished: nothing to resume, Reset starts over; the low result of 6,000 images x 1 epoch is explained.
    start = at.button(key="uth_mnist_start_btn")
    assert start.label == "Finished" and start.disabled and not at.button(key="uth_mnist_reset_btn").disabled
    assert not any(button.label == "Resume" for button in at.button)
    accuracies = [run.history.last.test_accuracy for run in runs]
    notes = [info.value for info in at.info if "Expected, not a bug" in info.value]
    assert min(accuracies) < naive_tf.LOW_ACCURACY  # 47 updates of plain SGD at 1e-3: still early
    assert len(notes) == 1 and "6,000 images × 1 epoch give just 47 updates" in notes[0], notes
    assert naive_tf.low_accuracy_note(60_000, 10, [0.9, 0.95]) is None  # a good result needs no excuse


def test_init_study_runs_on_click(at):
    at.multiselect(key="uth_init_configs").set_value([("sigmoid", "small"), ("relu", "he")])
    at.slider(key="uth_init_depth").set_value(4)
    at.button(key="uth_init_run").click().run()
    assert not at.exception
    studies = at.session_state["uth_init_result"]
    assert [s.norms.shape for s in studies] == [(20, 5), (20, 5)]
