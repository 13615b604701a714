"""`GraphWidget`: the live computation graph of a `Value` in a notebook.

Python computes everything (snapshot, replays); the browser (js/) lays out with Graphviz
compiled to WebAssembly, draws SVG and plays the replay back. The traits are the whole
contract; docs/protocol.md describes them and gradwidget/protocol.py types them.

The widget never changes what the engine does: it reads the graph when asked (`refresh()`)
and re-evaluates it only for its own sliders, as a transaction that puts every node back
if anything fails.
"""

import hashlib
import json
import os
import pathlib
import sys
from collections import Counter
from itertools import chain
from operator import attrgetter

import anywidget
import traitlets
from ipywidgets import widget_serialization

from . import engine, foreign, groups
from .controls import find_leaf, finite, slider_spec
from .engine import Value, lock, name
from .graph import deposits, replay, snapshot
from .protocol import SliderSpec, Structure, Values
from .quiz import QuizMixin

__all__ = ["EAGER_MAX_STEPS", "MAX_NODES", "SCALES", "STARTS", "VIEWS", "GraphWidget", "LayoutEngine"]

_HERE = pathlib.Path(__file__).parent
_STATIC = _HERE / "static"
_MODES = json.loads((_HERE / "modes.json").read_text())
VIEWS = tuple(_MODES["views"])              # the values of the `mode` trait
PANELS = tuple(dict.fromkeys(p for v in _MODES["views"].values() for p in v["panels"]))
# The views that apply to a graph (values.views, the mode switch's choices): a hand-written
# class's backward ("observed") only to theirs, the bugs gradwidget stages only to its Values.
_VIEWS_OF = {
    "own": tuple(v for v in VIEWS if "observed" not in _MODES["views"][v]["panels"]),
    "foreign": tuple(v for v in VIEWS if set(_MODES["views"][v]["panels"]) <= {"accumulate", "observed"}),
}
MAX_NODES = 100_000                         # the most `max_nodes` may be (a page's "Draw anyway")
GROUP_MAX_NODES = 200_000                   # a larger graph is summed up, not grouped
DRAWN_CACHE_NODES = 20_000                  # up to this size opening a group reuses the last read
EAGER_MAX_STEPS = 5000                      # above this the eager replay is sent as an error
STARTS = ("begin", "end")                   # the values of the `start` trait
SCALES = (0.5, 3.0)                         # the range of the `scale` trait (text scale)

NOT_FOREIGN = (
    "this graph is made of gradwidget Values: its backward() is gradwidget's own; 'observed' "
    "plays a hand-written Value class's backward()")

EAGER_TOO_LONG = (
    f"the eager replay of this graph needs more than {EAGER_MAX_STEPS:,} steps (it revisits a "
    "reused node once per path); the eager bug shows best on small graphs such as "
    "a = 1; b = a + a; c = b + b")


def _bundle(filename):
    path = _STATIC / filename
    if not path.exists():
        raise FileNotFoundError(
            f"gradwidget's browser bundle {path} is missing: install the package with "
            "`pip install .` (which builds it) or run `npm install && npm run build`")
    return path


class LayoutEngine(anywidget.AnyWidget):
    """Carries what every graph's page needs to the page, once: the Graphviz layout worker
    (about 800 KB of text) and the graph's view (js/widget.js, about 75 KB).

    Every GraphWidget of a kernel references the same LayoutEngine, so a saved notebook
    stores these once, however many graphs it shows; each GraphWidget's own `_esm` is a
    small loader (js/loader.js) that renders with the view found here. It is never displayed.
    """

    _esm = "export default {};"
    _worker = traitlets.Unicode().tag(sync=True)
    _view = traitlets.Unicode().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(_worker=_bundle("layout-worker.js").read_text(),
                         _view=_bundle("widget.js").read_text(), **kwargs)


def _scale_problem(x):
    """Why `x` cannot be the text scale, or None: a finite number (not a bool) in SCALES."""
    if finite(x) and SCALES[0] <= x <= SCALES[1]:
        return None
    return f"scale must be a finite number from {SCALES[0]:g} to {SCALES[1]:g}, got {_short(x)}"


class _Scale(traitlets.Float):
    """The text scale: a Float that also refuses bools, NaN, infinities and numbers outside
    SCALES (traitlets' Float takes True as 1.0, and NaN)."""

    info_text = f"a finite number from {SCALES[0]:g} to {SCALES[1]:g}"

    def validate(self, obj, value):
        problem = _scale_problem(value)
        if problem:
            raise traitlets.TraitError(problem)
        return float(value)


_layout_engines = {}                        # front-end scope -> its LayoutEngine


def layout_engine():
    """The LayoutEngine for a widget made now: one per kernel in Jupyter (made again if
    it was closed); in marimo one per session and cell (see `_scope`)."""
    scope = _scope()
    engine = _layout_engines.get(scope)
    if engine is None or _closed(engine):
        for key in [k for k, e in _layout_engines.items() if _closed(e)]:
            del _layout_engines[key]
        engine = _layout_engines[scope] = LayoutEngine()
    return engine


def _closed(widget):
    """Whether a widget's comm is gone: None (closed in Jupyter), or closed while still set
    (marimo closes a re-run cell's comms and leaves `widget.comm` as it was)."""
    return widget.comm is None or getattr(widget.comm, "_closed", False)


def _scope():
    """Where one LayoutEngine may be shared: None (the kernel) except in marimo, whose
    `marimo run` serves each browser session as a thread of one process (a model made in
    one session never reaches another's page) and closes a cell's comms when it runs
    again (a model made in another cell would vanish under this cell's widgets): there,
    the session's runtime context and the running cell."""
    context = sys.modules.get("marimo._runtime.context")
    if context is None:
        return None
    try:
        ctx = context.get_context()
    except Exception:                        # not inside a marimo cell run
        return None
    cell = getattr(getattr(ctx, "execution_context", None), "cell_id", None)
    return (id(ctx), cell)


class GraphWidget(QuizMixin, anywidget.AnyWidget):
    """`display(GraphWidget(loss))`: draws the graph under `loss` and plays its backward pass.

    mode: "accumulate" (correct, `+=`), "overwrite" (the classic `=` bug), "compare"
    (both side by side), "eager" (the recursion bug: a reused inner node is counted once per
    path) or "compare-eager" (accumulate beside eager). The replay never touches your
    `.grad` values; a graph on which `backward()` was never called plays all the same.

    root may also be a Value of a class of your own, micrograd-style (`data`, `grad`,
    `_prev`, `_op`, `_backward`, optional `label`): the graph, data and grads drawn are
    yours, the "observed" replay plays your own `_backward` functions one node at a time
    (gradwidget.foreign), beside the chain rule in mode "compare-observed" (the default for
    such a root), and the page says what `gradwidget.check(root)` finds. Your objects are
    left as they were. Sliders need gradwidget Values (your forward pass cannot be re-run).

    start: "begin" (the lesson's beginning: no gradient yet but the root's seed) or "end"
    (the finished backward pass). forward: play the forward pass, node by node, before the
    backward pass. scale: the text scale of the drawing, from 0.5 to 3 (1.5 for a lecture
    hall).

    sliders: `{"a": (-3, 3), b_value: (-1, 1, 0.1)}` puts a slider beside the graph for each
    leaf (named by label or passed as the Value); moving it sets the leaf and re-evaluates
    the graph (`forward()`).

    quiz: `True` asks the student for every grad but the output's, `["a", c]` for those
    nodes (labels or Values); the page hides them until answered (gradwidget/quiz.py).
    quiz_mode: the replay whose grads are the answers (default: the view's first panel).
    Results: `quiz_results`, `quiz_score`; `reset_quiz()` starts again.

    `refresh()` sends the numbers the graph holds now. It does not re-evaluate: after
    changing leaf data, call `root.forward()` (and `backward()` if you want `.grad`), then
    `refresh()`. Until then the page says which data changed since the last forward().
    """

    _request = traitlets.Dict().tag(sync=True)   # what Python asks the page for (export_svg, ...)
    _requests = 0
    animation = None                 # the last animated SVG the page sent (export_animation)
    animation_error = None           # why the page could not make it
    # The loader, which renders with the view the LayoutEngine carries; while developing with
    # ANYWIDGET_HMR=1 the view itself, which anywidget then reloads live on every build.
    _esm = _bundle("widget.js") if os.environ.get("ANYWIDGET_HMR") == "1" else _bundle("loader.js")

    structure = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    mode = traitlets.Enum(VIEWS, default_value="accumulate").tag(sync=True)
    max_nodes = traitlets.Int(2500).tag(sync=True)
    start = traitlets.Enum(STARTS, default_value="begin").tag(sync=True)
    forward = traitlets.Bool(False).tag(sync=True)
    scale = _Scale(1.0).tag(sync=True)
    sliders = traitlets.List().tag(sync=True)
    # The keys of the groups drawn open (gradwidget.groups); None: the default view, which
    # opens groups level by level while it draws at most groups.BUDGET nodes (the page may set it).
    expanded = traitlets.List(traitlets.Unicode(), default_value=None, allow_none=True).tag(sync=True)
    _engine = traitlets.Instance(LayoutEngine).tag(sync=True, **widget_serialization)

    def __init__(self, root, mode=None, max_nodes=2500, sliders=None, start="begin",
                 forward=False, scale=1.0, quiz=None, quiz_mode=None, **kwargs):
        self._quiz_check(root, quiz, quiz_mode)
        self._root = self._check_root(root)
        if mode is None:                      # yours: the chain rule beside your backward()
            mode = "accumulate" if isinstance(root, Value) else "compare-observed"
        if sliders and not isinstance(root, Value):
            raise TypeError(_no_sliders(root, "sliders"))
        self._grouping = quiz is None or quiz is False    # a quiz asks about every value
        self._drawn = None                    # the last grouped read (see _expanded_changed)
        self.svg = None
        self._svg_path = None
        self._slide = None
        self._shape = None
        super().__init__(mode=mode, max_nodes=max_nodes, start=start, forward=forward, scale=scale,
                         _engine=layout_engine(), **kwargs)
        if sliders:
            self._leaf_sliders(sliders)
        self.refresh()
        self._quiz_init(quiz, quiz_mode)
        self.on_msg(self._on_message)

    def __repr__(self):
        # Also the text a notebook shows where the widget cannot render (an untrusted
        # notebook, or one saved without widget state): say what would be there.
        n = len(self.structure.get("nodes", ())) or self.structure.get("summary", {}).get("nodes", 0)
        return (f"GraphWidget of {n} node{'' if n == 1 else 's'} (mode={self.mode!r}): run the cell "
                "to see the graph (a saved notebook shows it if it is trusted and was saved with "
                "widget state)")

    @staticmethod
    def _check_root(root):
        """`root` if it is a gradwidget Value or shaped like micrograd's (a class of your own)."""
        if not isinstance(root, Value):
            try:
                foreign.topo(root)            # every node of theirs has what it needs
            except TypeError as e:
                raise TypeError(f"GraphWidget needs a Value to draw (gradwidget's, or a "
                                f"micrograd-style class of your own): {e}") from None
        return root

    @property
    def root(self):
        return self._root

    @root.setter
    def root(self, root):
        self.refresh(root)

    @traitlets.validate("max_nodes")
    def _check_max_nodes(self, proposal):
        n = proposal["value"]
        if isinstance(n, bool) or not 1 <= n <= MAX_NODES:
            raise traitlets.TraitError(
                f"max_nodes must be a whole number from 1 to {MAX_NODES:,}, got {n!r}")
        return n

    @traitlets.observe("max_nodes")
    def _max_nodes_changed(self, change):
        if self.structure:                    # not during __init__
            self.refresh()

    # --- what the page is sent ----------------------------------------------------------

    def refresh(self, root=None):
        """Send the graph as it is now to the page; it is read, never re-evaluated.

        Pass `root` to show another graph (e.g. a rebuilt loss): if its shape is the same,
        the picture keeps its layout and only the numbers change. If leaf data changed
        since the last `forward()`, the page shows the numbers the graph holds and a notice
        naming what changed. If the graph cannot be shown (a leaf that is not a finite
        number, a gradient that overflows), the page keeps its picture and says why, and
        this raises.
        """
        root = self._root if root is None else self._check_root(root)
        if self._slide is not None and not isinstance(root, Value):
            raise TypeError(_no_sliders(root, "this widget's sliders"))
        try:
            with lock:                        # the graph read as a whole
                payload = self._payload(root)
        except Exception as e:
            self._fail(e)
            raise
        self._show(root, *payload)
        return self

    def _payload(self, root) -> tuple[Structure | None, tuple, Values, tuple | None]:
        """(structure if the shape changed else None, shape, values, what a grouped graph
        keeps for opening groups, or None) of `root`; no side effects.

        A root of a class of your own is read through gradwidget.foreign (every grad put
        back): its replays are the chain rule over your graph ("accumulate") and your own
        backward, observed ("observed"); `findings` is what foreign.check() says."""
        mine = isinstance(root, Value)
        proj = drawn = None
        if mine:
            order = root.topo()
            # Above max_nodes a graph with groups (nn modules, your own) is still drawn if
            # collapsing them makes it small enough; one without is summed up, unread.
            big = len(order) > self.max_nodes
            grouped = big and self._grouping and len(order) <= GROUP_MAX_NODES and \
                any(v._group is not None for v in order)
            snap = None if big and not grouped else snapshot(root)
            if snap is not None and self._grouping:
                proj = self._project(snap)
                if proj is not None and len(proj.structure["nodes"]) > self.max_nodes:
                    snap = proj = None            # even collapsed it is too large: counts
            found = {"findings": [], "foreign": None, "views": list(_VIEWS_OF["own"])}
        else:
            snap = foreign.snapshot(root)
            order = snap.values
            found = {"findings": _findings(snap), "foreign": type(root).__qualname__,
                     "views": list(_VIEWS_OF["foreign"])}
            if len(order) > self.max_nodes:
                snap = None
        if snap is None:                      # one walk: counts only, no replay
            structure = _summary(order)
            shape = ("summary", structure["key"])
            structure = None if shape == self._shape else structure
            values = {"data": [], "local": [], "replays": {}, "stale": None}
        elif proj is not None:                # groups: what is drawn, and its numbers
            data, stale = _read(snap.values, root)
            scalar = {m: _scalar_replay(snap, m) for m in PANELS}
            # kept for opening and closing groups without reading the graph again (small
            # graphs: a batch's flat replays hold millions of numbers)
            drawn = (root, snap, proj.tree, data, stale, scalar, found) \
                if len(snap) <= DRAWN_CACHE_NODES else None
            structure, shape, values = self._grouped(proj, data, stale, scalar)
        else:
            shape = snap.shape()
            structure = None if shape == self._shape else snap.structure()
            data, stale = _read(snap.values, root) if mine else ([float(v.data) for v in snap.values], None)
            replay_json = _replay_json if mine else _foreign_replay_json
            values = {"data": data, "local": [float(d) for d in snap.local],
                      "replays": {m: replay_json(snap, m) for m in PANELS}, "stale": stale}
        key = (structure or self.structure)["key"]
        return structure, shape, {"key": key, **values, **found, "error": None, "seq": None}, drawn

    def _grouped(self, proj, data, stale, scalar):
        """(structure if it changed else None, shape, values) of a drawn graph `proj`."""
        shape = ("grouped", proj.structure["key"])
        structure = None if shape == self._shape else proj.structure
        values = {"data": proj.data(data), "local": proj.local,
                  "replays": {m: _drawn_replay(proj, scalar[m]) for m in PANELS}, "stale": stale}
        return structure, shape, values

    def _project(self, snap, tree=None):
        """The drawn graph of `snap` with its groups (gradwidget.groups), None if it has none;
        `tree`: its groups.tree(), if known."""
        parts, home = tree or groups.tree(snap)
        if not parts:
            return None
        keys = {p.key for p in parts}
        if self.expanded is None:
            expanded = groups.default_expanded(snap, parts, home)
        else:
            expanded = keys & set(self.expanded)      # keys of another graph: ignored
        proj = groups.project(snap, parts, home, expanded)
        proj.structure["groups"]["expanded"] = sorted(proj.expanded & keys)
        proj.tree = (parts, home)
        return proj

    # --- groups -------------------------------------------------------------------------

    @property
    def groups(self):
        """The keys of the graph's groups (`MLP/L1/L1.N3`), outermost first; [] without any."""
        return list(self.structure.get("groups", {}).get("keys", []))

    def _keys(self, names, what):
        known = self.groups
        out = []
        for n in names:
            if not isinstance(n, str):
                raise TypeError(f"{what} takes group keys or names (str), got {_short(n)}")
            if n in known:
                out.append(n)
                continue
            named = [k for k in known if k.rsplit("/", 1)[-1] == n]
            if len(named) != 1:
                hint = f"; it has {', '.join(map(repr, known[:6]))}{', …' if len(known) > 6 else ''}" \
                    if known else "; it has no groups"
                raise ValueError(f"{what}: {'no' if not named else 'more than one'} group "
                                 f"{n!r} in this graph{hint}")
            out.append(named[0])
        return out

    def _open(self):
        return set(self.structure.get("groups", {}).get("expanded", []))

    def expand(self, *names):
        """Draw these groups open (keys like `MLP/L1/L1.N3`, or a unique last part: `L1.N3`)."""
        self.expanded = sorted(self._open() | set(self._keys(names, "expand()")))
        return self

    def collapse(self, *names):
        """Draw these groups as one box each."""
        self.expanded = sorted(self._open() - set(self._keys(names, "collapse()")))
        return self

    def expand_all(self):
        self.expanded = self.groups
        return self

    def collapse_all(self):
        self.expanded = []
        return self

    @traitlets.observe("expanded")
    def _expanded_changed(self, change):
        if not self.structure:                # during __init__
            return
        # Opening or closing groups changes the picture, not the numbers: the graph as read
        # last is drawn again (refresh() reads it again).
        drawn = self._drawn
        if drawn is not None and drawn[0] is self._root:
            root, snap, tree, data, stale, scalar, found = drawn
            proj = self._project(snap, tree)
            if proj is not None and len(proj.structure["nodes"]) <= self.max_nodes:
                structure, shape, values = self._grouped(proj, data, stale, scalar)
                key = (structure or self.structure)["key"]
                values = {"key": key, **values, **found, "error": None, "seq": None}
                self._show(root, structure, shape, values, drawn)
                return
        self.refresh()

    def _show(self, root, structure, shape, values, drawn=None, sliders=None):
        """Send a payload in one message (a new structure only if the shape changed)."""
        self._root = root
        self._drawn = drawn
        with self.hold_sync():
            if structure is not None:
                self.structure = structure
                self._shape = shape
            self.values = values
            if sliders is not None:
                self.sliders = sliders

    def _fail(self, error, seq=None):
        """Tell the page why nothing changed: the numbers it has, and the reason."""
        self.values = {**self.values, "seq": seq, "error": f"{type(error).__name__}: {error}"}

    def _update(self, change=None, seq=None, sliders=None):
        """Re-evaluate the shown graph (`forward()`), or run `change()`, which returns the
        root to show, and send it with `seq` and `sliders`: one transaction. On any failure
        every node of the shown graph gets back its data, local derivatives and grad, and
        the page keeps its numbers and is told why. Returns the error, or None.
        """
        with lock:                            # no other thread's backward/forward in between
            saved = _save(self._root.topo())
            try:
                root = self._check_root(change() if change else self._root.forward())
                structure, shape, values, drawn = self._payload(root)
            except BaseException as e:
                _restore(saved)
                if not isinstance(e, Exception):
                    raise                     # KeyboardInterrupt: restored, and stopped
                self._fail(e, seq)
                return e
        self._show(root, structure, shape, {**values, "seq": seq}, drawn, sliders)
        return None

    # --- sliders ------------------------------------------------------------------------

    def _leaf_sliders(self, sliders):
        if not isinstance(sliders, dict):
            raise TypeError(f"sliders must be a dict {{leaf: (min, max[, step])}}, got {sliders!r}")
        nodes = self._root.topo()
        leaves = {}
        specs = []
        for key, spec in sliders.items():
            leaf = find_leaf(nodes, key)
            if any(leaf is other for other in leaves.values()):
                raise ValueError(f"two sliders drive the same leaf {name(leaf)!r}")
            base = leaf.label or "value"
            label, n = base, 1
            while label in leaves:            # two leaves with one label, passed as Values
                n += 1
                label = f"{base} ({n})"
            leaves[label] = leaf
            specs.append(slider_spec(label, spec, leaf.data))

        def move(inputs):
            for label, x in inputs.items():
                leaves[label].data = x
            return self._root.forward()

        self._set_sliders(specs, move)

    def _set_sliders(self, specs: list[SliderSpec], move):
        """Show `specs` as sliders; `move({name: value})` applies them and returns the
        root to show: the shown graph re-evaluated, or a new graph."""
        if not isinstance(self._root, Value):
            raise TypeError(_no_sliders(self._root, "sliders"))
        self._slide = move
        self.sliders = specs

    def _on_slide(self, content):
        """A slider moved: check, apply, re-evaluate, answer in one message.

        The page sends one slide at a time and waits for the answer carrying its `seq`
        before sending the latest position, so a fast drag never queues a backlog.
        Nothing the page sends is trusted: a bad slide changes nothing and the answer
        says why.
        """
        seq = content.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int):
            seq = None                        # _read_slide refuses it
        try:
            inputs = {s["name"]: s["value"] for s in self.sliders}
            inputs.update(self._read_slide(content))
        except (TypeError, ValueError) as e:  # the page must learn why nothing moved
            self._fail(e, seq)
            return
        self._update(lambda: self._slide(inputs), seq,
                     [dict(s, value=inputs[s["name"]]) for s in self.sliders])

    def _read_slide(self, content):
        """The slide's {name: float}, or a ValueError/TypeError naming what is wrong."""
        if self._slide is None:
            raise ValueError("this graph has no sliders")
        seq = content.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise TypeError(f"a slide needs a whole-number seq, got {_short(seq)}")
        moved = content.get("values")
        if not isinstance(moved, dict):
            raise TypeError(f"a slide's values must be an object {{name: number}}, got {_short(moved)}")
        specs = {s["name"]: s for s in self.sliders}
        out = {}
        for key, x in moved.items():
            spec = specs.get(key)
            if spec is None:
                raise ValueError(f"no slider named {_short(key)}; the sliders are "
                                 f"{', '.join(map(repr, specs))}")
            if not finite(x):
                raise TypeError(f"slider {key!r}: a position must be a finite number, got {_short(x)}")
            if not spec["min"] <= x <= spec["max"]:
                raise ValueError(f"slider {key!r}: {x!r} lies outside its range "
                                 f"({spec['min']:g}, {spec['max']:g})")
            out[key] = float(x)
        return out

    # --- the page -----------------------------------------------------------------------

    def set_state(self, sync_data):
        """A trait write from the page: only `mode`, `max_nodes` and `scale`, and only valid
        values.

        Anything else (`structure`, `values`, `sliders`, `start`, `forward`, ...) or a bad
        value is refused: the trait keeps its value, the page is sent it back and told why
        in `values.error`.
        """
        accepted, refused = {}, []
        for key, value in (sync_data.items() if isinstance(sync_data, dict) else ()):
            if key not in ("mode", "max_nodes", "scale", "expanded"):
                refused.append(f"the page cannot set {_short(key)}")
            elif key == "expanded" and (problem := _expanded_problem(value)):
                refused.append(problem)
            elif key == "mode" and not (isinstance(value, str) and value in VIEWS):
                refused.append(f"mode must be one of {', '.join(map(repr, VIEWS))}, got {_short(value)}")
            elif key == "max_nodes" and (isinstance(value, bool) or not isinstance(value, int)
                                         or not 1 <= value <= MAX_NODES):
                refused.append(f"max_nodes must be a whole number from 1 to {MAX_NODES:,}, "
                               f"got {_short(value)}")
            elif key == "scale" and (problem := _scale_problem(value)):
                refused.append(problem)
            else:
                accepted[key] = value
        if not isinstance(sync_data, dict):
            refused.append(f"a state update must be an object, got {_short(sync_data)}")
        try:
            super().set_state(accepted)
        except Exception as e:                # e.g. the graph cannot be shown at the new max_nodes
            refused.append(f"{type(e).__name__}: {e}")
        if refused:
            keys = [k for k in (sync_data if isinstance(sync_data, dict) else ()) if k in self.keys]
            with self.hold_sync():
                self.send_state([k for k in keys if k not in accepted])   # put the page back
                self.values = {**self.values, "seq": None, "error": "; ".join(refused)}

    def export_svg(self, path=None):
        """Ask the page for the picture as SVG text.

        The page answers after the current cell finishes: the text then lands in
        `widget.svg` and, if `path` is given, in that file.
        """
        self._svg_path = path
        self._ask("export_svg")

    def _ask(self, kind):
        """A request to the page, as the `_request` trait rather than a message: a view
        rendered later (the cell right after `display(w)` runs before the page has drawn
        it) still finds it. The answer carries its id; `_request` is then cleared."""
        self._requests += 1
        self._request = {"id": self._requests, "type": kind}

    def _answered(self, content):
        """Whether `content` answers the pending request (and clears it); a late or
        repeated answer (a second view of the widget) is ignored."""
        if not self._request or content.get("id") != self._request.get("id"):
            return False
        self._request = {}
        return True

    def export_animation(self, path=None):
        """Ask the page for the lesson as an animated SVG, for slides: every step in turn,
        with its status and narration as caption, looping (open it in a browser, or put it
        in a slide deck that shows SVG).

        The page answers after the current cell finishes: the text then lands in
        `widget.animation` and, if `path` is given, in that file. If the page cannot make
        it (a lesson of more than 400 steps), `widget.animation` is None and
        `widget.animation_error` says why.
        """
        self._animation_path = path
        self._ask("export_animation")

    def save_html(self, path, title="gradwidget"):
        """This widget as a self-contained HTML page that draws and plays with no kernel
        and no network (`gradwidget.html.save_html`)."""
        from .html import save_html

        return save_html(self, path, title=title)

    def _on_svg(self, content):
        if isinstance(content.get("svg"), str):
            self.svg = content["svg"]
            if self._svg_path:
                pathlib.Path(self._svg_path).write_text(self.svg)

    def _on_animation(self, content):
        svg, error = content.get("svg"), content.get("error")
        if isinstance(svg, str) and svg.startswith("<svg"):
            self.animation, self.animation_error = svg, None
            if getattr(self, "_animation_path", None):
                pathlib.Path(self._animation_path).write_text(svg)
        else:
            self.animation = None
            self.animation_error = error if isinstance(error, str) else f"not an SVG: {_short(svg)}"

    def _on_message(self, _widget, content, _buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind in ("animation", "svg"):
            if self._answered(content):
                (self._on_animation if kind == "animation" else self._on_svg)(content)
            return
        if kind == "slide":
            self._on_slide(content)
        elif kind == "quiz":
            self._on_quiz(content)
        else:
            self._fail(ValueError(f"unknown message from the page: {_short(content)}"))


# --- reading a graph ----------------------------------------------------------------------

def _replay_json(snap, mode):
    """The replay of `mode` as the page reads it. The eager one revisits a reused node once
    per path, so it can be exponentially long: above EAGER_MAX_STEPS it is sent as an error
    (empty steps) and the other replays are sent all the same. "observed" is a hand-written
    class's backward(): for gradwidget's Values it is an error entry saying so."""
    if mode == "observed":
        return {"steps": [], "grad": [], "error": NOT_FOREIGN}
    if mode != "eager":
        return replay(snap, mode).to_json()
    try:
        return replay(snap, mode, max_steps=EAGER_MAX_STEPS).to_json()
    except ValueError:                        # replay's step cap (the mode is known)
        return {"steps": [], "grad": [], "error": EAGER_TOO_LONG}
    except FloatingPointError as e:           # its overcounting overflowed: the others may not
        return {"steps": [], "grad": [], "error": str(e)}


def _scalar_replay(snap, mode):
    """The replay of `mode` over every value: for the correct and `=` passes their flat
    deposits (a batch loss has 250,000: no objects per deposit), else the JSON."""
    if mode in ("accumulate", "overwrite"):
        return ("flat", deposits(snap, mode))
    return ("json", _replay_json(snap, mode))


def _drawn_replay(proj, scalar):
    """A replay from _scalar_replay projected onto the drawn graph `proj` (gradwidget.groups)."""
    kind, played = scalar
    if kind == "flat":
        order, values, totals, grad = played
        return proj.played(zip(order, values, totals, strict=True), grad)
    return proj.replay(played)


def _foreign_replay_json(snap, mode):
    """The replays of a graph of their own class: the chain rule over it, their backward()
    observed (or why it could not be played), and for the bug modes an error entry: the
    bugs gradwidget stages are its own Values' (their backward shows their own bugs)."""
    if mode == "accumulate":
        return replay(snap, mode).to_json()
    if mode == "observed":
        try:
            return foreign.replay(snap).to_json()
        except Exception as e:                # their _backward raised, or left a bad grad
            return {"steps": [], "grad": [], "error": f"your backward() could not be played: {_said(e)}"}
    cls = _said_class(snap)
    return {"steps": [], "grad": [], "error": (
        f"this graph is made of your own {cls} class: gradwidget plays the {mode} bug on its own "
        "Values; 'your backward()' (mode 'observed' or 'compare-observed') plays what your code does")}


def _findings(snap):
    """What foreign.check() says of their backward, as sentences ([] when it is right)."""
    try:
        return [str(f) for f in foreign.check(snap)]
    except Exception as e:                    # their _backward raised: that is the finding
        return [_said(e)]


def _said(error):
    return str(error) if isinstance(error, foreign.BackwardError) else f"{type(error).__name__}: {error}"


def _said_class(snap):
    return type(snap.values[snap.root].obj).__qualname__


def _no_sliders(root, what):
    cls = type(root).__qualname__
    return (f"{what} need gradwidget Values: a graph of your own {cls} class cannot be re-evaluated "
            "by gradwidget (its forward pass is your code). Build it again with the new numbers "
            "and call w.refresh(new_root), or build the graph with gradwidget.Value")


def _read(nodes, root):
    """(data as floats, stale notice or None) of `nodes` (a topological order).

    A node is stale when its data or local derivatives are not what its op gives for its
    inputs' data now (its op is evaluated on the side, from the engine's op table, and
    nothing is written): some input's data changed and `forward()` was not called since.
    """
    data, suspects = [], []
    for v in nodes:
        x = v.data
        if not finite(x):
            raise ValueError(f"{name(v)}.data is {_short(x)}, not a finite number: "
                             "set it to a number to show the graph")
        data.append(float(x))
        if v.children and not _follows(v):
            suspects.append({c for c in v.children if not c.children})
    if not suspects:
        return data, None
    changed = [f"{v.label}.data" if v.label else f"an unlabelled leaf (now {name(v)})"
               for v in _fewest_leaves(suspects, nodes)]
    what = ", ".join(changed[:3]) + (", …" if len(changed) > 3 else "")
    again = (f"{root.label}.forward()" if root.label.isidentifier()
             else f"forward() on the output ({name(root)})")
    return data, f"{what or 'data'} changed since the last forward(): call {again} to recompute"


def _fewest_leaves(suspects, order):
    """The fewest leaves that explain every stale node: each stale node has one among its
    leaf inputs (greedy cover; `a*b` stale after `a.data = 1` names a, not b)."""
    rank = {v: i for i, v in enumerate(order)}
    left = [s for s in suspects if s]
    named = []
    while left:
        votes = Counter(leaf for s in left for leaf in s)
        best = min(votes, key=lambda leaf: (-votes[leaf], rank[leaf]))
        named.append(best)
        left = [s for s in left if best not in s]
    return sorted(named, key=rank.get)


def _follows(v):
    """Whether node v holds what its op gives for its inputs' data now (engine op table)."""
    try:
        out, da, db = engine._evaluate(v._op, v._a, v._b, v._k)
    except Exception:                         # undefined now (e.g. log of a negative)
        return False
    return out == v.data and da == v._da and (v._b is None or db == v._db)


def _save(nodes):
    """What a failed update must put back: data, local derivatives and grad of each node."""
    return [(v, v.data, v._da, v._db, v.grad) for v in nodes]


def _restore(saved):
    for v, data, da, db, grad in saved:
        v.data, v._da, v._db, v.grad = data, da, db, grad


def _summary(order) -> Structure:
    """What the page shows instead of a graph too large to draw usefully (from one walk)."""
    ops = Counter(map(attrgetter("op"), order))
    uses = Counter(chain.from_iterable(map(attrgetter("children"), order)))   # per edge
    summary = {
        "nodes": len(order),
        "edges": sum(uses.values()),
        "leaves": ops.pop("", 0),
        "ops": dict(ops.most_common()),
        "multi": sum(1 for n in uses.values() if n > 1),
    }
    key = hashlib.blake2b(json.dumps(summary).encode(), digest_size=12).hexdigest()
    return {"key": f"summary-{key}", "root": len(order) - 1, "nodes": [], "edges": [],
            "summary": summary}


def _expanded_problem(value):
    """Why a page's `expanded` is refused, or None (unknown keys are ignored, not refused)."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_NODES or \
            not all(isinstance(k, str) and 0 < len(k) <= 1000 for k in value):
        return f"expanded must be a list of group keys (str), got {_short(value)}"
    return None


def _short(x, limit=60):
    """repr of untrusted input, cut to `limit` characters for a message."""
    text = repr(x)
    return text if len(text) <= limit else text[:limit - 1] + "…"
