"""Training a digit classifier on MNIST.

* :mod:`~nnlab.mnist.data`: the training, validation and test images;
* :mod:`~nnlab.mnist.settings`: how a run trains, and which networks can learn MNIST;
* :mod:`~nnlab.mnist.scores`: what an epoch measured (the trainer's held-out figures, named validation);
* :mod:`~nnlab.mnist.curves`: the live curves; :mod:`~nnlab.mnist.run`: one run with its checkpoint;
* :mod:`~nnlab.mnist.book`: the runs of a session; :mod:`~nnlab.mnist.evaluation`: a model on the test images.
"""
