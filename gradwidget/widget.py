"""`GraphWidget`: the live computation graph of a `Value` in a notebook.

Python computes everything (snapshot, replays); the browser (js/) lays out with Graphviz
compiled to WebAssembly, draws SVG and plays the replay back. The traits are the whole
contract; docs/protocol.md describes them.
"""

import pathlib
import weakref
from collections import Counter

import anywidget
import traitlets
from ipywidgets import widget_serialization

from . import engine
from .controls import find_leaf, slider_spec
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

    sliders: `{"a": (-3, 3), b_value: (-1, 1, 0.1)}` puts a slider beside the graph for each
    leaf (named by label or passed as the Value); moving it re-evaluates the graph.

    After changing leaf data, call `refresh()` (or `backward()` on the shown root, which
    refreshes it too): the graph is re-evaluated from its leaves and only the numbers move
    (no relayout) unless the shape changed.
    """

    _esm = _bundle("widget.js")      # anywidget reloads it live when ANYWIDGET_HMR=1

    structure = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    mode = traitlets.Enum(WIDGET_MODES, default_value="accumulate").tag(sync=True)
    max_nodes = traitlets.Int(2500).tag(sync=True)
    sliders = traitlets.List().tag(sync=True)
    _engine = traitlets.Instance(LayoutEngine).tag(sync=True, **widget_serialization)

    def __init__(self, root, mode="accumulate", max_nodes=2500, sliders=None, **kwargs):
        self._root = self._check_root(root)
        self.svg = None
        self._svg_path = None
        self._slide = None
        self._shape = None
        super().__init__(mode=mode, max_nodes=max_nodes, _engine=layout_engine(), **kwargs)
        if sliders:
            self._leaf_sliders(sliders)
        self.refresh()
        self.on_msg(self._on_message)
        _showing.add(self)
        if _after_backward not in engine.backward_listeners:
            engine.backward_listeners.append(_after_backward)

    def __repr__(self):
        # Also the text a notebook shows where the widget cannot render (an untrusted
        # notebook, or one saved without widget state): say what would be there.
        n = len(self.structure.get("nodes", ())) or self.structure.get("summary", {}).get("nodes", 0)
        return (f"GraphWidget of {n} node{'' if n == 1 else 's'} (mode={self.mode!r}): run the cell to see the graph "
                "(a saved notebook shows it if it is trusted and was saved with widget state)")

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
        self.refresh(root)

    def refresh(self, root=None):
        """Re-evaluate the graph from its leaves and send what changed to the page.

        Pass `root` to show another graph (e.g. a rebuilt loss): if its shape is the same,
        the picture keeps its layout and only the numbers change.
        """
        self._push(root, {})
        return self

    def _push(self, root, extra):
        """Re-evaluate, snapshot and replay; one `values` update (plus `extra` fields)."""
        root = self._root if root is None else self._check_root(root)
        root.forward()
        self._root = root
        snap = snapshot(root)
        if len(snap) > self.max_nodes:
            shape, values = ("summary", len(snap), len(snap.edges)), {"data": [], "replays": {}}
        else:
            shape = snap.shape()
            values = {
                "data": snap.data(),
                "replays": {m: replay(snap, m).to_json() for m in ("accumulate", "overwrite")},
            }
        if shape != self._shape:              # only a new shape is sent (and relaid out)
            self.structure = _summary(snap) if shape[0] == "summary" else snap.structure()
            self._shape = shape
        self.values = {**values, **extra}

    @traitlets.observe("max_nodes")
    def _max_nodes_changed(self, change):
        if self._root is not None and self.structure:
            self.refresh()

    def _leaf_sliders(self, sliders):
        if not isinstance(sliders, dict):
            raise TypeError(f"sliders must be a dict {{leaf: (min, max[, step])}}, got {sliders!r}")
        nodes = self._root.topo()
        leaves = {}
        specs = []
        for key, spec in sliders.items():
            leaf = find_leaf(nodes, key)
            name = leaf.label or f"value {len(leaves)}"
            leaves[name] = leaf
            specs.append(slider_spec(name, spec, leaf.data))

        def move(inputs):
            for name, x in inputs.items():
                leaves[name].data = x
            return self._root

        self._set_sliders(specs, move)

    def _set_sliders(self, specs, move):
        """Show `specs` as sliders; `move({name: value})` applies them and returns the root."""
        self._slide = move
        self.sliders = specs

    def _on_slide(self, content):
        """A slider moved: apply, re-evaluate, send the numbers (or say what went wrong).

        The page sends one slide at a time and waits for the answer carrying its `seq`
        before sending the latest position, so a fast drag never queues a backlog.
        """
        inputs = {s["name"]: s["value"] for s in self.sliders}
        before = dict(inputs)
        seq = content.get("seq")
        try:
            new = {str(k): float(v) for k, v in content.get("values", {}).items()}
            unknown = sorted(set(new) - set(inputs))
            if unknown:
                raise ValueError(f"no slider named {', '.join(unknown)}")
            inputs.update(new)
            self._push(self._slide(inputs), {"seq": seq, "error": None})
        except Exception as e:                # the page must learn why nothing moved
            self._slide(before)               # put the inputs back as they were
            self.values = {**self.values, "seq": seq, "error": f"{type(e).__name__}: {e}"}
        else:
            self.sliders = [dict(s, value=inputs[s["name"]]) for s in self.sliders]

    def export_svg(self, path=None):
        """Ask the page for the picture as SVG text.

        The page answers after the current cell finishes: the text then lands in
        `widget.svg` and, if `path` is given, in that file.
        """
        self._svg_path = path
        self.send({"type": "export_svg"})

    def _on_message(self, _widget, content, _buffers):
        if not isinstance(content, dict):
            return
        if content.get("type") == "slide" and self._slide is not None:
            self._on_slide(content)
        elif content.get("type") == "svg":
            self.svg = content.get("svg", "")
            if self._svg_path:
                pathlib.Path(self._svg_path).write_text(self.svg)


def _summary(snap):
    """What the page shows instead of a graph too large to draw usefully."""
    ops = Counter(v.op or "leaf" for v in snap.values)
    uses = Counter(src for src, _, _ in snap.edges)
    return {
        "key": f"summary-{len(snap)}-{len(snap.edges)}",
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
