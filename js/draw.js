// SVG drawing, DOM APIs only (labels are user text: textContent, never innerHTML).
// drawStructure() builds the nodes and edges once for a layout; updateValues() then only
// changes text, attributes and classes, so numbers can change without anything moving.
// Decorations that few nodes or edges need at a time (the "×2" badges, the values written
// on edges) are created when first needed, which keeps big graphs quick to draw.
//
// Speed matters here (a 2,000-node graph is ~20,000 SVG elements):
// - drawStructure() builds into an SVG that is not on the page yet; the caller inserts it
//   once, so the browser styles and lays it out once.
// - a node is a clone of a prebuilt template (one per box width and op), and its text is
//   two <text> elements (header, then the two number rows) with <tspan>s, not six.
// - updateValues() remembers what it last wrote and only writes what changed; it never
//   reads layout, so it never forces the browser to lay out in the middle of it.
import { formatNumber, fullNumber } from "./format.js";
import { nodeName } from "./payload.js";
import { FRAME_TITLE_H, LABEL_H, LABEL_W, badgeText, frameTitle, frameTitleWidth, labelTextWidth, opBadgeWidth, shortName } from "./layout.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./layout.js").Layout} Layout */
/** @typedef {import("./replay.js").Moment} Moment */

const SVG = "http://www.w3.org/2000/svg";
// Drawings made on this page so far, for marker ids unique in the whole document. Counted
// on globalThis: each widget's ESM may be evaluated as its own module instance.
const PAGE_DRAWINGS = "__gradwidget_drawings__";

function make(parent, tag, attrs = {}, text) {
  const node = parent.ownerDocument.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.append(parent.ownerDocument.createTextNode(text)); // even "": a node to set .data on
  parent.append(node);
  return node;
}

/**
 * Draws nodes and edges of `layout` (from layout.parseLayout) into `svg`, replacing its
 * content. Returns the handle updateValues() needs. Best called while `svg` is not on the
 * page yet (see panels.js).
 * @param {SVGSVGElement} svg
 * @param {Layout} layout
 * @param {Structure} structure
 */
export function drawStructure(svg, layout, structure) {
  svg.replaceChildren();
  globalThis[PAGE_DRAWINGS] = (globalThis[PAGE_DRAWINGS] ?? 0) + 1;
  const prefix = `gw${globalThis[PAGE_DRAWINGS]}`;
  const markers = {
    normal: arrowMarker(svg, `${prefix}-arrow`, "gw-arrow"),
    fresh: arrowMarker(svg, `${prefix}-arrow-fresh`, "gw-arrow gw-arrow-fresh"),
    lost: arrowMarker(svg, `${prefix}-arrow-lost`, "gw-arrow gw-arrow-lost", true),
  };
  const frames = drawFrames(svg, layout, structure);
  const edgeLayer = make(svg, "g", { class: "gw-edges" });
  const nodeLayer = make(svg, "g", { class: "gw-nodes" });
  const labelLayer = make(svg, "g", { class: "gw-edge-labels" }); // above the nodes

  const edgeTemplate = make(svg, "path", { class: "gw-edge", "marker-end": markers.normal });
  edgeTemplate.remove();
  const edges = structure.edges.map((edge) => {
    const path = edgeTemplate.cloneNode(false);
    path.setAttribute("d", layout.edges[edge.id].path);
    path.setAttribute("data-id", edge.id);
    path.setAttribute("data-src", edge.src);
    path.setAttribute("data-dst", edge.dst);
    edgeLayer.append(path);
    return { edge, path, state: NORMAL, heat: null };
  });
  const templates = new Map();
  const heated = Boolean(structure.groups);
  const nodes = structure.nodes.map((node) => drawNode(nodeLayer, templates, node, layout.nodes[node.id], heated));
  return {
    svg, structure, layout, nodes, edges, markers, labelLayer, frames,
    labels: new Map(), // edge id -> its written contribution
    styled: new Set(), // ids of edges drawn fresh or lost
    data: null, // the data array last shown (player steps keep it: its numbers are skipped)
    pending: null, // the nodes last shown waiting for the forward pass
  };
}

// Arrowheads 10 x 8 units, the tip on the path's end; a lost edge's is hollow (its
// shape says "lost", not only its colour), drawn inside the marker's box.
function arrowMarker(svg, id, className, hollow = false) {
  const defs = svg.querySelector("defs") ?? make(svg, "defs");
  const marker = make(defs, "marker", {
    id, viewBox: "0 0 10 8", refX: 10, refY: 4, markerWidth: 10, markerHeight: 8,
    markerUnits: "userSpaceOnUse", orient: "auto",
  });
  make(marker, "path", { d: hollow ? "M0.8,0.9 L9,4 L0.8,7.1 z" : "M0,0 L10,4 L0,8 z", class: className });
  return `url(#${id})`;
}

// The frames of the expanded groups (layout.clusters, by index into structure.clusters),
// outermost first, under everything else; each title ("▾ L1 · layer · 800") collapses it:
//   g.gw-frames > g.gw-frame[data-key] > rect.gw-frame-box, g.gw-frame-title[data-toggle] > rect, text
function drawFrames(svg, layout, structure) {
  const layer = make(svg, "g", { class: "gw-frames" });
  const frames = [];
  (structure.clusters ?? []).forEach((cluster, i) => {
    const box = layout.clusters?.[i];
    if (!box) return;
    const g = make(layer, "g", { class: `gw-frame gw-frame-${cssKind(cluster.kind)}`, "data-key": cluster.key });
    make(g, "rect", { class: "gw-frame-box", x: box.x, y: box.y, width: box.w, height: box.h, rx: 10 });
    const title = make(g, "g", {
      class: "gw-frame-title", "data-toggle": cluster.key, "data-open": "true", tabindex: 0, role: "button",
      "aria-expanded": "true", transform: `translate(${box.x + 6},${box.y + 4})`,
    });
    title.setAttribute("aria-label", `Collapse ${cluster.name} (${cluster.kind} of ${cluster.size} values)`);
    make(title, "rect", { class: "gw-frame-hit", width: Math.ceil(frameTitleWidth(cluster)), height: FRAME_TITLE_H - 4, rx: 6 });
    make(title, "text", { class: "gw-frame-text", x: 8, y: 15 }, frameTitle(cluster));
    frames.push(g);
  });
  return frames;
}

const cssKind = (kind) => String(kind).replace(/[^a-z0-9-]/gi, "") || "group";

// A value node: label and op badge on top, then "data <n>" and "grad <n>":
//   g.gw-node > rect.gw-box, [rect.gw-op-box], text.gw-head > (tspan.gw-label, [tspan.gw-op]),
//               line.gw-sep, text.gw-rows > (tspan.gw-key, tspan.gw-data, tspan.gw-key, tspan.gw-grad)
// g.textContent reads as it always did: label, op, "data", number, "grad", number.
// (A small drawing hides the two <text>s with display: none. Measured in Chromium: hiding
// them directly is cheap, but hiding a <g> wrapped around them made every later frame
// lay out again, ~10x slower.)
// A collapsed group is the same box with a second border inside (a group, also without
// colour), "▸ 50" as its badge (it opens, and holds 50 values) and, when several of its
// values are used outside it, "values" and "outputs" counts instead of one data and grad.
function nodeTemplate(doc, op, w, h, group = null, heated = false) {
  const g = doc.createElementNS(SVG, "g");
  g.setAttribute("class", group ? `gw-node gw-groupbox${group.outputs > 1 ? " gw-outputs" : ""}` : op ? "gw-node" : "gw-node gw-leaf");
  make(g, "rect", { class: "gw-box", width: w, height: h, rx: 7 });
  if (group) make(g, "rect", { class: "gw-group-inner", x: 3, y: 3, width: w - 6, height: h - 6, rx: 5 });
  // |grad| against the largest drawn (draw.js heat()): a bar on the left, as tall as it is large
  if (heated) make(g, "rect", { class: "gw-heat", x: 0, y: 8, width: 5, height: h - 16, rx: 2 });
  if (op) {
    const bw = opBadgeWidth(op);
    make(g, "rect", { class: "gw-op-box", x: w - 8 - bw, y: 6, width: bw, height: 18, rx: 9 });
  }
  const head = make(g, "text", { class: "gw-head", y: 19 });
  make(head, "tspan", { class: "gw-label", x: 10 }, "");
  if (op) make(head, "tspan", { class: "gw-op", x: w - 8 - opBadgeWidth(op) / 2 }, op);
  make(g, "line", { class: "gw-sep", x1: 0, x2: w, y1: 30, y2: 30 });
  const rows = make(g, "text", { class: "gw-rows" });
  const many = group && group.outputs > 1;
  make(rows, "tspan", { class: "gw-key", x: 10, y: 47 }, many ? "values" : "data");
  make(rows, "tspan", { class: "gw-data", x: w - 10, y: 47 }, many ? String(group.size) : "");
  make(rows, "tspan", { class: "gw-key", x: 10, y: 64 }, many ? "outputs" : "grad"); // 13px digits end ~3 below: clear of the ×n badge at h - 8
  make(rows, "tspan", { class: "gw-grad", x: w - 10, y: 64 }, many ? String(group.outputs) : "");
  return g;
}

function drawNode(layer, templates, node, box, heated) {
  const { w, h } = box;
  const op = badgeText(node);
  const group = node.group ?? null;
  const key = group ? `group\n${op}\n${w}\n${h}\n${group.outputs > 1 ? `${group.size}/${group.outputs}` : ""}` : `${op}\n${w}\n${h}`;
  if (!templates.has(key)) templates.set(key, nodeTemplate(layer.ownerDocument, op, w, h, group, heated));
  const g = templates.get(key).cloneNode(true);
  g.setAttribute("transform", `translate(${box.x},${box.y})`);
  g.setAttribute("data-id", node.id);
  g.setAttribute("data-label", node.label || "");
  if (group) { // it opens in place: by click, or Enter / Space with the focus on it
    g.setAttribute("data-toggle", group.key);
    g.setAttribute("data-open", "false");
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-expanded", "false");
    g.setAttribute("aria-label", `${nodeName(node)}: ${group.kind} of ${group.size} values; expand`);
  }
  const rows = g.lastChild;
  const head = rows.previousSibling.previousSibling;
  head.firstChild.firstChild.data = shortName(node); // bidi-isolated by the CSS (styles.js)
  layer.append(g);
  // The numbers' text nodes: updateValues sets their .data (no node is replaced).
  const data = rows.childNodes[1];
  const grad = rows.childNodes[3];
  return {
    g, w, h, badge: null, counts: Boolean(group && group.outputs > 1), // counts: no data, no grad to show
    heat: null,
    data, grad, dataText: data.firstChild, gradText: grad.firstChild,
    // what updateValues last wrote (null: nothing yet)
    shown: { data: null, dataFull: null, grad: null, gradFull: null }, flags: 0, count: 0,
  };
}

// "×2": how many contributions the grad is a sum of, on the bottom border by the grad.
// Shown by CSS while the node is .gw-multi.
function setCountBadge(node, count) {
  if (!node.badge) {
    const g = make(node.g, "g", { class: "gw-count", transform: `translate(${node.w - 12},${node.h})` });
    node.badge = { box: make(g, "rect", { class: "gw-count-box", y: -8, height: 16, rx: 8 }), text: make(g, "text", { class: "gw-count-text", y: 4 }) };
  }
  const width = 18 + 7 * String(count).length;
  node.badge.text.textContent = `×${count}`;
  node.badge.box.setAttribute("x", -width / 2);
  node.badge.box.setAttribute("width", width);
}

// The value an edge deposits, written in the box the layout reserved for it on the edge
// (layout.js: nothing else is ever drawn there): "+= -2" (or "= -2" in overwrite), and
// "lost 10" for a term a later deposit overwrote, in a dashed frame, never struck
// through (a strike would hide the minus of "lost -10").
//   g.gw-edge-label[data-edge] > [rect.gw-lost-box], text > (tspan.gw-edge-op, tspan.gw-contrib)
function edgeLabel(view, edgeId) {
  if (!view.labels.has(edgeId)) {
    const { labelX, labelY } = view.layout.edges[edgeId];
    const el = make(view.labelLayer, "g", { class: "gw-edge-label", "data-edge": edgeId, transform: `translate(${labelX},${labelY})` });
    const text = make(el, "text", { class: "gw-edge-text" });
    view.labels.set(edgeId, {
      el, text, box: null, lost: null, width: 0, squeeze: null,
      op: make(text, "tspan", { class: "gw-edge-op" }),
      value: make(text, "tspan", { class: "gw-contrib" }),
    });
  }
  return view.labels.get(edgeId);
}

/** Writes `word` ("+= ", "= ", "lost ") and the number `value` on edge `edgeId`, marked
 * lost or not; only what changed is written. */
function writeLabel(view, edgeId, { lost, word, value, secret = false }) {
  const label = edgeLabel(view, edgeId);
  const number = secret ? "?" : formatNumber(value); // secret: a quiz question's deposit
  setText(label.op, word);
  setText(label.value, number);
  const full = secret ? "" : fullNumber(value);
  if (label.value.getAttribute("data-value") !== full) label.value.setAttribute("data-value", full);
  if (label.lost !== lost) {
    label.lost = lost;
    label.el.classList.toggle("gw-lost", lost);
  }
  // Monospace: the text's width is known from its length. A text wider than the box (a
  // number beyond 1e±99) is squeezed into it; a lost term's frame fits around its text.
  const room = LABEL_W - (lost ? 8 : 2);
  const natural = labelTextWidth(word + number);
  const squeeze = natural > room ? String(room) : null;
  if (squeeze !== label.squeeze) {
    label.squeeze = squeeze;
    if (squeeze) {
      label.text.setAttribute("textLength", squeeze);
      label.text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    } else {
      label.text.removeAttribute("textLength");
      label.text.removeAttribute("lengthAdjust");
    }
  }
  const width = lost ? Math.ceil(Math.min(natural, room)) + 8 : 0;
  if (width === label.width) return;
  label.width = width;
  if (!label.box) {
    label.box = make(label.el, "rect", { class: "gw-lost-box", y: -(LABEL_H - 2) / 2, height: LABEL_H - 2, rx: 4 });
    label.el.prepend(label.box); // behind the text
  }
  label.box.setAttribute("x", -width / 2);
  label.box.setAttribute("width", width);
}

// Node flags and the classes they stand for.
const FLAGS = [["gw-multi", 1], ["gw-active", 2], ["gw-fresh", 4], ["gw-lost", 8], ["gw-pending", 16], ["gw-quiz-hidden", 32]];
const NO_NODES = Object.freeze(new Set());
// Edge states.
const NORMAL = 0;
const FRESH = 1;
const LOST = 2;

/**
 * Shows one moment of the lesson: `data` per node, `at` from replay.lessonAt,
 * `mode` "accumulate" or "overwrite" (how a deposit is written on its edge), `hidden`
 * the node ids whose grad is a quiz question (shown "?", with the deposits into them).
 * Writes only what differs from what it last wrote.
 * @param {ReturnType<typeof drawStructure>} view
 * @param {{data: number[], at: Moment, mode: string}} moment
 */
export function updateValues(view, { data, at, mode, hidden = NO_NODES }) {
  const freshNodes = new Set();
  // Nodes that just received a contribution (a forward step's inputs received nothing).
  for (const id of at.computed != null ? [] : at.fresh) {
    const edge = view.structure.edges[id];
    if (edge) freshNodes.add(edge.src);
  }
  // Player steps keep the same data array; a forward step changes which nodes wait.
  const pending = at.pending ?? NO_NODES;
  const newData = data !== view.data || pending !== view.pending;
  view.data = data;
  view.pending = pending;
  const nodes = view.nodes;
  for (let id = 0; id < nodes.length; id++) {
    const node = nodes[id];
    const { shown } = node;
    const waiting = pending.has(id); // not computed yet in the forward pass: "?"
    if (node.counts) {
      // a group of several outputs shows its counts (drawn once), not one output's numbers
    } else if (newData) {
      const x = data?.[id];
      const text = waiting ? "?" : formatNumber(x);
      if (text !== shown.data) node.dataText.data = shown.data = text;
      const full = waiting ? "" : fullNumber(x);
      if (full !== shown.dataFull) node.data.setAttribute("data-value", (shown.dataFull = full));
    }
    const g = at.grad[id];
    const secret = hidden.has(id);
    if (!node.counts) {
      const gradText = secret ? "?" : formatNumber(g);
      if (gradText !== shown.grad) node.gradText.data = shown.grad = gradText;
      const gradFull = secret ? "" : fullNumber(g);
      if (gradFull !== shown.gradFull) node.grad.setAttribute("data-value", (shown.gradFull = gradFull));
    }

    const count = at.terms[id]?.length ?? 0;
    const flags = (count > 1 ? 1 : 0) | (at.active === id ? 2 : 0) | (freshNodes.has(id) ? 4 : 0) |
      ((at.lost[id]?.length ?? 0) > 0 ? 8 : 0) | (waiting ? 16 : 0) | (secret ? 32 : 0);
    if (flags !== node.flags) {
      const changed = flags ^ node.flags;
      for (const [name, bit] of FLAGS) if (changed & bit) node.g.classList.toggle(name, (flags & bit) !== 0);
      node.flags = flags;
    }
    if (count > 1 && count !== node.count) setCountBadge(node, count);
    node.count = count;
  }

  if (view.structure.groups) heat(view, at);

  // Edges: only those fresh or lost now, or before, can change.
  const styled = new Set();
  for (const id of at.fresh) styled.add(id);
  for (const id of at.lostEdges) styled.add(id);
  for (const id of new Set([...view.styled, ...styled])) {
    const item = view.edges[id];
    if (!item) continue;
    const state = at.fresh.has(id) ? FRESH : at.lostEdges.has(id) ? LOST : NORMAL;
    if (state === item.state) continue;
    const { classList } = item.path;
    if ((state === FRESH) !== (item.state === FRESH)) classList.toggle("gw-fresh", state === FRESH);
    if ((state === LOST) !== (item.state === LOST)) classList.toggle("gw-lost", state === LOST);
    item.path.setAttribute("marker-end", state === FRESH ? view.markers.fresh : state === LOST ? view.markers.lost : view.markers.normal);
    item.state = state;
  }
  view.styled = styled;

  // Contributions written on edges: those just deposited, and the lost ones.
  for (const [id, label] of view.labels) {
    if (!styled.has(id)) {
      label.el.remove();
      view.labels.delete(id);
    }
  }
  for (const id of styled) {
    const term = at.byEdge.get(id);
    if (!term || !view.layout.edges[id]) continue;
    const lost = !at.fresh.has(id);
    writeLabel(view, id, { lost, word: lost ? "lost " : mode === "overwrite" ? "= " : "+= ", value: term.value,
      secret: hidden.has(view.structure.edges[id]?.src) });
  }
}

// Gradient magnitude, in a grouped graph (a network): each node's |grad| and each edge's
// last |contribution| against the largest one drawn now, as a level 0-4 in `data-heat`,
// which styles.js shows as border and line width (and colour): during training, where
// the gradient flows is visible at a glance. Written only where the level changes.
const HEAT_LEVELS = 4;
function heat(view, at) {
  const level = (x, top) => (top > 0 && x > 0 ? Math.min(HEAT_LEVELS, Math.ceil((HEAT_LEVELS * x) / top)) : 0);
  let top = 0;
  for (let id = 0; id < view.nodes.length; id++) if (!view.nodes[id].counts) top = Math.max(top, Math.abs(at.grad[id] ?? 0));
  for (let id = 0; id < view.nodes.length; id++) {
    const node = view.nodes[id];
    const h = node.counts ? 0 : level(Math.abs(at.grad[id] ?? 0), top);
    if (h !== node.heat) {
      node.heat = h;
      node.g.setAttribute("data-heat", String(h));
    }
  }
  let most = 0;
  for (const term of at.byEdge.values()) most = Math.max(most, Math.abs(term.value));
  for (const item of view.edges) {
    const h = level(Math.abs(at.byEdge.get(item.edge.id)?.value ?? 0), most);
    if (h !== item.heat) {
      item.heat = h;
      item.path.setAttribute("data-heat", String(h));
    }
  }
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
