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

    def slow_redraw(loss):                   # every redraw costs 50 ms of (fake) time
        original(loss)
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
