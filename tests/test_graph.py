"""snapshot() and replay(): ids, edges, ordered steps, running totals, multi-contribution."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_seeds import diamond

from gradwidget import Value, replay, snapshot


def labelled_diamond():
    L = diamond()[0]
    e, f = L.children
    d = e.children[0]
    for v, name in ((d, "d"), (e, "e"), (f, "f"), (L, "L")):
        v.label = name
    return L


def test_snapshot_ids_follow_topological_order_and_edges_one_per_use():
    a = Value(1.0, "a")
    b = a + a
    snap = snapshot(b)
    assert [v.label for v in snap.values] == ["a", ""]
    assert snap.edges == ((0, 1, 0), (0, 1, 1))          # two edges into a
    s = snap.structure()
    assert s["root"] == 1 and len(s["edges"]) == 2
    assert {e["slot"] for e in s["edges"]} == {0, 1}


def test_structure_key_changes_with_shape_or_labels_only():
    a = Value(1.0, "a")
    k1 = snapshot(a + a).structure()["key"]
    a.data = 5.0
    assert snapshot(a + a).structure()["key"] == k1
    assert snapshot(a * a).structure()["key"] != k1
    a.label = "z"
    assert snapshot(a + a).structure()["key"] != k1


def test_accumulate_replay_steps_in_order_with_running_totals():
    L = labelled_diamond()
    r = replay(L, "accumulate")
    names = [v.label for v in r.snapshot.values]
    assert names == ["a", "b", "d", "c", "e", "f", "L"]
    fired = [names[s.node] for s in r.steps]
    assert fired == ["L", "f", "e", "d"]
    into_a = [(names[d.out], d.value, d.total) for d in r.terms(0)]
    assert into_a == [("f", 10.0, 10.0), ("d", -6.0, 4.0)]
    into_c = [(names[d.out], d.value, d.total) for d in r.terms(3)]
    assert into_c == [("f", -10.0, -10.0), ("e", -2.0, -12.0)]
    assert r.multi == {0, 3}
    assert r.explain(0) == "a.grad = 10 (from f, left) + -6 (from d, left) = 4"


def test_overwrite_replay_keeps_only_the_last_contribution():
    L = labelled_diamond()
    r = replay(L, "overwrite")
    assert [r.grad[i] for i in (0, 1, 3)] == [-6.0, -4.0, -2.0]
    assert [d.total for d in r.terms(3)] == [-10.0, -2.0]
    assert "lost: 10 (from f, left)" in r.explain(0)


def test_replay_does_not_touch_user_grads():
    L = labelled_diamond()
    L.backward()
    before = [v.grad for v in L.topo()]
    for mode in ("accumulate", "overwrite", "eager"):
        replay(L, mode)
    assert [v.grad for v in L.topo()] == before


def test_replay_works_on_a_graph_without_backward():
    L = labelled_diamond()
    assert all(v.grad == 0.0 for v in L.topo())
    assert replay(L).grad[0] == 4.0


def test_eager_overcounts_reused_inner_nodes_and_is_capped():
    a = Value(1.0, "a")
    b = a + a
    c = b + b
    r = replay(c, "eager")
    assert r.grad[0] == 6.0 and len(r.steps) == 6
    deep = a
    for _ in range(30):
        deep = deep + deep                 # 2**30 paths
    with pytest.raises(ValueError, match="more than 1000 steps"):
        replay(deep, "eager", max_steps=1000)


def test_unknown_mode_is_named():
    with pytest.raises(ValueError, match="'sideways'"):
        replay(Value(1.0) * 2, "sideways")


def test_snapshot_rejects_non_values():
    with pytest.raises(TypeError, match="float"):
        snapshot(3.0)


ops = st.sampled_from(["+", "*", "-", "tanh"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ops, st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=30),
       st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4))
def test_replay_totals_match_backward_and_multi_is_exactly_reused_nodes(prog, data):
    pool = [Value(v, f"x{i}") for i, v in enumerate(data)]
    for op, i, j in prog:
        x, y = pool[i % len(pool)], pool[j % len(pool)]
        pool.append(x.tanh() if op == "tanh" else {"+": x + y, "*": x * y, "-": x - y}[op])
    root = pool[-1]
    snap = snapshot(root)
    for mode, accumulate in (("accumulate", True), ("overwrite", False)):
        r = replay(snap, mode)
        for v in snap.values:
            v.grad = 0.0
        root.backward(accumulate=accumulate)
        assert r.grad == [v.grad for v in snap.values]          # bit for bit
        # steps fire in reversed topological order; every edge deposits exactly once
        assert [s.node for s in r.steps] == sorted((s.node for s in r.steps), reverse=True)
        assert sorted(d.edge for s in r.steps for d in s.deposits) == list(range(len(snap.edges)))
        uses = [sum(1 for src, _, _ in snap.edges if src == i) for i in range(len(snap))]
        assert r.multi == {i for i, n in enumerate(uses) if n > 1}
        for s in r.steps:                                       # running totals add up
            for d in s.deposits:
                assert d.value == snap.local[d.edge] * r.grad[d.out]


def test_modes_are_the_replays_of_modes_json_in_order():
    import json
    import pathlib

    import gradwidget.graph
    spec = json.loads((pathlib.Path(gradwidget.graph.__file__).parent / "modes.json").read_text())
    assert tuple(spec["replays"]) == ("accumulate", "overwrite", "eager", "observed")
    # "observed" is a hand-written class's own backward(), played by gradwidget.foreign
    assert gradwidget.graph.MODES == ("accumulate", "overwrite", "eager")
    with pytest.raises(ValueError, match="replay mode must be one of"):
        gradwidget.graph.replay(Value(1.0), "observed")


def test_a_deposit_names_the_node_that_fired_out_and_the_input_into():
    a = Value(1.0, "a")
    b = a * 3.0
    (d,) = [d for s in replay(b).steps for d in s.deposits if d.into == 0]
    assert d._fields == ("edge", "into", "out", "slot", "value", "total")
    assert (d.into, d.out, d.slot, d.value) == (0, 2, 0, 3.0)


def test_structure_and_shape_carry_each_nodes_name():
    a = Value(2.0, "a")
    c = a * 2 + a
    snap = snapshot(c)
    assert [n["name"] for n in snap.structure()["nodes"]] == ["a", "2", "a*2", "a*2 + a"]
    assert snap.names in snap.shape()
    leaf = c.children[0].children[1]
    leaf.data = 3.0                                   # an unlabelled leaf is named by its value
    assert snapshot(c).structure()["nodes"][1]["name"] == "3"
    assert snapshot(c).shape() != snap.shape()


def test_explain_names_unlabelled_nodes_by_their_expression():
    a = Value(1.0, "a")
    c = a * 2 + a
    r = replay(c)
    assert r.explain(0) == "a.grad = 1 (from a*2 + a, right) + 2 (from a*2, left) = 3"
    assert r.explain(2) == "(a*2).grad = 1 (from a*2 + a, left) = 1"
    assert r.explain(3) == "(a*2 + a).grad = 1 (seed)"


@pytest.mark.parametrize("bad, kind", [(-1, IndexError), (4, IndexError), (10**9, IndexError),
                                       (True, TypeError), ("0", TypeError), (1.0, TypeError)])
def test_explain_and_terms_refuse_an_id_outside_the_graph(bad, kind):
    a = Value(1.0, "a")
    r = replay(a * 2 + a)
    with pytest.raises(kind, match="0 to 3"):
        r.explain(bad)
    with pytest.raises(kind, match="0 to 3"):
        r.terms(bad)
