"""Snapshot of a Value graph and replay of its backward pass, step by step.

`snapshot(root)` numbers the nodes 0..n-1 in topological order (inputs first) and lists
the edges input → output, one per use: `a + a` has two edges into `a`.

`replay(root, mode)` recomputes the backward pass on the side, without touching any
`.grad`, and returns what happened in order: which node fired and, for each of its
edges, the contribution deposited and the receiving node's running total.

modes:
- "accumulate": the correct pass, `grad += local * out.grad` (what `backward()` does);
- "overwrite": the classic bug, `grad = local * out.grad` (`backward(accumulate=False)`);
- "eager": the older recursive scheme in which a node passes its whole current grad down
  every time it receives a contribution, so a reused inner node is counted more than once
  (`a=1; b=a+a; c=b+b` gives a.grad 6 instead of 4).
"""

import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import NamedTuple

from .engine import Value, lock, names

__all__ = ["MODES", "Deposit", "Replay", "Snapshot", "Step", "deposits", "replay", "snapshot"]

# The replay modes this module computes, in order, from their one definition (shared with
# the page). "observed" (source "foreign") is not one: gradwidget.foreign.replay plays a
# hand-written Value class's own backward().
_REPLAYS = json.loads(resources.files(__package__).joinpath("modes.json").read_text("utf-8"))["replays"]
MODES = tuple(m for m, spec in _REPLAYS.items() if spec.get("source") != "foreign")


@dataclass(frozen=True)
class Snapshot:
    """The graph under `root`, frozen into integer ids (topological order)."""

    values: tuple      # id -> Value
    edges: tuple       # edge id -> (src, dst, slot): src is input `slot` of dst
    root: int
    local: tuple       # edge id -> d(dst)/d(src) at the time of the snapshot

    inputs: tuple      # node id -> ids of the edges into it, in argument order

    def __len__(self):
        return len(self.values)

    @cached_property
    def names(self):
        """id -> `engine.name()` of the node (its label, else the expression it computes)."""
        return tuple(names(self.values))

    @cached_property
    def users(self):
        """id -> the ids of the nodes that use it, one per edge (in edge order)."""
        users = [[] for _ in self.values]
        for src, dst, _ in self.edges:
            users[src].append(dst)
        return users

    def shape(self):
        """What decides the picture: ops, labels, names and edges (cheap to compare)."""
        return (tuple(v.op for v in self.values), tuple(v.label for v in self.values),
                self.names, self.edges)

    def structure(self):
        """The graph's shape as the widget's `structure` trait (see docs/protocol.md)."""
        nodes = [{"id": i, "label": v.label, "op": v.op, "name": n}
                 for i, (v, n) in enumerate(zip(self.values, self.names, strict=True))]
        edges = [{"id": e, "src": s, "dst": d, "slot": k} for e, (s, d, k) in enumerate(self.edges)]
        key = hashlib.blake2b(json.dumps([nodes, edges, self.root]).encode(), digest_size=12)
        return {"key": key.hexdigest(), "root": self.root, "nodes": nodes, "edges": edges}

    def name(self, i):
        return self.names[i]

    def data(self):
        return [v.data for v in self.values]


def snapshot(root):
    """Freeze the graph under `root` into ids; leaves and data are read, never written."""
    if not isinstance(root, Value):
        raise TypeError(f"snapshot() needs a Value, got {type(root).__name__} {root!r}")
    with lock:                              # not while another thread re-evaluates it
        order = root.topo()
        ids = {id(v): i for i, v in enumerate(order)}
        edges, local = [], []
        for dst, v in enumerate(order):
            for slot, (child, d) in enumerate(zip(v.children, v.local_grads, strict=True)):
                edges.append((ids[id(child)], dst, slot))
                local.append(d)
    inputs = [[] for _ in order]
    for eid, (_, dst, _) in enumerate(edges):
        inputs[dst].append(eid)
    return Snapshot(tuple(order), tuple(edges), len(order) - 1, tuple(local),
                    tuple(map(tuple, inputs)))


class Deposit(NamedTuple):
    """One edge's contribution `local * out.grad`: node `out` fires and deposits it into
    its input `into` (the edge goes from `into` to `out`)."""

    edge: int
    into: int          # the input that receives it (the edge's src)
    out: int           # the node that fired (the edge's dst)
    slot: int          # which argument of `out` the receiving node is
    value: float
    total: float       # the receiving node's grad right after this deposit


class Step(NamedTuple):
    node: int                      # the node that fires
    deposits: tuple                # its Deposits, in argument order


@dataclass
class Replay:
    """The ordered backward pass of one mode; `grad[i]` is node i's final grad."""

    snapshot: Snapshot
    mode: str
    steps: list
    grad: list
    received: list = field(repr=False)    # node id -> its Deposits, in arrival order

    @property
    def multi(self):
        """Ids of the nodes that received more than one contribution."""
        return {i for i, got in enumerate(self.received) if len(got) > 1}

    def terms(self, i):
        """The deposits into node i, in order (in "overwrite" only the last one is kept)."""
        return list(self.received[self._id(i)])

    def explain(self, i):
        """`a.grad = 1 (from b, left) + 1 (from b, right) = 2` for node i."""
        snap = self.snapshot
        i = self._id(i)
        got = self.received[i]
        head = f"{_operand(snap.name(i))}.grad"
        if not got:
            return f"{head} = {self.grad[i]:g}" + (" (seed)" if i == snap.root else "")

        def origin(d):
            side = ("left", "right")[d.slot] if len(snap.inputs[d.out]) > 1 else ""
            return f"from {snap.name(d.out)}, {side}" if side else f"from {snap.name(d.out)}"

        parts = [f"{d.value:g} ({origin(d)})" for d in got]
        if self.mode == "overwrite" and len(got) > 1:
            return f"{head} = {parts[-1]}; lost: {', '.join(parts[:-1])}"
        return f"{head} = {' + '.join(parts)} = {self.grad[i]:g}"

    def _id(self, i):
        n = len(self.snapshot)
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"a node id is an int from 0 to {n - 1}, got {type(i).__name__} {i!r}")
        if not 0 <= i < n:
            raise IndexError(f"no node {i} in this graph: its ids go from 0 to {n - 1}")
        return i

    def to_json(self):
        return {
            "steps": [{"node": s.node,
                       "deposits": [{"edge": d.edge, "value": d.value, "total": d.total}
                                    for d in s.deposits]}
                      for s in self.steps],
            "grad": list(self.grad),
        }


def replay(root, mode="accumulate", max_steps=200_000):
    """Replay the backward pass from `root` (a Value or a Snapshot) in `mode`."""
    if mode not in MODES:
        raise ValueError(f"replay mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
    snap = root if isinstance(root, Snapshot) else snapshot(root)
    n = len(snap.values)
    grad = [0.0] * n
    grad[snap.root] = 1.0
    received = [[] for _ in range(n)]
    steps = []
    edges, local = snap.edges, snap.local

    def deposit(eid, into_total):
        src, dst, slot = edges[eid]
        value = local[eid] * grad[dst]
        total = grad[src] + value if into_total else value
        if not -math.inf < total < math.inf:
            raise FloatingPointError(
                f"replay ({mode}): the gradient of {snap.name(src)!r} overflowed to {total!r}")
        grad[src] = total
        d = Deposit(eid, src, dst, slot, value, total)
        received[src].append(d)
        return d

    if mode == "eager":
        # The recursive scheme: fire(node) = for each input: deposit, then fire(input).
        if _eager_steps(snap, max_steps) > max_steps:      # known before any work is done
            raise _too_long(max_steps)
        stack = [[snap.root, 0]]
        while stack:
            frame = stack[-1]
            node, k = frame
            ins = snap.inputs[node]
            if k == len(ins):
                stack.pop()
                continue
            frame[1] = k + 1
            if len(steps) >= max_steps:
                raise _too_long(max_steps)
            d = deposit(ins[k], True)
            steps.append(Step(node, (d,)))
            if snap.inputs[d.into]:
                stack.append([d.into, 0])
    else:
        _, values, totals, grad = deposits(snap, mode)
        k = 0
        for node in range(n - 1, -1, -1):      # the order deposits() went in
            ins = snap.inputs[node]
            if not ins:
                continue
            made = []
            for eid in ins:
                src, dst, slot = edges[eid]
                d = Deposit(eid, src, dst, slot, values[k], totals[k])
                received[src].append(d)
                made.append(d)
                k += 1
            steps.append(Step(node, tuple(made)))
    return Replay(snap, mode, steps, grad, received)


def deposits(snap, mode="accumulate"):
    """The backward pass of "accumulate" or "overwrite" over `snap` as flat lists, in the
    order it goes (each node in reversed topological order deposits into its inputs, in
    argument order): (edge ids, contributions, the receiving node's grad after each, the
    final grads). What replay() is made of; cheap enough for graphs of 100,000 nodes."""
    if mode not in ("accumulate", "overwrite"):
        raise ValueError(f"deposits() plays 'accumulate' or 'overwrite', got {mode!r}")
    n = len(snap.values)
    grad = [0.0] * n
    grad[snap.root] = 1.0
    edges, local, inputs = snap.edges, snap.local, snap.inputs
    accumulate = mode == "accumulate"
    order, values, totals = [], [], []
    for node in range(n - 1, -1, -1):          # reversed topological order
        g = grad[node]
        for eid in inputs[node]:
            src = edges[eid][0]
            value = local[eid] * g
            total = grad[src] + value if accumulate else value
            if not -math.inf < total < math.inf:
                raise FloatingPointError(
                    f"replay ({mode}): the gradient of {snap.name(src)!r} overflowed to {total!r}")
            grad[src] = total
            order.append(eid)
            values.append(value)
            totals.append(total)
    return order, values, totals, grad


def _eager_steps(snap, cap):
    """How many steps the eager replay of `snap` takes, counted in one pass over the edges
    (at most cap + 1: the counts grow exponentially with depth). A node fires once for
    every contribution it receives, the root once; each firing is one step per input."""
    fires = [0] * len(snap.values)
    fires[snap.root] = 1
    steps = 0
    for node in range(snap.root, -1, -1):        # reversed topological order: users first
        times = fires[node]
        if not times:
            continue
        ins = snap.inputs[node]
        steps += times * len(ins)
        if steps > cap:
            return cap + 1
        for eid in ins:
            src = snap.edges[eid][0]
            if snap.inputs[src]:                 # a leaf never fires
                fires[src] = min(fires[src] + times, cap + 1)
    return steps


def _too_long(max_steps):
    return ValueError(f"the eager replay of this graph needs more than {max_steps} steps (it "
                      "revisits a reused node once per path); use a smaller graph")


def _operand(text):
    """A name as the object of `.grad`: `a`, but `(a*b).grad`."""
    return text if text.isidentifier() else f"({text})"
