"""A failed backward() leaves every .grad as it was and says why; threads get exact sums."""

import sys
import threading

import pytest
from test_engine import labelled

from gradwidget import Value


def grads(root):
    """Every node's grad, exactly (repr tells 0.0 from -0.0 and keeps None and nan)."""
    return [repr(v.grad) for v in root.topo()]


def test_an_overflow_leaves_inner_and_root_grads_as_they_were():
    a, c = Value(1e-300, "a"), Value(1.0, "c")
    m = labelled(a * c, "m")
    t = labelled(m * c, "t")
    t.backward()
    before = grads(t)
    c.data = 1e200
    t.forward()                          # data stays finite: m = 1e-100, t = 1e100
    with pytest.raises(FloatingPointError) as err:
        t.backward()                     # dt/da = c * c = 1e400
    assert grads(t) == before
    assert m.grad == 1.0
    message = str(err.value)
    assert "'a'" in message and "inf" in message and "as it was" in message


def test_the_overflow_names_the_node_where_the_gradient_stopped_being_finite():
    x, small, big = Value(1.0, "x"), Value(1e-300, "small"), Value(1e300, "big")
    u = labelled(x * small, "u")
    L = (u * big) * big                  # data 1e300 is finite; dL/du = big * big is not
    with pytest.raises(FloatingPointError, match="gave 'u'"):
        L.backward()
    assert all(v.grad == 0.0 for v in L.topo())          # a new graph stays all zeros


def test_a_grad_that_is_not_a_float_is_refused_before_anything_changes():
    x, w = Value(2.0, "x"), Value(3.0, "w")
    y = x * w + x
    y.backward()
    w.grad = None
    before = grads(y)
    with pytest.raises(TypeError) as err:
        y.backward()
    assert "'w'" in str(err.value) and "None" in str(err.value)
    assert grads(y) == before
    w.grad = 0.0
    y.backward()                         # the retry adds one pass to x, not two
    assert x.grad == 2 * (3.0 + 1.0) and w.grad == 2.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_grad_already_non_finite_is_named_as_such_not_as_an_overflow(bad):
    x, w = Value(2.0, "x"), Value(3.0, "w")
    y = x * w
    w.grad = bad
    before = grads(y)
    with pytest.raises(ValueError) as err:
        y.backward()
    message = str(err.value)
    assert "'w'" in message and "already" in message and "overflow" not in message
    assert grads(y) == before


def test_the_overwrite_bug_does_not_read_the_grads_it_overwrites():
    a = Value(3.0, "a")
    b = a + a
    a.grad = None                        # overwritten, never added to
    b.backward(accumulate=False)
    assert a.grad == 1.0


def test_an_inner_grad_set_by_hand_is_replaced_and_restored_on_failure():
    a, c = Value(1e-300, "a"), Value(1e200, "c")
    m = a * c
    t = m * c
    m.grad = None                        # inner nodes start from 0: harmless ...
    t.grad = "seed"
    with pytest.raises(FloatingPointError):
        t.backward()
    assert m.grad is None and t.grad == "seed"   # ... and put back as it was after a failure


class Interrupting(float):
    """A grad whose addition is interrupted, as by Ctrl-C in the middle of a pass."""

    def __add__(self, other):
        raise KeyboardInterrupt


@pytest.mark.parametrize("passes_before", [0, 1])
def test_an_interrupted_pass_is_undone(passes_before):
    x, w = Value(2.0, "x"), Value(3.0, "w")
    y = (x * w + x) * w
    for _ in range(passes_before):
        y.backward()
    x.grad = Interrupting(1.0)
    before = grads(y)
    with pytest.raises(KeyboardInterrupt):
        y.backward()
    assert grads(y) == before


def together(*work):
    """Run each function in a thread of its own, all at once, the interpreter switching
    threads as often as it can; re-raises the first error of any of them."""
    start = threading.Barrier(len(work))
    errors = []

    def run(fn):
        start.wait()
        try:
            fn()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    if errors:
        raise errors[0]


def shared_graph(n=20_000):
    """x and w used many times; every grad is an integer, so sums are exact in any order."""
    x, w = Value(1.0, "x"), Value(2.0, "w")
    y = x * w
    for i in range(n):
        y = y + x * float(i % 7) + w
    return y, x, w


def test_concurrent_backward_calls_add_exactly_one_pass_each():
    root, x, w = shared_graph()
    root.backward()
    one = {id(v): v.grad for v in root.topo()}
    x.grad = w.grad = 0.0
    together(*[root.backward] * 4)
    assert x.grad == 4 * one[id(x)] and w.grad == 4 * one[id(w)]
    inner = [v for v in root.topo() if v.children]
    assert all(v.grad == one[id(v)] for v in inner)      # each pass starts inner nodes from 0


def test_a_backward_pass_never_mixes_the_numbers_of_two_forward_passes():
    n = 5_000
    x, w = Value(1.0, "x"), Value(2.0, "w")
    y = x * w
    for _ in range(n):
        y = y + x * w                    # n + 1 nodes whose local d/dx is w.data
    got = []

    def move():
        for k in range(40):
            w.data = 3.0 if k % 2 else 2.0
            y.forward()

    def back():
        for _ in range(40):
            x.grad = 0.0
            y.backward()
            got.append(x.grad)

    together(move, back)
    assert len(got) == 40
    assert set(got) <= {2.0 * (n + 1), 3.0 * (n + 1)}   # all the old numbers or all the new
