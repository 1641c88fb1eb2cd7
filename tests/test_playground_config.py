"""The playground setup: URL round trips, bad links explained, network editing, the lessons' claims."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlab.model.spec import ACTIVATIONS, FEATURES
from nnlab.playground.config import (
    BATCH_RANGE,
    CONTROL_GROUPS,
    DATASET_ORDER,
    DEFAULT,
    LEARNING_RATES,
    LOSSES,
    MAX_LAYERS,
    MAX_UNITS,
    OPTIMIZERS,
    REG_RATES,
    REGULARIZATIONS,
    Hidden,
    PlaygroundConfig,
    from_query,
    to_query,
)
from nnlab.playground.lessons import shipped_step_config
from nnlab.playground.session import PlaygroundRun

configs = st.builds(
    PlaygroundConfig,
    dataset=st.sampled_from(DATASET_ORDER),
    noise=st.integers(0, 50),
    train_percent=st.integers(10, 90),
    points=st.integers(50, 1000),
    data_seed=st.integers(0, 1000),
    features=st.lists(st.sampled_from(FEATURES), unique=True).map(lambda f: tuple(x for x in FEATURES if x in f)),
    layers=st.lists(st.builds(Hidden, st.integers(1, MAX_UNITS), st.sampled_from(ACTIVATIONS)), max_size=MAX_LAYERS)
    .map(tuple),
    learning_rate=st.sampled_from(LEARNING_RATES),
    batch_size=st.integers(*BATCH_RANGE),
    optimizer=st.sampled_from(list(OPTIMIZERS)),
    loss=st.sampled_from(list(LOSSES)),
    regularization=st.sampled_from(list(REGULARIZATIONS)),
    reg_rate=st.sampled_from(REG_RATES),
    seed=st.integers(0, 1000),
    show_test=st.booleans(),
    discretize=st.booleans(),
    hide=st.frozensets(st.sampled_from(list(CONTROL_GROUPS))),
)


@settings(max_examples=200, deadline=None)
@given(configs)
def test_every_setup_survives_the_round_trip_through_a_link(config):
    query = to_query(config)
    assert all(isinstance(value, str) for value in query.values())
    assert from_query(query) == (config, [])


def test_a_link_with_nonsense_keeps_the_defaults_and_says_what_it_ignored():
    config, ignored = from_query({"data": "mnist", "lr": "0.5", "layers": "99:tanh", "batch": "-3", "noise": "x",
                                  "features": "x1,x3", "test": "yes", "hide": "data,everything", "opt": "momentum"})
    assert config == replace(DEFAULT, hide=frozenset({"data"}))
    text = " ".join(ignored)
    for key in ("data=", "lr=", "layers=", "batch=", "noise=", "features=", "test=", "hide="):
        assert key in text
    assert len(ignored) == 8


def test_a_link_with_lists_and_no_hidden_layer():
    config, ignored = from_query({"layers": "none", "features": ["x1sq,x2sq"], "lr": "3", "seed": "7"})
    assert ignored == []
    assert config.layers == () and config.features == ("x1^2", "x2^2")
    assert config.learning_rate == 3.0 and config.seed == 7


def test_editing_the_network_respects_the_limits():
    config = replace(DEFAULT, layers=())
    assert config.remove_layer().layers == ()
    for _ in range(MAX_LAYERS + 2):
        config = config.add_layer()
    assert len(config.layers) == MAX_LAYERS
    config = config.change_units(0, -10).change_units(1, +10).change_activation(2, "relu")
    assert [h.units for h in config.layers[:2]] == [1, MAX_UNITS] and config.layers[2].activation == "relu"


def test_what_starts_training_over_and_what_does_not():
    live = replace(DEFAULT, learning_rate=0.3, batch_size=5, show_test=True, discretize=True)
    assert live.model_key() == DEFAULT.model_key() and live.data_key() == DEFAULT.data_key()
    assert replace(DEFAULT, seed=1).model_key() != DEFAULT.model_key()
    assert replace(DEFAULT, noise=10).data_key() != DEFAULT.data_key()
    assert replace(DEFAULT, reg_rate=0.1).model_key() == DEFAULT.model_key()  # no regularization: rate unused


def test_problems_and_notes():
    assert DEFAULT.problems() == [] and DEFAULT.notes() == []
    assert "at least one input feature" in replace(DEFAULT, features=()).problems()[0]
    note = replace(DEFAULT, points=50, train_percent=10, batch_size=64).notes()[0]
    assert "larger than the 5 training points" in note
    spec = replace(DEFAULT, dataset="three_blobs", regularization="l2", reg_rate=0.01).to_spec()
    assert spec.n_classes == 3 and spec.reg_rate == 0.01 and spec.validate()


# The one-click setups that were the playground's lessons are steps of lessons/01 and 02 now.
OLD_LESSONS = {
    "xor_no_hidden": lambda: shipped_step_config("xor_hidden_layer", 1),
    "xor_hidden_2": lambda: shipped_step_config("xor_hidden_layer", 2).add_layer(),  # the student's "+ layer"
    "and_one_unit": lambda: shipped_step_config("one_neuron", 2),
    "or_one_unit": lambda: shipped_step_config("one_neuron", 3),
    "circle_features": lambda: shipped_step_config("xor_hidden_layer", 3),
}


def train_lesson(name: str, epochs: int):
    run = PlaygroundRun(OLD_LESSONS[name]())
    while run.trainer.epoch < epochs:
        run.trainer.train_for(1.0, max_epochs=epochs)
    return run.trainer.history


@pytest.mark.parametrize("name", ["xor_hidden_2", "and_one_unit", "or_one_unit", "circle_features"])
def test_lessons_that_work_reach_full_accuracy(name):
    history = train_lesson(name, 25)
    assert max(history.series("train_accuracy")) == 1.0


def test_xor_without_a_hidden_layer_never_passes_three_corners_of_four():
    history = train_lesson("xor_no_hidden", 40)
    assert max(history.series("train_accuracy")) <= 0.76


def test_a_lesson_step_keeps_the_display_switches_and_sets_its_hidden_controls():
    mine = replace(DEFAULT, show_test=True, hide=frozenset({"data"}), layers=(Hidden(8, "relu"),))
    lesson = shipped_step_config("one_neuron", 2, mine)
    assert lesson.show_test and lesson.hide == {"network"} and lesson.layers == () and lesson.dataset == "and"


@settings(max_examples=5, deadline=None, derandomize=True)
@given(configs)
def test_any_setup_trains_and_draws_or_says_why_not(config):
    """Every combination of the page's controls either trains and draws, or is refused with a reason."""
    if config.problems():
        assert not config.features  # the only setup the page refuses
        return
    run = PlaygroundRun(config)
    run.trainer.step()
    assert run.trainer.epoch == 1 or run.trainer.diverged
    paused, live = run.frame(config), run.frame(config, live=True)
    assert paused.boundary.data and isinstance(live.boundary, bytes) and isinstance(live.network, bytes)
