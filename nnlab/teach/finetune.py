""""Teach it my handwriting": the digit model fine-tuned on a student's corrected drawings, mixed with MNIST.

When the digit model misreads a drawing, the student says what it was; those drawings and their true
digits are :class:`Corrections`. Fine-tuning trains a **copy** of the model (:func:`digit_copy`: the shared
bundled model is never changed) for a few epochs on

* the corrections and :data:`COPIES` distorted copies of each (shifted, turned, thinner, thicker:
  :func:`nnlab.teach.transfer.augmented`), and
* :data:`MNIST_MIX` MNIST training digits drawn at random, so that it does not forget the digits it
  already read well (without them, a network trained only on the new examples drifts toward them:
  "catastrophic forgetting"),

with Adam at a small learning rate (:data:`LEARNING_RATE`, a tenth of the bundled model's own), every
layer free to move. :class:`TuneRun` is a :class:`~nnlab.training.live.TrainerRun` (the one live driver
trains it) whose held-out set is the corrected drawings as drawn; :meth:`TuneRun.report` measures accuracy
on them and on the 10,000 MNIST test digits, before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnlab.digits.augment import Distortion
from nnlab.digits.preprocess import SIZE
from nnlab.digits.reader import pretrained_model
from nnlab.loaded_once import loaded_once
from nnlab.training.live import RUNNING, TrainerRun

DIGITS = tuple(str(d) for d in range(10))  # the class names of a corrections file
MIN_CORRECTIONS = 5
MAX_CORRECTIONS = 200
COPIES = 10
MNIST_MIX = 2_000
EPOCHS = 3
BATCH = 64
LEARNING_RATE = 1e-4


@dataclass
class Corrections:
    """Drawings the digit model misread, with the digit each really is."""

    images: list[np.ndarray] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.images)

    def add(self, image: np.ndarray, digit: int) -> int:
        from nnlab.teach.examples import ExampleError, check_image

        if not 0 <= int(digit) <= 9:
            raise ExampleError("A digit is 0 to 9.")
        if len(self.images) >= MAX_CORRECTIONS:
            raise ExampleError(f"{MAX_CORRECTIONS} corrections are kept at most: teach it with these first.")
        self.images.append(check_image(image))
        self.labels.append(int(digit))
        return len(self.images)

    def remove_last(self) -> None:
        if self.images:
            self.images.pop()
            self.labels.pop()

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.images:
            return np.zeros((0, SIZE, SIZE), np.float32), np.zeros(0, np.int64)
        return np.stack(self.images).astype(np.float32), np.asarray(self.labels, np.int64)

    def to_npz(self) -> bytes:
        """The corrections as an example file (:func:`nnlab.teach.examples.to_npz`) whose classes are 0 to 9."""
        from nnlab.teach.examples import to_npz

        return to_npz(DIGITS, *self.arrays())

    def merge_npz(self, data: bytes) -> int:
        """Add the corrections of an uploaded file (checked as every example file); all or nothing."""
        from nnlab.teach.examples import ExampleError, from_npz

        classes, images, labels = from_npz(data, max_classes=len(DIGITS))
        if classes != DIGITS:
            raise ExampleError("This is not a file of digit corrections (its classes are not 0 to 9): upload it "
                               "under 'Keep your examples' instead.")
        if len(self) + len(images) > MAX_CORRECTIONS:
            raise ExampleError(f"With this file there would be {len(self) + len(images)} corrections; at most "
                               f"{MAX_CORRECTIONS} are kept. Nothing was added.")
        self.images.extend(np.array(image, np.float32) for image in images)
        self.labels.extend(int(label) for label in labels)
        return len(images)

    def problems(self) -> list[str]:
        if len(self) < MIN_CORRECTIONS:
            return [f"Correct at least {MIN_CORRECTIONS} drawings before teaching it ({len(self)} so far)."]
        return []


def digit_copy(source=None):
    """A copy of ``source`` (default: the bundled digit CNN) with its own weights: this student's to change."""
    import keras

    source = source if source is not None else pretrained_model()
    copy = keras.models.clone_model(source)
    copy.set_weights(source.get_weights())
    return copy


def accuracy(model, images: np.ndarray, labels: np.ndarray) -> float:
    """Share of ``images`` whose most probable digit is the label."""
    from nnlab.mnist.evaluation import probabilities

    if len(images) == 0:
        return float("nan")
    return float(np.mean(np.argmax(probabilities(model, images), axis=1) == np.asarray(labels)))


@loaded_once()
def bundled_mnist_accuracy() -> float:
    """The bundled model's accuracy on the MNIST test set, measured once per process."""
    from nnlab.mnist.data import test_set

    return accuracy(pretrained_model(), *test_set())


def mixed_data(images: np.ndarray, labels: np.ndarray, copies: int = COPIES, mnist: int = MNIST_MIX,
               seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The corrections with their distorted copies, and ``mnist`` random MNIST training digits, shuffled."""
    from nnlab.mnist.data import prepare_data
    from nnlab.teach.transfer import augmented

    x_own, y_own = augmented(images, labels, copies, seed, Distortion())
    data = prepare_data()
    rng = np.random.default_rng(seed + 1)
    pick = rng.choice(data.n_train, size=min(mnist, data.n_train), replace=False)
    x = np.concatenate([x_own, data.x_train[pick]]).astype(np.float32)
    y = np.concatenate([y_own, data.y_train[pick].astype(np.int64)])
    order = rng.permutation(len(x))
    return x[order], y[order]


@dataclass(frozen=True)
class TuneReport:
    """Accuracy on the student's corrected drawings and on the MNIST test set, before and after."""

    own_before: float
    own_after: float
    mnist_before: float
    mnist_after: float
    count: int  # corrected drawings


class TuneRun(TrainerRun):
    """The digit model's copy learning the corrections, live (see the module docstring). Starts running."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, *, source=None, epochs: int = EPOCHS,
                 copies: int = COPIES, mnist: int = MNIST_MIX, seed: int = 0) -> None:
        import keras

        from nnlab.training.train import Trainer

        if len(images) == 0 or len(images) != len(labels):
            raise ValueError("Fine-tuning needs corrected drawings, one digit for each.")
        self.source = source if source is not None else pretrained_model()
        self.images, self.labels = np.asarray(images, np.float32), np.asarray(labels, np.int64)
        self.own_before = accuracy(self.source, self.images, self.labels)
        self.model = digit_copy(self.source)
        x, y = mixed_data(self.images, self.labels, copies, mnist, seed)
        trainer = Trainer(self.model, x, y, self.images, self.labels, batch_size=BATCH,
                          loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(LEARNING_RATE),
                          seed=seed, train_metrics="running")
        trainer.warm_up()
        super().__init__(trainer, "your handwriting", epochs, state=RUNNING)
        self._report: TuneReport | None = None

    def report(self) -> TuneReport:
        """Accuracies before and after (the MNIST test set is read twice: about 3 s); measured once, at the end."""
        if self._report is None:
            from nnlab.mnist.data import test_set

            before = bundled_mnist_accuracy() if self.source is pretrained_model() else accuracy(self.source,
                                                                                                 *test_set())
            self._report = TuneReport(self.own_before, accuracy(self.model, self.images, self.labels), before,
                                      accuracy(self.model, *test_set()), len(self.images))
        return self._report
