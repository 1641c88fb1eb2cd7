"""MNIST runs: data split, settings checks, pause and resume, stop mid-epoch, NaN guard, best epoch."""

import math

import numpy as np
import pytest

from nnlab.datasets import load_mnist
from nnlab.mnist import book as run_book
from nnlab.mnist.book import RunBook
from nnlab.mnist.curves import smooth, thin
from nnlab.mnist.data import MnistData, prepare_data
from nnlab.mnist.run import (
    DIVERGED,
    FINISHED,
    PAUSED,
    RUNNING,
    STOPPED,
    MnistRun,
    percent,
    progress_line,
)
from nnlab.mnist.settings import RunSettings, spec_problems
from nnlab.model.presets import PRESETS
from tests.mnist_helpers import BATCH, DNN, N_TRAIN, settings, small_mnist


@pytest.fixture(scope="module")
def small() -> MnistData:
    return small_mnist()


def test_the_split_holds_out_the_last_training_images_and_scales_to_unit_range():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    data = prepare_data(10_000)
    assert data.x_train.shape == (50_000, 28, 28) and data.x_validation.shape == (10_000, 28, 28)
    assert data.x_train.dtype == np.float32 and 0.0 == data.x_train.min() and data.x_train.max() == 1.0
    np.testing.assert_array_equal(data.y_validation, y_train[50_000:])
    np.testing.assert_array_equal(data.x_validation[7], x_train[50_007] / np.float32(255))
    np.testing.assert_array_equal(data.y_test, y_test)
    demo = prepare_data(5_000, 1_000)
    assert demo.n_train == 1_000 and len(demo.x_validation) == 5_000
    np.testing.assert_array_equal(demo.y_train, y_train[:1_000])
    with pytest.raises(ValueError, match="5,000 or 10,000"):
        prepare_data(3_000)
    with pytest.raises(ValueError, match="1 to 55,000"):
        prepare_data(5_000, 55_001)


def test_settings_explain_what_is_wrong():
    assert settings().problems() == []
    too_big = settings(batch_size=1_000).problems()
    assert len(too_big) == 1 and "larger than the training set (640 images)" in too_big[0]
    assert "at most 640" in too_big[0]
    assert any("epochs" in p for p in settings(epochs=0).problems())
    assert any("learning rate" in p for p in settings(learning_rate=math.nan).problems())
    assert any("optimizer" in p for p in settings(optimizer="lbfgs").problems())
    assert RunSettings(validation=10_000).n_train == 50_000


def test_a_points_network_cannot_learn_mnist():
    problems = spec_problems(PRESETS["XOR 2-2-1 tanh"])
    assert any("2D points" in p for p in problems) and any("10 (0 to 9)" in p for p in problems)
    assert spec_problems(PRESETS["Small CNN"]) == []


def test_pausing_and_resuming_takes_the_same_steps_as_one_uninterrupted_run(small):
    straight = MnistRun(DNN, settings(), data=small)
    straight.advance(60.0)  # the whole run in one call
    assert straight.state == FINISHED and straight.steps == 2 * 40

    halting = MnistRun(DNN, settings(), data=small)
    calls = 0
    while not halting.ended:
        halting.advance(0.001)  # tiny chunks: many stops inside each epoch
        calls += 1
        if halting.ended:
            break
        halting.pause()
        steps, position = halting.steps, halting.position
        assert halting.state == PAUSED and halting.advance(1.0) == 0
        assert (halting.steps, halting.position) == (steps, position)
        halting.resume()
    assert calls > 2 and halting.state == FINISHED
    assert halting.steps == straight.steps == 80
    assert [e.epoch for e in halting.history.epochs] == [1, 2]
    for a, b in zip(halting.model.get_weights(), straight.model.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # the same batches in the same order
    assert halting.evaluation.accuracy == pytest.approx(straight.evaluation.accuracy, abs=0.002)


def test_the_first_chunk_is_16_batches_so_curve_progress_and_speed_show_within_the_first_epoch(small):
    """Given its usual 0.3 s, the trainer's first call would be sized by a guessed 1 ms a step: 300 batches,
    for a CNN on a laptop the whole first epoch without a curve, a percentage or a speed."""
    run = MnistRun(DNN, settings(epochs=3), data=small)
    run.advance(0.0)
    assert run.history.chunks[0].epoch == pytest.approx(16 * BATCH / N_TRAIN)  # the trainer's fewest steps
    curves = run.curves()
    assert run.position < 1 and len(curves.position) >= 2 and len(curves.epoch) == 0  # a line before epoch 1 ends
    line = progress_line(run)
    assert line.startswith("Epoch 1 of 3 · 27% · "), line  # two chunks of 16 batches: 512 of 640 images
    assert "measuring speed" not in line and "left" in line and "images/s" in line
    assert not curves.dropout and MnistRun(PRESETS["Small CNN"], settings(), data=small).curves().dropout


def test_progress_shows_a_decimal_below_ten_percent():
    assert percent(0.004) == "0.4%" and percent(0.0994) == "9.9%" and percent(0.42) == "42%" and percent(1.0) == "100%"


def test_stop_in_the_middle_of_an_epoch_keeps_the_history_and_a_usable_model(small):
    run = MnistRun(DNN, settings(epochs=5), data=small)
    while run.steps < 3:
        run.advance(0.001)
    run.stop()
    assert run.state == STOPPED and run.ended and 0 < run.position < 5 and run.history.chunks
    assert run.trainer is None  # the training copies are released
    probabilities = np.asarray(run.model(small.x_test[:20], training=False))
    assert probabilities.shape == (20, 10) and np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert 0.0 <= run.evaluation.accuracy <= 1.0 and len(run.evaluation.labels) == 500
    assert run.advance(1.0) == 0 and "stopped" in progress_line(run)


def test_a_diverging_learning_rate_stops_with_a_message_and_keeps_the_last_good_weights(small):
    hands_on = PRESETS["Hands-On DNN 784-300-100-10"]
    run = MnistRun(hands_on, settings(optimizer="sgd", learning_rate=5.0, epochs=3), data=small)
    while not run.ended:
        run.advance(0.05)
    assert run.state == DIVERGED
    assert "loss blew up" in run.message and "learning rate 5" in run.message
    assert all(np.isfinite(w).all() for w in run.model.get_weights())
    assert run.evaluation is not None and np.isfinite(run.evaluation.probabilities).all()


def test_the_best_epoch_is_kept_like_a_checkpoint(small):
    run = MnistRun(DNN, settings(epochs=3, keep_best=True, learning_rate=0.003), data=small)
    run.advance(60.0)
    accuracies = [e.validation_accuracy for e in run.epochs]
    assert accuracies == [record.test_accuracy for record in run.history.epochs]  # the trainer's held-out figures
    assert run.best.epoch == 1 + int(np.argmax(accuracies))  # the first epoch with the best validation accuracy
    assert run.best.validation_accuracy == max(accuracies) == max(accuracies[: run.best.epoch])
    assert run.validation_accuracy == accuracies[-1] and run.validation_loss == run.epochs[-1].validation_loss
    for kept, best in zip(run.model.get_weights(), run.best.weights, strict=True):
        np.testing.assert_array_equal(kept, best)


def test_the_run_book_keeps_earlier_runs_for_the_overlay(small, monkeypatch):
    monkeypatch.setattr(run_book, "MAX_EARLIER_RUNS", 2)  # the cap, small enough to reach quickly
    book = RunBook()
    first = book.start(DNN, settings(epochs=1), data=small)
    first.advance(60.0)
    for _ in range(3):
        book.start(DNN, settings(epochs=3), data=small).advance(0.001)
    assert first.ended and len(book.earlier) == 2
    assert [curves.label[:3] for curves in book.earlier] == ["#2 ", "#3 "]
    assert book.current.label.startswith("#4 Basic 784-128-10 · adam 0.001 · batch 16")
    assert book.current.state == RUNNING
    assert all(len(c.position) == len(c.train_loss) > 0 for c in book.earlier)
    book.clear_earlier()
    assert book.earlier == []


def test_a_batch_larger_than_the_data_is_refused(small):
    with pytest.raises(ValueError, match="larger than the training set"):
        MnistRun(DNN, settings(batch_size=2 * N_TRAIN), data=small)


def test_curve_helpers():
    np.testing.assert_allclose(smooth(np.array([1.0, 0.0, 0.0])), [1.0, 0.7, 0.49])
    assert list(thin(5, 10)) == [0, 1, 2, 3, 4]
    kept = thin(1000, 300)
    assert len(kept) <= 300 and kept[0] == 0 and kept[-1] == 999


def test_a_validation_set_larger_than_one_evaluation_slice_is_measured_each_epoch():
    """5,000 validation images are evaluated in slices (a loop inside the compiled chunk)."""
    from nnlab.training.train import EVAL_BATCH

    data = prepare_data(5_000, 200)
    assert len(data.x_validation) > EVAL_BATCH
    run = MnistRun(DNN, settings(epochs=1, train_size=200), data=data)
    run.advance(0.001)  # the epoch ends inside a short chunk: its evaluation branch runs
    run.advance(60.0)
    assert run.state == FINISHED and len(run.history.epochs) == 1
    assert 0.0 <= run.epochs[0].validation_accuracy <= 1.0


def test_pause_returns_only_when_the_model_has_stopped_moving(small):
    """Pause from another thread (a click's run) while the live panel's thread trains chunks.

    After each pause the test waits until the panel's thread has asked for a chunk that began after
    the pause returned (it got nothing and now waits to be resumed): the model must not have moved.
    """
    import threading

    run = MnistRun(DNN, settings(epochs=100), data=small)
    trained = threading.Event()  # a chunk trained since the test last cleared it
    idle = threading.Event()  # the panel asked for a chunk after the pause, got none, and waits
    resumed = threading.Event()
    done = threading.Event()

    def live_panel():
        while not done.is_set():
            if run.advance(0.05):
                trained.set()
            elif run.state == PAUSED:
                assert run.advance(0.05) == 0  # a chunk asked for once the pause had returned
                idle.set()
                resumed.wait()
                resumed.clear()

    worker = threading.Thread(target=live_panel)
    worker.start()
    try:
        for _ in range(5):
            trained.clear()
            assert trained.wait(30)
            run.pause()
            steps, weights = run.steps, [w.copy() for w in run.model.get_weights()]
            assert idle.wait(30)
            idle.clear()
            assert run.state == PAUSED and run.steps == steps
            for before, after in zip(weights, run.model.get_weights(), strict=True):
                np.testing.assert_array_equal(before, after)
            run.resume()
            resumed.set()
    finally:
        done.set()
        resumed.set()
        worker.join()
    run.stop()
    assert run.state == STOPPED
