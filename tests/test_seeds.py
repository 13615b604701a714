"""Every example of the seeds, with their published numbers, correct and with the `=` bug."""

import pytest

from gradwidget import Value


def diamond(a=2.0, b=3.0, c=4.0):
    a, b, c = Value(a, "a"), Value(b, "b"), Value(c, "c")
    L = (a * b + c) * (a - c)
    return L, a, b, c


def test_a_plus_a_sums_two_contributions():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    assert b.data == 6.0 and b.label == "b"
    assert a.grad == 2.0
    assert b.children == (a, a)


def test_a_plus_a_with_the_overwrite_bug_keeps_one():
    a = Value(3.0, label="a")
    b = a + a
    b.backward(accumulate=False)
    assert a.grad == 1.0


def test_product_of_sum_and_product():
    a, b = Value(-2.0, "a"), Value(3.0, "b")
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    # df/da = b*e + d = 3*1 + -6 = -3; df/db = a*e + d = -2 - 6 = -8
    assert (f.data, a.grad, b.grad) == (-6.0, -3.0, -8.0)
    assert (d.grad, e.grad) == (1.0, -6.0)


def test_product_of_sum_and_product_with_the_bug():
    a, b = Value(-2.0, "a"), Value(3.0, "b")
    f = (a * b) * (a + b)
    f.backward(accumulate=False)
    # topo is a, b, d, e, f: f fires (d.grad = 1, e.grad = -6), then e (a = b = -6), then
    # d overwrites both: a = b.data * 1 = 3, b = a.data * 1 = -2.
    assert (a.grad, b.grad) == (3.0, -2.0)


def test_diamond_correct():
    L, a, b, c = diamond()
    L.backward()
    assert L.data == -20.0
    assert (a.grad, b.grad, c.grad) == (4.0, -4.0, -12.0)


def test_diamond_with_the_bug_gives_the_published_wrong_values():
    L, a, b, c = diamond()
    L.backward(accumulate=False)
    assert (a.grad, b.grad, c.grad) == (-6.0, -4.0, -2.0)


def neuron(tanh=True):
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh() if tanh else n
    return o, x1, x2, w1, w2, b


def test_tanh_neuron_of_the_lecture():
    o, x1, x2, w1, w2, b = neuron()
    o.backward()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    assert x1.grad == pytest.approx(-1.5)
    assert w1.grad == pytest.approx(1.0)
    assert x2.grad == pytest.approx(0.5)
    assert w2.grad == pytest.approx(0.0)
    assert b.grad == pytest.approx(0.5)


def test_tanh_neuron_through_exp_matches_tanh():
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))


def test_tanh_neuron_with_the_bug():
    # No value is used twice in the neuron, so the bug changes nothing there.
    o, x1, x2, w1, w2, b = neuron()
    o.backward(accumulate=False)
    assert (x1.grad, w1.grad, x2.grad, w2.grad, b.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0, 0.5))


def test_backward_twice_accumulates_leaves_only():
    a, b, c = Value(2.0, "a"), Value(3.0, "b"), Value(4.0, "c")
    L = (a * b) * c
    L.backward()
    L.backward()
    assert (a.grad, b.grad, c.grad) == (24.0, 16.0, 12.0)
    assert L.children[0].grad == 4.0        # the inner node a*b is not double-counted


def test_eager_overcounts_a_reused_inner_node():
    from gradwidget import replay
    a = Value(1.0, "a")
    b = a + a
    c = b + b
    assert replay(c, "eager").grad[0] == 6.0
    c.backward()
    assert a.grad == 4.0
