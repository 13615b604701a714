"""gradwidget: see backpropagation happen.

    from gradwidget import Value, GraphWidget
    a = Value(3.0, label="a")
    b = a + a; b.label = "b"
    b.backward()            # a.grad == 2.0: one contribution per use, summed
    GraphWidget(b)          # the graph, with the backward pass played step by step
"""

from . import nn
from .controls import interact
from .dot import draw_dot
from .engine import Value
from .graph import replay, snapshot

__all__ = ["GraphWidget", "Value", "draw_dot", "interact", "nn", "replay", "snapshot"]
__version__ = "0.1.0"


def __getattr__(name):
    # The widget pulls in ipywidgets/anywidget: import it only when it is asked for.
    if name == "GraphWidget":
        from .widget import GraphWidget
        return GraphWidget
    raise AttributeError(f"module 'gradwidget' has no attribute {name!r}")
