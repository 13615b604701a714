"""TrainingView: redraw rate and time budget (with a fake clock), what it shows."""

import random

import pytest

from gradwidget import Value, nn
from gradwidget import training
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
