// What the widget shows instead of a drawing when a graph has more than max_nodes nodes:
// counts that say what the graph is, and a "Draw anyway" button.

/** Counts for a structure: nodes, edges, leaves, multi-contribution nodes, nodes per op. */
export function summarize(structure) {
  const uses = new Map(); // node id -> edges leaving it = deposits it receives in a backward pass
  for (const edge of structure.edges) uses.set(edge.src, (uses.get(edge.src) ?? 0) + 1);
  const perOp = new Map();
  for (const node of structure.nodes) {
    const op = node.op || "leaf";
    perOp.set(op, (perOp.get(op) ?? 0) + 1);
  }
  return {
    nodes: structure.nodes.length,
    edges: structure.edges.length,
    leaves: perOp.get("leaf") ?? 0,
    multi: [...uses.values()].filter((count) => count > 1).length,
    perOp: [...perOp].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  };
}

/** Writes the summary into `el`; `onDraw` runs when the user asks to draw anyway. */
export function renderSummary(el, summary, maxNodes, onDraw) {
  const doc = el.ownerDocument;
  const make = (tag, text) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const box = make("div");
  box.className = "gw-summary";
  const intro = make("div",
    `This graph has ${summary.nodes} nodes and ${summary.edges} edges, more than max_nodes = ${maxNodes}, ` +
    `so it is summarized instead of drawn. ${summary.leaves} leaves; ` +
    `${summary.multi} nodes get more than one contribution in the backward pass.`);
  const table = make("table");
  for (const [op, count] of summary.perOp) {
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
