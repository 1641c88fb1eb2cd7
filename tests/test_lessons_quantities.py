"""Every check of every shipped lesson evaluates on a real state: a trained playground run, a finished MNIST run."""

import math

import pytest

from nnlab.lessons.catalog import shipped
from nnlab.lessons.quantities import QUANTITIES, empty_values, mnist_values, playground_values
from nnlab.mnist.run import MnistRun
from nnlab.model.presets import PRESETS
from nnlab.playground.lessons import LOCKED_FIELDS, enforce_locks, shipped_step_config
from nnlab.playground.session import PlaygroundRun
from tests.mnist_helpers import settings, small_mnist


def trained(config, epochs: int) -> PlaygroundRun:
    run = PlaygroundRun(config)
    while run.trainer.epoch < epochs:
        run.trainer.train_for(1.0, max_epochs=epochs)
    return run


@pytest.fixture(scope="module")
def real_values():
    """The quantities of a session that did lesson 2's step 2 (one hidden layer added, trained) and trained a
    small MNIST network to the end."""
    config = shipped_step_config("xor_hidden_layer", 2).add_layer()
    run = trained(config, 30)
    values = empty_values()
    values.update(playground_values(config, run.trainer))
    mnist = MnistRun(PRESETS["Basic 784-128-10"], settings(epochs=1), data=small_mnist())
    while not mnist.ended:
        mnist.advance(1.0)
    values.update(mnist_values(mnist, mnist.evaluation))
    return values


def test_the_playground_quantities_are_the_runs_own_numbers(real_values):
    values = real_values
    assert values["hidden_layers"] == 1 and values["neurons"] == 2 and values["activation"] == "tanh"
    assert values["dataset"] == "xor_corners" and values["learning_rate"] == 0.03 and values["features"] == 2
    assert values["epochs"] == 30 and values["diverged"] == 0
    assert 0 <= values["test_accuracy"] <= 1 and values["test_loss"] > 0
    assert math.isclose(values["loss_gap"], values["test_loss"] - values["train_loss"])


def test_the_mnist_quantities_are_the_runs_own_numbers(real_values):
    values = real_values
    assert values["mnist_epochs"] == 1 and values["mnist_dense_layers"] == 1 and values["mnist_conv_layers"] == 0
    assert 0.5 < values["mnist_test_accuracy"] <= 1 and 0.5 < values["mnist_validation_accuracy"] <= 1
    assert values["mnist_batch_size"] == 16 and values["mnist_dropout_layers"] == 0


def test_every_shipped_check_evaluates(real_values):
    count = 0
    for lesson in shipped():
        for step in lesson.steps:
            for check in step.checks:
                assert check.quantity in QUANTITIES
                assert isinstance(check.met(real_values[check.quantity]), bool)
                count += 1
    assert count >= 30
    lesson_2 = next(lesson for lesson in shipped() if lesson.id == "xor_hidden_layer")
    met = [check.met(real_values[check.quantity]) for check in lesson_2.steps[1].checks]
    assert met[0] is True  # a hidden layer exists
    assert met[1] == (real_values["test_accuracy"] >= 0.95)


def test_nothing_measured_meets_nothing():
    values = empty_values()
    assert not any(check.met(values[check.quantity]) for lesson in shipped() for step in lesson.steps
                   for check in step.checks)
    assert playground_values(shipped_step_config("xor_hidden_layer", 1))["test_accuracy"] is None


def test_a_locked_group_is_put_back():
    setup = shipped_step_config("xor_hidden_layer", 1)
    student = setup.add_layer()
    kept, changed = enforce_locks(student, setup, ("network",))
    assert kept.layers == () and changed == ["network"]
    assert enforce_locks(setup, setup, tuple(LOCKED_FIELDS)) == (setup, [])
