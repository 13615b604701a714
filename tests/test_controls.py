"""Sliders on leaves and gradwidget.interact: what a slide changes, and bad input."""

import pytest

from gradwidget import GraphWidget, Value, interact
from test_seeds import diamond
from test_widget import changes as watch


def slide(w, seq=1, **values):
    w._on_message(w, {"type": "slide", "values": values, "seq": seq}, [])
    return w.values


def test_leaf_sliders_follow_interact_conventions():
    L, a, b, c = diamond()
    w = GraphWidget(L, sliders={"a": (-3, 3), b: (-3.0, 3.0), "c": (0, 8, 0.5)})
    assert [(s["name"], s["step"], s["value"]) for s in w.sliders] == \
        [("a", 1.0, 2.0), ("b", 0.06, 3.0), ("c", 0.5, 4.0)]


def test_a_slide_re_evaluates_the_fixed_graph_and_sends_numbers_only():
    L, a, b, c = diamond()
    nodes = L.topo()
    w = GraphWidget(L, sliders={"a": (-3, 3, 0.1)})
    shape = watch(w, "structure")
    v = slide(w, seq=7, a=1.5)
    assert shape == [] and L.topo() == nodes            # same graph, no re-tracing
    assert a.data == 1.5 and L.data == (1.5 * 3 + 4) * (1.5 - 4)
    assert v["seq"] == 7 and v["error"] is None
    acc = v["replays"]["accumulate"]["grad"]
    assert (acc[0], acc[1], acc[3]) == (3 * (1.5 - 4) + (1.5 * 3 + 4), 1.5 * (1.5 - 4), (1.5 - 4) - (1.5 * 3 + 4))
    assert w.sliders[0]["value"] == 1.5


def test_sliders_work_without_backward_and_follow_both_modes():
    L, a, b, c = diamond()
    w = GraphWidget(L, mode="compare", sliders={"c": (-5, 5)})
    v = slide(w, c=1.0)
    assert a.grad == 0.0                                # the user's grads are untouched
    # L = (a*b + c)(a - c) at 2, 3, 1: correct da = 3*1 + 7 = 10; the bug keeps b*(a-c) = 3
    assert v["replays"]["accumulate"]["grad"][0] == 10.0
    assert v["replays"]["overwrite"]["grad"][0] == 3.0


def test_an_undefined_op_reports_and_keeps_everything_as_it_was():
    x = Value(2.0, "x")
    y = x.log() * 3
    w = GraphWidget(y, sliders={"x": (-1, 3)})
    before = w.values["data"]
    v = slide(w, x=-0.5)
    assert "log" in v["error"] and "'x'" in v["error"]
    assert x.data == 2.0 and y.data == 3 * 0.6931471805599453
    assert v["data"] == before and w.sliders[0]["value"] == 2.0


def test_unknown_slider_in_a_message_is_reported():
    w = GraphWidget(diamond()[0], sliders={"a": (-3, 3)})
    assert "no slider named z" in slide(w, z=1.0)["error"]


@pytest.mark.parametrize("sliders, kind, words", [
    ({"z": (-1, 1)}, KeyError, ["'z'", "a, b, c"]),
    ({"": (-1, 1)}, ValueError, ["computed by", "leaves"]),
    ({"a": (1, -1)}, ValueError, ["min must be below max"]),
    ({"a": (-1, 1, 0)}, ValueError, ["step"]),
    ({"a": (-1, 1)}, ValueError, ["outside"]),               # a = 2 is off the slider
    ({"a": "wide"}, TypeError, ["(min, max)"]),
    ({3: (-1, 1)}, TypeError, ["label"]),
    ([("a", (-3, 3))], TypeError, ["dict"]),
])
def test_bad_slider_specs_are_named(sliders, kind, words):
    L = diamond()[0]
    with pytest.raises(kind) as err:
        GraphWidget(L, sliders=sliders)
    for w in words:
        assert w in str(err.value)


def test_two_leaves_with_one_label_must_be_passed_as_values():
    w0, w1 = Value(1.0, "w"), Value(2.0, "w")
    with pytest.raises(ValueError, match="2 leaves are labelled 'w'"):
        GraphWidget(w0 * w1, sliders={"w": (-3, 3)})
    assert GraphWidget(w0 * w1, sliders={w1: (-3, 3)}).sliders[0]["value"] == 2.0


def test_interact_reruns_f_and_relayouts_only_when_the_shape_changes():
    calls = []

    def f(a, b=0.5):
        calls.append((a, b))
        A, B = Value(a, "a"), Value(b, "b")
        return A * B if a > 0 else A + B

    w = interact(f, a=(-2.0, 4.0), b=(-1.0, 1.0))
    assert calls == [(1.0, 0.5)]                        # the middle, or f's default
    assert w.structure["nodes"][-1]["op"] == "*"
    shape = watch(w, "structure")
    slide(w, seq=1, a=3.0)
    assert shape == [] and w.values["data"][-1] == 1.5
    slide(w, seq=2, a=-1.0)
    assert len(shape) == 1 and w.structure["nodes"][-1]["op"] == "+"
    assert calls[-1] == (-1.0, 0.5)


def test_interact_errors():
    with pytest.raises(TypeError, match="must return a Value"):
        interact(lambda a: a * 2, a=(0.0, 1.0))
    with pytest.raises(TypeError, match="at least one slider"):
        interact(lambda: Value(1.0))
