"""Clicks during training: threads that train, step, pause, stop and reset one model never overlap,
and the model and its history stay consistent (nnlab.training.train.Trainer, nnlab.mnist.run.MnistRun).

Consistent means: the epochs in the history are 1, 2, ..., n with no gap or duplicate; the chunk
positions strictly increase; the optimizer's iteration count equals the steps the history counts;
every weight is finite; an ended run's reported test accuracy is the accuracy of the model it keeps.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from nnlab.mnist.data import MnistData
from nnlab.mnist.evaluation import evaluate
from nnlab.mnist.run import STOPPED, MnistRun
from tests.mnist_helpers import DNN, current, settings, small_mnist, tiny
from tests.test_train import small_trainer


@pytest.fixture(scope="module")
def small() -> MnistData:
    return small_mnist()


def assert_consistent(trainer_or_run, optimizer, history) -> None:
    """The invariants above, for a Trainer or an MnistRun (ended or not)."""
    epochs = [record.epoch for record in history.epochs]
    assert epochs == list(range(1, len(epochs) + 1)), epochs
    positions = [chunk.epoch for chunk in history.chunks]
    assert all(a < b for a, b in zip(positions, positions[1:], strict=False)), positions
    assert int(optimizer.iterations.numpy()) == trainer_or_run.steps
    model = trainer_or_run.model
    assert all(np.isfinite(w).all() for w in model.get_weights())


class OverlapCounter:
    """Wraps a trainer's compiled functions (the real ones still run) and records how many run at once."""

    def __init__(self, trainer):
        self.active = self.most = self.calls = 0
        self._guard = threading.Lock()
        trainer._run_chunk_fn = self._wrap(trainer._run_chunk_fn)
        trainer._run_epochs_fn = self._wrap(trainer._run_epochs_fn)

    def _wrap(self, function):
        def counted(*args):
            with self._guard:
                self.active += 1
                self.calls += 1
                self.most = max(self.most, self.active)
            try:
                return function(*args)
            finally:
                with self._guard:
                    self.active -= 1
        return counted


def run_threads(*targets) -> None:
    errors = []

    def guarded(target):
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def test_two_threads_training_one_trainer_take_turns_and_the_steps_add_up():
    """Two script runs of one session both ask for chunks, as the live fragment and a button do."""
    trainer = small_trainer(n=400, batch=8)
    counter = OverlapCounter(trainer)
    results = {"waiting": [], "skipping": []}

    def waiting():  # like Step: waits for the other thread's chunk, then trains
        for _ in range(12):
            results["waiting"].append(trainer.train_for(0.02, wait=30.0))

    def skipping():  # like the live fragment: skips its turn while the other thread trains
        for _ in range(40):
            results["skipping"].append(trainer.train_for(0.01))

    run_threads(waiting, skipping)
    everything = results["waiting"] + results["skipping"]
    assert counter.most == 1 and counter.calls > 2  # (the first two trace the functions, with no steps)
    assert not any(result.busy for result in results["waiting"])  # it waited for its turn
    assert all(result.steps == 0 for result in everything if result.busy)
    assert sum(result.steps for result in everything) == trainer.steps > 0
    assert sum(result.epochs for result in everything) == trainer.epoch > 0
    assert_consistent(trainer, trainer.optimizer, trainer.history)


def test_step_and_reset_from_other_threads_while_training_leave_a_consistent_trainer():
    """Play (a loop of chunks), Step and Reset pressed while it trains: Reset waits for the chunk in progress."""
    trainer = small_trainer(n=400, batch=8)
    counter = OverlapCounter(trainer)
    stop = threading.Event()

    def playing():
        while not stop.is_set():
            trainer.train_for(0.01, whole_epochs=True)

    def clicking():
        try:
            for _ in range(3):
                trainer.step()
                trainer.step()
                trainer.reset()
            trainer.step()
        finally:
            stop.set()

    run_threads(playing, clicking)
    assert counter.most == 1
    assert trainer.epoch >= 1
    assert_consistent(trainer, trainer.optimizer, trainer.history)


def test_stop_pressed_just_before_a_chunk_starts_trains_no_further(small):
    """The race: the live panel has checked "still running?", then Stop ends the run (in another
    thread), then the panel's chunk starts. Found by this test: the chunk used to run on the stopped
    run, so the kept model was no longer the one whose test accuracy the page showed."""
    run = MnistRun(DNN, settings(epochs=5), data=small)
    run.advance(0.01)
    trainer = run.trainer
    real = trainer.train_for

    def stop_then_train(*args, **kwargs):
        run_threads(run.stop)  # another thread presses Stop now, between advance's check and its chunk
        return real(*args, **kwargs)

    trainer.train_for = stop_then_train
    chunks, steps = len(run.history.chunks), run.steps
    assert run.advance(0.05) == 0
    assert run.state == STOPPED and run.steps == steps and len(run.history.chunks) == chunks
    assert_consistent(run, run.model.optimizer, run.history)
    again = evaluate(run.model, small.x_test, small.y_test)
    assert again.accuracy == run.evaluation.accuracy  # the kept model is the one that was tested


@pytest.mark.parametrize("stop_after_steps", [0, 5, 45])  # before the first chunk, mid-epoch, in epoch 2
def test_stop_from_another_thread_at_any_moment_keeps_a_usable_model_and_its_history(small, stop_after_steps):
    # 100 epochs: Python's lock is not fair, so under load the loop below can take it again and again
    # before the stop thread gets it; with 4 epochs the run sometimes ended before Stop landed.
    run = MnistRun(DNN, settings(epochs=100, keep_best=False), data=small)
    counter = OverlapCounter(run.trainer)
    reached = threading.Event()

    def live_panel():
        while not run.ended:
            run.advance(0.002)
            if run.steps >= stop_after_steps:
                reached.set()

    def stop_button():
        reached.wait(timeout=60)
        run.stop()

    run_threads(live_panel, stop_button)
    assert run.state == STOPPED and counter.most == 1
    assert run.steps >= stop_after_steps and 0 <= run.position < 100
    assert_consistent(run, run.model.optimizer, run.history)
    probabilities = np.asarray(run.model(small.x_test[:10], training=False))
    assert probabilities.shape == (10, 10) and np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert evaluate(run.model, small.x_test, small.y_test).accuracy == run.evaluation.accuracy


# ---- the pages: clicks in quick succession (AppTest runs them one after the other) ---------------------


def test_playground_play_step_pause_reset_in_any_order_keep_the_trainer_consistent():
    from tests.apptest import run_page

    at = run_page("pages/2_Playground.py", timeout=90)
    clicks = ["pg_play", "pg_step", "pg_step", "pg_play", "pg_pause", "pg_step", "pg_play", "pg_reset", "pg_step",
              "pg_play", "pg_step", "pg_play", "pg_pause", "pg_reset", "pg_play", "pg_step"]
    for key in clicks:
        assert not at.button(key=key).disabled  # (a browser cannot click a disabled button)
        at.button(key=key).click().run()
        assert not at.exception
        trainer = at.session_state["pg_run"].trainer
        assert_consistent(trainer, trainer.optimizer, trainer.history)
        epoch = next(m.value for m in at.metric if m.label == "Epoch")
        assert int(epoch.replace(",", "")) == trainer.epoch == len(trainer.history.epochs)
    assert trainer.epoch > 0


def test_mnist_start_pause_resume_stop_in_quick_succession_keep_each_run_consistent(tmp_path, monkeypatch):
    from nnlab.library import store
    from nnlab.mnist.data import test_set
    from nnlab.ui.handover import SESSION_MODEL
    from tests.apptest import run_page

    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "models"))
    # Each click's run trains the fewest steps a chunk may take (a budget of 0 s), so no run can reach its
    # 2,000th step and finish (disabling Stop) before the clicks are done, however fast the machine.
    monkeypatch.setattr("nnlab.ui.mnist.LIVE_CHUNK_S", 0.0)
    at = tiny(run_page("pages/3_MNIST.py"), epochs=20, batch=10)
    runs = []
    clicks = ["mnist_start", "mnist_pause", "mnist_resume", "mnist_pause", "mnist_resume", "mnist_stop",
              "mnist_start", "mnist_pause", "mnist_stop", "mnist_start", "mnist_start", "mnist_stop"]
    for key in clicks:
        at.button(key=key).click().run()
        assert not at.exception
        run = current(at)
        if run not in runs:
            runs.append(run)
        assert_consistent(run, run.model.optimizer, run.history)
    assert len(runs) == 4 and all(run.state == STOPPED for run in runs)
    last = runs[-1]
    assert at.session_state[SESSION_MODEL].model is last.model
    assert evaluate(last.model, *test_set()).accuracy == last.evaluation.accuracy
    shown = next(m.value for m in at.metric if m.label == "Test accuracy")
    assert shown == f"{last.evaluation.accuracy:.2%}"
