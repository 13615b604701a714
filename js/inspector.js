// The inspector under the graph: a node's forward formula and its grad as a sum, term by
// term, with where each term came from, e.g. "a.grad = 1 (from b, left) + 1 (from b, right) = 2".
// explain() is pure; createInspector() owns what is hovered and pinned and writes the
// explanation as text (names isolated, never HTML).
import { formatNumber as fmt } from "./format.js";
import { gradOf, nodeName } from "./payload.js";
import { appendText, user } from "./text.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./replay.js").Moment} Moment */
/** @typedef {import("./text.js").Piece} Piece */
/** @typedef {{forward: Piece[], grad: {pieces: Piece[], lost?: boolean}[]}} Explanation */

const SLOT_NAMES = ["left", "right"];
const HINT = "Hover or click a node to see how its grad adds up.";

/**
 * Two lines: the forward formula, and the grad split in parts so that lost terms
 * (overwrite mode) can be marked.
 * @param {Structure} structure
 * @param {number[]} data
 * @param {Moment} at
 * @param {number} id
 * @returns {Explanation}
 */
export function explain(structure, data, at, id, mode = "accumulate", hidden = null) {
  const node = structure.nodes[id];
  const known = at.pending?.has(id) ? null : data; // not computed yet in the forward pass
  const grad = hidden?.has(id) // a quiz question not answered yet
    ? [{ pieces: [...gradOf(node, named(node)), " = ? (predict it first, in the quiz below)"] }]
    : gradParts(structure, at, node, mode);
  return { forward: forwardLine(structure, known, node), grad };
}

const named = (node) => user(nodeName(node));

// "d = a * b = 6" ("?" for the value while `data` is null); a node without a label is named by what it computes, so its formula
// is its name: "a*b = 6"; "a = 2 (leaf)".
function forwardLine(structure, data, node) {
  const value = data ? fmt(data[node.id]) : "?";
  if (!node.op) return node.label ? [named(node), ` = ${value} (leaf)`] : [`${value} (leaf, no label)`];
  const args = inputsOf(structure, node.id).map((edge) => argument(structure.nodes[edge.src]));
  let formula;
  if (args.length === 2) formula = [...args[0], ` ${node.op} `, ...args[1]];
  else if (node.op.startsWith("**")) formula = [...args[0], node.op];
  else formula = [`${node.op}(`, ...args.flatMap((arg, i) => (i ? [", ", ...arg] : arg)), ")"];
  return node.label ? [named(node), " = ", ...formula, ` = ${value}`] : [...formula, ` = ${value}`];
}

// An input in a formula: an unlabelled inner node is in parentheses, so "(a + b) * c"
// keeps its meaning.
const argument = (node) => (node.op && !node.label ? ["(", named(node), ")"] : [named(node)]);

function gradParts(structure, at, node, mode) {
  const head = { pieces: [...gradOf(node, named(node)), " = "] };
  const terms = at.terms[node.id];
  if (terms.length === 0) {
    const seed = node.id === structure.root && at.seeded !== false;
    return [head, { pieces: [seed ? "1 (seed)" : "0 (nothing received yet)"] }];
  }
  const lost = new Set(at.lost[node.id]);
  const parts = [head];
  terms.forEach((term, i) => {
    if (i > 0) parts.push({ pieces: [mode === "overwrite" ? " → " : " + "] });
    parts.push({ pieces: [`${fmt(term.value)} (`, ...termSource(structure, term), ")"], lost: lost.has(term) });
    if (lost.has(term)) parts.push({ pieces: [" lost"] });
  });
  parts.push({ pieces: [` = ${fmt(at.grad[node.id])}`] });
  return parts;
}

// "from b, left": the firing node, and which of its inputs the term went through.
function termSource(structure, term) {
  const from = ["from ", named(structure.nodes[term.from])];
  const unary = inputsOf(structure, term.from).length < 2;
  return unary ? from : [...from, `, ${SLOT_NAMES[term.slot] ?? `slot ${term.slot}`}`];
}

function inputsOf(structure, id) {
  return structure.edges.filter((edge) => edge.dst === id).sort((a, b) => a.slot - b.slot);
}

/** Writes an explanation into `el` (replacing its content). A lost term is framed
 * (span.gw-lost-term) and followed by the word "lost": never struck through, which
 * would hide the minus of a negative term. */
export function renderExplanation(el, explanation) {
  const doc = el.ownerDocument;
  const forward = appendText(doc.createElement("div"), explanation.forward);
  forward.className = "gw-forward";
  const grad = doc.createElement("div");
  grad.className = "gw-sum";
  for (const part of explanation.grad) {
    const span = doc.createElement("span");
    if (part.lost) span.className = "gw-lost-term";
    grad.append(appendText(span, part.pieces));
  }
  el.replaceChildren(forward, grad);
}

/**
 * The inspector element and its state: the hovered node, the pinned one (a click pins,
 * a click on it or on the background unpins), and the pinned node's outline.
 * `source()` tells what is drawn: {structure, data, panels: [{drawing, at, replay, title}]},
 * or null while nothing is.
 */
export function createInspector(doc, source) {
  const el = doc.createElement("div");
  el.className = "gw-inspector";
  let hovered = null;
  let pinned = null;
  let outlined = []; // the g.gw-node elements that have .gw-pinned
  let shown; // what is written: a node id, null for the hint, undefined for nothing yet

  function show() {
    const drawn = source();
    const panels = drawn?.panels ?? [];
    const outline = pinned == null ? [] : panels.map((panel) => panel.drawing.nodes[pinned]?.g).filter(Boolean);
    if (outline.length !== outlined.length || outline.some((g, i) => g !== outlined[i])) {
      for (const g of outlined) g.classList.remove("gw-pinned");
      for (const g of outline) g.classList.add("gw-pinned");
      outlined = outline;
    }
    const id = pinned ?? hovered;
    if (id == null || !panels.length || !drawn.structure.nodes[id]) {
      if (shown === null) return; // the hint is showing already
      shown = null;
      const hint = doc.createElement("div");
      hint.className = "gw-hint";
      hint.textContent = drawn ? HINT : "";
      el.replaceChildren(hint);
      return;
    }
    // The forward formula once, then the grad sum of each panel (two in compare mode).
    shown = id;
    el.replaceChildren(...panels.map((panel, i) => {
      const block = doc.createElement("div");
      renderExplanation(block, explain(drawn.structure, drawn.data, panel.at, id, panel.replay, drawn.hidden));
      if (i > 0) block.firstChild.remove();
      if (panel.title) block.lastChild.prepend(`${panel.title}: `);
      return block;
    }));
  }

  return {
    el,
    show,
    /** The pointer is over node `id` (null: over none). */
    hover(id) {
      if (id === hovered) return;
      hovered = id;
      show();
    },
    /** A click on node `id` (null: on the background). */
    pin(id) {
      pinned = id === pinned ? null : id;
      show();
    },
    /** The drawing was replaced: nothing of the old one is outlined or shown any more. */
    redrawn() {
      outlined = [];
      shown = undefined;
    },
    /** Another graph: forget the hovered and pinned node too. */
    reset() {
      hovered = pinned = null;
      outlined = [];
      shown = undefined;
    },
  };
}
