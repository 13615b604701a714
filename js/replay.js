// Where the lesson stands after k steps. Pure.
//
// A lesson is, optionally, the forward pass (one step per computed node, in topological
// order), then the backward pass of one replay computed in Python, one step per deposit:
// `a + a` is two steps into `a`, and in overwrite mode the second visibly replaces the
// first. Step 0 is the start: with the forward pass only the leaves are known; without
// it the forward values are there and only the root is seeded (grad 1).
//
//   lessonLength(structure, replay, forward)        how many steps
//   lessonAt(structure, replay, k, mode, forward)   what the drawing, the inspector and
//                                                   the narration show after k steps
//   replayAt(structure, replay, k, mode)            the backward pass after k deposits

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./payload.js").Replay} Replay */
/**
 * @typedef {object} Term  one deposit as its receiving node sees it
 * @property {number} edge
 * @property {number} value
 * @property {number} total
 * @property {number} from  the node that fired (the edge's dst)
 * @property {number} slot  which of its inputs the term went through
 *
 * @typedef {object} Deposit  one lesson step of the backward pass
 * @property {number} node    the node that fires
 * @property {number} edge
 * @property {number} value
 * @property {number} total   the receiving node's grad after it
 * @property {number} nth     1-based: which contribution to the receiving node this is
 * @property {number} of      how many contributions the receiving node gets in the replay
 * @property {number} firing  1-based: how many times `node` has fired so far (eager: > 1)
 * @property {number} uses    how many scalar deposits it sums (a grouped graph merges a run)
 *
 * @typedef {object} Moment
 * @property {"forward"|"backward"} phase
 * @property {number} index        deposits done (0 in the forward phase)
 * @property {number[]} grad       current grad per node
 * @property {Term[][]} terms      per node, the terms received so far, in order
 * @property {Term[][]} lost       per node, the terms a later deposit overwrote (always empty but in overwrite)
 * @property {number|null} active  the node that fired (or was computed) at the last step; null at the start
 * @property {Set<number>} fresh   edge ids of the last step: its deposit's, or the inputs of the node computed
 * @property {Set<number>} lostEdges  edge ids whose term was lost
 * @property {Map<number, Term>} byEdge  edge id -> its latest term
 * @property {Set<number>} pending node ids whose data is not computed yet (forward phase)
 * @property {Deposit|null} deposit  the deposit of the last step, in the backward phase
 * @property {number|null} computed  the node the last forward step computed (also at the
 *   step that computes the output, which seeds the backward pass: phase "backward")
 * @property {boolean} seeded      the root's grad is 1 (the backward pass has started)
 */

const NONE = Object.freeze(new Set());

/** The non-leaf nodes in the order the forward pass computes them (ids are topological). */
export function forwardOrder(structure) {
  return cached(forwardOrders, structure, () => structure.nodes.filter((node) => node.op).map((node) => node.id));
}

/** The replay's deposits in order, one lesson step each. @returns {Deposit[]} */
export function depositsOf(structure, replay) {
  return cached(depositLists, replay, () => {
    const edges = edgesById(structure);
    const into = new Map(); // receiving node -> contributions so far
    const fired = new Map(); // firing node -> times fired so far
    const list = [];
    for (const step of replay?.steps ?? []) {
      fired.set(step.node, (fired.get(step.node) ?? 0) + 1);
      for (const { edge, value, total, uses = 1 } of step.deposits) {
        const src = edges.get(edge)?.src;
        if (src == null) continue; // values for another structure (mid-update): ignore
        into.set(src, (into.get(src) ?? 0) + 1);
        list.push({ node: step.node, edge, value, total, uses, nth: into.get(src), of: 0, firing: fired.get(step.node) });
      }
    }
    for (const d of list) d.of = into.get(edges.get(d.edge).src);
    return list;
  });
}

/** Steps of the lesson: forward steps (if `forward`) then one per deposit. */
export function lessonLength(structure, replay, forward = false) {
  return (forward ? forwardOrder(structure).length : 0) + depositsOf(structure, replay).length;
}

/**
 * @param {Structure} structure
 * @param {Replay} replay
 * @param {number} k          lesson steps done (clamped to 0..lessonLength)
 * @param {string} mode       the replay's mode ("overwrite": all but a node's last term are lost)
 * @param {boolean} forward   the lesson starts with the forward pass
 * @returns {Moment}
 */
export function lessonAt(structure, replay, k, mode = "accumulate", forward = false) {
  const order = forward ? forwardOrder(structure) : [];
  const step = Math.max(0, Math.min(Math.trunc(k) || 0, lessonLength(structure, replay, forward)));
  if (step > order.length || (step === order.length && step === 0)) return replayAt(structure, replay, step - order.length, mode);
  if (step === order.length) {
    // The last forward step computes the output, and the backward pass is seeded with it.
    const computed = order[step - 1];
    return { ...replayAt(structure, replay, 0, mode), active: computed, computed, fresh: inputEdges(structure, computed) };
  }
  // The forward phase: the first `step` nodes of `order` are computed; grads are all 0.
  const n = structure.nodes.length;
  const pending = new Set(order.slice(step));
  const computed = step > 0 ? order[step - 1] : null;
  const fresh = computed == null ? new Set() : inputEdges(structure, computed);
  return {
    phase: "forward",
    index: 0,
    grad: new Array(n).fill(0),
    terms: Array.from({ length: n }, () => []),
    lost: Array.from({ length: n }, () => []),
    lostEdges: NONE,
    byEdge: new Map(),
    active: computed,
    fresh,
    pending,
    deposit: null,
    computed,
    seeded: false,
  };
}

/**
 * The backward pass after k deposits (k = 0: only the root's seed).
 * @returns {Moment}
 */
export function replayAt(structure, replay, k, mode = "accumulate") {
  const n = structure.nodes.length;
  const deposits = depositsOf(structure, replay);
  const index = Math.max(0, Math.min(Math.trunc(k) || 0, deposits.length));
  const edges = edgesById(structure);

  const grad = new Array(n).fill(0);
  if (structure.root != null && structure.root < n) grad[structure.root] = 1;
  const terms = Array.from({ length: n }, () => []);
  const byEdge = new Map();
  for (let i = 0; i < index; i++) {
    const { node: from, edge, value, total } = deposits[i];
    const { src, slot } = edges.get(edge);
    const term = { edge, value, total, from, slot };
    terms[src].push(term);
    byEdge.set(edge, term);
    grad[src] = total;
  }

  const lost = terms.map((received) => (mode === "overwrite" ? received.slice(0, -1) : []));
  const lostEdges = new Set(lost.flat().map((term) => term.edge));
  const last = index > 0 ? deposits[index - 1] : null;
  return {
    phase: "backward",
    index,
    grad,
    terms,
    lost,
    lostEdges,
    byEdge,
    active: last ? last.node : null,
    fresh: new Set(last ? [last.edge] : []),
    pending: NONE,
    deposit: last,
    computed: null,
    seeded: true,
  };
}

const inputEdges = (structure, id) => new Set(structure.edges.filter((e) => e.dst === id).map((e) => e.id));

// Edge ids are 0..m-1 by the protocol; a map keeps us honest if they ever are not.
const byStructure = new WeakMap();
function edgesById(structure) {
  return cached(byStructure, structure, () => new Map(structure.edges.map((edge) => [edge.id, edge])));
}

const forwardOrders = new WeakMap();
const depositLists = new WeakMap();
function cached(map, key, make) {
  if (key == null || typeof key !== "object") return make();
  if (!map.has(key)) map.set(key, make());
  return map.get(key);
}
