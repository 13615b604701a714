// Payloads as Python sends them (docs/protocol.md), for tests and the dev harness.

// L = (a*b + c) * (a - c) at a=2, b=3, c=4: grads 4, -4, -12; with the "=" bug -6, -4, -2.
export const diamond = {
  structure: {
    key: "diamond",
    root: 6,
    nodes: [
      { id: 0, label: "a", op: "" },
      { id: 1, label: "b", op: "" },
      { id: 2, label: "d", op: "*" },
      { id: 3, label: "c", op: "" },
      { id: 4, label: "e", op: "+" },
      { id: 5, label: "f", op: "-" },
      { id: 6, label: "L", op: "*" },
    ],
    edges: [
      { id: 0, src: 0, dst: 2, slot: 0 },
      { id: 1, src: 1, dst: 2, slot: 1 },
      { id: 2, src: 2, dst: 4, slot: 0 },
      { id: 3, src: 3, dst: 4, slot: 1 },
      { id: 4, src: 0, dst: 5, slot: 0 },
      { id: 5, src: 3, dst: 5, slot: 1 },
      { id: 6, src: 4, dst: 6, slot: 0 },
      { id: 7, src: 5, dst: 6, slot: 1 },
    ],
  },
  values: {
    data: [2, 3, 6, 4, 10, -2, -20],
    replays: {
      accumulate: {
        steps: [
          { node: 6, deposits: [{ edge: 6, value: -2, total: -2 }, { edge: 7, value: 10, total: 10 }] },
          { node: 5, deposits: [{ edge: 4, value: 10, total: 10 }, { edge: 5, value: -10, total: -10 }] },
          { node: 4, deposits: [{ edge: 2, value: -2, total: -2 }, { edge: 3, value: -2, total: -12 }] },
          { node: 2, deposits: [{ edge: 0, value: -6, total: 4 }, { edge: 1, value: -4, total: -4 }] },
        ],
        grad: [4, -4, -2, -12, -2, 10, 1],
      },
      overwrite: {
        steps: [
          { node: 6, deposits: [{ edge: 6, value: -2, total: -2 }, { edge: 7, value: 10, total: 10 }] },
          { node: 5, deposits: [{ edge: 4, value: 10, total: 10 }, { edge: 5, value: -10, total: -10 }] },
          { node: 4, deposits: [{ edge: 2, value: -2, total: -2 }, { edge: 3, value: -2, total: -2 }] },
          { node: 2, deposits: [{ edge: 0, value: -6, total: -6 }, { edge: 1, value: -4, total: -4 }] },
        ],
        grad: [-6, -4, -2, -2, -2, 10, 1],
      },
    },
  },
};

// b = a + a: one node reached twice through the same parent, slots 0 and 1.
export const doubled = {
  structure: {
    key: "doubled",
    root: 1,
    nodes: [{ id: 0, label: "a", op: "" }, { id: 1, label: "b", op: "+" }],
    edges: [{ id: 0, src: 0, dst: 1, slot: 0 }, { id: 1, src: 0, dst: 1, slot: 1 }],
  },
  values: {
    data: [3, 6],
    replays: {
      accumulate: { steps: [{ node: 1, deposits: [{ edge: 0, value: 1, total: 1 }, { edge: 1, value: 1, total: 2 }] }], grad: [2, 1] },
      overwrite: { steps: [{ node: 1, deposits: [{ edge: 0, value: 1, total: 1 }, { edge: 1, value: 1, total: 1 }] }], grad: [1, 1] },
    },
  },
};

// What Python sends instead of a graph above max_nodes.
export const summarized = {
  structure: {
    key: "summary-65817",
    root: 65816,
    nodes: [],
    edges: [],
    summary: { nodes: 65817, edges: 98000, leaves: 540, ops: { "+": 31000, "*": 30800, tanh: 3477 }, multi: 340 },
  },
  values: { data: [], replays: {} },
};

/**
 * A random layered DAG of about `size` nodes (inputs only from the 2 previous layers,
 * like real networks), reduced by + to one root, with both replays. For load tests;
 * the backward pass here stands in for Python's and only needs to be self-consistent.
 */
export function randomDag(size, seed = 1) {
  const random = mulberry32(seed);
  const width = Math.max(2, Math.round(Math.sqrt(size) * 1.5));
  const nodes = [];
  const edges = [];
  const data = [];
  const ops = ["+", "*", "-", "tanh"];
  const add = (op, inputs) => {
    const id = nodes.length;
    const x = inputs.map((i) => data[i]);
    const value = op === "" ? random() * 4 - 2 : op === "+" ? x[0] + x[1] : op === "*" ? x[0] * x[1] : op === "-" ? x[0] - x[1] : Math.tanh(x[0]);
    nodes.push({ id, label: op === "" ? `x${id}` : "", op });
    data.push(value);
    inputs.forEach((src, slot) => edges.push({ id: edges.length, src, dst: id, slot }));
    return id;
  };
  let layers = [Array.from({ length: width }, () => add("", []))];
  while (nodes.length < size - width) {
    const pool = layers.slice(-2).flat();
    const unused = [...layers.at(-1)]; // used first, so every node reaches the root
    const pick = () => unused.length ? unused.splice(Math.floor(random() * unused.length), 1)[0] : pool[Math.floor(random() * pool.length)];
    layers.push(Array.from({ length: width }, () => {
      const op = ops[Math.floor(random() * ops.length)];
      return add(op, op === "tanh" ? [pick()] : [pick(), pick()]);
    }));
  }
  let last = layers.at(-1);
  while (last.length > 1) { // sum the last layer pairwise down to one root
    const next = [];
    for (let i = 0; i + 1 < last.length; i += 2) next.push(add("+", [last[i], last[i + 1]]));
    if (last.length % 2) next.push(last.at(-1));
    last = next;
  }
  return prune({ nodes, edges, root: last[0] }, data);
}

// Keeps the root's ancestors only (what Python's snapshot holds), renumbered in order.
function prune({ nodes, edges, root }, data) {
  const keep = new Set([root]);
  for (let i = edges.length - 1; i >= 0; i--) if (keep.has(edges[i].dst)) keep.add(edges[i].src);
  const oldIds = [...keep].sort((a, b) => a - b);
  const newId = new Map(oldIds.map((old, i) => [old, i]));
  const structure = {
    key: `random-${oldIds.length}`,
    root: newId.get(root),
    nodes: oldIds.map((old) => ({ ...nodes[old], id: newId.get(old) })),
    edges: edges.filter((e) => keep.has(e.dst)).map((e, id) => ({ id, src: newId.get(e.src), dst: newId.get(e.dst), slot: e.slot })),
  };
  const x = oldIds.map((old) => data[old]);
  return { structure, values: { data: x, replays: { accumulate: backward(structure, x, false), overwrite: backward(structure, x, true) } } };
}

function backward(structure, x, overwrite) {
  const grad = structure.nodes.map(() => 0);
  grad[structure.root] = 1;
  const inputs = structure.nodes.map(() => []);
  for (const edge of structure.edges) inputs[edge.dst].push(edge);
  const steps = [];
  for (let id = structure.nodes.length - 1; id >= 0; id--) {
    const { op } = structure.nodes[id];
    if (!op) continue;
    const [e0, e1] = inputs[id];
    const local = op === "+" ? [1, 1] : op === "-" ? [1, -1] : op === "*" ? [x[e1.src], x[e0.src]] : [1 - x[id] ** 2];
    const deposits = inputs[id].map((edge, i) => {
      const value = local[i] * grad[id];
      grad[edge.src] = overwrite ? value : grad[edge.src] + value;
      return { edge: edge.id, value, total: grad[edge.src] };
    });
    steps.push({ node: id, deposits });
  }
  return { steps, grad };
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
