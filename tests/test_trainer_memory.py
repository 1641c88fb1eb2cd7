"""A trainer that is dropped is freed, with its compiled training functions and the data they captured.

Keras's optimizer used to pin every traced training function in TensorFlow's global gradient
registry (nnlab.training.train.single_replica): each playground network and MNIST run a student made
stayed in the server's memory until it restarted.
"""

import gc
import weakref

from nnlab.playground.config import DEFAULT
from nnlab.playground.session import PlaygroundRun


def traced_training_graphs() -> int:
    gc.collect()
    return sum(type(o).__name__ == "FuncGraph" and o.name in ("run_chunk", "run_epochs") for o in gc.get_objects())


def train_and_drop() -> weakref.ref:
    run = PlaygroundRun(DEFAULT)
    run.trainer.train_for(0.2, whole_epochs=True)
    run.trainer.train_for(0.2, whole_epochs=True)  # several epochs per call: run_epochs traced too
    return weakref.ref(run.trainer)


def test_a_dropped_trainer_leaves_no_traced_graph_behind():
    before = traced_training_graphs()  # other tests' trainers may still be alive
    trainers = [train_and_drop() for _ in range(2)]
    assert all(trainer() is None for trainer in trainers)
    assert traced_training_graphs() == before
