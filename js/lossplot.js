// LossPlot's view (gradwidget/training.py): the loss curve of a training loop as one SVG
// polyline, redrawn when the `steps`/`losses` traits change. Text only via textContent.
import { formatNumber } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const W = 640, H = 160, PAD = { left: 56, right: 12, top: 12, bottom: 24 };

/** Polyline points for (xs, ys) scaled into the plot box; y grows downwards in SVG. */
export function curve(xs, ys) {
  if (ys.length === 0) return { points: "", lo: 0, hi: 0 };
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (lo === hi) { lo -= 1; hi += 1; }
  const x0 = xs[0], x1 = xs[xs.length - 1] === x0 ? x0 + 1 : xs[xs.length - 1];
  const sx = (x) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y) => PAD.top + ((hi - y) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const points = ys.map((y, i) => `${sx(xs[i]).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
  return { points, lo, hi };
}

function el(doc, name, attrs, text) {
  const node = doc.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: host }) {
  const doc = host.ownerDocument;
  const box = doc.createElement("div");
  box.className = "gw-lossplot";
  box.style.cssText = "font: var(--jp-ui-font-size1, 13px) var(--jp-ui-font-family, sans-serif);" +
    "color: var(--jp-ui-font-color1, #222); max-width: 100%;";
  const svg = el(doc, "svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img" });
  svg.style.maxWidth = `${W}px`;
  svg.style.display = "block";
  const axis = "var(--jp-border-color1, #bbb)";
  svg.append(
    el(doc, "line", { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, stroke: axis }),
    el(doc, "line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, stroke: axis }),
  );
  const line = el(doc, "polyline", { class: "gw-loss-line", fill: "none", "stroke-width": 2,
    stroke: "var(--jp-brand-color1, #1976d2)" });
  const hiText = el(doc, "text", { x: PAD.left - 6, y: PAD.top + 10, "text-anchor": "end", "font-size": 11, fill: "currentColor" });
  const loText = el(doc, "text", { x: PAD.left - 6, y: H - PAD.bottom, "text-anchor": "end", "font-size": 11, fill: "currentColor" });
  const caption = el(doc, "text", { class: "gw-loss-caption", x: W - PAD.right, y: H - 6, "text-anchor": "end", "font-size": 12, fill: "currentColor" });
  svg.append(line, hiText, loText, caption);
  box.append(svg);
  host.append(box);

  function draw() {
    const steps = model.get("steps") || [], losses = model.get("losses") || [];
    const { points, lo, hi } = curve(steps, losses);
    line.setAttribute("points", points);
    hiText.textContent = losses.length ? formatNumber(hi) : "";
    loText.textContent = losses.length ? formatNumber(lo) : "";
    caption.textContent = losses.length
      ? `step ${steps[steps.length - 1]}   loss ${formatNumber(losses[losses.length - 1])}`
      : "loss: no steps yet";
    box.dataset.points = String(losses.length);
  }
  draw();
  model.on("change:losses", draw);
  return () => model.off("change:losses", draw);
}

export default { render };
