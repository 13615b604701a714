// One view of a GraphWidget, without the model: the parts (toolbar, notice, sliders,
// stage of panels, inspector) and the few rules that tie them together. widget.js feeds
// it the traits; it reports user actions through `host`.
//
//   .gradwidget[data-state]
//     .gw-toolbar     toolbar.js   player buttons, scrubber, step status (status.js), modes
//     .gw-notice      notice.js    errors, stale numbers, sliders without a kernel, unknown mode
//     .gw-sliders     sliders.js
//     .gw-stage       panels.js    the SVG panels (draw.js), a message, or the summary
//     .gw-inspector   inspector.js
import { download } from "./export.js";
import { createInspector } from "./inspector.js";
import { bindKeys } from "./keyboard.js";
import { createLayoutJob } from "./layout-job.js";
import { modeNotice } from "./modes.js";
import { createNotice } from "./notice.js";
import { createStage } from "./panels.js";
import { createPlayback } from "./player.js";
import { createSliders } from "./sliders.js";
import { statusParts } from "./status.js";
import { buildToolbar } from "./toolbar.js";
import { createViewState } from "./view-state.js";

// States in which there is a graph to play (else the player and view controls hide).
const GRAPH_STATES = new Set(["layout", "drawn", undefined]);

/**
 * @param {Document} doc
 * @param {object} host
 * @param {() => Promise<object>} host.engine  the page's layout engine (layout-engine.js)
 * @param {(mode: string) => void} host.setMode  the user chose a mode
 * @param {(count: number) => void} host.drawAll  "Draw anyway": raise max_nodes to `count`
 * @param {(message: object) => void} host.send  a message to Python (slides)
 */
export function createView(doc, host) {
  const state = createViewState();
  const playback = createPlayback(() => refresh());
  const layouts = createLayoutJob(host.engine);
  const root = doc.createElement("div");
  root.className = "gradwidget";
  root.tabIndex = 0;
  const stage = createStage(doc, { hover: (id) => inspector.hover(id), click: (id) => inspector.pin(id) });
  const inspector = createInspector(doc, () => (state.layout && state.values
    ? { structure: state.structure, data: state.values.data, panels: stage.panels } : null));
  const toolbar = buildToolbar(doc, {
    player: playback.dispatch,
    mode: host.setMode,
    fit: () => stage.fit(),
    zoom: (factor) => stage.zoom(factor),
    exportSvg: () => { const svg = stage.svgText(); if (svg) download(doc, svg, "gradwidget.svg"); },
  });
  const notice = createNotice(doc);
  const sliders = createSliders(doc, host.send, (text) => notice.set("sliders", text));
  root.append(toolbar.el, notice.el, sliders.el, stage.el, inspector.el);
  const unbindKeys = bindKeys(root, playback.dispatch);
  let drawn = Promise.resolve(); // settles when the current structure is drawn (or not drawable)

  function setState(name) {
    root.dataset.state = name;
    syncControls();
  }

  function showMessage(text, name, isError = false) {
    stage.showMessage(text, isError);
    inspector.redrawn();
    setState(name);
  }

  /** A new structure (or summary): lays it out and draws it. */
  function setStructure(structure, maxNodes) {
    layouts.cancel();
    state.setStructure(structure);
    inspector.reset();
    playback.resize(state.steps);
    const summary = structure?.summary;
    if (summary) { // too large: Python sent counts only
      stage.showSummary(summary, maxNodes, () => {
        showMessage("Asking the kernel for the full graph…", "layout");
        host.drawAll(summary.nodes); // Python answers with the whole graph
      });
      inspector.redrawn();
      return setState("summary");
    }
    if (!structure?.nodes?.length) return showMessage("No graph to show yet.", "empty");
    drawn = layouts.run(structure, {
      progress: (text) => showMessage(text, "layout"),
      done: (layout, ms) => {
        state.layout = layout;
        root.dataset.layoutMs = String(ms);
        drawPanels();
      },
      failed: (err) => showMessage(`Could not lay out the graph: ${err.message}`, "error", true),
    });
  }

  // (Re)draws the mode's panels from the current layout: no relayout.
  function drawPanels() {
    const started = performance.now();
    inspector.redrawn();
    stage.draw(state.layout, state.structure, state.view.panels, refresh); // numbers while off the page
    root.dataset.state = "drawn";
    const ms = performance.now() - started;
    root.dataset.drawMs = ms.toFixed(1);
    mark("gradwidget:drawn", { ms, nodes: state.structure.nodes.length, panels: stage.panels.length });
  }

  // Values or player moved: text and classes change, nothing is recreated or moved.
  function refresh() {
    if (state.layout && state.values) {
      stage.update(state.structure, state.values, playback.state.index);
      inspector.show();
    }
    syncControls();
  }

  function syncControls() {
    const graph = GRAPH_STATES.has(root.dataset.state);
    const structure = state.layout ? state.structure : null;
    const status = statusParts(playback.state, structure, state.values, state.view.panels[0].replay);
    toolbar.sync({ player: playback.state, mode: state.view.name, status, graph });
    if (inspector.el.hidden === graph) inspector.el.hidden = !graph;
  }

  /** New values; `timed` false: not a values update for the timing hooks (the first ones). */
  function setValues(values, { timed = true } = {}) {
    const started = performance.now();
    sliders.answered(values);
    state.setValues(values);
    // An answer to a slide says what went wrong by its slider; anything else here.
    notice.set("error", values?.seq == null ? values?.error ?? null : null);
    notice.set("stale", state.values?.stale ?? null);
    playback.resize(state.steps);
    refresh();
    if (!timed) return;
    const ms = performance.now() - started;
    root.dataset.refreshMs = ms.toFixed(1); // the JS time of this update (protocol.md)
    mark("gradwidget:values", { ms, nodes: state.structure?.nodes?.length ?? 0 });
  }

  function setMode(mode) {
    state.setMode(mode);
    notice.set("mode", modeNotice(state.view));
    playback.resize(state.steps);
    if (state.layout) drawPanels();
    else syncControls();
  }

  return {
    el: root,
    setStructure,
    setValues,
    setMode,
    setSliders: (specs) => sliders.setSpecs(specs),
    /** The text scale (the `scale` trait). */
    setScale: (scale) => stage.setScale(scale),
    /** The drawing as SVG text once the current structure is drawn ("" if it is not). */
    svgText: () => drawn.then(() => stage.svgText()),
    destroy() {
      layouts.cancel();
      playback.stop();
      sliders.destroy();
      unbindKeys();
      stage.destroy();
      root.remove();
    },
  };
}

// Timing hooks (docs/protocol.md, "Stable selectors"): performance marks with details.
function mark(name, detail) {
  try {
    performance.mark?.(name, { detail });
  } catch {
    // a page without the User Timing API: no marks
  }
}
