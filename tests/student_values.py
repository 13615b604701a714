"""Hand-written Value classes, as students type them while following the micrograd lecture.

gradwidget.foreign must draw, replay and check these without knowing them:
- `BuggyValue`: the lecture's class with the classic bug, `self.grad = ...` in the backward
  of `+` and `*` (the seeds' `=` bug; `a + a` gives a.grad == 1);
- `FixedValue`: the same class with `+=` everywhere (the lecture's final code);
- `TupleValue`: children kept in a tuple (argument order, repeats kept), its own `-`, `/`,
  `neg`, `log`, `sigmoid`, `relu`, and `softplus`, an op gradwidget does not know;
- `ListValue`: `TupleValue` with its children in a list;
- `WrongTanh`: `FixedValue` whose tanh backward forgets the `1 - t**2`;
- `FailingExp`: `FixedValue` whose exp backward raises;
- `BuggySoftplus`: `BuggyValue` with softplus, an op gradwidget does not know;
- `SetMinus`: children in a set and a `-` op of its own, written with `x` and `y` for
  `self` and `other` (nothing says which child is the left one);
- `Averaging`: `+` whose backward averages the grad with its term (neither `=` nor `+=`);
- `RawConstant`: children in a set, and `a * 2` keeps the 2 as a plain number: `{a}`
  alone, as for `a * a`;
- `NoBackward`: data, grad, _prev and label but no `_backward` and no `_op`.
"""

import math


class BuggyValue:

    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        other = other if isinstance(other, BuggyValue) else BuggyValue(other)
        out = BuggyValue(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad = 1.0 * out.grad
            other.grad = 1.0 * out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        other = other if isinstance(other, BuggyValue) else BuggyValue(other)
        out = BuggyValue(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward

        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = BuggyValue(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward

        return out

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __neg__(self):  # -self
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __radd__(self, other):  # other + self
        return self + other

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = BuggyValue(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward

        return out

    def exp(self):
        x = self.data
        out = BuggyValue(math.exp(x), (self, ), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward

        return out

    def backward(self):

        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


class FixedValue:

    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        other = other if isinstance(other, FixedValue) else FixedValue(other)
        out = FixedValue(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        other = other if isinstance(other, FixedValue) else FixedValue(other)
        out = FixedValue(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward

        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = FixedValue(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward

        return out

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __neg__(self):  # -self
        return self * -1

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __radd__(self, other):  # other + self
        return self + other

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = FixedValue(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward

        return out

    def exp(self):
        x = self.data
        out = FixedValue(math.exp(x), (self, ), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward

        return out

    def backward(self):

        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


class TupleValue:
    """Children in a tuple, in argument order: `a + a` records `(a, a)`."""

    def __init__(self, data, children=(), op="", label=""):
        self.data = data
        self.grad = 0.0
        self._prev = tuple(children)
        self._op = op
        self._backward = lambda: None
        self.label = label

    @staticmethod
    def lift(x):
        return x if isinstance(x, TupleValue) else TupleValue(x)

    def __add__(self, other):
        other = self.lift(other)
        out = TupleValue(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = self.lift(other)
        out = TupleValue(self.data - other.data, (self, other), "-")
        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self.lift(other)
        out = TupleValue(self.data * other.data, (self, other), "*")
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = self.lift(other)
        out = TupleValue(self.data / other.data, (self, other), "/")
        def _backward():
            self.grad += out.grad / other.data
            other.grad -= self.data / other.data**2 * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        out = TupleValue(-self.data, (self,), "neg")
        def _backward():
            self.grad -= out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = TupleValue(self.data**k, (self,), f"**{k}")
        def _backward():
            self.grad += k * self.data**(k - 1) * out.grad
        out._backward = _backward
        return out

    def _unary(self, op, f, df):
        out = TupleValue(f(self.data), (self,), op)
        def _backward():
            self.grad += df(self.data, out.data) * out.grad
        out._backward = _backward
        return out

    def log(self):
        return self._unary("log", math.log, lambda x, y: 1 / x)

    def sigmoid(self):
        return self._unary("sigmoid", lambda x: 1 / (1 + math.exp(-x)), lambda x, y: y * (1 - y))

    def relu(self):
        return self._unary("relu", lambda x: max(x, 0.0), lambda x, y: float(x > 0))

    def softplus(self):
        return self._unary("softplus", lambda x: math.log1p(math.exp(x)), lambda x, y: 1 / (1 + math.exp(-x)))

    def backward(self):
        topo, seen = [], set()
        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


class ListValue(TupleValue):
    """`TupleValue` whose children are a list."""

    def __init__(self, data, children=(), op="", label=""):
        super().__init__(data, children, op, label)
        self._prev = list(children)

    @staticmethod
    def lift(x):
        return x if isinstance(x, TupleValue) else ListValue(x)


class WrongTanh(FixedValue):
    """The backward of tanh forgets the derivative: `self.grad += out.grad`."""

    def tanh(self):
        out = FixedValue(math.tanh(self.data), (self,), "tanh")
        def _backward():
            self.grad += out.grad
        out._backward = _backward
        return out


class FailingExp(FixedValue):
    """The backward of exp refers to a name that does not exist."""

    def exp(self):
        out = FixedValue(math.exp(self.data), (self,), "exp")
        def _backward():
            self.grad += out.data * out.grd
        out._backward = _backward
        return out


class BuggySoftplus(BuggyValue):
    """The buggy class with softplus(x) = log(1 + e**x) (its backward is right)."""

    def softplus(self):
        out = BuggyValue(math.log1p(math.exp(self.data)), (self,), "softplus")
        def _backward():
            self.grad += 1 / (1 + math.exp(-self.data)) * out.grad
        out._backward = _backward
        return out


class SetMinus:
    """Children in a set, with its own `-`: for `x - y` the set does not say which is x (and
    the backward's variables are not micrograd's `self` and `other`)."""

    def __init__(self, data, children=(), op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op, self._backward = set(children), op, lambda: None

    def __sub__(x, y):
        out = SetMinus(x.data - y.data, (x, y), "-")
        def _backward():
            x.grad += out.grad
            y.grad -= out.grad
        out._backward = _backward
        return out


class Averaging(SetMinus):
    """`+` whose backward averages: `self.grad = (self.grad + out.grad) / 2`."""

    def __add__(self, other):
        out = Averaging(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad = (self.grad + out.grad) / 2
            other.grad = (other.grad + out.grad) / 2
        out._backward = _backward
        return out


class RawConstant:
    """Sets of children; a number operand stays a number (it is not a child)."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op, self._backward = set(_children), _op, lambda: None

    def __mul__(self, other):
        if isinstance(other, RawConstant):
            out = RawConstant(self.data * other.data, (self, other), "*")
            def _backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
        else:
            out = RawConstant(self.data * other, (self,), "*")
            def _backward():
                self.grad += other * out.grad
        out._backward = _backward
        return out


class NoBackward:
    """A first draft: no `_backward` and no `_op` yet."""

    def __init__(self, data, _children=(), label=""):
        self.data = data
        self.grad = 0.0
        self._prev = set(_children)
        self.label = label

    def __add__(self, other):
        return NoBackward(self.data + other.data, (self, other))
