"""The playground's tasks beyond two classes: k-class softmax, regression, dropout, schedules, own points."""

import math

import numpy as np
import pytest

from nnlab.model.schedules import COSINE_EPOCHS, SCHEDULES, STEP_EPOCHS
from nnlab.playground.config import OWN, Hidden, PlaygroundConfig
from nnlab.playground.own_points import OwnPoints
from nnlab.playground.session import PlaygroundRun


def train(config: PlaygroundConfig, epochs: int) -> PlaygroundRun:
    run = PlaygroundRun(config)
    for _ in range(epochs):
        run.step()
    return run


def test_softmax_separates_four_well_separated_classes():
    config = PlaygroundConfig(dataset="four_blobs", points=400, optimizer="adam", learning_rate=0.03, batch_size=10,
                              layers=(Hidden(4, "tanh"),), seed=1)
    run = train(config, 30)
    assert run.spec.output_units == 4 and run.spec.output_activation == "softmax"
    assert run.trainer.history.last.test_accuracy >= 0.95


def test_a_regression_set_gets_a_linear_output_and_the_squared_error():
    config = PlaygroundConfig(dataset="plane", loss="cross_entropy", optimizer="adam", learning_rate=0.03)
    assert config.regression and config.loss_in_use == "squared_error" and config.problems() == []
    run = train(config, 20)
    assert run.spec.output_activation == "linear" and run.trainer.model.loss == "mean_squared_error"
    assert run.trainer.history.last.test_loss < 0.01  # the plane is a linear function: easy
    frame = run.frame(config)
    assert frame.confusion is None and frame.plane.shape == (100, 100)
    # the plane's colour follows the output: low at (-6, -6) (row 0, column 0), high at (6, 6)
    assert frame.plane[0, 0] < 0.2 and frame.plane[-1, -1] > 0.8


def test_dropout_layers_train_and_the_pictures_keep_one_column_per_dense_layer():
    config = PlaygroundConfig(dataset="circle", layers=(Hidden(6, "relu", 0.3), Hidden(3, "tanh")))
    assert [layer.kind for layer in config.to_spec().layers] == ["dense", "dropout", "dense"]
    run = train(config, 3)
    assert [layer.kind for layer in run.drawn_spec.layers] == ["dense", "dense"]
    assert run.frame(config).network is not None


def test_schedules_give_their_rates():
    constant, step, cosine = SCHEDULES["constant"], SCHEDULES["step"], SCHEDULES["cosine"]
    assert [constant.rate(0.1, e) for e in (0, 1000)] == [0.1, 0.1]
    assert [step.rate(0.1, e) for e in (0, STEP_EPOCHS - 1, STEP_EPOCHS, 2 * STEP_EPOCHS)] == [0.1, 0.1, 0.05, 0.025]
    assert cosine.rate(0.1, 0) == pytest.approx(0.1)
    assert cosine.rate(0.1, COSINE_EPOCHS // 2) == pytest.approx(0.001 + 0.099 / 2)
    assert cosine.rate(0.1, COSINE_EPOCHS) == cosine.rate(0.1, 10 * COSINE_EPOCHS) == pytest.approx(0.001)
    assert step.epochs_left(STEP_EPOCHS - 3) == 3 and constant.epochs_left(7) is None


def test_a_run_trains_each_stretch_at_the_schedules_rate():
    config = PlaygroundConfig(dataset="xor", points=100, schedule="step", learning_rate=0.1)
    run = PlaygroundRun(config)
    run.resume()
    while run.trainer.epoch <= STEP_EPOCHS:
        run.advance(0.1)
    # a stretch never crosses a change of rate: the last epoch trained was trained at its own rate
    last_trained = run.trainer.epoch - 1
    assert math.isclose(run.trainer.learning_rate, SCHEDULES["step"].rate(0.1, last_trained), rel_tol=1e-6)
    assert run.current_rate == SCHEDULES["step"].rate(0.1, run.trainer.epoch) <= 0.05


def test_five_classes_behind_one_neuron_still_train_and_the_page_says_why_they_cannot_separate():
    config = PlaygroundConfig(dataset="five_blobs", layers=(Hidden(4, "tanh"), Hidden(1, "tanh")))
    assert config.problems() == []
    assert any("the last hidden layer has 1 neuron" in note and "cannot separate" in note for note in config.notes())
    run = train(config, 5)
    assert np.isfinite(run.trainer.history.last.train_loss)


def test_own_points_are_a_data_set_and_clicks_change_it():
    own = OwnPoints().add(-3, -3, 0).add(3, 3, 1).add(-3, 3, 2)
    assert own.n_classes == 3 and len(own) == 3
    assert len(own.erase(-3.1, -2.9)) == 2 and len(own.erase(0, 0)) == 3
    config = PlaygroundConfig(dataset=OWN, own=own)
    assert config.n_classes == 3 and config.total_points == 3 and config.problems() == []
    assert PlaygroundConfig(dataset=OWN, own=own.cleared()).problems()[0].startswith("Add at least two points")
    run = train(config, 2)
    assert run.trainer.n_train + run.trainer.n_test == 3
    assert not run.matches(PlaygroundConfig(dataset=OWN, own=own.add(0, 0, 1)))
