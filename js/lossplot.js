// LossPlot's view (gradwidget/training.py): the loss curve of a training loop, with axes
// (ticks on step and loss, axis titles), a "log scale" checkbox (the `log` trait), and a
// readout of the point nearest the pointer, or chosen with ← / → while the plot has the
// focus, in a polite live region. Redrawn when `steps`/`losses` change; sized in CSS px
// to the width it is given, so text stays 12 px however wide the plot. Colors only from
// --jp-* variables (light and dark themes); text only via textContent.
import { formatNumber } from "./format.js";
import { keptFromNotebook } from "./keyboard.js";

const SVG = "http://www.w3.org/2000/svg";
export const HEIGHT = 250; // px of the svg
const FONT = 12; // px of tick labels and axis titles
const CHAR = 7.2; // px a digit of FONT is wide, about (for margins and tick spacing)

const css = (name, fallback) => `var(${name}, ${fallback})`;
const COLOR = {
  ink: css("--jp-ui-font-color1", "#222"),
  ink2: css("--jp-ui-font-color2", "#555"),
  axis: css("--jp-border-color1", "#9e9e9e"),
  grid: css("--jp-border-color2", "#e0e0e0"),
  line: css("--jp-brand-color1", "#1976d2"),
  paper: css("--jp-layout-color1", "#fff"),
  warn: css("--jp-warn-color1", "#b45309"),
};

// ---- pure: ticks, scales, readout ---------------------------------------------------------

/** 1, 2 or 5 × 10^k: the round step that cuts `span` into about `count` parts. */
export function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const base = 10 ** Math.floor(Math.log10(raw));
  const f = raw / base;
  return (f <= 1.5 ? 1 : f <= 3 ? 2 : f <= 7 ? 5 : 10) * base;
}

/** Ticks of a linear axis over [lo, hi]: {ticks, step, lo, hi} with lo/hi widened to whole
 * steps, so the first and last ticks are the ends of the axis. `integer`: steps ≥ 1. */
export function linearTicks(lo, hi, count = 5, integer = false) {
  if (!(hi > lo)) { // one value: a range around it
    const pad = integer ? 1 : Math.abs(lo) * 0.1 || 1;
    [lo, hi] = integer ? [lo, lo + pad] : [lo - pad, hi + pad];
  }
  let step = niceStep(hi - lo, count);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  const ticks = [];
  for (let i = first; i <= last; i++) ticks.push(Math.abs(i * step) < step * 1e-9 ? 0 : i * step);
  return { ticks, step, lo: first * step, hi: last * step };
}

/** Ticks of a log axis over [lo, hi] (both > 0, the data's range kept as it is): powers of
 * ten, 1-2-5 or 1…9 times them, whichever first gives 3 or more; every m-th power for many
 * decades; linear ticks within the range when it is too narrow for any of these. */
export function logTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return { ticks: [lo], lo: lo / 2, hi: lo * 2, log: true };
  const e0 = Math.floor(Math.log10(lo) + 1e-9), e1 = Math.ceil(Math.log10(hi) - 1e-9);
  const inside = (v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades = Math.log10(hi / lo);
  if (decades > count) {
    const every = Math.ceil(decades / count);
    const ticks = [];
    for (let e = Math.ceil(e0 / every) * every; e <= e1; e += every) if (inside(10 ** e)) ticks.push(tenTo(e));
    return { ticks, lo, hi, log: true };
  }
  for (const mults of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks = [];
    for (let e = e0; e <= e1; e++) for (const m of mults) if (inside(m * 10 ** e)) ticks.push(m * tenTo(e));
    if (ticks.length >= 3) return { ticks, lo, hi, log: true };
  }
  const { ticks, step } = linearTicks(lo, hi, count);
  return { ticks: ticks.filter(inside), step, lo, hi, log: true };
}

// 10 ** e exactly as written (10 ** -3 is 0.0010000000000000002).
const tenTo = (e) => Number(`1e${e}`);

/** A tick's text: as many decimals as the step needs (0.2, 0.05, 10), an exponent for
 * very small or large values (2e-5, 1.5e+6); log ticks without a step: formatNumber. */
export function tickText(v, step) {
  if (v === 0) return "0";
  if (!step) return formatNumber(v);
  const big = Math.max(Math.abs(v), step);
  if (big >= 1e5 || step < 1e-3) {
    const digits = Math.floor(Math.log10(Math.abs(v)) + 1e-9) - Math.floor(Math.log10(step) + 1e-9);
    const [m, e] = v.toExponential(Math.min(10, Math.max(0, digits))).split("e");
    return `${m.includes(".") ? m.replace(/\.?0+$/, "") : m}e${e}`;
  }
  const text = v.toFixed(Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text; // 1, not 1.0, as format.js
}

/** Why a log scale cannot show `losses` (a loss ≤ 0 has no logarithm), or null. */
export function logProblem(steps, losses) {
  const i = losses.findIndex((y) => !(y > 0));
  return i < 0 ? null : `step ${stepText(steps[i])}'s loss is ${formatNumber(losses[i])}, not > 0`;
}

/** Everything the plot draws for (xs, ys) in a `width` × `height` px box: the axes' ticks,
 * the margins that fit their labels, `x(step)` and `y(loss)` in px, whether the loss axis
 * is logarithmic (asked for, and possible), and the polyline's points. */
export function layout(xs, ys, { width = 480, height = HEIGHT, log = false } = {}) {
  const useLog = log && ys.length > 0 && logProblem(xs, ys) === null;
  const [ylo, yhi] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const [xlo, xhi] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const rows = Math.max(2, Math.floor((height - 40) / 36));
  const yAxis = useLog ? logTicks(ylo, yhi, rows) : linearTicks(ylo, yhi, rows);
  const yLabels = yAxis.ticks.map((v) => tickText(v, yAxis.step));
  const left = 22 + Math.ceil(CHAR * Math.max(1, ...yLabels.map((t) => t.length))) + 6;
  const integer = xs.every(Number.isInteger);
  // room on the right for half of the last x label, centred on the axis's end
  const last = linearTicks(xlo, xhi, Math.max(1, Math.floor((width - left) / 64)), integer);
  const right = Math.max(14, Math.ceil((CHAR * tickText(last.hi, last.step).length) / 2) + 4);
  const pad = { left, right, top: 10, bottom: 38 };
  const plotW = Math.max(40, width - pad.left - pad.right), plotH = Math.max(40, height - pad.top - pad.bottom);
  // about one x tick per 64 px and never closer than the widest label allows
  let xAxis = linearTicks(xlo, xhi, Math.max(1, Math.floor(plotW / 64)), integer);
  const fits = (axis) => {
    const longest = Math.max(...axis.ticks.map((v) => tickText(v, axis.step).length));
    return plotW / Math.max(1, axis.ticks.length - 1) >= CHAR * longest + 12;
  };
  for (let n = Math.floor(plotW / 64) - 1; n >= 1 && !fits(xAxis); n--) xAxis = linearTicks(xlo, xhi, n, integer);
  const xLabels = xAxis.ticks.map((v) => tickText(v, xAxis.step));
  const x = (v) => pad.left + ((v - xAxis.lo) / (xAxis.hi - xAxis.lo)) * plotW;
  const [t0, t1] = useLog ? [Math.log10(yAxis.lo), Math.log10(yAxis.hi)] : [yAxis.lo, yAxis.hi];
  const y = (v) => pad.top + ((t1 - (useLog ? Math.log10(v) : v)) / (t1 - t0)) * plotH;
  const points = ys.map((v, i) => `${x(xs[i]).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return {
    width, height, pad, plotW, plotH, x, y, log: useLog, points,
    xTicks: xAxis.ticks.map((v, i) => ({ value: v, text: xLabels[i], at: x(v) })),
    yTicks: yAxis.ticks.map((v, i) => ({ value: v, text: yLabels[i], at: y(v) })),
  };
}

/** Index of the point whose step is drawn nearest to `px` (x in px, `x` the plot's
 * scale), -1 without points; of equally near ones, the later. */
export function nearestIndex(xs, x, px) {
  let best = -1, dist = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(x(xs[i]) - px);
    if (d <= dist) { best = i; dist = d; }
  }
  return best;
}

/** The readout of one point: "step 12 · loss 0.4321". */
export function readout(step, loss) {
  return `step ${stepText(step)} · loss ${formatNumber(loss)}`;
}

// steps are counts: 12345 in full, not 1.235e+4
const stepText = (step) => (Number.isInteger(step) ? String(step) : formatNumber(step));

/** Where ← → Home End move the chosen point from `index` among `count`; null: not ours. */
export function moveIndex(key, index, count) {
  if (count === 0) return null;
  const at = index < 0 ? count - 1 : index;
  switch (key) {
    case "ArrowLeft": return index < 0 ? count - 1 : Math.max(0, at - 1);
    case "ArrowRight": return Math.min(count - 1, at + 1);
    case "Home": return 0;
    case "End": return count - 1;
    default: return null;
  }
}

// ---- the view -----------------------------------------------------------------------------

const STYLE = `
.gw-lossplot { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; color: ${COLOR.ink};
  max-width: 100%; box-sizing: border-box; }
.gw-lossplot .gw-loss-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; margin: 2px 0 4px; }
.gw-lossplot .gw-loss-caption { font-weight: 600; font-variant-numeric: tabular-nums; }
.gw-lossplot .gw-loss-log { display: inline-flex; align-items: center; gap: 4px; margin-left: auto; cursor: pointer; }
.gw-lossplot .gw-loss-log input { margin: 0; }
.gw-lossplot .gw-loss-log input:disabled + span { color: ${COLOR.ink2}; }
.gw-lossplot .gw-loss-why { flex-basis: 100%; font-size: 12px; color: ${COLOR.warn}; }
.gw-lossplot .gw-loss-why:empty { display: none; }
.gw-lossplot svg { display: block; overflow: visible; border-radius: 3px; touch-action: none; }
.gw-lossplot svg:focus { outline: none; }
.gw-lossplot svg:focus-visible { outline: 2px solid ${COLOR.line}; outline-offset: -2px; }
.gw-lossplot .gw-loss-readout { min-height: 1.4em; margin-top: 2px; font-variant-numeric: tabular-nums; }
.gw-lossplot .gw-loss-readout[data-hint] { color: ${COLOR.ink2}; font-size: 12px; }
.gw-lossplot .gw-loss-note { margin-top: 6px; font-size: 12px; color: ${COLOR.ink2}; }
.gw-lossplot .gw-loss-note:empty { display: none; }
`;
const HINT = "Point at the curve, or focus it and press ← →, to read a point.";

function svgEl(doc, name, attrs = {}, text) {
  const node = doc.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function htmlEl(doc, name, className, text) {
  const node = doc.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: host }) {
  const doc = host.ownerDocument;
  const box = htmlEl(doc, "div", "gw-lossplot");
  const style = htmlEl(doc, "style", "", STYLE); // inside the widget: also in a shadow root

  const head = htmlEl(doc, "div", "gw-loss-head");
  const caption = htmlEl(doc, "span", "gw-loss-caption");
  const logLabel = htmlEl(doc, "label", "gw-loss-log");
  const logBox = htmlEl(doc, "input");
  logBox.type = "checkbox";
  const why = htmlEl(doc, "span", "gw-loss-why");
  why.id = `gw-loss-why-${Math.random().toString(36).slice(2)}`;
  logBox.setAttribute("aria-describedby", why.id);
  logLabel.append(logBox, htmlEl(doc, "span", "", "log scale"));
  head.append(caption, logLabel, why);

  const svg = svgEl(doc, "svg", { class: "gw-loss-svg", tabindex: 0, role: "group", height: HEIGHT });
  const grid = svgEl(doc, "g", { class: "gw-loss-grid" });
  const axes = svgEl(doc, "g", { class: "gw-loss-axes" });
  const line = svgEl(doc, "polyline", { class: "gw-loss-line", fill: "none", "stroke-width": 2,
    "stroke-linejoin": "round", stroke: COLOR.line });
  const guide = svgEl(doc, "line", { class: "gw-loss-guide", stroke: COLOR.ink2, "stroke-dasharray": "3 3", visibility: "hidden" });
  const marker = svgEl(doc, "circle", { class: "gw-loss-marker", r: 4.5, fill: COLOR.line, stroke: COLOR.paper,
    "stroke-width": 2, visibility: "hidden" });
  const hit = svgEl(doc, "rect", { fill: "transparent" }); // the pointer's area: the whole plot box
  svg.append(grid, axes, line, guide, marker, hit);

  const live = htmlEl(doc, "div", "gw-loss-readout");
  live.setAttribute("aria-live", "polite");
  const note = htmlEl(doc, "div", "gw-loss-note");
  box.append(style, head, svg, live, note);
  host.append(box);

  let width = 0; // px the plot is drawn for
  let geo = null; // layout() of the last draw
  let chosen = -1; // index of the point read out, -1: none
  let byKey = false; // the point was chosen with the keyboard (stays when the pointer leaves)

  const steps = () => model.get("steps") || [];
  const losses = () => model.get("losses") || [];

  function showChosen() {
    const xs = steps(), ys = losses();
    const on = chosen >= 0 && chosen < xs.length && geo;
    for (const node of [guide, marker]) node.setAttribute("visibility", on ? "visible" : "hidden");
    let text = HINT;
    if (on) {
      const cx = geo.x(xs[chosen]), cy = geo.y(ys[chosen]);
      marker.setAttribute("cx", cx.toFixed(1));
      marker.setAttribute("cy", cy.toFixed(1));
      guide.setAttribute("x1", cx.toFixed(1));
      guide.setAttribute("x2", cx.toFixed(1));
      guide.setAttribute("y1", geo.pad.top);
      guide.setAttribute("y2", geo.pad.top + geo.plotH);
      text = readout(xs[chosen], ys[chosen]);
    }
    // written only when it changes: a live region is read out on every change
    if (live.textContent !== text) live.textContent = text;
    live.toggleAttribute("data-hint", !on);
    if (on) { live.dataset.step = String(xs[chosen]); live.dataset.loss = String(ys[chosen]); }
    else { delete live.dataset.step; delete live.dataset.loss; }
  }

  function draw() {
    const xs = steps(), ys = losses();
    const w = Math.max(240, Math.round(width || box.clientWidth || 480));
    geo = layout(xs, ys, { width: w, height: HEIGHT, log: !!model.get("log") });
    svg.setAttribute("width", w);
    svg.setAttribute("viewBox", `0 0 ${w} ${HEIGHT}`);
    const { pad, plotW, plotH } = geo;
    const bottom = pad.top + plotH, right = pad.left + plotW;
    hit.setAttribute("x", pad.left); hit.setAttribute("y", pad.top);
    hit.setAttribute("width", plotW); hit.setAttribute("height", plotH);

    const gridLines = [], marks = [];
    const label = (attrs, text) => svgEl(doc, "text", { "font-size": FONT, fill: COLOR.ink2, ...attrs }, text);
    for (const t of geo.yTicks) {
      gridLines.push(svgEl(doc, "line", { x1: pad.left, x2: right, y1: t.at, y2: t.at, stroke: COLOR.grid }));
      marks.push(svgEl(doc, "line", { x1: pad.left - 4, x2: pad.left, y1: t.at, y2: t.at, stroke: COLOR.axis }));
      marks.push(label({ class: "gw-loss-ytick", x: pad.left - 7, y: t.at, "text-anchor": "end", "dominant-baseline": "middle" }, t.text));
    }
    for (const t of geo.xTicks) {
      gridLines.push(svgEl(doc, "line", { x1: t.at, x2: t.at, y1: pad.top, y2: bottom, stroke: COLOR.grid }));
      marks.push(svgEl(doc, "line", { x1: t.at, x2: t.at, y1: bottom, y2: bottom + 4, stroke: COLOR.axis }));
      marks.push(label({ class: "gw-loss-xtick", x: t.at, y: bottom + 7, "text-anchor": "middle", "dominant-baseline": "hanging" }, t.text));
    }
    marks.push(
      svgEl(doc, "line", { x1: pad.left, x2: right, y1: bottom, y2: bottom, stroke: COLOR.axis }),
      svgEl(doc, "line", { x1: pad.left, x2: pad.left, y1: pad.top, y2: bottom, stroke: COLOR.axis }),
      svgEl(doc, "text", { class: "gw-loss-xtitle", x: pad.left + plotW / 2, y: HEIGHT - 3, "text-anchor": "middle",
        "font-size": FONT, fill: COLOR.ink }, "step"),
      svgEl(doc, "text", { class: "gw-loss-ytitle", x: 0, y: 0, "text-anchor": "middle", "dominant-baseline": "hanging",
        "font-size": FONT, fill: COLOR.ink, transform: `translate(2 ${pad.top + plotH / 2}) rotate(-90)` },
      geo.log ? "loss (log scale)" : "loss"),
    );
    grid.replaceChildren(...gridLines);
    axes.replaceChildren(...marks);
    line.setAttribute("points", geo.points);
    // a single point has no line to see: draw it as a dot
    line.setAttribute("stroke-linecap", xs.length === 1 ? "round" : "butt");
    if (xs.length === 1) line.setAttribute("points", `${geo.points} ${geo.points}`);

    const n = xs.length;
    caption.textContent = n ? readout(xs[n - 1], ys[n - 1]) : "loss: no steps yet";
    svg.setAttribute("aria-label", n
      ? `Loss curve of ${n} points, steps ${stepText(xs[0])} to ${stepText(xs[n - 1])}, ` +
        `loss from ${formatNumber(ys[0])} to ${formatNumber(ys[n - 1])}. ← → read the points.`
      : "Loss curve: no steps yet.");
    const problem = n ? logProblem(xs, ys) : null;
    logBox.checked = !!model.get("log");
    logBox.disabled = problem !== null;
    why.textContent = problem === null ? "" : `Log scale off: ${problem}.`;
    box.dataset.points = String(n);
    box.dataset.log = geo.log ? "on" : "off";
    note.textContent = model.get("note") || "";
    if (chosen >= n) chosen = n - 1;
    showChosen();
  }

  // keeps the chosen point on its step when new points arrive (the last stays the last)
  function redraw() {
    const before = chosen;
    const was = geo && before >= 0 ? lastSteps[before] : undefined;
    const wasLast = before >= 0 && before === lastSteps.length - 1;
    lastSteps = steps();
    if (before >= 0) chosen = wasLast ? lastSteps.length - 1 : Math.max(0, lastSteps.indexOf(was));
    draw();
  }
  let lastSteps = steps();

  const pick = (event) => {
    if (!geo || steps().length === 0) return;
    const rect = svg.getBoundingClientRect();
    const px = (event.clientX - rect.left) * (geo.width / (rect.width || geo.width));
    chosen = nearestIndex(steps(), geo.x, px);
    byKey = false;
    showChosen();
  };
  const leave = () => {
    if (!byKey) { chosen = -1; showChosen(); }
  };
  const onLog = () => {
    model.set("log", logBox.checked);
    model.save_changes();
  };
  // ← → Home End on the focused plot: handled on the window in the capture phase, before
  // Notebook 7's shortcuts (matched on the way down) and JupyterLab's (see keyboard.js).
  // Other plain keys inside the plot (Space on the checkbox, "d d") are kept from the
  // notebook too, their default action (toggling the checkbox) left alone.
  const view = doc.defaultView ?? host;
  const onKey = (event) => {
    const target = event.target;
    if (event.defaultPrevented || !target?.nodeType || !box.contains(target)) return;
    const plain = !(event.ctrlKey || event.metaKey || event.altKey);
    const to = target === svg && plain ? moveIndex(event.key, chosen, steps().length) : null;
    if (to === null) {
      if (keptFromNotebook(event)) event.stopPropagation();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    chosen = to;
    byKey = true;
    showChosen();
  };
  const onBlur = () => { if (byKey) { byKey = false; chosen = -1; showChosen(); } };

  svg.addEventListener("pointermove", pick);
  svg.addEventListener("pointerdown", pick);
  svg.addEventListener("pointerleave", leave);
  svg.addEventListener("blur", onBlur);
  logBox.addEventListener("change", onLog);
  view.addEventListener("keydown", onKey, true);
  const Observer = doc.defaultView?.ResizeObserver;
  const resize = Observer && new Observer((entries) => {
    const w = Math.round(entries[0].contentRect.width);
    if (w > 0 && Math.abs(w - width) >= 1) { width = w; draw(); }
  });
  resize?.observe(box);

  draw();
  model.on("change:losses", redraw); // Python sets steps with it, in one message
  model.on("change:log", draw);
  model.on("change:note", draw);
  return () => {
    model.off("change:losses", redraw);
    model.off("change:log", draw);
    model.off("change:note", draw);
    view.removeEventListener("keydown", onKey, true);
    resize?.disconnect();
    box.remove();
  };
}

export default { render };
