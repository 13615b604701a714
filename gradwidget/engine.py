"""A scalar autograd engine: `Value`, its ops, and backpropagation.

Every op is one entry of `_OPS`: a function of the inputs' data that returns the output
and the local derivatives d(out)/d(input), side by side. That table builds a node and
re-evaluates a fixed graph after its leaves change (`Value.forward`), so each derivative
is written once. The ops that make most nodes, `+`, `-` and `*`, are each one line of
`_HOT`, from which both their table function and their inline method are made.

`backward()` is then one loop over the reversed topological order, in which every edge
deposits one *contribution* into its input:

    child.grad += local * node.grad

A value used twice gets one contribution per use, and its gradient is their sum.

The finite-number rule: a `Value` always holds a finite number. An op whose result or
local derivative is not finite (log of 0, 0 ** -1, exp(1000), an overflowing product)
raises an ArithmeticError/ValueError that names the op and its inputs. A backward pass
that fails (a gradient overflows, a `.grad` that is not a finite float) raises and leaves
the `.grad` of every node as it was before the call.

Threads: `backward()`, `forward()` and pickling hold `lock`, one lock for all graphs, so
calls from several threads run one after another, each as if it were alone.
"""

import linecache
import math
import threading
from numbers import Real

__all__ = ["NAME_LENGTH", "Group", "Value", "group", "lock", "name", "names"]

_INF = math.inf
_NEG_INF = -math.inf
_ZERO = 0.0             # the grad every node is made with (see _start)

lock = threading.RLock()
"""Held while a graph's numbers are changed (backward, forward) or read as a whole (pickle,
graph.snapshot). Hold it yourself to do either from several threads at once."""


# --- groups: where a value was made (a neuron, a layer, a block of your own) -------------

class Group:
    """One entry into `group(name)`: the values made meanwhile belong to it.

    A group knows only its name, its kind and the group it was entered in (`parent`);
    how groups are drawn is gradwidget.groups' business. Each entry is a new Group, so two
    calls of one neuron make two groups of the same name.
    """

    __slots__ = ("kind", "name", "parent")

    def __init__(self, name, kind="group", parent=None):
        if not isinstance(name, str) or not name:
            raise TypeError(f"a group's name must be a non-empty str, got {name!r}")
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"a group's kind must be a non-empty str, got {kind!r}")
        self.name = name
        self.kind = kind
        self.parent = parent

    def path(self):
        """The names from the outermost group in, e.g. `("MLP", "L1", "L1.N3")`."""
        names, g = [], self
        while g is not None:
            names.append(g.name)
            g = g.parent
        return tuple(reversed(names))

    def __repr__(self):
        return f"Group({'/'.join(self.path())!r}, kind={self.kind!r})"


_group = None           # the group values are made in now (None: none); see group()


class group:
    """`with group("attention"): ...` puts the values made inside into one group, drawn by
    GraphWidget as one box that expands into them; `@group("attention")` does it for every
    call of a function. Groups nest. nn's Neuron, Layer and MLP use it.

    The current group is one for the process, not per thread: build graphs with groups in
    one thread at a time (backward() and forward() from any thread are unaffected).
    """

    __slots__ = ("_entered", "kind", "name")

    def __init__(self, name, kind="group"):
        Group(name, kind)                    # the same checks, before any `with`
        self.name = name
        self.kind = kind
        self._entered = []

    def __enter__(self):
        global _group
        self._entered.append(_group)
        g = object.__new__(Group)            # checked in __init__: a neuron enters it per call
        g.name, g.kind, g.parent = self.name, self.kind, _group
        _group = g
        return g

    def __exit__(self, *exc):
        global _group
        _group = self._entered.pop()
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def grouped(*args, **kwargs):
            with group(self.name, self.kind):
                return fn(*args, **kwargs)
        return grouped


# --- the op table: forward value and local derivatives, side by side -------------------

# +, -, * and relu make nearly every node of a network, so each is written once as a line
# of _HOT: its result and its local derivatives as expressions of the inputs' data x (and
# y). From that line `_compile_hot` makes both its function in the table and its method on
# Value, which builds the node inline (no table lookup, no tuple, one finiteness test).
# They cannot disagree.

_HOT = {          # op: (method, result, d/dx[, d/dy])
    "+": ("__add__", "x + y", "1.0", "1.0"),
    "-": ("__sub__", "x - y", "1.0", "-1.0"),
    "*": ("__mul__", "x * y", "y", "x"),
    "relu": ("relu", "x if x > 0.0 else 0.0", "1.0 if x > 0.0 else 0.0"),
}


def _div(x, y):
    q = x / y                         # ZeroDivisionError for y == 0
    return q, 1.0 / y, -q / y         # d(x/y)/dy = -x/y**2


def _neg(x):
    return -x, -1.0


def _pow(x, k):
    if k == 0:
        return 1.0, 0.0               # x**0 is 1 everywhere, also at 0
    if x == 0.0 and k < 1:
        raise ZeroDivisionError("0 to a negative power is infinite" if k < 0 else
                                f"the derivative {k:g} * x**{k - 1:g} is infinite at 0")
    out = x ** k                      # OverflowError if too large
    if isinstance(out, complex):
        raise ValueError("a negative number to a fractional power is complex")
    try:
        return out, k * x ** (k - 1)
    except OverflowError:             # e.g. (1e-200) ** -1: the result fits, its slope does not
        return out, math.copysign(_INF, k) * math.copysign(1.0, x) ** (k - 1)


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


_OPS = {                          # + - * relu are added from _HOT, below the Value class
    "/": _div, "neg": _neg, "**": _pow, "exp": _exp, "log": _log,
    "tanh": _tanh, "sigmoid": _sigmoid,
}


def _evaluate(op, a, b, k):
    """Run one op of the table; returns (out, da, db) or raises an error naming the call."""
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
    except ZeroDivisionError as e:
        raise ZeroDivisionError(f"{_call(op, a, b, k)}: {e}") from None
    except OverflowError:
        raise OverflowError(f"{_call(op, a, b, k)}: the result is too large for a float") from None
    except ValueError as e:
        raise ValueError(f"{_call(op, a, b, k)} is undefined: {e}") from None
    if not (_NEG_INF < out < _INF and _NEG_INF < da < _INF and _NEG_INF < db < _INF):
        what, x = ("result", out) if not math.isfinite(out) else (
            "local derivative", da if not math.isfinite(da) else db)
        raise OverflowError(f"{_call(op, a, b, k)}: the {what} is not finite ({x!r})")
    return out, da, db


def _call(op, a, b, k):
    """`* of 'x' = 1e+200 and 'y' = 1e+200`: one op call, for error messages."""
    if b is not None:
        return f"{op} of {_shown(a)} and {_shown(b)}"
    return f"{op}{k:g} of {_shown(a)}" if op == "**" else f"{op} of {_shown(a)}"


def _shown(v):
    """`'x' = -1.0`; an unlabelled leaf is named by its number, so only the number."""
    if v._a is None and not v._label:
        return repr(v.data)
    return f"{name(v)!r} = {v.data!r}"


def _number(x, what):
    """The float of a real number, or a TypeError/ValueError naming `what`."""
    if x.__class__ is float and _NEG_INF < x < _INF:
        return x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__} {_brief(x)}")
    try:
        f = float(x)
    except OverflowError:
        raise ValueError(f"{what} must be finite, got {_brief(x)}: too large for a float "
                         "(the largest is about 1.8e308)") from None
    if not math.isfinite(f):
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


def _brief(x):
    """repr(x), kept short: an int of 400 digits is described, not printed."""
    if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 64:
        return f"an int of about {int(x.bit_length() * math.log10(2)) + 1} digits"
    text = repr(x)
    return text if len(text) <= 60 else text[:59] + "…"


class Value:
    """A scalar that remembers how it was computed.

    `a + a` is recorded as two edges into `a` (children are kept in argument order), so
    `backward()` deposits two contributions into `a.grad`.
    """

    __slots__ = ("_a", "_b", "_da", "_db", "_group", "_k", "_label", "_op", "_seen", "data", "grad")

    def __init__(self, data, label=""):
        self._label = ""
        self.label = label
        self.data = _number(data, f"Value(data) of {label!r}" if label else "Value(data)")
        self.grad = _ZERO
        self._op = ""
        self._a = self._b = self._k = self._seen = None
        self._da = self._db = 0.0
        self._group = _group

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
    def group(self):
        """The Group this value was made in (`with group(...)`, an nn module), or None."""
        return self._group

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

    # --- ops: +, -, * and relu are made from _HOT below; the others use the table ------

    def __truediv__(self, other):
        return _node("/", self, _constant(other, "/"))

    def __radd__(self, other):                  # other + self
        return _constant(other, "+") + self

    def __rsub__(self, other):                  # other - self
        return _constant(other, "-") - self

    def __rmul__(self, other):                  # other * self
        return _constant(other, "*") * self

    def __rtruediv__(self, other):              # other / self
        return _node("/", _constant(other, "/"), self)

    def __neg__(self):
        return _node("neg", self)

    def __pow__(self, k):
        if isinstance(k, Value):
            raise TypeError(
                f"{name(self)!r} ** {name(k)!r}: the exponent must be a number, not a Value; "
                "for a Value exponent write (b * a.log()).exp()")
        return _node("**", self, None, _number(k, "the exponent of **"))

    def __rpow__(self, base):
        raise TypeError(
            f"{base!r} ** {name(self)!r}: a Value exponent is not supported; "
            f"write (x * math.log({base!r})).exp()")

    def exp(self):
        return _node("exp", self)

    def log(self):
        return _node("log", self)

    def tanh(self):
        return _node("tanh", self)

    def sigmoid(self):
        return _node("sigmoid", self)

    # --- the graph ------------------------------------------------------------------

    def topo(self):
        """Every node this value depends on, inputs before outputs.

        Iterative depth-first search, children visited in argument order, each node
        emitted after its children: the order recursive micrograd would give, without a
        recursion limit. The order is part of the contract: it decides what the `=` bug
        (`backward(accumulate=False)`) produces.
        """
        order = []
        stack = [self]
        seen = object()                      # this search's mark, kept in node._seen
        with lock:                           # one search at a time writes the marks
            while stack:
                node = stack.pop()
                if node is None:             # all inputs of the node below are emitted
                    order.append(stack.pop())
                    continue
                while node._seen is not seen:    # go down the first inputs
                    node._seen = seen
                    a = node._a
                    if a is None:
                        order.append(node)
                        break
                    b = node._b
                    if b is not None and b._seen is not seen:
                        stack.append(node)       # emitted after a's inputs, then b's
                        stack.append(None)
                        stack.append(b)
                    elif a._seen is seen:        # every input is emitted already
                        order.append(node)
                        break
                    else:
                        stack.append(node)       # emitted after a's inputs
                        stack.append(None)
                    node = a
        return order

    def backward(self, accumulate=True):
        """Backpropagate from this value: fill `.grad` of every node it depends on.

        accumulate=True (correct): each edge adds its contribution, `grad += local *
        out.grad`. As in PyTorch, leaves keep accumulating over calls (call
        `zero_grad()` between steps) while inner nodes start from 0 on every call.

        accumulate=False reproduces the classic bug `grad = local * out.grad` on
        purpose: every contribution overwrites the one before, so a value used twice
        keeps only the last one. Deterministic, for teaching.

        If it fails, every `.grad` (leaves, inner nodes, this one) is left as it was and
        the error says why: FloatingPointError if a gradient overflows, TypeError or
        ValueError if a leaf's `.grad` to add to is not a finite float. Calls from several
        threads run one at a time (they hold `lock`), so four concurrent calls add exactly
        four contributions to each leaf.
        """
        with lock:
            topo = self.topo()
            saved = []                       # (node, grad) of every grad the pass changes
            started = False
            try:
                _start(self, topo, accumulate, saved)
                started = True
                _deposit(self, topo, accumulate)
            except BaseException:            # also KeyboardInterrupt: never half a pass
                if started:                  # it also wrote into grads that were a fresh 0
                    for node in topo:
                        node.grad = _ZERO
                for node, grad in saved:
                    node.grad = grad
                raise

    def forward(self):
        """Re-evaluate this fixed graph after leaf data changed; returns self.

        Every node's data and local derivatives are recomputed from its inputs with the
        same op table that built it, in topological order. Gradients are untouched (call
        `backward()` again). If an op becomes undefined (e.g. log of a value that is now
        negative), the error names it and the whole graph keeps its previous values.
        """
        with lock:
            undo = []
            try:
                for node in self.topo():
                    a = node._a
                    undo.append((node, node.data, node._da, node._db))
                    if a is None:              # a leaf: its data may have been set by hand
                        x = node.data
                        if x.__class__ is not float or not _NEG_INF < x < _INF:
                            node.data = _number(x, f"the data of {name(node)!r}")
                    else:
                        node.data, node._da, node._db = _evaluate(node._op, a, node._b, node._k)
            except BaseException:
                for node, data, da, db in undo:
                    node.data, node._da, node._db = data, da, db
                raise
        return self

    def __reduce__(self):
        """Pickle (and copy.deepcopy) a graph of any depth: its nodes in a flat list.

        A leaf is pickled on its own, so a model's parameters stay the same objects as
        the leaves of a loss pickled with them; inside one graph every node stays one
        object however many times it is used (`a + a` keeps one `a`).
        """
        if self._a is None:
            return _leaf, (type(self), self.data, self.grad, self._label, self._group)
        with lock:
            order = self.topo()
            index = {node: i for i, node in enumerate(order)}
            flat = [node if node._a is None else
                    (node._op, index[node._a], index.get(node._b), node._k,
                     node.data, node._da, node._db, node.grad, node._label, node._group)
                    for node in order]
        return _rebuild, (flat,)


_new = object.__new__

_HOT_SOURCE = """\
def table({x}):
    return {result}, {slopes}

def method(self{other}):
{read}    data = {result}
    if not _NEG_INF < data < _INF:
        return _node({op!r}, self{other})      # the op table raises the error
    out = _new(Value)
    out.data = data
    out.grad = _ZERO
    out._label = ""
    out._op = {op!r}
    out._a = self
    out._b = {b}
    out._da = {da}
    out._db = {db}
    out._k = out._seen = None
    out._group = _group
    return out
"""
_READ_ONE = "    x = self.data\n"
_READ_TWO = """\
    if other.__class__ is not Value:
        other = _constant(other, {op!r})
    x = self.data
    y = other.data
"""


def _compile_hot(op):
    """The table function and the Value method of a `_HOT` op, from its one line."""
    method, result, *slopes = _HOT[op]
    two = len(slopes) == 2
    source = _HOT_SOURCE.format(
        op=op, result=result, slopes=", ".join(slopes), x="x, y" if two else "x",
        other=", other" if two else "", b="other" if two else "None",
        da=slopes[0], db=slopes[1] if two else "0.0",
        read=_READ_TWO.format(op=op) if two else _READ_ONE)
    filename = f"<gradwidget.engine _HOT[{op!r}]>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    made = {}
    exec(compile(source, filename, "exec"), globals(), made)
    made["method"].__name__ = method
    made["method"].__qualname__ = f"Value.{method}"
    return made["table"], made["method"]


for _op, (_method, *_) in _HOT.items():
    _OPS[_op], _fast = _compile_hot(_op)
    setattr(Value, _method, _fast)
del _op, _method, _fast


def _make(op, data, a, b, da, db, k=None):
    """A new node, the output of `op` on `a` (and `b`), its numbers already computed."""
    out = _new(Value)
    out.data = data
    out.grad = _ZERO
    out._label = ""
    out._op = op
    out._a = a
    out._b = b
    out._da = da
    out._db = db
    out._k = k
    out._seen = None
    out._group = _group
    return out


def _node(op, a, b=None, k=None):
    """The output of `op` applied to `a` (and `b`, or the constant `k`), from the op table."""
    out, da, db = _evaluate(op, a, b, k)
    return _make(op, out, a, b, da, db, k)


def _constant(x, op):
    """A plain-number operand of `op` as a leaf (a Value subclass is kept as it is)."""
    if isinstance(x, Value):
        return x
    return Value(_number(x, f"the other operand of {op}"))


def _leaf(cls, data, grad, label, group=None):
    v = _new(cls)
    Value.__init__(v, data, label)
    v.grad = grad
    v._group = group
    return v


def _rebuild(flat):
    """The graph `Value.__reduce__` flattened; returns its root."""
    nodes = []
    for item in flat:
        if isinstance(item, Value):            # a leaf, unpickled on its own
            nodes.append(item)
            continue
        op, a, b, k, data, da, db, grad, label, *grouped = item
        node = _make(op, data, nodes[a], None if b is None else nodes[b], da, db, k)
        node.grad = grad
        node._label = label
        node._group = grouped[0] if grouped else None
        nodes.append(node)
    return nodes[-1]


# --- backward ----------------------------------------------------------------------------

def _start(root, topo, accumulate, saved):
    """Before a pass: zero the inner nodes' grads and check the leaves' ones.

    Saves in `saved` every grad that is not the 0 a node was made with (`_ZERO` itself:
    a new graph, the usual case, has nothing to save but its leaves' grads).
    """
    for node in topo:
        g = node.grad
        if g is not _ZERO:
            saved.append((node, g))
            if node._a is not None:          # inner nodes start from 0
                node.grad = _ZERO
            elif accumulate and (g.__class__ is not float or not _NEG_INF < g < _INF):
                _check_grad(node, root)      # a leaf adds to its grad: it must be a number


def _deposit(root, topo, accumulate):
    """The pass itself: seed the root, then every edge deposits local * out.grad."""
    root.grad = root.grad + 1.0 if accumulate and root._a is None else 1.0
    leaves = []
    for node in reversed(topo):
        a = node._a
        if a is None:
            leaves.append(node)
            continue
        g = node.grad
        b = node._b
        if accumulate:
            a.grad += node._da * g
            if b is not None:
                b.grad += node._db * g
        else:                                # the `=` bug, on purpose
            a.grad = node._da * g
            if b is not None:
                b.grad = node._db * g
    for leaf in leaves:                      # a non-finite grad always reaches a leaf
        if not _NEG_INF < leaf.grad < _INF:
            raise _overflowed(root, topo)


def _check_grad(leaf, root):
    """Refuse a leaf grad that backward() could not add to, before the pass begins."""
    g = leaf.grad
    if isinstance(g, bool) or not isinstance(g, float):
        what = "None" if g is None else f"the {type(g).__name__} {_brief(g)}"
        raise TypeError(
            f"backward() from {name(root)!r} adds to {name(leaf)!r}.grad, which is {what}, "
            "not a float: set it to 0.0 (zero_grad()) first. Every .grad was left as it was.")
    if not math.isfinite(g):
        raise ValueError(
            f"backward() from {name(root)!r} adds to {name(leaf)!r}.grad, which was already "
            f"{g!r} before this call: set it to 0.0 (zero_grad()) first. "
            "Every .grad was left as it was.")


def _overflowed(root, topo):
    """The error of a pass whose gradient stopped being finite, naming where it started."""
    node = next(v for v in reversed(topo) if not math.isfinite(v.grad))
    return FloatingPointError(
        f"backward() from {name(root)!r} gave {name(node)!r} (data {node.data!r}) the "
        f"non-finite gradient {node.grad!r}: the product of local derivatives along some "
        "path into it overflowed. Every .grad was left as it was before this call.")


# --- names: the label, else the expression a value computes ------------------------------

NAME_LENGTH = 24        # a longer expression is shortened with "…"

_SUM, _PRODUCT, _NEG, _POWER, _ATOM = range(5)       # how tightly each form binds
_INFIX = {"+": (" + ", _SUM), "-": (" - ", _SUM), "*": ("*", _PRODUCT), "/": ("/", _PRODUCT)}
_ELIDED = ("…", _ATOM)


def name(value):
    """What to call a value in text: its label, else the expression it computes.

    `a*b + c`, `tanh(n)`, `-x`, `x**2`, `(a + b)*c`: the inputs' names with Python's
    precedence (parentheses only where needed). An unlabelled leaf is named by its value
    (`2`, `-1.5`). An expression longer than NAME_LENGTH keeps what fits and elides the
    rest: `a*b + …`, `tanh(…)`. Reads only `label`, `op`, `children` and `data`, so any
    object that has them can be named (the student's own Value, gradwidget.foreign).
    """
    return _name(value, _whole)


def names(order):
    """`[name(v) for v in order]` in linear time, for `order` with inputs before outputs
    (e.g. `root.topo()`): each value's expression is built once."""
    known = {}

    def fits(v, room):
        part = known[id(v)]
        return part if part is not None and len(part[0]) <= room else None

    result = []
    for v in order:
        known[id(v)] = _expression(v, NAME_LENGTH, fits)
        result.append(_name(v, fits))
    return result


def _whole(v, room):
    return _expression(v, room, _whole)


def _name(v, sub):
    label = v.label
    if label:
        return label
    kids = v.children
    if not kids:
        return _number_text(v.data)
    whole = sub(v, NAME_LENGTH)
    if whole is not None:
        return whole[0]
    op = v.op                           # too long: keep an input that fits, elide the rest
    if len(kids) == 2 and op in _INFIX:
        sym, prec = _INFIX[op]
        left = sub(kids[0], NAME_LENGTH - len(sym) - 1)
        if left is not None:
            text = _infix(left, sym, prec, _ELIDED)
            if len(text) <= NAME_LENGTH:
                return text
        right = sub(kids[1], NAME_LENGTH - len(sym) - 1)
        if right is not None:
            text = _infix(_ELIDED, sym, prec, right)
            if len(text) <= NAME_LENGTH:
                return text
        return _infix(_ELIDED, sym, prec, _ELIDED)
    short = _expression(v, NAME_LENGTH, lambda kid, room: _ELIDED)     # tanh(…), -…, …**2
    return short[0] if short else f"{op}(…)"


def _expression(v, room, sub):
    """(text, precedence) of the whole expression `v` computes if it fits in `room`
    characters, else None; `sub(input, room)` answers the same for an input."""
    if room < 1:
        return None
    label = v.label
    kids = v.children
    op = v.op
    if label:
        text, prec = label, _ATOM
    elif not kids:
        text = _number_text(v.data)
        prec = _NEG if text.startswith("-") else _ATOM
    elif len(kids) == 2 and op in _INFIX:
        sym, prec = _INFIX[op]
        left = sub(kids[0], room - len(sym) - 1)
        if left is None:
            return None
        right = sub(kids[1], room - len(left[0]) - len(sym))
        if right is None:
            return None
        text = _infix(left, sym, prec, right)
    elif len(kids) == 1 and op in ("neg", "-"):
        inner = sub(kids[0], room - 1)
        if inner is None:
            return None
        text, prec = "-" + _wrap(inner, _POWER), _NEG
    elif len(kids) == 1 and op.startswith("**"):
        base = sub(kids[0], room - len(op))
        if base is None:
            return None
        text, prec = _wrap(base, _POWER) + op, _POWER
    else:                               # tanh(x), and any op as a call: op(x, y)
        args = []
        used = len(op) + 2
        for kid in kids:
            arg = sub(kid, room - used)
            if arg is None:
                return None
            args.append(arg[0])
            used += len(arg[0]) + 2
        text, prec = f"{op}({', '.join(args)})", _ATOM
    return (text, prec) if len(text) <= room else None


def _infix(left, sym, prec, right):
    """`left sym right`, parenthesising an operand that binds less tightly (or, on the
    right, as tightly: a - (b - c)) and a negative right operand: a*(-b)."""
    rtext, rprec = right
    rtext = f"({rtext})" if rprec <= prec or rprec == _NEG else rtext
    return _wrap(left, prec - 1) + sym + rtext


def _wrap(part, above):
    text, prec = part
    return text if prec > above else f"({text})"


def _number_text(x):
    try:
        return f"{x:g}"
    except (TypeError, ValueError):     # data set by hand to something else
        return _brief(x)
