"""+, - and * build their nodes inline: each must equal its op-table entry bit for bit,
errors included, on many inputs (the table is what forward() re-evaluates with)."""

import inspect
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradwidget.engine import _HOT, _OPS, Value, _node

EXTREMES = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 1.0, -1.0, 1e154, 1e200, 1e308,
            -1e308, 1.7976931348623157e308]
floats = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(EXTREMES))


def bits(x):
    return struct.pack("<d", x)          # tells 0.0 from -0.0


def numbers(v):
    return bits(v.data), bits(v.grad), v.op, [bits(d) for d in v.local_grads]


def outcome(make):
    """The numbers of the node `make()` builds, or the error it raises."""
    try:
        return numbers(make())
    except ArithmeticError as e:
        return type(e), str(e)


BINARY = sorted(op for op, line in _HOT.items() if len(line) == 4)
UNARY = sorted(op for op, line in _HOT.items() if len(line) == 3)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(UNARY), floats)
def test_each_inline_unary_op_equals_its_table_entry(op, x):
    a = Value(x, "a")
    method = getattr(Value, _HOT[op][0])
    table = outcome(lambda: _node(op, a))
    assert outcome(lambda: method(a)) == table
    out, da = _OPS[op](x)
    assert table == (bits(out), bits(0.0), op, [bits(da)])
    assert method(a).children == (a,)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(BINARY), floats, floats)
def test_each_inline_op_equals_its_table_entry(op, x, y):
    a, b = Value(x, "a"), Value(y, "b")
    method = getattr(Value, _HOT[op][0])
    table = outcome(lambda: _node(op, a, b))          # the generic path, through _OPS
    assert outcome(lambda: method(a, b)) == table
    if table[0] is not OverflowError:
        out, da, db = _OPS[op](x, y)
        assert table == (bits(out), bits(0.0), op, [bits(da), bits(db)])
        assert method(a, b).children == (a, b)
        assert outcome(lambda: method(a, y)) == table   # a plain number becomes a leaf


@pytest.mark.parametrize("op", BINARY)
def test_an_overflow_in_an_inline_op_raises_the_tables_error(op):
    a, b = Value(1.5e308, "a"), Value(-1.5e308 if op == "-" else 1.5e308, "b")
    with pytest.raises(OverflowError) as err:
        getattr(Value, _HOT[op][0])(a, b)
    message = str(err.value)
    assert message.startswith(f"{op} of 'a' = 1.5e+308 and 'b' = ") and "not finite (inf)" in message


program = st.lists(st.tuples(st.sampled_from(sorted(_HOT)), st.integers(0, 99), st.integers(0, 99)),
                   min_size=1, max_size=30)


def apply(op, *inputs):
    """op on the inputs it takes (the first one or two), by its inline method."""
    return getattr(Value, _HOT[op][0])(*inputs[:len(_HOT[op]) - 2])


def build(prog, data):
    pool = [Value(v) for v in data]
    for op, i, j in prog:
        pool.append(apply(op, pool[i % len(pool)], pool[j % len(pool)]))
    return pool[-1], pool[:len(data)]


def rebuild(root):
    """The graph of `root` built again with the inline ops, from its leaves' data now."""
    made = {}
    for v in root.topo():
        kids = [made[id(c)] for c in v.children]
        made[id(v)] = apply(v.op, *kids) if kids else Value(v.data)
    return made[id(root)]


@settings(max_examples=300, deadline=None)
@given(program, st.lists(floats, min_size=3, max_size=3), st.lists(floats, min_size=3, max_size=3))
def test_forward_with_the_table_gives_what_the_inline_ops_build(prog, data, moved):
    try:
        root, leaves = build(prog, data)
    except OverflowError:
        return
    for leaf, v in zip(leaves, moved, strict=True):
        leaf.data = v
    try:
        fresh = rebuild(root)
    except OverflowError as e:
        with pytest.raises(OverflowError) as err:
            root.forward()
        assert str(err.value) == str(e)
        return
    root.forward()
    assert [numbers(v) for v in root.topo()] == [numbers(v) for v in fresh.topo()]


def test_the_inline_methods_show_their_source():
    source = inspect.getsource(Value.__mul__)
    assert "x * y" in source and "_constant(other, '*')" in source
    assert Value.__mul__.__qualname__ == "Value.__mul__"
