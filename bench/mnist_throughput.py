"""Training speed of the MNIST page's trainer, live curves included, against plain ``model.fit``.

Both sides train the same network (built from the same spec and seed), on the same 55,000
training images, with the same batch size and optimizer, and both measure the 5,000 validation
images after every epoch (``fit(validation_data=...)``; the page's validation curve).

* ``model.fit``: samples/s between the end of its first epoch and the end of its last one
  (tracing and per-call set-up left out), measured with a ``Callback``.
* nnlab: what the MNIST page's fragment does, in a loop: train ``LIVE_CHUNK_S`` (0.3 s), then
  redraw: the curves (``RunCurves``), the plotly figure, its JSON as ``st.plotly_chart`` sends it,
  and the progress line. Samples/s over the same number of epochs, redraws included.

The two alternate for ``--rounds`` rounds (so that a load from other processes hits both alike)
and the totals are compared. The last line is ``throughput_ratio: <nnlab / fit>``; the target
is at least 0.95.

    python bench/mnist_throughput.py                       # Hands-On DNN 784-300-100-10, batch 50
    python bench/mnist_throughput.py --preset "Small CNN"  # its batch 64
    python bench/mnist_throughput.py --preset "Small CNN" --train-size 20000 --rounds 2 --epochs 1  # quicker
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import plotly.io as pio  # noqa: E402

from nnlab.mnist.data import prepare_data  # noqa: E402
from nnlab.mnist.run import LIVE_CHUNK_S, MnistRun, progress_line  # noqa: E402
from nnlab.mnist.settings import RunSettings  # noqa: E402
from nnlab.model.presets import PRESETS  # noqa: E402
from nnlab.plots.mnist import live_curves  # noqa: E402


def time_fit(model, data, batch: int, epochs: int) -> float:
    """Seconds ``fit`` takes for ``epochs`` epochs after its first one (``epochs + 1`` are run)."""
    import keras

    ends = []

    class EpochEnds(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            ends.append(time.perf_counter())

    model.fit(data.x_train, data.y_train, batch_size=batch, epochs=epochs + 1, shuffle=True, verbose=0,
              validation_data=(data.x_validation, data.y_validation), callbacks=[EpochEnds()])
    return ends[-1] - ends[0]


def time_page(run: MnistRun, epochs: int, earlier) -> tuple[float, float, int, float]:
    """Train ``epochs`` more epochs as the page does; (seconds, epochs done, redraws, seconds redrawing)."""
    start_position, started = run.position, time.perf_counter()
    redraws, drawing = 0, 0.0
    while run.position < start_position + epochs:
        run.advance(LIVE_CHUNK_S)
        drawn = time.perf_counter()
        figure = live_curves(run.curves(), earlier)
        pio.to_json(figure.to_dict(), validate=False)  # what st.plotly_chart serialises
        progress_line(run)
        drawing += time.perf_counter() - drawn
        redraws += 1
    return time.perf_counter() - started, run.position - start_position, redraws, drawing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="Hands-On DNN 784-300-100-10",
                        choices=[name for name, spec in PRESETS.items() if spec.input.kind == "image"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per round and side")
    parser.add_argument("--train-size", type=int, default=None,
                        help="train both sides on the first N training images (shorter epochs; default all 55,000)")
    args = parser.parse_args()

    from nnlab.model.build import build_model

    spec = PRESETS[args.preset]
    data = prepare_data(5_000, args.train_size)
    n = data.n_train
    settings = RunSettings(epochs=100, batch_size=spec.batch_size, optimizer=spec.optimizer,
                           learning_rate=spec.learning_rate, train_size=args.train_size, keep_best=False, seed=0)
    print(f"{spec.name}: batch {spec.batch_size}, {spec.optimizer} {spec.learning_rate:g}, {n:,} training images, "
          f"5,000 validation images after each epoch; {args.rounds} rounds of {args.epochs} epochs per side",
          flush=True)
    model = build_model(spec, seed=0)
    run = MnistRun(spec, settings, data=data)
    time_fit(model, data, spec.batch_size, 0)  # warm-up: one epoch, tracing
    time_page(run, 1, [])  # warm-up: one epoch, tracing
    earlier = [run.curves()] * 2  # the page overlays earlier runs: draw two of them
    fit_seconds = page_seconds = page_epochs = draw_seconds = 0.0
    redraws = 0
    for round_number in range(1, args.rounds + 1):
        seconds = time_fit(model, data, spec.batch_size, args.epochs)
        fit_seconds += seconds
        page = time_page(run, args.epochs, earlier)
        page_seconds += page[0]
        page_epochs += page[1]
        redraws += page[2]
        draw_seconds += page[3]
        print(f"round {round_number}: model.fit {args.epochs * n / seconds:9,.0f} samples/s | nnlab trainer + live "
              f"curves {page[1] * n / page[0]:9,.0f} samples/s ({page[2] / page[0]:.1f} redraws/s, "
              f"{1000 * page[3] / max(page[2], 1):.0f} ms each)", flush=True)
    run.stop()
    fit_rate = args.rounds * args.epochs * n / fit_seconds
    page_rate = page_epochs * n / page_seconds
    print(f"total: model.fit {fit_rate:,.0f} samples/s; nnlab {page_rate:,.0f} samples/s with {redraws} redraws "
          f"({redraws / page_seconds:.1f}/s, {100 * draw_seconds / page_seconds:.1f}% of the time drawing)")
    print(f"throughput_ratio: {page_rate / fit_rate:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
