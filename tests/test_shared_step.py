"""Compiled functions shared by every model of one architecture (nnlab.training.shared) train each
model exactly as its own per-model code would: the same weights, step for step."""

import numpy as np
import pytest

from nnlab.model.build import build_model
from nnlab.playground.config import DEFAULT
from nnlab.playground.session import make_data
from nnlab.training.train import Trainer, single_replica

SEED = 3


@pytest.fixture(scope="module")
def data():
    return make_data(DEFAULT)


def trainer(data, seed=SEED, jit_compile=False, config=DEFAULT):
    model = build_model(config.to_spec(), seed=seed)
    return Trainer(model, data.x_train, data.train_labels, data.x_test, data.test_labels,
                   batch_size=config.batch_size, seed=seed, jit_compile=jit_compile)


class PerModel:
    """The reference: one model with its own optimizer and its own compiled step, a batch per call,
    on the trainer's documented shuffles (argsort of stateless_uniform(seed=(seed, epoch)))."""

    def __init__(self, data, seed=SEED, config=DEFAULT):
        import keras
        import tensorflow as tf

        self.model = model = build_model(config.to_spec(), seed=seed)
        optimizer = single_replica(model.optimizer)
        optimizer.build(model.trainable_variables)
        loss_fn = keras.losses.get(model.loss)
        self.x = tf.constant(data.x_train.astype(np.float32))
        self.y = tf.constant(data.train_labels.reshape(-1, 1).astype(np.float32))
        self.seed, self.batch = seed, config.batch_size
        variables = model.trainable_variables

        @tf.function
        def step(index):
            xb, yb = tf.gather(self.x, index), tf.gather(self.y, index)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(loss_fn(yb, model(xb, training=True)))
            optimizer.apply(tape.gradient(loss, variables), variables)

        self._step = step

    def epoch(self, number: int):
        """Yield after each step of epoch ``number`` (0-based)."""
        import tensorflow as tf

        n = int(self.x.shape[0])
        order = tf.argsort(tf.random.stateless_uniform([n], seed=[self.seed, number], alg="philox"), stable=True)
        for start in range(0, n, self.batch):
            self._step(order[start:start + self.batch])
            yield

    def weights(self):
        return [w.copy() for w in self.model.get_weights()]


def weights(trainer_):
    return [w.copy() for w in trainer_.model.get_weights()]


def test_shared_functions_give_the_per_model_weights_step_for_step(data):
    shared, reference = trainer(data), PerModel(data)
    after_step = []  # the reference's weights after each of its steps, two epochs
    for number in range(2):
        for _ in reference.epoch(number):
            after_step.append(reference.weights())
    while shared.epoch < 2:  # one compiled call of the smallest size at a time (16 steps, or the epoch's rest)
        shared.train_for(0.0, max_epochs=2)
        expected = after_step[shared.steps - 1]
        for got, want in zip(weights(shared), expected, strict=True):
            np.testing.assert_array_equal(got, want)
    assert shared.steps == len(after_step) == 50


def test_students_on_one_architecture_do_not_disturb_each_other(data):
    """Two trainers taking turns on the shared functions end where each alone ends; the second one
    traced nothing."""
    from nnlab.training.shared import template_for

    alone = trainer(data, seed=5)
    alone.train_for(0.0, whole_epochs=True, max_epochs=3)
    while alone.epoch < 3:
        alone.train_for(0.0, whole_epochs=True, max_epochs=3)
    first, second = trainer(data, seed=5), trainer(data, seed=6)
    template = template_for(first.model, first.optimizer, first.loss_fn, extra=(first.binary, first.train_metrics))
    programs = template.functions[f"trainer:{first.binary}:{first.train_metrics}:False"]
    traces = programs["run_epochs"].experimental_get_tracing_count()
    while first.epoch < 3 or second.epoch < 3:
        first.train_for(0.0, whole_epochs=True, max_epochs=3)
        second.train_for(0.0, whole_epochs=True, max_epochs=3)
    assert programs["run_epochs"].experimental_get_tracing_count() == traces
    for got, want in zip(weights(first), weights(alone), strict=True):
        np.testing.assert_array_equal(got, want)
    assert not all(np.array_equal(a, b) for a, b in zip(weights(first), weights(second), strict=True))
    assert [r.train_loss for r in first.history.epochs] == [r.train_loss for r in alone.history.epochs]


def test_whole_epochs_with_xla_follow_the_same_path_within_float_rounding(data):
    """XLA fuses the same operations: the weights agree to float32 rounding, not bit for bit."""
    plain, fused = trainer(data, jit_compile=False), trainer(data, jit_compile=True)
    for run in (plain, fused):
        while run.epoch < 5:
            run.train_for(0.0, whole_epochs=True, max_epochs=5)
    for got, want in zip(weights(fused), weights(plain), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert fused.steps == plain.steps == 5 * 25


def test_another_batch_size_traces_nothing_new_without_xla(data):
    """Each student's own batch size (MNIST) must not leave a trace of its own behind: the shared
    traces stay for good."""
    from dataclasses import replace

    from nnlab.training.shared import template_for

    first = trainer(data)
    while first.epoch < 2:
        first.train_for(0.0, whole_epochs=True, max_epochs=2)
    template = template_for(first.model, first.optimizer, first.loss_fn, extra=(first.binary, first.train_metrics))
    run_epochs = template.functions[f"trainer:{first.binary}:{first.train_metrics}:False"]["run_epochs"]
    traces = run_epochs.experimental_get_tracing_count()
    other = trainer(data, config=replace(DEFAULT, batch_size=7))
    while other.epoch < 2:
        other.train_for(0.0, whole_epochs=True, max_epochs=2)
    assert other.steps == 2 * 36  # 250 points in batches of 7: 35 full ones and one of 5
    assert run_epochs.experimental_get_tracing_count() == traces
