"""One step under the microscope: one mini-batch through the playground's network, and back.

:func:`inspect` takes a mini-batch of the training points (the ``batch_size`` the page trains with,
drawn from the run's seed), runs it forward and backward by hand (:mod:`nnlab.playground.backprop`:
every activation, the loss, every delta and gradient) and asks the run's own optimizer what it
would do with those gradients: the optimizer takes its step on the real weights, the new values
are read, and the weights and the optimizer's state are put back. So the updates shown are exactly
the optimizer's (SGD: ``Δw = −η·∂L/∂w``; Adam and RMSprop from their running averages), and
:func:`apply` makes them real: the weights and the optimizer's state after one optimizer step.

A test compares the hand-written gradients with ``tf.GradientTape`` on the same model and batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlab.playground.backprop import Pass, backprop, dense_layers, read_layers


def choose_batch(n_train: int, batch_size: int, seed: int, count: int) -> np.ndarray:
    """Indices of ``min(batch_size, n_train)`` training points, the ``count``-th inspection from ``seed``."""
    rng = np.random.default_rng([seed, count])
    return np.sort(rng.permutation(n_train)[:min(batch_size, n_train)])


def loss_name(trainer) -> str:
    """The Keras name of the trainer's loss (``binary_crossentropy``, ``sparse_squared_error``...)."""
    function = trainer.loss_fn
    return getattr(function, "__name__", None) or type(function).__name__


def update_rule(optimizer, learning_rate: float) -> str:
    """How the optimizer turns a gradient into a step, in words and symbols."""
    name = type(optimizer).__name__
    momentum = float(getattr(optimizer, "momentum", 0.0) or 0.0)
    if name == "SGD" and momentum == 0:
        return f"SGD: Δw = −η·∂L/∂w with η = {learning_rate:g}"
    if name == "SGD":
        return f"SGD with momentum: v ← {momentum:g}·v − η·∂L/∂w, Δw = v, η = {learning_rate:g}"
    return f"{name}: Δw from ∂L/∂w and its running averages, η = {learning_rate:g}"


def _state(trainer) -> list:
    """The variables one optimizer step changes: the model's weights, then the optimizer's own."""
    return list(trainer.model.trainable_variables) + list(trainer.optimizer.variables)


@dataclass(frozen=True)
class StepInspection:
    """One mini-batch, its forward and backward pass, and what one optimizer step does to each weight.

    ``dW_update[l]`` / ``db_update[l]``: the change the step makes (new − old); ``after``: every
    variable of :func:`_state` after the step, for :func:`apply`; ``before``: the same before it.
    """

    indices: np.ndarray
    points: np.ndarray
    labels: np.ndarray
    x: np.ndarray
    numbers: Pass
    W: list[np.ndarray]
    b: list[np.ndarray]
    activations: list[str]
    dW_update: list[np.ndarray]
    db_update: list[np.ndarray]
    rule: str
    learning_rate: float
    loss: str
    before: list[np.ndarray]
    after: list[np.ndarray]


def _gradient_tensors(trainer, numbers: Pass) -> tuple[list, list]:
    import tensorflow as tf

    grads, variables = [], []
    for layer, dW, db in zip(dense_layers(trainer.model), numbers.dW, numbers.db, strict=True):
        grads += [tf.constant(dW, dtype=layer.kernel.dtype), tf.constant(db, dtype=layer.bias.dtype)]
        variables += [layer.kernel, layer.bias]
    return grads, variables


def inspect(run, count: int = 0) -> StepInspection:
    """Inspect one step of ``run`` (a :class:`~nnlab.playground.session.PlaygroundRun`, paused); the model
    is left exactly as it was."""
    trainer, data = run.trainer, run.data
    indices = choose_batch(len(data.x_train), trainer.batch_size, trainer.seed, count)
    x, labels = data.x_train[indices], data.train_labels[indices]
    with trainer.lock:
        layers = read_layers(trainer.model)
        numbers = backprop(layers, x, labels, loss_name(trainer))
        state = _state(trainer)
        before = [np.array(v.numpy()) for v in state]
        grads, variables = _gradient_tensors(trainer, numbers)
        trainer.optimizer.apply(grads, variables)
        after = [np.array(v.numpy()) for v in state]
        for variable, value in zip(state, before, strict=True):
            variable.assign(value)
    new = {id(v): value for v, value in zip(state, after, strict=True)}
    old = {id(v): value for v, value in zip(state, before, strict=True)}
    dense = dense_layers(trainer.model)
    rate = float(trainer.learning_rate)
    dW = [new[id(layer.kernel)].astype(np.float64) - old[id(layer.kernel)] for layer in dense]
    db = [new[id(layer.bias)].astype(np.float64) - old[id(layer.bias)] for layer in dense]
    return StepInspection(indices, data.train_points[indices], labels, x, numbers, [layer.W for layer in layers],
                          [layer.b for layer in layers], [layer.activation for layer in layers], dW, db,
                          update_rule(trainer.optimizer, rate), rate, loss_name(trainer),
                          before, after)


def is_current(run, inspection: StepInspection) -> bool:
    """True while the run's model and optimizer are still where the inspection found them."""
    state = _state(run.trainer)
    return len(state) == len(inspection.before) and all(
        np.array_equal(v.numpy(), value) for v, value in zip(state, inspection.before, strict=True))


def apply(run, inspection: StepInspection) -> bool:
    """Take the inspected step: the weights and the optimizer's state become the step's ``after``.

    Returns False (nothing changed) when the model has moved since the inspection (trained, edited).
    """
    trainer = run.trainer
    with trainer.lock:
        if not is_current(run, inspection):
            return False
        for variable, value in zip(_state(trainer), inspection.after, strict=True):
            variable.assign(value)
    return True


def tensorflow_gradients(model, x: np.ndarray, labels: np.ndarray, loss_fn) -> list[np.ndarray]:
    """``tf.GradientTape`` gradients of the mean loss plus the penalties, as the trainer's step takes them,
    for each Dense layer's kernel and bias in turn."""
    import tensorflow as tf

    binary = model.output_shape[-1] == 1
    y = np.asarray(labels).reshape(-1, 1).astype(np.float32) if binary else np.asarray(labels).astype(np.int32)
    variables = [v for layer in dense_layers(model) for v in (layer.kernel, layer.bias)]
    with tf.GradientTape() as tape:
        pred = model(tf.constant(np.asarray(x, dtype=np.float32)), training=True)
        total = tf.reduce_mean(loss_fn(tf.constant(y), pred))
        if model.losses:
            total = total + tf.add_n(model.losses)
    return [g.numpy() for g in tape.gradient(total, variables)]
