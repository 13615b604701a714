"""The reference the browser tests compare the page with: gradwidget itself, in this process.

Expected numbers are never written down in the tests (except the lessons' own numbers, which
the notebooks print): they are computed here with `snapshot`, `replay` and `Value.forward`,
for the graph and the slider positions the page shows. A lesson's graphs are made by running
its code cells here, with `GraphWidget` and `interact` replaced by recorders.
"""

import inspect
import json
import math

import nbformat

import gradwidget
from gradwidget import Value, replay, snapshot

from .dom import geometry, nodes_kept, numbers, read_widget, same_geometry, slider_error, slider_positions
from .jupyter import REPO

NOTEBOOKS = REPO / "notebooks"
# The replay each panel of a widget view shows, from the one definition of the modes.
VIEWS = json.loads((REPO / "gradwidget" / "modes.json").read_text())["views"]
PANEL_MODES = {view: spec["panels"] for view, spec in VIEWS.items()}

# The diamond of the lessons: a and c are used twice. Grads 4, -4, -12 (+=); -6, -4, -2 (=).
DIAMOND = ("a, b, c = Value(2.0, 'a'), Value(3.0, 'b'), Value(4.0, 'c')\n"
           "L = (a*b + c)*(a - c); L.label = 'L'\n")


def graph_of(code, root_name):
    """Runs `code` (which builds a graph from `Value`s) here; returns its `root_name`."""
    namespace = {"Value": Value}
    exec(code, namespace)
    return namespace[root_name]


def diamond():
    return graph_of(DIAMOND, "L")


def core(root):
    """(structure, data, {mode: grad}) of the graph under `root`, as the kernel computes them."""
    snap = snapshot(root)
    modes = {m for panels in PANEL_MODES.values() for m in panels}
    return snap.structure(), snap.data(), {m: replay(snap, m).grad for m in modes}


def core_numbers(root, mode="accumulate"):
    """{id: (data, grad)} of the graph under `root` in replay `mode`, as numbers() reads a panel."""
    _, data, grad = core(root)
    return {i: (d, grad[mode][i]) for i, d in enumerate(data)}


def grads_after(structure, rep, k):
    """Every node's grad after k steps of the replay `rep` (JSON): the root seeded with 1,
    each deposit sets its receiver's total (docs/protocol.md)."""
    src = {edge["id"]: edge["src"] for edge in structure["edges"]}
    grad = [0.0] * len(structure["nodes"])
    grad[structure["root"]] = 1.0
    for step in rep["steps"][:k]:
        for deposit in step["deposits"]:
            grad[src[deposit["edge"]]] = deposit["total"]
    return grad


def with_leaves(root, values):
    """Sets the leaves labelled like the keys of `values` and re-evaluates `root`."""
    leaves = {v.label: v for v in root.topo() if not v.children}
    for name, x in values.items():
        leaves[name].data = float(x)
    return root.forward()


def fmt_close(text, value):
    """The formatted text shows `value` (4 significant digits)."""
    return text != "—" and math.isclose(float(text), value, rel_tol=1e-3, abs_tol=1e-300)


def assert_shows(widget, root, mode, where):
    """Every panel of `widget` shows the graph of `root`, its data and the replayed grads of
    its mode (both modes in compare), to full precision; returns the read_widget() panels."""
    structure, data, grad = core(root)
    panels = read_widget(widget)
    modes = PANEL_MODES[mode]
    assert len(panels) == len(modes), f"{where}: {len(panels)} panels for mode {mode}"
    want_nodes = {n["id"]: n["label"] for n in structure["nodes"]}
    want_edges = sorted((e["src"], e["dst"]) for e in structure["edges"])
    for panel, m in zip(panels, modes, strict=True):
        assert {n["id"]: n["label"] for n in panel["nodes"]} == want_nodes, f"{where}: {m} panel nodes"
        assert sorted((e["src"], e["dst"]) for e in panel["edges"]) == want_edges, f"{where}: {m} edges"
        expected = {i: (data[i], grad[m][i]) for i in range(len(data))}
        shown = numbers(panel)
        wrong = {i: (shown[i], expected[i]) for i in expected if shown.get(i) != expected[i]}
        assert not wrong, f"{where}: {m} panel, node id: (shown (data, grad), core (data, grad)): {wrong}"
        for n in panel["nodes"]:
            assert fmt_close(n["data"]["text"], float(n["data"]["value"])), (where, n)
            assert fmt_close(n["grad"]["text"], float(n["grad"]["value"])), (where, n)
    return panels


def check_moved(widget, root, mode, before, where):
    """After a slider move: no error, the core's numbers at the sliders' positions, and no
    node moved or was recreated since the geometry() reading `before` (and tag_nodes())."""
    assert slider_error(widget) == "", f"{where}: {slider_error(widget)}"
    panels = assert_shows(widget, with_leaves(root, slider_positions(widget)), mode, where)
    assert same_geometry(before, geometry(widget)) == [], f"{where}: nodes moved"
    assert nodes_kept(widget), f"{where}: node elements were recreated (relayout)"
    return panels


# ---- a lesson's code, run here --------------------------------------------------------------

def lesson_displays(monkeypatch, name):
    """Runs the code cells of notebooks/<name> in this process with GraphWidget and interact
    replaced by recorders. Returns [{code_cell, kind: "graph"|"interact", ...}] in order."""
    shown = []
    cell = {"index": None}

    class RecordedGraph:
        def __init__(self, root, **kwargs):
            shown.append({"code_cell": cell["index"], "kind": "graph", "root": root, "kwargs": kwargs})

    def recorded_interact(f, **ranges):
        shown.append({"code_cell": cell["index"], "kind": "interact", "f": f, "ranges": ranges})

    monkeypatch.setattr(gradwidget, "GraphWidget", RecordedGraph, raising=False)
    monkeypatch.setattr(gradwidget, "interact", recorded_interact)
    namespace = {"__name__": "__lesson__"}
    for i, code in enumerate(lesson_code(name)):
        cell["index"] = i
        exec(compile(code, f"{name}[{i}]", "exec"), namespace)
    return shown


def lesson_code(name):
    """The code cells of notebooks/<name>, as text."""
    return [c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells if c.cell_type == "code"]


def interact_start(f, ranges):
    """Where interact() starts each slider: f's default, else the middle of the range."""
    defaults = {k: p.default for k, p in inspect.signature(f).parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {k: float(defaults.get(k, (spec[0] + spec[1]) / 2)) for k, spec in ranges.items()}
