"""Quiz mode of GraphWidget: which nodes `quiz=` asks, the page's answers (untrusted)
checked again in Python, `quiz_results`, `quiz_score` and `reset_quiz()`."""

import math

import pytest

from gradwidget import GraphWidget, Value
from gradwidget.quiz import is_right, tolerance


def diamond():
    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(4.0, label="c")
    d = a * b
    e = d + c
    g = a - c
    L = e * g
    for v, label in ((d, "d"), (e, "e"), (g, "g"), (L, "L")):
        v.label = label
    return L, a, b, c


def ids(w):
    return {n["label"]: n["id"] for n in w.structure["nodes"]}


def answer(w, label, x):
    w._on_message(w, {"type": "quiz", "node": ids(w)[label], "answer": x}, [])


def test_quiz_true_asks_every_node_but_the_root():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=True)
    root = w.structure["root"]
    assert w.quiz["ask"] == [i for i in range(7) if i != root]
    assert w.quiz["replay"] is None and w.quiz["reset"] == 0
    assert w.quiz_score == (0, 6) and w.quiz_results == {}


def test_no_quiz_asks_nothing():
    L, *_ = diamond()
    assert GraphWidget(L).quiz["ask"] == []
    assert GraphWidget(L, quiz=False).quiz["ask"] == []


def test_quiz_by_label_and_by_value():
    L, _a, _b, c = diamond()
    w = GraphWidget(L, quiz=["a", c])
    assert w.quiz["ask"] == sorted([ids(w)["a"], ids(w)["c"]])
    assert w.quiz_score == (0, 2)


@pytest.mark.parametrize("spec, match", [
    (["zz"], "no node labelled 'zz'"),
    ([Value(1.0, label="stranger")], "'stranger' is not a node of this graph"),
    (["L"], "'L' is the output"),
])
def test_a_bad_quiz_node_is_a_clear_value_error(spec, match):
    L, *_ = diamond()
    with pytest.raises(ValueError, match=match):
        GraphWidget(L, quiz=spec)


def test_a_label_two_nodes_share_must_be_a_value():
    a, b = Value(1.0, label="x"), Value(2.0, label="x")
    out = a * b
    out.label = "out"
    with pytest.raises(ValueError, match="2 nodes are labelled 'x'"):
        GraphWidget(out, quiz=["x"])
    w = GraphWidget(out, quiz=[a, b])
    assert len(w.quiz["ask"]) == 2
    answer_ = {"type": "quiz", "answer": 2.0}
    w._on_message(w, {**answer_, "node": w.quiz["ask"][0]}, [])
    w._on_message(w, {**answer_, "node": w.quiz["ask"][1]}, [])
    assert set(w.quiz_results) == {"x", "x (2)"}     # two nodes, two results


@pytest.mark.parametrize("spec", ["a", 3, {"a": 1}, [3]])
def test_a_quiz_that_is_not_a_list_of_nodes_is_a_type_error(spec):
    L, *_ = diamond()
    with pytest.raises(TypeError, match="quiz"):
        GraphWidget(L, quiz=spec)


def test_quiz_mode_must_be_a_replay():
    L, *_ = diamond()
    with pytest.raises(ValueError, match="quiz_mode"):
        GraphWidget(L, quiz=True, quiz_mode="typo")
    assert GraphWidget(L, quiz=True, quiz_mode="overwrite").quiz["replay"] == "overwrite"


def test_answers_are_checked_in_python_and_counted():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=["a", "c"])
    answer(w, "a", 3.0)
    assert w.quiz_results == {"a": {"answer": 3.0, "right": False, "tries": 1, "revealed": False}}
    answer(w, "a", 4.001)                     # within 3 significant digits of 4
    assert w.quiz_results["a"] == {"answer": 4.001, "right": True, "tries": 2, "revealed": False}
    answer(w, "c", -12)
    assert w.quiz_score == (2, 2)
    assert w.values["error"] is None


def test_overwrite_view_asks_what_the_buggy_code_gives():
    L, *_ = diamond()
    w = GraphWidget(L, mode="overwrite", quiz=["a"])
    answer(w, "a", 4.0)
    assert not w.quiz_results["a"]["right"]
    answer(w, "a", -6.0)                      # the `=` bug's a.grad
    assert w.quiz_results["a"]["right"]
    fixed = GraphWidget(L, mode="overwrite", quiz=["a"], quiz_mode="accumulate")
    answer(fixed, "a", 4.0)
    assert fixed.quiz_results["a"]["right"]


def test_switching_the_view_to_another_replay_forgets_the_answers():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=["a"])
    answer(w, "a", 4.0)
    w.mode = "compare"                        # its first panel is accumulate: same quiz
    assert w.quiz_results
    w.mode = "overwrite"
    assert w.quiz_results == {}


def test_show_the_derivation_is_recorded_and_not_right():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=["c"])
    w._on_message(w, {"type": "quiz", "node": ids(w)["c"], "reveal": True}, [])
    assert w.quiz_results["c"] == {"answer": None, "right": False, "tries": 0, "revealed": True}
    assert w.quiz_score == (0, 1)


@pytest.mark.parametrize("content, why", [
    ({"type": "quiz", "node": 6, "answer": 1.0}, "asked node"),          # the root
    ({"type": "quiz", "node": 1, "answer": 1.0}, "asked node"),          # b, not asked
    ({"type": "quiz", "node": "0", "answer": 1.0}, "asked node"),
    ({"type": "quiz", "node": True, "answer": 1.0}, "asked node"),
    ({"type": "quiz", "answer": 1.0}, "asked node"),
    ({"type": "quiz", "node": 0, "answer": "4"}, "finite number"),
    ({"type": "quiz", "node": 0, "answer": True}, "finite number"),
    ({"type": "quiz", "node": 0, "answer": math.nan}, "finite number"),
    ({"type": "quiz", "node": 0, "answer": math.inf}, "finite number"),
    ({"type": "quiz", "node": 0, "answer": 10 ** 400}, "finite number"),
    ({"type": "quiz", "node": 0}, "finite number"),
    ({"type": "quiz", "node": 0, "reveal": "yes"}, "finite number"),
])
def test_a_bad_answer_from_the_page_changes_nothing_and_says_why(content, why):
    L, *_ = diamond()
    w = GraphWidget(L, quiz=["a", "c"])
    assert ids(w)["a"] == 0 and ids(w)["b"] == 1 and w.structure["root"] == 6
    answer(w, "a", 4.0)
    before = dict(w.quiz_results)
    w._on_message(w, content, [])
    assert w.quiz_results == before
    assert why in w.values["error"]


def test_reset_quiz_clears_python_and_tells_the_page():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=True)
    answer(w, "a", 4.0)
    ask = w.quiz["ask"]
    w.reset_quiz()
    assert w.quiz_results == {} and w.quiz_score == (0, 6)
    assert w.quiz == {"ask": ask, "replay": None, "reset": 1}


def test_a_new_graph_asks_again_in_it():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=["a"])
    answer(w, "a", 4.0)
    a = Value(1.0, label="a")
    y = a * a + a
    y.label = "y"
    w.refresh(y)
    assert w.quiz["ask"] == [ids(w)["a"]] and w.quiz_results == {}
    assert w.quiz["reset"] == 1


def test_the_page_cannot_set_the_quiz():
    L, *_ = diamond()
    w = GraphWidget(L, quiz=["a"])
    w.set_state({"quiz": {"ask": [], "replay": None, "reset": 9}})
    assert w.quiz["ask"] == [0] and "cannot set 'quiz'" in w.values["error"]


def test_tolerance_is_three_significant_digits():
    assert tolerance(4) == pytest.approx(0.005)
    assert tolerance(-12) == pytest.approx(0.05)
    assert tolerance(0) == 1e-9
    assert is_right(0.333, 1 / 3) and not is_right(0.33, 1 / 3)
    assert is_right(4.004, 4) and not is_right(3.99, 4)
    assert is_right(0, 1e-17) and not is_right(1e-6, 0)
