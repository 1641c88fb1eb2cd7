"""Datasets that ship with nnlab: the embedded MNIST and generated 2D toy sets."""

from nnlab.datasets.mnist import MnistMissingError, load_mnist
from nnlab.datasets.toy2d import DATASETS_2D, make_2d

__all__ = ["DATASETS_2D", "MnistMissingError", "load_mnist", "make_2d"]
