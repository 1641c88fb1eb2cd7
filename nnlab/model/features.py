"""Input features for 2D points, as in TensorFlow Playground: one table row per feature.

A point ``(x1, x2)`` becomes the vector of the chosen features, for example
``[x1, x2, x1², x2², x1·x2, sin(x1), sin(x2)]``. A row holds the feature's name (shown,
and saved in specs), its short name in playground links (``x1*x2`` would need
escaping), its numpy function (used by the app) and the same expression as source
text (used in the exported Keras script); a test runs the exported text and checks
both agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feature:
    name: str  # "x1^2": shown on the pages and saved in specs
    link: str  # "x1sq": its name in playground links
    code: str  # "x1 ** 2": a numpy expression over the columns x1 and x2 (our own constant text, never user input)
    function: Callable[[np.ndarray, np.ndarray], np.ndarray]


FEATURE_TABLE: dict[str, Feature] = {feature.name: feature for feature in (
    Feature("x1", "x1", "x1", lambda x1, x2: x1),
    Feature("x2", "x2", "x2", lambda x1, x2: x2),
    Feature("x1^2", "x1sq", "x1 ** 2", lambda x1, x2: x1**2),
    Feature("x2^2", "x2sq", "x2 ** 2", lambda x1, x2: x2**2),
    Feature("x1*x2", "x1x2", "x1 * x2", lambda x1, x2: x1 * x2),
    Feature("sin(x1)", "sinx1", "np.sin(x1)", lambda x1, x2: np.sin(x1)),
    Feature("sin(x2)", "sinx2", "np.sin(x2)", lambda x1, x2: np.sin(x2)),
)}
FEATURES = tuple(FEATURE_TABLE)  # the pages' order
FEATURE_CODE = {name: feature.code for name, feature in FEATURE_TABLE.items()}


def feature_matrix(points: np.ndarray, features: tuple[str, ...] | list[str]) -> np.ndarray:
    """Map ``points`` of shape (n, 2) to float32 features of shape (n, len(features))."""
    points = np.asarray(points, dtype=np.float32)
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([FEATURE_TABLE[name].function(x1, x2) for name in features], axis=1).astype(np.float32)


def feature_code(features: tuple[str, ...] | list[str]) -> str:
    """Source of a numpy function ``features(points)`` computing :func:`feature_matrix`."""
    columns = ", ".join(FEATURE_CODE[name] for name in features)
    return (
        "def features(points):\n"
        "    x1, x2 = points[:, 0], points[:, 1]\n"
        f"    return np.stack([{columns}], axis=1).astype(np.float32)\n"
    )
