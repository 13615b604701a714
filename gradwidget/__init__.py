"""gradwidget: see backpropagation happen.

    from gradwidget import Value, GraphWidget
    a = Value(3.0, label="a")
    b = a + a; b.label = "b"
    b.backward()            # a.grad == 2.0: one contribution per use, summed
    GraphWidget(b)          # the graph, with the backward pass played step by step

Values made inside `with group("name"):` (or an nn Neuron, Layer, MLP) are drawn as one
box per group that opens in place. Your own micrograd-style Value class works too:
`GraphWidget(root)` plays your backward() beside the chain rule, `draw_dot(root)` draws it,
`check(root)` says what is wrong in it.
"""

from . import nn
from .controls import interact
from .dot import draw_dot
from .engine import Value, group
from .graph import replay, snapshot

__all__ = ["GraphWidget", "Value", "check", "draw_dot", "group", "interact", "nn", "replay", "snapshot"]
__version__ = "0.1.0"


def check(root):
    """What is wrong with the `_backward` functions of your own Value class, as a list of
    `gradwidget.foreign.Finding`s (`str()` of each is a sentence); empty when they are right.

    `root` is the output of a graph of a micrograd-style class (`data`, `grad`, `_prev`,
    `_op`, `_backward`, optional `label`): see `gradwidget.foreign.check`. Your objects are
    left as they were. For a graph of gradwidget's own `Value` it returns `[]` without
    checking anything: its backward() is gradwidget's, which follows the chain rule (it is
    tested against PyTorch). Anything else is a TypeError naming what it lacks.
    """
    if isinstance(root, Value):
        return []
    from . import foreign
    try:
        foreign.topo(root)
    except TypeError as e:
        raise TypeError(f"check needs a Value of a micrograd-style class: {e}") from None
    return foreign.check(root)


def __getattr__(name):
    # The widget pulls in ipywidgets/anywidget: import it only when it is asked for.
    if name == "GraphWidget":
        from .widget import GraphWidget
        return GraphWidget
    raise AttributeError(f"module 'gradwidget' has no attribute {name!r}")
