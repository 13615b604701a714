"""Lesson 5 in a real JupyterLab page: the training view shows the loss curve growing and the
example graph's numbers while the loop runs, and the full-batch loss as a summary. How
responsive the page stays meanwhile is measured by benchmarks/widget_timing.py."""

import nbformat
import pytest

from gradwidget import snapshot

from .dom import read_widget
from .jupyter import WIDGET
from .reference import NOTEBOOKS, fmt_close

pytestmark = pytest.mark.browser

LESSON = "05_training.ipynb"

# Records, while the notebook runs: each loss plot redraw (its data-points), each update of
# the first graph's numbers (the example graph), and whether cells were still running then.
JS_WATCH_TRAINING = """() => {
  const rec = window.__gwTraining = {points: [], graphUpdates: []};
  const busy = () => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
  new MutationObserver((ms) => {
    const b = busy();
    for (const m of ms) if (m.attributeName === 'data-points')
      rec.points.push({points: Number(m.target.dataset.points), busy: b});
    const example = document.querySelector('.gradwidget');
    const inExample = (m) => m.attributeName === 'data-value' && m.target.classList.contains('gw-data')
                             && example && example.contains(m.target);
    if (ms.some(inExample))
      rec.graphUpdates.push({busy: b, points: rec.points.length ? rec.points.at(-1).points : 0});
  }).observe(document.body, {subtree: true, attributes: true,
                             attributeFilter: ['data-points', 'data-value']});
}"""


def run_as_in_class(page, cells):
    """Runs the cells that show the view, and once its example graph is drawn, the training
    loop and what follows, recording the page meanwhile (JS_WATCH_TRAINING)."""
    loop = next(i for i, c in enumerate(cells) if c.cell_type == "code" and "view.update(" in c.source)
    code_above = sum(c.cell_type == "code" for c in cells[:loop])
    page.open(page.server.copy_in(NOTEBOOKS / LESSON))
    page.run_command("notebook:run-all-above", cell=loop, done=code_above)
    page.wait_widgets(1)
    page.page.evaluate(JS_WATCH_TRAINING)
    page.run_command("notebook:run-all-below", cell=loop, timeout=120)
    page.wait_widgets(2)
    return page.page.evaluate("() => window.__gwTraining")


def test_training_view_live_loss_and_summary_of_full_batch_loss(lab_server, pages):
    cells = nbformat.read(NOTEBOOKS / LESSON, as_version=4).cells
    # The example graph's shape, from the notebook's own model code run here (no training).
    namespace = {}
    exec(next(c.source for c in cells if c.cell_type == "code"), namespace)
    example = snapshot(namespace["model"](namespace["X"][0])).structure()

    page = pages.new(lab_server, "training")
    rec = run_as_in_class(page, cells)
    kernel = page.kernel_json("{'losses': view.plot.losses, 'redraws': view.redraws, "
                              "'example_out': model(X[0]).data, 'big': [len(big), len(big.edges)]}",
                              setup="from gradwidget import snapshot\nbig = snapshot(total_loss()[0])")

    # The loss plot grew while the loop ran, up to every step.
    points = [r["points"] for r in rec["points"]]
    assert points == sorted(points), points
    n = len(kernel["losses"])
    live = sorted({r["points"] for r in rec["points"] if r["busy"]})
    assert any(0 < p < n for p in live), \
        f"no partial loss curve was shown while the loop ran ({n} steps): {rec['points']}"
    assert 1 < len(set(points)) <= kernel["redraws"], (points, kernel["redraws"])
    # The example graph's numbers were refreshed while the loop ran (with a partial loss
    # curve shown, so not only by the flush() after it), at most once per redraw.
    graph_live = sum(1 for r in rec["graphUpdates"] if r["busy"] and 0 < r["points"] < n)
    assert graph_live >= 1 and len(rec["graphUpdates"]) <= kernel["redraws"] + 1, \
        (rec["graphUpdates"], rec["points"], kernel["redraws"])
    plot = page.page.locator(".gw-lossplot")
    assert plot.count() == 1
    assert int(plot.get_attribute("data-points")) == n == points[-1]
    assert len(plot.locator(".gw-loss-line").get_attribute("points").split()) == n
    caption = plot.locator(".gw-loss-caption").text_content()
    assert fmt_close(caption.split("loss")[-1].strip(), kernel["losses"][-1]), caption
    page.screenshot_widget(plot, "classroom-training_lossplot")

    # The example graph is drawn, and shows the trained model's output.
    graph, summary = page.page.locator(WIDGET).nth(0), page.page.locator(WIDGET).nth(1)
    assert graph.get_attribute("data-state") == "drawn"
    [panel] = read_widget(graph)
    assert {m["id"]: m["label"] for m in panel["nodes"]} == {m["id"]: m["label"] for m in example["nodes"]}
    out = next(m for m in panel["nodes"] if m["id"] == example["root"])
    assert float(out["data"]["value"]) == kernel["example_out"]
    page.screenshot_widget(graph, "classroom-training_example")

    # The full-batch loss: a summary with the kernel's counts, not a drawing.
    big_nodes, big_edges = kernel["big"]
    assert big_nodes > 2500
    assert summary.get_attribute("data-state") == "summary"
    assert summary.locator("g.gw-node").count() == 0
    text = summary.text_content()
    assert f"{big_nodes} nodes" in text and f"{big_edges} edges" in text, text[:300]
    assert summary.locator("button", has_text="Draw anyway").count() == 1
    page.screenshot_widget(summary, "classroom-training_summary")
    assert page.js_errors() == []
