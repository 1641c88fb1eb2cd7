"""Plotly figure builders: data in, ``go.Figure`` out; one module per kind of picture.

Every figure uses :mod:`nnlab.plots.style` so that it reads on a projector.

pandas and PIL.Image are imported here, before any figure is built: plotly does not import them but
looks them up in ``sys.modules`` (``get_module(..., should_load=False)``), and while another thread was
still importing pandas (the server's background TensorFlow import brings it in) a figure built at that
moment saw the half-initialised module and raised ``AttributeError: partially initialized module
'pandas' has no attribute 'Series'`` (seen on the MNIST page of a freshly started class worker). A real
``import`` waits for the other thread's import to finish.
"""

import pandas  # noqa: F401
import PIL.Image  # noqa: F401
