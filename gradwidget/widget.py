"""`GraphWidget`: the live computation graph of a `Value` in a notebook.

Python computes everything (snapshot, replays); the browser (js/) lays out with Graphviz
compiled to WebAssembly, draws SVG and plays the replay back. The traits are the whole
contract; docs/protocol.md describes them.
"""

import os
import pathlib
import weakref
from collections import Counter

import anywidget
import traitlets
from ipywidgets import widget_serialization

from . import engine
from .engine import Value
from .graph import replay, snapshot

__all__ = ["GraphWidget", "LayoutEngine"]

_STATIC = pathlib.Path(__file__).parent / "static"
WIDGET_MODES = ("accumulate", "overwrite", "compare")


def _bundle(name):
    path = _STATIC / name
    if not path.exists():
        raise FileNotFoundError(
            f"gradwidget's browser bundle {path} is missing: install the package with "
            "`pip install .` (which builds it) or run `npm install && npm run build`")
    return path


class LayoutEngine(anywidget.AnyWidget):
    """Carries the Graphviz layout worker (about 800 KB of text) to the page, once.

    Every GraphWidget of a kernel references the same LayoutEngine, so a saved notebook
    stores the worker once, however many graphs it shows. It is never displayed.
    """

    _esm = "export default {};"
    _worker = traitlets.Unicode().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(_worker=_bundle("layout-worker.js").read_text(), **kwargs)


_engine = None


def layout_engine():
    """The kernel's one LayoutEngine (made again if it was closed)."""
    global _engine
    if _engine is None or _engine.comm is None:
        _engine = LayoutEngine()
    return _engine


_showing = weakref.WeakSet()         # the GraphWidgets alive in this kernel


def _after_backward(root):
    for w in list(_showing):
        if w._root is root and w.comm is not None:
            w.refresh()


class GraphWidget(anywidget.AnyWidget):
    """`display(GraphWidget(loss))`: draws the graph under `loss` and plays its backward pass.

    mode: "accumulate" (correct, `+=`), "overwrite" (the classic `=` bug) or "compare"
    (both side by side). The replay never touches your `.grad` values; a graph on which
    `backward()` was never called plays all the same.

    After changing leaf data, call `refresh()` (or `backward()` on the shown root, which
    refreshes it too): the graph is re-evaluated from its leaves and only the numbers move
    (no relayout) unless the shape changed.
    """

    _esm = _bundle("widget.js") if os.environ.get("ANYWIDGET_HMR") else _bundle("widget.js").read_text()

    structure = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    mode = traitlets.Enum(WIDGET_MODES, default_value="accumulate").tag(sync=True)
    max_nodes = traitlets.Int(2500).tag(sync=True)
    _engine = traitlets.Instance(LayoutEngine).tag(sync=True, **widget_serialization)

    def __init__(self, root, mode="accumulate", max_nodes=2500, **kwargs):
        self._root = self._check_root(root)
        self.svg = None
        self._svg_path = None
        super().__init__(mode=mode, max_nodes=max_nodes, _engine=layout_engine(), **kwargs)
        self.refresh()
        self.on_msg(self._on_message)
        _showing.add(self)
        if _after_backward not in engine.backward_listeners:
            engine.backward_listeners.append(_after_backward)

    @staticmethod
    def _check_root(root):
        if not isinstance(root, Value):
            raise TypeError(f"GraphWidget needs a Value to draw, got {type(root).__name__} {root!r}")
        return root

    @property
    def root(self):
        return self._root

    @root.setter
    def root(self, root):
        self._root = self._check_root(root)
        self.refresh()

    def refresh(self, root=None):
        """Re-evaluate the graph from its leaves and send what changed to the page.

        Pass `root` to show another graph (e.g. a rebuilt loss): if its shape is the same,
        the picture keeps its layout and only the numbers change.
        """
        if root is not None:
            self._root = self._check_root(root)
        self._root.forward()
        snap = snapshot(self._root)
        if len(snap) > self.max_nodes:
            structure, values = _summary(snap), {"data": [], "replays": {}}
        else:
            structure = snap.structure()
            values = {
                "data": snap.data(),
                "replays": {m: replay(snap, m).to_json() for m in ("accumulate", "overwrite")},
            }
        if structure.get("key") != self.structure.get("key"):
            self.structure = structure
        self.values = values
        return self

    @traitlets.observe("max_nodes")
    def _max_nodes_changed(self, change):
        if self._root is not None and self.structure:
            self.refresh()

    def export_svg(self, path=None):
        """Ask the page for the picture as SVG text.

        The page answers after the current cell finishes: the text then lands in
        `widget.svg` and, if `path` is given, in that file.
        """
        self._svg_path = path
        self.send({"type": "export_svg"})

    def _on_message(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("type") == "svg":
            self.svg = content.get("svg", "")
            if self._svg_path:
                pathlib.Path(self._svg_path).write_text(self.svg)


def _summary(snap):
    """What the page shows instead of a graph too large to draw usefully."""
    ops = Counter(v.op or "leaf" for v in snap.values)
    uses = Counter(src for src, _, _ in snap.edges)
    return {
        "key": f"summary-{len(snap)}-{len(snap.edges)}-{id(snap.values[-1])}",
        "root": snap.root,
        "nodes": [],
        "edges": [],
        "summary": {
            "nodes": len(snap),
            "edges": len(snap.edges),
            "leaves": ops.pop("leaf", 0),
            "ops": dict(ops.most_common()),
            "multi": sum(1 for n in uses.values() if n > 1),
        },
    }
