"""The lesson layer's Python side: the eager views and their bounded replay, the local
derivative of every edge (`values.local`), and the traits `start`, `forward`, `scale`."""

import json
import math
import pathlib

import pytest
import traitlets
from test_seeds import diamond

from gradwidget import Value, interact
from gradwidget.graph import replay, snapshot
from gradwidget.widget import EAGER_MAX_STEPS, MAX_NODES, GraphWidget

MODES = json.loads((pathlib.Path(__file__).parents[1] / "gradwidget" / "modes.json").read_text())


def reused_inner():
    """a = 1; b = a + a; c = b + b: the inner node b is used twice (micrograd's issue 2)."""
    a = Value(1.0, "a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    return c, b, a


def doublings(n):
    """x = x + x, n times: 2**n paths from the root to the leaf."""
    x = Value(1.0, "x")
    for _ in range(n):
        x = x + x
    return x


def from_page(w, state):
    w._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


def sent(widget):
    out = []
    send = widget.comm.send
    widget.comm.send = lambda data=None, buffers=None, **kw: (out.append(data), send(data, buffers, **kw))
    return out


# --- the eager views ------------------------------------------------------------------------

def test_the_eager_views_follow_the_three_views_in_order():
    views = MODES["views"]
    assert list(views) == ["accumulate", "overwrite", "compare", "eager", "compare-eager",
                           "observed", "compare-observed"]
    assert views["eager"] == {"label": "eager (recursion bug)", "panels": ["eager"]}
    assert views["compare-eager"] == {"label": "compare eager", "panels": ["accumulate", "eager"]}
    assert set(views["eager"]["panels"]) <= set(MODES["replays"])
    assert GraphWidget.class_traits()["mode"].values == tuple(views)


def test_the_eager_view_overcounts_a_reused_inner_node():
    c, b, a = reused_inner()
    w = GraphWidget(c, mode="eager")
    ids = {n["label"]: n["id"] for n in w.structure["nodes"]}
    replays = w.values["replays"]
    assert set(replays) == {"accumulate", "overwrite", "eager", "observed"}
    assert replays["observed"]["error"].startswith("this graph is made of gradwidget Values")

    c.backward()                                   # the engine's own (correct) pass
    assert replays["accumulate"]["grad"][ids["a"]] == a.grad

    # By hand, eager: c passes 1 into b twice, and b fires on each arrival, passing its
    # whole grad so far (1, then 1 + 1) to a through both of its edges.
    b_each_time = [1.0, 1.0 + 1.0]
    eager_a = sum(2 * g for g in b_each_time)
    eager = replays["eager"]
    assert eager["grad"][ids["a"]] == eager_a != a.grad
    assert eager["grad"][ids["b"]] == b_each_time[-1] == b.grad
    assert "error" not in eager
    fired = [s["node"] for s in eager["steps"]]
    assert fired == [ids["c"], ids["b"], ids["b"], ids["c"], ids["b"], ids["b"]]
    assert all(len(s["deposits"]) == 1 for s in eager["steps"])   # one deposit per step


def test_an_eager_replay_above_the_cap_is_an_error_entry_and_the_rest_is_shown():
    root = doublings(20)                           # 2**21 - 2 eager steps
    w = GraphWidget(root, mode="compare-eager")
    v = w.values
    assert v["error"] is None and len(w.structure["nodes"]) == 21
    eager = v["replays"]["eager"]
    assert eager["steps"] == [] and eager["grad"] == []
    assert f"more than {EAGER_MAX_STEPS:,} steps" in eager["error"]
    assert "a = 1; b = a + a; c = b + b" in eager["error"]
    for mode in ("accumulate", "overwrite"):
        assert "error" not in v["replays"][mode]
        assert v["replays"][mode]["grad"] == replay(root, mode).grad
    root.backward()
    assert v["replays"]["accumulate"]["grad"][0] == root.topo()[0].grad == 2.0 ** 20
    json.dumps(v, allow_nan=False)


def test_the_cap_is_exactly_eager_max_steps():
    def tanh_chain(n):                             # no reuse: one eager step per node
        y = Value(0.1, "x")
        for _ in range(n):
            y = y.tanh()
        return y

    fits = GraphWidget(tanh_chain(EAGER_MAX_STEPS), max_nodes=MAX_NODES)
    assert len(fits.values["replays"]["eager"]["steps"]) == EAGER_MAX_STEPS
    over = GraphWidget(tanh_chain(EAGER_MAX_STEPS + 1), max_nodes=MAX_NODES)
    assert over.values["replays"]["eager"]["steps"] == [] and over.values["replays"]["eager"]["error"]


def test_an_eager_replay_that_overflows_does_not_hide_the_correct_one():
    root = doublings(3) * Value(1e307, "k")       # a.grad 8e307 fits; eager counts more
    with pytest.raises(FloatingPointError):
        replay(root, "eager")
    w = GraphWidget(root, mode="compare-eager")
    replays = w.values["replays"]
    assert replays["eager"]["steps"] == [] and "overflowed" in replays["eager"]["error"]
    assert replays["accumulate"]["grad"] == replay(root).grad and w.values["error"] is None


# --- values.local -----------------------------------------------------------------------------

# Each op as plain floats, independent of the engine: the finite differences come from these.
REFERENCE = {
    "+": lambda x, y: x + y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
    "tanh": math.tanh,
    "**2": lambda x: x ** 2,
    "exp": math.exp,
    "log": math.log,
}


def mixed():
    a, b, c = Value(0.7, "a"), Value(-1.3, "b"), Value(2.1, "c")
    d = a * b + c                                  # *, +
    e = (d.tanh() + a * a) / c                     # tanh, a used twice by one *, /
    f = (e ** 2).exp() + (c * c).log()             # **2, exp, log
    return f


def test_values_local_is_each_edges_finite_difference():
    root = mixed()
    w = GraphWidget(root)
    nodes, edges = w.structure["nodes"], w.structure["edges"]
    data, local = w.values["data"], w.values["local"]
    assert {n["op"] for n in nodes} - {""} == set(REFERENCE)        # every op is checked
    assert len(local) == len(edges) and all(type(x) is float for x in local)
    inputs = {n["id"]: sorted((e for e in edges if e["dst"] == n["id"]), key=lambda e: e["slot"])
              for n in nodes}
    h = 1e-6
    for edge in edges:
        f = REFERENCE[nodes[edge["dst"]]["op"]]
        args = [data[e["src"]] for e in inputs[edge["dst"]]]
        hi, lo = list(args), list(args)
        hi[edge["slot"]] += h                      # only this argument moves
        lo[edge["slot"]] -= h
        assert f(*args) == pytest.approx(data[edge["dst"]], rel=1e-12)
        slope = (f(*hi) - f(*lo)) / (2 * h)
        assert local[edge["id"]] == pytest.approx(slope, rel=1e-6, abs=1e-8), edge
    assert local == [float(x) for x in snapshot(root).local]


def test_a_summary_sends_no_local_derivatives():
    w = GraphWidget(doublings(30), max_nodes=10)
    assert w.structure["summary"] and w.values["local"] == [] and w.values["replays"] == {}


# --- start, forward, scale ----------------------------------------------------------------------

def test_the_lesson_traits_default_and_sync():
    w = GraphWidget(diamond()[0])
    assert (w.start, w.forward, w.scale) == ("begin", False, 1.0)
    for name in ("start", "forward", "scale"):
        assert w.trait_metadata(name, "sync") is True
    w = GraphWidget(diamond()[0], start="end", forward=True, scale=1.5)
    assert (w.start, w.forward, w.scale) == ("end", True, 1.5)
    assert {"start": "end", "forward": True, "scale": 1.5}.items() <= w.get_state().items()


@pytest.mark.parametrize("scale", [0.4, 3.1, math.nan, math.inf, True, "1.5", None])
def test_a_bad_scale_is_refused_naming_the_range(scale):
    with pytest.raises(traitlets.TraitError, match=r"scale must be a finite number from 0\.5 to 3"):
        GraphWidget(diamond()[0], scale=scale)
    w = GraphWidget(diamond()[0], scale=2)
    with pytest.raises(traitlets.TraitError, match=r"from 0\.5 to 3"):
        w.scale = scale
    assert w.scale == 2.0


@pytest.mark.parametrize("scale", [0.5, 3, 1, 2.25])
def test_scale_at_and_inside_the_bounds_is_accepted(scale):
    w = GraphWidget(diamond()[0], scale=scale)
    assert w.scale == scale and type(w.scale) is float


def test_start_and_forward_are_checked():
    with pytest.raises(traitlets.TraitError, match="start"):
        GraphWidget(diamond()[0], start="middle")
    with pytest.raises(traitlets.TraitError, match="forward"):
        GraphWidget(diamond()[0], forward="yes")


def test_the_page_may_set_scale_and_an_eager_mode():
    w = GraphWidget(diamond()[0])
    from_page(w, {"scale": 2.5, "mode": "compare-eager"})
    assert w.scale == 2.5 and w.mode == "compare-eager" and w.values["error"] is None


@pytest.mark.parametrize("scale", [0.4, 3.1, math.nan, True, "2", None, [1]])
def test_a_bad_scale_from_the_page_is_refused(scale):
    w = GraphWidget(diamond()[0], scale=1.5)
    messages = sent(w)
    w.set_state({"scale": scale})
    assert w.scale == 1.5 and "scale must be a finite number from 0.5 to 3" in w.values["error"]
    assert messages[0]["state"]["scale"] == 1.5                # the page is put back


@pytest.mark.parametrize("key, value", [("start", "end"), ("forward", True)])
def test_the_page_cannot_set_start_or_forward(key, value):
    w = GraphWidget(diamond()[0])
    before = getattr(w, key)
    messages = sent(w)
    from_page(w, {key: value, "scale": 2})
    assert getattr(w, key) == before != value
    assert f"the page cannot set {key!r}" in w.values["error"]
    back = [m["state"][key] for m in messages if m["method"] == "update" and key in m["state"]]
    assert back == [before]                                     # the page is put back
    assert w.scale == 2.0                                       # the valid key still applies


# --- interact ------------------------------------------------------------------------------------

def test_interact_starts_at_the_end_and_passes_the_widget_options():
    def f(x=1.0):
        return Value(x, "x") * Value(2.0, "k")

    w = interact(f, x=(-1.0, 2.0))
    assert (w.start, w.mode, w.forward, w.scale) == ("end", "accumulate", False, 1.0)
    w = interact(f, x=(-1.0, 2.0), mode="compare-eager", start="begin", forward=True, scale=1.5)
    assert (w.start, w.mode, w.forward, w.scale) == ("begin", "compare-eager", True, 1.5)
    assert [s["name"] for s in w.sliders] == ["x"]
    with pytest.raises(traitlets.TraitError, match="scale"):
        interact(f, x=(-1.0, 2.0), scale=5)


def test_interact_keeps_a_slider_named_like_an_option():
    def f(x=1.0, scale=2.0):
        return Value(x, "x") * Value(scale, "scale")

    w = interact(f, x=(-1.0, 2.0), scale=(0.0, 4.0))
    assert [s["name"] for s in w.sliders] == ["x", "scale"] and w.scale == 1.0
    assert w.values["data"][-1] == 2.0


def test_the_eager_step_count_is_known_before_the_replay_runs():
    # What bounds the cost of an eager replay far above the cap: its exact length, counted
    # over the edges, so the replay is refused before any step is taken.
    from gradwidget.graph import _eager_steps

    graphs = [reused_inner()[0], mixed(), diamond()[0], doublings(6), Value(1.0) * 2, Value(3.0)]
    for root in graphs:
        snap = snapshot(root)
        n = len(replay(snap, "eager").steps)
        assert _eager_steps(snap, 10**6) == n
        assert _eager_steps(snap, n) == n and (n == 0 or _eager_steps(snap, n - 1) == n)
    assert _eager_steps(snapshot(doublings(200)), EAGER_MAX_STEPS) == EAGER_MAX_STEPS + 1
