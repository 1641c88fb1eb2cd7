"""The live-run interface (nnlab.training.live): pause means no movement, resume goes on, one History for all."""

import threading

import numpy as np
import pytest

from nnlab.hood import naive_tf
from nnlab.playground.config import DEFAULT, from_query
from nnlab.playground.session import PlaygroundRun
from nnlab.training.history import History
from nnlab.training.live import (
    DIVERGED,
    FINISHED,
    IDLE,
    PAUSED,
    RUNNING,
    STOPPED,
    EpochRun,
    LiveRun,
    TrainerRun,
)
from nnlab.training.pace import SpeedWindow, format_seconds


def digits_like(n=240, features=16, classes=4, seed=0):
    """Points in ``classes`` separable clusters: enough to learn in a few epochs."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    centres = rng.normal(0, 3, (classes, features)).astype(np.float32)
    x = (centres[y] + rng.normal(0, 1, (n, features))).astype(np.float32)
    return x, y.astype(np.int64)


def from_scratch_run(epochs=3, step_hook=None):
    x, y = digits_like()
    model = naive_tf.naive_mlp([16, 8, 4], init="he")
    step = naive_tf.naive_train_step(model, learning_rate=0.05)
    if step_hook is not None:
        real = step

        def step(images, labels):
            step_hook()
            return real(images, labels)
    return EpochRun("from scratch", step, x[:200], y[:200], 20, epochs, naive_tf.evaluator(model, x[200:], y[200:]),
                    model=model)


def keras_run(epochs=3):
    x, y = digits_like(seed=1)
    model = naive_tf.keras_dense_model(hidden=8, learning_rate=0.05)
    x = np.pad(x, ((0, 0), (0, 784 - x.shape[1])))  # the Keras Dense model reads 784 inputs
    return EpochRun("Keras Dense", naive_tf.keras_train_step(model), x[:200], y[:200], 20, epochs,
                    naive_tf.evaluator(model, x[200:], y[200:]), model=model)


def playground_run():
    run = PlaygroundRun(DEFAULT)
    run.resume()  # Play
    return run


def mnist_run():
    """The MNIST page's run fits the same interface (nnlab.mnist.run.MnistRun, on a small slice)."""
    from nnlab.mnist.data import MnistData, prepare_data
    from nnlab.mnist.run import MnistRun
    from nnlab.mnist.settings import RunSettings
    from nnlab.model.presets import PRESETS

    data = prepare_data(5_000, 640)
    small = MnistData(data.x_train, data.y_train, data.x_validation[:300], data.y_validation[:300], data.x_test[:300],
                      data.y_test[:300])
    settings = RunSettings(epochs=3, batch_size=16, train_size=640, keep_best=False)
    return MnistRun(PRESETS["Basic 784-128-10"], settings, data=small)


def weights_of(run):
    model = run.model if isinstance(run, EpochRun) else run.trainer.model
    variables = model.weights
    return [np.array(v.numpy() if hasattr(v, "numpy") else v) for v in variables]


def snapshot(run):
    return run.position, len(run.history.chunks), len(run.history.epochs), weights_of(run)


def assert_same(before, after):
    assert before[:3] == after[:3]
    for a, b in zip(before[3], after[3], strict=True):
        np.testing.assert_array_equal(a, b)


RUNS = {"from scratch": from_scratch_run, "keras step": keras_run, "playground trainer": playground_run,
        "mnist run": mnist_run}


@pytest.mark.parametrize("make", RUNS.values(), ids=RUNS.keys())
def test_pause_means_no_movement_and_resume_goes_on(make):
    run = make()
    assert isinstance(run, LiveRun) and run.state == RUNNING
    assert run.advance(0.0) >= 1  # a chunk trains at least one step
    run.pause()
    assert run.state == PAUSED and not run.ended and run.eta_s is None
    paused = snapshot(run)
    assert run.advance(1.0) == 0  # a paused run does not move, however long it is asked to train
    assert_same(paused, snapshot(run))
    run.resume()
    assert run.state == RUNNING
    assert run.advance(0.0) >= 1
    assert run.position > paused[0] and len(run.history.chunks) > paused[1]


def test_pause_waits_for_the_chunk_in_progress():
    """Pause from another thread while a chunk trains: once pause() returns, nothing moves any more."""
    started = threading.Event()
    run = from_scratch_run(epochs=1000, step_hook=started.set)
    chunk = threading.Thread(target=run.advance, args=(2.0,))
    chunk.start()
    assert started.wait(timeout=60)  # the chunk is inside its first step, holding the run's lock
    run.pause()
    paused = snapshot(run)
    chunk.join()
    assert_same(paused, snapshot(run))
    assert run.state == PAUSED and run.samples_done > 0


@pytest.mark.parametrize("make", RUNS.values(), ids=RUNS.keys())
def test_every_run_keeps_the_same_history(make):
    run = make()
    while len(run.history.epochs) < 2:
        run.advance(0.2)
    history = run.history
    assert type(history) is History
    assert [record.epoch for record in history.epochs][:2] == [1, 2]
    first = history.epochs[0]
    assert 0.0 <= first.train_accuracy <= 1.0 and first.train_loss > 0 and first.seconds > 0
    assert 0.0 <= first.test_accuracy <= 1.0 and first.test_loss > 0  # every run here has a held-out set
    positions = history.chunk_series("epoch")
    assert positions == sorted(positions) and positions[-1] == pytest.approx(run.position)


def test_a_run_finishes_after_its_epochs_and_then_stays_put():
    run = from_scratch_run(epochs=2)
    while not run.ended:
        run.advance(0.2)
    assert run.state == FINISHED and run.progress == 1.0 and run.eta_s == 0.0
    assert run.history.series("epoch") == [1, 2] and run.samples_done == 2 * 200
    assert run.history.last.test_accuracy > 0.5  # chance is 0.25
    run.resume()
    assert run.state == FINISHED and run.advance(1.0) == 0
    assert run.describe().startswith("from scratch: done, 2 epochs in")


def test_stop_ends_a_run_for_good():
    run = from_scratch_run()
    run.advance(0.0)
    run.stop()
    stopped = snapshot(run)
    assert run.state == STOPPED and run.ended
    run.resume()
    assert run.advance(1.0) == 0 and run.state == STOPPED
    assert_same(stopped, snapshot(run))


def test_progress_eta_and_speed_after_the_first_chunk():
    run = from_scratch_run(epochs=4)
    assert run.progress == 0.0 and run.eta_s is None and run.samples_per_s == 0.0
    run.advance(0.0)  # one batch of 20 of the 4 x 200 examples
    assert run.progress == pytest.approx(20 / 800)
    assert run.samples_per_s > 0 and run.eta_s > 0
    assert run.describe().startswith("from scratch: epoch 1/4 · 2% · ") and run.describe().endswith(" samples/s")


def test_the_playground_run_steps_resets_and_may_go_on_after_diverging():
    run = PlaygroundRun(DEFAULT)
    assert isinstance(run, TrainerRun) and run.state == IDLE and run.advance(1.0) == 0  # waits for Play
    run.step()
    assert run.state == PAUSED and run.trainer.epoch == 1
    run.resume()
    run.advance(0.0)
    run.step()  # pauses, then one more epoch
    epoch = run.trainer.epoch
    assert run.state == PAUSED and run.advance(1.0) == 0 and run.trainer.epoch == epoch
    run.reset()
    assert run.state == IDLE and run.trainer.epoch == 0 and run.history.epochs == []

    config, _ = from_query({"data": "spiral", "layers": "8:linear,8:linear", "lr": "10", "opt": "sgd"})
    blowing_up = PlaygroundRun(config)
    blowing_up.resume()
    for _ in range(100):  # (it blows up in the first chunk; the bound only keeps a broken guard from hanging)
        if blowing_up.state != RUNNING:
            break
        blowing_up.advance(0.2)
    assert blowing_up.state == DIVERGED and not blowing_up.ended and "NaN" in blowing_up.trainer.message
    blowing_up.resume()  # the weights from before the blow-up are kept: the student may go on
    assert blowing_up.state == RUNNING


def test_speed_window_measures_the_last_seconds_and_restarts_after_a_gap():
    window = SpeedWindow(window_s=3.0, gap_s=1.5)
    assert window.per_second() == 0.0
    window.note(0.0, now=10.0)
    window.note(2.0, now=11.0)  # one chunk: known at once
    assert window.per_second() == 2.0
    window.note(2.0, now=11.5)
    window.note(4.0, now=12.0)
    assert window.per_second() == pytest.approx(2.0)
    window.note(10.0, now=15.0)  # a gap of 3 s: paused, measured again from here
    window.note(11.0, now=15.5)
    assert window.per_second() == pytest.approx(2.0) and window.notes_per_second() == pytest.approx(2.0)
    assert window.per_second(now=17.1) == 0.0  # nothing noted for more than gap_s: stopped
    for second in range(16, 22):
        window.note(second, now=float(second))
    assert window.per_second() == pytest.approx(1.0)  # only the last 3 s count


def test_durations_in_words():
    assert [format_seconds(s) for s in (None, 0.4, 9.96, 42.3, 59.6, 75.2, 3725)] == [
        "?", "0.4 s", "10 s", "42 s", "1 min 0 s", "1 min 15 s", "1 h 2 min"]


def test_a_slow_chunk_is_not_a_pause():
    # on a loaded machine one batch may take longer than gap_s: its end still gives a speed
    window = SpeedWindow(window_s=3.0, gap_s=1.5)
    window.note(0.0, now=10.0)
    window.note(1.0, now=12.5, worked=True)
    assert window.per_second() == pytest.approx(0.4)
    window.note(1.0, now=20.0)  # a real pause before the next chunk: measured again from here
    assert window.per_second() == 0.0


def test_a_long_history_is_thinned_in_its_older_half_and_keeps_its_last_records():
    from nnlab.training.history import ChunkRecord, EpochRecord, History

    history = History()
    for n in range(1, 2001):
        history.epochs.append(EpochRecord(n, 1.0 / n, 0.5, None, None, float(n)))
        history.chunks.append(ChunkRecord(float(n), 1.0 / n, 0.5))
        history.bound(limit=1000)
    assert len(history.epochs) <= 1000 and len(history.chunks) <= 1000
    epochs = [r.epoch for r in history.epochs]
    assert epochs == sorted(set(epochs)) and epochs[-500:] == list(range(1501, 2001))  # the recent ones dense
    assert epochs[0] < 10  # the start of the curve is still there
