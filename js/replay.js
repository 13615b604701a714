// Where the backward pass stands after k steps of a replay computed in Python.
// Pure: replayAt(structure, replay, k, mode) -> everything the drawing and the inspector show.

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
 * @typedef {object} Moment
 * @property {number} index        steps done
 * @property {number[]} grad       current grad per node
 * @property {Term[][]} terms      per node, the terms received so far, in order
 * @property {Term[][]} lost       per node, the terms a later deposit overwrote (always empty in accumulate)
 * @property {number|null} active  the node that fired at step k-1 (null at k=0)
 * @property {Set<number>} fresh   edge ids that deposited at step k-1
 * @property {Set<number>} lostEdges  edge ids whose term was lost
 * @property {Map<number, Term>} byEdge  edge id -> its term (an edge deposits at most once)
 */

/**
 * @param {Structure} structure
 * @param {Replay} replay  one mode's replay (docs/protocol.md)
 * @param {number} k       steps done, 0..steps.length (0 = only the root's seed)
 * @param {string} mode    "accumulate" or "overwrite" (in overwrite, all but a node's last term are lost)
 * @returns {Moment}
 */
export function replayAt(structure, replay, k, mode = "accumulate") {
  const n = structure.nodes.length;
  const steps = replay?.steps ?? [];
  const index = Math.max(0, Math.min(k, steps.length));
  const edges = edgesById(structure);

  const grad = new Array(n).fill(0);
  if (structure.root != null && structure.root < n) grad[structure.root] = 1;
  const terms = Array.from({ length: n }, () => []);
  const byEdge = new Map();

  for (let i = 0; i < index; i++) {
    const { node: from, deposits } = steps[i];
    for (const { edge, value, total } of deposits) {
      if (!edges.has(edge)) continue; // values for another structure (mid-update): ignore
      const { src, slot } = edges.get(edge);
      const term = { edge, value, total, from, slot };
      terms[src].push(term);
      byEdge.set(edge, term);
      grad[src] = total;
    }
  }

  const lost = terms.map((received) => (mode === "overwrite" ? received.slice(0, -1) : []));
  const lostEdges = new Set(lost.flat().map((term) => term.edge));
  const last = index > 0 ? steps[index - 1] : null;
  return {
    index,
    grad,
    terms,
    lost,
    lostEdges,
    byEdge,
    active: last ? last.node : null,
    fresh: new Set(last ? last.deposits.map((d) => d.edge) : []),
  };
}

// Edge ids are 0..m-1 by the protocol; a map keeps us honest if they ever are not.
const byStructure = new WeakMap();
function edgesById(structure) {
  if (!byStructure.has(structure)) {
    byStructure.set(structure, new Map(structure.edges.map((edge) => [edge.id, edge])));
  }
  return byStructure.get(structure);
}
