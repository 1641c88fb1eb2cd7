"""Input features for 2D points, as in TensorFlow Playground.

A point ``(x1, x2)`` becomes the vector of the chosen features, for example
``[x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)]``. Each feature is a numpy
function (used by the app) and the same expression as source text (used in the
exported Keras script); a test runs the exported text and checks both agree.
"""

from __future__ import annotations

import numpy as np

from nnlab.model.spec import FEATURES

# name -> numpy expression over the columns x1 and x2 (our own constant text, never user input)
FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 ** 2",
    "x2^2": "x2 ** 2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}
assert tuple(FEATURE_CODE) == FEATURES

FEATURE_FUNCTIONS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def feature_matrix(points: np.ndarray, features: tuple[str, ...] | list[str]) -> np.ndarray:
    """Map ``points`` of shape (n, 2) to float32 features of shape (n, len(features))."""
    points = np.asarray(points, dtype=np.float32)
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([FEATURE_FUNCTIONS[name](x1, x2) for name in features], axis=1).astype(np.float32)


def feature_code(features: tuple[str, ...] | list[str]) -> str:
    """Source of a numpy function ``features(points)`` computing :func:`feature_matrix`."""
    columns = ", ".join(FEATURE_CODE[name] for name in features)
    return (
        "def features(points):\n"
        "    x1, x2 = points[:, 0], points[:, 1]\n"
        f"    return np.stack([{columns}], axis=1).astype(np.float32)\n"
    )
