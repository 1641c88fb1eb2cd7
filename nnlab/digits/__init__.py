"""Digits drawn by hand or photographed, and the models that read them.

* :mod:`nnlab.digits.preprocess`: ink -> the 28x28 MNIST form (crop, 20x20 box, centre of mass at the middle);
* :mod:`nnlab.digits.photos`: uploaded photos and the canvas's data URL -> pixels, with their checks;
* :mod:`nnlab.digits.reader`: the bundled model, the check that a model reads digits, its predictor, a reading;
* :mod:`nnlab.digits.pictures`: enlarged pixels for the page, digits painted back onto a canvas;
* :mod:`nnlab.digits.augment`: random distortions used to train the bundled model.

The bundled model's files are in ``nnlab/digits/assets/``.
"""
