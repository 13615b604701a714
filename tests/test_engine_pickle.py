"""Pickling and deep-copying a graph of any depth: every number kept, shared nodes shared."""

import copy
import pickle
import random

import pytest

from gradwidget import Value, nn


def everything(root):
    """What a graph holds, node by node in topological order, with its shape as ids."""
    order = root.topo()
    ids = {id(v): i for i, v in enumerate(order)}
    return [(repr(v.data), repr(v.grad), v.label, v.op, tuple(ids[id(c)] for c in v.children),
             tuple(map(repr, v.local_grads))) for v in order]


def pickled(root, protocol=pickle.HIGHEST_PROTOCOL):
    return pickle.loads(pickle.dumps(root, protocol))


def deep_chain(depth):
    x = Value(0.5, "x")
    y = x
    for i in range(depth * 2 // 3):                # one node deeper, then two
        y = (y * 0.999 + x) if i % 2 else (y - 0.25)
    y.label = "y"
    y.backward()
    return y


@pytest.mark.parametrize("copier", [pickled, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_a_hundred_thousand_deep_chain_round_trips(copier):
    y = deep_chain(100_000)
    again = copier(y)
    assert again is not y
    assert everything(again) == everything(y)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_plus_a_stays_one_node_used_twice(protocol):
    a = Value(3.0, "a")
    b = a + a
    b.backward()
    again = pickled(b, protocol)
    x, y = again.children
    assert x is y and x.label == "a" and x.grad == 2.0
    assert everything(again) == everything(b)


def test_the_graph_is_kept_as_it_is_even_when_stale():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    L = (a * b + a).tanh()
    L.backward()
    a.data = 5.0                                   # changed by hand, no forward(): kept as is
    again = copy.deepcopy(L)
    assert everything(again) == everything(L)
    again.children[0].children[1].data = 2.0       # the copy is its own graph
    assert a.data == 5.0


def test_parameters_pickled_with_a_loss_are_the_loss_leaves():
    random.seed(0)
    model = nn.MLP(2, [3, 1])
    loss = (model([1.0, -2.0]) - 1.0) ** 2
    loss.backward()
    params, again = pickle.loads(pickle.dumps((model.parameters(), loss)))
    leaves = {id(v) for v in again.topo() if not v.children}
    assert {id(p) for p in params} <= leaves
    assert everything(again) == everything(loss)
    for p in params:
        p.grad = 0.0
    again.backward()                               # the copy trains its own parameters
    assert [p.grad for p in params] == [p.grad for p in model.parameters()]


def test_a_leaf_and_its_label_round_trip():
    a = Value(-1.5, "w0")
    a.grad = 0.25
    again = pickled(a)
    assert (again.data, again.grad, again.label, again.children) == (-1.5, 0.25, "w0", ())
    assert copy.copy(a) is not a and copy.copy(a).data == -1.5
