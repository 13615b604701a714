"""Big graphs in a real JupyterLab page: the demo's 65,818-value batch loss drawn grouped, a
long layout cancelled for real from its progress message, and thousands of scalars drawn
in bounded time (Graphviz within its budget, else columns, which the page says). Times are
measured by benchmarks/ (widget_groups.py, layout_budget.py), not asserted here."""

import pytest

from .jupyter import WIDGET

pytestmark = pytest.mark.browser

BATCH = """import random
from gradwidget import Value, GraphWidget, nn
random.seed(1)
model = nn.MLP(2, [16, 16, 1])
X = [[random.uniform(-2, 2), random.uniform(-2, 2)] for _ in range(100)]
Y = [random.choice([-1.0, 1.0]) for _ in range(100)]
scores = [model([Value(a), Value(b)]) for a, b in X]
losses = [(1 + -y * s).relu() for y, s in zip(Y, scores)]
loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
n = len(loss.topo())
w = GraphWidget(loss, start="end"); display(w)"""

LAYERED = """import sys; sys.path.insert(0, {bench!r})
from graphs import layered
from gradwidget import GraphWidget
big = GraphWidget(layered(6000, 1), max_nodes=7000).expand_all(); display(big)"""


def state(widget):
    return widget.get_attribute("data-state")


def test_the_batch_loss_is_drawn_grouped_per_example_with_one_term_per_example(lab_server, pages):
    page = pages.run(lab_server, "batch", [BATCH], widgets=1, timeout=120, viewport=(1280, 720))
    w = page.page.locator(WIDGET).first
    page.page.wait_for_function(f"() => document.querySelector({WIDGET!r})?.dataset.state === 'drawn'",
                                timeout=60_000)
    assert page.kernel_json("n") == 65818
    names = w.evaluate("(el) => [...el.querySelectorAll('.gw-svg .gw-node .gw-label')]"
                       ".map(t => t.textContent)")
    calls = [x for x in names if x.startswith("MLP #")]
    assert len(calls) == 100 and "MLP parameters" in names
    assert "\u03a3 101 terms" in names and "\u03a3 338 terms" in names     # the two sums
    assert len(names) < 120
    params = w.locator(".gw-node[data-toggle='MLP parameters']")
    assert params.locator(".gw-key").all_text_contents() == ["values", "outputs"]
    # one contribution from each example's call, and one from the L2 term
    assert "\u00d7101" in params.text_content()
    page.page.screenshot(path="test-artifacts/big-batch-1280x720.png")


def test_a_long_layout_can_be_cancelled_and_started_again(lab_server, pages):
    import pathlib
    bench = str(pathlib.Path(__file__).parents[2] / "benchmarks")
    page = pages.new(lab_server, "layered")
    page.open(page.server.write_notebook("layered.ipynb", [LAYERED.format(bench=bench)]).name)
    page.run_all()
    w = page.page.locator(WIDGET).first
    cancel = w.locator(".gw-message-action", has_text="Cancel")
    cancel.wait_for(timeout=60_000)
    assert "Laying out" in w.locator(".gw-message").text_content()
    cancel.click()
    page.page.wait_for_function(f"() => document.querySelector({WIDGET!r})?.dataset.state === 'cancelled'",
                                timeout=10_000)
    assert "Layout cancelled" in w.locator(".gw-message").text_content()
    again = w.locator(".gw-message-action", has_text="Lay out again")
    again.click()
    page.page.wait_for_function(f"() => document.querySelector({WIDGET!r})?.dataset.state === 'drawn'",
                                timeout=120_000)
    assert w.locator(".gw-svg .gw-node").count() > 5000
    print("layout", w.get_attribute("data-layout-engine"), w.get_attribute("data-layout-ms"), "ms")
