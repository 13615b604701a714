// SVG drawing, DOM APIs only (labels are user text: textContent, never innerHTML).
// drawStructure() builds the nodes and edges once for a layout; updateValues() then only
// changes text, attributes and classes, so numbers can change without anything moving.
// Decorations that few nodes or edges need at a time (the "×2" badges, the values written
// on edges) are created when first needed, which keeps big graphs quick to draw.
import { formatNumber, fullNumber } from "./format.js";
import { shownLabel, opBadgeWidth } from "./layout.js";

const SVG = "http://www.w3.org/2000/svg";
let drawings = 0; // makes marker ids unique on the page

function make(parent, tag, attrs = {}, text) {
  const node = parent.ownerDocument.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}

/**
 * Draws nodes and edges of `layout` (from layout.parseLayout) into `svg`, replacing its
 * content. Returns the handle updateValues() needs.
 */
export function drawStructure(svg, layout, structure) {
  svg.replaceChildren();
  const prefix = `gw${++drawings}`;
  const markers = {
    normal: arrowMarker(svg, `${prefix}-arrow`, "gw-arrow"),
    fresh: arrowMarker(svg, `${prefix}-arrow-fresh`, "gw-arrow gw-arrow-fresh"),
    lost: arrowMarker(svg, `${prefix}-arrow-lost`, "gw-arrow gw-arrow-lost"),
  };
  const edgeLayer = make(svg, "g", { class: "gw-edges" });
  const nodeLayer = make(svg, "g", { class: "gw-nodes" });
  const labelLayer = make(svg, "g", { class: "gw-edge-labels" }); // above the nodes

  const edges = structure.edges.map((edge) => ({
    edge,
    path: make(edgeLayer, "path", {
      class: "gw-edge",
      d: layout.edges[edge.id].path,
      "data-id": edge.id,
      "data-src": edge.src,
      "data-dst": edge.dst,
      "marker-end": markers.normal,
    }),
  }));
  const nodes = structure.nodes.map((node) => drawNode(nodeLayer, node, layout.nodes[node.id]));
  return { svg, structure, layout, nodes, edges, markers, labelLayer, labels: new Map() };
}

function arrowMarker(svg, id, className) {
  const defs = svg.querySelector("defs") ?? make(svg, "defs");
  const marker = make(defs, "marker", {
    id, viewBox: "0 0 10 8", refX: 10, refY: 4, markerWidth: 10, markerHeight: 8,
    markerUnits: "userSpaceOnUse", orient: "auto",
  });
  make(marker, "path", { d: "M0,0 L10,4 L0,8 z", class: className });
  return `url(#${id})`;
}

// A value node: label and op badge on top, then "data <n>" and "grad <n>".
function drawNode(layer, node, box) {
  const { w, h } = box;
  const g = make(layer, "g", {
    class: node.op ? "gw-node" : "gw-node gw-leaf",
    transform: `translate(${box.x},${box.y})`,
    "data-id": node.id,
    "data-label": node.label || "",
  });
  make(g, "rect", { class: "gw-box", width: w, height: h, rx: 7 });
  make(g, "text", { class: "gw-label", x: 10, y: 19 }, shownLabel(node) || `#${node.id}`);
  if (node.op) {
    const bw = opBadgeWidth(node.op);
    make(g, "rect", { class: "gw-op-box", x: w - 8 - bw, y: 6, width: bw, height: 18, rx: 9 });
    make(g, "text", { class: "gw-op", x: w - 8 - bw / 2, y: 19 }, node.op);
  }
  make(g, "line", { class: "gw-sep", x1: 0, x2: w, y1: 30, y2: 30 });
  make(g, "text", { class: "gw-key", x: 10, y: 46 }, "data");
  const data = make(g, "text", { class: "gw-data", x: w - 10, y: 46 });
  make(g, "text", { class: "gw-key", x: 10, y: 61 }, "grad");
  const grad = make(g, "text", { class: "gw-grad", x: w - 10, y: 61 });
  return { g, data, grad, w, h, badge: null };
}

// "×2": how many contributions the grad is a sum of, on the bottom border by the grad.
// Shown by CSS while the node is .gw-multi.
function setCountBadge(node, count) {
  if (!node.badge) {
    const g = make(node.g, "g", { class: "gw-count", transform: `translate(${node.w - 12},${node.h})` });
    node.badge = { box: make(g, "rect", { class: "gw-count-box", y: -8, height: 16, rx: 8 }), text: make(g, "text", { class: "gw-count-text", y: 4 }) };
  }
  const width = 18 + 7 * String(count).length;
  setText(node.badge.text, `×${count}`);
  node.badge.box.setAttribute("x", -width / 2);
  node.badge.box.setAttribute("width", width);
}

// The value an edge deposits, written near its source: "+= -2" (or "= -2" in overwrite),
// and "lost 10" struck through for a term a later deposit overwrote.
function edgeLabel(view, edgeId) {
  if (!view.labels.has(edgeId)) {
    const { labelX, labelY } = view.layout.edges[edgeId];
    const text = make(view.labelLayer, "text", { class: "gw-edge-label", x: labelX, y: labelY - 5, "data-edge": edgeId });
    view.labels.set(edgeId, { text, op: make(text, "tspan", { class: "gw-edge-op" }), value: make(text, "tspan", { class: "gw-contrib" }) });
  }
  return view.labels.get(edgeId);
}

/**
 * Shows one moment of the backward pass: `data` per node, `at` from replay.replayAt,
 * `mode` "accumulate" or "overwrite" (how a deposit is written on its edge).
 */
export function updateValues(view, { data, at, mode }) {
  const freshNodes = new Set([...at.fresh].map((id) => view.structure.edges[id]?.src));
  view.nodes.forEach((node, id) => {
    setNumber(node.data, data?.[id]);
    setNumber(node.grad, at.grad[id]);
    const count = at.terms[id]?.length ?? 0;
    const { classList } = node.g;
    classList.toggle("gw-multi", count > 1);
    classList.toggle("gw-active", at.active === id);
    classList.toggle("gw-fresh", freshNodes.has(id));
    classList.toggle("gw-lost", (at.lost[id]?.length ?? 0) > 0);
    if (count > 1) setCountBadge(node, count);
  });
  for (const { edge, path } of view.edges) {
    const fresh = at.fresh.has(edge.id);
    const lost = !fresh && at.lostEdges.has(edge.id);
    path.classList.toggle("gw-fresh", fresh);
    path.classList.toggle("gw-lost", lost);
    const marker = fresh ? view.markers.fresh : lost ? view.markers.lost : view.markers.normal;
    if (path.getAttribute("marker-end") !== marker) path.setAttribute("marker-end", marker);
  }
  const labelled = new Set([...at.fresh, ...at.lostEdges]);
  for (const [id, label] of view.labels) {
    if (!labelled.has(id)) {
      label.text.remove();
      view.labels.delete(id);
    }
  }
  for (const id of labelled) {
    const label = edgeLabel(view, id);
    const lost = !at.fresh.has(id);
    label.text.classList.toggle("gw-lost", lost);
    setText(label.op, lost ? "lost " : mode === "overwrite" ? "= " : "+= ");
    setNumber(label.value, at.byEdge.get(id).value);
  }
}

function setNumber(el, x) {
  setText(el, formatNumber(x));
  const full = fullNumber(x);
  if (el.getAttribute("data-value") !== full) el.setAttribute("data-value", full);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
