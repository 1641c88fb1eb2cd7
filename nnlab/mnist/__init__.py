"""Training a digit classifier on MNIST: the run with its curves and checkpoints, and its evaluation."""
