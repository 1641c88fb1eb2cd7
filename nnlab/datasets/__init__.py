"""Datasets that ship with nnlab: the embedded MNIST, generated 2D toy sets, and 2D points as CSV."""

from nnlab.datasets.mnist import MnistMissingError, load_mnist
from nnlab.datasets.points_csv import points_from_csv, points_to_csv
from nnlab.datasets.toy2d import DATASETS_2D, is_regression, make_2d

__all__ = ["DATASETS_2D", "MnistMissingError", "is_regression", "load_mnist", "make_2d", "points_from_csv",
           "points_to_csv"]
