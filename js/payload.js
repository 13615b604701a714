// What Python sends (docs/protocol.md), as JSDoc types, and the few rules for reading it.
// Python computes everything; these functions only pick out what belongs together.

/**
 * @typedef {object} Node
 * @property {number} id    0..n-1, topological order (inputs first)
 * @property {string} label user text ("" if none): drawn as text, never parsed as HTML
 * @property {string} op    "" for a leaf, else "+", "*", "tanh", "**2", …
 * @property {string} [name] how text calls the node: the label, else what it computes ("a*b")
 *
 * @typedef {object} Edge   an input `src` of the node `dst`, at argument position `slot`
 * @property {number} id
 * @property {number} src
 * @property {number} dst
 * @property {number} slot  0 = left, 1 = right
 *
 * @typedef {object} Summary  counts sent instead of a graph above max_nodes
 * @property {number} nodes
 * @property {number} edges
 * @property {number} leaves
 * @property {Object<string, number>} ops
 * @property {number} multi
 *
 * @typedef {object} Structure  the graph's shape; changes rarely (relayout)
 * @property {string} key       changes if and only if the shape or a label/op changed
 * @property {number} root
 * @property {Node[]} nodes
 * @property {Edge[]} edges
 * @property {Summary} [summary]
 *
 * @typedef {object} Deposit  one edge's contribution, as the receiving node gets it
 * @property {number} edge
 * @property {number} value   local * out.grad
 * @property {number} total   the receiving node's grad after this deposit
 * @property {number} [uses]  how many scalar deposits it sums (a grouped graph; absent: 1)
 *
 * @typedef {object} Step     one node fires: its deposits, in edge order
 * @property {number} node
 * @property {Deposit[]} deposits
 *
 * @typedef {object} Replay   the backward pass of one mode, computed in Python
 * @property {Step[]} steps
 * @property {number[]} grad  per node, after the last step
 *
 * @typedef {object} Values   the numbers; change often (no relayout)
 * @property {string} key     the key of the structure they belong to
 * @property {number[]} data  per node id
 * @property {Object<string, Replay>} replays  by replay mode (gradwidget/modes.json)
 * @property {string|null} [stale]  a message when leaf data changed since the last forward()
 * @property {string[]} [views]  the views (modes) that apply to this graph: the mode switch offers only these
 * @property {number} [seq]   the slide this update answers
 * @property {string|null} [error]  why that slide was not applied
 * @property {string[]} [findings]  a graph of the student's own class: what
 *   gradwidget.check() finds wrong in their backward(), one sentence each ([] if nothing)
 * @property {string|null} [foreign]  that class's name; null for gradwidget's Values
 *
 * @typedef {object} SliderSpec
 * @property {string} name
 * @property {number} min
 * @property {number} max
 * @property {number} step
 * @property {number} value
 */

const EMPTY_REPLAY = Object.freeze({ steps: [], grad: [] });

/** `values` if they belong to `structure` (same key), else null: values may arrive just
 * before or after their structure, and are held until it is there. */
export function valuesFor(structure, values) {
  const fits = structure?.key != null && values?.key === structure.key && Array.isArray(values.data);
  return fits ? values : null;
}

/** @returns {Replay} the replay of one mode, or an empty one. */
export function replayOf(values, mode) {
  const replays = values?.replays;
  return replays && Object.hasOwn(replays, mode) ? replays[mode] : EMPTY_REPLAY;
}

/** How text calls a node: the name Python gives it. A payload without names (an older
 * kernel) falls back to the label, else the op ("tanh node") or "leaf": never an id. */
export function nodeName(node) {
  if (node?.name) return node.name;
  if (node?.label) return node.label;
  return node?.op ? `${node.op} node` : "leaf";
}

/** "name.grad" as text pieces, `name` being the node's name as a piece; a name that is
 * an expression is put in parentheses: "(a*b).grad". */
export function gradOf(node, name) {
  return isExpression(node) ? ["(", name, ").grad"] : [name, ".grad"];
}

// A node called by what it computes (no label), with an operator outside parentheses:
// "a*b", "-x" and "x**2" need them before ".grad", "tanh(a + b)" does not.
export function isExpression(node) {
  if (node.label || node.group || !node.op || !node.name) return false; // a group's name is a name
  let outside = node.name; // the name less every parenthesized part, innermost first
  let before;
  do {
    before = outside;
    outside = outside.replace(/\([^()]*\)/g, "");
  } while (outside !== before);
  return /[\s+\-*/]/.test(outside);
}
