// Structure -> DOT text for Graphviz, and Graphviz's JSON answer -> positions in SVG units.
// One Graphviz node per value node (the op is drawn inside it), fixed-size boxes whose
// size depends only on the structure, so the same structure always gets the same layout.
import { nodeName } from "./payload.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./payload.js").Node} Node */
/**
 * @typedef {object} Layout  positions in SVG units (origin top-left, y down)
 * @property {number} width
 * @property {number} height
 * @property {Object<number, {x: number, y: number, w: number, h: number}>} nodes  by node id: the box's top-left corner and size
 * @property {Object<number, {path: string, labelX: number, labelY: number, labelRise: number}>} edges  by edge id
 */

const NODE_H = 72; // leaves room under "grad" for the "×2" badge on the bottom border
const MIN_W = 132; // room for "grad" plus the longest formatted number ("-1.235e-15")
const PAD = 10;
const LABEL_CHAR_W = 8.6; // bold 13px: names like "x1*w1 + x2*w2" average 8.2-8.5 px a character in Chromium
const OP_CHAR_W = 7.4; // 12px monospace
const MAX_NAME_CHARS = 18;
const RANKSEP = 72; // points between columns: room to write a contribution on an edge
const LABEL_HALF_W = 40; // half the width of a long contribution label ("lost -0.1235")

/** The node's name as drawn (and in the step status): cut with an ellipsis so one long
 * name cannot widen a column. @param {Node} node */
export function shortName(node) {
  const name = [...nodeName(node)]; // by code point: a cut never splits a character
  return name.length > MAX_NAME_CHARS ? name.slice(0, MAX_NAME_CHARS - 1).join("") + "…" : name.join("");
}

/** Width of the op badge drawn in the node's header (0 for a leaf). */
export function opBadgeWidth(op) {
  return op ? Math.ceil(op.length * OP_CHAR_W + 12) : 0;
}

/** Box size in points (= SVG units) from the text the node shows. @param {Node} node */
export function nodeSize(node) {
  const name = shortName(node);
  const header = PAD + [...name].length * LABEL_CHAR_W + 8 + opBadgeWidth(node.op) + PAD;
  return { w: Math.max(MIN_W, Math.ceil(header)), h: NODE_H };
}

/** DOT text for a structure. @param {Structure} structure Node "n<id>", edge id "e<id>" so the answer maps back. */
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

/** Graphviz "json0" text -> positions in SVG coordinates (Graphviz has y up). @returns {Layout} */
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
    edges[id] = edgeGeometry(edge.pos, llx, ury);
  }
  return { width: round(urx - llx), height: round(ury - lly), nodes, edges };
}

// Graphviz edge "pos": optional "e,x,y" (arrow tip) and "s,x,y" (arrow at the start),
// then 3k+1 points of a cubic B-spline: p0, then (c1, c2, p) per segment.
// (Written for speed: a 2,000-node graph has ~30,000 points; no array per point.)
function edgeGeometry(pos, llx, ury) {
  const tokens = pos.trim().split(/[\s,]+/);
  const xy = new Float64Array(tokens.length); // spline points, SVG units, x0 y0 x1 y1 …
  let n = 0;
  let tip = null;
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i];
    if (token === "e" || token === "s") {
      if (token === "e") tip = [Number(tokens[i + 1]) - llx, ury - Number(tokens[i + 2])];
      i += 3;
    } else {
      xy[n++] = Number(token) - llx;
      xy[n++] = ury - Number(tokens[i + 1]);
      i += 2;
    }
  }
  let path = `M${round(xy[0])},${round(xy[1])}`;
  for (let i = 2; i + 5 < n; i += 6) {
    path += ` C${round(xy[i])},${round(xy[i + 1])} ${round(xy[i + 2])},${round(xy[i + 3])} ${round(xy[i + 4])},${round(xy[i + 5])}`;
  }
  if (tip) path += ` L${round(tip[0])},${round(tip[1])}`; // the arrowhead marker sits on this last short segment
  // A contribution flows back into the edge's source, so its value is written there:
  // halfway across the gap after the source's column, where no node can be.
  const samples = sampleSpline(xy, n);
  const [labelX, labelY] = nearestAtX(samples, xy[0] + RANKSEP / 2);
  // How far the edge climbs above labelY under a label about 80 units wide: a label
  // raised by this much does not touch its own edge.
  const top = Math.min(nearestAtX(samples, labelX - LABEL_HALF_W)[1], nearestAtX(samples, labelX + LABEL_HALF_W)[1]);
  return { path, labelX: round(labelX), labelY: round(labelY), labelRise: round(Math.max(0, labelY - top)) };
}

const STEPS = 16; // samples per spline segment

// `n` numbers of xy (x0 y0 x1 y1 …: p0, then c1 c2 p per segment) -> [x, y, …]: p0, then
// 16 points along each segment.
function sampleSpline(xy, n) {
  const segments = Math.max(0, Math.floor((n / 2 - 1) / 3));
  const out = new Float64Array(2 + 2 * STEPS * segments);
  out[0] = xy[0];
  out[1] = xy[1];
  let o = 2;
  for (let s = 0; s < segments; s++) {
    const i = 6 * s;
    const x0 = xy[i], y0 = xy[i + 1], x1 = xy[i + 2], y1 = xy[i + 3];
    const x2 = xy[i + 4], y2 = xy[i + 5], x3 = xy[i + 6], y3 = xy[i + 7];
    for (let k = 1; k <= STEPS; k++) {
      const t = k / STEPS;
      const u = 1 - t;
      const a = u * u * u;
      const b = 3 * u * u * t;
      const c = 3 * u * t * t;
      const d = t * t * t;
      out[o++] = a * x0 + b * x1 + c * x2 + d * x3;
      out[o++] = a * y0 + b * y1 + c * y2 + d * y3;
    }
  }
  return out;
}

function nearestAtX(samples, x) {
  let best = 0;
  for (let i = 2; i < samples.length; i += 2) {
    if (Math.abs(samples[i] - x) < Math.abs(samples[best] - x)) best = i;
  }
  return [samples[best], samples[best + 1]];
}

const round = (v) => Math.round(v * 10) / 10;
