"""Plotly figure builders: data in, ``go.Figure`` out; one module per kind of picture.

Every figure uses :mod:`nnlab.plots.style` so that it reads on a projector.
"""
