"""Race two setups: one thing differs, the same seed and data, and the two runs advance in step."""

from dataclasses import asdict

import numpy as np
import pytest

from nnlab.playground.config import PlaygroundConfig
from nnlab.playground.race import CHANGES, make_race, other_value, race_configs
from nnlab.plots.race import race_loss_figure
from nnlab.training.live import PAUSED, RUNNING


@pytest.mark.parametrize("name", CHANGES)
def test_the_two_setups_differ_only_in_the_chosen_field(name):
    change = CHANGES[name]
    base = PlaygroundConfig()
    value_a = change.read(base)
    value_b = other_value(change, value_a)
    assert value_b != value_a and value_b in change.options
    a, b = race_configs(base, change, value_a, value_b)
    assert change.read(a) == value_a and change.read(b) == value_b
    differing = {key for key, value in asdict(a).items() if asdict(b)[key] != value}
    assert differing == ({"layers"} if name in ("units", "activation") else {name})
    assert a.data_key() == b.data_key() and a.seed == b.seed


def test_the_default_rivals_are_the_textbook_ones():
    assert other_value(CHANGES["units"], 4) == 2 and other_value(CHANGES["units"], 2) == 4
    assert other_value(CHANGES["activation"], "tanh") == "relu"


def test_racers_start_from_the_same_weights_and_data_and_stay_in_step():
    legs = make_race(PlaygroundConfig(), CHANGES["activation"], "tanh", "relu")
    first, second = legs
    assert [leg.state for leg in legs] == [RUNNING, RUNNING]
    assert first.title == "A: Tanh" and second.title == "B: ReLU"
    for a, b in zip(first.trainer.model.weights, second.trainer.model.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())  # the same seed: only the activation differs
    np.testing.assert_array_equal(first.data.x_train, second.data.x_train)
    for _ in range(3):  # as the live driver does: each running run in turn, a share of the budget each
        for leg in legs:
            leg.advance(0.05)
        assert first.trainer.epoch == second.trainer.epoch > 0
    for leg in legs:
        leg.pause()
    assert [leg.state for leg in legs] == [PAUSED, PAUSED]


def test_the_second_racer_goes_on_alone_once_the_first_has_stopped():
    first, second = make_race(PlaygroundConfig(), CHANGES["units"], 4, 2)
    first.advance(0.02)
    second.advance(0.02)
    first.pause()
    reached = first.trainer.epoch
    second.advance(0.05)
    assert second.trainer.epoch > reached
    for leg in (first, second):
        leg.pause()


def test_the_overlaid_curves_have_a_colour_and_a_dash_per_setup():
    figure = race_loss_figure([("A: Tanh", [1, 2, 3], [0.7, 0.5, 0.4], [0.8, 0.6, 0.5]),
                               ("B: ReLU", [1, 2, 3], [0.7, 0.3, 0.1], [None, None, None])])
    names = [trace.name for trace in figure.data]
    assert names == ["A: Tanh: training", "A: Tanh: test", "B: ReLU: training"]
    assert figure.data[0].line.color != figure.data[2].line.color
    assert figure.data[0].line.dash != figure.data[2].line.dash
    import plotly.graph_objects as go

    go.Figure(figure.to_dict())  # every property valid
