"""engine.name(): the label, else the expression a value computes, with Python's precedence,
shortened past NAME_LENGTH; names() gives the same for a whole graph in one pass."""

import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradwidget import Value
from gradwidget.engine import NAME_LENGTH, name, names


def leaves():
    return Value(2.0, "a"), Value(3.0, "b"), Value(4.0, "c")


@pytest.mark.parametrize("make, expect", [
    (lambda a, b, c: (a * b + c) * (a - c), "(a*b + c)*(a - c)"),
    (lambda a, b, c: a - (b - c), "a - (b - c)"),
    (lambda a, b, c: (a - b) - c, "a - b - c"),
    (lambda a, b, c: a + (b + c), "a + (b + c)"),      # the graph's shape, not algebra
    (lambda a, b, c: -(a + b), "-(a + b)"),
    (lambda a, b, c: -a * b, "-a*b"),
    (lambda a, b, c: a * -b, "a*(-b)"),
    (lambda a, b, c: a ** 2, "a**2"),
    (lambda a, b, c: a ** -1, "a**-1"),
    (lambda a, b, c: (a * b) ** 0.5, "(a*b)**0.5"),
    (lambda a, b, c: -(a ** 2), "-(a**2)"),
    (lambda a, b, c: (-a) ** 2, "(-a)**2"),
    (lambda a, b, c: a / (b * c), "a/(b*c)"),
    (lambda a, b, c: (a + b) / c, "(a + b)/c"),
    (lambda a, b, c: (a * b).tanh(), "tanh(a*b)"),
    (lambda a, b, c: (a + b).exp().log(), "log(exp(a + b))"),
    (lambda a, b, c: a * 2, "a*2"),
    (lambda a, b, c: 2 - a, "2 - a"),
    (lambda a, b, c: a + Value(-1.5), "a + (-1.5)"),
    (lambda a, b, c: Value(2.0), "2"),
    (lambda a, b, c: Value(-1.5), "-1.5"),
    (lambda a, b, c: Value(1e-7), "1e-07"),
])
def test_an_unlabelled_value_is_named_by_what_it_computes(make, expect):
    assert name(make(*leaves())) == expect


def test_a_label_wins_and_names_the_value_where_it_is_used():
    a, b, c = leaves()
    d = a * b
    d.label = "d"
    assert name(d) == "d"
    assert name(d + c) == "d + c"


def chain(n):
    x = Value(0.5, "x")
    y = x
    for _ in range(n):
        y = y * x + 1.0
    return y


def test_a_long_expression_keeps_what_fits_and_elides_the_rest():
    a, b, c = leaves()
    long_sum = a * b + b * c + c * a + a * a + b * b + c * c
    assert name(long_sum) == "… + c*c"                   # the left operand alone is too long
    assert name(long_sum.tanh()) == "tanh(…)"
    assert name(-long_sum) == "-…"
    assert name(long_sum ** 2) == "…**2"
    assert name(long_sum * long_sum) == "…*…"
    assert name(a * (b + c + a + b + c + a + b + c + a)) == "a*…"
    assert name(chain(3)) == "((x*x + 1)*x + 1)*x + 1"     # 23 characters: it fits
    assert name(chain(4)) == "… + 1"


def test_a_long_label_is_kept_whole():
    v = Value(1.0, "the learning rate of the second layer")
    assert name(v) == "the learning rate of the second layer"
    assert name(v * 2) == "…*2"


def test_naming_a_value_of_a_deep_graph_reads_only_its_last_few_levels():
    y = chain(100_000)                                    # no recursion limit, no walk of it all
    assert name(y) == "… + 1"


def test_names_accepts_any_object_with_label_op_children_and_data():
    class Node:
        def __init__(self, op="", children=(), data=0.0, label=""):
            self.op, self.children, self.data, self.label = op, children, data, label

    x, one = Node(label="x"), Node(data=1.0)
    plus = Node("+", (x, one))
    relu = Node("ReLU", (plus,))
    assert name(relu) == "ReLU(x + 1)"
    assert names([x, one, plus, relu]) == ["x", "1", "x + 1", "ReLU(x + 1)"]


OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "tanh": lambda x, y: x.tanh(), "neg": lambda x, y: -x, "**2": lambda x, y: x ** 2,
       "relu": lambda x, y: x.relu()}
ops = st.sampled_from(sorted(OPS))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ops, st.integers(0, 99), st.integers(0, 99)), min_size=1, max_size=40),
       st.lists(st.sampled_from(["", "a", "b", "w1", "x"]), min_size=1, max_size=4))
def test_names_of_a_whole_graph_equal_name_of_each_node(prog, labels):
    pool = [Value(float(i + 1), label) for i, label in enumerate(labels)]
    for op, i, j in prog:
        x, y = pool[i % len(pool)], pool[j % len(pool)]
        try:
            pool.append(OPS[op](x, y))
        except ArithmeticError:                           # x / 0, an overflowing power
            continue
    order = pool[-1].topo()
    got = names(order)
    assert got == [name(v) for v in order]
    assert all(len(n) <= NAME_LENGTH or v.label for n, v in zip(got, order, strict=True))


def test_error_messages_name_values_by_their_expression():
    x = Value(-1.0, "x")
    with pytest.raises(ValueError, match=r"log of 'x\*2' = -2.0"):
        (x * 2).log()
