"""Watch a training loop: the loss curve, and a graph refreshed at a bounded rate.

    view = TrainingView(example=lambda: model(X[0]))    # a small graph to watch (optional)
    display(view)
    for step in range(100):
        loss = total_loss(); model.zero_grad(); loss.backward(); sgd()
        view.update(loss)
    view.flush()

`update` is cheap to call on every step: it records the loss and redraws at most
`max_rate` times a second, and never spends more than `budget` of the loop's time on
redrawing (it measures what a redraw costs and waits long enough after each one). The
steps recorded since the last redraw are drawn by `flush()`, or, in IPython, when the cell
that called `update` ends.

What the view shows for step k: the point (k, loss), the caption "step k · loss v" of the
latest point, and the example's graph evaluated with the parameters that step k's loss was
computed with, whether `update` came before the parameter update or after it.
"""

import gc
import time
from numbers import Real

import anywidget
import ipywidgets
import traitlets

from .controls import finite
from .engine import Value, lock
from .widget import GraphWidget, _bundle, _follows

__all__ = ["LossPlot", "TrainingView"]


class LossPlot(anywidget.AnyWidget):
    """The loss curve: `losses[i]` at step `steps[i]` (thinned to at most `max_points`).

    The page draws both axes with ticks (step, loss), a "log scale" checkbox (the `log`
    trait), and reads out "step k · loss v" for the point nearest the pointer, or the one
    chosen with ← / → while the plot has the focus.
    """

    _esm = _bundle("lossplot.js").read_text()
    steps = traitlets.List().tag(sync=True)
    """list of numbers: the step of each point shown, the last one always kept."""
    losses = traitlets.List().tag(sync=True)
    """list of finite floats: the loss of each point shown."""
    log = traitlets.Bool(False).tag(sync=True)
    """bool, default False: loss axis on a log scale (also the page's checkbox). With a loss
    ≤ 0 the page draws a linear axis and says why."""
    note = traitlets.Unicode("").tag(sync=True)
    """str: one line of text under the curve (TrainingView: which step its graph shows)."""
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
    """A loss curve beside a GraphWidget (above it on a narrow page), refreshed while a
    training loop runs.

    example: a Value, or a function returning one (e.g. `lambda: model(X[0])`), whose graph
    is shown; it is built once and is the view's own. Without it, the graph of the loss
    passed to `update` is shown as it is (never re-evaluated), as a summary when it is too
    large to draw (a full-batch loss usually is).

    What the graph shows for step k: the example evaluated (`forward()`) with the
    parameters step k's loss was computed with, the loss of the point (k, loss) and of the
    caption "step k · loss v". `update(loss)` usually comes after the SGD step, when the
    parameters have moved on: the view keeps the example's leaf data of the update() before,
    tells from the loss graph which of the two the loss was computed with, evaluates the
    example with those and puts the parameters back. If it cannot tell (the loss was passed
    as a number, or the parameters changed twice between two updates), the graph shows the
    parameters as they are now, and the note under the plot says so.
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
        self.plot = LossPlot(layout=ipywidgets.Layout(flex="1 1 300px", max_width="460px",
                                                      min_width="260px", margin="0 12px 8px 0"))
        # The finished backward pass of each step (start="end"): every gradient is there, and
        # a network's boxes and edges show their magnitude, so where it flows is visible.
        self.graph = GraphWidget(example if example is not None else Value(0.0, "loss"),
                                 max_nodes=max_nodes, start="end")
        # at most the window's height less the notebook's bars (a 1280x720 screen shows the
        # whole view); a taller graph scrolls inside, beside the plot
        self.graph.layout = ipywidgets.Layout(flex="100 1 460px", min_width="0",
                                              max_height="calc(100vh - 150px)", overflow="auto")
        self._example = example
        self._leaves = [v for v in example.topo() if not v.children] if example is not None else []
        self._before = self._params()      # the example's leaf data at the last update()
        self._last = None                  # (loss Value or None, leaf data, leaf data before)
        self._min_interval = 1.0 / max_rate
        self._budget = budget
        self._steps, self._losses = [], []
        self._next = 0.0
        self._drawn = 0                    # how many recorded steps the page has
        self._hooked = None                # the IPython shell whose cell end will flush
        self.redraws = 0
        self.redraw_seconds = 0.0          # time update() spent redrawing, in all
        # side by side, wrapped into plot above graph when the page is narrow
        kwargs.setdefault("layout", ipywidgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([self.plot, self.graph], **kwargs)

    def update(self, loss, step=None):
        """Record this step's loss; redraw if the rate and the time budget allow.

        `loss` (a Value or a number) is read, never re-evaluated. Call it after
        `loss.backward()`, before or after the parameter update: passed the Value, the view
        tells which, and shows the example with the parameters the loss was computed with.
        A loss that is not a finite number is refused (ValueError) and nothing is recorded.
        """
        step = len(self._steps) if step is None else step
        value = self._loss(loss, step)
        params = self._params()
        self._steps.append(step)
        self._losses.append(value)
        self._last = (loss if isinstance(loss, Value) else None, params, self._before)
        self._before = params
        now = time.perf_counter()
        if now >= self._next:
            # A garbage collection of the loop's graphs (one of a 9,000-node loss took 35 ms)
            # would otherwise land in a redraw and count as its cost: a long wait after it.
            collecting = gc.isenabled()
            gc.disable()
            try:
                self._redraw()
            finally:
                if collecting:
                    gc.enable()
            cost = time.perf_counter() - now
            self.redraw_seconds += cost
            # wait at least 1/max_rate, and long enough that redraws stay within budget
            self._next = now + max(self._min_interval, cost / self._budget)
        else:
            self._flush_at_cell_end()

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
        """Redraw now with everything recorded (call it after the loop). Without an
        example, `loss` (a Value) is the graph shown instead of the last one recorded."""
        if loss is not None and self._example is None and isinstance(loss, Value):
            self._last = (loss, [], [])
        self._redraw()

    def _redraw(self):
        """The graph, then the loss curve and its note in one message: the example
        re-evaluated at the latest step's parameters (a transaction: a failure leaves it as
        it was and the page says why), or the latest loss as it is."""
        self.redraws += 1
        self._drawn = len(self._steps)
        loss = self._last[0] if self._last else None
        step = self._steps[-1] if self._steps else None
        note = self.plot.note
        if self._example is not None:
            params = self._step_params() if self._last else None
            self._show_example(self._params() if params is None else params)
            if step is None:
                note = ""
            elif params is not None:
                note = f"The graph shows the example at step {step}'s parameters."
            elif loss is None:
                note = (f"The graph shows the example at the parameters as they are now: pass "
                        f"update() the loss Value to see those of step {step}.")
            else:
                note = (f"The graph shows the example at the parameters as they are now: they "
                        f"changed more than once since step {step}'s loss was computed.")
        elif loss is not None:
            try:
                self.graph.refresh(loss)
                note = f"The graph is step {step}'s loss, as computed."
            except Exception:                 # the page says why; the loop goes on
                pass
        with self.plot.hold_sync():
            self.plot.show(self._steps, self._losses)
            self.plot.note = note

    def _params(self):
        return [v.data for v in self._leaves]

    def _step_params(self):
        """The example's leaf data that the latest loss was computed with: as they were at
        that update() call, or at the call before (the SGD step came first); None if the
        view cannot tell (a loss passed as a number, or neither matches the loss graph)."""
        loss, params, before = self._last
        if loss is None:
            return None
        moved = {id(v) for v, x, y in zip(self._leaves, params, before, strict=True) if x != y}
        if not moved:
            return params
        readers = []                          # nodes of the loss reading a moved parameter
        for node in loss.topo():
            if any(id(c) in moved for c in node.children):
                readers.append(node)
                if len(readers) == 4:
                    break
        if not readers:                       # the loss does not read what moved
            return params
        for candidate in (params, before):
            if self._with(candidate, lambda: all(_follows(n) for n in readers)):
                return candidate
        return None

    def _with(self, params, run):
        """run() with the example's leaves holding `params`; the leaves are put back after."""
        with lock:
            current = self._params()
            try:
                for v, x in zip(self._leaves, params, strict=True):
                    v.data = x
                return run()
            finally:
                for v, x in zip(self._leaves, current, strict=True):
                    v.data = x

    def _show_example(self, params):
        self._with(params, lambda: self.graph._update(self._example.forward))

    def _flush_at_cell_end(self):
        """In IPython, flush() once the running cell ends, so its last step is drawn even
        if the loop does not call flush()."""
        if self._hooked is not None:
            return
        try:
            from IPython import get_ipython
            shell = get_ipython()
        except ImportError:
            return
        if shell is None:
            return
        shell.events.register("post_run_cell", self._cell_ended)
        self._hooked = shell

    def _cell_ended(self, *args):
        shell, self._hooked = self._hooked, None
        if shell is not None:
            shell.events.unregister("post_run_cell", self._cell_ended)
        if self._drawn < len(self._steps):
            self.flush()
