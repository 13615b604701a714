// Structure -> DOT text for Graphviz, and Graphviz's JSON answer -> positions in SVG units.
// One Graphviz node per value node (the op is drawn inside it), fixed-size boxes whose
// size depends only on the structure, so the same structure always gets the same layout.
// Each edge also gets a fixed-size Graphviz label, an empty box as wide as the longest
// contribution written on it ("lost -1.234e-15"; draw.js squeezes the rare longer one,
// "lost -1.234e-100", into it): dot places it like a node and routes edges around it, so
// the number drawn there can never run into a node, an arrowhead or another edge's
// number, and no number ever moves the layout.
import { formatNumber } from "./format.js";
import { nodeName } from "./payload.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./payload.js").Node} Node */
/**
 * @typedef {object} EdgeGeometry  in SVG units
 * @property {string} path  SVG path data, ending with a line to the arrow's tip
 * @property {[number, number]|null} tip  where the arrowhead points
 * @property {number} labelX  centre of the box reserved for the edge's contribution
 * @property {number} labelY
 * @property {boolean} reserved  whether Graphviz reserved that box (reservesLabels)
 */
/**
 * @typedef {object} Layout  positions in SVG units (origin top-left, y down)
 * @property {number} width
 * @property {number} height
 * @property {Object<number, {x: number, y: number, w: number, h: number}>} nodes  by node id: the box's top-left corner and size
 * @property {Object<number, EdgeGeometry>} edges  by edge id
 */

const NODE_H = 76; // leaves room under "grad" for the "×2" badge on the bottom border
const MIN_W = 140; // room for "grad" plus the longest formatted number ("-1.235e-15") at 13px
const PAD = 10;
const LABEL_CHAR_W = 8.6; // bold 13px: names like "x1*w1 + x2*w2" average 8.2-8.5 px a character in Chromium
const OP_CHAR_W = 7.4; // 12px monospace
const MAX_NAME_CHARS = 18;
const RANKSEP = 72; // points between columns without reserved labels: room to write a contribution on an edge
const LABEL_RANKSEP = 36; // with them: a column, half this, the labels' column, half this, the next column

/** Font size (SVG units) of the contributions written on edges (styles.js uses it). */
export const LABEL_FONT = 13;
// The widest advance of the usual monospace fonts, in em (DejaVu Sans Mono and Menlo
// 0.602, Liberation Mono and Courier 0.6, Consolas 0.55), with a little to spare.
const MONO_EM = 0.61;
/** What an edge label may start with (draw.js writes one of these before the number). */
export const CONTRIBUTION_WORDS = ["lost ", "+= ", "= "];
// The longest texts format.js makes for numbers up to 1e±99: negative, 4 digits, a
// 2-digit exponent.
const EXTREMES = [-1.2345e-15, -1.2345e15, -1.2345e-99, -1.2345e99, -0.0012345, -1234.5];
const longest = (texts) => texts.reduce((a, b) => ([...b].length > [...a].length ? b : a));
/** The widest contribution an edge shows at its font size, e.g. "lost -1.234e-15". */
export const LONGEST_CONTRIBUTION = longest(CONTRIBUTION_WORDS) + longest(EXTREMES.map(formatNumber));
/** Size (SVG units) of the box reserved on every edge for its contribution. */
export const LABEL_W = Math.ceil(labelTextWidth(LONGEST_CONTRIBUTION)) + 2;
export const LABEL_H = 20;
/** Above this many nodes, or this many rank steps summed over the edges (long edges
 * crossing many columns), no label boxes are reserved: they make dot many times slower
 * (~6x on a 2,000-node graph, whose text is hidden until zoomed in anyway). Contributions
 * are then written just above their edge, right of the source's column. Teaching graphs
 * are far below both. */
export const LABELS_MAX_NODES = 500;
export const LABELS_MAX_SPAN = 2000;

/** Whether the layout of `structure` reserves a box on each edge for its contribution. */
export function reservesLabels(structure) {
  if (structure.nodes.length > LABELS_MAX_NODES) return false;
  // Longest-path ranks (ids are in topological order: inputs first), then the columns
  // all edges cross, about the virtual nodes dot would add.
  const rank = new Map(structure.nodes.map((node) => [node.id, 0]));
  const edges = [...structure.edges].sort((a, b) => a.dst - b.dst);
  for (const edge of edges) rank.set(edge.dst, Math.max(rank.get(edge.dst) ?? 0, (rank.get(edge.src) ?? 0) + 1));
  let span = 0;
  for (const edge of edges) span += (rank.get(edge.dst) ?? 0) - (rank.get(edge.src) ?? 0);
  return span <= LABELS_MAX_SPAN;
}

/** Width in SVG units of `text` in the edge labels' monospace font (an upper bound). */
export function labelTextWidth(text) {
  return [...text].length * MONO_EM * LABEL_FONT;
}

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
  const reserve = reservesLabels(structure);
  const lines = [
    "digraph G {",
    `graph [rankdir=LR nodesep=0.3 ranksep=${inches(reserve ? LABEL_RANKSEP : RANKSEP)}];`,
    'node [shape=box fixedsize=true label=""];',
  ];
  // An HTML-like label: an empty table of exactly LABEL_W x LABEL_H points.
  if (reserve) {
    lines.push(`edge [label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0" FIXEDSIZE="TRUE" ` +
      `WIDTH="${LABEL_W}" HEIGHT="${LABEL_H}"><TR><TD></TD></TR></TABLE>>];`);
  }
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
    edges[id] = edgeGeometry(edge, llx, ury, nodes[nameToId[edge.tail]]);
  }
  return { width: round(urx - llx), height: round(ury - lly), nodes, edges };
}

// Graphviz edge "pos": optional "e,x,y" (arrow tip) and "s,x,y" (arrow at the start),
// then 3k+1 points of a cubic B-spline: p0, then (c1, c2, p) per segment; "lp": the
// centre of the edge's label, if it has one.
// (Written for speed: a 2,000-node graph has ~30,000 points; no array per point.)
function edgeGeometry({ pos, lp }, llx, ury, source) {
  const tokens = pos.trim().split(/[\s,]+/);
  const xy = new Float64Array(tokens.length); // spline points, SVG units, x0 y0 x1 y1 …
  let n = 0;
  let tip = null;
  for (let i = 0; i < tokens.length;) {
    const token = tokens[i];
    if (token === "e" || token === "s") {
      if (token === "e") tip = [round(Number(tokens[i + 1]) - llx), round(ury - Number(tokens[i + 2]))];
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
  if (tip) path += ` L${tip[0]},${tip[1]}`; // the arrowhead marker sits on this last short segment
  if (lp) {
    const [x, y] = lp.split(",").map(Number);
    return { path, tip, labelX: round(x - llx), labelY: round(ury - y), reserved: true };
  }
  // No reserved box: halfway across the gap after the source's column, where no node can
  // be, raised clear of the edge where it climbs under the label.
  const samples = sampleSpline(xy, n);
  const labelX = (source ? source.x + source.w : xy[0]) + RANKSEP / 2;
  const curveY = nearestAtX(samples, labelX)[1];
  const half = Math.min(LABEL_W / 2, RANKSEP / 2);
  const top = Math.min(curveY, nearestAtX(samples, labelX - half)[1], nearestAtX(samples, labelX + half)[1]);
  return { path, tip, labelX: round(labelX), labelY: round(top - LABEL_H / 2 - 2), reserved: false };
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
