"""gradwidget.foreign on hand-written Value classes: drawing data, the observed replay, check().

The classes are in student_values.py, plus micrograd 0.1.0 itself. The same expression
builders run on every class, on gradwidget's Value and on PyTorch tensors, so each number
is checked against an independent computation: their own `backward()`, gradwidget's, and
PyTorch's.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from micrograd.engine import Value as Micrograd
from student_values import (
    Averaging,
    BuggySoftplus,
    BuggyValue,
    FailingExp,
    FixedValue,
    ListValue,
    NoBackward,
    RawConstant,
    SetMinus,
    TupleValue,
    WrongTanh,
)

from gradwidget import Value, foreign, graph

torch = pytest.importorskip("torch", reason="PyTorch is the reference: pip install torch==2.13.0")

CORRECT = [FixedValue, Micrograd, TupleValue, ListValue]
STUDENT = [BuggyValue, *CORRECT]


# --- helpers ------------------------------------------------------------------------------

def their_topo(root):
    """micrograd 0.1.0's `build_topo`, as it is in its `backward()`."""
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
    build_topo(root)
    return topo


def state(root):
    """Everything of every object in the graph, to compare before and after a call."""
    return [(o, type(o.grad), type(o.data), dict(vars(o))) for o in their_topo(root)]


def named(v, label):
    if hasattr(v, "label"):        # micrograd's Value has no label: it stays unlabelled
        v.label = label
    return v


def maker(cls):
    """mk(x, label) -> a leaf of `cls` (a student class, gradwidget's Value or torch)."""
    if cls is torch:
        return lambda x, label: torch.tensor(x, dtype=torch.float64, requires_grad=True)
    return lambda x, label: named(cls(x), label)


# Expression builders: mk makes the leaves, the operators do the rest; -> (root, leaves).

def a_plus_a(mk):
    a = mk(3.0, "a")
    return named(a + a, "b"), {"a": a}


def diamond(mk):
    a, b, c = mk(2.0, "a"), mk(3.0, "b"), mk(4.0, "c")
    return (a * b + c) * (a - c), {"a": a, "b": b, "c": c}


def lecture(mk):
    """micrograd lecture's first graph: e = a*b; d = e + c; L = d * f."""
    a, b, c, f = mk(2.0, "a"), mk(-3.0, "b"), mk(10.0, "c"), mk(-2.0, "f")
    e = named(a * b, "e")
    d = named(e + c, "d")
    return named(d * f, "L"), {"a": a, "b": b, "c": c, "f": f}


def reuse(mk):
    a, b = mk(1.5, "a"), mk(-0.5, "b")
    c = a * a + a * b
    d = c * c - b ** 2
    return (d + c) / (a + 2.0), {"a": a, "b": b}


def neuron(mk):
    x1, x2, w1, w2 = mk(2.0, "x1"), mk(0.0, "x2"), mk(-3.0, "w1"), mk(1.0, "w2")
    b = mk(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    return named((n * n.exp()).tanh(), "o"), {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def relu_pow(mk):
    a, b = mk(1.5, "a"), mk(-2.0, "b")
    return ((a * b).relu() + (a + b).relu() + a ** 3) / b, {"a": a, "b": b}


def tuple_ops(mk):
    a, b, c = mk(2.0, "a"), mk(-3.0, "b"), mk(0.5, "c")
    return (-(a / b) + (a * c).log() - c.sigmoid() + (a - b).relu()) * a, {"a": a, "b": b, "c": c}


GRAPHS = {   # builder -> the classes that have its ops
    a_plus_a: STUDENT, diamond: STUDENT, lecture: STUDENT, reuse: STUDENT,
    neuron: [BuggyValue, FixedValue],
    relu_pow: [Micrograd, TupleValue, ListValue],
    tuple_ops: [TupleValue, ListValue],
}
CASES = [pytest.param(g, c, id=f"{g.__name__}-{'micrograd' if c is Micrograd else c.__name__}")
         for g, cs in GRAPHS.items() for c in cs]
CORRECT_CASES = [p for p in CASES if p.values[1] is not BuggyValue]


def leaf_grads(replay, leaves):
    index = {id(v.obj): i for i, v in enumerate(replay.snapshot.values)}
    return {name: replay.grad[index[id(v)]] if id(v) in index else 0.0 for name, v in leaves.items()}


def reference_grads(build, lib):
    root, leaves = build(maker(lib))
    root.backward()
    return {name: float(v.grad) for name, v in leaves.items()}


# --- drawing data -------------------------------------------------------------------------

@pytest.mark.parametrize("build, cls", CASES)
def test_snapshot_is_their_graph_in_their_order(build, cls):
    root, _ = build(maker(cls))
    before = state(root)
    snap = foreign.snapshot(root)
    objs = their_topo(root)
    assert [v.obj for v in snap.values] == objs
    s = snap.structure()
    assert [n["op"] for n in s["nodes"]] == [o._op for o in objs]
    assert [n["label"] for n in s["nodes"]] == [getattr(o, "label", "") for o in objs]
    assert snap.data() == [float(o.data) for o in objs]
    assert s["root"] == len(objs) - 1
    ids = {id(o): i for i, o in enumerate(objs)}
    for dst, o in enumerate(objs):            # one edge per distinct child, slots 0, 1, ...
        into = [(src, k) for src, d, k in snap.edges if d == dst]
        assert sorted(src for src, _ in into) == sorted(ids[id(c)] for c in set(o._prev))
        assert [k for _, k in into] == list(range(len(into)))
    assert state(root) == before


@pytest.mark.parametrize("cls", STUDENT)
def test_a_plus_a_is_one_edge_used_twice(cls):
    root, leaves = a_plus_a(maker(cls))
    snap = foreign.snapshot(root)
    assert snap.edges == ((0, 1, 0),)
    assert snap.uses == (2,) and snap.known == (True,)
    assert snap.local == (2.0,)                 # d(a + a)/da
    assert [v.obj for v in snap.values[1].children] == [leaves["a"], leaves["a"]]


@pytest.mark.parametrize("cls", [BuggyValue, FixedValue, Micrograd])
def test_a_set_based_node_knows_its_left_and_right_from_self_and_other(cls):
    mk = maker(cls)
    a, b, c = mk(2.0, "a"), mk(3.0, "b"), mk(4.0, "c")
    left, right = a * b + c, a - c
    for _ in range(2):
        left, right = right, left            # both orders, whatever the set's order is
        root = left * right
        snap = foreign.snapshot(root)
        assert [n.obj for n in snap.values[snap.root].children] == [left, right]
        assert [snap.values[src].obj for src, _, _ in snap.edges[-2:]] == [left, right]


def test_local_derivatives_come_from_the_op_table_in_the_right_argument_order():
    x, y = SetMinus(5.0, label="x"), SetMinus(3.0, label="y")
    snap = foreign.snapshot(x - y)
    local = {snap.values[src].label: d for (src, _, _), d in zip(snap.edges, snap.local, strict=True)}
    assert local == {"x": 1.0, "y": -1.0} and snap.known == (True, True)
    # With x == y both arrangements give the output: the derivative is observed instead.
    x, y = SetMinus(3.0, label="x"), SetMinus(3.0, label="y")
    snap = foreign.snapshot(x - y)
    local = {snap.values[src].label: d for (src, _, _), d in zip(snap.edges, snap.local, strict=True)}
    assert local == {"x": 1.0, "y": -1.0} and snap.known == (False, False)


def test_a_number_operand_that_is_not_a_child_is_not_taken_for_a_second_use():
    a = RawConstant(2.0, label="a")
    twice, square = named(a * 2, "twice"), named(a * a, "square")   # both: {a}, data 4
    assert foreign.snapshot(twice).local == (2.0,) and foreign.snapshot(twice).known == (False,)
    assert foreign.snapshot(square).local == (4.0,) and foreign.snapshot(square).known == (True,)
    assert foreign.check(twice * square) == []


def test_an_op_gradwidget_does_not_know_takes_its_derivative_from_their_backward():
    y = TupleValue(0.3, label="x").softplus()
    before = state(y)
    snap = foreign.snapshot(y)
    assert snap.known == (False,)
    assert snap.local[0] == pytest.approx(1 / (1 + math.exp(-0.3)))
    assert state(y) == before


def test_topological_order_is_micrograds_and_needs_no_recursion():
    x = Micrograd(0.5)
    v = x
    for i in range(3000):                 # deeper than Python's recursion limit
        v = v * 1.0001 + x if i % 2 else v + x * 0.5
    snap = foreign.snapshot(v)
    assert snap.values[snap.root].obj is v
    position = {id(n.obj): i for i, n in enumerate(snap.values)}
    assert all(position[id(c)] < position[id(n.obj)] for n in snap.values for c in n.obj._prev)
    r = foreign.replay(snap)
    assert r.grad == pytest.approx(graph.replay(snap, "accumulate").grad, rel=1e-9)
    assert foreign.check(snap) == []


def test_a_cycle_is_an_error_not_a_hang():
    a = FixedValue(1.0)
    b = a + a
    a._prev = {b}
    with pytest.raises(ValueError, match="cycle"):
        foreign.snapshot(b)


# --- what is not a micrograd Value --------------------------------------------------------

def test_a_class_without_backward_and_op_is_named_with_what_it_lacks():
    a = NoBackward(1.0, label="a")
    lacks = "NoBackward is not a micrograd-shaped value: it has no _op, _backward"
    with pytest.raises(TypeError, match=lacks):
        foreign.snapshot(a + a)
    for call in (foreign.replay, foreign.check):
        with pytest.raises(TypeError, match="NoBackward"):
            call(a)


@pytest.mark.parametrize("bad, message", [
    (3.0, "float is not a micrograd-shaped value: it has no data, grad, _prev, _op, _backward"),
    (Value(1.0), "Value is not a micrograd-shaped value: it has no _prev, _backward"),
    (FixedValue(1.0, (2.0,), "+"), "float is not a micrograd-shaped value"),
    (FixedValue("x"), "the data of a FixedValue must be a real number, got str 'x'"),
    (FixedValue(1.0, label=3), "FixedValue.label must be a str, got 3"),
])
def test_bad_objects_get_a_clear_type_error(bad, message):
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        foreign.snapshot(bad)


def test_prev_of_another_type_is_named():
    a = FixedValue(1.0)
    a._prev = {"b": 1}
    with pytest.raises(TypeError, match=r"FixedValue\._prev must be a set, tuple or list"):
        foreign.snapshot(a)


# --- the observed replay ------------------------------------------------------------------

@pytest.mark.parametrize("build, cls", CASES)
def test_observed_replay_ends_where_their_backward_ends(build, cls):
    root, _ = build(maker(cls))
    before = state(root)
    r = foreign.replay(root)
    assert state(root) == before
    root.backward()                  # their code, on the same objects (same set orders)
    assert r.grad == [o.grad for o in their_topo(root)]


@pytest.mark.parametrize("build, cls", CASES)
def test_observed_replay_steps_fire_in_reversed_topological_order(build, cls):
    root, _ = build(maker(cls))
    r = foreign.replay(root)
    snap = r.snapshot
    inner = [i for i in range(len(snap) - 1, -1, -1) if snap.inputs[i]]
    assert [s.node for s in r.steps] == inner
    grad = [0.0] * len(snap)
    grad[snap.root] = 1.0
    for s in r.steps:
        assert [d.edge for d in s.deposits] == list(snap.inputs[s.node])
        for d in s.deposits:
            assert d.value == d.total - grad[d.into]
            grad[d.into] = d.total
    assert grad == r.grad
    js = r.to_json()
    assert js["grad"] == r.grad
    assert js["steps"][0] == {"node": r.steps[0].node, "deposits": [
        {"edge": d.edge, "value": d.value, "total": d.total} for d in r.steps[0].deposits]}


@pytest.mark.parametrize("build, cls", CORRECT_CASES)
def test_correct_classes_give_the_grads_of_a_copy_gradwidget_and_pytorch(build, cls):
    root, leaves = build(maker(cls))
    got = leaf_grads(foreign.replay(root), leaves)
    assert got == pytest.approx(reference_grads(build, cls), rel=1e-12)     # a fresh copy, theirs
    assert got == pytest.approx(reference_grads(build, Value), rel=1e-9)
    assert got == pytest.approx(reference_grads(build, torch), rel=1e-9)


def test_buggy_class_replay_shows_the_overwrite_on_a_plus_a():
    root, _ = a_plus_a(maker(BuggyValue))
    r = foreign.replay(root)
    (step,) = r.steps
    (d,) = step.deposits
    assert (d.value, d.total) == (1.0, 1.0)        # their `=`: one use of a is lost
    assert foreign.replay(a_plus_a(maker(FixedValue))[0]).steps[0].deposits[0].total == 2.0


def test_their_exception_is_reported_with_node_and_op_and_grads_are_restored():
    x = FailingExp(1.0, label="x")
    y = named(x.exp(), "y")
    L = y * x
    for v, g in ((x, 0.25), (y, -1.0), (L, 7)):
        v.grad = g
    before = state(L)
    for call in (foreign.replay, foreign.check):
        with pytest.raises(foreign.BackwardError,
                           match=r"the _backward of `exp` at `y` \(FixedValue\) raised AttributeError") as e:
            call(L)
        assert isinstance(e.value.__cause__, AttributeError)
        assert state(L) == before


# --- check() ------------------------------------------------------------------------------

OVERWRITE = "the backward of `{}` assigns `self.grad = ...` instead of adding to it; use `+=`"


def test_check_buggy_a_plus_a():
    root, _ = a_plus_a(maker(BuggyValue))
    before = state(root)
    findings = foreign.check(root)
    assert state(root) == before
    assert [str(f) for f in findings] == [
        OVERWRITE.format("+"),
        "`a.grad` is 1 but the chain rule gives 2: the backward of `+` assigns `self.grad = ...`; use `+=`",
    ]
    assert [(f.kind, f.node, f.op) for f in findings] == [("overwrite", "b", "+"), ("gradient", "a", "+")]
    assert (findings[1].got, findings[1].expected) == (1.0, 2.0)


def test_check_buggy_diamond():
    root, leaves = diamond(maker(BuggyValue))
    before = state(root)
    findings = foreign.check(root)
    assert state(root) == before
    root.backward()                       # their numbers, on the same objects
    a, c = leaves["a"].grad, leaves["c"].grad
    # Which `=` comes last depends on the set order: a keeps -6 (from a*b) or 10 (from a - c).
    assert a in (-6.0, 10.0) and c in (-2.0, -10.0) and leaves["b"].grad == -4.0
    why = "the backwards of `*` and `+` assign `self.grad = ...`; use `+=`"
    text = [str(f) for f in findings]
    assert text[:2] == [OVERWRITE.format("*"), OVERWRITE.format("+")]
    assert sorted(text[2:]) == [f"`a.grad` is {a:g} but the chain rule gives 4: {why}",
                                f"`c.grad` is {c:g} but the chain rule gives -12: {why}"]


def test_check_buggy_lecture_graph_names_both_ops_though_every_number_is_right():
    root, leaves = lecture(maker(BuggyValue))
    findings = foreign.check(root)
    assert [str(f) for f in findings] == [OVERWRITE.format("*"), OVERWRITE.format("+")]
    assert [(f.kind, f.node, f.op) for f in findings] == [("overwrite", "L", "*"), ("overwrite", "d", "+")]
    root.backward()                        # a tree: no value gets two contributions
    assert {k: v.grad for k, v in leaves.items()} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


@pytest.mark.parametrize("build, cls", CORRECT_CASES)
def test_check_finds_nothing_in_correct_code(build, cls):
    root, _ = build(maker(cls))
    before = state(root)
    assert foreign.check(root) == []
    assert state(root) == before


def test_check_names_a_wrong_local_derivative_and_what_it_causes():
    x = WrongTanh(0.5, label="x")
    o = named(x.tanh(), "o")
    L = named(o * 2.0, "L")
    findings = foreign.check(L)
    true = 1 - math.tanh(0.5) ** 2
    assert [str(f) for f in findings] == [
        f"the backward of `tanh` at `o` gives `x` the local derivative 1, but do/dx is {true:g}",
        f"`x.grad` is 2 but the chain rule gives {2 * true:g}: the backward of `tanh` at `o` gives "
        f"it the local derivative 1 instead of {true:g}",
    ]
    assert findings[0].kind == "local" and findings[0].expected == pytest.approx(true)


def test_check_names_a_backward_that_neither_adds_nor_assigns():
    a, b = Averaging(1.0, label="a"), Averaging(2.0, label="b")
    findings = foreign.check(named(a + b, "s"))
    assert [f.kind for f in findings] == ["prior", "gradient", "gradient"]
    assert str(findings[0]).startswith("the backward of `+` changes `")
    assert {str(f) for f in findings[1:]} == {
        f"`{n}.grad` is 0.5 but the chain rule gives 1: the backward of `+` does not add its term "
        "to it; use `+=`" for n in "ab"}


def test_check_says_when_the_chain_rule_used_their_own_derivative():
    a = BuggySoftplus(0.3, label="a")
    s = named(a.softplus(), "s")
    findings = foreign.check(named(s + s, "t"))
    sig = 1 / (1 + math.exp(-0.3))            # d softplus(a)/da
    assert [str(f) for f in findings] == [
        OVERWRITE.format("+"),
        "`s.grad` is 1 but the chain rule gives 2: the backward of `+` assigns `self.grad = ...`; use `+=`",
        f"`a.grad` is {sig:g} but the chain rule gives {2 * sig:g}: it is computed from `s.grad`, which "
        "is already wrong (gradwidget does not know `softplus`: the chain rule here takes its local "
        "derivatives from your backward)",
    ]


@pytest.mark.parametrize("cls", STUDENT)
def test_nothing_changes_even_after_their_own_backward_filled_the_grads(cls):
    root, _ = reuse(maker(cls))
    fresh = foreign.replay(root).to_json()
    root.backward()
    root.backward()                  # micrograd does not zero: the grads are now doubled
    before = state(root)
    foreign.snapshot(root).structure()
    assert foreign.replay(root).to_json() == fresh      # the replay starts from a fresh graph
    foreign.check(root)
    assert state(root) == before


# --- random programs ----------------------------------------------------------------------

@st.composite
def programs(draw):
    """Leaves x0..x2 and up to 8 ops (+, *, -, **2) whose operands may repeat."""
    leaves = draw(st.lists(st.sampled_from([-2.0, -1.5, -0.5, 0.5, 1.0, 2.0]), min_size=1, max_size=3))
    n, ops = len(leaves), []
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["+", "*", "-", "**2"]))
        ops.append((op, draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))))
        n += 1
    return leaves, ops


def run(program, mk):
    leaves, ops = program
    nodes = [mk(x, f"x{i}") for i, x in enumerate(leaves)]
    for op, i, j in ops:
        x, y = nodes[i], nodes[j]
        nodes.append(x + y if op == "+" else x * y if op == "*" else x - y if op == "-" else x ** 2)
    return nodes[-1], {f"x{i}": v for i, v in enumerate(nodes[:len(leaves)])}


@settings(max_examples=60, deadline=None)
@given(programs(), st.sampled_from(CORRECT))
def test_random_programs_on_correct_classes(program, cls):
    root, leaves = run(program, maker(cls))
    before = state(root)
    assert foreign.check(root) == []
    got = leaf_grads(foreign.replay(root), leaves)
    root_gw, leaves_gw = run(program, maker(Value))
    root_gw.backward()
    assert got == pytest.approx({k: v.grad for k, v in leaves_gw.items()}, rel=1e-9, abs=1e-12)
    assert state(root) == before


@settings(max_examples=60, deadline=None)
@given(programs())
def test_random_programs_on_the_buggy_class(program):
    root, leaves = run(program, maker(BuggyValue))
    findings = foreign.check(root)
    root.backward()
    root_gw, leaves_gw = run(program, maker(Value))
    root_gw.backward()
    wrong = {k for k, v in leaves.items()
             if not math.isclose(v.grad, leaves_gw[k].grad, rel_tol=1e-6, abs_tol=1e-9)}
    flagged = {f.node: f for f in findings if f.kind == "gradient" and f.node in leaves}
    assert set(flagged) == wrong
    assert all(f.got == leaves[k].grad for k, f in flagged.items())
    ops_used = {o._op for o in their_topo(root)}
    assert {f.op for f in findings if f.kind == "overwrite"} == ops_used & {"+", "*"}
