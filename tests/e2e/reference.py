"""The reference the browser tests compare the page with: gradwidget itself, in this process.

Expected numbers are never written down in the tests (except the lessons' own numbers, which
the notebooks print): they are computed here with `snapshot`, `replay` and `Value.forward`,
for the graph and the slider positions the page shows. A lesson's graphs are made by running
its code cells here, with `GraphWidget` and `interact` replaced by recorders.
"""

import inspect
import json
import math
import re

import nbformat

import gradwidget
from gradwidget import Value, replay, snapshot
from gradwidget.graph import MODES
from gradwidget.groups import default_expanded, tree

from .dom import (
    button,
    geometry,
    nodes_kept,
    numbers,
    read_lesson,
    read_widget,
    same_geometry,
    slider_error,
    slider_positions,
    step_of,
)
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
    # Every panel's replay that gradwidget.graph computes (a mode of another source, e.g.
    # a hand-written class's own backward(), is not the core's to replay).
    modes = {m for panels in PANEL_MODES.values() for m in panels if m in MODES}
    return snap.structure(), snap.data(), {m: replay(snap, m).grad for m in modes}


def core_numbers(root, mode="accumulate"):
    """{id: (data, grad)} of the graph under `root` in replay `mode`, as numbers() reads a panel."""
    _, data, grad = core(root)
    return {i: (d, grad[mode][i]) for i, d in enumerate(data)}


def lesson_deposits(rep):
    """The deposits of the replay `rep` (JSON) in the order the page plays them, one lesson
    step each (docs/protocol.md, "Lesson steps"): [{node (the one that fires), edge, value,
    total}]."""
    return [{"node": step["node"], **deposit} for step in rep["steps"] for deposit in step["deposits"]]


def grads_after(structure, rep, k):
    """Every node's grad after k lesson steps (k deposits) of the replay `rep` (JSON), with
    no forward steps: the root seeded with 1, each deposit sets its receiver's total."""
    src = {edge["id"]: edge["src"] for edge in structure["edges"]}
    grad = [0.0] * len(structure["nodes"])
    grad[structure["root"]] = 1.0
    for deposit in lesson_deposits(rep)[:k]:
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


# ---- the lesson layer: what each step of a widget should show and say ----------------------
# One step per deposit (edge contribution); with forward=True, one forward step per non-leaf
# node (topological order) before them. Everything here is computed from snapshot/replay.

# The graphs the lesson layer is checked on (labels only: the narration names them so).
LESSON_GRAPHS = {
    # a is used twice: two deposits into a; the bug keeps one.
    "aa": ("a = Value(3.0, 'a'); b = a + a; b.label = 'b'\n", "b"),
    # the diamond of the exercise: grads 4, -4, -12 (+=), -6, -4, -2 (=).
    "diamond": (DIAMOND, "L"),
    # micrograd's lecture graph.
    "def": ("a = Value(2.0, 'a'); b = Value(-3.0, 'b'); c = Value(10.0, 'c')\n"
            "e = a*b; e.label = 'e'; d = e + c; d.label = 'd'\n"
            "f = Value(-2.0, 'f'); L = d*f; L.label = 'L'\n", "L"),
    # micrograd issue 2: a reused inner node, which the eager scheme counts twice (6, not 4).
    "reuse": ("a = Value(1.0, 'a'); b = a + a; b.label = 'b'; c = b + b; c.label = 'c'\n", "c"),
}


def lesson_graph(key):
    code, root = LESSON_GRAPHS[key]
    return graph_of(code, root)


def flat_deposits(rep):
    """The deposits of a Replay in the order the page steps through them (one per step)."""
    return [d for step in rep.steps for d in step.deposits]


def deposit_facts(snap, mode):
    """Per backward step of replay `mode`, what its narration and its drawing must say:
    {edge, src, dst, src_name, dst_name, local, upstream, value, total, previous (src's
    grad before it), kth, count (of all the deposits into src), lost (the term this deposit
    overwrote, overwrite mode only, else None)}."""
    rep = replay(snap, mode)
    deposits = flat_deposits(rep)
    count = [0] * len(snap)
    for d in deposits:
        count[d.into] += 1
    grad = [0.0] * len(snap)
    grad[snap.root] = 1.0
    seen = [0] * len(snap)
    received = [[] for _ in snap.values]
    facts = []
    for d in deposits:
        upstream = grad[d.out]
        local = snap.local[d.edge]
        assert d.value == local * upstream, (d, local, upstream)   # the replay's own rule
        seen[d.into] += 1
        previous = grad[d.into]
        facts.append({
            "edge": d.edge, "src": d.into, "dst": d.out,
            "src_name": snap.name(d.into), "dst_name": snap.name(d.out),
            "local": local, "upstream": upstream, "value": d.value, "total": d.total,
            "previous": previous, "kth": seen[d.into], "count": count[d.into],
            "lost": received[d.into][-1][1] if mode == "overwrite" and received[d.into] else None,
        })
        received[d.into].append((d.edge, d.value))
        grad[d.into] = d.total
    return facts


def moment(snap, mode, k):
    """The backward pass of `mode` after k deposits: {grad: [...], terms: {edge: latest value},
    lost: {edge: value} (overwrite: every term a later deposit into the same node replaced),
    fresh: edge of deposit k or None}."""
    facts = deposit_facts(snap, mode)[:k]
    grad = [0.0] * len(snap)
    grad[snap.root] = 1.0
    terms, by_node = {}, {}
    for f in facts:
        grad[f["src"]] = f["total"]
        terms[f["edge"]] = f["value"]
        by_node.setdefault(f["src"], []).append((f["edge"], f["value"]))
    lost = {}
    if mode == "overwrite":
        for got in by_node.values():
            lost.update(dict(got[:-1]))
    return {"grad": grad, "terms": terms, "lost": lost, "fresh": facts[-1]["edge"] if facts else None}


def forward_facts(snap):
    """Per forward step (one per non-leaf node, topological order): {node, name, value,
    inputs: [(name, value)]}."""
    inputs = {}
    for src, dst, slot in snap.edges:
        inputs.setdefault(dst, []).append((slot, src))
    return [{"node": i, "name": snap.name(i), "value": v.data,
             "inputs": [(snap.name(s), snap.values[s].data) for _, s in sorted(inputs[i])]}
            for i, v in enumerate(snap.values) if v.children]


def closed_groups(root, kwargs):
    """Whether GraphWidget(root, **kwargs) draws some group closed (gradwidget.groups): as
    one box, so its lesson is not the value-by-value one lesson_plan makes."""
    snap = snapshot(root)
    parts, home = tree(snap)
    if not parts or kwargs.get("quiz"):
        return False
    expanded = kwargs.get("expanded")
    keys = default_expanded(snap, parts, home) if expanded is None else set(expanded)
    return any(p.key not in keys for p in parts)


def lesson_plan(root, view, forward=False):
    """What a lesson widget on `root` in `view` plays: {snap, panels: [replay mode per panel],
    forward: [forward facts] (empty unless forward), deposits: {mode: [deposit facts]},
    length: the number of steps in the status "Step k / n"}."""
    snap = snapshot(root)
    panels = PANEL_MODES[view]
    deposits = {m: deposit_facts(snap, m) for m in panels}
    fwd = forward_facts(snap) if forward else []
    return {"snap": snap, "panels": panels, "forward": fwd, "deposits": deposits,
            "length": len(fwd) + max(len(d) for d in deposits.values())}


# ---- reading the narration: numbers and the chain rule's parts, not exact sentences ---------

_NUM = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?"   # in plain() text
_BIDI = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"), None)


def plain(text):
    """Narration text with bidi isolates removed, U+2212 as "-", spaces normalised."""
    text = (text or "").translate(_BIDI).replace("\u2212", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def number_of(text):
    return float(text.replace("\u2212", "-"))


def near(x, want):
    """A number as js/format.js writes it (4 significant digits) stands for `want`."""
    return math.isclose(x, want, rel_tol=6e-4, abs_tol=1e-12)


def numbers_in(text):
    return [number_of(m) for m in re.findall(_NUM, text)]


def clauses(text, start):
    """Each piece of `text` from a match of the regex `start` to the end of its clause
    (". ", ",", ";", ":" or the end): where the numbers that belong to it are."""
    return [re.split(r"\.(?:\s|$)|[,;:]", text[m.end():])[0] for m in re.finditer(start, text)]


def has_number(pieces, want):
    return any(near(x, want) for piece in pieces for x in numbers_in(piece))


def grad_of(name):
    """Regex of `<name>.grad` as the narration writes it (`(a*b).grad` for an expression)."""
    n = re.escape(name)
    return rf"(?:\({n}\)|(?<![\w*+/-]){n})\.grad"


def _pair(p, q, x, y):
    """The texts p, q are the numbers x and y, in either order."""
    p, q = number_of(p), number_of(q)
    return (near(p, x) and near(q, y)) or (near(p, y) and near(q, x))


_ORDINAL = r"(\d+)(?:st|nd|rd|th)\s+of\s+(\d+)"


def narration_problems(text, fact, mode, alone=True):
    """What the narration of one backward step (`fact` from deposit_facts) gets wrong or
    leaves out, [] when it tells the step: plain words (no internal ids), the local
    derivative (as ∂x/∂y or "local derivative"), the upstream gradient (`out.grad`), the
    product of the two, the receiving node's total (the running sum and "k-th of n"), and
    in overwrite mode the term that was lost. `alone` False: the text also tells another
    panel's step (compare views with one narration), so other counts and "lost" may appear."""
    t = plain(text)
    bad = []
    if not t:
        return ["the narration is empty"]
    if re.search(r"#\d", t):
        bad.append("names a node by an internal number (#k)")
    if not re.search(r"[A-Za-z]{3,}", t):
        bad.append("has no words")
    local = clauses(t, r"∂|local derivative")
    if not local:
        bad.append("no local derivative (neither ∂x/∂y nor 'local derivative')")
    elif not has_number(local, fact["local"]):
        bad.append(f"the local derivative {fact['local']:g} is not given in {local}")
    up = clauses(t, grad_of(fact["dst_name"]) + r"\s*(?:is|=|of)?") + clauses(t, r"upstream")
    if not has_number(up, fact["upstream"]):
        bad.append(f"the upstream gradient {fact['dst_name']}.grad = {fact['upstream']:g} is not given")
    times = r"[\u00d7x\u00b7\u22c5*]"   # times sign, x, middle dot, dot operator or *
    products = re.findall(rf"\(?({_NUM})\)?\s*{times}\s*\(?({_NUM})\)?\s*=\s*\(?({_NUM})", t)
    if not any(_pair(p, q, fact["local"], fact["upstream"]) and near(number_of(r), fact["value"])
               for p, q, r in products):
        bad.append(f"no product {fact['local']:g} * {fact['upstream']:g} = {fact['value']:g} "
                   f"(found {products})")
    total = clauses(t, grad_of(fact["src_name"]) + r"\s*(?:is|=|becomes)")
    if not has_number(total, fact["total"]):
        bad.append(f"the total {fact['src_name']}.grad = {fact['total']:g} is not given (clauses {total})")
    if fact["kth"] > 1 and mode != "overwrite":   # the running sum: previous + this term
        sums = re.findall(rf"({_NUM})\s*\+\s*\(?({_NUM})\)?\s*=\s*({_NUM})", t)
        if not any(_pair(p, q, fact["previous"], fact["value"]) and near(number_of(r), fact["total"])
                   for p, q, r in sums):
            bad.append(f"no running sum {fact['previous']:g} + {fact['value']:g} = "
                       f"{fact['total']:g} ({sums})")
    ordinals = [(int(k), int(n)) for k, n in re.findall(_ORDINAL, t)]
    # Required where terms add up; in overwrite mode saying what was lost is enough.
    if fact["count"] > 1 and mode != "overwrite" and (fact["kth"], fact["count"]) not in ordinals:
        bad.append(f"does not say 'the {fact['kth']}(st|nd|rd|th) of {fact['count']}' ({ordinals})")
    if alone and any(o != (fact["kth"], fact["count"]) for o in ordinals):
        bad.append(f"wrong contribution count {ordinals}, want {fact['kth']} of {fact['count']}")
    if fact["lost"] is not None:
        lost = clauses(t, r"lost") + clauses(t, r"earlier|replac|overwr")
        if "lost" not in t.lower():
            bad.append(f"overwrite: does not say the earlier {fact['lost']:g} is lost")
        elif not (has_number(lost, fact["lost"]) or any(
                near(x, fact["lost"]) for s in re.split(r"\.(?:\s|$)", t) if "lost" in s.lower()
                for x in numbers_in(s))):
            bad.append(f"overwrite: the lost term {fact['lost']:g} is not given")
    elif alone and mode != "overwrite" and re.search(r"\blost\b", t, re.I):
        bad.append("says something is lost where nothing is")
    return bad


def forward_problems(text, fact):
    """What the narration of a forward step gets wrong: it must name the node and give its
    inputs' values and its own (`d = a * b = 2 x 3 = 6`)."""
    t = plain(text)
    bad = []
    if not t:
        return ["the narration is empty"]
    if re.search(r"#\d", t):
        bad.append("names a node by an internal number (#k)")
    if fact["name"] not in t:
        bad.append(f"does not name {fact['name']!r}")
    found = numbers_in(t)
    if not any(near(x, fact["value"]) for x in found):
        bad.append(f"does not give the value {fact['value']:g} ({found})")
    for name, x in fact["inputs"]:
        if not any(near(y, x) for y in found):
            bad.append(f"does not give the input {name} = {x:g} ({found})")
    return bad


# ---- a lesson widget against its plan, step by step -----------------------------------------

def no_grad(node):
    """A node that has no gradient yet shows 0 (or nothing)."""
    return node["grad"]["value"] in ("0", "", None) and node["grad"]["text"].strip() in ("0", "", "—")


def check_grads(panel, snap, mode, k, where, seeded=True):
    """Every node's grad after k deposits of `mode` (`seeded` False: not even the root's yet)."""
    want = moment(snap, mode, k)["grad"]
    if not seeded:
        want[snap.root] = 0.0
    for node in panel["nodes"]:
        g = want[node["id"]]
        if g == 0.0 and no_grad(node):
            continue
        assert node["grad"]["value"] not in ("", None), f"{where}: node {node['id']} shows no grad, want {g}"
        assert float(node["grad"]["value"]) == g, \
            f"{where}: {mode} panel, {snap.name(node['id'])}.grad shows {node['grad']}, the core has {g}"
        assert fmt_close(node["grad"]["text"], g), (where, node)


def check_data(panel, snap, known, where):
    """Nodes in `known` show their data; the others (forward pass not there yet) show none."""
    for node in panel["nodes"]:
        x = snap.values[node["id"]].data
        if node["id"] in known:
            assert node["data"]["value"] not in ("", None) and float(node["data"]["value"]) == x, \
                f"{where}: {snap.name(node['id'])}.data shows {node['data']}, the core has {x}"
            assert fmt_close(node["data"]["text"], x), (where, node)
        else:
            assert not numbers_in(plain(node["data"]["text"]) if node["data"] else ""), \
                f"{where}: {snap.name(node['id'])} is not computed yet but shows data {node['data']}"


def check_labels(panel, snap, mode, k, where):
    """The numbers written on the edges after k deposits: the newest one as `+= x` (`= x` in
    overwrite), every term a later deposit replaced as `lost x` (class gw-lost), and no other
    label but an edge's latest term."""
    now = moment(snap, mode, k)
    labels = {}
    for label in panel["labels"]:
        assert label["edge"] not in labels, f"{where}: two labels on edge {label['edge']}"
        labels[label["edge"]] = label
    for edge, label in labels.items():
        assert edge in now["terms"], f"{where}: edge {edge} has not deposited but reads {label['text']!r}"
        value = now["terms"][edge]
        text = plain(label["text"])
        shown = [x for x in numbers_in(text) if near(x, value)]
        assert shown, f"{where}: edge {edge} reads {text!r}, its term is {value:g}"
        if label["contrib"] and label["contrib"]["value"]:
            assert float(label["contrib"]["value"]) == value, (where, label)
        if edge in now["lost"]:
            assert label["lost"], f"{where}: edge {edge}'s term {value:g} was overwritten; its label " \
                                  f"{text!r} is not marked lost (gw-lost)"
            assert re.search(r"\blost\b", text), f"{where}: lost label {text!r} does not say 'lost'"
            if value < 0:
                assert re.search(r"-\s*\d", text), \
                    f"{where}: lost {value:g} shows without its minus: {text!r}"
        else:
            assert not label["lost"], f"{where}: edge {edge}'s term {value:g} is marked lost: {text!r}"
            if mode == "overwrite":
                assert re.search(r"(?<!\+)=\s*-?\d", text), f"{where}: overwrite label {text!r} is not '= x'"
            else:
                assert "+=" in text, f"{where}: {mode} label {text!r} is not '+= x'"
    if now["fresh"] is not None:
        assert now["fresh"] in labels, \
            f"{where}: the deposit of edge {now['fresh']} is not written on its edge (labels {labels})"
    for edge in now["lost"]:
        assert edge in labels, f"{where}: the lost term of edge {edge} is not shown on its edge"


def narrations(state, where):
    """{panel index or -1: text}; every narration element is polite and shown."""
    found = state["narration"]
    assert found, f"{where}: no .gw-narration in the widget"
    for n in found:
        assert n["live"] == "polite", f"{where}: narration aria-live={n['live']!r}"
        assert n["shown"], f"{where}: the narration is not visible"
    return found


def check_narration(state, plan, k, where):
    """The narration of step k (0: the start) against the plan's facts, per panel if each
    panel has its own, else one text for all panels (the first panel still playing leads;
    the others must at least say what they lost)."""
    found = narrations(state, where)
    panels = plan["panels"]
    per_panel = len(found) == len(panels) > 1 and all(n["panel"] >= 0 for n in found)
    texts = {n["panel"]: n["text"] for n in found} if per_panel else {-1: " ".join(n["text"] for n in found)}
    snap = plan["snap"]
    F = len(plan["forward"])
    if k == 0:
        for text in texts.values():
            t = plain(text)
            assert t and not re.search(r"#\d", t), f"{where}: start narration {t!r}"
            if not F:
                root = snap.name(snap.root)
                assert re.search(grad_of(root) + r"\s*(?:=|is)\s*1\b", t) and "seed" in t.lower(), \
                    f"{where}: the start does not say {root}.grad = 1 is the seed: {t!r}"
        return
    if k <= F:
        fact = plan["forward"][k - 1]
        for text in texts.values():
            bad = forward_problems(text, fact)
            assert not bad, f"{where}: forward step {k} narration {plain(text)!r}: {bad}"
        return
    kb = k - F
    if per_panel:
        for i, mode in enumerate(panels):
            facts = plan["deposits"][mode]
            if kb <= len(facts):
                bad = narration_problems(texts[i], facts[kb - 1], mode)
                assert not bad, f"{where}: {mode} panel, step {k}: {plain(texts[i])!r}: {bad}"
        return
    text = texts[-1]
    playing = [m for m in panels if kb <= len(plan["deposits"][m])]
    lead, others = playing[0], playing[1:]
    bad = narration_problems(text, plan["deposits"][lead][kb - 1], lead, alone=len(panels) == 1)
    for mode in others:
        fact = plan["deposits"][mode][kb - 1]
        if fact["lost"] is not None and not ("lost" in plain(text).lower() and
                                             any(near(x, fact["lost"]) for x in numbers_in(plain(text)))):
            bad.append(f"does not say that the {mode} panel lost {fact['lost']:g}")
    assert not bad, f"{where}: step {k} ({lead} leads): {plain(text)!r}: {bad}"


def check_step(widget, plan, k, where):
    """Everything the widget shows at step k of `plan` (reference.lesson_plan)."""
    state = read_lesson(widget)
    assert state["state"] == "drawn", f"{where}: data-state {state['state']}"
    shown_k, n = step_of(state["status"])
    assert (shown_k, n) == (k, plan["length"]), \
        f"{where}: status {state['status']!r}, want step {k} / {plan['length']}"
    assert not re.search(r"#\d", state["status"]), \
        f"{where}: the status names a node by number: {state['status']!r}"
    F = len(plan["forward"])
    if F and k:
        assert ("forward" in state["status"].lower()) == (k <= F), \
            f"{where}: status {state['status']!r} at step {k} (forward steps 1..{F})"
    snap = plan["snap"]
    assert len(state["panels"]) == len(plan["panels"]), f"{where}: {len(state['panels'])} panels"
    leaves = {i for i, v in enumerate(snap.values) if not v.children}
    known = leaves | {f["node"] for f in plan["forward"][:k]} if k < F else set(range(len(snap)))
    for panel, mode in zip(state["panels"], plan["panels"], strict=True):
        kb = min(max(0, k - F), len(plan["deposits"][mode]))
        check_data(panel, snap, known, f"{where} [{mode}]")
        if k >= F:
            # The seed may appear with the last forward step or with the first backward one.
            seeded = k > F or F == 0 or not no_grad(next(n for n in panel["nodes"] if n["id"] == snap.root))
            check_grads(panel, snap, mode, kb, f"{where} [{mode}]", seeded)
            check_labels(panel, snap, mode, kb, f"{where} [{mode}]")
    check_narration(state, plan, k, where)
    return state


def walk(widget, plan, where, k0=0):
    """From step k0 (where the widget is), "Step forward" to the end, checking each step;
    then past the end, back one step, Reset and End."""
    n = plan["length"]
    check_step(widget, plan, k0, f"{where} at the start")
    forward = button(widget, "Step forward")
    for k in range(k0 + 1, n + 1):
        forward.click()
        check_step(widget, plan, k, f"{where} step {k}")
    forward.click()
    check_step(widget, plan, n, f"{where} Step forward at the end")
    button(widget, "Step back").click()
    check_step(widget, plan, n - 1, f"{where} Step back")
    button(widget, "Reset").click()
    check_step(widget, plan, 0, f"{where} Reset")
    button(widget, "End").click()
    check_step(widget, plan, n, f"{where} End")
