"""nnlab: a visual playground for neural networks.

The core (spec, build, datasets, plots, ...) imports no streamlit; TensorFlow is
imported only inside the functions that build or train a model.
"""

__version__ = "0.1.0"
