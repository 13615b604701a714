// What the widget shows instead of a drawing when the graph has more than max_nodes nodes.
// Python sends only counts then (docs/protocol.md, "A graph too large to draw"); the
// "Draw anyway" button asks it for the full graph.
import { plural } from "./format.js";

/**
 * Writes `summary` ({nodes, edges, leaves, ops: {op: count}, multi}) into `el`;
 * `onDraw` runs when the user asks to draw anyway.
 */
export function renderSummary(el, summary, maxNodes, onDraw) {
  const doc = el.ownerDocument;
  const make = (tag, text) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const box = make("div");
  box.className = "gw-summary";
  const multi = summary.multi ?? 0;
  const intro = make("div",
    `This graph has ${plural(summary.nodes, "node")} and ${plural(summary.edges, "edge")}, more than max_nodes = ${maxNodes}, ` +
    `so it is summarized instead of drawn. ${plural(summary.leaves, "leaf", "leaves")}; ` +
    `${plural(multi, "node")} ${multi === 1 ? "gets" : "get"} more than one contribution in the backward pass.`);
  const table = make("table");
  const ops = Object.entries(summary.ops ?? {}).sort((a, b) => b[1] - a[1]);
  for (const [op, count] of [...ops, ["leaf", summary.leaves]]) {
    const row = make("tr");
    row.append(make("td", op), make("td", String(count)));
    table.append(row);
  }
  const button = make("button", "Draw anyway");
  button.type = "button";
  button.addEventListener("click", onDraw);
  box.append(intro, table, button);
  el.replaceChildren(box);
}
