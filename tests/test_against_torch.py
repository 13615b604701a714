"""Random expression graphs with heavy reuse, checked against PyTorch float64 and against
central finite differences. hypothesis draws the programs."""

import math
import operator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradwidget import Value

torch = pytest.importorskip("torch", reason="PyTorch is the reference: pip install torch==2.13.0")

BINARY = ["+", "-", "*", "/"]
UNARY = ["neg", "tanh", "sigmoid", "exp", "log", "relu", "**2", "**3", "**-1", "**0.5"]


def apply(op, x, y, lib):
    """One op on gradwidget Values (lib='gw') or torch tensors (lib='torch')."""
    binary = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
    if op in binary:
        return binary[op](x, y)
    if op == "neg":
        return -x
    if op.startswith("**"):
        return x ** float(op[2:])
    return getattr(torch, op)(x) if lib == "torch" else getattr(x, op)()


def admissible(op, x, y):
    """Skip ops that are undefined, non-smooth, or ill-conditioned at these data."""
    if op == "/":
        return abs(y) >= 0.1
    if op in ("log", "**0.5"):
        return x >= 0.1
    if op == "exp":
        return x <= 5
    if op == "**-1":
        return abs(x) >= 0.1
    if op == "relu":
        return abs(x) >= 1e-3
    if op in ("**3", "**2", "*"):
        return abs(x) <= 1e3 and abs(y or 0) <= 1e3
    return True


program = st.lists(
    st.tuples(st.sampled_from(BINARY + UNARY), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1, max_size=40)
leaves = st.lists(st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
                  min_size=1, max_size=5)


def build(steps, data, lib, check=True):
    """Run the program: each step picks its operands among the last few nodes (heavy reuse)."""
    if lib == "gw":
        pool = [Value(v, f"x{i}") for i, v in enumerate(data)]
    else:
        pool = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in data]
    leaves_ = list(pool)
    kept = []
    for op, i, j in steps:
        window = pool[-4:]
        x, y = window[i % len(window)], window[j % len(window)]
        xd = float(x.data if lib == "gw" else x.item())
        yd = float(y.data if lib == "gw" else y.item())
        if check and not admissible(op, xd, yd if op in BINARY else None):
            continue
        pool.append(apply(op, x, y, lib))
        kept.append((op, i, j))
    out = pool[-1]
    for v in pool[-3:-1]:                 # fold a few recent nodes in: more paths, more reuse
        out = out + v
    return out, leaves_, kept


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program, leaves)
def test_gradients_match_pytorch_float64(steps, data):
    out, xs, kept = build(steps, data, "gw")
    tout, txs, _ = build(kept, data, "torch")
    assert out.data == pytest.approx(tout.item(), rel=1e-12, abs=1e-12)
    out.backward()
    tout.backward()
    for x, tx in zip(xs, txs, strict=True):
        expect = 0.0 if tx.grad is None else tx.grad.item()
        assert x.grad == pytest.approx(expect, rel=1e-9, abs=1e-9), x.label


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program, leaves)
def test_gradients_match_finite_differences(steps, data):
    out, xs, kept = build(steps, data, "gw")
    out.backward()
    for k, x in enumerate(xs):
        def at(shift, k=k):
            moved = list(data)
            moved[k] += shift
            try:
                return build(kept, moved, "gw", check=False)[0].data
            except (ArithmeticError, ValueError):
                return math.nan

        def central(h):
            return (at(h) - at(-h)) / (2 * h)
        # Central differences at h and h/2, extrapolated (Richardson): the error is O(h**4)
        # instead of O(h**2), so programs with large curvature (exp of a square, 1/x) stay
        # within the tolerance, and h can be large enough for round-off not to matter.
        h = 1e-3 * max(1.0, abs(data[k]))
        coarse, fine = central(h), central(h / 2)
        if math.isnan(coarse) or math.isnan(fine):
            continue                              # a step left the op's domain: no reference
        fd = (4 * fine - coarse) / 3
        assert x.grad == pytest.approx(fd, rel=1e-4, abs=1e-5 * max(1.0, abs(out.data)))


@settings(max_examples=200, deadline=None)
@given(program, leaves)
def test_forward_re_evaluation_equals_rebuilding(steps, data):
    out, xs, kept = build(steps, data, "gw")
    moved = [v * 0.9 + 0.05 for v in data]
    try:
        fresh = build(kept, moved, "gw", check=False)[0]
    except (ArithmeticError, ValueError):
        return
    for x, v in zip(xs, moved, strict=True):
        x.data = v
    try:
        out.forward()
    except (ArithmeticError, ValueError):
        pytest.fail("re-evaluation failed where rebuilding succeeded")
    assert out.data == fresh.data
    out.backward()
    fresh.backward()
    assert [v.grad for v in out.topo()] == [v.grad for v in fresh.topo()]


def test_a_reused_chain_matches_pytorch():
    # x used at every level: 2**20 paths, one contribution per edge, summed.
    x = Value(0.7, "x")
    tx = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    y, ty = x, tx
    for _ in range(20):
        y = (y * x).tanh() + y
        ty = torch.tanh(ty * tx) + ty
    y.backward()
    ty.backward()
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-12)
