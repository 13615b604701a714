// What the lesson tests expect, read from the payloads Python made (fixtures/), without
// the product's own helpers: the replay's deposits one by one, and each edge's local
// derivative (values.local when the fixture has it, else computed here from the data).
import { formatNumber } from "../format.js";

/**
 * The replay's deposits in order, one lesson step each, with what a step should tell:
 * the firing node (`node`), the receiving node (`into`), `upstream` (the firing node's
 * grad when it fires), `nth` of `of` contributions into `into`, and `before` (the
 * receiving node's previous term, if any).
 */
export function depositList({ structure, values }, mode) {
  const replay = values.replays[mode];
  const list = [];
  const received = new Map(); // node -> its terms so far
  const grad = structure.nodes.map((n) => (n.id === structure.root ? 1 : 0)); // as the pass goes
  for (const step of replay.steps) {
    for (const { edge, value, total } of step.deposits) {
      const into = structure.edges[edge].src;
      const terms = received.get(into) ?? [];
      list.push({ node: step.node, edge, into, value, total, nth: terms.length + 1, before: terms.at(-1) ?? null,
        upstream: grad[step.node] });
      terms.push({ value, total });
      received.set(into, terms);
      grad[into] = total;
    }
  }
  for (const d of list) d.of = received.get(d.into).length;
  return list;
}

/** The non-leaf nodes, in id (topological) order: the forward pass. */
export const computedNodes = (structure) => structure.nodes.filter((n) => n.op).map((n) => n.id);

/** The inputs of node `id`, slot 0 first. */
export const inputsOf = (structure, id) => structure.edges.filter((e) => e.dst === id).sort((a, b) => a.slot - b.slot);

/** d(dst)/d(src) of `edge` from the nodes' data, for the ops the fixtures use. */
export function localFromData(structure, data, edge) {
  const out = structure.nodes[edge.dst];
  const [x, y] = inputsOf(structure, out.id).map((e) => data[e.src]);
  switch (out.op) {
    case "+": return 1;
    case "-": return edge.slot === 0 ? 1 : -1;
    case "*": return edge.slot === 0 ? y : x;
    case "tanh": return 1 - data[out.id] ** 2;
    default: throw new Error(`no local derivative for ${out.op} in the test`);
  }
}

/** Per edge id, the local derivative: Python's (values.local) if the fixture has it. */
export function localsOf({ structure, values }) {
  if (Array.isArray(values.local) && values.local.length === structure.edges.length) return values.local;
  return structure.edges.map((edge) => localFromData(structure, values.data, edge));
}

/** A number as the narration writes it: 4 digits, a real minus sign (U+2212). */
export const num = (x) => formatNumber(x).replace(/^-/, "\u2212").replace(/e-/, "e\u2212");
