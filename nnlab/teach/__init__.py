"""Teach it: a student's own classes learned on top of the bundled digit CNN, and its digit mistakes fixed.

* :mod:`nnlab.teach.examples`: the class names and the drawn examples, their checks, and the ``.npz``
  file they are downloaded and uploaded as;
* :mod:`nnlab.teach.shapes`: simple shapes as pen strokes, rendered as the canvas renders them (tests,
  benchmarks, and the browser test's mouse);
* :mod:`nnlab.teach.transfer`: transfer learning: the bundled CNN's convolution layers, frozen, under a
  new dense head, trained live on augmented copies of the examples; what it reads ("not sure" included);
* :mod:`nnlab.teach.finetune`: "Teach it my handwriting": a per-session copy of the digit model fine-tuned
  on the corrected drawings mixed with MNIST, with accuracies before and after.

No streamlit here; the page is ``pages/6_Teach.py`` with its sections in :mod:`nnlab.ui.teach`.
"""
