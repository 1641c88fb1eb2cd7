"""One step under the microscope: the hand-written gradients equal tf.GradientTape's for the same batch,
and applying the inspected step equals one step of the optimizer."""

from dataclasses import replace

import numpy as np
import pytest

from nnlab.playground import inspect_step
from nnlab.playground.backprop import backprop, read_layers
from nnlab.playground.config import Hidden, PlaygroundConfig
from nnlab.playground.session import PlaygroundRun

SETUPS = {
    "default (tanh, sigmoid, cross-entropy, momentum)": PlaygroundConfig(),
    "relu and sigmoid layers, squared error, L2, Adam": PlaygroundConfig(
        layers=(Hidden(3, "relu"), Hidden(2, "sigmoid")), loss="squared_error", regularization="l2",
        reg_rate=0.01, optimizer="adam", dataset="circle", features=("x1", "x2", "x1^2", "x2^2")),
    "three classes, softmax, L1, SGD": PlaygroundConfig(dataset="three_blobs", layers=(Hidden(4, "linear"),),
                                                        regularization="l1", reg_rate=0.003, optimizer="sgd"),
    "three classes, squared error over the softmax": PlaygroundConfig(dataset="three_blobs", loss="squared_error",
                                                                       batch_size=7),
    "no hidden layer": PlaygroundConfig(layers=(), batch_size=25),
}


def trained_a_little(config: PlaygroundConfig) -> PlaygroundRun:
    run = PlaygroundRun(config)
    run.step()  # one epoch: weights away from their start, and the optimizer has state (momentum, Adam)
    return run


@pytest.mark.parametrize("name", SETUPS)
def test_shown_gradients_equal_tensorflows(name):
    run = trained_a_little(SETUPS[name])
    inspection = inspect_step.inspect(run)
    assert len(inspection.indices) == min(run.trainer.batch_size, len(run.data.x_train))
    tape = inspect_step.tensorflow_gradients(run.trainer.model, inspection.x, inspection.labels, run.trainer.loss_fn)
    shown = [g for pair in zip(inspection.numbers.dW, inspection.numbers.db, strict=True) for g in pair]
    assert len(shown) == len(tape)
    for mine, theirs in zip(shown, tape, strict=True):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, atol=2e-6, rtol=1e-4)
    assert np.abs(np.concatenate([g.ravel() for g in tape])).max() > 1e-4  # a test that could fail


@pytest.mark.parametrize("name", SETUPS)
def test_the_loss_is_the_trainers(name):
    run = trained_a_little(SETUPS[name])
    inspection = inspect_step.inspect(run)
    import tensorflow as tf

    model = run.trainer.model
    binary = model.output_shape[-1] == 1
    y = inspection.labels.reshape(-1, 1).astype(np.float32) if binary else inspection.labels.astype(np.int32)
    keras_loss = float(tf.reduce_mean(run.trainer.loss_fn(tf.constant(y), model(inspection.x, training=True))))
    assert inspection.numbers.data_loss == pytest.approx(keras_loss, rel=1e-4, abs=1e-6)
    penalty = float(sum(model.losses)) if model.losses else 0.0
    assert inspection.numbers.penalty == pytest.approx(penalty, rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("name", SETUPS)
def test_applying_the_step_equals_one_optimizer_step(name):
    import tensorflow as tf

    run, twin = trained_a_little(SETUPS[name]), trained_a_little(SETUPS[name])
    for a, b in zip(run.trainer.model.weights, twin.trainer.model.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    before = [np.array(v.numpy()) for v in run.trainer.model.weights]
    inspection = inspect_step.inspect(run)
    # Inspecting changes nothing.
    for value, variable in zip(before, run.trainer.model.weights, strict=True):
        np.testing.assert_array_equal(value, variable.numpy())
    assert inspect_step.apply(run, inspection)
    # The twin takes one ordinary optimizer step on the same batch with TensorFlow's own gradients.
    model = twin.trainer.model
    grads = inspect_step.tensorflow_gradients(model, inspection.x, inspection.labels, twin.trainer.loss_fn)
    variables = [v for layer in model.layers if hasattr(layer, "kernel") for v in (layer.kernel, layer.bias)]
    twin.trainer.optimizer.apply([tf.constant(g) for g in grads], variables)
    for mine, theirs, _old in zip(run.trainer.model.weights, model.weights, before, strict=True):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), atol=1e-6)
    moved = max(float(np.max(np.abs(v.numpy() - old))) for v, old in zip(run.trainer.model.weights, before, strict=True))
    assert moved > 1e-6
    # The shown updates are what the step did.
    dense = [layer for layer in run.trainer.model.layers if hasattr(layer, "kernel")]
    parts = (dense, inspection.W, inspection.b, inspection.dW_update, inspection.db_update)
    for layer, W, b, dW, db in zip(*parts, strict=True):
        np.testing.assert_allclose(W + dW, layer.kernel.numpy(), atol=1e-6)
        np.testing.assert_allclose(b + db, layer.bias.numpy(), atol=1e-6)


def test_a_stale_inspection_is_not_applied():
    run = trained_a_little(PlaygroundConfig())
    inspection = inspect_step.inspect(run)
    run.step()
    after_epoch = [np.array(v.numpy()) for v in run.trainer.model.weights]
    assert not inspect_step.is_current(run, inspection)
    assert not inspect_step.apply(run, inspection)
    for value, variable in zip(after_epoch, run.trainer.model.weights, strict=True):
        np.testing.assert_array_equal(value, variable.numpy())


def test_plain_sgd_updates_are_minus_the_learning_rate_times_the_gradient():
    run = trained_a_little(replace(PlaygroundConfig(), optimizer="sgd", learning_rate=0.03))
    inspection = inspect_step.inspect(run)
    updates, grads = inspection.dW_update + inspection.db_update, inspection.numbers.dW + inspection.numbers.db
    for update, grad in zip(updates, grads, strict=True):
        np.testing.assert_allclose(update, -0.03 * grad, atol=1e-7)
    assert inspection.rule.startswith("SGD: Δw = −η·∂L/∂w")


def test_successive_inspections_take_other_batches():
    first, second = (inspect_step.choose_batch(250, 10, 0, count) for count in (0, 1))
    assert len(set(first)) == 10 and not np.array_equal(first, second)
    np.testing.assert_array_equal(first, inspect_step.choose_batch(250, 10, 0, 0))
    assert len(inspect_step.choose_batch(5, 10, 0, 0)) == 5


def test_the_step_lowers_the_loss_on_its_batch_with_a_small_learning_rate():
    run = trained_a_little(replace(PlaygroundConfig(), optimizer="sgd", learning_rate=0.01))
    inspection = inspect_step.inspect(run)
    inspect_step.apply(run, inspection)
    after = backprop(read_layers(run.trainer.model), inspection.x, inspection.labels, inspection.loss).loss
    assert after < inspection.numbers.loss
