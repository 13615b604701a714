"""A scalar autograd engine: `Value`, its ops, and backpropagation.

Every op is one entry of `_OPS`: a function of the inputs' data that returns the output
and the local derivatives d(out)/d(input), side by side. The same table builds a node and
re-evaluates a fixed graph after its leaves change (`Value.forward`), so each derivative
is written exactly once.

`backward()` is then one loop over the reversed topological order, in which every edge
deposits one *contribution* into its input:

    child.grad += local * node.grad

A value used twice gets one contribution per use, and its gradient is their sum.

The finite-number rule: a `Value` always holds a finite number. An op whose result or
local derivative is not finite (log of 0, 0 ** -1, exp(1000), an overflowing product)
raises an ArithmeticError/ValueError that names the op, its inputs and their labels. A
backward pass whose gradient overflows raises FloatingPointError and leaves every `.grad`
as it was before the call.
"""

import math
from numbers import Real

__all__ = ["Value"]

_INF = math.inf

# Called with the root after every backward(); the widget uses it to redraw the graphs it
# shows. Empty unless a GraphWidget exists, so backward() pays one truth test for it.
backward_listeners = []


# --- the op table: forward value and local derivatives, side by side -------------------

def _add(x, y):
    return x + y, 1.0, 1.0


def _sub(x, y):
    return x - y, 1.0, -1.0


def _mul(x, y):
    return x * y, y, x


def _div(x, y):
    q = x / y                         # ZeroDivisionError for y == 0
    return q, 1.0 / y, -q / y         # d(x/y)/dy = -x/y**2


def _neg(x):
    return -x, -1.0


def _pow(x, k):
    if k == 0:
        return 1.0, 0.0               # x**0 is 1 everywhere, also at 0
    out = x ** k                      # ZeroDivisionError for 0 ** -1
    if isinstance(out, complex):
        raise ValueError("a negative number to a fractional power is complex")
    return out, k * x ** (k - 1)


def _exp(x):
    e = math.exp(x)                   # OverflowError above ~709.78
    return e, e


def _log(x):
    if x <= 0.0:
        raise ValueError("log is only defined for positive numbers")
    return math.log(x), 1.0 / x


def _tanh(x):
    t = math.tanh(x)                  # saturates at +-1, never overflows
    return t, 1.0 - t * t


def _sigmoid(x):
    if x >= 0.0:                      # exp of a non-positive number: no overflow
        s = 1.0 / (1.0 + math.exp(-x))
    else:
        z = math.exp(x)
        s = z / (1.0 + z)
    return s, s * (1.0 - s)


def _relu(x):
    return (x, 1.0) if x > 0.0 else (0.0, 0.0)


_OPS = {
    "+": _add, "-": _sub, "*": _mul, "/": _div,
    "neg": _neg, "**": _pow, "exp": _exp, "log": _log,
    "tanh": _tanh, "sigmoid": _sigmoid, "relu": _relu,
}


def _name(v):
    return repr(v.label) if v.label else "unlabeled"


def _describe(op, a, b, k):
    """`log(a = -1.0 ('x'))`-style text naming an op call, for error messages."""
    if b is not None:
        return f"{op} of {a.data!r} ({_name(a)}) and {b.data!r} ({_name(b)})"
    if op == "**":
        return f"** {k!r} of {a.data!r} ({_name(a)})"
    return f"{op} of {a.data!r} ({_name(a)})"


def _evaluate(op, a, b, k):
    """Run one op of the table; returns (out, da, db) or raises a clear error."""
    fn = _OPS[op]
    try:
        if b is not None:
            out, da, db = fn(a.data, b.data)
        elif k is not None:
            out, da = fn(a.data, k)
            db = 0.0
        else:
            out, da = fn(a.data)
            db = 0.0
    except ZeroDivisionError:
        raise ZeroDivisionError(f"{_describe(op, a, b, k)}: division by zero") from None
    except OverflowError:
        raise OverflowError(f"{_describe(op, a, b, k)}: the result is too large for a float") from None
    except ValueError as e:
        raise ValueError(f"{_describe(op, a, b, k)} is undefined: {e}") from None
    if not (-_INF < out < _INF and -_INF < da < _INF and -_INF < db < _INF):
        what = "result" if not -_INF < out < _INF else "local derivative"
        raise OverflowError(f"{_describe(op, a, b, k)}: the {what} is not finite")
    return out, da, db


def _number(x, what):
    """The float of a real number, or a TypeError/ValueError naming `what`."""
    if x.__class__ is float and -_INF < x < _INF:
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__} {x!r}")
    x = float(x)
    if not -_INF < x < _INF:
        raise ValueError(f"{what} must be finite, got {x!r}")
    return x


class Value:
    """A scalar that remembers how it was computed.

    `a + a` is recorded as two edges into `a` (children are kept in argument order), so
    `backward()` deposits two contributions into `a.grad`.
    """

    __slots__ = ("data", "grad", "_label", "_op", "_a", "_b", "_da", "_db", "_k")

    def __init__(self, data, label=""):
        self._label = ""
        self.label = label
        self.data = _number(data, f"Value(data) of {_name(self)}")
        self.grad = 0.0
        self._op = ""
        self._a = self._b = self._k = None
        self._da = self._db = 0.0

    # --- what a node is -------------------------------------------------------------

    @property
    def label(self):
        return self._label

    @label.setter
    def label(self, text):
        if not isinstance(text, str):
            raise TypeError(f"a Value's label must be a str, got {type(text).__name__} {text!r}")
        self._label = text

    @property
    def op(self):
        """The op that made this value ('+', '*', 'tanh', '**2', …); '' for a leaf."""
        return f"**{self._k:g}" if self._op == "**" else self._op

    @property
    def children(self):
        """The inputs of the op that made this value, in argument order (may repeat)."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def local_grads(self):
        """d(self)/d(child) for each child, in the order of `children`."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    def __repr__(self):
        label = f", label={self._label!r}" if self._label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # --- ops: each is one entry of the table ---------------------------------------

    def __add__(self, other):
        return _node("+", self, other if other.__class__ is Value else _constant(other, "+"))

    def __radd__(self, other):                  # other + self
        return _node("+", _constant(other, "+"), self)

    def __sub__(self, other):
        return _node("-", self, other if other.__class__ is Value else _constant(other, "-"))

    def __rsub__(self, other):                  # other - self
        return _node("-", _constant(other, "-"), self)

    def __mul__(self, other):
        return _node("*", self, other if other.__class__ is Value else _constant(other, "*"))

    def __rmul__(self, other):                  # other * self
        return _node("*", _constant(other, "*"), self)

    def __truediv__(self, other):
        return _node("/", self, other if other.__class__ is Value else _constant(other, "/"))

    def __rtruediv__(self, other):              # other / self
        return _node("/", _constant(other, "/"), self)

    def __neg__(self):
        return _node("neg", self)

    def __pow__(self, k):
        if isinstance(k, Value):
            raise TypeError(
                f"{_name(self)} ** {_name(k)}: the exponent must be a number, not a Value; "
                "for a Value exponent write (b * a.log()).exp()")
        return _node("**", self, None, _number(k, "the exponent of **"))

    def __rpow__(self, base):
        raise TypeError(
            f"{base!r} ** {_name(self)}: a Value exponent is not supported; "
            f"write (x * math.log({base!r})).exp()")

    def exp(self):
        return _node("exp", self)

    def log(self):
        return _node("log", self)

    def tanh(self):
        return _node("tanh", self)

    def sigmoid(self):
        return _node("sigmoid", self)

    def relu(self):
        return _node("relu", self)

    # --- the graph ------------------------------------------------------------------

    def topo(self):
        """Every node this value depends on, inputs before outputs.

        Iterative depth-first search, children visited in argument order, each node
        emitted after its children: the order recursive micrograd would give, without a
        recursion limit. The order is part of the contract: it decides what the `=` bug
        (`backward(accumulate=False)`) produces.
        """
        order = []
        emit = order.append
        seen = set()
        mark = seen.add
        stack = [self]
        push = stack.append
        pop = stack.pop
        while stack:
            node = pop()
            if node is None:             # all children of the node below are emitted
                emit(pop())
                continue
            if node in seen:
                continue
            mark(node)
            a = node._a
            if a is None:
                emit(node)
                continue
            push(node)
            push(None)
            b = node._b
            if b is not None and b not in seen:
                push(b)
            if a not in seen:
                push(a)
        return order

    def backward(self, accumulate=True):
        """Backpropagate from this value: fill `.grad` of every node it depends on.

        accumulate=True (correct): each edge adds its contribution, `grad += local *
        out.grad`. As in PyTorch, leaves keep accumulating over calls (call
        `zero_grad()` between steps) while inner nodes start from 0 on every call.

        accumulate=False reproduces the classic bug `grad = local * out.grad` on
        purpose: every contribution overwrites the one before, so a value used twice
        keeps only the last one. Deterministic, for teaching.
        """
        topo = self.topo()
        leaves = []
        for node in topo:
            if node._a is None:
                leaves.append(node)
            else:
                node.grad = 0.0
        before = [leaf.grad for leaf in leaves]
        if self._a is None:
            self.grad = self.grad + 1.0 if accumulate else 1.0
        else:
            self.grad = 1.0
        if accumulate:
            for node in reversed(topo):
                a = node._a
                if a is None:
                    g = node.grad
                    if not -_INF < g < _INF:
                        self._overflowed(node, leaves, before)
                    continue
                g = node.grad
                a.grad += node._da * g
                b = node._b
                if b is not None:
                    b.grad += node._db * g
        else:
            for node in reversed(topo):
                a = node._a
                if a is None:
                    if not -_INF < node.grad < _INF:
                        self._overflowed(node, leaves, before)
                    continue
                g = node.grad
                a.grad = node._da * g
                b = node._b
                if b is not None:
                    b.grad = node._db * g
        for listener in backward_listeners:
            listener(self)

    def _overflowed(self, leaf, leaves, before):
        """Undo a backward pass whose gradient stopped being finite, and say where."""
        got = leaf.grad
        for node, grad in zip(leaves, before):
            node.grad = grad
        raise FloatingPointError(
            f"backward from {_name(self)} gave {_name(leaf)} (data {leaf.data!r}) the "
            f"non-finite gradient {got!r}: the product of local derivatives along some "
            "path overflowed. The .grad values were left as they were before this call.")

    def forward(self):
        """Re-evaluate this fixed graph after leaf data changed; returns self.

        Every node's data and local derivatives are recomputed from its inputs with the
        same op table that built it, in topological order. Gradients are untouched (call
        `backward()` again). If an op becomes undefined (e.g. log of a value that is now
        negative), the error names it and the whole graph keeps its previous values.
        """
        undo = []
        try:
            for node in self.topo():
                a = node._a
                if a is None:                  # a leaf: its data may have been set by hand
                    x = node.data
                    if x.__class__ is not float or not -_INF < x < _INF:
                        node.data = _number(x, f"the data of {_name(node)}")
                else:
                    undo.append((node, node.data, node._da, node._db))
                    node.data, node._da, node._db = _evaluate(node._op, a, node._b, node._k)
        except (ArithmeticError, ValueError, TypeError):
            for node, data, da, db in undo:
                node.data, node._da, node._db = data, da, db
            raise
        return self


_new = object.__new__


def _node(op, a, b=None, k=None):
    """The output of `op` applied to `a` (and `b`, or the constant `k`), from the op table."""
    out = _new(Value)
    out.data, out._da, out._db = _evaluate(op, a, b, k)
    out.grad = 0.0
    out._label = ""
    out._op = op
    out._a = a
    out._b = b
    out._k = k
    return out


def _constant(x, op):
    """A plain-number operand of `op` as a leaf (a Value subclass is kept as it is)."""
    if isinstance(x, Value):
        return x
    return Value(_number(x, f"the other operand of {op}"))
