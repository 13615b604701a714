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
/** Nor in a grouped graph with a closed group (a network's neurons: the layers' edges are
 * drawn box to box, orderLayers) or above this many edges: a layer of 16 neurons feeding 16
 * (256 edges) would stack its boxes between two columns; only the current step's
 * contribution is written anyway. */
export const LABELS_MAX_EDGES = 150;

/** How much work (nodes + columns crossed by edges, see layoutWork) dot does with its usual
 * settings; above it dot gets DOT_BOUNDS. Teaching graphs, and 6,000-node graphs whose
 * edges span a column or two, are below. */
export const DOT_PLAIN_WORK = 5000;
/** Above this much work no Graphviz at all: the columns layout (columnsLayout), at once.
 * (micrograd's demo loss over one point, 1,666 nodes, is 62,600: its L2 term, a chain of
 * 337 additions each fed from a parameter used at the start, crosses 61,000 columns, and
 * dot took 78 s in node, over 200 s in a browser, or overflowed its stack.) */
export const DOT_MAX_WORK = 30000;
/** What bounds dot's work in between: its network simplex (ranks and positions) may take
 * at most one pass over the nodes (nslimit, nslimit1), looking at 10 candidate edges at a
 * time (searchsize). On an MLP loss of 1,014 nodes crossing 23,000 columns: 8.2 s -> 2.0 s;
 * little change to the picture; none to layered graphs, where dot converges fast anyway. */
export const DOT_BOUNDS = "nslimit=1 nslimit1=1 searchsize=10";

/** Whether the layout of `structure` reserves a box on each edge for its contribution. */
export function reservesLabels(structure) {
  if (structure.nodes.length > LABELS_MAX_NODES) return false;
  if (structure.groups && (structure.edges.length > LABELS_MAX_EDGES || structure.nodes.some((node) => node.group))) return false;
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

/** The text of a node's header badge: its op, or for a collapsed group "▸ 50" (it opens,
 * and holds 50 values). @param {Node} node */
export function badgeText(node) {
  return node.group ? `\u25b8 ${node.group.size}` : node.op;
}

/** Box size in points (= SVG units) from the text the node shows. @param {Node} node */
export function nodeSize(node) {
  const name = shortName(node);
  const header = PAD + [...name].length * LABEL_CHAR_W + 8 + opBadgeWidth(badgeText(node)) + PAD;
  return { w: Math.max(MIN_W, Math.ceil(header)), h: NODE_H };
}

/** Height (points) kept free at the top of a group's frame for its title. */
export const FRAME_TITLE_H = 24;

/** DOT text for a structure. @param {Structure} structure Node "n<id>", edge id "e<id>" so the answer maps back. */
export function toDot(structure) {
  const reserve = reservesLabels(structure);
  const bounds = layoutWork(structure).total > DOT_PLAIN_WORK ? ` ${DOT_BOUNDS}` : "";
  const lines = [
    "digraph G {",
    `graph [rankdir=LR nodesep=0.3 ranksep=${inches(reserve ? LABEL_RANKSEP : RANKSEP)}${bounds}];`,
    'node [shape=box fixedsize=true label=""];',
  ];
  // An HTML-like label: an empty table of exactly LABEL_W x LABEL_H points.
  if (reserve) {
    lines.push(`edge [label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0" FIXEDSIZE="TRUE" ` +
      `WIDTH="${LABEL_W}" HEIGHT="${LABEL_H}"><TR><TD></TD></TR></TABLE>>];`);
  }
  const inside = new Map(); // cluster key -> its DOT lines (nodes, then the clusters in it)
  for (const node of structure.nodes) {
    const { w, h } = nodeSize(node);
    const line = `n${node.id} [width=${inches(w)} height=${inches(h)}];`;
    if (node.cluster != null && clusterIndex(structure).has(node.cluster)) {
      if (!inside.has(node.cluster)) inside.set(node.cluster, []);
      inside.get(node.cluster).push(line);
    } else lines.push(line);
  }
  lines.push(...clusterDot(structure, inside));
  // One DOT edge per structure edge: `a + a` gives two parallel edges, as it should.
  for (const edge of structure.edges) {
    lines.push(`n${edge.src} -> n${edge.dst} [id=e${edge.id}];`);
  }
  lines.push("}");
  return lines.join("\n");
}

const inches = (points) => +(points / 72).toFixed(4);

/**
 * A layer's neurons in their order, N1 at the top: dot orders the boxes of a rank to cross
 * fewer edges, so a layer of 16 may read N8, N7, …, N1, N16, …. In each "layer" frame its
 * neurons, closed (boxes) or open (frames, with all they hold), are stacked from the top in
 * the order of `structure.groups.keys` (the order Python made them in), the smallest gap
 * between them kept. An edge whose two ends moved together moves with them; one between
 * ends moved apart is drawn again from box to box (a curve from the middle of one's right
 * side to the middle of the other's left side; its contribution is written above the
 * curve's middle). Returns `layout`, changed in place.
 * @param {Layout} layout
 * @param {Structure} structure
 */
export function orderLayers(layout, structure) {
  const clusters = structure.clusters ?? [];
  const index = clusterIndex(structure);
  const rank = new Map((structure.groups?.keys ?? []).map((key, k) => [key, k])); // Python's order: N1, N2, …
  const frameOf = (key) => layout.clusters?.[index.get(key)];
  // What each open group holds, nested frames included: its node ids and frame keys.
  const inside = new Map(clusters.map((c) => [c.key, { nodes: [], frames: [] }]));
  for (const node of structure.nodes) {
    for (let key = node.cluster; key != null && inside.has(key); key = clusters[index.get(key)].parent) inside.get(key).nodes.push(node.id);
  }
  for (const c of clusters) {
    for (let key = c.parent; key != null && inside.has(key); key = clusters[index.get(key)].parent) inside.get(key).frames.push(c.key);
  }
  const shift = new Map(); // node id -> dy it was moved by
  const shiftFrame = (key, dy) => {
    const box = frameOf(key);
    if (box) layout.clusters[index.get(key)] = { ...box, y: round(box.y + dy) };
  };
  for (const layer of clusters.filter((c) => c.kind === "layer")) {
    // Its items: closed neurons (boxes) and open ones (frames), in one column.
    const items = [];
    for (const node of structure.nodes) {
      if (node.group && node.cluster === layer.key && layout.nodes[node.id]) items.push({ key: node.group.key, node: node.id, box: layout.nodes[node.id] });
    }
    for (const c of clusters) if (c.parent === layer.key && frameOf(c.key)) items.push({ key: c.key, frame: c.key, box: frameOf(c.key) });
    if (items.length < 2 || items.some((item) => !rank.has(item.key))) continue;
    const byPlace = [...items].sort((a, b) => a.box.y - b.box.y);
    const gaps = byPlace.slice(1).map((item, k) => item.box.y - (byPlace[k].box.y + byPlace[k].box.h));
    const gap = Math.max(0, Math.min(...gaps));
    let top = byPlace[0].box.y;
    for (const item of [...items].sort((a, b) => rank.get(a.key) - rank.get(b.key))) {
      const dy = round(top - item.box.y);
      top += item.box.h + gap;
      if (!dy) continue;
      if (item.node != null) {
        layout.nodes[item.node] = { ...item.box, y: round(item.box.y + dy) };
        shift.set(item.node, dy);
        continue;
      }
      shiftFrame(item.frame, dy);
      const held = inside.get(item.frame);
      for (const key of held.frames) shiftFrame(key, dy);
      for (const id of held.nodes) {
        layout.nodes[id] = { ...layout.nodes[id], y: round(layout.nodes[id].y + dy) };
        shift.set(id, dy);
      }
    }
  }
  if (!shift.size) return layout;
  for (const edge of structure.edges) {
    const a = shift.get(edge.src) ?? 0;
    const b = shift.get(edge.dst) ?? 0;
    if (!a && !b) continue;
    const old = layout.edges[edge.id];
    if (a === b && old) { // moved together (inside one frame): the same curve, lower or higher
      layout.edges[edge.id] = { ...old, path: movePath(old.path, a), tip: old.tip && [old.tip[0], round(old.tip[1] + a)], labelY: round(old.labelY + a) };
      continue;
    }
    const from = layout.nodes[edge.src];
    const to = layout.nodes[edge.dst];
    if (from && to) layout.edges[edge.id] = curveBetween(from, to);
  }
  return layout;
}

// An SVG path of absolute "x,y" pairs (layout.js writes only those), moved by dy.
function movePath(path, dy) {
  return path.replace(/(-?[\d.]+),(-?[\d.]+)/g, (_, x, y) => `${x},${round(Number(y) + dy)}`);
}

// The edge from box `a` to box `b` as a cubic curve, right side to left side.
function curveBetween(a, b) {
  const sx = a.x + a.w;
  const sy = a.y + a.h / 2;
  const tx = b.x;
  const ty = b.y + b.h / 2;
  const ex = tx - ARROW;
  const d = Math.max(20, (ex - sx) / 2);
  const path = `M${round(sx)},${round(sy)} C${round(sx + d)},${round(sy)} ${round(ex - d)},${round(ty)} ${round(ex)},${round(ty)} L${round(tx)},${round(ty)}`;
  const labelX = (sx + ex) / 2;
  const labelY = Math.min(sy, ty) + Math.abs(ty - sy) / 2 - LABEL_H / 2 - 2;
  return { path, tip: [round(tx), round(ty)], labelX: round(labelX), labelY: round(labelY), reserved: false };
}

const clusterIndexes = new WeakMap();
/** cluster key -> its index in `structure.clusters` (its DOT name is `cluster_c<index>`). */
export function clusterIndex(structure) {
  if (!clusterIndexes.has(structure)) {
    clusterIndexes.set(structure, new Map((structure.clusters ?? []).map((c, i) => [c.key, i])));
  }
  return clusterIndexes.get(structure);
}

// The frames of the expanded groups, nested as they are: `subgraph cluster_c0 { … }`, each
// with a fixed-size empty label at its top left where draw.js writes its title.
function clusterDot(structure, inside) {
  const clusters = structure.clusters ?? [];
  const index = clusterIndex(structure);
  const children = new Map();
  for (const c of clusters) {
    const parent = c.parent != null && index.has(c.parent) ? c.parent : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(c);
  }
  const emit = (c) => {
    const title = Math.ceil(frameTitleWidth(c));
    return [
      `subgraph cluster_c${index.get(c.key)} {`,
      `graph [labeljust=l labelloc=t margin=10 label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0" ` +
        `FIXEDSIZE="TRUE" WIDTH="${title}" HEIGHT="${FRAME_TITLE_H}"><TR><TD></TD></TR></TABLE>>];`,
      ...(inside.get(c.key) ?? []),
      ...(children.get(c.key) ?? []).flatMap(emit),
      "}",
    ];
  };
  return (children.get(null) ?? []).flatMap(emit);
}

/** Width of a frame's title ("▾ L1 · layer · 800") in points. */
export function frameTitleWidth(cluster) {
  return 16 + [...frameTitle(cluster)].length * 7.6;
}

/** A frame's title text: what it holds, kept short (it must not widen its column):
 * "▾ L1 · 16 neurons", "▾ MLP · 3 layers", "▾ L1.N3 · 8 values". */
export function frameTitle(cluster) {
  const kinds = Object.entries(cluster.parts ?? {});
  const [kind, count] = kinds.length === 1 && kinds[0][1] > 1 ? kinds[0] : [null, 0];
  return `\u25be ${cluster.name} \u00b7 ${kind ? `${count} ${kind}s` : `${cluster.size} values`}`;
}

/** Graphviz "json0" text -> positions in SVG coordinates (Graphviz has y up). @returns {Layout} */
export function parseLayout(jsonText) {
  const graph = JSON.parse(jsonText);
  const [llx, lly, urx, ury] = graph.bb.split(",").map(Number);
  const toSvg = ([x, y]) => [x - llx, ury - y];

  const nodes = {};
  const clusters = {}; // cluster index -> its frame, like a node's box
  const nameToId = [];
  for (const obj of graph.objects || []) {
    if (obj.name.startsWith("cluster_c")) {
      const [x0, y0, x1, y1] = obj.bb.split(",").map(Number);
      const [left, top] = toSvg([x0, y1]);
      const [right, bottom] = toSvg([x1, y0]);
      clusters[Number(obj.name.slice("cluster_c".length))] = { x: round(left), y: round(top), w: round(right - left), h: round(bottom - top) };
      continue;
    }
    if (!obj.pos) continue; // another subgraph
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
  return { width: round(urx - llx), height: round(ury - lly), nodes, edges, clusters };
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
  const label = lp ? lp.split(",").map(Number) : null;
  return splineGeometry(xy, n, tip, label && [label[0] - llx, ury - label[1]], source ? source.x + source.w : xy[0]);
}

// A cubic B-spline (`n` numbers of xy: p0, then c1 c2 p per segment) ending `tip` ->
// EdgeGeometry. `label`: the centre of a reserved label box; without one the contribution
// goes halfway across the gap right of `gapStart` (the source's column), where no node can
// be, raised clear of the edge where it climbs under the label.
function splineGeometry(xy, n, tip, label, gapStart) {
  const path = splinePath(xy, n, tip);
  if (label) return { path, tip, labelX: round(label[0]), labelY: round(label[1]), reserved: true };
  const samples = sampleSpline(xy, n);
  const labelX = gapStart + RANKSEP / 2;
  const curveY = nearestAtX(samples, labelX)[1];
  const half = Math.min(LABEL_W / 2, RANKSEP / 2);
  const top = Math.min(curveY, nearestAtX(samples, labelX - half)[1], nearestAtX(samples, labelX + half)[1]);
  return { path, tip, labelX: round(labelX), labelY: round(top - LABEL_H / 2 - 2), reserved: false };
}

// SVG path data: "M p0 C c1 c2 p …", then " L tip" (the arrowhead marker sits on this last
// short segment).
function splinePath(xy, n, tip) {
  let path = `M${round(xy[0])},${round(xy[1])}`;
  for (let i = 2; i + 5 < n; i += 6) {
    path += ` C${round(xy[i])},${round(xy[i + 1])} ${round(xy[i + 2])},${round(xy[i + 3])} ${round(xy[i + 4])},${round(xy[i + 5])}`;
  }
  if (tip) path += ` L${tip[0]},${tip[1]}`;
  return path;
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

// ---------------------------------------------------------------------------------------
// The columns layout: what the page draws when Graphviz would take too long (or fails).
// The same picture as dot's (inputs left, the output right, one column per rank), made in
// time linear in nodes + columns crossed: ranks by longest path, a node with no more
// computed inputs than uses pulled right next to its first use; an edge across several columns
// gets a waypoint in each; a few barycenter sweeps order each column; each column's boxes
// and waypoints are then pulled towards their neighbours without overlapping (an isotonic
// regression, exact and linear). Inside a column an edge runs level through its waypoint's
// own slot, and bends only in the gaps between columns, so it never crosses a box.
// Contributions are written above their edges (no reserved boxes), as dot's above 500 nodes.

const COLUMN_GAP = RANKSEP; // between columns: where edges bend and contributions are written
const NODE_GAP = 22; // between two boxes of a column (dot's nodesep=0.3)
const LANE_GAP = 8; // between two edges passing through a column, or an edge and a box
const ARROW = 10; // the arrowhead's length (draw.js)
const SWEEPS = 4; // ordering sweeps (each one left to right, then right to left)
const PULLS = 4; // placement sweeps
/** Above this many boxes and waypoints (nodes + columns crossed by edges) even the columns
 * layout refuses: the drawing would be far beyond what a browser can show. */
export const COLUMNS_MAX_ITEMS = 3_000_000;

/** How much work laying out `structure` is: its nodes, and the columns its edges cross
 * (longest-path ranks; dot adds a virtual node for each), the cost of every layered layout. */
export function layoutWork(structure) {
  const { order, index, rank } = ranks(structure, false);
  let span = 0;
  for (const edge of structure.edges) {
    const s = index.get(edge.src), d = index.get(edge.dst);
    if (s !== undefined && d !== undefined) span += Math.max(1, rank[d] - rank[s]) - 1;
  }
  return { nodes: order.length, edges: structure.edges.length, crossed: span, total: order.length + span };
}

// Topological order (Kahn; inputs first, ties in the structure's order), index by id, and
// longest-path ranks; with `pull`, nodes with no more computed inputs than uses moved right
// up to their first use (leaves always).
function ranks(structure, pull) {
  const n = structure.nodes.length;
  const index = new Map(structure.nodes.map((node, i) => [node.id, i]));
  const ins = Array.from({ length: n }, () => []);
  const outs = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (const edge of structure.edges) {
    const s = index.get(edge.src), d = index.get(edge.dst);
    if (s === undefined || d === undefined || s === d) continue;
    outs[s].push(d);
    ins[d].push(s);
    indegree[d]++;
  }
  const order = [];
  for (let i = 0; i < n; i++) if (!indegree[i]) order.push(i);
  for (let k = 0; k < order.length; k++) {
    for (const d of outs[order[k]]) if (--indegree[d] === 0) order.push(d);
  }
  if (order.length < n) for (let i = 0; i < n; i++) if (indegree[i] > 0) order.push(i); // a cycle: never from Python
  const rank = new Int32Array(n);
  for (const v of order) for (const d of outs[v]) rank[d] = Math.max(rank[d], rank[v] + 1);
  if (pull) {
    for (let k = order.length - 1; k >= 0; k--) {
      const v = order[k];
      // Inputs that are leaves follow (they are pulled next to their first use too), and
      // x*x has one input.
      const pinned = new Set(ins[v].filter((u) => ins[u].length)).size;
      if (!outs[v].length || outs[v].length < pinned) continue;
      let first = Infinity;
      for (const d of outs[v]) first = Math.min(first, rank[d]);
      if (first - 1 > rank[v]) rank[v] = first - 1;
    }
  }
  return { order, index, rank, ins, outs };
}

/** The columns layout of `structure`, in the shape parseLayout returns. @returns {Layout} */
export function columnsLayout(structure) {
  const { order, index, rank } = ranks(structure, true);
  const n = structure.nodes.length;
  const sizes = structure.nodes.map(nodeSize);
  // Items: the n boxes, then one waypoint per column an edge crosses.
  let items = n;
  const chains = []; // per edge: its items from source to target
  for (const edge of structure.edges) {
    const s = index.get(edge.src), d = index.get(edge.dst);
    if (s === undefined || d === undefined) throw new Error(`edge ${edge.id} joins a node the graph does not have`);
    const chain = [s];
    const hops = Math.max(1, rank[d] - rank[s]) - 1;
    for (let k = 0; k < hops; k++) chain.push(items++);
    chain.push(d);
    chains.push(chain);
    if (items > COLUMNS_MAX_ITEMS) {
      throw new Error(`this graph is too big to draw (its edges cross more than ${COLUMNS_MAX_ITEMS.toLocaleString("en-US")} columns)`);
    }
  }
  const itemRank = new Int32Array(items);
  itemRank.set(rank);
  const height = new Float64Array(items); // waypoints have none
  for (let i = 0; i < n; i++) height[i] = sizes[i].h;
  // Neighbours one column left and right: lists for boxes, one item each for waypoints.
  const left = Array.from({ length: n }, () => []);
  const right = Array.from({ length: n }, () => []);
  const wayLeft = new Int32Array(items - n), wayRight = new Int32Array(items - n);
  for (const chain of chains) {
    for (let k = 1; k < chain.length; k++) {
      const a = chain[k - 1], b = chain[k];
      if (b >= n) itemRank[b] = itemRank[a] + 1;
      if (a < n) right[a].push(b); else wayRight[a - n] = b;
      if (b < n) left[b].push(a); else wayLeft[b - n] = a;
    }
  }
  const LEFT = 1, RIGHT = 2, BOTH = 3;
  // The mean of `values` over v's neighbours on `side`, or NaN if it has none.
  const mean = (v, side, values) => {
    if (v >= n) {
      if (side === LEFT) return values[wayLeft[v - n]];
      if (side === RIGHT) return values[wayRight[v - n]];
      return (values[wayLeft[v - n]] + values[wayRight[v - n]]) / 2;
    }
    let sum = 0, count = 0;
    if (side & LEFT) for (const u of left[v]) { sum += values[u]; count++; }
    if (side & RIGHT) for (const u of right[v]) { sum += values[u]; count++; }
    return count ? sum / count : NaN;
  };
  // Columns, first ordered by the topological order, waypoints in edge order.
  let columns = 0;
  for (let i = 0; i < items; i++) columns = Math.max(columns, itemRank[i] + 1);
  const column = Array.from({ length: columns }, () => []);
  for (const v of order) column[itemRank[v]].push(v);
  for (let i = n; i < items; i++) column[itemRank[i]].push(i);
  const pos = new Float64Array(items);
  const number = (list) => { for (let k = 0; k < list.length; k++) pos[list[k]] = k; };
  column.forEach(number);
  const key = new Float64Array(items);
  const sortBy = (list, side) => {
    for (const v of list) {
      const m = mean(v, side, pos);
      key[v] = Number.isNaN(m) ? pos[v] : m;
    }
    list.sort((a, b) => key[a] - key[b] || pos[a] - pos[b]);
    number(list);
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < columns; r++) sortBy(column[r], LEFT);
    for (let r = columns - 2; r >= 0; r--) sortBy(column[r], RIGHT);
  }
  // Vertical placement: stacked, then pulled towards the neighbours' centres.
  const y = new Float64Array(items); // centres
  const gap = (a, b) => (height[a] + height[b]) / 2 + (a < n && b < n ? NODE_GAP : LANE_GAP);
  for (const list of column) {
    for (let k = 1; k < list.length; k++) y[list[k]] = y[list[k - 1]] + gap(list[k - 1], list[k]);
  }
  let widest = 0;
  for (const list of column) widest = Math.max(widest, list.length);
  const scratch = { want: new Float64Array(widest), weight: new Float64Array(widest), offset: new Float64Array(widest), out: new Float64Array(widest),
    mass: new Float64Array(widest), count: new Int32Array(widest) };
  const place = (list, side) => {
    const { want, weight, offset, out } = scratch;
    for (let k = 0; k < list.length; k++) {
      const v = list[k];
      offset[k] = k ? offset[k - 1] + gap(list[k - 1], v) : 0;
      const m = mean(v, side, y);
      want[k] = (Number.isNaN(m) ? y[v] : m) - offset[k];
      weight[k] = v < n ? 1 : 2; // waypoints pull harder: long edges straight
    }
    isotonic(list.length, scratch);
    for (let k = 0; k < list.length; k++) y[list[k]] = out[k] + offset[k];
  };
  for (let sweep = 0; sweep < PULLS; sweep++) {
    for (let r = 1; r < columns; r++) place(column[r], LEFT);
    for (let r = columns - 2; r >= 0; r--) place(column[r], RIGHT);
  }
  for (let r = 0; r < columns; r++) place(column[r], BOTH);
  // Columns' widths and x; everything shifted so the top box's top is at 0.
  const width = new Float64Array(columns);
  for (let i = 0; i < n; i++) width[rank[i]] = Math.max(width[rank[i]], sizes[i].w);
  const columnX = new Float64Array(columns);
  for (let r = 1; r < columns; r++) columnX[r] = columnX[r - 1] + width[r - 1] + COLUMN_GAP;
  let top = Infinity, bottom = -Infinity;
  for (let i = 0; i < items; i++) {
    top = Math.min(top, y[i] - height[i] / 2);
    bottom = Math.max(bottom, y[i] + height[i] / 2);
  }
  if (!items) top = bottom = 0;
  const nodes = {};
  for (let i = 0; i < n; i++) {
    const r = rank[i];
    const { w, h } = sizes[i];
    nodes[structure.nodes[i].id] = { x: round(columnX[r] + (width[r] - w) / 2), y: round(y[i] - h / 2 - top), w, h };
  }
  // Where edges leave and enter a box: spread down its side in the order of the other ends.
  const ports = (lists, other) => {
    const at = new Map(); // "edge index" -> y offset from the box's centre
    lists.forEach((edgesHere, v) => {
      if (!edgesHere.length) return;
      edgesHere.sort((a, b) => y[other(a)] - y[other(b)] || a - b);
      const m = edgesHere.length;
      const step = m > 1 ? Math.min(14, (height[v] - 16) / (m - 1)) : 0;
      edgesHere.forEach((e, k) => at.set(e, (k - (m - 1) / 2) * step));
    });
    return at;
  };
  const outgoing = Array.from({ length: n }, () => []);
  const incoming = Array.from({ length: n }, () => []);
  chains.forEach((chain, e) => { outgoing[chain[0]].push(e); incoming[chain[chain.length - 1]].push(e); });
  const outPort = ports(outgoing, (e) => chains[e][1]);
  const inPort = ports(incoming, (e) => chains[e][chains[e].length - 2]);
  const edges = {};
  structure.edges.forEach((edge, e) => {
    const chain = chains[e];
    const s = chain[0], d = chain[chain.length - 1];
    const source = nodes[edge.src], target = nodes[edge.dst];
    // Points the edge runs level between: out of the source's column, through each
    // waypoint's column, into the target's box (up to the arrowhead).
    const level = [[source.x + source.w, columnX[rank[s]] + width[rank[s]], y[s] + outPort.get(e) - top]];
    for (let k = 1; k < chain.length - 1; k++) {
      const r = itemRank[chain[k]];
      level.push([columnX[r], columnX[r] + width[r], y[chain[k]] - top]);
    }
    const endY = y[d] + inPort.get(e) - top;
    level.push([target.x - ARROW, target.x - ARROW, endY]);
    const xy = [level[0][0], level[0][2]];
    for (let k = 0; k < level.length; k++) {
      const [x0, x1, ly] = level[k];
      if (k) { // bend from the previous level's end: a cubic, level at both ends
        const [px, py] = [xy[xy.length - 2], xy[xy.length - 1]];
        const mid = (px + x0) / 2;
        xy.push(mid, py, mid, ly, x0, ly);
      }
      if (x1 > x0) xy.push((2 * x0 + x1) / 3, ly, (x0 + 2 * x1) / 3, ly, x1, ly); // level through the column
    }
    // The contribution goes in the first gap: only the first three cubics can be under it.
    const near = xy.slice(0, 20);
    const geometry = splineGeometry(near, near.length, null, null, columnX[rank[s]] + width[rank[s]]);
    edges[edge.id] = { ...geometry, path: splinePath(xy, xy.length, [round(target.x), round(endY)]), tip: [round(target.x), round(endY)] };
  });
  const totalWidth = columns ? columnX[columns - 1] + width[columns - 1] : 0;
  // No frames for open groups: their members are not kept together here (draw.js skips them).
  return { width: round(totalWidth), height: round(bottom - top), nodes, edges, clusters: {} };
}

// The weighted least-squares non-decreasing fit of the first m of `want` (pool adjacent
// violators) into `out`, in preallocated buffers.
function isotonic(m, { want, weight, out, mass, count }) {
  const value = out; // the blocks' values, then the answer (written from the end: blocks <= k)
  let blocks = 0;
  for (let k = 0; k < m; k++) {
    value[blocks] = want[k];
    mass[blocks] = weight[k];
    count[blocks] = 1;
    blocks++;
    while (blocks > 1 && value[blocks - 2] > value[blocks - 1]) {
      const a = blocks - 2, b = blocks - 1;
      const total = mass[a] + mass[b];
      value[a] = (value[a] * mass[a] + value[b] * mass[b]) / total;
      mass[a] = total;
      count[a] += count[b];
      blocks--;
    }
  }
  for (let b = blocks - 1, k = m; b >= 0; b--) {
    const v = value[b];
    for (let c = 0; c < count[b]; c++) out[--k] = v;
  }
}
