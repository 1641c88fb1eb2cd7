"""Every workaround for a Streamlit, Keras or component internal, fenced here.

Each module touches one internal, says which and why in its docstring, checks the version it
was checked on (:mod:`~nnlab.ui.compat.versions`: Streamlit 1.67.x, streamlit-drawable-canvas
0.13.x, Keras 3.15.x; on another one warning line) and, when the internal is missing, falls
back to the library's own behaviour with a log line (logger ``nnlab``):

- :mod:`~nnlab.ui.compat.fast_canvas`: a copy of the canvas frontend without its 200 ms send
  delay (fallback: the stock component, 200 ms slower after each stroke).
- :mod:`~nnlab.ui.compat.canvas_state`: reads the canvas's widget state at the start of a rerun
  (fallback: no drawing read).
- :mod:`~nnlab.ui.compat.keras_session`: replaces Streamlit's after-run hook that calls
  ``keras.backend.clear_session()`` (fallback: the hook is left as it is).
- :mod:`~nnlab.ui.compat.owner`: the owner token from Streamlit's XSRF cookie (fallback: a token
  for this session only).
- :mod:`~nnlab.ui.compat.script_start`: each script run's thread is started by a launcher thread, not
  by the server's event loop, which waited 8-15 ms for every start on a busy server (fallback:
  Streamlit's own start).
- :mod:`~nnlab.ui.compat.pages_first`: every full script run holds back new live-training turns
  while it runs, so a page switch under load is not slowed by the ticks (fallback: page runs share
  the CPU with the ticks as they come).
- :mod:`~nnlab.ui.compat.runtime`: ``gc.freeze`` once TensorFlow is loaded, and the Janitor that
  frees what ended sessions left (fallback: no ``malloc_trim``, memory kept for reuse).
- :mod:`~nnlab.ui.compat.recycle`: a quiet server with no session left that still holds much more than
  it did warm restarts itself in place (fallback: sessions cannot be counted, never restarted).

Why, with the measurements: docs/ARCHITECTURE.md, "Streamlit and TensorFlow traps".
"""
