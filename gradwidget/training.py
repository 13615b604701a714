"""Watch a training loop: the loss curve, and a graph refreshed at a bounded rate.

    view = TrainingView(example=lambda: model(X[0]))    # a small graph to watch (optional)
    display(view)
    for step in range(100):
        loss = total_loss(); model.zero_grad(); loss.backward(); sgd()
        view.update(loss)

`update` is cheap to call on every step: it records the loss and redraws at most
`max_rate` times a second, and never spends more than `budget` of the loop's time on
redrawing (it measures what a redraw costs and waits long enough after each one).
"""

import time
from numbers import Real

import anywidget
import ipywidgets
import traitlets

from .controls import finite
from .engine import Value
from .widget import GraphWidget, _bundle

__all__ = ["LossPlot", "TrainingView"]


class LossPlot(anywidget.AnyWidget):
    """The loss curve: `losses[i]` at step `steps[i]` (thinned to at most `max_points`)."""

    _esm = _bundle("lossplot.js").read_text()
    steps = traitlets.List().tag(sync=True)
    losses = traitlets.List().tag(sync=True)
    max_points = 1000

    def show(self, steps, losses):
        stride = max(1, -(-len(losses) // self.max_points))   # ceil: keep ≤ max_points
        keep = list(range(0, len(losses), stride))
        if keep and keep[-1] != len(losses) - 1:
            keep.append(len(losses) - 1)                       # always show the latest
        with self.hold_sync():
            self.steps = [steps[i] for i in keep]
            self.losses = [losses[i] for i in keep]


class TrainingView(ipywidgets.VBox):
    """A loss curve above a GraphWidget, refreshed while a training loop runs.

    example: a Value, or a function returning one (e.g. `lambda: model(X[0])`), whose graph
    is shown; it is built once and is the view's own: it is re-evaluated (`forward()`) on
    every redraw, so it follows the parameters it uses as leaves. Without it, the graph of
    the loss passed to `update` is shown as it is (never re-evaluated), as a summary when
    it is too large to draw (a full-batch loss usually is).
    """

    def __init__(self, example=None, max_rate=10.0, budget=0.05, max_nodes=2500, **kwargs):
        if not max_rate > 0 or not 0 < budget < 1:
            raise ValueError(f"TrainingView needs max_rate > 0 and 0 < budget < 1, "
                             f"got max_rate={max_rate!r}, budget={budget!r}")
        if example is not None and not isinstance(example, Value):
            example = example() if callable(example) else example
            if not isinstance(example, Value):
                raise TypeError(f"TrainingView(example=) needs a Value or a function returning "
                                f"one, got {example!r}")
        self.plot = LossPlot()
        self.graph = GraphWidget(example if example is not None else Value(0.0, "loss"),
                                 max_nodes=max_nodes)
        self._example = example
        self._min_interval = 1.0 / max_rate
        self._budget = budget
        self._steps, self._losses = [], []
        self._next = 0.0
        self.redraws = 0
        self.redraw_seconds = 0.0          # time update() spent redrawing, in all
        super().__init__([self.plot, self.graph], **kwargs)

    def update(self, loss, step=None):
        """Record this step's loss; redraw if the rate and the time budget allow.

        `loss` (a Value or a number) is read, never re-evaluated: the point plotted and
        the graph shown are of the same step. A loss that is not a finite number is
        refused (ValueError) and nothing is recorded.
        """
        value = self._loss(loss, len(self._steps) if step is None else step)
        self._steps.append(len(self._steps) if step is None else step)
        self._losses.append(value)
        now = time.perf_counter()
        if now >= self._next:
            self._redraw(loss if isinstance(loss, Value) else None)
            cost = time.perf_counter() - now
            self.redraw_seconds += cost
            # wait at least 1/max_rate, and long enough that redraws stay within budget
            self._next = now + max(self._min_interval, cost / self._budget)

    @staticmethod
    def _loss(loss, step):
        if not finite(step):
            raise TypeError(f"TrainingView.update: step must be a finite number, got {step!r}")
        value = loss.data if isinstance(loss, Value) else loss
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"TrainingView.update: the loss of step {step!r} must be a Value or a "
                            f"number, got {type(value).__name__} {value!r}; nothing was recorded")
        if not finite(value):
            raise ValueError(f"TrainingView.update: the loss of step {step!r} must be a finite "
                             f"number, got {value!r}; nothing was recorded")
        return float(value)

    def flush(self, loss=None):
        """Redraw now with everything recorded (call it after the loop)."""
        self._redraw(loss)

    def _redraw(self, loss):
        """The loss curve, then the graph: the example re-evaluated (a transaction: a
        failure leaves it as it was and the page says why), or `loss` as it is."""
        self.redraws += 1
        self.plot.show(self._steps, self._losses)
        if self._example is not None:
            self.graph._update()
        elif isinstance(loss, Value):
            try:
                self.graph.refresh(loss)
            except Exception:                 # the page says why; the loop goes on
                pass
