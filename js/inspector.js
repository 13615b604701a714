// The inspector: a node's forward formula and its grad as a sum, term by term, with where
// each term came from, e.g. "a.grad = 1 (from b, left) + 1 (from b, right) = 2".
// explain() is pure; renderExplanation() writes it into an element as text (never HTML).
import { formatNumber as fmt } from "./format.js";

const SLOT_NAMES = ["left", "right"];

/** How a node is called in text: its label, else "#<id> (<op>)", or "#<id>" for a leaf. */
export function nodeName(node) {
  if (node.label) return node.label;
  return node.op ? `#${node.id} (${node.op})` : `#${node.id}`;
}

/**
 * @returns {{forward: string, grad: {text: string, lost?: boolean}[]}} two lines; the grad
 * line is split in parts so lost terms (overwrite mode) can be struck through.
 */
export function explain(structure, data, at, id, mode = "accumulate") {
  const node = structure.nodes[id];
  const name = nodeName(node);
  return { forward: forwardLine(structure, data, node, name), grad: gradParts(structure, at, node, name, mode) };
}

function forwardLine(structure, data, node, name) {
  const value = fmt(data?.[node.id]);
  if (!node.op) return `${name} = ${value} (leaf)`;
  const args = inputsOf(structure, node.id).map((edge) => nodeName(structure.nodes[edge.src]));
  let formula;
  if (args.length === 2) formula = `${args[0]} ${node.op} ${args[1]}`;
  else if (node.op.startsWith("**")) formula = `${args[0]}${node.op}`;
  else formula = `${node.op}(${args.join(", ")})`;
  return `${name} = ${formula} = ${value}`;
}

function gradParts(structure, at, node, name, mode) {
  const head = { text: `${name}.grad = ` };
  const terms = at.terms[node.id];
  if (terms.length === 0) {
    const seed = node.id === structure.root;
    return [head, { text: seed ? "1 (seed)" : "0 (nothing received yet)" }];
  }
  const lost = new Set(at.lost[node.id]);
  const parts = [head];
  terms.forEach((term, i) => {
    if (i > 0) parts.push({ text: mode === "overwrite" ? " → " : " + " });
    parts.push({ text: `${fmt(term.value)} (${termSource(structure, term)})`, lost: lost.has(term) });
    if (lost.has(term)) parts.push({ text: " lost" });
  });
  parts.push({ text: ` = ${fmt(at.grad[node.id])}` });
  return parts;
}

// "from b, left": the firing node, and which of its inputs the term went through.
function termSource(structure, term) {
  const from = nodeName(structure.nodes[term.from]);
  const unary = inputsOf(structure, term.from).length < 2;
  return unary ? `from ${from}` : `from ${from}, ${SLOT_NAMES[term.slot] ?? `slot ${term.slot}`}`;
}

function inputsOf(structure, id) {
  return structure.edges.filter((edge) => edge.dst === id).sort((a, b) => a.slot - b.slot);
}

/** Writes an explanation into `el` (replacing its content); lost terms go in <s>. */
export function renderExplanation(el, explanation) {
  const doc = el.ownerDocument;
  const forward = doc.createElement("div");
  forward.className = "gw-forward";
  forward.textContent = explanation.forward;
  const grad = doc.createElement("div");
  grad.className = "gw-sum";
  for (const part of explanation.grad) {
    const span = doc.createElement(part.lost ? "s" : "span");
    if (part.lost) span.className = "gw-lost-term";
    span.textContent = part.text;
    grad.append(span);
  }
  el.replaceChildren(forward, grad);
}
