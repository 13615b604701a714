"""GraphWidget's Python side: the payloads it sends, refresh without re-evaluation,
what does or does not relayout, and what the page may (not) write."""

import json
import math
import pathlib
import sys

import pytest
import traitlets
from test_seeds import diamond

from gradwidget import Value
from gradwidget.widget import MAX_NODES, GraphWidget, layout_engine

MODES = json.loads((pathlib.Path(__file__).parents[1] / "gradwidget" / "modes.json").read_text())


def changes(widget, name):
    seen = []
    widget.observe(lambda c: seen.append(c["new"]), names=name)
    return seen


def sent(widget):
    """The comm messages the widget sends from now on (what the page would receive)."""
    out = []
    send = widget.comm.send
    widget.comm.send = lambda data=None, buffers=None, **kw: (out.append(data), send(data, buffers, **kw))
    return out


def state(root):
    """Everything a failure must leave as it was: data, local derivatives, grad of every node."""
    return [(v, v.data, v.local_grads, v.grad) for v in root.topo()]


def test_payloads_follow_the_protocol():
    L, a, b, c = diamond()
    w = GraphWidget(L)
    s, v = w.structure, w.values
    assert [n["label"] for n in s["nodes"]] == ["a", "b", "", "c", "", "", ""]
    assert [n["op"] for n in s["nodes"]] == ["", "", "*", "", "+", "-", "*"]
    assert s["root"] == 6 and len(s["edges"]) == 8
    assert v["data"] == [2.0, 3.0, 6.0, 4.0, 10.0, -2.0, -20.0]
    assert v["key"] == s["key"] and v["stale"] is None and v["error"] is None and v["seq"] is None
    acc, bug = v["replays"]["accumulate"], v["replays"]["overwrite"]
    assert [acc["grad"][i] for i in (0, 1, 3)] == [4.0, -4.0, -12.0]
    assert [bug["grad"][i] for i in (0, 1, 3)] == [-6.0, -4.0, -2.0]
    assert acc["steps"][0] == {"node": 6, "deposits": [{"edge": 6, "value": -2.0, "total": -2.0},
                                                        {"edge": 7, "value": 10.0, "total": 10.0}]}
    json.dumps([s, v], allow_nan=False)              # plain JSON: no NaN can reach the page
    assert all(x == 0.0 for x in (a.grad, b.grad, c.grad))   # replay left the grads alone


def test_modes_come_from_modes_json_and_only_the_needed_replays_are_sent():
    L = diamond()[0]
    assert GraphWidget.class_traits()["mode"].values == tuple(MODES["views"])
    needed = {p for view in MODES["views"].values() for p in view["panels"]}
    assert set(GraphWidget(L).values["replays"]) == needed
    assert needed <= set(MODES["replays"]) and "eager" in needed
    assert GraphWidget(L).mode == "accumulate"
    assert GraphWidget(L, mode="compare").mode == "compare"
    with pytest.raises(traitlets.TraitError, match="mode"):
        GraphWidget(L, mode="sum")


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="GraphWidget needs a Value"):
        GraphWidget(3.0)


# --- refresh reads the graph, never re-evaluates it -------------------------------------------

def test_refresh_shows_what_the_graph_holds_and_says_it_is_stale():
    a = Value(3.0, "a")
    b = a * a + a
    b.label = "b"
    w = GraphWidget(b)
    before = w.values["data"]
    assert before == [3.0, 9.0, 12.0]
    a.data = 5
    w.refresh()
    assert b.data == 12.0                              # refresh did not run forward()
    assert w.values["data"] == [5.0, 9.0, 12.0]        # what the graph holds
    assert w.values["stale"] == "a.data changed since the last forward(): call b.forward() to recompute"
    b.forward()
    w.refresh()
    assert w.values["stale"] is None and w.values["data"] == [5.0, 25.0, 30.0]
    assert w.values["replays"]["accumulate"]["grad"][0] == 11.0


def test_stale_names_every_changed_leaf_and_an_unlabelled_root():
    L, a, _b, c = diamond()
    L.label = ""
    w = GraphWidget(L)
    a.data, c.data = 1.0, 0.0
    w.refresh()
    stale = w.values["stale"]
    assert stale.startswith("a.data, c.data changed since the last forward()")
    assert "b.data" not in stale and "call forward() on the output (" in stale
    c.data = 4.0                                      # back: only a differs now
    w.refresh()
    assert w.values["stale"].startswith("a.data changed since the last forward()")


def test_refresh_after_forward_sends_values_only():
    L, a, _b, _c = diamond()
    w = GraphWidget(L)
    shape, numbers = changes(w, "structure"), changes(w, "values")
    a.data = 1.0
    L.forward()
    w.refresh()
    assert shape == [] and len(numbers) == 1
    assert w.values["data"][-1] == (1 * 3 + 4) * (1 - 4)
    assert w.values["replays"]["accumulate"]["grad"][0] == 3 * (1 - 4) + (1 * 3 + 4)


def test_a_shown_graph_does_not_change_what_backward_does():
    def run(with_widget):
        x = Value(2.0, "x")
        y = x.log()
        y.label = "y"
        if with_widget:
            w = GraphWidget(y)
            numbers = changes(w, "values")
        x.data = -1
        y.backward()                                   # the stale graph's backward, as held
        result = (x.grad, y.grad, x.data, y.data)
        if with_widget:
            assert numbers == []                       # backward() never calls the widget
        return result

    assert run(True) == run(False) == (0.5, 1.0, -1, math.log(2.0))


def test_backward_on_the_shown_root_sends_nothing(monkeypatch):
    L, a, _b, _c = diamond()
    w = GraphWidget(L)
    calls = []
    monkeypatch.setattr(GraphWidget, "refresh", lambda self, root=None: calls.append(root))
    messages = sent(w)
    a.data = 0.5
    L.backward()
    assert calls == [] and messages == []
    assert w.values["data"][0] == 2.0                  # the page keeps what it was sent


def test_refresh_of_a_graph_that_cannot_be_shown_keeps_everything_and_says_why():
    x = Value(2.0, "x")
    y = x.log() * 3
    w = GraphWidget(y)
    values = dict(w.values)
    for bad in (float("nan"), float("inf"), "2", True):
        x.data = bad
        held = state(y)
        with pytest.raises(ValueError, match=r"x\.data is .*not a finite number"):
            w.refresh()
        assert state(y) == held
        assert w.values["data"] == values["data"] and w.values["key"] == values["key"]
        assert "x.data is" in w.values["error"]


def test_refresh_whose_replay_overflows_keeps_everything_and_says_why():
    a, c = Value(1e-300, "a"), Value(1.0, "c")
    m = a * c
    t = m * c
    t.label = "t"
    w = GraphWidget(t)
    data = w.values["data"]
    c.data = 1e200
    t.forward()                                        # fine: t = 1e100
    held = state(t)
    with pytest.raises(FloatingPointError, match="overflowed"):
        w.refresh()                                    # but d t / d a = 1e400
    assert state(t) == held
    assert w.values["data"] == data and "overflowed" in w.values["error"]
    c.data = 1.0
    t.forward()
    w.refresh()
    assert w.values["error"] is None


def test_an_unlabelled_leaf_is_named_by_its_number():
    x = Value(2.0)
    y = (x * 3).log()
    y.label = "y"
    w = GraphWidget(y)
    x.data = -1.0
    w.refresh()
    assert w.values["stale"] == ("an unlabelled leaf (now -1) changed since the last forward(): "
                                 "call y.forward() to recompute")


def test_a_stale_graph_that_forward_cannot_evaluate_is_shown_stale():
    x = Value(2.0, "x")
    y = x.log()
    y.label = "y"
    w = GraphWidget(y)
    x.data = -1.0
    w.refresh()
    assert w.values["data"] == [-1.0, math.log(2.0)]
    assert w.values["stale"] == "x.data changed since the last forward(): call y.forward() to recompute"


# --- structure, key, summary --------------------------------------------------------------

def test_a_new_root_with_the_same_shape_keeps_the_layout():
    w = GraphWidget(diamond(2, 3, 4)[0])
    shape = changes(w, "structure")
    w.refresh(diamond(5, 6, 7)[0])
    assert shape == [] and w.values["data"][0] == 5.0
    assert w.values["key"] == w.structure["key"]
    w.root = diamond()[0] * 2                          # a different shape relays out
    assert len(shape) == 1 and w.values["key"] == w.structure["key"]


def test_the_structure_and_its_values_go_out_in_one_message():
    w = GraphWidget(diamond()[0])
    messages = sent(w)
    w.refresh(diamond()[0] * 2)
    assert len(messages) == 1 and {"structure", "values"} <= set(messages[0]["state"])
    assert messages[0]["state"]["values"]["key"] == messages[0]["state"]["structure"]["key"]


def chain(n, op):
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = (y * x if op == "*" else y + x)
    return y


def test_a_graph_above_max_nodes_is_summarised_not_sent():
    x = Value(0.5, "x")
    y = x
    for _ in range(100):
        y = y * x + x
    w = GraphWidget(y, max_nodes=50)
    assert w.structure["nodes"] == [] and w.values["data"] == [] and w.values["replays"] == {}
    assert w.values["key"] == w.structure["key"]
    summary = w.structure["summary"]
    assert summary["nodes"] == len(y.topo()) and summary["ops"] == {"*": 100, "+": 100}
    assert summary["leaves"] == 1 and summary["multi"] == 1 and summary["edges"] == 400
    w.max_nodes = summary["nodes"]                     # what "Draw anyway" does
    assert len(w.structure["nodes"]) == summary["nodes"]
    assert w.values["key"] == w.structure["key"]


def test_a_new_summary_with_the_same_counts_shows_its_own_ops():
    products, sums = chain(60, "*"), chain(60, "+")
    w = GraphWidget(products, max_nodes=10)
    assert w.structure["summary"]["ops"] == {"*": 60}
    w.refresh(sums)                                    # same node and edge counts
    assert w.structure["summary"]["ops"] == {"+": 60}
    assert w.values["key"] == w.structure["key"]


def test_refreshing_a_summary_walks_the_graph_once(monkeypatch):
    from gradwidget import widget
    y = chain(300, "*")
    w = GraphWidget(y, max_nodes=100)
    walks = []
    topo = Value.topo
    monkeypatch.setattr(Value, "topo", lambda self: walks.append(self) or topo(self))
    monkeypatch.setattr(widget, "snapshot", lambda root: pytest.fail("a summary needs no snapshot"))
    monkeypatch.setattr(widget, "replay", lambda *a: pytest.fail("a summary needs no replay"))
    w.refresh()
    assert walks == [y]


def test_all_widgets_share_one_layout_engine():
    w1, w2 = GraphWidget(diamond()[0]), GraphWidget(Value(1.0) * 2)
    assert w1._engine is w2._engine is layout_engine()
    assert len(w1._engine._worker) > 100_000          # Graphviz travels once, in the engine
    assert len(w1._engine._view) > 20_000             # the view travels once, in the engine too
    assert len(str(GraphWidget._esm)) < 5_000         # each widget: a loader


def test_a_closed_layout_engine_is_made_again():
    w1 = GraphWidget(diamond()[0])
    w1._engine.close()                                # the kernel's engine went away
    w2 = GraphWidget(diamond()[0])
    assert w2._engine is not w1._engine and w2._engine.comm is not None


def test_in_marimo_each_session_and_cell_has_its_own_layout_engine(monkeypatch):
    """marimo: sessions of `marimo run` are threads of one process (a model of one never
    reaches another's page), and a re-run cell's comms are closed with `comm` left set."""
    import types

    class Context:
        def __init__(self, cell):
            self.execution_context = types.SimpleNamespace(cell_id=cell)

    now = {"ctx": None}
    fake = types.ModuleType("marimo._runtime.context")
    fake.get_context = lambda: now["ctx"]
    monkeypatch.setitem(sys.modules, "marimo._runtime.context", fake)
    session1_cell1, session1_cell2, session2_cell1 = Context("c1"), Context("c2"), Context("c1")

    def engine_in(ctx):
        now["ctx"] = ctx
        return GraphWidget(Value(1.0) * 2)._engine

    first = engine_in(session1_cell1)
    assert engine_in(session1_cell1) is first         # one per cell run: shared by its widgets
    assert engine_in(session1_cell2) is not first     # another cell
    assert engine_in(session2_cell1) is not first     # another session
    first.comm._closed = True                         # marimo closed the cell's comms on a re-run
    again = engine_in(session1_cell1)
    assert again is not first and not getattr(again.comm, "_closed", False)

    def outside():
        raise RuntimeError("no context")               # marimo imported, but not in a cell run
    fake.get_context = outside
    assert GraphWidget(Value(1.0))._engine is layout_engine()


# --- what the page may write ----------------------------------------------------------------

def from_page(w, state):
    """A state update from the page, through ipywidgets' own comm message handler."""
    w._handle_msg({"content": {"data": {"method": "update", "state": state}}, "buffers": []})


@pytest.mark.parametrize("key, value", [
    ("structure", {"key": "x", "root": 0, "nodes": [], "edges": []}),
    ("values", {"data": [1e9], "replays": {}}),
    ("sliders", [{"name": "a", "min": -1e9, "max": 1e9, "step": 1, "value": 5}]),
    ("_engine", None),
])
def test_the_page_cannot_set_what_python_computes(key, value):
    L, _a, _b, _c = diamond()
    w = GraphWidget(L, sliders={"a": (-3, 3)})
    before = {k: getattr(w, k) for k in ("structure", "sliders", "_engine")}
    data = w.values["data"]
    messages = sent(w)
    from_page(w, {key: value})
    assert {k: getattr(w, k) for k in before} == before
    assert w.values["data"] == data and f"cannot set '{key}'" in w.values["error"]
    assert key in messages[0]["state"] or key == "_engine"   # the page is sent the real value back


@pytest.mark.parametrize("mode", ["__proto__", "constructor", "toString", "", 3, None, ["compare"]])
def test_a_bad_mode_from_the_page_is_refused(mode):
    w = GraphWidget(diamond()[0], mode="overwrite")
    messages = sent(w)
    w.set_state({"mode": mode})
    assert w.mode == "overwrite" and "mode must be one of 'accumulate'" in w.values["error"]
    assert messages[0]["state"]["mode"] == "overwrite"         # the page is put back
    from_page(w, {"mode": "compare"})
    assert w.mode == "compare"


@pytest.mark.parametrize("n", [0, -5, True, 2.5, "100", None, MAX_NODES + 1, 10**30])
def test_a_bad_max_nodes_from_the_page_is_refused(n):
    w = GraphWidget(chain(60, "*"), max_nodes=10)
    structure = w.structure
    from_page(w, {"max_nodes": n})
    assert w.max_nodes == 10 and w.structure == structure
    assert "max_nodes must be a whole number from 1 to" in w.values["error"]


def test_draw_anyway_from_the_page_sends_the_graph():
    w = GraphWidget(chain(60, "*"), max_nodes=10)
    n = w.structure["summary"]["nodes"]
    from_page(w, {"max_nodes": n})
    assert n == 61 and "summary" not in w.structure and w.values["key"] == w.structure["key"]
    w.expand_all()                        # the chain of 60 products, drawn open
    assert len(w.structure["nodes"]) == n and len(w.values["data"]) == n


def test_max_nodes_from_python_is_validated_too():
    for n in (0, True, MAX_NODES + 1):
        with pytest.raises(traitlets.TraitError, match="max_nodes"):
            GraphWidget(diamond()[0], max_nodes=n)


@pytest.mark.parametrize("content", [[1, 2], "slide", {"type": "nonsense"}, {"type": 7}])
def test_an_unknown_message_from_the_page_is_reported(content):
    w = GraphWidget(diamond()[0])
    data = w.values["data"]
    w._on_message(w, content, [])
    assert w.values["data"] == data and "unknown message from the page" in w.values["error"]


def test_export_svg_writes_what_the_page_answers(tmp_path):
    """The request is a trait (a view drawn later still sees it); only the answer with its
    id counts, once."""
    w = GraphWidget(diamond()[0])
    out = tmp_path / "graph.svg"
    w.export_svg(out)
    request = w._request
    assert request["type"] == "export_svg" and isinstance(request["id"], int)
    w._on_message(w, {"type": "svg", "id": request["id"] + 1, "svg": "<svg>other</svg>"}, [])
    assert w.svg is None and not out.exists()          # not the answer to this request
    w._on_message(w, {"type": "svg", "id": request["id"], "svg": "<svg>x</svg>"}, [])
    assert w.svg == "<svg>x</svg>" and out.read_text() == "<svg>x</svg>" and w._request == {}
    w._on_message(w, {"type": "svg", "id": request["id"], "svg": "<svg>again</svg>"}, [])
    assert w.svg == "<svg>x</svg>"                     # a second view's answer is ignored
    w.export_svg()
    assert w._request["id"] == request["id"] + 1


def test_plain_text_says_what_the_widget_would_show():
    w = GraphWidget(diamond()[0], mode="compare")
    assert repr(w).startswith("GraphWidget of 7 nodes (mode='compare')")
    assert "trusted" in repr(w)
    assert repr(GraphWidget(Value(1.0, "a"))).startswith("GraphWidget of 1 node (")
