// The stage between the toolbar and the inspector: one SVG panel per replay the mode
// shows (compare mode: two, side by side or stacked, sharing one viewport), or in their
// place a message ("Laying out…", an error) or the summary of a graph too large to draw.
// Panels are built, sized, fitted and filled in while off the page, then inserted at
// once: the browser styles and lays out the drawing a single time, and nothing here reads
// layout after the insertion (a forced layout of ~20,000 SVG elements is slow).
// In full screen (the Fullscreen API on the widget's root) the panels fill the screen:
// their svgs are then sized by the page and observed, and fitted again on entry and exit.
import { drawStructure, updateValues } from "./draw.js";
import { exportSvg } from "./export.js";
import { replayOf } from "./payload.js";
import { lessonAt } from "./replay.js";
import { renderSummary } from "./summary.js";
import { LABEL_H, LABEL_W } from "./layout.js";
import { GROUPED_SHRINK, createViewport, fitLimits, panelWidth, shouldStack } from "./viewport.js";

/** @typedef {import("./payload.js").Structure} Structure */
/** @typedef {import("./payload.js").Values} Values */
/** @typedef {import("./layout.js").Layout} Layout */
/**
 * @typedef {object} Panel
 * @property {string} replay   the replay mode it plays
 * @property {string|null} title
 * @property {boolean} bug
 * @property {HTMLElement} box
 * @property {HTMLElement} canvas  the svg's frame: it fades the sides where the graph continues
 * @property {SVGSVGElement} svg
 * @property {ReturnType<typeof drawStructure>} drawing
 * @property {import("./replay.js").Moment|null} at  the moment it shows
 * @property {HTMLElement} [error]  why its replay is missing (values.replays[replay].error)
 */

const SVG = "http://www.w3.org/2000/svg";
// Graphs up to this many nodes always show all their text (teaching sizes: the picture
// stays as it is); bigger ones hide text too small to read until zoomed in (viewport.js).
const LOD_MIN_NODES = 50;
// A grouped graph of up to this many drawn nodes keeps its text at fit (it is panned).
const GROUPED_READABLE = 400;

/**
 * @param {Document} doc
 * @param {{hover(id: number|null): void, click(id: number|null): void}} on  pointer over
 *   / click on a node (null: none, the background)
 */
export function createStage(doc, on) {
  const el = doc.createElement("div");
  el.className = "gw-stage";
  /** @type {Panel[]} */
  let panels = [];
  let viewport = null;
  let layout = null; // of the drawn panels
  let message = null; // the message element, while one is shown
  let width = 0; // px, the stage's content width as last measured or observed
  let scale = 1; // the widget's text scale (the `scale` trait)
  let lod = false; // the drawn graph is big: level of detail, fitted whole
  let grouped = false; // the drawn graph has groups (gradwidget.groups)
  let fullscreen = false; // the widget's root is the page's full-screen element
  let revealed = null; // the step last brought into view

  const nodeIdAt = (event) => {
    const g = event.target.closest?.(".gw-node");
    return g ? Number(g.dataset.id) : null;
  };
  // A collapsed group's box or an open group's title: {key, open}, or null.
  const toggleAt = (event) => {
    const el = event.target.closest?.("[data-toggle]");
    return el ? { key: el.getAttribute("data-toggle"), open: el.getAttribute("data-open") === "true" } : null;
  };
  const onOver = (event) => on.hover(nodeIdAt(event));
  const onLeave = () => on.hover(null);

  function clear() {
    viewport?.destroy();
    viewport = null;
    revealed = null;
    panels = [];
    layout = null;
    message = null;
  }

  /** Shows `text` in place of the drawing (an update of the same kind keeps its element). */
  /** Shows `text` in place of the drawing, with a button if `action` ({label, run}) is
   * given (Cancel during a layout). An update of the same kind keeps its elements, so the
   * button keeps the focus while the progress text changes. */
  function showMessage(text, isError = false, action = null) {
    const className = isError ? "gw-message gw-error" : "gw-message";
    const kind = action ? action.label : "";
    if (message?.isConnected && message.className === className && message.dataset.action === kind) {
      if (message.firstChild.textContent !== text) message.firstChild.textContent = text;
      if (action) message.lastChild.onclick = action.run;
      return;
    }
    clear();
    message = doc.createElement("div");
    message.className = className;
    message.dataset.action = kind;
    const words = doc.createElement("span");
    words.textContent = text;
    message.append(words);
    if (action) {
      const button = doc.createElement("button");
      button.type = "button";
      button.className = "gw-message-action";
      button.textContent = action.label;
      button.onclick = action.run;
      message.append(" ", button);
    }
    el.replaceChildren(message);
  }

  function showSummary(summary, maxNodes, onDraw) {
    clear();
    renderSummary(el, summary, maxNodes, onDraw);
  }

  /**
   * Draws one panel per spec ({replay, title, bug}) from `drawnLayout`; `fill()` writes
   * the numbers before the panels go on the page.
   */
  function draw(drawnLayout, structure, specs, fill) {
    clear();
    layout = drawnLayout;
    // A grouped graph (a network's neurons in layers) is tall: its panel may be too, and
    // its text a little smaller, so that the whole network shows at once; one too big for
    // that (a batch's hundred calls of the model) is shown readable from its start and
    // panned, never as a wall of boxes too small to read (up to GROUPED_READABLE nodes).
    grouped = Boolean(structure.groups);
    lod = structure.nodes.length > (grouped ? GROUPED_READABLE : LOD_MIN_NODES);
    width = measure(); // cheap now: the stage holds a message or the old drawing
    arrange(specs.length);
    panels = specs.map((spec) => {
      const box = doc.createElement("div");
      box.className = "gw-panel";
      if (spec.title) {
        const title = doc.createElement("div");
        title.className = spec.bug ? "gw-panel-title gw-bug" : "gw-panel-title";
        title.textContent = spec.title;
        box.append(title);
      }
      const svg = doc.createElementNS(SVG, "svg");
      svg.setAttribute("class", "gw-svg");
      // With groups it holds controls (each opens or closes a group): a group, not an image.
      svg.setAttribute("role", structure.groups ? "group" : "img");
      svg.setAttribute("aria-label", spec.title ? `computation graph, ${spec.title}` : "computation graph");
      svg.addEventListener("pointerover", onOver);
      svg.addEventListener("pointerleave", onLeave);
      const canvas = doc.createElement("div");
      canvas.className = "gw-canvas";
      canvas.append(svg);
      box.append(canvas);
      return { ...spec, box, canvas, svg, drawing: drawStructure(svg, layout, structure), at: null };
    });
    viewport = createViewport(panels.map((panel) => panel.svg), layout, {
      onClick: (event) => {
        const toggle = toggleAt(event);
        if (toggle && on.toggle) on.toggle(toggle.key, toggle.open);
        else on.click(nodeIdAt(event));
      },
      width: panelWidth(width, panels.length, stacked()),
      lod,
      scale,
      focus: () => stepBox(layout, structure, panels[0]?.at),
      tallest: () => (grouped
        ? Math.max(540, Math.round(2 * panelWidth(width, panels.length, stacked())))
        : Math.max(160, Math.min(540, Math.round(0.75 * (doc.defaultView?.innerHeight || 720))))),
      shrink: grouped ? GROUPED_SHRINK : 1,
    });
    fill();
    el.replaceChildren(...panels.map((panel) => panel.box));
    if (fullscreen) observeSvgs();
  }

  /** Values only: each panel shows its lesson after `index` steps (`forward`: the lesson
   * starts with the forward pass; `hidden`: node ids whose grad is a quiz question); nothing moves. A replay Python could not make (its
   * `error`) shows its message in place of its panel's drawing: a graph without its
   * gradients would read as wrong numbers. */
  function update(structure, values, index, forward = false, hidden = undefined, { reveal = true } = {}) {
    for (const panel of panels) {
      const replay = replayOf(values, panel.replay);
      panel.at = lessonAt(structure, replay, index, panel.replay, forward);
      setPanelError(panel, typeof replay.error === "string" ? replay.error : null, structure);
      if (!panel.error || panel.error.hidden) updateValues(panel.drawing, { data: values.data, at: panel.at, mode: panel.replay, hidden });
    }
    // A new step comes into view (a values update on the same step leaves the view alone;
    // `reveal` false: drawing steps off the page's view, e.g. for an animation).
    if (!reveal) return;
    if (panels.length && index !== revealed) viewport.reveal(stepBox(layout, structure, panels[0].at));
    revealed = index;
  }

  function setPanelError(panel, text, structure) {
    if (!text) {
      if (!panel.error || panel.error.hidden) return;
      panel.error.hidden = true;
      panel.box.classList.remove("gw-panel-failed");
      panel.drawing = drawStructure(panel.svg, layout, structure); // drawn again, in place
      panel.canvas.hidden = false;
      return;
    }
    if (!panel.error?.hidden && panel.error) {
      if (panel.error.textContent !== text) panel.error.textContent = text;
      return;
    }
    if (!panel.error) {
      panel.error = doc.createElement("div");
      panel.error.className = "gw-panel-error";
      panel.error.setAttribute("role", "status");
      panel.canvas.before(panel.error);
    }
    panel.error.hidden = false;
    panel.error.textContent = text;
    panel.box.classList.add("gw-panel-failed");
    panel.svg.replaceChildren(); // no nodes without their replay
    panel.canvas.hidden = true;
  }

  // The stage's content width in px (fractional, as a ResizeObserver reports it), or 0
  // when it is not on the page.
  function measure() {
    if (!el.isConnected) return 0;
    const style = getComputedStyle(el);
    return Math.max(0, el.getBoundingClientRect().width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
  }

  const stacked = () => el.classList.contains("gw-stacked");
  // Compare mode: side by side, unless that would make the drawing too small to read.
  function arrange(count) {
    const stack = count > 1 && width > 0 && shouldStack(layout, width, fitLimits({ scale, lod, fullscreen, shrink: grouped ? GROUPED_SHRINK : 1 }));
    if (stacked() !== stack) el.classList.toggle("gw-stacked", stack);
  }
  function relayoutPanels() {
    if (!viewport) return;
    arrange(panels.length);
    viewport.resize(panelWidth(width, panels.length, stacked()));
  }

  // Refit when the stage gets its size (first attach) or is resized, until the user pans.
  // The observer reports the width: nothing is measured, and an unchanged width (e.g. the
  // stage only grew taller when the drawing went in) changes nothing.
  const resizer = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
    const next = entries[entries.length - 1].contentRect.width;
    // 0: hidden (e.g. another tab): keep everything as it is for when it comes back.
    if (!(next > 0) || Math.abs(next - width) < 0.5) return;
    width = next;
    if (!fullscreen) relayoutPanels();
  }) : null;
  resizer?.observe(el);

  // Full screen: the page sizes the svgs (styles.js); the first one's size is the view's.
  const svgResizer = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
    const { width: w, height: h } = entries[entries.length - 1].contentRect;
    if (fullscreen && w > 0 && h > 0) viewport?.resize(w, h);
  }) : null;
  function observeSvgs() {
    svgResizer?.disconnect();
    if (panels.length) svgResizer?.observe(panels[0].svg);
  }
  const onFullscreen = () => {
    const now = !!doc.fullscreenElement?.contains(el);
    if (now === fullscreen) return;
    fullscreen = now;
    if (fullscreen) {
      arrange(panels.length);
      observeSvgs(); // reports the svgs' full-screen size: the view is fitted to it
    } else {
      svgResizer?.disconnect();
      width = measure() || width;
      relayoutPanels(); // back to the panel's own height, fitted again
    }
  };
  doc.addEventListener("fullscreenchange", onFullscreen);

  return {
    el,
    showMessage,
    showSummary,
    draw,
    update,
    /** The drawn panels (empty while a message or the summary shows). */
    get panels() { return panels; },
    fit: () => viewport?.fit(),
    /** Pans as little as needed to show `box` (SVG units), if the graph does not fit. */
    reveal: (box) => { if (box) viewport?.reveal(box); },
    zoom: (factor) => viewport?.zoom(factor),
    /** The text scale (the `scale` trait, 0.5..3): refits the drawing. */
    setScale(next) {
      if (!(next > 0) || next === scale) return;
      scale = next;
      if (!viewport) return;
      arrange(panels.length);
      viewport.setScale(scale);
      viewport.resize(panelWidth(width, panels.length, stacked()));
    },
    /** The drawing as a standalone SVG file's text, or "" when nothing is drawn. */
    svgText: () => (layout && panels.length ? exportSvg(panels, layout, el) : ""),
    destroy() {
      resizer?.disconnect();
      svgResizer?.disconnect();
      doc.removeEventListener("fullscreenchange", onFullscreen);
      clear();
    },
  };
}

// What a step is about, in SVG units: the node that fired, the edges it deposited on
// (their labels) and the nodes receiving (when that is larger than the view, its left,
// receiving side shows: revealView); at the start of the backward pass, the output.
// null at the start of the forward pass.
function stepBox(layout, structure, at) {
  if (!layout || !at) return null;
  const receivers = [];
  for (const id of at.fresh ?? []) {
    const edge = structure.edges[id];
    const geometry = layout.edges[id];
    if (!edge || !geometry) continue;
    receivers.push(layout.nodes[edge.src], { x: geometry.labelX - LABEL_W / 2, y: geometry.labelY - LABEL_H / 2, w: LABEL_W, h: LABEL_H });
  }
  // Before the first deposit the backward pass is at the output, whose grad is seeded.
  const start = at.phase === "backward" && !at.deposit ? structure.root : null;
  const all = [...receivers, layout.nodes[at.active ?? start]].filter(Boolean);
  return union(all);
}

function union(boxes) {
  if (!boxes.length) return null;
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
}
