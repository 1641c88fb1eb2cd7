"""A trainer that is dropped is freed, with its data, and leaves no traced graph behind.

Keras's optimizer used to pin every traced training function in TensorFlow's global gradient
registry (nnlab.training.train.single_replica): each playground network and MNIST run a student made
stayed in the server's memory until it restarted. Since the compiled functions are shared by every
trainer of one architecture (nnlab.training.shared), the first trainer of an architecture makes its
graphs once; later trainers, dropped, add none.
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
    assert train_and_drop()() is None  # the architecture's shared graphs are made here, at the latest
    before = traced_training_graphs()
    trainers = [train_and_drop() for _ in range(2)]
    assert all(trainer() is None for trainer in trainers)
    assert traced_training_graphs() == before
