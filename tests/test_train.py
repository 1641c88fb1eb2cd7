"""The Trainer: chunks, epochs, history, Step, Reset, the NaN guard and the lock."""

import threading

import numpy as np
import pytest

from nnlab.datasets import make_2d
from nnlab.model.build import build_model
from nnlab.model.features import feature_matrix
from nnlab.model.spec import InputSpec, LayerSpec, ModelSpec
from nnlab.playground.config import DEFAULT
from nnlab.playground.session import PlaygroundRun
from nnlab.training.train import DIVERGED, EVAL_BATCH, READY, Trainer


def small_trainer(dataset="xor", layers=((4, "tanh"),), n=200, batch=10, seed=0, optimizer="adam",
                  learning_rate=0.03, n_classes=2, **kwargs) -> Trainer:
    spec = ModelSpec(InputSpec("points", ("x1", "x2")),
                     tuple(LayerSpec("dense", units=u, activation=a) for u, a in layers),
                     n_classes=n_classes, optimizer=optimizer, learning_rate=learning_rate, batch_size=batch)
    x, y = make_2d(dataset, n=n, seed=seed)
    half = n // 2
    return Trainer(build_model(spec, seed=seed), x[:half], y[:half], x[half:], y[half:], batch_size=batch,
                   seed=seed, **kwargs)


def weights(trainer):
    return [np.array(w) for w in trainer.model.get_weights()]


def test_default_xor_network_reaches_full_training_accuracy():
    """The page's default setup (XOR, 2-4-2-1 tanh, momentum 0.1, batch 10, seed 0) learns XOR exactly."""
    trainer = PlaygroundRun(DEFAULT).trainer
    while trainer.epoch < 50 and not any(r.train_accuracy == 1.0 for r in trainer.history.epochs):
        trainer.train_for(1.0, max_epochs=50)
    reached = [r.epoch for r in trainer.history.epochs if r.train_accuracy == 1.0]
    assert reached, f"best training accuracy {max(trainer.history.series('train_accuracy')):.3f} in 50 epochs"
    assert trainer.history.last.test_accuracy > 0.9


def test_step_trains_exactly_one_epoch():
    trainer = small_trainer(n=200, batch=10)  # 100 training points: 10 steps an epoch
    result = trainer.step()
    assert (trainer.epoch, trainer.steps, result.epochs, result.steps) == (1, 10, 1, 10)
    assert [r.epoch for r in trainer.history.epochs] == [1]
    trainer.step()
    assert (trainer.epoch, trainer.steps) == (2, 20)
    record = trainer.history.last
    assert record.epoch == 2 and 0 <= record.train_accuracy <= 1 and record.test_loss is not None


def test_a_last_smaller_batch_and_a_batch_larger_than_the_data():
    trainer = small_trainer(n=200, batch=30)  # 100 points: batches of 30, 30, 30, 10
    trainer.step()
    assert trainer.steps == 4
    trainer.batch_size = 500  # the whole set in one step
    trainer.step()
    assert (trainer.epoch, trainer.steps) == (2, 5)


def test_training_in_small_chunks_equals_training_in_whole_epochs():
    """Pausing mid-epoch and resuming takes the same steps on the same batches as one run."""
    chunked, whole = small_trainer(batch=5), small_trainer(batch=5)
    while chunked.epoch < 2:
        chunked.train_for(0.0, max_epochs=2)  # a zero budget: one call of the minimum size at a time
    whole.step()
    whole.step()
    assert chunked.steps == whole.steps == 40
    assert len(chunked.history.chunks) > len(whole.history.chunks)
    for a, b in zip(weights(chunked), weights(whole), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_reset_restores_the_starting_weights_and_replays_the_same_run():
    trainer = small_trainer()
    start = weights(trainer)
    trainer.step()
    trainer.step()
    first_run = trainer.history.series("train_loss")
    assert not np.allclose(weights(trainer)[0], start[0])
    trainer.reset()
    assert (trainer.epoch, trainer.steps, trainer.history.epochs, trainer.status) == (0, 0, [], READY)
    for a, b in zip(weights(trainer), start, strict=True):
        np.testing.assert_array_equal(a, b)
    trainer.step()
    trainer.step()
    np.testing.assert_allclose(trainer.history.series("train_loss"), first_run, rtol=1e-5)


def test_nan_is_caught_the_last_good_weights_kept_and_reset_recovers():
    """Learning rate 10 on the spiral with linear units: the weights overflow to inf and NaN."""
    trainer = small_trainer("spiral", layers=((8, "linear"), (8, "linear")), optimizer="sgd", learning_rate=10.0)
    start = weights(trainer)
    result = trainer.train_for(2.0, max_epochs=20)
    assert result.diverged and trainer.diverged and trainer.status == DIVERGED
    assert "NaN" in trainer.message and "learning rate 10" in trainer.message
    assert all(np.isfinite(w).all() for w in weights(trainer))
    assert all(np.isfinite(r.train_loss) for r in trainer.history.epochs)
    trainer.reset()
    assert trainer.status == READY and trainer.epoch == 0
    for a, b in zip(weights(trainer), start, strict=True):
        np.testing.assert_array_equal(a, b)
    trainer.learning_rate = 0.01
    assert trainer.learning_rate == pytest.approx(0.01)
    trainer.step()
    assert not trainer.diverged and np.isfinite(trainer.history.last.train_loss)


def test_a_second_thread_never_trains_the_same_model_at_once():
    trainer = small_trainer()
    with trainer.lock:  # another script run is training
        result = trainer.train_for(0.1)
        assert result.busy and trainer.steps == 0
        waiter = threading.Thread(target=trainer.step)
        waiter.start()
        waiter.join(timeout=0.3)
        assert waiter.is_alive() and trainer.steps == 0  # Step waits for the lock
    waiter.join(timeout=60)
    assert trainer.epoch == 1


def test_three_classes_with_running_training_metrics_and_a_large_test_set():
    spec = ModelSpec(InputSpec("points", ("x1", "x2")), (LayerSpec("dense", units=8, activation="relu"),),
                     n_classes=3, optimizer="adam", learning_rate=0.03, batch_size=16)
    x, y = make_2d("three_blobs", n=300, seed=1)
    x_test, y_test = make_2d("three_blobs", n=2 * EVAL_BATCH + 100, seed=2)  # evaluated in three slices
    trainer = Trainer(build_model(spec, seed=1), x, y, x_test, y_test, batch_size=16, train_metrics="running")
    while trainer.epoch < 15:
        trainer.train_for(1.0, max_epochs=15)
    assert trainer.history.last.train_accuracy > 0.9 and trainer.history.last.test_accuracy > 0.9
    loss, accuracy = trainer.evaluate("test")
    assert loss == pytest.approx(trainer.history.last.test_loss, rel=1e-5)
    assert accuracy == pytest.approx(trainer.history.last.test_accuracy)
    assert trainer.evaluate("train")[1] > 0.9 and trainer.evaluate("test") == (loss, accuracy)  # sets of two sizes
    assert trainer.position == 15 and trainer.samples_per_s >= 0


def test_bad_arguments_are_refused_with_a_message():
    spec = ModelSpec(InputSpec("points", ("x1", "x2")), (), n_classes=2)
    model = build_model(spec, seed=0)
    x = feature_matrix(np.zeros((4, 2), dtype=np.float32), ("x1", "x2"))
    with pytest.raises(ValueError, match="one label per example"):
        Trainer(model, x, np.zeros(3))
    with pytest.raises(ValueError, match="both x_test and y_test"):
        Trainer(model, x, np.zeros(4), x_test=x)
    with pytest.raises(ValueError, match="train_metrics"):
        Trainer(model, x, np.zeros(4), train_metrics="sometimes")
    trainer = Trainer(model, x, np.zeros(4))
    with pytest.raises(ValueError, match="batch size"):
        trainer.batch_size = 0
    with pytest.raises(ValueError, match="learning rate"):
        trainer.learning_rate = float("nan")


def test_the_weight_penalty_is_trained_on_but_not_reported_as_loss():
    """L2 with a large rate shrinks the weights; the recorded loss is the data loss alone."""
    def trained(regularization):
        spec = ModelSpec(InputSpec("points", ("x1", "x2")), (LayerSpec("dense", units=4, activation="tanh"),),
                         n_classes=2, optimizer="sgd", learning_rate=0.05, regularization=regularization,
                         reg_rate=0.5 if regularization != "none" else 0.0)
        x, y = make_2d("gauss", n=100, seed=0)
        trainer = Trainer(build_model(spec, seed=0), x, y, batch_size=10)
        while trainer.epoch < 5:
            trainer.train_for(1.0, max_epochs=5)
        p = np.clip(trainer.model(x, training=False).numpy()[:, 0], 1e-7, 1 - 1e-7)
        cross_entropy = float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
        assert trainer.history.last.train_loss == pytest.approx(cross_entropy, rel=1e-3)
        penalty = float(sum(np.asarray(loss) for loss in trainer.model.losses)) if trainer.model.losses else 0.0
        kernels = [layer.kernel.numpy() for layer in trainer.model.layers]
        return sum(float(np.square(k).sum()) for k in kernels), penalty

    plain, no_penalty = trained("none")
    shrunk, penalty = trained("l2")
    assert shrunk < 0.5 * plain
    assert no_penalty == 0.0 and penalty > 0.01


def test_several_short_epochs_in_one_call_take_the_same_batches_as_one_at_a_time():
    together, one_by_one = small_trainer(batch=10), small_trainer(batch=10)
    together.step()
    one_by_one.step()  # the first epoch measures what an epoch costs
    result = together.train_for(60.0, max_epochs=6)  # a budget for all: the rest comes in one call
    while one_by_one.epoch < 6:
        one_by_one.step()
    assert result.epochs == 5 and together.epoch == one_by_one.epoch == 6 and together.steps == 60
    assert result.calls == 1
    np.testing.assert_allclose(together.history.series("train_loss"), one_by_one.history.series("train_loss"),
                               rtol=1e-4)
    for a, b in zip(weights(together), weights(one_by_one), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_nan_in_the_middle_of_a_run_keeps_the_weights_of_the_last_good_epoch():
    trainer = small_trainer("spiral", layers=((8, "linear"), (8, "linear")), optimizer="sgd", learning_rate=0.001)
    trainer.step()
    trainer.step()
    good = weights(trainer)
    trainer.learning_rate = 10.0
    result = trainer.train_for(2.0, max_epochs=40)  # several epochs to a call, the NaN inside one of them
    assert result.diverged and trainer.epoch == 2 and len(trainer.history.epochs) == 2 and result.calls >= 1
    for a, b in zip(weights(trainer), good, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_blown_up_but_finite_loss_trips_the_guard():
    trainer = small_trainer(max_loss=1e-6)  # any real loss is above this
    result = trainer.train_for(1.0, max_epochs=3)
    assert result.diverged and "grew past 1e-06" in trainer.message and trainer.epoch == 0


def test_the_epoch_hook_sees_every_epoch_with_its_own_weights():
    trainer, kernels = small_trainer(), {}
    trainer.on_epoch_end = lambda record: kernels.setdefault(record.epoch, weights(trainer)[0])
    trainer.step()  # what an epoch costs is known now: short epochs could share a call, but not with a hook
    trainer.train_for(5.0, max_epochs=4)
    assert sorted(kernels) == [1, 2, 3, 4] and trainer.train_seconds > 0
    assert not np.allclose(kernels[3], kernels[4])
    np.testing.assert_array_equal(kernels[4], weights(trainer)[0])


def test_calls_are_sized_by_the_least_recent_cost_per_epoch_and_a_new_batch_size_measures_again():
    """On a busy server a call's wall-clock time also counts the wait for Python's lock after it: the
    cheapest recent epoch, not an average, sizes the next call (Trainer.epoch_cost)."""
    trainer = small_trainer(jit_compile=True)
    trainer.train_for(0.05, whole_epochs=True)
    assert trainer.epoch_cost > 0
    trainer._epoch_costs.clear()
    trainer._epoch_costs.extend([0.004, 0.001, 0.003])  # two calls slowed by waiting, one that was not
    assert trainer.epoch_cost == 0.001
    assert trainer._epochs_that_fit(0.02, None, whole_epochs=True) == 20  # 0.02 s / 0.001 s, not / 0.0027
    trainer.batch_size = trainer.batch_size  # the same batch size: the same cost
    assert trainer.epoch_cost == 0.001
    trainer.batch_size = 1  # ten times the steps per epoch: measured again, one epoch to start with
    assert trainer.epoch_cost == 0.0
    assert trainer._epochs_that_fit(0.02, None, whole_epochs=True) == 1


def test_a_call_with_pictures_measures_the_cost_again():
    """A first cost taken on a busy server (slow) must not size every later tick: the calls that record
    pictures, which are then all the playground makes, measure it again."""
    import tensorflow as tf

    trainer = small_trainer(jit_compile=True)
    grid = tf.constant(np.random.default_rng(0).uniform(-6, 6, size=(50, 2)).astype(np.float32))
    trainer.train_frames(1, 2, grid)  # traced now
    trainer._epoch_costs.clear()
    trainer._epoch_costs.append(60.0)  # a minute per epoch: what no call here takes
    trainer.train_frames(2, 3, grid)
    assert 0 < trainer.epoch_cost < 60.0


def test_a_call_with_pictures_that_diverges_brings_none_and_keeps_the_weights_from_before():
    import tensorflow as tf

    trainer = small_trainer("spiral", layers=((8, "linear"), (8, "linear")), optimizer="sgd", learning_rate=0.001,
                            jit_compile=True)
    grid = tf.constant(np.random.default_rng(0).uniform(-6, 6, size=(50, 2)).astype(np.float32))
    result, shots = trainer.train_frames(2, 3, grid)
    assert not result.diverged and result.calls == 1 and trainer.epoch == 6 and [e for e, _ in shots] == [2, 4, 6]
    assert all(output.shape == (50, 1) for _, output in shots)
    good = weights(trainer)
    trainer.learning_rate = 10.0
    result, shots = trainer.train_frames(5, 4, grid)
    assert result.diverged and shots == [] and trainer.epoch == 6 and len(trainer.history.epochs) == 6
    for a, b in zip(weights(trainer), good, strict=True):
        np.testing.assert_array_equal(a, b)
