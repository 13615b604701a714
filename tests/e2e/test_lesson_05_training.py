"""Lesson 5 in a real JupyterLab page on a 1280x720 screen: the training view shows the loss
curve growing (axes with numbered ticks, a log scale by keyboard, a readout of the kernel's
numbers under the pointer and the arrow keys) beside the example graph of the step it
says, the whole view on the screen; the full-batch loss as a summary. How responsive the
page stays meanwhile is measured by benchmarks/widget_timing.py."""

import itertools
import math
import pathlib
import re

import nbformat
import pytest

from .dom import read_widget
from .jupyter import WIDGET
from .reference import NOTEBOOKS, fmt_close

pytestmark = pytest.mark.browser

LESSON = "05_training.ipynb"
SCREEN = (1280, 720)
SHOTS = pathlib.Path("/tmp/shots_training")

# Records, while the notebook runs: each loss plot redraw (its data-points, when), each
# update of the first graph's numbers (the example graph), and whether cells still ran.
JS_WATCH_TRAINING = """() => {
  const rec = window.__gwTraining = {points: [], graphUpdates: []};
  const busy = () => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
  new MutationObserver((ms) => {
    const b = busy();
    for (const m of ms) if (m.attributeName === 'data-points')
      rec.points.push({points: Number(m.target.dataset.points), busy: b, t: performance.now()});
    const example = document.querySelector('.gradwidget');
    const inExample = (m) => m.attributeName === 'data-value' && m.target.classList.contains('gw-data')
                             && example && example.contains(m.target);
    if (ms.some(inExample))
      rec.graphUpdates.push({busy: b, points: rec.points.length ? rec.points.at(-1).points : 0});
  }).observe(document.body, {subtree: true, attributes: true,
                             attributeFilter: ['data-points', 'data-value']});
}"""

# The kernel's side after the loop. The example's parameters of the last step (59) are the
# trained ones before its SGD update: p.data + lr * p.grad (its grads are still there).
KERNEL = """{'losses': view.plot.losses, 'steps': view.plot.steps, 'redraws': view.redraws,
 'note': view.plot.note, 'log': view.plot.log, 'example_out': model(X[0]).data,
 'example_of_step': _at_step, 'root': view.graph.structure['root'],
 'labels': {n['id']: n['label'] for n in view.graph.structure['nodes']},
 'big': [len(big), len(big.edges)], 'big_summary': 'summary' in list(Out.values())[-1].structure}"""
KERNEL_SETUP = """from gradwidget import snapshot
big = snapshot(total_loss()[0])
_params = model.parameters()
_trained = [p.data for p in _params]
for p in _params:
    p.data += (0.5 - 0.4 * 59 / 60) * p.grad
_at_step = model(X[0]).data
for p, x in zip(_params, _trained):
    p.data = x"""


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


@pytest.fixture(scope="module")
def lesson(lab_server, module_pages):
    """The lesson run once on a 1280x720 screen: (page, what the page recorded, the kernel's numbers)."""
    cells = nbformat.read(NOTEBOOKS / LESSON, as_version=4).cells
    page = module_pages.new(lab_server, "training", viewport=SCREEN)
    rec = run_as_in_class(page, cells)
    kernel = page.kernel_json(KERNEL, setup=KERNEL_SETUP)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return page, rec, kernel


def show_view(page):
    """Scrolls the notebook so the training view's output starts at the top; returns the
    rects of the notebook's scrolled area, the view, the plot and the graph."""
    return page.page.evaluate("""() => {
      const view = document.querySelector('.gw-lossplot').closest('.jp-OutputArea-output');
      const scroller = view.closest('.jp-WindowedPanel-outer') || view.closest('.jp-Notebook');
      view.scrollIntoView({block: 'start'});
      const r = (e) => { const b = e.getBoundingClientRect();
                         return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; };
      const box = document.querySelector('.gw-lossplot').closest('.widget-box');   // the TrainingView
      const [plot, graph] = box.children;                 // the elements its layouts size
      return {screen: r(scroller), view: r(box), plot: r(plot), graph: r(graph),
              inGraph: graph.contains(document.querySelector('.gradwidget'))};
    }""")


def plot_readout(plot):
    live = plot.locator(".gw-loss-readout")
    return live.text_content(), live.get_attribute("data-step"), live.get_attribute("data-loss")


def test_loss_curve_grows_while_the_loop_runs_smoothly(lesson):
    page, rec, kernel = lesson
    points = [r["points"] for r in rec["points"]]
    assert points == sorted(points), points
    n = len(kernel["losses"])
    live = sorted({r["points"] for r in rec["points"] if r["busy"]})
    assert any(0 < p < n for p in live), \
        f"no partial loss curve was shown while the loop ran ({n} steps): {rec['points']}"
    assert 1 < len(set(points)) <= kernel["redraws"], (points, kernel["redraws"])
    # Smooth: while the loop ran, redraws came in steadily, never a second apart.
    times = [r["t"] for r in rec["points"] if r["busy"]]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 3 and max(gaps) < 1000, (gaps, rec["points"])
    # The example graph's numbers were refreshed while the loop ran (with a partial loss
    # curve shown, so not only by the flush() after it), at most once per redraw.
    graph_live = sum(1 for r in rec["graphUpdates"] if r["busy"] and 0 < r["points"] < n)
    assert graph_live >= 1 and len(rec["graphUpdates"]) <= kernel["redraws"] + 1, \
        (rec["graphUpdates"], rec["points"], kernel["redraws"])
    plot = page.page.locator(".gw-lossplot")
    assert plot.count() == 1
    assert int(plot.get_attribute("data-points")) == n == points[-1]
    assert len(plot.locator(".gw-loss-line").get_attribute("points").split()) == n
    # The caption is the last point: the last step's loss, flushed after the loop.
    caption = plot.locator(".gw-loss-caption").text_content()
    step, loss = re.fullmatch(r"step (\d+) · loss (\S+)", caption).groups()
    assert int(step) == kernel["steps"][-1] == 59 and fmt_close(loss, kernel["losses"][-1]), caption


def test_example_graph_shows_the_step_the_plot_says(lesson):
    page, _rec, kernel = lesson
    graph, summary = page.page.locator(WIDGET).nth(0), page.page.locator(WIDGET).nth(1)
    assert graph.get_attribute("data-state") == "drawn"
    [panel] = read_widget(graph)
    assert {str(m["id"]): m["label"] for m in panel["nodes"]} == kernel["labels"]
    out = next(m for m in panel["nodes"] if m["id"] == kernel["root"])
    # The output at step 59's parameters, those its loss was computed with, not the
    # parameters after its SGD update.
    assert math.isclose(float(out["data"]["value"]), kernel["example_of_step"], rel_tol=1e-9)
    assert not math.isclose(kernel["example_of_step"], kernel["example_out"], rel_tol=1e-6)
    note = page.page.locator(".gw-loss-note").text_content()
    assert note == kernel["note"] == "The graph shows the example at step 59's parameters."
    page.screenshot_widget(graph, "classroom-training_example")
    assert page.js_errors() == []

    # The full-batch loss: a summary with the kernel's counts, not a drawing (unless its
    # groups, collapsed, make it small enough to draw).
    big_nodes, big_edges = kernel["big"]
    assert big_nodes > 2500
    if not kernel["big_summary"]:
        assert summary.get_attribute("data-state") == "drawn"
        return
    assert summary.get_attribute("data-state") == "summary"
    assert summary.locator("g.gw-node").count() == 0
    text = summary.text_content()
    assert f"{big_nodes} nodes" in text and f"{big_edges} edges" in text, text[:300]
    assert summary.locator("button", has_text="Draw anyway").count() == 1
    assert page.js_errors() == []


def test_axes_have_numbered_ticks_that_do_not_overlap(lesson):
    page, _rec, kernel = lesson
    show_view(page)
    plot = page.page.locator(".gw-lossplot")
    ticks = plot.evaluate("""(root) => {
      const svg = root.querySelector('svg').getBoundingClientRect();
      const read = (sel) => [...root.querySelectorAll(sel)].map(t => {
        const b = t.getBoundingClientRect();
        return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom};
      });
      const style = getComputedStyle(root.querySelector('.gw-loss-xtick'));
      return {x: read('.gw-loss-xtick'), y: read('.gw-loss-ytick'), svg: {left: svg.left, right: svg.right,
              top: svg.top, bottom: svg.bottom}, titles: read('.gw-loss-xtitle, .gw-loss-ytitle'),
              size: parseFloat(style.fontSize)};
    }""")
    xs, ys = [float(t["text"]) for t in ticks["x"]], [float(t["text"]) for t in ticks["y"]]
    assert len(xs) >= 3 and len(ys) >= 3, ticks
    assert xs == sorted(xs) and xs[0] <= kernel["steps"][0] and xs[-1] >= kernel["steps"][-1]
    assert ys == sorted(ys) and ys[0] <= min(kernel["losses"]) and ys[-1] >= max(kernel["losses"])
    assert [t["text"] for t in ticks["titles"]] == ["step", "loss"]
    assert ticks["size"] >= 12
    for a, b in itertools.pairwise(ticks["x"]):
        assert a["right"] + 4 <= b["left"], ("x tick labels overlap", a, b)
    for a, b in itertools.pairwise(ticks["y"]):      # drawn from the bottom up
        assert b["bottom"] <= a["top"] + 1, ("y tick labels overlap", a, b)
    box = ticks["svg"]
    for t in ticks["x"] + ticks["y"] + ticks["titles"]:   # nothing clipped
        assert box["left"] - 1 <= t["left"] and t["right"] <= box["right"] + 1, t
        assert box["top"] - 1 <= t["top"] and t["bottom"] <= box["bottom"] + 1, t


def test_hover_and_arrow_keys_read_out_the_kernels_numbers(lesson):
    page, _rec, kernel = lesson
    show_view(page)
    plot = page.page.locator(".gw-lossplot")
    svg = plot.locator("svg")
    steps, losses = kernel["steps"], kernel["losses"]
    for want in (0, 17, 42, len(steps) - 1):
        # the pointer just beside the point of step `want` (the line's own coordinates)
        x, y = svg.evaluate("""(svg, i) => {
          const points = svg.querySelector('.gw-loss-line').getAttribute('points').split(' ');
          const [px, py] = points[i].split(',').map(Number);
          const r = svg.getBoundingClientRect(), k = r.width / svg.viewBox.baseVal.width;
          return [r.left + (px + 1) * k, r.top + py * k];
        }""", want)
        page.page.mouse.move(x, y)
        text, step, loss = plot_readout(plot)
        assert int(step) == steps[want] and float(loss) == losses[want], (want, text)
        shown = re.fullmatch(r"step (\d+) · loss (\S+)", text)
        assert int(shown[1]) == steps[want] and fmt_close(shown[2], losses[want]), text
        marker = plot.locator(".gw-loss-marker")
        assert marker.get_attribute("visibility") == "visible"
        assert abs(float(marker.get_attribute("cx")) + svg.bounding_box()["x"] - x) < 2.5
        if want == 17:
            plot.screenshot(path=str(SHOTS / "plot-hover.png"))
    page.page.mouse.move(5, 5)
    assert plot.locator(".gw-loss-marker").get_attribute("visibility") == "hidden"
    assert plot.locator(".gw-loss-readout").get_attribute("aria-live") == "polite"

    svg.focus()
    active = "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex"
    cell = page.page.evaluate(active)
    page.page.keyboard.press("ArrowLeft")                # from the latest point
    assert plot_readout(plot)[1:] == (str(steps[-1]), str(losses[-1]))
    for _ in range(3):
        page.page.keyboard.press("ArrowLeft")
    text, step, loss = plot_readout(plot)
    assert (int(step), float(loss)) == (steps[-4], losses[-4])
    assert fmt_close(text.split("loss ")[1], losses[-4]), text
    page.page.keyboard.press("Home")
    assert plot_readout(plot)[0].startswith("step 0 · loss ")
    page.page.keyboard.press("ArrowRight")
    assert plot_readout(plot)[1] == str(steps[1])
    # the arrows were the plot's: the notebook's active cell did not move
    assert page.page.evaluate(active) == cell
    assert svg.evaluate("(svg) => svg === document.activeElement")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SHOTS / "readout-keyboard.png"))


def test_log_scale_by_keyboard_and_from_python(lesson):
    page, _rec, kernel = lesson
    show_view(page)
    plot = page.page.locator(".gw-lossplot")
    box = plot.locator(".gw-loss-log input")
    assert box.is_enabled() and not box.is_checked() and plot.get_attribute("data-log") == "off"
    plot.locator("svg").focus()
    page.page.keyboard.press("Shift+Tab")               # the checkbox, before the plot
    assert box.evaluate("(b) => b === document.activeElement")
    page.page.keyboard.press("Space")
    page.page.wait_for_function("() => document.querySelector('.gw-lossplot').dataset.log === 'on'")
    assert box.is_checked()
    assert plot.locator(".gw-loss-ytitle").text_content() == "loss (log scale)"
    ys = [float(t) for t in plot.locator(".gw-loss-ytick").all_text_contents()]
    assert all(y > 0 for y in ys) and min(ys) <= min(kernel["losses"]) * 10
    page.page.screenshot(path=str(SHOTS / "log-scale.png"))
    assert page.kernel_json("view.plot.log") is True    # the page told Python
    page.run_new_cell("view.plot.log = False")          # and Python tells the page
    page.page.wait_for_function("() => document.querySelector('.gw-lossplot').dataset.log === 'off'")
    assert not box.is_checked()
    # a loss of 0: the log scale is refused, and the page says why
    page.run_new_cell("_v = TrainingView(); _v.plot.log = True\n"
                      "for _loss in [1.0, 0.5, 0.0]: _v.update(_loss)\n_v.flush(); _v")
    refused = page.page.locator(".gw-lossplot").nth(1)
    refused.locator(".gw-loss-why").wait_for()
    assert refused.locator(".gw-loss-why").text_content() == \
        "Log scale off: step 2's loss is 0, not > 0."
    assert refused.get_attribute("data-log") == "off" and refused.locator(".gw-loss-log input").is_disabled()
    assert "NaN" not in refused.locator(".gw-loss-line").get_attribute("points")
    refused.screenshot(path=str(SHOTS / "log-refused.png"))
    assert page.js_errors() == []


def test_the_view_fits_a_1280x720_screen_in_both_themes(lesson):
    page, _rec, _kernel = lesson
    rects = show_view(page)
    screen, view, plot, graph = rects["screen"], rects["view"], rects["plot"], rects["graph"]
    assert rects["inGraph"], rects
    assert view["bottom"] - view["top"] <= screen["bottom"] - screen["top"], rects
    for part in (plot, graph):
        assert screen["top"] - 1 <= part["top"] and part["bottom"] <= screen["bottom"] + 1, rects
    assert plot["right"] <= graph["left"] + 1, ("the plot is beside the graph", rects)
    page.page.mouse.move(5, 5)
    page.page.screenshot(path=str(SHOTS / "view-light.png"))
    colors = {}
    for theme in ("JupyterLab Dark", "JupyterLab Light"):
        page.page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
                           theme)
        page.page.wait_for_function("(dark) => document.body.dataset.jpThemeLight === String(!dark)",
                                    arg=theme.endswith("Dark"))
        page.page.wait_for_timeout(300)
        show_view(page)
        colors[theme] = page.page.evaluate("""() => {
          const r = document.querySelector('.gw-lossplot');
          return [getComputedStyle(r.querySelector('.gw-loss-xtick')).fill, getComputedStyle(r).color,
                  getComputedStyle(r.querySelector('.gw-loss-line')).stroke];
        }""")
        if theme.endswith("Dark"):
            page.page.screenshot(path=str(SHOTS / "view-dark.png"))
    assert colors["JupyterLab Dark"][:2] != colors["JupyterLab Light"][:2], colors
    assert page.js_errors() == []
