"""Helpers shared by the MNIST tests: a small slice of the real data, run settings, and the MNIST page's
controls in AppTest. (Test modules import these, never each other.)"""

from __future__ import annotations

import functools

from nnlab.mnist.data import MnistData, prepare_data
from nnlab.mnist.settings import RunSettings
from nnlab.model.presets import PRESETS

DNN = PRESETS["Basic 784-128-10"]
N_TRAIN, N_VALIDATION, BATCH = 640, 300, 16  # 40 steps per epoch; a chunk is at least 16 steps

PAGE = "pages/3_MNIST.py"
KEY = "mnist_Basic 784-128-10_0_"  # the settings widgets of the Build page's default network


@functools.lru_cache(maxsize=1)
def small_mnist() -> MnistData:
    """A small slice of the real split, so that runs take well under a second (read-only arrays, shared)."""
    data = prepare_data(5_000, N_TRAIN)
    return MnistData(data.x_train, data.y_train, data.x_validation[:N_VALIDATION], data.y_validation[:N_VALIDATION],
                     data.x_test[:500], data.y_test[:500])


def settings(**changes) -> RunSettings:
    base = dict(epochs=2, batch_size=BATCH, optimizer="adam", learning_rate=0.001, train_size=N_TRAIN, keep_best=False)
    return RunSettings(**{**base, **changes})


# ---- the MNIST page in AppTest ----------------------------------------------------------------------


def tiny(at, epochs: int, batch: int = 50):
    """1,000 training images, ``epochs`` epochs of 1000 / batch steps."""
    at.selectbox(key="mnist_train_size").set_value(1_000)
    at.number_input(key=KEY + "epochs").set_value(epochs)
    at.number_input(key=KEY + "batch").set_value(batch)
    return at.run()


def current(at):
    """The page's current run (nnlab.mnist.run.MnistRun), or None."""
    from nnlab.ui.mnist import BOOK

    return at.session_state[BOOK].current


def train_until(at, done, limit: int = 60):
    """Run the page again (each run of its live fragment trains one chunk) until ``done(run)``."""
    for _ in range(limit):
        if done(current(at)):
            return at
        at.run()
    raise AssertionError(f"not done after {limit} runs: {current(at).state} at {current(at).position}")
