"""The student's own Value class: draw it, replay its backward pass, check it.

Every micrograd learner types a `class Value` of their own. This module is the adapter at
the edge of gradwidget that takes such an object graph, duck-typed (`data`, `grad`,
`_prev` as a set, tuple or list of children, `_op`, `_backward`, optional `label`), and
turns it into what the rest of gradwidget already handles:

- `snapshot(root)`: a `graph.Snapshot` of their objects (their data, labels and ops) in
  *their* topological order, the one micrograd's `backward()` builds: depth-first over
  `_prev`, in the iteration order of their own `_prev` objects. It is computed iteratively
  (no recursion limit) but visits exactly as micrograd's recursive `build_topo` does.
- `replay(root)`: their backward pass, observed: their own `_backward` closures run one
  node at a time in that order, the grads of each node's inputs read before and after,
  as a `graph.Replay` whose `to_json()` the widget's player plays.
- `check(root)`: what is wrong with their `_backward` functions, as a list of `Finding`s
  (empty when their code is right).

Their objects are never left changed: every `.grad` (and `.data`) of the graph is put back
as it was after each call, also when their code raises.

**One edge per distinct input.** A set-based `_prev` keeps one entry for `a` in `a + a`.
The snapshot draws one edge per distinct input, as micrograd's own `draw_dot` does, also
for a tuple `(a, a)`: one call of their `_backward` changes `a.grad` once, by the sum of
both uses, and nothing observable splits that change into two contributions. The edge's
local derivative is the total d(out)/d(a) (2 for `a + a`) and `uses` records how many
times the op takes that input, so the chain rule over these edges is exact.

**Local derivatives come from gradwidget's op table**, never from their code, for the ops
gradwidget knows (`+ - * / neg **k exp log tanh sigmoid relu`, any case: micrograd writes
`ReLU`). A set does not say which child is the left argument: when their `_backward`
closes over micrograd's names `self` and `other`, those give the order (for names such as
`a*b + c` and the edges' slots); either way the arguments must be an arrangement of their
children that reproduces `out.data`. Where none does (an op with a constant outside the
graph) or two disagree (`x - y` with x == y and no names to tell), and for ops gradwidget
does not know, the local derivative is observed instead: what their `_backward` adds to
an input whose grad was 0, with `out.grad = 1`.

**Why `check()` probes each backward with two priors.** Comparing their final gradients
with the chain rule finds the `self.grad = ...` bug only where a value receives more than
one contribution, and a set-based `_prev` hides how many a node should receive (`a + a`
has one child). So each node's `_backward` also runs alone with `out.grad = 1` and each
input's grad preset to 0, then to a nonzero prior P: code that adds (`+=`) moves the grad
by the same amount from both; code that assigns (`=`) leaves the same value whatever was
there. That names the faulty op even on a graph where the bug changes no number (a tree
such as micrograd's `L = (a*b + c) * f`), whatever the form of `_prev`.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from . import graph
from .engine import _OPS, _number
from .engine import name as _name

__all__ = ["BackwardError", "Finding", "ForeignSnapshot", "Node", "check", "replay", "snapshot", "topo"]

REQUIRED = ("data", "grad", "_prev", "_op", "_backward")
_BINARY = {"+", "-", "*", "/"}


def _close(x, y, scale=1.0):
    """Equal up to floating-point noise (their formulas may differ from the op table's)."""
    return math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-9 * scale)


# --- their objects ------------------------------------------------------------------------

class Node:
    """One of their objects as the snapshot sees it: `obj` is theirs, the rest is read once.

    It has what drawing and replays read of a gradwidget `Value`: `data`, `grad` (theirs,
    read live), `label`, `op` (their op string) and `children` (the op's arguments, repeats
    kept: `(a, a)` for `a + a`, as far as gradwidget can tell them apart).
    """

    __slots__ = ("children", "data", "label", "obj", "op")

    def __init__(self, obj):
        self.obj = obj
        self.op = obj._op
        label = getattr(obj, "label", None)
        self.label = "" if label is None else label
        for field, text in (("_op", self.op), ("label", self.label)):
            if not isinstance(text, str):
                raise TypeError(f"{_class(obj)}.{field} must be a str, got {text!r} in {obj!r}")
        self.data = _number(obj.data, f"the data of a {_class(obj)}")
        self.children = ()

    @property
    def grad(self):
        return self.obj.grad

    def __repr__(self):
        return f"Node({self.obj!r})"


def _class(obj):
    return type(obj).__qualname__


def _shape(obj):
    """A TypeError unless `obj` has what a micrograd Value has."""
    missing = [a for a in REQUIRED if not hasattr(obj, a)]
    if missing:
        raise TypeError(
            f"{_class(obj)} is not a micrograd-shaped value: it has no {', '.join(missing)} "
            "(gradwidget reads data, grad, _prev (the children), _op and an optional label, "
            f"and replays _backward); got {obj!r}")
    if not isinstance(obj._prev, (set, frozenset, tuple, list)):
        raise TypeError(f"{_class(obj)}._prev must be a set, tuple or list of children, got "
                        f"{type(obj._prev).__name__} {obj._prev!r}")
    if not callable(obj._backward):
        raise TypeError(f"{_class(obj)}._backward must be a function, got {obj._backward!r}")


def topo(root):
    """Their objects in the order micrograd's `backward()` builds, inputs first.

    micrograd's recursive `build_topo(v)`: if v is new, mark it, `build_topo` each child in
    `for child in v._prev` order, then append v. Here with a stack of iterators over the
    same `_prev` objects: the same order, at any depth. Objects are told apart by identity.
    """
    _shape(root)
    order, seen, open_ = [], {id(root)}, {id(root)}
    stack = [(root, iter(root._prev))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if id(child) not in seen:
                _shape(child)
                seen.add(id(child))
                open_.add(id(child))
                stack.append((child, iter(child._prev)))
                break
            if id(child) in open_:
                raise ValueError(f"the graph under {root!r} has a cycle through {child!r}")
        else:
            stack.pop()
            open_.discard(id(node))
            order.append(node)
    return order


@contextmanager
def _untouched(nodes):
    """Put every `.grad` and `.data` of `nodes` back as it was, whatever happens inside."""
    saved = [(n.obj, n.obj.grad, n.obj.data) for n in nodes]
    try:
        yield
    finally:
        for obj, grad, data in saved:
            if obj.grad is not grad:
                obj.grad = grad
            if obj.data is not data:
                obj.data = data


class BackwardError(RuntimeError):
    """Their `_backward` raised (the original exception is its `__cause__`)."""


def _run(node):
    """Call their `_backward` of `node`, naming the node and op if it raises."""
    try:
        node.obj._backward()
    except Exception as e:
        raise BackwardError(
            f"the _backward of `{node.op}` at `{_name(node)}` ({_class(node.obj)}) raised "
            f"{type(e).__name__}: {e}") from e


def _grad(node):
    """Their grad of `node` as a float, or an error naming the node."""
    g = node.obj.grad
    return g if g.__class__ is float and math.isfinite(g) else _number(g, f"`{_name(node)}.grad`")


# --- snapshot -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ForeignSnapshot(graph.Snapshot):
    """A `graph.Snapshot` of their objects (`values[i].obj`), one edge per distinct input."""

    uses: tuple = ()       # edge id -> how many times dst's op takes src (2 for a + a)
    known: tuple = ()      # edge id -> True if `local` is from the op table, False if observed


def _table_op(op):
    """(name in gradwidget's op table, constant exponent or None) for their op, or None."""
    if op.startswith("**"):
        try:
            return "**", float(op[2:])
        except ValueError:
            return None
    op = op.lower()
    return (op, None) if op in _OPS else None


def _arrangements(op, prev, kids):
    """The ways their children can be the arguments of table op `op`: [(op, args)]."""
    found = _arrangements("neg", prev, kids) if op == "-" and len(kids) == 1 else []
    arity = 2 if op in _BINARY else 1
    if prev is not None:                         # ordered children: the arguments as given
        args = [prev] if len(prev) == arity else []
    elif len(kids) == arity:
        args = [tuple(kids)] if arity == 1 else [tuple(kids), tuple(reversed(kids))]
    elif arity == 2 and len(kids) == 1:          # a set hides the second use: x + x
        args = [(kids[0], kids[0])]
    else:
        args = []
    return found + [(op, a) for a in args]


def _closure_order(node, children):
    """The arguments of a set-based node in order, if its `_backward` closes over micrograd's
    names `self` and `other` (a number `other`, as in `**`, is not an argument); else None.

    Only names and order depend on it (`a*b + c`, not `c + a*b`); the local derivatives
    are still those of the arrangement that reproduces the output.
    """
    fn = node.obj._backward
    cells = dict(zip(getattr(getattr(fn, "__code__", None), "co_freevars", ()),
                     getattr(fn, "__closure__", None) or (), strict=False))
    by_id = {id(n.obj): n for n in children}
    args = []
    for var in ("self", "other"):
        try:
            obj = cells[var].cell_contents
        except (KeyError, ValueError):      # no such variable, or an empty cell
            continue
        if id(obj) in by_id:
            args.append(by_id[id(obj)])
    return tuple(args) if args and {id(a.obj) for a in args} == set(by_id) else None


def _table_locals(node, prev, kids):
    """(arguments, d(out)/d(kid) per kid) from the op table, or None if it cannot tell.

    `prev` is the ordered tuple of arguments, or None if unknown (a set). The arguments
    are the arrangement of the children that reproduces `node.data`; all that do must agree.
    """
    spec = _table_op(node.op)
    if spec is None:
        return None
    results = []
    for op, args in _arrangements(spec[0], prev, kids):
        x = [a.data for a in args]
        try:
            out, *d = _OPS[op](x[0], spec[1]) if op == "**" else _OPS[op](*x)
        except (ArithmeticError, ValueError):
            continue
        if not (all(map(math.isfinite, (out, *d))) and _close(out, node.data, max(1.0, abs(out)))):
            continue
        local = dict.fromkeys(map(id, kids), 0.0)
        for arg, da in zip(args, d, strict=True):
            local[id(arg)] += da
        results.append((args, [local[id(k)] for k in kids]))
    if not results or any(not all(map(_close, r[1], results[0][1])) for r in results[1:]):
        return None
    return results[0]


def _probe(node, kids, priors):
    """Their `_backward` of `node` alone: out.grad = 1, kids' grads = priors; the grads after."""
    node.obj.grad = 1.0
    for kid, prior in zip(kids, priors, strict=True):
        kid.obj.grad = prior
    _run(node)
    return [_grad(kid) for kid in kids]


def snapshot(root):
    """Freeze their graph under `root` into a ForeignSnapshot (ids in their topological order).

    Reads their objects. Only for an op the table cannot derive does it run that node's
    `_backward` (alone, every grad put back) to observe its local derivatives.
    """
    if isinstance(root, ForeignSnapshot):
        return root
    objs = topo(root)
    nodes = [Node(o) for o in objs]
    node_of = {id(o): n for o, n in zip(objs, nodes, strict=True)}
    ids = {id(n): i for i, n in enumerate(nodes)}
    edges, local, uses, known = [], [], [], []
    with _untouched(nodes):
        for dst, node in enumerate(nodes):
            prev = node.obj._prev
            children = tuple(node_of[id(o)] for o in prev)
            ordered = _closure_order(node, children) if isinstance(prev, (set, frozenset)) else children
            kids = list({id(n): n for n in ordered or children}.values())      # distinct, in order
            found = _table_locals(node, ordered, kids) if kids else None
            if found:
                node.children, d = found
            else:
                node.children = children
                d = _probe(node, kids, [0.0] * len(kids))
            for slot, (kid, dk) in enumerate(zip(kids, d, strict=True)):
                edges.append((ids[id(kid)], dst, slot))
                local.append(dk)
                uses.append(sum(a is kid for a in node.children))
                known.append(found is not None)
    inputs = [[] for _ in nodes]
    for eid, (_, dst, _) in enumerate(edges):
        inputs[dst].append(eid)
    return ForeignSnapshot(values=tuple(nodes), edges=tuple(edges), root=len(nodes) - 1,
                           local=tuple(local), inputs=tuple(map(tuple, inputs)),
                           uses=tuple(uses), known=tuple(known))


# --- the observed replay ------------------------------------------------------------------

def _kids(snap, node):
    return [snap.values[snap.edges[e][0]] for e in snap.inputs[node]]


def replay(root):
    """Their backward pass as their code does it, observed, as a `graph.Replay` ("observed").

    As their `backward()` on a fresh graph: every grad 0, the root's 1, then each node's
    `_backward` in reversed topological order. For each node with inputs, one step lists
    per edge the change of the input's grad during that call (`value`) and the grad after
    it (`total`). `grad[i]` is node i's grad at the end. Every grad is then put back.
    """
    snap = snapshot(root)
    values = snap.values
    steps, received = [], [[] for _ in values]
    with _untouched(values):
        for v in values:
            v.obj.grad = 0.0
        values[snap.root].obj.grad = 1.0
        for i in range(len(values) - 1, -1, -1):
            kids = _kids(snap, i)
            before = [_grad(k) for k in kids]
            _run(values[i])
            if not kids:
                continue
            deposits = []
            for eid, kid, b in zip(snap.inputs[i], kids, before, strict=True):
                src, dst, slot = snap.edges[eid]
                total = _grad(kid)
                d = graph.Deposit(eid, src, dst, slot, total - b, total)
                received[src].append(d)
                deposits.append(d)
            steps.append(graph.Step(i, tuple(deposits)))
        grad = [_grad(v) for v in values]
    return graph.Replay(snap, "observed", steps, grad, received)


# --- check --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One thing wrong with their backward pass; `str()` says it in a sentence.

    kind:
    - "overwrite": the backward of `op` assigns an input's grad instead of adding to it;
    - "prior": it changes an input's grad by an amount that depends on what was there;
    - "local": it gives `input` the local derivative `got` where the op's is `expected`;
    - "gradient": after their whole backward pass `node.grad` is `got`, but the chain rule
      gives `expected`; `because` says why.
    For the first three, `node` is the op's output where it was seen first and `input` the
    input probed; `got`/`expected` are the probe's numbers with out.grad = 1: for "local"
    their local derivative and the op's, else what their code left from the nonzero prior
    and what adding would have left. One finding per op and kind.
    """

    kind: str
    node: str
    op: str
    got: float
    expected: float
    input: str = ""
    because: str = ""

    def __str__(self):
        if self.kind == "overwrite":
            return (f"the backward of `{self.op}` assigns `self.grad = ...` instead of adding "
                    "to it; use `+=`")
        if self.kind == "prior":
            return (f"the backward of `{self.op}` changes `{self.input}.grad` by an amount that "
                    "depends on its previous value; it should add its term with `+=`")
        if self.kind == "local":
            return (f"the backward of `{self.op}` at `{self.node}` gives `{self.input}` the local "
                    f"derivative {self.got:g}, but {_d(self.node, self.input)} is {self.expected:g}")
        return (f"`{self.node}.grad` is {self.got:g} but the chain rule gives {self.expected:g}: "
                f"{self.because}")


def _d(out, x):
    """`do/dx`, or `d(a*b)/d(a)` for names that are not plain words."""
    return "d{}/d{}".format(*(n if n.isidentifier() else f"({n})" for n in (out, x)))


class Probe(NamedTuple):
    """How one node's `_backward`, run alone with out.grad = 1, treats one input's grad."""

    how: str           # "adds", "assigns" or "prior"
    delta: float       # what it leaves from 0: their local derivative
    prior: float       # the nonzero grad preset for the second run
    after: float       # what it leaves from `prior`


def _probe_edges(snap):
    """A Probe per edge: each node's `_backward` runs alone from two priors per input.

    First from 0, then from P = 1 + |delta|: code that adds moves the grad by the same
    delta both times; code that assigns ends where it did from 0; anything else is "prior".
    """
    probes = [None] * len(snap.edges)
    with _untouched(snap.values):
        for i, node in enumerate(snap.values):
            kids = _kids(snap, i)
            if not kids:
                continue
            d0 = _probe(node, kids, [0.0] * len(kids))
            priors = [1.0 + abs(d) for d in d0]
            for eid, d, p, g in zip(snap.inputs[i], d0, priors, _probe(node, kids, priors), strict=True):
                how = "adds" if _close(g - p, d, p) else "assigns" if _close(g, d, p) else "prior"
                probes[eid] = Probe(how, d, p, g)
    return probes


def _wrong_local(snap, probes, eid):
    return probes[eid].how == "adds" and snap.known[eid] and not _close(probes[eid].delta, snap.local[eid])


def check(root):
    """What is wrong with their `_backward` functions: a list of Findings, empty if nothing.

    First one finding per faulty op (it assigns instead of adding, or, for an op gradwidget
    knows, gives a wrong local derivative), in the order their backward reaches them; then
    each node whose gradient after their backward pass differs from the chain rule, with
    both numbers and the reason. Their objects are left as they were.
    """
    snap = snapshot(root)
    probes = _probe_edges(snap)
    findings = _op_findings(snap, probes)
    got = replay(snap).grad
    expected = graph.replay(snap, "accumulate").grad      # the chain rule over their graph
    return findings + _gradient_findings(snap, probes, got, expected, [f.op for f in findings])


def _op_findings(snap, probes):
    values, found = snap.values, {}
    for i in range(len(values) - 1, -1, -1):               # in the order their backward fires
        for eid in snap.inputs[i]:
            pr = probes[eid]
            kind = {"assigns": "overwrite", "prior": "prior"}.get(pr.how)
            if kind is None and _wrong_local(snap, probes, eid):
                kind = "local"
            if kind and (kind, values[i].op) not in found:
                local = kind == "local"
                got, expected = (pr.delta, snap.local[eid]) if local else (pr.after, pr.prior + pr.delta)
                found[kind, values[i].op] = Finding(kind, _name(values[i]), values[i].op, got, expected,
                                                    input=_name(values[snap.edges[eid][0]]))
    return list(found.values())


def _gradient_findings(snap, probes, got, expected, op_order):
    values = snap.values
    wrong = [not _close(g, e, max(1.0, abs(e))) for g, e in zip(got, expected, strict=True)]
    users = [[] for _ in values]                # node -> the edges out of it
    for eid, (src, _, _) in enumerate(snap.edges):
        users[src].append(eid)
    unknown = _unknown_upstream(snap, users)
    findings = []
    for i in range(len(values) - 1, -1, -1):
        if wrong[i]:
            op, because = _why(snap, users[i], probes, wrong, op_order)
            if unknown[i]:
                ops = " and ".join(f"`{o}`" for o in sorted(unknown[i]))
                because += (f" (gradwidget does not know {ops}: the chain rule here takes its "
                            "local derivatives from your backward)")
            findings.append(Finding("gradient", _name(values[i]), op, got[i], expected[i], because=because))
    return findings


def _why(snap, users, probes, wrong, op_order):
    """(the op at fault or "", the reason) for the wrong gradient of the node with `users`."""
    values, edges = snap.values, snap.edges
    for kind, one, many in (("assigns", "assigns `self.grad = ...`", "assign `self.grad = ...`"),
                            ("prior", "does not add its term to it", "do not add their terms to it")):
        ops = sorted({values[edges[e][1]].op for e in users if probes[e].how == kind}, key=op_order.index)
        if ops:
            which = " and ".join(f"`{o}`" for o in ops)
            text = f"the backward of {which} {one}" if len(ops) == 1 else f"the backwards of {which} {many}"
            return ops[0], text + "; use `+=`"
    for e in users:
        if _wrong_local(snap, probes, e):
            out = values[edges[e][1]]
            return out.op, (f"the backward of `{out.op}` at `{_name(out)}` gives it the local "
                            f"derivative {probes[e].delta:g} instead of {snap.local[e]:g}")
    for e in users:
        if wrong[edges[e][1]]:
            return "", f"it is computed from `{_name(values[edges[e][1]])}.grad`, which is already wrong"
    return "", "a backward changes it in a way that running each backward alone did not show"


def _unknown_upstream(snap, users):
    """Per node: the ops of unknown derivative on its paths to the root."""
    unknown = [set() for _ in snap.values]
    for i in range(len(snap.values) - 1, -1, -1):
        for e in users[i]:
            dst = snap.edges[e][1]
            unknown[i] |= unknown[dst] | (set() if snap.known[e] else {snap.values[dst].op})
    return unknown
