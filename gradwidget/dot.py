"""`draw_dot`: the graph as a static `graphviz.Digraph`, as in micrograd's notebooks.

Building the Digraph needs only the Python `graphviz` package; rendering it (showing it
in a notebook, `.render()`) needs Graphviz's `dot` program. The live widget needs neither.

The root may be a Value of a micrograd-style class of your own (gradwidget.foreign): the
drawing shows your objects' labels, data and grads, one edge per distinct input (as
micrograd's own `draw_dot`), and leaves them as they were.
"""

import graphviz

from . import foreign
from .engine import Value
from .graph import snapshot

__all__ = ["draw_dot"]

_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in '{}|<>"\\'})


def _record_text(text):
    """User text made literal inside a record label ({, }, |, <, > are syntax there)."""
    return text.translate(_RECORD_SPECIALS).replace("\n", " ")


def draw_dot(root, rankdir="LR"):
    """One record node (label | data | grad) per value, one op node per operation, one edge
    per use of a value: `a + a` draws two edges from `a` into `+` (a graph of your own class:
    one edge per distinct input, as in micrograd)."""
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw_dot(rankdir) must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if isinstance(root, Value):
        snap = snapshot(root)
    else:
        try:
            snap = foreign.snapshot(root)
        except TypeError as e:
            raise TypeError(f"draw_dot needs a Value (gradwidget's, or a micrograd-style class "
                            f"of your own): {e}") from None
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": rankdir})
    for i, v in enumerate(snap.values):
        text = f"{{ {_record_text(v.label)} | data {v.data:.4f} | grad {v.grad:.4f} }}"
        dot.node(str(i), label=text, shape="record")
        if v.op:
            dot.node(f"{i}op", label=_record_text(v.op))
            dot.edge(f"{i}op", str(i))
    for src, dst, _slot in snap.edges:
        dot.edge(str(src), f"{dst}op")
    return dot
