"""nnlab: a visual playground for neural networks.

The core (spec, build, datasets, plots, ...) imports no streamlit; TensorFlow is
imported only inside the functions that build or train a model, after the settings it reads
at import are given their defaults (:mod:`nnlab.tensorflow_settings`).
"""

from nnlab.tensorflow_settings import apply_defaults

apply_defaults()  # before anything imports TensorFlow

__version__ = "0.1.0"
