"""How fast the 2D playground trains XOR while redrawing, against plain model.fit, in one run.

The playground's default network (2-4-2-1 tanh, SGD with momentum, cross-entropy) on XOR, 250
training points (500 points, 50 % for training), batch 10 (25 steps an epoch):

1. trainer + redraws: the page's own loop without the browser: train a chunk of the playing
   run (``PlaygroundRun.advance(0.03 s)``: whole epochs in compiled XLA calls, as the live driver asks),
   then redraw as the page does
   while playing: the decision boundary on a 100x100 grid every time (its values, one byte a cell,
   which the browser paints: nnlab.ui.playground_plane), the network with its neuron pictures (an image) and the loss
   chart (a plotly figure, serialized as ``st.plotly_chart`` does: ``to_dict`` then
   ``plotly.io.to_json``) every 0.5 s. A redraw is one new decision-boundary picture;
2. trainer alone: the same chunks with no redraws;
3. baseline: plain ``model.fit`` on the same network and data, all epochs in one call
   (the fastest ``fit`` can be), and ``fit(epochs=1)`` + ``predict`` on the grid per
   frame (what an animation built on ``fit`` would do).

Then the same loop (trainer + redraws) on the regression set "plane" (one linear output, squared
error) and on "Four classes" (softmax over 4), same network and sizes, one line each.

TensorFlow Playground: one epoch per frame, about 60 epochs/s. Target here: at least
1,000 epochs/s with at least 20 redraws/s. The last line is ``epochs_per_s: <n>``.
Usage: python bench/xor_speed.py [seconds per measurement, default 6]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataclasses import replace  # noqa: E402

import plotly.io as pio  # noqa: E402

from nnlab.playground.config import DEFAULT  # noqa: E402
from nnlab.playground.session import SLOW_PARTS_EVERY_S, TRAIN_BUDGET_S, PlaygroundRun  # noqa: E402
from nnlab.ui.components.plane import encode_values  # noqa: E402

TARGET_EPOCHS_PER_S = 1000
TARGET_REDRAWS_PER_S = 20


def serialize(picture) -> int:
    """Bytes sent for a picture: an image as it is, a plotly figure as st.plotly_chart serializes it."""
    if isinstance(picture, bytes):
        return len(picture)
    return len(pio.to_json(picture.to_dict(), validate=False))


def trainer_loop(seconds: float, redraw: bool, config=DEFAULT) -> tuple[float, float, float, float]:
    """(epochs/s, redraws/s, KB sent per redraw, epochs per CPU-second) of the page's loop on ``config``."""
    run = PlaygroundRun(config)
    run.trainer.warm_up()
    run.resume()  # Play
    run.advance(0.2)
    if redraw:
        run.frame(config, live=True, picture=False)  # the grid function is traced on the first frame
    start, cpu, epochs, frames, sent = time.perf_counter(), time.process_time(), run.trainer.epoch, 0, 0
    slow_parts_drawn = -SLOW_PARTS_EVERY_S
    while time.perf_counter() - start < seconds:
        run.advance(TRAIN_BUDGET_S)
        if redraw:
            now = time.perf_counter()
            everything = now - slow_parts_drawn > SLOW_PARTS_EVERY_S
            frame = run.frame(config, everything=everything, live=True, picture=False)
            sent += len(encode_values(frame.plane))  # the plane's values, which the browser paints
            if everything:
                sent += serialize(frame.network) + serialize(frame.loss)
                slow_parts_drawn = now
            frames += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    done = run.trainer.epoch - epochs
    return done / elapsed, frames / elapsed, sent / max(frames, 1) / 1024, done / cpu


def fit_baseline(seconds: float) -> tuple[float, float]:
    """(epochs/s of one long fit call, epochs/s of fit(epochs=1) + predict per frame)."""
    run = PlaygroundRun(DEFAULT)
    model, data = run.trainer.model, run.data
    grid = run.grid.points
    model.fit(data.x_train, data.train_labels, batch_size=DEFAULT.batch_size, epochs=2, verbose=0)
    start = time.perf_counter()
    epochs = 0
    while time.perf_counter() - start < seconds / 2:
        model.fit(data.x_train, data.train_labels, batch_size=DEFAULT.batch_size, epochs=20, verbose=0)
        epochs += 20
    one_call = epochs / (time.perf_counter() - start)
    model.predict(grid, verbose=0)
    start, frames = time.perf_counter(), 0
    while time.perf_counter() - start < seconds / 2:
        model.fit(data.x_train, data.train_labels, batch_size=DEFAULT.batch_size, epochs=1, verbose=0)
        model.predict(grid, verbose=0)
        frames += 1
    return one_call, frames / (time.perf_counter() - start)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
    print(f"XOR, {DEFAULT.n_train} training points, batch {DEFAULT.batch_size}, network 2-4-2-1 tanh, "
          f"{os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f}), {seconds:g} s per measurement")
    fit_one_call, fit_per_frame = fit_baseline(seconds)
    print(f"baseline model.fit, all epochs in one call:     {fit_one_call:8.1f} epochs/s (no redraws)")
    print(f"baseline model.fit(epochs=1) + predict per frame: {fit_per_frame:6.1f} epochs/s = redraws/s")
    alone, _, _, alone_cpu = trainer_loop(seconds, redraw=False)
    print(f"trainer alone (compiled chunks, no redraws):    {alone:8.1f} epochs/s")
    epochs_per_s, redraws_per_s, kilobytes, per_cpu_second = trainer_loop(seconds, redraw=True)
    print(f"trainer + redraws (the page's loop):            {epochs_per_s:8.1f} epochs/s")
    print(f"redraws_per_s: {redraws_per_s:.1f}  ({kilobytes:.0f} KB of pictures per redraw)")
    print(f"per CPU-second used by this process: {alone_cpu:.0f} epochs alone, {per_cpu_second:.0f} with redraws "
          "(wall-clock figures fall when other programs share the cores)")
    print(f"vs model.fit in one call: {epochs_per_s / fit_one_call:.1f}x; "
          f"vs fit+predict per frame: {epochs_per_s / fit_per_frame:.1f}x")
    for dataset, title in (("plane", "regression 'plane'"), ("four_blobs", "4 classes, softmax")):
        other, other_redraws, _, _ = trainer_loop(seconds, redraw=True, config=replace(DEFAULT, dataset=dataset))
        print(f"trainer + redraws, {title + ':':<24}{other:8.1f} epochs/s, {other_redraws:.1f} redraws/s")
    met = epochs_per_s >= TARGET_EPOCHS_PER_S and redraws_per_s >= TARGET_REDRAWS_PER_S
    print(f"target {TARGET_EPOCHS_PER_S} epochs/s with {TARGET_REDRAWS_PER_S} redraws/s: {'met' if met else 'NOT met'}")
    print(f"epochs_per_s: {epochs_per_s:.1f}")


if __name__ == "__main__":
    main()
