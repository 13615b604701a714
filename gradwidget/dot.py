"""`draw_dot`: the graph as a static `graphviz.Digraph`, as in micrograd's notebooks.

Building the Digraph needs only the Python `graphviz` package; rendering it (showing it
in a notebook, `.render()`) needs Graphviz's `dot` program. The live widget needs neither.
"""

import graphviz

from .graph import snapshot

__all__ = ["draw_dot"]

_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in '{}|<>"\\'})


def _record_text(text):
    """User text made literal inside a record label ({, }, |, <, > are syntax there)."""
    return text.translate(_RECORD_SPECIALS).replace("\n", " ")


def draw_dot(root, rankdir="LR"):
    """One record node (label | data | grad) per value, one op node per operation, one edge
    per use of a value: `a + a` draws two edges from `a` into `+`."""
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw_dot(rankdir) must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    snap = snapshot(root)
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
