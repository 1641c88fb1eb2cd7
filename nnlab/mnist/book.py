"""The runs of one session on the MNIST page: the current one, and the curves of earlier ones for the overlay."""

from __future__ import annotations

from dataclasses import dataclass, field

from nnlab.mnist.curves import EARLIER_POINTS, RunCurves
from nnlab.mnist.data import MnistData
from nnlab.mnist.run import MnistRun
from nnlab.mnist.settings import RunSettings, describe
from nnlab.model.spec import ModelSpec

MAX_EARLIER_RUNS = 5  # earlier runs kept for the overlay


@dataclass
class RunBook:
    """The current run and the curves of earlier ones (newest last), for the overlay."""

    current: MnistRun | None = None
    earlier: list[RunCurves] = field(default_factory=list)
    count: int = 0

    def start(self, spec: ModelSpec, settings: RunSettings, data: MnistData | None = None) -> MnistRun:
        """A new run; the one before (stopped first if needed) joins the earlier runs."""
        self.retire()
        self.count += 1
        run = MnistRun(spec, settings, label=f"#{self.count} {describe(spec, settings)}", data=data)
        self.current = run
        return run

    def retire(self) -> None:
        run = self.current
        if run is None:
            return
        run.stop()
        if run.history.chunks:
            self.earlier = (self.earlier + [run.curves(EARLIER_POINTS)])[-MAX_EARLIER_RUNS:]
        self.current = None

    def clear_earlier(self) -> None:
        self.earlier = []
