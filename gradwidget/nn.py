"""A tiny neural-network library on top of `Value`, with micrograd's signatures."""

import random

from .engine import Value, group

_add, _mul = Value.__add__, Value.__mul__     # called directly: cheaper than `+` and `*`

__all__ = ["MLP", "Layer", "Module", "Neuron"]


class Module:

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


def _where(name, part):
    """A parameter's or value's name by where it lives: `L1.N3` + `w[0]` -> `L1.N3.w[0]`."""
    return f"{name}.{part}" if name else part


class Neuron(Module):
    """act(w · x + b): `nonlin=True` applies relu, else the neuron is linear.

    Its parameters are labelled by where they live, `w[0]`, `w[1]`, …, `b`, under the
    neuron's `name` when it has one (`L1.N3.w[0]` in an MLP); each output it computes is
    labelled with the name (`L1.N3`), so a graph names its neurons."""

    def __init__(self, nin, nonlin=True, name=""):
        if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
            raise ValueError(f"Neuron(nin) needs a positive number of inputs, got {nin!r}")
        self.name = name
        self._group = group(name or "neuron", "neuron")
        with self._group:               # its parameters live in it (gradwidget.groups)
            self.w = [Value(random.uniform(-1, 1), _where(name, f"w[{i}]")) for i in range(nin)]
            self.b = Value(0.0, _where(name, "b"))
        self.nonlin = nonlin

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} takes {len(self.w)} inputs, got {len(x)}")
        with self._group:               # one group per call: drawn as one box
            act = self.b                # b + w0*x0 + w1*x1 + …, as micrograd's sum()
            for wi, xi in zip(self.w, x, strict=True):
                act = _add(act, _mul(wi, xi))     # act + wi * xi, minus the operators' dispatch
            out = act.relu() if self.nonlin else act
        if self.name:
            out.label = self.name
        return out

    def parameters(self):
        return [*self.w, self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """`nout` neurons of `nin` inputs each, named `N1`, `N2`, … (under the layer's `name`)."""

    def __init__(self, nin, nout, name="", **kwargs):
        self.name = name
        self._group = group(name or "layer", "layer")
        with self._group:
            self.neurons = [Neuron(nin, name=_where(name, f"N{j + 1}"), **kwargs) for j in range(nout)]

    def __call__(self, x):
        with self._group:
            out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """`MLP(2, [16, 16, 1])`: relu hidden layers and a linear output layer, named `L1`,
    `L2`, …: its parameters read `L1.N3.w[0]`, `L1.N3.b`, and each neuron's output `L1.N3`."""

    def __init__(self, nin, nouts):
        sz = [nin, *nouts]
        self._group = group("MLP", "mlp")
        with self._group:
            self.layers = [Layer(sz[i], sz[i + 1], name=f"L{i + 1}", nonlin=i != len(nouts) - 1)
                           for i in range(len(nouts))]

    def __call__(self, x):
        if not isinstance(x, (list, tuple)):
            x = [x]
        with self._group:
            for layer in self.layers:
                x = layer(x)
                if not isinstance(x, list):
                    x = [x]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
