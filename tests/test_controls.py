"""Sliders on leaves and gradwidget.interact: what a slide changes, bad input from the page,
and failed slides that must leave the graph exactly as it was."""

import math

import pytest
from test_seeds import diamond
from test_widget import changes as watch
from test_widget import sent, state

from gradwidget import GraphWidget, Value, interact


def slide(w, seq=1, **values):
    w._on_message(w, {"type": "slide", "values": values, "seq": seq}, [])
    return w.values


def test_leaf_sliders_follow_interact_conventions():
    L, _a, b, _c = diamond()
    w = GraphWidget(L, sliders={"a": (-3, 3), b: (-3.0, 3.0), "c": (0, 8, 0.5)})
    assert [(s["name"], s["step"], s["value"]) for s in w.sliders] == \
        [("a", 1.0, 2.0), ("b", 0.06, 3.0), ("c", 0.5, 4.0)]


def test_a_slide_re_evaluates_the_fixed_graph_and_sends_numbers_only():
    L, a, _b, _c = diamond()
    nodes = L.topo()
    w = GraphWidget(L, sliders={"a": (-3, 3, 0.1)})
    shape = watch(w, "structure")
    v = slide(w, seq=7, a=1.5)
    assert shape == [] and L.topo() == nodes            # same graph, no re-tracing
    assert a.data == 1.5 and L.data == (1.5 * 3 + 4) * (1.5 - 4)
    assert v["seq"] == 7 and v["error"] is None and v["stale"] is None
    assert v["key"] == w.structure["key"]
    acc = v["replays"]["accumulate"]["grad"]
    assert (acc[0], acc[1], acc[3]) == (3 * (1.5 - 4) + (1.5 * 3 + 4), 1.5 * (1.5 - 4),
                                        (1.5 - 4) - (1.5 * 3 + 4))
    assert w.sliders[0]["value"] == 1.5


def test_a_slide_is_answered_in_one_message():
    L, _a, _b, _c = diamond()
    w = GraphWidget(L, sliders={"a": (-3, 3, 0.1), "c": (-5, 5)})
    messages = sent(w)
    slide(w, seq=3, a=0.5)
    assert len(messages) == 1                            # values and slider positions together
    update = messages[0]["state"]
    assert set(update) == {"values", "sliders"}
    assert update["values"]["seq"] == 3 and update["sliders"][0]["value"] == 0.5


def test_sliders_work_without_backward_and_follow_both_modes():
    L, a, _b, _c = diamond()
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
    held, before = state(y), w.values["data"]
    v = slide(w, x=-0.5)
    assert "log" in v["error"] and "'x'" in v["error"] and v["seq"] == 1
    assert state(y) == held and x.data == 2.0 and y.data == 3 * 0.6931471805599453
    assert v["data"] == before and w.sliders[0]["value"] == 2.0


def overflowing():
    """t = (a*c)*c with a tiny: forward at c = 1e200 is fine, but d t / d a = c**2 overflows."""
    a, c = Value(1e-300, "a"), Value(1.0, "c")
    t = (a * c) * c
    t.label = "t"
    t.backward()
    return t, a, c


def test_a_slide_whose_replay_overflows_leaves_the_graph_exactly_as_before():
    t, _a, c = overflowing()
    w = GraphWidget(t, sliders={"c": (0, 1e201)})
    held, values, sliders = state(t), w.values, w.sliders
    v = slide(w, seq=4, c=1e200)
    assert state(t) == held                            # data, local derivatives, grads
    assert t.data == 1e-300 and c.data == 1.0
    assert v["seq"] == 4 and "overflowed" in v["error"]
    assert v["data"] == values["data"] and v["replays"] == values["replays"]
    assert w.sliders == sliders


def test_a_failed_slide_on_a_stale_graph_restores_it_as_it_was():
    L, a, b, _c = diamond()
    w = GraphWidget(L, sliders={"b": (-3, 3)})
    a.data = 1e300                                      # by hand, no forward(): the graph is stale
    held = state(L)
    v = slide(w, b=2.0)                                 # forward(): (2e300 + 4) * 1e300 overflows
    assert "too large" in v["error"] or "not finite" in v["error"]
    assert state(L) == held and b.data == 3.0 and L.data == -20.0


@pytest.mark.parametrize("content, words", [
    ({"type": "slide", "seq": 1, "values": {"a": 1000}}, ["'a'", "outside its range (-3, 3)"]),
    ({"type": "slide", "seq": 1, "values": {"a": -3.5}}, ["outside its range"]),
    ({"type": "slide", "seq": 1, "values": {"a": True}}, ["finite number", "True"]),
    ({"type": "slide", "seq": 1, "values": {"a": "1"}}, ["finite number", "'1'"]),
    ({"type": "slide", "seq": 1, "values": {"a": float("nan")}}, ["finite number", "nan"]),
    ({"type": "slide", "seq": 1, "values": {"a": float("inf")}}, ["finite number"]),
    ({"type": "slide", "seq": 1, "values": {"a": None}}, ["finite number"]),
    ({"type": "slide", "seq": 1, "values": {"a": 1.0, "z": 1.0}}, ["no slider named 'z'", "'a'"]),
    ({"type": "slide", "seq": 1, "values": {"__proto__": 1.0}}, ["no slider named '__proto__'"]),
    ({"type": "slide", "seq": 1, "values": [1.0]}, ["values must be an object"]),
    ({"type": "slide", "seq": 1}, ["values must be an object"]),
    ({"type": "slide", "seq": "7", "values": {"a": 1.0}}, ["whole-number seq"]),
    ({"type": "slide", "seq": True, "values": {"a": 1.0}}, ["whole-number seq"]),
])
def test_bad_slides_from_the_page_change_nothing_and_say_why(content, words):
    L, _a, _b, _c = diamond()
    w = GraphWidget(L, sliders={"a": (-3, 3)})
    held, data, sliders = state(L), w.values["data"], w.sliders
    w._on_message(w, content, [])
    assert state(L) == held and w.values["data"] == data and w.sliders == sliders
    for word in words:
        assert word in w.values["error"]


def test_a_slide_to_a_widget_without_sliders_is_refused():
    L = diamond()[0]
    w = GraphWidget(L)
    assert "no sliders" in slide(w, a=1.0)["error"]


@pytest.mark.parametrize("sliders, kind, words", [
    ({"z": (-1, 1)}, KeyError, ["'z'", "a, b, c"]),
    ({"": (-1, 1)}, ValueError, ["computed by", "leaves"]),
    ({"a": (1, -1)}, ValueError, ["min must be below max"]),
    ({"a": (-1, 1, 0)}, ValueError, ["step"]),
    ({"a": (-1, 1)}, ValueError, ["outside"]),               # a = 2 is off the slider
    ({"a": (0, math.inf)}, ValueError, ["finite", "inf"]),
    ({"a": (-math.inf, 3)}, ValueError, ["finite"]),
    ({"a": (0, 3, math.inf)}, ValueError, ["finite"]),
    ({"a": (math.nan, 3)}, ValueError, ["finite", "nan"]),
    ({"a": (0, 10**400)}, ValueError, ["finite"]),
    ({"a": "wide"}, TypeError, ["(min, max)"]),
    ({"a": (0, True)}, TypeError, ["(min, max)"]),
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


def test_two_leaves_with_one_label_get_two_sliders():
    w0, w1 = Value(1.0, "w"), Value(2.0, "w")
    w = GraphWidget(w0 * w1, sliders={w0: (-3, 3), w1: (-3, 3)})
    assert [s["name"] for s in w.sliders] == ["w", "w (2)"]
    slide(w, **{"w (2)": -1.0})
    assert (w0.data, w1.data, w.values["data"][-1]) == (1.0, -1.0, -1.0)


def test_one_leaf_cannot_have_two_sliders():
    x = Value(1.0, "x")
    with pytest.raises(ValueError, match="two sliders drive the same leaf"):
        GraphWidget(x * 2, sliders={x: (-3, 3), "x": (0, 3)})


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
    assert w.values["key"] == w.structure["key"]
    assert calls[-1] == (-1.0, 0.5)


def test_a_failed_interact_keeps_the_last_good_graph_without_calling_f_again():
    calls = []

    def f(x=1.0):
        calls.append(x)
        X = Value(x, "x")
        return X.log()

    w = interact(f, x=(-1.0, 2.0))
    root, values, sliders = w.root, w.values, w.sliders
    held = state(root)
    v = slide(w, seq=5, x=-0.5)                         # log of a negative number
    assert calls == [1.0, -0.5]                         # f ran once for the slide, not again
    assert w.root is root and state(root) == held
    assert v["seq"] == 5 and "log" in v["error"]
    assert v["data"] == values["data"] and w.sliders == sliders


@pytest.mark.parametrize("bad", [lambda x: 3.0, lambda x: 1 / 0])
def test_interact_functions_that_fail_on_a_slide_are_reported(bad):
    good = True

    def f(x=1.0):
        return Value(x, "x") * 2 if good else bad(x)

    w = interact(f, x=(-1.0, 2.0))
    values = w.values
    good = False
    v = slide(w, x=0.5)
    assert v["data"] == values["data"] and v["error"].split(":")[0] in ("TypeError", "ZeroDivisionError")


def test_interact_errors():
    with pytest.raises(TypeError, match="must return a Value"):
        interact(lambda a: a * 2, a=(0.0, 1.0))
    with pytest.raises(TypeError, match="at least one slider"):
        interact(lambda: Value(1.0))
    with pytest.raises(ValueError, match="finite"):
        interact(lambda a: Value(a), a=(0.0, math.inf))
    with pytest.raises(TypeError, match="start value"):
        interact(lambda a="x": Value(1.0), a=(0.0, 1.0))
