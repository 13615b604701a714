"""Groups: where values are made (engine.group, nn), the parts of a graph (groups.tree) and
the graph as drawn with some collapsed (groups.project), its replays' numbers included."""

import math
import pickle
import random

import pytest

from gradwidget import Value, replay, snapshot
from gradwidget.engine import Group, group
from gradwidget.groups import BUDGET, default_expanded, project, tree
from gradwidget.nn import MLP, Neuron


def mlp_example(sizes=(16, 16, 1), seed=0):
    random.seed(seed)
    model = MLP(2, list(sizes))
    return model, model([Value(0.5, "x1"), Value(-1.5, "x2")])


def batch_loss(model, n=4, seed=1):
    rng = random.Random(seed)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(n)]
    scores = [model([Value(a), Value(b)]) for a, b in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg


def drawn(root, expanded=None):
    snap = snapshot(root)
    parts, home = tree(snap)
    keys = default_expanded(snap, parts, home) if expanded is None else expanded
    return snap, parts, project(snap, parts, home, keys)


# --- engine.group ------------------------------------------------------------------------

def test_values_made_inside_a_group_belong_to_it_and_groups_nest():
    x = Value(1.0, "x")
    with group("outer") as outer:
        a = x * 2
        with group("inner", kind="block") as inner:
            b = a + 1
        c = b * b
    d = c - 1
    assert x.group is None and d.group is None
    assert a.group is outer and c.group is outer and b.group is inner
    assert inner.parent is outer and inner.path() == ("outer", "inner") and inner.kind == "block"


def test_a_group_is_left_on_an_exception_and_works_as_a_decorator():
    with pytest.raises(ZeroDivisionError), group("g"):
        Value(1.0) / 0
    assert Value(1.0).group is None

    @group("square")
    def square(v):
        return v * v

    one, two = square(Value(2.0)), square(Value(3.0))
    assert one.group.name == "square" and one.group is not two.group   # one group per call
    assert Value(0.0).group is None


@pytest.mark.parametrize("bad", ["", None, 3])
def test_a_group_needs_a_name(bad):
    with pytest.raises(TypeError, match="name"):
        group(bad)


def test_groups_survive_pickling():
    with group("g"):
        v = Value(2.0, "a") * 3
    back = pickle.loads(pickle.dumps(v))
    assert back.group.name == "g" and back.children[0].group.name == "g"


# --- groups.tree -------------------------------------------------------------------------

def test_an_mlp_example_has_a_part_per_module_call_and_its_parameters_inside():
    _, out = mlp_example()
    snap = snapshot(out)
    parts, home = tree(snap)
    keys = {p.key for p in parts}
    assert {"MLP", "MLP/L1", "MLP/L2", "MLP/L3", "MLP/L1/L1.N3", "MLP/L2/L2.N16"} <= keys
    by_label = {v.label: home[i] for i, v in enumerate(snap.values) if v.label}
    assert parts[by_label["L1.N3.w[0]"]].key == "MLP/L1/L1.N3"     # the parameter is in its neuron
    assert by_label["x1"] is None                                    # your input stays outside
    sums = [p for p in parts if p.kind == "sum"]
    assert sums and all(p.name == "Σ 17 terms" for p in sums)       # w·x + b over 16 inputs
    assert sum(len(p.members) for p in parts) == len(snap) - 2       # all but x1, x2


def test_a_batch_numbers_the_calls_and_keeps_shared_parameters_in_their_own_part():
    random.seed(3)
    model = MLP(2, [4, 1])
    parts, _ = tree(snapshot(batch_loss(model, n=3)))
    tops = [p for p in parts if p.depth == 0]
    names = [p.name for p in tops]
    assert "MLP parameters" in names and {"MLP #1", "MLP #2", "MLP #3"} <= set(names)
    params = next(p for p in tops if p.kind == "parameters")
    assert params.size == len(model.parameters())
    reg = [p for p in tops if p.kind == "sum" and p.name == f"Σ {len(model.parameters()) + 1} terms"]
    assert len(reg) == 1 and reg[0].size == 2 * len(model.parameters()) + 1   # the adds, the p*p, the 0


def test_keys_are_the_same_for_a_rebuilt_graph():
    model, out = mlp_example((3, 1))
    again = model([Value(0.1, "x1"), Value(0.2, "x2")])
    assert [p.key for p in tree(snapshot(out))[0]] == [p.key for p in tree(snapshot(again))[0]]


# --- groups.project ----------------------------------------------------------------------

def test_the_default_view_of_a_1000_node_mlp_draws_its_neurons_in_layers():
    _, out = mlp_example()
    snap, _, proj = drawn(out)
    assert len(snap) == 979
    s = proj.structure
    boxes = [n for n in s["nodes"] if "group" in n]
    assert len(s["nodes"]) <= BUDGET and len(boxes) == 33
    sizes = ((1, 16), (2, 16), (3, 1))
    assert {n["name"] for n in boxes} == {f"L{k}.N{j}" for k, m in sizes for j in range(1, m + 1)}
    assert {n["cluster"] for n in boxes} == {"MLP/L1", "MLP/L2", "MLP/L3"}
    assert [c["key"] for c in s["clusters"]] == ["MLP", "MLP/L1", "MLP/L2", "MLP/L3"]
    assert s["nodes"][s["root"]]["name"] == "L3.N1"
    assert len(s["edges"]) == 2 * 16 + 16 * 16 + 16
    ids = {n["id"]: i for i, n in enumerate(s["nodes"])}
    assert all(ids[e["src"]] < ids[e["dst"]] for e in s["edges"])         # topological


def test_expanding_everything_draws_every_scalar_edge():
    _, out = mlp_example((4, 4, 1))
    snap, _, proj = drawn(out, {p.key for p in tree(snapshot(out))[0]})
    assert len(proj.structure["nodes"]) == len(snap) and len(proj.structure["edges"]) == len(snap.edges)


@pytest.mark.parametrize("mode", ["accumulate", "overwrite"])
def test_the_projected_replay_is_the_scalar_replay_on_the_drawn_edges(mode):
    _, out = mlp_example()
    snap, _, proj = drawn(out)
    full = replay(snap, mode).to_json()
    shown = proj.replay(full)
    crossing = [(d["edge"], d["value"], d["total"]) for st in full["steps"] for d in st["deposits"]
                if d["edge"] in proj.edge_of]
    deposits = [(d["edge"], d["value"], d["total"]) for st in shown["steps"] for d in st["deposits"]]
    assert [(proj.edge_of[e], v, t) for e, v, t in crossing] == deposits
    assert shown["grad"] == [full["grad"][i] for i in proj.primary]


def test_a_drawn_nodes_grad_is_the_engines_and_an_input_shows_one_term_per_neuron():
    _, out = mlp_example()
    out.backward()
    snap, _, proj = drawn(out)
    shown = proj.replay(replay(snap).to_json())
    for k, i in enumerate(proj.primary):
        assert shown["grad"][k] == pytest.approx(snap.values[i].grad, rel=1e-12, abs=1e-15)
    x1 = next(n["id"] for n in proj.structure["nodes"] if n["label"] == "x1")
    into = [d for st in shown["steps"] for d in st["deposits"]
            if proj.structure["edges"][d["edge"]]["src"] == x1]
    assert len(into) == 16
    x1_grad = next(v.grad for v in snap.values if v.label == "x1")
    assert math.fsum(d["value"] for d in into) == pytest.approx(x1_grad)


def test_a_collapsed_neurons_local_derivative_times_its_grad_is_the_contribution():
    _, out = mlp_example()
    snap, _, proj = drawn(out)
    shown = proj.replay(replay(snap).to_json())
    grads = shown["grad"]
    s = proj.structure
    checked = 0
    for st in shown["steps"]:
        for d in st["deposits"]:
            e = s["edges"][d["edge"]]
            if proj.exact[d["edge"]] and "group" in s["nodes"][e["dst"]]:
                through = proj.local[d["edge"]] * grads[e["dst"]]
                assert through == pytest.approx(d["value"], rel=1e-9, abs=1e-12)
                checked += 1
    assert checked == len(s["edges"])


def test_a_collapsed_part_that_would_make_a_cycle_is_drawn_open():
    x = Value(1.0, "x")
    g = Group("g")
    a = x * 2
    b = a + 1            # outside g (labelled: not drawn in it), between two of its members
    b.label = "b"
    c = b * 3
    a._group = c._group = g
    snap, _, proj = drawn(c, set())
    assert proj.expanded == {"g"} and len(proj.structure["nodes"]) == len(snap)


def test_a_single_neuron_small_enough_is_drawn_open_in_its_frame():
    random.seed(0)
    n = Neuron(2)
    out = n([Value(1.0, "x1"), Value(2.0, "x2")])
    snap, _, proj = drawn(out)
    assert len(proj.structure["nodes"]) == len(snap)
    assert proj.structure["clusters"] == [{"key": "neuron", "name": "neuron", "kind": "neuron",
                                           "parent": None, "size": len(snap) - 2, "parts": {}}]


def test_a_batch_plays_one_step_per_drawn_edge_and_run_with_the_terms_summed():
    random.seed(3)
    model = MLP(2, [4, 1])
    loss = batch_loss(model, n=3)
    loss.backward()
    snap, _, proj = drawn(loss, set())
    s = proj.structure
    full = replay(snap).to_json()
    shown = proj.replay(full)
    deposits = [d for st in shown["steps"] for d in st["deposits"]]
    params = next(n["id"] for n in s["nodes"] if n.get("group", {}).get("kind") == "parameters")
    into = [d for d in deposits if s["edges"][d["edge"]]["src"] == params]
    calls = [n["id"] for n in s["nodes"] if n["name"].startswith("MLP #")]
    # one term from each call of the model, and one from the L2 term's sum
    assert len(into) == len(calls) + 1 == 4
    for d in into:
        scalar = [e for e, k in proj.edge_of.items() if k == d["edge"]]
        want = math.fsum(x["value"] for st in full["steps"] for x in st["deposits"] if x["edge"] in scalar)
        assert d["value"] == pytest.approx(want, rel=1e-9, abs=1e-15)
    # the parameters' grads, summed over everything drawn, are the engine's
    total = math.fsum(d["value"] for d in into)
    assert total == pytest.approx(math.fsum(p.grad for p in model.parameters()), rel=1e-9)
    assert len(deposits) == len(s["edges"])          # each drawn edge passes its terms at once


def test_opening_a_group_draws_the_graph_as_read_last_and_refresh_reads_it_again():
    from gradwidget.widget import GraphWidget
    _, out = mlp_example((4, 1))
    w = GraphWidget(out)
    before = dict(zip((n["name"] for n in w.structure["nodes"]), w.values["data"], strict=True))
    x1 = next(v for v in out.topo() if v.label == "x1")
    x1.data = 7.0                          # changed by hand, not re-evaluated, not refreshed
    out.forward()
    w.expand("L1.N2")
    after = dict(zip((n["name"] for n in w.structure["nodes"]), w.values["data"], strict=True))
    assert "L1.N2.w[0]" in after and after["x1"] == before["x1"] == 0.5
    assert after["L1.N1"] == before["L1.N1"]
    w.refresh()
    assert dict(zip((n["name"] for n in w.structure["nodes"]), w.values["data"], strict=True))["x1"] == 7.0
