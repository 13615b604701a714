"""TrainingView: redraw rate and time budget (with a fake clock), what it shows."""

import json
import math
import random

import pytest
from test_widget import state

from gradwidget import Value, nn, training
from gradwidget.training import LossPlot, TrainingView


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = FakeClock()
    monkeypatch.setattr(training.time, "perf_counter", c)
    return c


def test_redraws_at_most_max_rate_per_second(clock):
    view = TrainingView(max_rate=10)
    for step in range(1000):                 # 1000 steps in 2 s of (fake) time
        view.update(Value(float(step)))
        clock.now += 0.002
    assert 19 <= view.redraws <= 21
    assert 900 < len(view.plot.losses) < 1000           # as of the last redraw
    view.flush()
    assert view.plot.losses == [float(s) for s in range(1000)] and view.plot.steps[-1] == 999


def test_expensive_redraws_stay_within_the_time_budget(clock, monkeypatch):
    view = TrainingView(max_rate=100, budget=0.1)
    original = view._redraw

    def slow_redraw():                       # every redraw costs 50 ms of (fake) time
        original()
        clock.now += 0.05
    monkeypatch.setattr(view, "_redraw", slow_redraw)
    start = clock.now
    for step in range(2000):
        view.update(float(step))
        clock.now += 0.001
    spent = view.redraws * 0.05
    assert spent <= 0.1 * (clock.now - start) + 0.05      # ≤ budget (+ one redraw)


def test_example_graph_is_re_evaluated_not_rebuilt(clock):
    random.seed(0)
    model = nn.MLP(2, [3, 1])
    out = model([0.5, -1.0])
    view = TrainingView(example=out)
    shape = []
    view.graph.observe(lambda c: shape.append(c), names="structure")
    for p in model.parameters():
        p.data += 0.1
    view.update(1.0)
    assert view.graph.root is out and shape == []
    assert view.graph.values["data"][-1] == out.data == model([0.5, -1.0]).data


def sgd_step(model, xs, ys):
    """A loss of the model, its backward and an SGD update: the loss graph is now stale."""
    loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)), Value(0.0))
    loss.label = "loss"
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    return loss


def test_update_reads_the_loss_and_never_re_evaluates_it(clock):
    random.seed(1)
    model = nn.MLP(2, [2, 1])
    view = TrainingView()
    loss = sgd_step(model, [[1.0, -1.0], [0.5, 2.0]], [1.0, -1.0])
    held = state(loss)
    value = loss.data
    view.update(loss)
    assert loss.data == value and state(loss) == held
    assert view.plot.losses == [value]
    values = view.graph.values
    assert values["data"][-1] == value                  # the graph shown is of the same step
    assert "changed since the last forward()" in values["stale"]  # and says the parameters moved


def test_example_graph_is_re_evaluated_as_a_transaction(clock):
    p = Value(2.0, "p")
    out = (p * 1e-300).log()                            # the view's example graph
    out.label = "out"
    view = TrainingView(example=out)
    data = view.graph.values["data"]
    p.data = -1.0                                       # log of a negative: forward() fails
    held = state(out)
    view.update(1.0)                                    # the loop goes on
    assert state(out) == held and view.graph.values["data"] == data
    assert "log" in view.graph.values["error"]
    assert view.plot.losses == [1.0]
    p.data = 3.0
    view.flush()
    assert view.graph.values["error"] is None
    assert view.graph.values["data"][-1] == out.data == math.log(3e-300)


def test_example_graph_whose_replay_overflows_is_put_back(clock):
    a, c = Value(1e-300, "a"), Value(1.0, "c")
    t = (a * c) * c
    view = TrainingView(example=t)
    c.data = 1e200                                      # forward() is fine, the replay overflows
    held = state(t)
    view.update(0.5)
    assert state(t) == held                             # c = 1e200 but t as computed at c = 1
    assert "overflowed" in view.graph.values["error"]


@pytest.mark.parametrize("bad, kind, words", [
    (float("nan"), ValueError, "finite number, got nan"), (float("inf"), ValueError, "finite number"),
    (-math.inf, ValueError, "finite number"), (10**400, ValueError, "finite number"),
    ("0.5", TypeError, "a Value or a number, got str"), (True, TypeError, "a Value or a number"),
    (None, TypeError, "a Value or a number")], ids=lambda x: repr(x)[:12])
def test_a_loss_that_is_not_a_finite_number_is_refused(clock, bad, kind, words):
    view = TrainingView()
    view.update(1.0)
    view.flush()
    with pytest.raises(kind, match=words):
        view.update(bad)
    view.flush()
    assert view.plot.losses == [1.0] and view.plot.steps == [0]     # nothing recorded
    json.dumps([view.plot.losses, view.plot.steps], allow_nan=False)


def test_a_bad_step_is_refused(clock):
    view = TrainingView()
    with pytest.raises(TypeError, match="step must be a finite number"):
        view.update(1.0, step=float("nan"))
    assert view.plot.losses == []


def test_without_example_a_large_loss_is_summarised(clock):
    x = Value(1.0, "x")
    loss = x
    for _ in range(3000):
        loss = loss * 0.999 + x
    view = TrainingView(max_nodes=2500)
    view.update(loss)
    assert view.graph.structure["summary"]["nodes"] > 2500


def test_loss_plot_thins_long_histories_but_keeps_the_last_point():
    plot = LossPlot()
    plot.max_points = 100
    plot.show(list(range(1001)), [float(i) for i in range(1001)])
    assert len(plot.losses) <= 101 and plot.losses[-1] == 1000.0 and plot.steps[0] == 0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="max_rate"):
        TrainingView(max_rate=0)
    with pytest.raises(TypeError, match="example"):
        TrainingView(example=lambda: 3.0)


def train(model, xs, ys, view, steps, update_first=False, shown=None):
    """A notebook's loop: loss, backward, SGD step and view.update(loss), redrawn at every
    step (the fake clock jumps); `update_first` calls update() before the SGD step.
    Returns per step (its loss, the example's output at the parameters it was computed
    with, those parameters)."""
    record = []
    for _ in range(steps):
        params = [p.data for p in model.parameters()]
        out = model(xs[0]).data                        # the example at this step's parameters
        loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)), Value(0.0))
        model.zero_grad()
        loss.backward()
        if update_first:
            view.update(loss)
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        if not update_first:
            view.update(loss)
        record.append((loss.data, out, params))
        if shown is not None:
            shown.append(view.graph.values["data"][-1])
        training.time.perf_counter.now += 1.0
    return record


XS, YS = [[1.0, -1.0], [0.5, 2.0], [-1.5, 0.5]], [1.0, -1.0, 0.5]


@pytest.mark.parametrize("update_first", [False, True], ids=["after-sgd", "before-sgd"])
def test_the_graph_of_step_k_is_evaluated_with_the_parameters_of_its_loss(clock, update_first):
    random.seed(2)
    model = nn.MLP(2, [3, 1])
    view = TrainingView(example=lambda: model(XS[0]))
    shown = []
    record = train(model, XS, YS, view, 5, update_first, shown)
    # each redraw showed the example at the parameters its step's loss was computed with
    assert shown == [out for _, out, _ in record]
    loss, out, params = record[-1]
    assert view.plot.steps[-1] == 4 and view.plot.losses[-1] == loss      # the caption's point
    leaves = [v for v in view.graph.root.topo() if not v.children]
    data = dict(zip(view.graph.root.topo(), view.graph.values["data"], strict=True))
    assert [data[p] for p in model.parameters()] == params and leaves
    assert view.plot.note == "The graph shows the example at step 4's parameters."
    # the model's parameters are the trained ones, as the loop left them
    assert [p.data for p in model.parameters()] != params or update_first
    view.flush()                                       # after the loop: still the last step's
    assert view.graph.values["data"][-1] == out


def test_the_parameters_are_put_back_after_the_graph_is_drawn(clock):
    random.seed(3)
    model = nn.MLP(2, [2, 1])
    view = TrainingView(example=lambda: model(XS[0]))
    train(model, XS, YS, view, 3)
    trained = [p.data for p in model.parameters()]
    view.flush()
    assert [p.data for p in model.parameters()] == trained
    assert view.graph.values["stale"] is None


def test_when_the_view_cannot_tell_the_step_the_note_says_so(clock):
    random.seed(4)
    model = nn.MLP(2, [2, 1])
    view = TrainingView(example=lambda: model(XS[0]))
    loss = sgd_step(model, XS[:2], YS[:2])
    view.update(loss.data)                             # a number: no graph to tell by
    assert view.graph.values["data"][-1] == model(XS[0]).data     # the parameters now
    assert "as they are now: pass update() the loss Value" in view.plot.note
    clock.now += 1
    view.update(sgd_step(model, XS[:2], YS[:2]))       # a Value: the parameters of its step
    assert view.plot.note == "The graph shows the example at step 1's parameters."
    sgd_step(model, XS[:2], YS[:2])
    loss = sgd_step(model, XS[:2], YS[:2])             # two SGD steps since the last update
    clock.now += 1
    view.update(loss)
    assert view.graph.values["data"][-1] == model(XS[0]).data
    assert "changed more than once since step 2's loss" in view.plot.note


def test_without_example_flush_shows_the_last_loss(clock):
    view = TrainingView()
    losses = [Value(float(s), "loss") * 1.0 for s in range(5)]
    for loss in losses:
        view.update(loss)                              # only the first one is redrawn
    assert view.redraws == 1 and view.graph.values["data"][-1] == 0.0
    view.flush()
    assert view.plot.losses[-1] == 4.0 == view.graph.values["data"][-1]
    assert view.plot.note == "The graph is step 4's loss, as computed."


def test_a_cell_that_does_not_flush_is_drawn_to_its_last_step_when_it_ends(clock, monkeypatch):
    from IPython.core.events import EventManager, available_events
    shell = type("Shell", (), {})()
    shell.events = EventManager(shell, available_events)
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    view = TrainingView()
    for step in range(10):
        view.update(float(step))                       # no time passes: one redraw
    assert view.plot.losses == [0.0]
    shell.events.trigger("post_run_cell", None)
    assert view.plot.losses == [float(s) for s in range(10)] and view.redraws == 2
    assert shell.events.callbacks["post_run_cell"] == []      # once, then unregistered
    shell.events.trigger("post_run_cell", None)
    assert view.redraws == 2


def test_log_scale_is_a_trait_python_can_set():
    plot = LossPlot()
    assert plot.log is False
    plot.log = True
    assert plot.get_state()["log"] is True


def test_the_view_fits_plot_beside_graph():
    view = TrainingView()
    assert view.layout.flex_flow == "row wrap"
    assert view.children == (view.plot, view.graph)


def test_no_garbage_collection_is_counted_as_a_redraws_cost(clock, monkeypatch):
    import gc
    view = TrainingView()
    seen = []
    monkeypatch.setattr(view, "_redraw", lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    view.update(1.0)
    assert seen == [False] and gc.isenabled()            # collected after, in the loop's time
