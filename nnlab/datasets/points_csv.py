"""2D points as CSV: a student's own data in, the points on the plane out.

The file is UTF-8 text with a header ``x1,x2,label`` and one point a row::

    x1,x2,label
    -2.5,1.0,0
    3,4.25,1

``label`` is either a class, a whole number from 0 to 4 (at least two classes), or for
regression a real number from -1 to 1 (any value that is not a whole number 0..4 makes the whole
file a regression set). ``x1`` and ``x2`` are from -20 to 20 (the plane shows [-6, 6]; the
built-in sets with noise reach a little past it). Every check raises
``ValueError`` with a sentence a page can show as it is; nothing is read from a file that fails one.
:func:`points_to_csv` writes what :func:`points_from_csv` reads back exactly (float32 coordinates
are written with the shortest text that gives the same float32).
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

MAX_BYTES = 200_000
MAX_ROWS = 2_000
MAX_CLASS = 4  # labels 0..4: five classes at most
MAX_COORDINATE = 20.0  # |x1| and |x2| at most this: the plane shows [-6, 6]
HEADER = ("x1", "x2", "label")


def _number(text: str, row: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"Row {row}: {text.strip()[:20]!r} in column {column} is not a number.") from None
    if not math.isfinite(value):
        raise ValueError(f"Row {row}: {column} is {text.strip()[:20]!r}; every value must be a finite number.")
    return value


def points_from_csv(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Read points from CSV bytes: ``X`` float32 (n, 2) and ``y``, int64 classes 0..4 or float32 values in [-1, 1]."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"The file is {len(data) / 1000:,.0f} kB; a points file is at most {MAX_BYTES // 1000} kB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file is not text (UTF-8): save it as CSV with columns x1,x2,label.") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as error:  # a field over the csv module's limit, a stray quote at the end...
        raise ValueError(f"The file is not a readable CSV ({error}): save it with columns x1,x2,label.") from None
    if not rows:
        raise ValueError("The file is empty: it needs a header x1,x2,label and one point a row.")
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header != HEADER:
        raise ValueError(f"The first row must be the header x1,x2,label; this file has {','.join(header)[:60]!r}.")
    body = rows[1:]
    if not body:
        raise ValueError("The file has a header but no points.")
    if len(body) > MAX_ROWS:
        raise ValueError(f"The file has {len(body):,} points; at most {MAX_ROWS:,} fit on the plane.")
    values = np.empty((len(body), 3), dtype=np.float64)
    for index, row in enumerate(body):
        line = index + 2
        if len(row) != 3:
            raise ValueError(f"Row {line} has {len(row)} values; each row needs 3: x1, x2 and label.")
        values[index] = [_number(cell, line, column) for cell, column in zip(row, HEADER, strict=True)]
    points, labels = values[:, :2], values[:, 2]
    outside = np.flatnonzero(np.abs(points).max(axis=1) > MAX_COORDINATE)
    if len(outside):
        raise ValueError(f"Row {outside[0] + 2}: x1 and x2 must be from -{MAX_COORDINATE:g} to {MAX_COORDINATE:g} "
                         "(the plane shows -6 to 6).")
    if np.all((labels == np.round(labels)) & (labels >= 0) & (labels <= MAX_CLASS)):
        classes = labels.astype(np.int64)
        if len(np.unique(classes)) < 2:
            raise ValueError(f"Every point is of class {classes[0]}: a classifier needs at least two classes.")
        return points.astype(np.float32), classes
    if np.abs(labels).max() > 1.0:
        bad = int(np.flatnonzero(np.abs(labels) > 1.0)[0])
        raise ValueError(f"Row {bad + 2}: label {labels[bad]:g} is neither a class (a whole number 0 to "
                         f"{MAX_CLASS}) nor a value from -1 to 1 (regression).")
    return points.astype(np.float32), labels.astype(np.float32)


def _text(value) -> str:
    """The shortest text that reads back as the same value (float32 values stay exact)."""
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    return repr(float(value))


def points_to_csv(points: np.ndarray, labels: np.ndarray) -> bytes:
    """The points as CSV bytes with the header ``x1,x2,label`` (what :func:`points_from_csv` reads)."""
    points, labels = np.asarray(points), np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError("Points are an (n, 2) array with one label each.")
    lines = [",".join(HEADER)]
    lines += [f"{_text(x1)},{_text(x2)},{_text(label)}" for (x1, x2), label in zip(points, labels, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")
