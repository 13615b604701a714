// Structure -> DOT text for Graphviz, and Graphviz's JSON answer -> positions in SVG units.
// One Graphviz node per value node (the op is drawn inside it), fixed-size boxes whose
// size depends only on the structure, so the same structure always gets the same layout.

export const NODE_H = 72; // leaves room under "grad" for the "×2" badge on the bottom border
const MIN_W = 132; // room for "grad" plus the longest formatted number ("-1.235e-15")
const PAD = 10;
const LABEL_CHAR_W = 7.6; // bold 13px, a generous average so text never overflows
const OP_CHAR_W = 7.4; // 12px monospace
export const MAX_LABEL_CHARS = 18;
const RANKSEP = 72; // points between columns: room to write a contribution on an edge

/** The label as drawn: truncated with an ellipsis so one long name cannot widen a column. */
export function shownLabel(node) {
  const label = node.label || "";
  return label.length > MAX_LABEL_CHARS ? label.slice(0, MAX_LABEL_CHARS - 1) + "…" : label;
}

/** Width of the op badge drawn in the node's header (0 for a leaf). */
export function opBadgeWidth(op) {
  return op ? Math.ceil(op.length * OP_CHAR_W + 12) : 0;
}

/** Box size in points (= SVG units) from the text the node shows. */
export function nodeSize(node) {
  const label = shownLabel(node) || `#${node.id}`;
  const header = PAD + label.length * LABEL_CHAR_W + 8 + opBadgeWidth(node.op) + PAD;
  return { w: Math.max(MIN_W, Math.ceil(header)), h: NODE_H };
}

/** DOT text for a structure. Node "n<id>", edge id "e<id>" so the answer maps back. */
export function toDot(structure) {
  const lines = [
    "digraph G {",
    `graph [rankdir=LR nodesep=0.3 ranksep=${inches(RANKSEP)}];`,
    'node [shape=box fixedsize=true label=""];',
  ];
  for (const node of structure.nodes) {
    const { w, h } = nodeSize(node);
    lines.push(`n${node.id} [width=${inches(w)} height=${inches(h)}];`);
  }
  // One DOT edge per structure edge: `a + a` gives two parallel edges, as it should.
  for (const edge of structure.edges) {
    lines.push(`n${edge.src} -> n${edge.dst} [id=e${edge.id}];`);
  }
  lines.push("}");
  return lines.join("\n");
}

const inches = (points) => +(points / 72).toFixed(4);

/**
 * Graphviz "json0" text -> { width, height, nodes: {id: {x, y, w, h}}, edges: {id: {path, labelX, labelY}} }.
 * SVG coordinates: origin top-left, y down (Graphviz has y up). Node x, y is the box's top-left corner.
 */
export function parseLayout(jsonText) {
  const graph = JSON.parse(jsonText);
  const [llx, lly, urx, ury] = graph.bb.split(",").map(Number);
  const toSvg = ([x, y]) => [x - llx, ury - y];

  const nodes = {};
  const nameToId = [];
  for (const obj of graph.objects || []) {
    const id = Number(obj.name.slice(1));
    nameToId[obj._gvid] = id;
    const [cx, cy] = toSvg(obj.pos.split(",").map(Number));
    const w = Number(obj.width) * 72;
    const h = Number(obj.height) * 72;
    nodes[id] = { x: round(cx - w / 2), y: round(cy - h / 2), w: round(w), h: round(h) };
  }

  const edges = {};
  for (const edge of graph.edges || []) {
    const id = Number(edge.id.slice(1));
    edges[id] = edgeGeometry(edge.pos, toSvg);
  }
  return { width: round(urx - llx), height: round(ury - lly), nodes, edges };
}

// Graphviz edge "pos": optional "e,x,y" (arrow tip) and "s,x,y" (arrow at the start),
// then 3k+1 points of a cubic B-spline: p0, then (c1, c2, p) per segment.
function edgeGeometry(pos, toSvg) {
  let tip = null;
  const points = [];
  for (const token of pos.trim().split(/\s+/)) {
    const parts = token.split(",");
    if (parts[0] === "e") tip = toSvg(parts.slice(1).map(Number));
    else if (parts[0] !== "s") points.push(toSvg(parts.map(Number)));
  }
  const fmt = ([x, y]) => `${round(x)},${round(y)}`;
  let path = `M${fmt(points[0])}`;
  for (let i = 1; i + 2 < points.length; i += 3) {
    path += ` C${fmt(points[i])} ${fmt(points[i + 1])} ${fmt(points[i + 2])}`;
  }
  if (tip) path += ` L${fmt(tip)}`; // the arrowhead marker sits on this last short segment
  // A contribution flows back into the edge's source, so its value is written there:
  // halfway across the gap after the source's column, where no node can be.
  const [labelX, labelY] = splinePointAtX(points, points[0][0] + RANKSEP / 2);
  return { path, labelX: round(labelX), labelY: round(labelY) };
}

/** The point of a cubic B-spline (p0, then c1 c2 p per segment) whose x is nearest `x`. */
export function splinePointAtX(points, x) {
  let best = points[0];
  for (let i = 0; i + 3 < points.length; i += 3) {
    const [p0, p1, p2, p3] = points.slice(i, i + 4);
    for (let k = 1; k <= 16; k++) {
      const t = k / 16;
      const u = 1 - t;
      const at = (d) => u * u * u * p0[d] + 3 * u * u * t * p1[d] + 3 * u * t * t * p2[d] + t * t * t * p3[d];
      const point = [at(0), at(1)];
      if (Math.abs(point[0] - x) < Math.abs(best[0] - x)) best = point;
    }
  }
  return best;
}

const round = (v) => Math.round(v * 10) / 10;
