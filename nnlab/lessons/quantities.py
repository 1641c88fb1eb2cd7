"""The quantities a lesson's check may name: one table, and how each is read from the student's own state.

A check is data, never code: ``{quantity = "test_accuracy", at_least = 0.95}`` compares one row of
:data:`QUANTITIES` with a number (or a word). A quantity's value comes from the session: the playground's
setup and its run, the MNIST page's run, the network handed to the Draw page, the widgets of "Under the
hood". :func:`playground_values`, :func:`mnist_values`, ... turn those objects into ``{name: value}``; a
value that is not measured yet (no epoch trained) is ``None``, and a check on it is not met.

Each number has a range (``low`` .. ``high``): a check outside it can never be met, and the schema says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NUMBER, WORD = "number", "word"


@dataclass(frozen=True)
class Quantity:
    title: str  # how the player names it: "test accuracy"
    page: str  # where it is measured (a key of nnlab.lessons.pages.PAGES)
    kind: str = NUMBER  # NUMBER (compared with at_least / at_most / equals) or WORD (equals / one_of)
    low: float = 0.0
    high: float = math.inf
    choices: tuple[str, ...] = ()  # the words a WORD quantity can take
    percent: bool = False  # a fraction 0..1 shown as a percentage

    def format(self, value) -> str:
        if value is None:
            return "not measured yet"
        if self.kind == WORD:
            return str(value)
        if self.percent:
            return f"{value:.1%}"
        return f"{value:g}" if isinstance(value, float) else str(value)


def _fraction(title: str, page: str) -> Quantity:
    return Quantity(title, page, low=0.0, high=1.0, percent=True)


ACTIVATION_WORDS = ("relu", "tanh", "sigmoid", "linear", "none")
QUANTITIES: dict[str, Quantity] = {
    # the 2D playground: its setup ...
    "dataset": Quantity("data set", "playground", WORD,
                        choices=("xor", "xor_corners", "circle", "gauss", "spiral", "moons", "and", "or",
                                 "three_blobs")),
    "hidden_layers": Quantity("hidden layers", "playground", low=0, high=6),
    "neurons": Quantity("hidden neurons in all", "playground", low=0, high=48),
    "activation": Quantity("activation of the hidden layers", "playground", WORD,
                           choices=ACTIVATION_WORDS + ("mixed",)),
    "features": Quantity("input features", "playground", low=0, high=7),
    "learning_rate": Quantity("learning rate", "playground", low=0.00001, high=10.0),
    "batch_size": Quantity("batch size", "playground", low=1, high=64),
    "regularization": Quantity("regularization", "playground", WORD, choices=("none", "l1", "l2")),
    "reg_rate": Quantity("regularization rate", "playground", low=0.0, high=10.0),
    "noise": Quantity("noise (percent)", "playground", low=0, high=50),
    # ... and its run
    "epochs": Quantity("epochs trained", "playground", low=0),
    "train_loss": Quantity("training loss", "playground"),
    "test_loss": Quantity("test loss", "playground"),
    "loss_gap": Quantity("test loss minus training loss", "playground", low=-math.inf),
    "train_accuracy": _fraction("training accuracy", "playground"),
    "test_accuracy": _fraction("test accuracy", "playground"),
    "diverged": Quantity("training diverged (1 yes, 0 no)", "playground", low=0, high=1),
    # the MNIST page
    "mnist_epochs": Quantity("MNIST epochs trained", "mnist", low=0, high=100),
    "mnist_validation_accuracy": _fraction("MNIST validation accuracy", "mnist"),
    "mnist_test_accuracy": _fraction("MNIST test accuracy", "mnist"),
    "mnist_dense_layers": Quantity("Dense hidden layers of the MNIST network", "mnist", low=0, high=64),
    "mnist_conv_layers": Quantity("convolution layers of the MNIST network", "mnist", low=0, high=64),
    "mnist_dropout_layers": Quantity("dropout layers of the MNIST network", "mnist", low=0, high=64),
    "mnist_learning_rate": Quantity("MNIST learning rate", "mnist", low=0.00001, high=10.0),
    "mnist_batch_size": Quantity("MNIST batch size", "mnist", low=1, high=4096),
    # the Draw page
    "draw_reader": Quantity("network reading your digit", "draw", WORD, choices=("bundled", "session", "saved")),
    "draw_recipe_shown": Quantity("recipe shown step by step (1 yes)", "draw", low=0, high=1),
    # Under the hood
    "hood_example_row": Quantity("worked example's row of the XOR table (0-3)", "under_the_hood", low=0, high=3),
    "hood_example_trained": Quantity("worked example uses trained weights (1 yes)", "under_the_hood", low=0, high=1),
    "hood_xor_hidden": Quantity("hidden units of the numpy XOR network", "under_the_hood", low=1, high=8),
    "hood_xor_learning_rate": Quantity("learning rate of the numpy XOR network", "under_the_hood", low=0.03,
                                       high=3.0),
    "scratch_epochs": Quantity("epochs of the from-scratch MNIST network", "under_the_hood", low=0, high=10),
    "init_networks": Quantity("networks measured in the initialisation study", "under_the_hood", low=0, high=12),
    "init_depth": Quantity("hidden layers of the initialisation study", "under_the_hood", low=3, high=15),
    "text_epochs": Quantity("epochs of the review model", "under_the_hood", low=0, high=40),
    "text_validation_accuracy": _fraction("validation accuracy of the review model", "under_the_hood"),
    "text_review_words": Quantity("words in your review", "under_the_hood", low=0, high=5000),
}


def playground_values(config, trainer=None) -> dict:
    """The playground quantities of a :class:`~nnlab.playground.config.PlaygroundConfig` and its
    :class:`~nnlab.training.train.Trainer` (None before a run exists)."""
    activations = {layer.activation for layer in config.layers}
    values = {
        "dataset": config.dataset,
        "hidden_layers": len(config.layers),
        "neurons": sum(layer.units for layer in config.layers),
        "activation": "none" if not activations else activations.pop() if len(activations) == 1 else "mixed",
        "features": len(config.features),
        "learning_rate": config.learning_rate,
        "batch_size": config.batch_size,
        "regularization": config.regularization,
        "reg_rate": config.penalty_rate,
        "noise": config.noise,
        "epochs": 0, "train_loss": None, "test_loss": None, "loss_gap": None, "train_accuracy": None,
        "test_accuracy": None, "diverged": 0,
    }
    if trainer is not None:
        last = trainer.history.last
        values["epochs"] = int(trainer.epoch)
        values["diverged"] = int(bool(trainer.diverged))
        if last is not None:
            values.update(train_loss=last.train_loss, test_loss=last.test_loss, train_accuracy=last.train_accuracy,
                          test_accuracy=last.test_accuracy)
            if last.test_loss is not None and math.isfinite(last.test_loss) and math.isfinite(last.train_loss):
                values["loss_gap"] = last.test_loss - last.train_loss
    return values


def spec_counts(spec) -> tuple[int, int, int]:
    """(Dense hidden layers, convolution layers, dropout layers) of a :class:`~nnlab.model.spec.ModelSpec`."""
    kinds = [layer.kind for layer in spec.layers]
    return kinds.count("dense"), kinds.count("conv2d"), kinds.count("dropout")


def mnist_values(run=None, evaluation=None) -> dict:
    """The MNIST quantities of the page's current :class:`~nnlab.mnist.run.MnistRun` (or None) and the
    :class:`~nnlab.mnist.evaluation.Evaluation` of the session's model (or None)."""
    values = dict.fromkeys(("mnist_epochs", "mnist_validation_accuracy", "mnist_test_accuracy",
                            "mnist_dense_layers", "mnist_conv_layers", "mnist_dropout_layers", "mnist_learning_rate",
                            "mnist_batch_size"))
    values["mnist_epochs"] = 0
    if run is not None:
        dense, conv, dropout = spec_counts(run.spec)
        values.update(mnist_epochs=len(run.epochs), mnist_validation_accuracy=run.validation_accuracy,
                      mnist_dense_layers=dense, mnist_conv_layers=conv, mnist_dropout_layers=dropout,
                      mnist_learning_rate=run.spec.learning_rate, mnist_batch_size=run.settings.batch_size)
    if evaluation is not None:
        values["mnist_test_accuracy"] = float(evaluation.accuracy)
    return values


def empty_values() -> dict:
    """Every quantity, not measured."""
    return dict.fromkeys(QUANTITIES)
