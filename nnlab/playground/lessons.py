"""One-click setups for the classic lessons, each with the explanation a teacher would give.

* XOR with no hidden layer cannot work: one unit draws one straight line
  (Minsky and Papert, *Perceptrons*, 1969).
* XOR with one hidden layer of two neurons can: two lines, combined.
* AND and OR need only one unit: one line is enough.
* A circle needs no hidden layer either once the inputs include x1^2 and x2^2.

Each lesson fixes the seed, so the same click gives the same run on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nnlab.playground.config import DEFAULT, Hidden, PlaygroundConfig

ONE_UNIT = dict(layers=(), features=("x1", "x2"), optimizer="adam", learning_rate=0.03, loss="cross_entropy",
                batch_size=10, regularization="none", noise=0, train_percent=50, points=500, seed=0, data_seed=0)


@dataclass(frozen=True)
class Lesson:
    title: str  # the button label
    changes: dict
    explanation: str  # markdown, shown while the lesson's setup is on the page
    expected: str  # one line: what the class should see

    def apply(self, config: PlaygroundConfig) -> PlaygroundConfig:
        """The lesson's setup; the display switches and hidden controls stay as they were."""
        return replace(DEFAULT, show_test=config.show_test, discretize=config.discretize, hide=config.hide,
                       **self.changes)


LESSONS: dict[str, Lesson] = {
    "xor_no_hidden": Lesson(
        "XOR, no hidden layer",
        dict(ONE_UNIT, dataset="xor_corners"),
        "**Why it fails.** With no hidden layer the network is a single unit: "
        "p = σ(w1·x1 + w2·x2 + b). The boundary p = 0.5 is where w1·x1 + w2·x2 + b = 0, "
        "which is always a **straight line**. XOR puts one class in two opposite corners and the other class "
        "in the other two: every straight line leaves at least one corner on the wrong side. The best any line "
        "can do is 3 corners of 4 (75 %); gradient descent usually stalls near 50 %, because the corners pull "
        "the line in opposite directions. This is the argument of Minsky and Papert (*Perceptrons*, 1969).\n\n"
        "Two ways out: a hidden layer (next lesson), or an input that is not a straight line: switch on **x1·x2**.",
        "Accuracy stays at 75 % or below, however long it trains.",
    ),
    "xor_hidden_2": Lesson(
        "XOR, one hidden layer of 2",
        dict(ONE_UNIT, dataset="xor_corners", layers=(Hidden(2, "tanh"),)),
        "**Why it works.** Each hidden neuron draws its own straight line: h = tanh(w1·x1 + w2·x2 + b) is +1 "
        "on one side and −1 on the other (see its small picture in the network). The output unit then "
        "combines the two half-planes, for example keeping the band *between* two parallel lines, and a band "
        "can hold the two orange corners while both blue corners stay outside. Two lines, combined: that is "
        "what a hidden layer adds.\n\n"
        "With only two hidden neurons some starting weights get stuck at 75 %: change the seed under "
        "*Training* to see one, then add a third neuron with **+** and watch it escape.",
        "100 % within a few epochs.",
    ),
    "and_one_unit": Lesson(
        "AND with one unit",
        dict(ONE_UNIT, dataset="and"),
        "**One line is enough.** AND is blue only in the corner where x1 > 0 **and** x2 > 0. A single straight "
        "line, for instance x1 + x2 = 3, cuts that corner off from the other three, and a single unit "
        "p = σ(w1·x1 + w2·x2 + b) is exactly one straight line. This is Rosenblatt's perceptron (1958).",
        "100 % accuracy: the boundary is one straight line.",
    ),
    "or_one_unit": Lesson(
        "OR with one unit",
        dict(ONE_UNIT, dataset="or"),
        "**One line is enough.** OR is orange only in the corner where x1 < 0 and x2 < 0, so one straight "
        "line, for instance x1 + x2 = −3, separates the classes, and one unit learns it.",
        "100 % accuracy: the boundary is one straight line.",
    ),
    "circle_features": Lesson(
        "Circle with x1², x2²",
        dict(ONE_UNIT, dataset="circle", features=("x1^2", "x2^2")),
        "**A better input instead of a hidden layer.** A circle is not separable by a line in (x1, x2), but it "
        "is in (x1², x2²): the boundary w1·x1² + w2·x2² + b = 0 is a circle or an ellipse. One unit on these two "
        "features solves it, with no hidden layer at all.",
        "100 % with no hidden layer.",
    ),
}
