"""GraphWidget's Python side: the payloads it sends, and what does or does not relayout."""

import json

import pytest
import traitlets

from gradwidget import Value
from gradwidget.widget import GraphWidget, layout_engine
from test_seeds import diamond


def changes(widget, name):
    seen = []
    widget.observe(lambda c: seen.append(c["new"]), names=name)
    return seen


def test_payloads_follow_the_protocol():
    L, a, b, c = diamond()
    w = GraphWidget(L)
    s, v = w.structure, w.values
    assert [n["label"] for n in s["nodes"]] == ["a", "b", "", "c", "", "", ""]
    assert [n["op"] for n in s["nodes"]] == ["", "", "*", "", "+", "-", "*"]
    assert s["root"] == 6 and len(s["edges"]) == 8
    assert v["data"] == [2.0, 3.0, 6.0, 4.0, 10.0, -2.0, -20.0]
    acc, bug = v["replays"]["accumulate"], v["replays"]["overwrite"]
    assert [acc["grad"][i] for i in (0, 1, 3)] == [4.0, -4.0, -12.0]
    assert [bug["grad"][i] for i in (0, 1, 3)] == [-6.0, -4.0, -2.0]
    assert acc["steps"][0] == {"node": 6, "deposits": [{"edge": 6, "value": -2.0, "total": -2.0},
                                                        {"edge": 7, "value": 10.0, "total": 10.0}]}
    json.dumps([s, v], allow_nan=False)              # plain JSON: no NaN can reach the page
    assert all(x == 0.0 for x in (a.grad, b.grad, c.grad))   # replay left the grads alone


def test_mode_is_a_validated_trait():
    L = diamond()[0]
    assert GraphWidget(L).mode == "accumulate"
    assert GraphWidget(L, mode="compare").mode == "compare"
    with pytest.raises(traitlets.TraitError, match="mode"):
        GraphWidget(L, mode="sum")


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="GraphWidget needs a Value"):
        GraphWidget(3.0)


def test_refresh_after_new_data_sends_values_only():
    L, a, b, c = diamond()
    w = GraphWidget(L)
    shape, numbers = changes(w, "structure"), changes(w, "values")
    a.data = 1.0
    w.refresh()
    assert shape == [] and len(numbers) == 1
    assert w.values["data"][-1] == (1 * 3 + 4) * (1 - 4)
    assert w.values["replays"]["accumulate"]["grad"][0] == 3 * (1 - 4) + (1 * 3 + 4)


def test_backward_on_the_shown_root_refreshes_it():
    L, a, b, c = diamond()
    w = GraphWidget(L)
    numbers = changes(w, "values")
    a.data = 0.5
    L.backward()
    assert len(numbers) == 1 and w.values["data"][0] == 0.5
    (a * 2).backward()                                 # another graph: no refresh
    assert len(numbers) == 1


def test_a_new_root_with_the_same_shape_keeps_the_layout():
    w = GraphWidget(diamond(2, 3, 4)[0])
    shape = changes(w, "structure")
    w.refresh(diamond(5, 6, 7)[0])
    assert shape == [] and w.values["data"][0] == 5.0
    w.root = diamond()[0] * 2                          # a different shape relays out
    assert len(shape) == 1


def test_a_graph_above_max_nodes_is_summarised_not_sent():
    x = Value(0.5, "x")
    y = x
    for _ in range(100):
        y = y * x + x
    w = GraphWidget(y, max_nodes=50)
    assert w.structure["nodes"] == [] and w.values == {"data": [], "replays": {}}
    summary = w.structure["summary"]
    assert summary["nodes"] == len(y.topo()) and summary["ops"] == {"*": 100, "+": 100}
    assert summary["leaves"] == 1 and summary["multi"] == 1
    w.max_nodes = summary["nodes"]                     # what "Draw anyway" does
    assert len(w.structure["nodes"]) == summary["nodes"]


def test_all_widgets_share_one_layout_engine():
    w1, w2 = GraphWidget(diamond()[0]), GraphWidget(Value(1.0) * 2)
    assert w1._engine is w2._engine is layout_engine()
    assert len(w1._engine._worker) > 100_000          # Graphviz travels once, in the engine
    assert len(str(GraphWidget._esm)) < 100_000       # not in each widget


def test_export_svg_writes_what_the_page_answers(tmp_path):
    w = GraphWidget(diamond()[0])
    sent = []
    w.send = lambda content, buffers=None: sent.append(content)
    out = tmp_path / "graph.svg"
    w.export_svg(out)
    assert sent == [{"type": "export_svg"}]
    w._on_message(w, {"type": "svg", "svg": "<svg>x</svg>"}, [])
    assert w.svg == "<svg>x</svg>" and out.read_text() == "<svg>x</svg>"


def test_plain_text_says_what_the_widget_would_show():
    w = GraphWidget(diamond()[0], mode="compare")
    assert repr(w).startswith("GraphWidget of 7 nodes (mode='compare')")
    assert "trusted" in repr(w)
    assert repr(GraphWidget(Value(1.0, "a"))).startswith("GraphWidget of 1 node (")
