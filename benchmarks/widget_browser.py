"""GraphWidget in a real headless JupyterLab: first paint and values-only refresh times.

    python benchmarks/widget_browser.py [--sizes 50,200,1000,2000] [--repeat 3] [--refreshes 15]

Not part of pytest. Starts its own JupyterLab with the e2e harness (tests/e2e/jupyter.py),
one notebook, one kernel, and runs one new cell per measurement.

First paint, per layered random graph (built with Value ops: leaves, then layers where
every node takes the node above it and, for binary ops, a random node of the two layers
above; the last layer summed into the root; edges span at most 2 ranks):
  t0      the cell's widget output element (.jp-OutputArea-output) is added to the page
  widget  the .gradwidget container appears (anywidget loaded the ESM and called render)
  layout  the widget's own data-layout-ms (DOT -> Graphviz worker -> parsed layout)
  drawn   the .gradwidget has data-state="drawn" with every g.gw-node present (DOM done,
          measured at the end of the task that drew it)
  paint   the next frame after "drawn" (requestAnimationFrame, then a 0 ms timeout)
The first widget of the page also starts the Graphviz worker: a small warm-up graph is
shown first and reported on its own ("cold").

Values-only refresh: a 200-node widget's leaves get new data in the kernel, the graph is
re-evaluated (`root.forward()`) and `w.refresh()` sends new `values` (same structure: no
relayout). Measured in the page by
wrapping the widget model's Backbone `trigger` for "change:values": the synchronous JS of
all its handlers (the widget's update of every number, class and the toolbar), then the
time to the next frame. The widget exposes no timing hook of its own for this.

Targets: 200 nodes <= 300 ms first paint, 2,000 nodes <= 2 s, values refresh <= 16 ms JS.
Headless Chromium here runs with --disable-gpu (software raster): paint is pessimistic.
"""

import argparse
import json
import pathlib
import statistics
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.dom import JS_MANAGER, nodes_kept, tag_nodes  # noqa: E402
from tests.e2e.jupyter import JupyterServer, NotebookPage, launch_browser  # noqa: E402

TARGETS_MS = {200: 300, 2000: 2000}
REFRESH_TARGET_MS = 16

SETUP = '''
import json, math, random, time
from gradwidget import GraphWidget, Value, snapshot

from benchmarks.graphs import layered


def show(root):
    w = GraphWidget(root)
    display(w)
    snap = snapshot(root)
    print(json.dumps({"nodes": len(snap), "edges": len(snap.edges), "model_id": w.model_id}))
    return w

def perturb(root, rng):
    for v in snapshot(root).values:
        if not v.op:
            v.data = rng.uniform(-1, 1)

warm = Value(3.0, "a"); warm = warm + warm
w_warm = show(warm)
'''

# Watches for the next new widget output and times it (see the module docstring).
JS_ARM = """() => {
  const known = new Set(document.querySelectorAll('.jp-OutputArea-output, .gradwidget'));
  const rec = window.__gwBench = {done: false};
  const now = () => performance.now();
  const watchWidget = (w) => {
    rec.widget = now();
    const check = () => {
      if (rec.drawn || w.dataset.state !== 'drawn') return false;
      rec.drawn = now();
      rec.nodes = w.querySelectorAll('g.gw-node').length;
      rec.layoutMs = Number(w.dataset.layoutMs);
      requestAnimationFrame(() => setTimeout(() => { rec.paint = now(); rec.done = true; }, 0));
      return true;
    };
    if (check()) return;
    const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
    mo.observe(w, {attributes: true, attributeFilter: ['data-state']});
  };
  const body = new MutationObserver(() => {
    if (rec.t0 === undefined) {
      const out = [...document.querySelectorAll('.jp-OutputArea-output')].find(o => !known.has(o));
      if (out) rec.t0 = now();
    }
    const w = [...document.querySelectorAll('.gradwidget')].find(g => !known.has(g));
    if (w) { body.disconnect(); if (rec.t0 === undefined) rec.t0 = now(); watchWidget(w); }
  });
  body.observe(document.body, {childList: true, subtree: true});
}"""

# Finds the widget model behind an output (through Lab's widget renderer) and wraps its
# trigger() to time every "change:values".
JS_HOOK_VALUES = """async (modelId) => {
  const manager = await (""" + JS_MANAGER + """)();
  const model = await manager.get_model(modelId);
  const records = window.__gwValues = [];
  const original = model.trigger;
  model.trigger = function (name, ...rest) {
    if (name !== 'change:values') return original.call(this, name, ...rest);
    const t0 = performance.now();
    const result = original.call(this, name, ...rest);
    const rec = {js: performance.now() - t0};
    records.push(rec);
    requestAnimationFrame(() => setTimeout(() => { rec.frame = performance.now() - t0; }, 0));
    return result;
  };
  return true;
}"""


def wait_record(page, timeout=120):
    page.page.wait_for_function("() => window.__gwBench && window.__gwBench.done", timeout=timeout * 1000,
                                polling=20)
    return page.page.evaluate("() => window.__gwBench")


CDP_METRICS = ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration")


def cdp_metrics(cdp):
    """Chromium's cumulative main-thread seconds spent in script, style and layout."""
    got = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: got.get(name, 0.0) for name in CDP_METRICS}


def measure_first_paint(page, code, cdp):
    page.page.evaluate(JS_ARM)
    before = cdp_metrics(cdp)
    page.run_new_cell(code, timeout=180)
    rec = wait_record(page)
    after = cdp_metrics(cdp)
    spent = {name: (after[name] - before[name]) * 1000 for name in CDP_METRICS}
    info = json.loads(page.last_stdout().strip().splitlines()[-1])
    assert rec["nodes"] == info["nodes"], (rec, info)
    cell = page.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets.length - 1")
    return {**info, "cell": cell, "widget": rec["widget"] - rec["t0"], "layout": rec["layoutMs"],
            "drawn": rec["drawn"] - rec["t0"], "paint": rec["paint"] - rec["t0"],
            "script": spent["ScriptDuration"], "style": spent["RecalcStyleDuration"],
            "css_layout": spent["LayoutDuration"]}


_JS_SHOWN = """(w) => {
  const root = [...w.querySelectorAll('g.gw-node')]
    .reduce((a, g) => Number(g.dataset.id) > Number(a.dataset.id) ? g : a);
  return {root: Number(root.querySelector('.gw-data').getAttribute('data-value')),
          layoutMs: w.dataset.layoutMs};
}"""


def measure_refresh(page, var, shown_at, refreshes):
    """Times `refreshes` values-only refreshes of the widget `var` (displayed as shown_at)."""
    page.page.evaluate(JS_HOOK_VALUES, shown_at["model_id"])
    widget = page.page.locator(".jp-CodeCell").nth(shown_at["cell"]).locator(".gradwidget")
    tag_nodes(widget)
    layout_before = widget.get_attribute("data-layout-ms")
    page.run_new_cell(
        f"rng = random.Random(7)\n"
        f"for _ in range({refreshes}):\n"
        f"    perturb({var}.root, rng)\n"
        f"    {var}.root.forward()\n"
        f"    {var}.refresh()\n"
        f"    time.sleep(0.15)\n"
        f"print(json.dumps({var}.values['data'][-1]))", timeout=120)
    page.page.wait_for_function(f"() => window.__gwValues.length >= {refreshes} && "
                                "window.__gwValues.every(r => r.frame !== undefined)", timeout=30_000)
    records = page.page.evaluate("() => window.__gwValues")
    assert len(records) == refreshes, f"{len(records)} change:values for {refreshes} refreshes"
    # The page really shows the last values, and nothing was laid out or drawn again.
    root_value = json.loads(page.last_stdout().strip())
    shown = widget.evaluate(_JS_SHOWN)
    assert shown["root"] == root_value, (shown, root_value)
    assert shown["layoutMs"] == layout_before and nodes_kept(widget), "values-only refresh relaid or redrew"
    return records


def fmt_stats(values):
    values = sorted(values)
    med = statistics.median(values)
    return f"{med:7.1f} ({values[0]:.0f}-{values[-1]:.0f})" if len(values) > 1 else f"{med:7.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200,1000,2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--refreshes", type=int, default=15)
    parser.add_argument("--screenshot", action="store_true", help="save test-artifacts/bench-<n>.png")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    server = JupyterServer("lab").start()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = NotebookPage(browser, server)
            server.write_notebook("bench.ipynb", [SETUP])
            cdp = page.context.new_cdp_session(page.page)
            cdp.send("Performance.enable")
            page.open("bench.ipynb")
            page.page.evaluate(JS_ARM)
            page.run_all(timeout=120)
            cold = wait_record(page)
            print(f"cold (first widget on the page, 2 nodes, starts the Graphviz worker): "
                  f"widget {cold['widget'] - cold['t0']:.0f} ms, layout {cold['layoutMs']} ms, "
                  f"drawn {cold['drawn'] - cold['t0']:.0f} ms, paint {cold['paint'] - cold['t0']:.0f} ms")

            rows = {}
            for n in sizes:
                runs = []
                for r in range(args.repeat):
                    var = f"w{n}_{r}"
                    runs.append(measure_first_paint(page, f"{var} = show(layered({n}, seed={r + 1}))", cdp))
                    if args.screenshot and r == 0:
                        widget = page.page.locator(".gradwidget").last
                        widget.scroll_into_view_if_needed()
                        widget.screenshot(path=str(REPO / "test-artifacts" / f"bench-{n}.png"))
                rows[n] = runs
                print(f"  {n}: " + ", ".join(f"{x['paint']:.0f} ms" for x in runs), flush=True)

            refresh = {}
            for n in [s for s in (200, 2000) if s in sizes]:
                refresh[n] = measure_refresh(page, f"w{n}_0", rows[n][0], args.refreshes)

            errors = page.js_errors()
            page.close()
            browser.close()
    finally:
        server.stop()

    print()
    print("First paint of a GraphWidget in JupyterLab (headless Chromium, median (min-max) ms "
          f"over {args.repeat} graphs; times from the cell's output element appearing)")
    header = f"{'target':>7} | {'nodes':>5} | {'edges':>5} | {'widget div':>15} | {'layout':>15} | " \
             f"{'DOM drawn':>15} | {'next paint':>15} | ok"
    print(header)
    print("-" * len(header))
    for n, runs in rows.items():
        target = TARGETS_MS.get(n)
        paint = statistics.median(x["paint"] for x in runs)
        ok = "" if target is None else ("yes" if paint <= target else "NO")
        nodes = statistics.median(x["nodes"] for x in runs)
        edges = statistics.median(x["edges"] for x in runs)
        print(f"{n:>7} | {nodes:>5.0f} | {edges:>5.0f} | {fmt_stats([x['widget'] for x in runs]):>15} | "
              f"{fmt_stats([x['layout'] for x in runs]):>15} | {fmt_stats([x['drawn'] for x in runs]):>15} | "
              f"{fmt_stats([x['paint'] for x in runs]):>15} | {ok} "
              f"{'' if target is None else f'(<= {target} ms)'}")
    print()
    print("Main-thread time in the page over each measurement (Chromium Performance.getMetrics; "
          "includes Lab's own work for the cell run), median ms:")
    for n, runs in rows.items():
        print(f"{n:>7} nodes: script {statistics.median(x['script'] for x in runs):7.1f} | style recalc "
              f"{statistics.median(x['style'] for x in runs):7.1f} | layout "
              f"{statistics.median(x['css_layout'] for x in runs):7.1f}")
    print()
    for n, records in refresh.items():
        js = [r["js"] for r in records]
        frame = [r["frame"] for r in records]
        ok = "yes" if statistics.median(js) <= REFRESH_TARGET_MS else "NO"
        print(f"values-only refresh, {n} nodes, {len(js)} refreshes: JS in change:values handlers "
              f"median {statistics.median(js):.1f} ms, max {max(js):.1f} ms; to next frame median "
              f"{statistics.median(frame):.1f} ms, max {max(frame):.1f} ms"
              + (f"  [target <= {REFRESH_TARGET_MS} ms JS: {ok}]" if n == 200 else ""))
    if errors:
        print("\nJS errors on the page:\n" + "\n".join(errors))


if __name__ == "__main__":
    main()
