"""Page tests (streamlit AppTest) for the 2D playground: Step, Reset, lessons, links, bad input."""

from urllib.parse import parse_qsl, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from nnlab.playground.config import DEFAULT, from_query, to_query
from nnlab.training.live import DIVERGED, RUNNING
from tests.apptest import APP, run_page

PAGE = "pages/2_Playground.py"


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def playing(at) -> bool:
    """Whether the session's playground run trains (Play pressed, not paused since)."""
    return at.session_state["pg_run"].state == RUNNING


def open_with_query(query: dict) -> AppTest:
    """The playground opened from a shared link (query string)."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(query)
    at.run()
    return at.switch_page(PAGE).run()


@pytest.fixture
def playground():
    """A fresh session on the playground for each test."""
    at = run_page(PAGE, timeout=90)
    assert not at.exception, at.exception
    return at


def test_step_trains_one_epoch_at_a_time_and_reset_goes_back_to_zero(playground):
    at = playground
    assert metric(at, "Epoch") == "0" and metric(at, "Speed") == "paused"
    assert [b.label for b in at.button if b.label in ("Play", "Pause", "Step", "Reset")] == [
        "Play", "Pause", "Step", "Reset"]
    at.button(key="pg_step").click().run()
    assert metric(at, "Epoch") == "1"
    first_loss = metric(at, "Training loss")
    assert float(first_loss) > 0
    at.button(key="pg_step").click().run()
    assert metric(at, "Epoch") == "2" and metric(at, "Training loss") != first_loss
    assert at.session_state["pg_run"].trainer.steps == 2 * 25  # 250 points, batch 10
    at.button(key="pg_reset").click().run()
    assert metric(at, "Epoch") == "0" and metric(at, "Training loss") == "–"
    at.button(key="pg_step").click().run()
    assert metric(at, "Training loss") == first_loss  # the same starting weights, the same first epoch
    assert not at.exception


def test_play_and_pause_flip_the_state(playground):
    at = playground
    at.button(key="pg_play").click().run()  # AppTest runs the fragment once per run: one chunk
    assert playing(at) and at.button(key="pg_pause").disabled is False
    assert int(metric(at, "Epoch").replace(",", "")) > 1
    at.button(key="pg_pause").click().run()
    assert not playing(at) and metric(at, "Speed") == "paused"


def test_a_paused_run_draws_its_pictures_once_for_each_state_of_its_weights(playground):
    at = playground
    at.button(key="pg_step").click().run()
    drawn = at.session_state["pg_still_frame"][1]
    at.run()  # a rerun with nothing trained (a paused student's page or its fragment ticking)
    assert at.session_state["pg_still_frame"][1] is drawn
    at.button(key="pg_step").click().run()
    assert at.session_state["pg_still_frame"][1] is not drawn  # one epoch on: drawn again
    assert metric(at, "Epoch") == "2" and not at.exception


def test_a_lesson_loads_its_setup_explains_it_and_the_url_follows(playground):
    at = playground
    at.button(key="pg_lesson_xor_hidden_layer").click().run()
    config = at.session_state["pg_config"]
    assert config.layers == () and config.dataset == "xor_corners"
    assert any("straight line" in text.value for text in at.sidebar.markdown)  # the lesson player's step
    assert metric(at, "Epoch") == "0"
    assert at.query_params["layers"] == "none" and at.query_params["data"] == "xor_corners"
    link = next(code.value for code in at.code if "layers=none" in code.value)
    assert from_query(dict(parse_qsl(urlparse(link).query)))[0] == config


def test_plus_and_minus_edit_the_network(playground):
    at = playground
    at.button(key="pg_lesson_xor_hidden_layer").click().run()  # no hidden layer
    at.button(key="lesson_next").click().run()  # step 2: add one
    revision = at.session_state["pg_rev"]
    at.button(key=f"pg_{revision}_layer_plus").click().run()
    revision = at.session_state["pg_rev"]
    at.button(key=f"pg_{revision}_layer_plus").click().run()
    revision = at.session_state["pg_rev"]
    at.button(key=f"pg_{revision}_units_plus_1").click().run()
    assert [h.units for h in at.session_state["pg_config"].layers] == [2, 3]
    revision = at.session_state["pg_rev"]
    at.selectbox(key=f"pg_{revision}_activation_0").set_value("relu").run()
    assert at.session_state["pg_config"].layers[0].activation == "relu"
    assert at.query_params["layers"] == "2:relu,3:tanh"
    assert not at.exception


def test_a_shared_link_opens_its_setup_and_hides_chosen_controls():
    query = to_query(DEFAULT.__class__(dataset="circle", layers=(), features=("x1^2", "x2^2"), learning_rate=0.1,
                                       hide=frozenset({"data", "network"})))
    at = open_with_query(query)
    assert not at.exception
    config = at.session_state["pg_config"]
    assert config.dataset == "circle" and config.features == ("x1^2", "x2^2") and config.hide == {"data", "network"}
    labels = [w.label for w in at.selectbox] + [w.label for w in at.slider]
    assert "Dataset" not in labels and "Noise" not in labels  # the data controls are hidden
    assert "Learning rate" in [w.label for w in at.select_slider]
    editor = {"+ layer", "− layer", "+ neuron", "− neuron"}
    assert not any(b.label in editor for b in at.button)  # the network editor is hidden


def test_a_bad_link_is_explained_and_no_features_is_refused():
    at = open_with_query({"lr": "abc", "features": "none"})
    assert not at.exception
    assert any("Ignored lr='abc'" in w.value for w in at.warning)
    assert any("at least one input feature" in e.value for e in at.error)
    assert not at.metric  # nothing to train, nothing drawn


def test_a_diverging_learning_rate_stops_with_a_message():
    at = open_with_query({"data": "spiral", "layers": "8:linear,8:linear", "lr": "10", "opt": "sgd"})
    at.button(key="pg_play").click().run()
    assert not at.exception
    assert not playing(at) and at.session_state["pg_run"].state == DIVERGED  # stopped at once
    assert any("NaN" in e.value and "smaller" in e.value for e in at.error)
    at.button(key="pg_reset").click().run()
    assert not at.error and metric(at, "Epoch") == "0"


def test_the_intro_and_the_network_caption_name_the_classes_of_the_data_set():
    two = open_with_query({"data": "xor"})
    assert any("tell orange points from blue ones" in c.value for c in two.caption)
    three = open_with_query({"data": "three_blobs"})
    assert not three.exception
    captions = [c.value for c in three.caption]
    assert any("sort points into 3 classes: orange, blue and green" in c for c in captions), captions
    assert not any("orange points from blue" in c for c in captions)
    assert any("probability of each class (orange, blue and green), in its colour" in c for c in captions)

