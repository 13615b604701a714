"""Groups of a snapshot, and the graph as drawn when some of them are collapsed.

A value made inside `with group(...)` (gradwidget.engine), a neuron's call or a layer's,
belongs to that group. `tree(snap)` turns the groups met in one graph into a tree of
`Part`s, each with a stable key (`MLP/L1/L1.N3`; `MLP#2/…` when a graph holds several
calls of the same module), and adds three rules of its own:

- a parameter made in a module's `__init__` is drawn in the one call of that module that
  uses it (a single example's graph: `L1.N3.w[0]` inside the box of neuron `L1.N3`);
- a long chain of one op (`sum(p*p for p in params)`, a neuron's `w·x + b` over many
  inputs) becomes a part of its own, kind "sum" (or "product");
- an unlabelled value used only inside one part (the `p*p` terms of that sum, a constant)
  is drawn in it. Labelled values (your `x1`) stay where you can see them.

`project(snap, parts, expanded)` is what is drawn: each collapsed part is one node, each
scalar edge between two different drawn nodes is kept (parallel ones between the same two
nodes become one edge that counts them), and a replay is projected onto it: its deposits on
those edges, in the replay's own order, with the receiving value's running total. The
numbers are the replay's; nothing is recomputed but the derivative of a collapsed part's
output with respect to each input it receives, which the narration shows.
"""

import hashlib
import heapq
import json
from dataclasses import dataclass, field

from .engine import name

__all__ = ["BUDGET", "CHAIN_MIN", "Part", "Projection", "default_expanded", "project", "tree"]

CHAIN_MIN = 8          # a chain of at least this many `+` (or `*`) nodes is a part of its own
BUDGET = 60            # the default view expands groups level by level while it draws this few nodes
_CHAIN_OPS = {"+": "sum", "*": "product"}


@dataclass
class Part:
    """One group as drawn: a box when collapsed, a frame around its members when expanded."""

    index: int
    key: str                  # stable across rebuilds of the same graph: `MLP/L1/L1.N3`
    name: str                 # what the box says: `L1.N3`, `Σ 17 terms`
    kind: str                 # "neuron", "layer", "mlp", "sum", "product", your kind, or "parameters"
    parent: int | None        # the part it is drawn in
    depth: int
    members: list = field(default_factory=list)      # node ids directly in it
    children: list = field(default_factory=list)     # part indices directly in it
    size: int = 0             # values in it, nested parts included


def tree(snap):
    """The parts of `snap` (a graph.Snapshot), outermost first, and each node's part (or None)."""
    values, edges = snap.values, snap.edges
    n = len(values)
    users = [[] for _ in range(n)]
    for src, dst, _ in edges:
        users[src].append(dst)

    # 1. The engine's groups, with their ancestors.
    index, groups = {}, []

    def part_of(g):
        if g is None:
            return None
        i = index.get(id(g))
        if i is None:
            parent = part_of(g.parent)
            i = index[id(g)] = len(groups)
            groups.append((g, parent))
        return i

    home = [part_of(v._group) for v in values]

    # 2. A parameter joins the one call of its module that uses it.
    paths = [g.path() for g, _ in groups]
    for i, v in enumerate(values):
        h = home[i]
        if h is None or v._a is not None:
            continue
        calls = {home[u] for u in users[i] if home[u] is not None and home[u] != h
                 and paths[home[u]] == paths[h]}
        if len(calls) == 1:
            home[i] = calls.pop()

    parents = [p for _, p in groups]
    names = [g.name for g, _ in groups]
    kinds = [g.kind for g, _ in groups]

    # 3. Chains: a run of one op in one part, each link used only by the next.
    in_chain = [False] * n
    for top in range(n - 1, -1, -1):
        v = values[top]
        op = v._op
        if op not in _CHAIN_OPS or in_chain[top]:
            continue
        if _link(values, users, home, top, op) is not None:
            continue                                # not the end of its chain
        run, node = [top], top
        while True:
            below = _below(values, users, home, node, op, snap)
            if below is None:
                break
            run.append(below)
            node = below
        if len(run) < CHAIN_MIN:
            continue
        p = len(groups)
        groups.append((None, home[top]))
        parents.append(home[top])
        names.append(f"{'Σ' if op == '+' else 'Π'} {len(run) + 1} terms")
        kinds.append(_CHAIN_OPS[op])
        for node in run:
            home[node] = p
            in_chain[node] = True

    # 4. Unlabelled values used only inside one part are drawn in it (users first).
    ancestors = _ancestry(parents)
    for i in range(n - 1, -1, -1):
        v = values[i]
        if i == snap.root or v._label or not users[i]:
            continue
        there = {home[u] for u in users[i]}
        if len(there) != 1:
            continue
        t = there.pop()
        if t is not None and t != home[i] and (home[i] is None or home[i] in ancestors[t]):
            home[i] = t

    # 5. Parts with members, their keys, sizes and depths.
    count = len(groups)
    direct = [[] for _ in range(count)]
    for i, h in enumerate(home):
        if h is not None:
            direct[h].append(i)
    size = [len(m) for m in direct]
    order = sorted(range(count), key=lambda p: -len(ancestors[p]))    # innermost first
    for p in order:
        if parents[p] is not None:
            size[parents[p]] += size[p]
    alive = [size[p] > 0 for p in range(count)]
    last = [max(direct[p]) if direct[p] else -1 for p in range(count)]
    for p in order:
        if parents[p] is not None and alive[p]:
            last[parents[p]] = max(last[parents[p]], last[p])

    renumber, parts = {}, []
    kids = {}
    for p in sorted((p for p in range(count) if alive[p]), key=lambda p: (len(ancestors[p]), last[p])):
        kids.setdefault(parents[p], []).append(p)

    def visit(parent_index, parent_key, depth):
        # Several calls of one module in a graph (a batch) are numbered: `MLP #1`, `MLP #2`;
        # a group holding only leaves is its module's parameters: `MLP parameters`.
        siblings = kids.get(parent_index, [])
        params = {p: all(values[m]._a is None for m in _all_members(p, direct, kids)) for p in siblings}
        shown = [f"{names[p]} parameters" if params[p] else names[p] for p in siblings]
        seen, ordinal = {}, {}
        for title in shown:
            seen[title] = seen.get(title, 0) + 1
        for p, title in zip(siblings, shown, strict=True):
            if seen[title] > 1:
                ordinal[title] = ordinal.get(title, 0) + 1
                title = f"{title} #{ordinal[title]}"
            key = f"{parent_key}/{title}" if parent_key else title
            part = Part(len(parts), key, title, "parameters" if params[p] else kinds[p],
                        None if parent_index is None else renumber[parent_index], depth,
                        direct[p], [], size[p])
            renumber[p] = part.index
            parts.append(part)
            if part.parent is not None:
                parts[part.parent].children.append(part.index)
            visit(p, key, depth + 1)

    visit(None, "", 0)
    return parts, [None if h is None or h not in renumber else renumber[h] for h in home]


def _all_members(p, direct, kids):
    out, stack = [], [p]
    while stack:
        q = stack.pop()
        out.extend(direct[q])
        stack.extend(kids.get(q, []))
    return out


def _link(values, users, home, node, op):
    """The node `node` feeds as a link of its chain (its only user, same op and part)."""
    if len(users[node]) != 1:
        return None
    u = users[node][0]
    return u if values[u]._op == op and home[u] == home[node] else None


def _below(values, users, home, node, op, snap):
    """The previous link of `node`'s chain: an input of the same op and part used only here."""
    for eid in snap.inputs[node]:
        src = snap.edges[eid][0]
        v = values[src]
        if v._op == op and home[src] == home[node] and len(users[src]) == 1 and not v._label:
            return src
    return None


def _ancestry(parents):
    """part -> the set of its ancestors."""
    out = []
    for p in range(len(parents)):
        seen, q = set(), parents[p]
        while q is not None:
            seen.add(q)
            q = parents[q]
        out.append(seen)
    return out


def depth_of(parts):
    return 1 + max((p.depth for p in parts), default=-1)


def default_expanded(snap, parts, home, budget=BUDGET):
    """The keys expanded by default: every level of parts, outermost first, while the view
    draws at most `budget` nodes (all of them if the whole graph is that small)."""
    if len(snap) <= budget:
        return {p.key for p in parts}
    expanded = set()
    for depth in range(depth_of(parts)):
        more = expanded | {p.key for p in parts if p.depth == depth}
        if _count(snap, parts, home, more) > budget:
            break
        expanded = more
    return expanded


def _count(snap, parts, home, expanded):
    return len(set(_reps(snap, parts, home, expanded)))


def _reps(snap, parts, home, expanded):
    """node id -> what draws it: itself (its id) or a collapsed part (-1 - part index)."""
    collapsed_at = [None] * len(parts)            # the outermost collapsed part at or above
    for p in parts:                               # parents come before children
        above = collapsed_at[p.parent] if p.parent is not None else None
        collapsed_at[p.index] = above if above is not None else (
            None if p.key in expanded else p.index)
    reps = [i if h is None or collapsed_at[h] is None else -1 - collapsed_at[h]
            for i, h in enumerate(home)]
    # An unlabelled value all of whose users are drawn in one collapsed part goes in it.
    users = snap.users
    values = snap.values
    for i in range(len(reps) - 1, -1, -1):
        if reps[i] >= 0 and i != snap.root and not values[i]._label and users[i]:
            r = reps[users[i][0]]
            if r < 0 and all(reps[u] == r for u in users[i]):
                reps[i] = r
    return reps


@dataclass
class Projection:
    """The drawn graph: nodes in topological order, the scalars each stands for."""

    structure: dict
    primary: list             # drawn node -> the scalar whose data and grad it shows
    outputs: list             # drawn node -> how many of its values are used outside it
    edge_of: dict             # scalar edge id -> drawn edge id (edges inside a box: absent)
    local: list               # drawn edge -> d(primary of dst)/d(src) through it
    exact: list               # drawn edge -> whether local * dst.grad is its contribution
    expanded: set             # the keys expanded in it
    drawn_dst: list = field(repr=False, default_factory=list)    # drawn edge -> its dst
    tree: tuple = field(repr=False, default=None)                 # (parts, home) it was made from

    def data(self, data):
        return [data[i] for i in self.primary]

    def replay(self, replay_json):
        """A replay's JSON (graph.Replay.to_json) projected onto the drawn graph."""
        if "error" in replay_json:
            return replay_json
        flat = [(d["edge"], d["value"], d["total"]) for st in replay_json["steps"] for d in st["deposits"]]
        return self.played(flat, replay_json["grad"])

    def played(self, deposits, grad):
        """The drawn graph's replay JSON from the scalar pass's deposits, in order:
        (edge id, contribution, receiving grad after it) triples, and its final grads."""
        # One lesson step per drawn edge and run: consecutive deposits through the same drawn
        # edge become one, their values summed (a neuron's box sends a parameters' box its
        # terms at once; x*x inside a box is one term of 2·x), the total the last one's,
        # `uses` how many scalar deposits it holds (if more than one).
        edge_of, drawn_dst = self.edge_of, self.drawn_dst
        steps, last = [], None
        for eid, value, total in deposits:
            ve = edge_of.get(eid)
            if ve is None:
                continue
            if last is not None and last["edge"] == ve:
                last["value"] += value
                last["total"] = total
                last["uses"] = last.get("uses", 1) + 1
                continue
            last = {"edge": ve, "value": value, "total": total}
            node = drawn_dst[ve]
            if steps and steps[-1]["node"] == node:
                steps[-1]["deposits"].append(last)
            else:
                steps.append({"node": node, "deposits": [last]})
        return {"steps": steps, "grad": [grad[i] for i in self.primary]}


def project(snap, parts, home, expanded):
    """The graph as drawn with `expanded` (a set of part keys) open, all others collapsed."""
    while True:
        reps = _reps(snap, parts, home, expanded)
        result = _project(snap, parts, home, reps, expanded)
        if isinstance(result, Projection):
            return result
        expanded = expanded | result        # a collapsed part would make a cycle: open it


def _project(snap, parts, home, reps, expanded):
    values, edges = snap.values, snap.edges
    anchor, members = {}, {}
    for i, r in enumerate(reps):
        anchor[r] = i                       # the latest member: ids are topological
        members.setdefault(r, []).append(i)
    drawn_edges, pair = [], {}
    for eid, (src, dst, slot) in enumerate(edges):
        a, b = reps[src], reps[dst]
        if a == b:
            continue
        k = pair.get((a, b))
        if k is None:
            k = pair[(a, b)] = len(drawn_edges)
            drawn_edges.append([a, b, slot, []])
        drawn_edges[k][3].append(eid)
    # Topological order of the drawn nodes (Kahn's, the latest member deciding ties).
    outs, indeg = {}, dict.fromkeys(anchor, 0)
    for a, b, _, _ in drawn_edges:
        outs.setdefault(a, []).append(b)
        indeg[b] += 1
    heap = [(anchor[r], r) for r, d in indeg.items() if d == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, r = heapq.heappop(heap)
        order.append(r)
        for b in outs.get(r, ()):
            indeg[b] -= 1
            if indeg[b] == 0:
                heapq.heappush(heap, (anchor[b], b))
    if len(order) < len(anchor):            # a cycle through collapsed parts
        return {parts[-1 - r].key for r, d in indeg.items() if d and r < 0}
    vid = {r: k for k, r in enumerate(order)}

    # What each drawn node shows: a scalar itself; a part the output used outside it.
    used_outside = {}
    for src, dst, _ in edges:
        a = reps[src]
        if a < 0 and reps[dst] != a:
            used_outside.setdefault(a, set()).add(src)
    root_rep = reps[snap.root]
    if root_rep < 0:
        used_outside.setdefault(root_rep, set()).add(snap.root)
    primary, outputs = [], []
    for r in order:
        if r >= 0:
            primary.append(r)
            outputs.append(1)
            continue
        outs_r = used_outside.get(r, set())
        inner = [i for i in outs_r if values[i]._a is not None]
        pick = max(inner or outs_r or members[r])
        primary.append(pick)
        outputs.append(len(inner) if inner else len(outs_r))

    # d(primary)/d(member) inside each collapsed part with one output: a backward pass
    # from that output over the part's own edges.
    inside = {}
    for r in order:
        if r < 0:
            inside[r] = _inner_grads(snap, reps, r, primary[vid[r]], members[r])

    local = snap.local
    nodes, edge_list, local_out, exact, edge_of, drawn_dst = [], [], [], [], {}, []
    framed = _frames(parts, expanded)

    def part_cluster(index):                # a drawn node's parts around it are all framed
        return None if index is None else parts[index].key
    for k, r in enumerate(order):
        if r >= 0:
            v = values[r]
            node = {"id": k, "label": v._label, "op": v.op, "name": name(v)}
            cluster = part_cluster(home[r])
        else:
            p = parts[-1 - r]
            node = {"id": k, "label": "", "op": "" if p.kind == "parameters" else p.kind,
                    "name": p.name,
                    "group": {"key": p.key, "kind": p.kind, "size": len(members[r]),
                              "outputs": outputs[k]}}
            cluster = part_cluster(p.parent)
        if cluster is not None:
            node["cluster"] = cluster
        nodes.append(node)
    for k, (a, b, slot, scalar) in enumerate(sorted(drawn_edges, key=lambda e: (vid[e[1]], e[3][0]))):
        for eid in scalar:
            edge_of[eid] = k
        edge = {"id": k, "src": vid[a], "dst": vid[b], "slot": slot}
        if len(scalar) > 1:
            edge["count"] = len(scalar)
        edge_list.append(edge)
        drawn_dst.append(vid[b])
        if b >= 0:
            d = sum(local[e] for e in scalar)
            ok = True
        else:
            grads = inside[b]
            d = sum(local[e] * grads.get(edges[e][1], 0.0) for e in scalar)
            ok = outputs[vid[b]] == 1 and len({edges[e][0] for e in scalar}) == 1
        local_out.append(float(d))
        exact.append(ok)
    clusters = [{"key": p.key, "name": p.name, "kind": p.kind,
                 "parent": part_cluster(p.parent), "size": p.size, "parts": _kinds(parts, p)}
                for p in parts if framed[p.index]]
    expandable = [p.key for p in parts]
    structure = {"root": vid[root_rep], "nodes": nodes, "edges": edge_list}
    if parts:
        structure["clusters"] = clusters
        structure["groups"] = {"count": len(parts), "keys": expandable}
    key = hashlib.blake2b(json.dumps(structure, sort_keys=True).encode(), digest_size=12)
    structure = {"key": key.hexdigest(), **structure}
    return Projection(structure, primary, outputs, edge_of, local_out, exact, set(expanded), drawn_dst)


def _kinds(parts, part):
    """{kind: count} of the parts directly in `part`: a layer holds {"neuron": 16}."""
    kinds = {}
    for c in part.children:
        kinds[parts[c].kind] = kinds.get(parts[c].kind, 0) + 1
    return kinds


def _frames(parts, expanded):
    """The expanded parts drawn as frames: expanded, and so is every part around them."""
    framed = [False] * len(parts)
    for p in parts:                         # parents come before children
        framed[p.index] = p.key in expanded and (p.parent is None or framed[p.parent])
    return framed


def _inner_grads(snap, reps, r, out, members):
    """d(out)/d(m) for the members m of collapsed part r, along the part's own edges."""
    g = {out: 1.0}
    inputs, edges, local = snap.inputs, snap.edges, snap.local
    for m in reversed(members):             # reversed topological order
        gm = g.get(m)
        if not gm:
            continue
        for eid in inputs[m]:
            src = edges[eid][0]
            if reps[src] == r:
                g[src] = g.get(src, 0.0) + local[eid] * gm
    return g
