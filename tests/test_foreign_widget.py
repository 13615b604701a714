"""GraphWidget, draw_dot and check() on a student's own Value class (gradwidget.foreign).

The payload of a foreign root: the structure drawn from their objects, their data and
grads, the chain rule computed by gradwidget ("accumulate") beside their own backward()
observed ("observed"), and values.findings; their objects are never left changed.
"""

import json
import pathlib

import pytest
import traitlets
from student_values import BuggyValue, FailingExp, FixedValue, NoBackward, TupleValue

import gradwidget
from gradwidget import GraphWidget, Value, draw_dot, foreign, graph
from gradwidget.widget import NOT_FOREIGN, PANELS


def a_plus_a(cls):
    a = cls(3.0, label="a")
    b = a + a
    b.label = "b"
    return b, a


def lecture(cls):
    """micrograd's lecture graph: L = (a*b + c) * f."""
    a, b, c, f = cls(2.0, label="a"), cls(-3.0, label="b"), cls(10.0, label="c"), cls(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def diamond(cls):
    a, b, c = cls(2.0, label="a"), cls(3.0, label="b"), cls(4.0, label="c")
    L = (a * b + c) * (a - c)
    L.label = "L"
    return L


def state(root):
    """Every attribute of every object of their graph (to compare before and after)."""
    return [(id(o), dict(vars(o))) for o in foreign.topo(root)]


# --- the payload ----------------------------------------------------------------------------

def test_a_foreign_root_is_drawn_from_their_objects_with_their_numbers():
    b, a = a_plus_a(BuggyValue)
    a.grad, b.grad = 0.5, 7.0                      # whatever their objects hold
    w = GraphWidget(b)
    s, v = w.structure, w.values
    assert [(n["label"], n["op"]) for n in s["nodes"]] == [("a", ""), ("b", "+")]
    assert s["edges"] == [{"id": 0, "src": 0, "dst": 1, "slot": 0}]   # one edge per distinct input
    assert s["root"] == 1
    assert v["key"] == s["key"] and v["data"] == [3.0, 6.0] and v["local"] == [2.0]
    assert v["foreign"] == "BuggyValue" and v["stale"] is None and v["error"] is None
    assert set(v["replays"]) == set(PANELS)
    snap = foreign.snapshot(b)
    assert v["replays"]["observed"] == foreign.replay(snap).to_json()
    assert v["replays"]["accumulate"] == graph.replay(snap, "accumulate").to_json()
    assert v["replays"]["observed"]["grad"] == [1.0, 1.0]       # their a.grad: the bug
    assert v["replays"]["accumulate"]["grad"] == [2.0, 1.0]     # the chain rule
    for bug in ("overwrite", "eager"):
        assert v["replays"][bug]["steps"] == [] and "your own BuggyValue class" in v["replays"][bug]["error"]
    assert (a.grad, b.grad) == (0.5, 7.0)


def test_the_default_view_of_a_foreign_root_compares_their_backward_with_the_chain_rule():
    b, _ = a_plus_a(FixedValue)
    assert GraphWidget(b).mode == "compare-observed"
    assert GraphWidget(b, mode="observed").mode == "observed"
    assert GraphWidget(Value(1.0)).mode == "accumulate"
    with pytest.raises(traitlets.TraitError):
        GraphWidget(b, mode="yours")


def test_findings_are_the_sentences_of_check():
    b, _ = a_plus_a(BuggyValue)
    findings = GraphWidget(b).values["findings"]
    assert findings == [str(f) for f in foreign.check(b)] == [str(f) for f in gradwidget.check(b)]
    assert "`+` assigns `self.grad = ...`" in findings[0] and "use `+=`" in findings[0]
    assert any("`a.grad` is 1 but the chain rule gives 2" in f for f in findings)
    # The lecture's tree: no number is wrong, the probe still names `+` and `*`.
    lf = GraphWidget(lecture(BuggyValue)).values["findings"]
    assert [f for f in lf if "assigns" in f] == [str(f) for f in foreign.check(lecture(BuggyValue))][:2]
    assert any("`+`" in f for f in lf) and any("`*`" in f for f in lf)


@pytest.mark.parametrize("make", [a_plus_a, lecture, diamond], ids=["a+a", "lecture", "diamond"])
def test_the_fixed_class_has_no_findings_and_its_backward_is_the_chain_rule(make):
    root = make(FixedValue)
    root = root[0] if isinstance(root, tuple) else root
    v = GraphWidget(root).values
    assert v["findings"] == [] and gradwidget.check(root) == []
    assert v["replays"]["observed"]["grad"] == pytest.approx(v["replays"]["accumulate"]["grad"])
    root.backward()                                # their own backward, for real
    ids = {id(n.obj): i for i, n in enumerate(foreign.snapshot(root).values)}
    for obj in foreign.topo(root):
        assert v["replays"]["observed"]["grad"][ids[id(obj)]] == obj.grad


def test_gradwidget_values_have_no_findings_and_say_why_observed_does_not_apply():
    a = Value(3.0, "a")
    w = GraphWidget(a + a, mode="observed")
    assert w.values["findings"] == [] and w.values["foreign"] is None
    assert w.values["replays"]["observed"] == {"steps": [], "grad": [], "error": NOT_FOREIGN}
    assert gradwidget.check(a + a) == []


def test_the_observed_replay_is_their_own_order_one_step_per_node():
    L = diamond(TupleValue)
    rep = GraphWidget(L).values["replays"]["observed"]
    snap = foreign.snapshot(L)
    fired = [s["node"] for s in rep["steps"]]
    assert fired == [i for i in range(len(snap) - 1, -1, -1) if snap.inputs[i]]   # their topo, reversed
    assert rep == foreign.replay(L).to_json()


def test_a_backward_that_raises_is_a_finding_and_the_graph_is_still_shown():
    x = FailingExp(1.0, label="x")
    y = x.exp()
    y.label = "y"
    L = y * x
    before = state(L)
    w = GraphWidget(L)
    v = w.values
    assert len(w.structure["nodes"]) == 3 and v["error"] is None
    raised = "the _backward of `exp` at `y` (FixedValue) raised AttributeError"
    assert v["findings"] and raised in v["findings"][0]
    assert v["replays"]["observed"]["steps"] == []
    assert v["replays"]["observed"]["error"].startswith("your backward() could not be played: " + raised)
    assert v["replays"]["accumulate"]["steps"]            # the chain rule plays all the same
    assert state(L) == before


# --- their objects are left as they were --------------------------------------------------

@pytest.mark.parametrize("cls", [BuggyValue, FixedValue, TupleValue])
def test_their_objects_are_unchanged_by_constructing_and_refreshing(cls):
    L = diamond(cls)
    for i, obj in enumerate(foreign.topo(L)):
        obj.grad = 0.25 * i                        # any grads: from a backward, or none
    before = state(L)
    w = GraphWidget(L)
    assert state(L) == before
    w.refresh()
    assert state(L) == before
    w.mode = "observed"
    w.max_nodes = 3                                # a summary: still read, never written
    assert "summary" in w.structure and w.values["findings"] == GraphWidget(L).values["findings"]
    assert state(L) == before
    draw_dot(L)
    gradwidget.check(L)
    assert state(L) == before


def test_refresh_rereads_their_objects():
    b, a = a_plus_a(FixedValue)
    w = GraphWidget(b)
    key = w.structure["key"]
    a.data = 5.0                                   # their forward pass, done by hand
    b.data = 10.0
    w.refresh()
    assert w.structure["key"] == key               # same shape: no relayout
    assert w.values["data"] == [5.0, 10.0]
    c = FixedValue(1.0, label="c")
    d = b * c
    d.label = "d"
    w.refresh(d)                                   # another graph of theirs
    assert [n["label"] for n in w.structure["nodes"]][-1] == "d"
    assert w.root is d


# --- what cannot be done with their class -----------------------------------------------

def test_sliders_and_interact_are_refused_for_a_foreign_root():
    b, _ = a_plus_a(FixedValue)
    refused = "sliders need gradwidget Values: a graph of your own FixedValue class"
    with pytest.raises(TypeError, match=refused):
        GraphWidget(b, sliders={"a": (-3, 3)})

    def f(x=1.0):
        u = FixedValue(x, label="x")
        return u * u

    with pytest.raises(TypeError, match=r"must return a Value \(gradwidget's: a class of your own"):
        gradwidget.interact(f, x=(-2.0, 2.0))
    w = GraphWidget(Value(1.0, "x") * 2, sliders={"x": (-1, 1)})
    with pytest.raises(TypeError, match="this widget's sliders need gradwidget Values"):
        w.refresh(b)
    assert w.values["foreign"] is None


def test_a_class_lacking_attributes_is_named_by_graphwidget_draw_dot_and_check():
    n = NoBackward(1.0, label="n")
    lacks = "NoBackward is not a micrograd-shaped value: it has no _op, _backward"
    for call, head in ((GraphWidget, "GraphWidget needs a Value"), (draw_dot, "draw_dot needs a Value"),
                       (gradwidget.check, "check needs a Value")):
        with pytest.raises(TypeError, match=head) as e:
            call(n + n)
        assert lacks in str(e.value)
    with pytest.raises(TypeError, match=r"GraphWidget needs a Value.*float is not a micrograd-shaped value"):
        GraphWidget(3.0)


# --- draw_dot ---------------------------------------------------------------------------

def test_draw_dot_draws_their_labels_data_and_grads():
    b, _ = a_plus_a(BuggyValue)
    b.backward()                                   # their buggy backward: a.grad 1
    src = draw_dot(b).source
    assert "{ a | data 3.0000 | grad 1.0000 }" in src and "{ b | data 6.0000 | grad 1.0000 }" in src
    assert src.count("-> \"1op\"") == 1            # one edge per distinct input, as micrograd


def test_draw_dot_and_the_widget_on_micrograd_itself():
    micrograd = pytest.importorskip("micrograd.engine", reason="pip install micrograd==0.1.0")
    x = micrograd.Value(2.0)
    y = x * x + x
    before = state(y)
    src = draw_dot(y).source
    assert "data 6.0000" in src and "data 4.0000" in src and src.count("shape=record") == 3
    w = GraphWidget(y)
    assert state(y) == before
    v = w.values
    assert v["findings"] == [] and v["foreign"] == "Value" and len(w.structure["nodes"]) == 3
    ids = {id(n.obj): i for i, n in enumerate(foreign.snapshot(y).values)}
    rep = v["replays"]
    assert rep["observed"]["grad"][ids[id(x)]] == 5.0 == rep["accumulate"]["grad"][ids[id(x)]]
    y.backward()                                   # micrograd's own backward agrees
    assert x.grad == 5.0
    assert "grad 5.0000" in draw_dot(y).source


def test_the_mode_switch_offers_the_views_that_apply():
    """values.views: a hand-written class gets the chain rule and its own backward, never
    the bugs gradwidget stages on its Values; gradwidget's Values never 'observed'."""
    b, _ = a_plus_a(BuggyValue)
    theirs = GraphWidget(b).values["views"]
    assert theirs == ["accumulate", "observed", "compare-observed"]
    a = Value(3.0, label="a")
    ours = GraphWidget(a + a).values["views"]
    assert "observed" not in ours and "compare-observed" not in ours
    assert {"accumulate", "overwrite", "compare", "eager", "compare-eager"} <= set(ours)
    modes = pathlib.Path(gradwidget.__file__).with_name("modes.json")
    assert set(theirs) | set(ours) == set(json.loads(modes.read_text())["views"])
