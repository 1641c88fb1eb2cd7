"""File uploaders whose size limit is stated once and whose every refusal is a sentence on the page.

Streamlit's uploader refuses two things itself, in the browser, before Python sees the file: a
file above its ``max_upload_size`` and a file whose type is not in ``type``. It shows them only as
a red chip; the reason ("File must be 5.0MB or smaller.") is in the page, but visually hidden
(for screen readers, and as a tooltip on hover). So :func:`uploader`

* accepts every file type: the page's own code refuses a wrong one with a sentence
  (:mod:`nnlab.digits.photos`, :mod:`nnlab.library.store`);
* passes the page's limit as ``max_upload_size`` and states the same number in the label;
* shows Streamlit's own size refusal as a line of red text under the chip (:data:`REFUSAL_CSS`,
  which un-hides the chip's ``role=alert`` text).

A limit above the server's ``server.maxUploadSize`` (.streamlit/config.toml) would not be true: the
server refuses the upload anyway. :func:`server_limit_mb` is that cap.
"""

from __future__ import annotations

import streamlit as st

# The refusal text of a refused file's chip, shown as a sentence under it (the chip's row wraps).
REFUSAL_CSS = """<style>
[data-testid=stFileChip]:has([role=alert]) { flex-wrap: wrap; }
[data-testid=stFileChip] [role=alert] {
  position: static !important; clip: auto !important; clip-path: none !important; width: auto !important;
  height: auto !important; margin: 0.25rem 0 0 0 !important; overflow: visible !important;
  white-space: normal !important; flex-basis: 100%; color: #B00020; font-size: 0.95rem;
}
</style>"""


def server_limit_mb() -> int:
    """The server's cap on any upload, in MB (``server.maxUploadSize``)."""
    return int(st.get_option("server.maxUploadSize"))


def uploader(where, label: str, limit_mb: int, key: str, **options):
    """``where.file_uploader`` for any file type with ``limit_mb`` (at most the server's cap) as its
    ``max_upload_size``, ``"(up to N MB)"`` appended to ``label``; Streamlit's refusals become visible text."""
    limit_mb = min(int(limit_mb), server_limit_mb())
    st.html(REFUSAL_CSS)
    return where.file_uploader(f"{label} (up to {limit_mb} MB)", type=None, max_upload_size=limit_mb, key=key,
                               **options)
