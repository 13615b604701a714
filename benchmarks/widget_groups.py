"""Grouped drawing (gradwidget/groups.py) against the flat drawing, in a real headless
JupyterLab page: first paint, opening a neuron, values-only refresh, and the demo's batch loss.

    python benchmarks/widget_groups.py [--rounds 5] [--refreshes 10] [--skip batch] [--no-profile]

Not part of pytest. Starts its own JupyterLab with the e2e harness (tests/e2e/jupyter.py):
one notebook, one kernel, the page in headless Chromium with every request that would leave
this machine blocked (as in tests/e2e). Each round runs the peers one after the other in new
cells, the first mover rotating every round; reported: medians (min-max) over the rounds and
the median of the per-round ratios. Cells of a round are deleted and its widgets closed at
its end, so every round starts from the same page.

The example: `random.seed(0); model = MLP(2, [16, 16, 1]); out = model([Value(0.5, 'x1'),
Value(-1.5, 'x2')])` (979 scalars, built in the setup cell; its default grouped view draws
35 nodes). Peers of one example:
  grouped   `GraphWidget(out)`: the default view
  expanded  `GraphWidget(out, expanded=<every group key>)`: every scalar, in the frames of
            its groups (the constructor takes the trait, so the first payload is already
            expanded; nothing is drawn grouped first)
  no groups `Flat(out)`, a GraphWidget whose private `_project` returns None (in this
            benchmark only): the flat drawing as it was before groups, no frames (removing
            the values' groups is not enough: a chain of 8 or more `+` is a group of its own)

1. First paint: from the moment the cell is submitted (performance.now() in the page, just
   before Lab's notebook:run-cell) to the first requestAnimationFrame callback after the
   widget's `gradwidget:drawn` mark with the expected node count. Includes the kernel's
   GraphWidget construction, the messages, the layout in the worker and the drawing.
   Target (grouped) <= 500 ms.
2. Opening a neuron: a real click on `.gw-node[data-toggle='MLP/L1/L1.N3']` of the grouped
   widget (the page sets `expanded`, the kernel sends the new structure, the page lays it
   out and draws 42 nodes), timed from the click event (capture listener) to the first frame
   after the drawn mark. Target <= 150 ms. A flat drawing has nothing to open: beside it,
   closing it again (a click on its frame title: back to 35 nodes), and the floor, an empty
   custom message page -> kernel -> page on a bare anywidget (Echo), 10 times per round.
3. Values-only refresh: `x1.data` changed, `out.forward()`, `w.refresh()` (0.15 s apart),
   the widget's `gradwidget:values` marks (detail.ms = data-refresh-ms, the JS time of the
   update). Target (grouped) <= 16 ms. No relayout or redraw may happen (checked).
4. micrograd's demo batch loss (MLP(2, [16, 16, 1]) on the 100 points of
   benchmarks/train_step.py's moons(), hinge loss + 1e-4 L2, built with gradwidget.nn as
   train_step.py builds it, backward() run; 65,818 scalars): first paint of
   `GraphWidget(loss)` (grouped: 108 nodes) from submission, target <= 3 s, and the longest
   main-thread block meanwhile (the largest gap between consecutive requestAnimationFrame
   callbacks from submission to paint), target <= 50 ms. The flat drawing of it is not
   drawable (far above max_nodes): peers are the page's summary of the same graph without
   groups (built again and each value's `_group` set to None, in this benchmark only: what
   the page showed before groups) and of the grouped graph with max_nodes=50
   (below the grouped view's size: the kernel still groups it, then falls back to counts).
   Timeline of the grouped run (kernel wall clock converted to the page's clock, the large
   websocket frames as they arrive, long tasks) says where the time goes, and the kernel's
   CPU time (time.process_time) of `GraphWidget(loss)` is reported on its own.
Unless --no-profile: the same construction in this process under cProfile (no kernel, so
no message is serialized), by function, and the payload's JSON sizes.

Headless Chromium runs with --disable-gpu (software raster); the machine is shared: expect noise.
"""

import argparse
import cProfile
import json
import os
import pathlib
import pstats
import random
import statistics
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.dom import JS_MANAGER  # noqa: E402
from tests.e2e.jupyter import JupyterServer, NotebookPage, launch_browser  # noqa: E402

TARGET = {"paint": 500, "open": 150, "refresh": 16, "batch": 3000, "block": 50}
EXAMPLE_NODES, EXAMPLE_DRAWN, OPENED_DRAWN = 979, 35, 42
TOGGLE = "MLP/L1/L1.N3"

SETUP = '''
import gc, json, random, time
import anywidget
from gradwidget import GraphWidget, Value, snapshot
from gradwidget.groups import tree
from gradwidget.nn import MLP
from benchmarks.train_step import moons


def example():
    random.seed(0)
    model = MLP(2, [16, 16, 1])
    x = [Value(0.5, "x1"), Value(-1.5, "x2")]
    return x, model(x)


def ungrouped(root):
    """The graph as before groups: no value knows a group (benchmark only: a private slot)."""
    for v in root.topo():
        v._group = None
    return root


def batch_loss():
    """micrograd's demo loss over 100 points, built as benchmarks/train_step.py builds it."""
    X, Y = moons()
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    inputs = [list(map(Value, x)) for x in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(Y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in params)
    loss = data_loss + reg_loss
    loss.backward()
    return loss


class Flat(GraphWidget):
    """Draws every scalar with no group and no frame, as before groups (benchmark only:
    overrides a private method; the chains of `+` would group even without nn's groups)."""

    def _project(self, snap):
        return None


x, out = example()
KEYS = [p.key for p in tree(snapshot(out))[0]]
loss = batch_loss()
loss_u = ungrouped(batch_loss())
W = {}


def show(name, *args, cls=GraphWidget, **kwargs):
    """Displays cls(*args, **kwargs) as W[name]; prints what the page should draw."""
    t0, c0 = time.time(), time.process_time()
    w = W[name] = cls(*args, **kwargs)
    c1, t1 = time.process_time(), time.time()
    display(w)
    t2 = time.time()
    s = w.structure
    print(json.dumps({"nodes": len(s["nodes"]), "summary": "summary" in s, "model_id": w.model_id,
                      "py_cpu_ms": (c1 - c0) * 1000, "wall": [t0 * 1000, t1 * 1000, t2 * 1000]}))


def refreshes(name, leaf, n, seed):
    rng = random.Random(seed)
    w = W[name]
    for _ in range(n):
        leaf.data = rng.uniform(-2, 2)
        w.root.forward()
        w.refresh()
        time.sleep(0.15)


def end_round():
    for w in W.values():
        w.close()
    W.clear()
    gc.collect()


class Echo(anywidget.AnyWidget):
    _esm = "export default { render() {} };"


echo = Echo()
echo.on_msg(lambda w, content, buffers: w.send(content))
print(json.dumps({"example": len(snapshot(out)), "batch": len(loss.topo()), "echo": echo.model_id}))
'''

# Before any page script: every websocket frame over 100 KB, when it arrives and when the
# task that handled it (Lab's deserialization) is over.
INIT_SCRIPT = """(() => {
  const Orig = window.WebSocket;
  window.__gwFrames = [];
  class Watched extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const size = typeof d === 'string' ? d.length : (d.byteLength ?? d.size ?? 0);
        if (size < 100000) return;
        const rec = {t: performance.now(), size};
        window.__gwFrames.push(rec);
        setTimeout(() => { rec.after = performance.now(); }, 0);
      });
    }
  }
  window.WebSocket = Watched;
})();"""

# Long tasks (> 50 ms) of the page, all along.
JS_INSTALL = """() => {
  if (window.__gwLong) return;
  window.__gwLong = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__gwLong.push({t: e.startTime, d: e.duration});
    }).observe({type: 'longtask'});
  } catch (err) { /* no Long Tasks API */ }
}"""

# Arms one measurement: a requestAnimationFrame loop from t0 (set by JS_RUN or by the click)
# to the first frame that sees the awaited drawing: a `gradwidget:drawn` mark after t0 with
# `nodes` drawn nodes, or (nodes = -1) a new .gradwidget in data-state "summary". The loop
# also keeps the largest gap between consecutive frames (a blocked main thread).
JS_ARM = """([nodes, onClick]) => {
  const rec = window.__gwRec = {t0: null, done: false, maxGap: 0, gapAt: null, frames: 0, last: null};
  const known = new Set(document.querySelectorAll('.gradwidget'));
  rec.start = () => { rec.t0 = performance.now(); rec.last = rec.t0; };
  if (onClick) document.addEventListener('click', () => { if (rec.t0 === null) rec.start(); },
                                         {capture: true, once: true});
  const seen = new MutationObserver(() => {
    if (rec.t0 === null || rec.widget !== undefined) return;
    if ([...document.querySelectorAll('.gradwidget')].some((g) => !known.has(g))) {
      rec.widget = performance.now() - rec.t0; seen.disconnect();
    }
  });
  seen.observe(document.body, {childList: true, subtree: true});
  const found = () => {
    if (nodes < 0) {
      const w = [...document.querySelectorAll('.gradwidget')]
        .find((g) => !known.has(g) && g.dataset.state === 'summary');
      return w ? {state: 'summary'} : null;
    }
    const m = performance.getEntriesByName('gradwidget:drawn')
      .find((e) => e.startTime > rec.t0 && e.detail && e.detail.nodes === nodes);
    return m ? {mark: m.startTime - rec.t0, drawMs: m.detail.ms} : null;
  };
  const tick = () => {
    const now = performance.now();
    if (rec.t0 !== null) {
      const gap = now - rec.last;
      if (gap > rec.maxGap) { rec.maxGap = gap; rec.gapAt = rec.last - rec.t0; }
      rec.last = now;
      rec.frames++;
      const hit = found();
      if (hit) {
        Object.assign(rec, hit);
        rec.paint = now - rec.t0;
        rec.done = true;
        seen.disconnect();
        return;
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""

# Appends a code cell and runs it, t0 taken just before the command.
JS_RUN = """(code) => {
  const w = window.jupyterapp.shell.currentWidget;
  const model = w.content.model;
  model.sharedModel.insertCell(model.cells.length, {cell_type: 'code', source: code});
  w.content.activeCellIndex = model.cells.length - 1;
  if (window.__gwRec && window.__gwRec.t0 === null) window.__gwRec.start();
  window.jupyterapp.commands.execute('notebook:run-cell');
  return model.cells.length;
}"""

# The page's layout engine keeps its last 16 layouts by DOT text: the same graph shown again
# is laid out in no time. Each round marks its DOT text with a comment of its own, so every
# round lays out afresh (within a round, a layout already made, e.g. closing the neuron
# again, is still found, as in real use).
JS_NONCE = """async (nonce) => {
  const engine = await globalThis.__gradwidget_layout__;
  if (!engine.__gwLayout) {
    engine.__gwLayout = engine.layout;
    engine.__gwColumns = engine.columns;
    engine.layout = (dot, options) =>
      engine.__gwLayout(dot.replace('{', `{\n/* ${window.__gwNonce} */`), options);
    engine.columns = (s, options) => engine.__gwColumns({...s, key: `${s.key}-${window.__gwNonce}`}, options);
  }
  window.__gwNonce = nonce;
  return true;
}"""

JS_DELETE_AFTER_FIRST = """() => {
  const model = window.jupyterapp.shell.currentWidget.content.model;
  while (model.cells.length > 1) model.sharedModel.deleteCell(model.cells.length - 1);
}"""

JS_ECHO = """async ([modelId, n]) => {
  const manager = await (""" + JS_MANAGER + """)();
  const model = await manager.get_model(modelId);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      const back = (msg) => { if (msg && msg.i === i) { model.off('msg:custom', back); resolve(); } };
      model.on('msg:custom', back);
      model.send({i});
    });
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  return times;
}"""


# Wraps the widget model's trigger to time the steps of a click: change:expanded (the page
# sets the trait, then saves it to the kernel), change:structure and change:values (what the
# kernel sent; the synchronous JS of their handlers).
JS_HOOK = """async (modelId) => {
  const manager = await (""" + JS_MANAGER + """)();
  const model = await manager.get_model(modelId);
  const log = window.__gwTrig = [];
  const trigger = model.trigger;
  model.trigger = function (name, ...rest) {
    if (!['change:structure', 'change:values', 'change:expanded'].includes(name)) {
      return trigger.call(this, name, ...rest);
    }
    const t = performance.now();
    const result = trigger.call(this, name, ...rest);
    log.push({name, t, js: performance.now() - t});
    return result;
  };
  return true;
}"""


def wait_rec(page, timeout=120):
    page.page.wait_for_function("() => window.__gwRec && window.__gwRec.done", timeout=timeout * 1000,
                                polling=50)
    return page.page.evaluate("() => { const r = {...window.__gwRec}; delete r.start; return r; }")


def run_cell(page, code, timeout=180):
    """Runs `code` in a new cell; returns (its number, the last JSON line it printed)."""
    n = page.page.evaluate(JS_RUN, code)
    page.wait_new_cell(n, timeout)
    lines = page.last_stdout().strip().splitlines()
    return n, (json.loads(lines[-1]) if lines else None)


def first_paint(page, code, nodes):
    """Times `code` (which shows one widget) from submission to the frame after its drawing."""
    page.page.evaluate(JS_ARM, [nodes, False])
    n, info = run_cell(page, code)
    rec = wait_rec(page)
    widget = page.page.locator(".jp-Cell").nth(n - 1).locator(".gradwidget")
    rec.update(info=info, cell=n, layout=float(widget.get_attribute("data-layout-ms") or "nan"))
    return rec


def click_and_wait(page, widget, selector, nodes):
    page.page.evaluate(JS_ARM, [nodes, True])
    page.page.evaluate("() => { window.__gwTrig.length = 0; }")
    widget.locator(selector).click()
    rec = wait_rec(page, timeout=30)
    rec["layout"] = float(widget.get_attribute("data-layout-ms"))
    log = page.page.evaluate("() => window.__gwTrig")
    first = {}
    for e in log:
        first.setdefault(e["name"], e)
    rec["sent"] = first["change:expanded"]["t"] - rec["t0"]
    rec["structure_in"] = first["change:structure"]["t"] - rec["t0"]
    rec["structure_js"] = first["change:structure"]["js"]
    rec["values_in"] = first["change:values"]["t"] - rec["t0"] if "change:values" in first else float("nan")
    # The widget may act on the press before the click event: count from whichever came first.
    early = min(0.0, rec["sent"])
    for key in ("sent", "structure_in", "values_in", "mark", "paint"):
        rec[key] -= early
    return rec


def refresh_marks(page, name, leaf, nodes, n, seed):
    since = page.page.evaluate("() => performance.now()")
    run_cell(page, f"refreshes({name!r}, {leaf}, {n}, {seed})", timeout=120)
    page.page.wait_for_function(
        "([since, n]) => performance.getEntriesByName('gradwidget:values')"
        ".filter((e) => e.startTime > since).length >= n", arg=[since, n], timeout=30_000)
    marks = page.page.evaluate(
        "(since) => ['gradwidget:values', 'gradwidget:drawn'].map((name) =>"
        " performance.getEntriesByName(name).filter((e) => e.startTime > since).map((e) => e.detail))", since)
    values, drawn = marks
    assert not drawn, f"a values-only refresh redrew: {drawn}"
    assert len(values) == n and all(v["nodes"] == nodes for v in values), values
    return [v["ms"] for v in values]


def stats(values):
    values = sorted(values)
    return f"{statistics.median(values):.1f} ({values[0]:.1f}-{values[-1]:.1f})"


def med(values):
    return statistics.median(values)


def ratio(a, b):
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def rotate(items, r):
    k = r % len(items)
    return items[k:] + items[:k]


# ---- one round ------------------------------------------------------------------------------

EXAMPLE_PEERS = {
    "grouped": ("show('g', out)", EXAMPLE_DRAWN, "g", "x[0]"),
    "expanded": ("show('f', out, expanded=KEYS)", EXAMPLE_NODES, "f", "x[0]"),
    "no groups": ("show('u', out, cls=Flat)", EXAMPLE_NODES, "u", "x[0]"),
}
BATCH_PEERS = {
    "grouped": ("show('b', loss)", 108),
    "summary, no groups": ("show('s', loss_u)", -1),
    "summary, max_nodes=50": ("show('m', loss, max_nodes=50)", -1),
}


def example_round(page, r, res, refreshes, echo_id):
    cells = {}
    for name in rotate(list(EXAMPLE_PEERS), r):
        code, nodes, _, _ = EXAMPLE_PEERS[name]
        rec = first_paint(page, code, nodes)
        cells[name] = rec["cell"]
        res["paint"][name].append(rec)
        print(f"    first paint, {name}: {rec['paint']:.0f} ms (kernel CPU {rec['info']['py_cpu_ms']:.0f} "
              f"ms, layout {rec['layout']:.0f} ms, draw {rec['drawMs']:.0f} ms, longest frame gap "
              f"{rec['maxGap']:.0f} ms)", flush=True)
    # 2. open a neuron of the grouped widget, close it again
    widget = page.page.locator(".jp-Cell").nth(cells["grouped"] - 1).locator(".gradwidget")
    widget.scroll_into_view_if_needed()
    page.page.evaluate(JS_HOOK, res["paint"]["grouped"][-1]["info"]["model_id"])
    page.page.wait_for_timeout(300)
    opened = click_and_wait(page, widget, f".gw-node[data-toggle='{TOGGLE}']", OPENED_DRAWN)
    page.page.wait_for_timeout(300)
    closed = click_and_wait(page, widget, f".gw-frame-title[data-toggle='{TOGGLE}']", EXAMPLE_DRAWN)
    echo = page.page.evaluate(JS_ECHO, [echo_id, 10])
    res["open"].append(opened)
    res["close"].append(closed)
    res["echo"].append(med(echo))
    print(f"    open {TOGGLE}: {opened['paint']:.0f} ms (layout {opened['layout']:.0f} ms, draw "
          f"{opened['drawMs']:.0f} ms); close: {closed['paint']:.0f} ms; empty round trip {med(echo):.0f} ms",
          flush=True)
    # 3. values-only refreshes
    for name in rotate(list(EXAMPLE_PEERS), r):
        _, nodes, var, leaf = EXAMPLE_PEERS[name]
        ms = refresh_marks(page, var, leaf, nodes, refreshes, seed=r)
        res["refresh"][name].append(ms)
        print(f"    refresh, {name}: {stats(ms)} ms JS", flush=True)
    run_cell(page, "end_round()")
    page.page.evaluate(JS_DELETE_AFTER_FIRST)


def batch_round(page, r, res, origin):
    for name in rotate(list(BATCH_PEERS), r):
        code, nodes = BATCH_PEERS[name]
        page.page.evaluate("() => { window.__gwFrames.length = 0; window.__gwLong.length = 0; }")
        rec = first_paint(page, code, nodes)
        t0 = rec["t0"]
        rec["frames_in"] = [{"t": f["t"] - t0, "size": f["size"], "after": f.get("after", f["t"]) - t0}
                            for f in page.page.evaluate("() => window.__gwFrames")]
        rec["long"] = [{"t": x["t"] - t0, "d": x["d"]} for x in page.page.evaluate("() => window.__gwLong")
                       if x["t"] >= t0 - 1]
        rec["kernel"] = [w - origin - t0 for w in rec["info"]["wall"]]
        res["batch"][name].append(rec)
        print(f"    {name}: {rec['paint']:.0f} ms to paint, longest frame gap {rec['maxGap']:.0f} ms "
              f"(at {rec['gapAt']:.0f} ms), kernel CPU {rec['info']['py_cpu_ms']:.0f} ms", flush=True)
        run_cell(page, "end_round()")
        page.page.evaluate(JS_DELETE_AFTER_FIRST)


# ---- this process: where the kernel's time goes ---------------------------------------------

def profile_batch():
    """CPU time of GraphWidget(loss) here (no kernel: no message serialized), by function."""
    ns = {}
    exec(SETUP.split("\nx, out = example()")[0], ns)
    from gradwidget import GraphWidget
    loss = ns["batch_loss"]()
    times = []
    for _ in range(3):
        c = time.process_time()
        w = GraphWidget(loss)
        times.append((time.process_time() - c) * 1000)
    prof = cProfile.Profile()
    prof.enable()
    GraphWidget(loss)
    prof.disable()
    st = pstats.Stats(prof)
    total = sum(v[3] for k, v in st.stats.items() if k[2] == "__init__" and k[0].endswith("widget.py"))
    wanted = {("groups.py", "tree"), ("groups.py", "project"), ("groups.py", "default_expanded"),
              ("widget.py", "_replay_json"), ("groups.py", "replay"), ("engine.py", "names"),
              ("quiz.py", "_quiz_init"), ("graph.py", "snapshot"), ("widget.py", "_read")}
    rows = sorted(((v[3], f"{pathlib.Path(k[0]).name}:{k[2]}") for k, v in st.stats.items()
                   if (pathlib.Path(k[0]).name, k[2]) in wanted), reverse=True)
    c = time.process_time()
    sizes = {name: len(json.dumps(getattr(w, name))) for name in ("structure", "values")}
    dump_ms = (time.process_time() - c) * 1000
    replays = {m: len(r.get("steps", ())) for m, r in w.values["replays"].items()}
    return {"cpu_ms": times, "profile_total": total, "rows": rows, "sizes": sizes, "dump_ms": dump_ms,
            "replay_steps": replays, "edges": len(w.structure["edges"]),
            "scalar_edges": sum(e.get("count", 1) for e in w.structure["edges"])}


def example_here():
    """CPU time here (no kernel) of the kernel's side of measures 1-3 for one example."""
    ns = {}
    exec(SETUP.split("\nloss = batch_loss()")[0], ns)
    GraphWidget, out, x = ns["GraphWidget"], ns["out"], ns["x"]

    def cpu(f):
        times = []
        for _ in range(7):
            c = time.process_time()
            f()
            times.append((time.process_time() - c) * 1000)
        return med(times)

    w = GraphWidget(out)
    opened = sorted(set(w.structure["groups"]["expanded"]) | {TOGGLE})
    closed = list(w.structure["groups"]["expanded"])
    got = {"GraphWidget(out)": cpu(lambda: GraphWidget(out)),
           "GraphWidget(out, expanded=KEYS)": cpu(lambda: GraphWidget(out, expanded=ns["KEYS"])),
           "Flat(out)": cpu(lambda: ns["Flat"](out))}

    def toggle():
        w.expanded = opened
        w.expanded = closed
    got[f"open {TOGGLE} + close it (2 refreshes with a new structure)"] = cpu(toggle)
    peers = (("grouped", w), ("expanded", GraphWidget(out, expanded=ns["KEYS"])), ("flat", ns["Flat"](out)))
    for name, v in peers:
        def refresh(v=v):
            x[0].data += 0.01
            out.forward()
            v.refresh()
        got[f"values-only refresh, {name}"] = cpu(refresh)
    return got


# ---- report ---------------------------------------------------------------------------------

def ok(value, target):
    return "✓" if value <= target else "✗"


def row(measure, mine, peer_name, peer, target, unit="ms", mine_all=None, peer_all=None):
    """One table row: medians (min-max) of `mine` and `peer` (per round), their ratio."""
    shown = stats(mine_all or mine)
    check = ok(med(mine_all or mine), target)
    print(f"| {measure} | {shown} {unit} | {peer_name}: {stats(peer_all or peer)} {unit} | "
          f"{ratio(mine, peer):.2f} | ≤ {target} {unit} | {check} |")


def example_rows(res, rounds, refreshes):
    g = [x["paint"] for x in res["paint"]["grouped"]]
    for peer in ("expanded", "no groups"):
        row("first paint of 1 example, cell submitted → frame after drawn", g, peer,
            [x["paint"] for x in res["paint"][peer]], TARGET["paint"])
    o = [x["paint"] for x in res["open"]]
    c = [x["paint"] for x in res["close"]]
    row(f"open {TOGGLE}: click → frame after drawn (42 nodes)", o, "closing it again", c, TARGET["open"])
    print(f"| (the floor: an empty custom message page → kernel → page) | | {stats(res['echo'])} ms | | | |")
    allg = [v for ms in res["refresh"]["grouped"] for v in ms]
    for peer in ("expanded", "no groups"):
        row(f"values-only refresh, JS (data-refresh-ms), {refreshes} x {rounds}",
            [med(ms) for ms in res["refresh"]["grouped"]], peer, [med(ms) for ms in res["refresh"][peer]],
            TARGET["refresh"], mine_all=allg, peer_all=[v for ms in res["refresh"][peer] for v in ms])


def report(res, rounds, refreshes, prof, blocked, errors):
    print()
    print(f"## {rounds} rounds (medians, min-max over rounds; ratio = median of per-round ratios)")
    print()
    print("| measure | grouped | flat peer | ratio grouped/peer | target | pass |")
    print("|---|---|---|---|---|---|")
    if res["paint"]:
        example_rows(res, rounds, refreshes)
    if res["batch"]["grouped"]:
        b = res["batch"]["grouped"]
        for key, measure, target in (("paint", "batch loss (65,818 scalars): cell submitted → frame after "
                                               "drawn", TARGET["batch"]),
                                     ("maxGap", "batch loss: longest gap between frames meanwhile",
                                      TARGET["block"])):
            for peer in ("summary, no groups", "summary, max_nodes=50"):
                row(measure, [x[key] for x in b], peer, [x[key] for x in res["batch"][peer]], target)
        for name, recs in res["batch"].items():
            print(f"| batch loss, kernel CPU of the GraphWidget(...) construction, {name} | "
                  f"{stats([x['info']['py_cpu_ms'] for x in recs])} ms | | | | |")

    if res["paint"]:
        example_breakdown(res)
    batch_breakdown(res, prof)
    print()
    print(f"requests blocked (would have left the machine): {len(blocked)}")
    if errors:
        print("JS errors on the page:\n" + "\n".join(errors))


def medians(recs, fields):
    """`name median` of each (name, key) over `recs`, joined by " | "."""
    return " | ".join(f"{name} {med([x.get(key, float('nan')) for x in recs]):.1f}" for name, key in fields)


def example_breakdown(res):
    print()
    print("Breakdown, 1 example (medians, ms from submission):")
    for name, recs in res["paint"].items():
        print(f"  {name:9}: kernel CPU {med([x['info']['py_cpu_ms'] for x in recs]):.1f} | " + medians(recs, (
            (".gradwidget in page", "widget"), ("layout (worker)", "layout"), ("draw JS", "drawMs"),
            ("drawn mark", "mark"), ("paint", "paint"), ("longest frame gap", "maxGap"))))
    for name in ("open", "close"):
        print(f"  {name}, from the click: " + medians(res[name], (
            ("page sets `expanded`", "sent"), ("new structure arrives", "structure_in"),
            ("its handlers' JS", "structure_js"), ("values arrive", "values_in"),
            ("layout (worker)", "layout"), ("draw JS", "drawMs"), ("drawn mark", "mark"), ("paint", "paint"),
            ("longest frame gap", "maxGap"))))


def batch_breakdown(res, prof):
    if res["batch"]["grouped"]:
        print()
        print("Batch loss, grouped: timeline of each run (ms from submission; kernel = construction start, "
              "end, display() returned):")
        for rec in res["batch"]["grouped"]:
            k = rec["kernel"]
            frames = ", ".join(f"{f['size'] / 1e6:.1f} MB at {f['t']:.0f} (task over {f['after']:.0f})"
                               for f in rec["frames_in"])
            longest = sorted(rec["long"], key=lambda x: -x["d"])[:5]
            longs = ", ".join(f"{x['d']:.0f} ms at {x['t']:.0f}" for x in longest)
            print(f"  kernel {k[0]:.0f}→{k[1]:.0f}→{k[2]:.0f} (CPU {rec['info']['py_cpu_ms']:.0f}) | "
                  f"frames > 100 KB: {frames or 'none'} | .gradwidget {rec.get('widget', float('nan')):.0f}"
                  f" | layout {rec['layout']:.0f} | draw JS {rec['drawMs']:.0f} | drawn mark "
                  f"{rec['mark']:.0f} | paint {rec['paint']:.0f} | longest gap {rec['maxGap']:.0f} at "
                  f"{rec['gapAt']:.0f} | long tasks: {longs or 'none'}")
        for name in ("summary, no groups", "summary, max_nodes=50"):
            for rec in res["batch"][name]:
                k = rec["kernel"]
                print(f"  {name}: kernel {k[0]:.0f}→{k[1]:.0f}→{k[2]:.0f} "
                      f"(CPU {rec['info']['py_cpu_ms']:.0f}) | summary shown {rec['paint']:.0f} | "
                      f"longest gap {rec['maxGap']:.0f}")
    if prof:
        print()
        print(f"This process (no kernel), GraphWidget(batch loss): CPU {stats(prof['cpu_ms'])} ms; under "
              f"cProfile {prof['profile_total'] * 1000:.0f} ms, of which (cumulative, overlapping):")
        for t, name in prof["rows"]:
            print(f"  {name:28} {t * 1000:7.0f} ms")
        print(f"  payload JSON: structure {prof['sizes']['structure'] / 1e3:.0f} KB, values "
              f"{prof['sizes']['values'] / 1e6:.2f} MB (json.dumps {prof['dump_ms']:.0f} ms); drawn edges "
              f"{prof['edges']} standing for {prof['scalar_edges']} scalar edges; replay steps sent: "
              f"{prof['replay_steps']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--refreshes", type=int, default=10,
                        help="values-only refreshes per widget per round")
    parser.add_argument("--skip", choices=["example", "batch"])
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()

    res = {"paint": {k: [] for k in EXAMPLE_PEERS}, "refresh": {k: [] for k in EXAMPLE_PEERS},
           "open": [], "close": [], "echo": [], "batch": {k: [] for k in BATCH_PEERS}}
    prof = None if args.no_profile or args.skip == "batch" else profile_batch()
    here = None if args.no_profile or args.skip == "example" else example_here()
    load = [os.getloadavg()[0]]
    server = JupyterServer("lab").start()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = NotebookPage(browser, server)
            page.context.add_init_script(INIT_SCRIPT)
            server.write_notebook("groups_bench.ipynb", [SETUP])
            page.open("groups_bench.ipynb")
            page.run_all(timeout=180)
            setup = json.loads(page.last_stdout().strip().splitlines()[-1])
            assert setup["example"] == EXAMPLE_NODES and setup["batch"] == 65818, setup
            page.front()
            page.page.evaluate(JS_INSTALL)
            origin = page.page.evaluate("() => performance.timeOrigin")
            # warm-up: starts the layout worker and loads the view, not counted
            first_paint(page, "show('g', out)", EXAMPLE_DRAWN)
            run_cell(page, "end_round()")
            page.page.evaluate(JS_DELETE_AFTER_FIRST)
            for r in range(args.rounds):
                print(f"round {r + 1}:", flush=True)
                page.page.evaluate(JS_NONCE, f"round {r + 1}")
                if args.skip != "example":
                    example_round(page, r, res, args.refreshes, setup["echo"])
                if args.skip != "batch":
                    batch_round(page, r, res, origin)
            load.append(os.getloadavg()[0])
            errors = page.js_errors()
            blocked = list(page.blocked)
            page.close()
            browser.close()
    finally:
        server.stop()
    if args.skip == "example":
        res["paint"] = {}
    report(res, args.rounds, args.refreshes, prof, blocked, errors)
    if here:
        print("\nThis process (no kernel), 1 example, CPU ms, median of 7: " +
              "; ".join(f"{k} {v:.1f}" for k, v in here.items()))
    print(f"load average (1 min) at start and end: {load[0]:.1f}, {load[1]:.1f} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    random.seed(0)
    main()
