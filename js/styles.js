// All the widget's CSS. Colors and fonts come only from JupyterLab's --jp-* variables,
// with light-theme fallbacks for hosts that do not define them.
// SVG_CSS styles the drawing and is also embedded in exported SVG files.
import { LABEL_FONT } from "./layout.js";
import { NUMBER_FONT, PANEL_GAP } from "./viewport.js";

export const SVG_CSS = `
.gw-svg { font-family: var(--jp-ui-font-family, system-ui, sans-serif); user-select: none; }
.gw-edge { fill: none; stroke: var(--jp-ui-font-color3, #9e9e9e); stroke-width: 1.3; }
.gw-edge.gw-fresh { stroke: var(--jp-brand-color1, #1976d2); stroke-width: 2.4; }
.gw-edge.gw-lost { stroke: var(--jp-error-color1, #d32f2f); stroke-dasharray: 5 4; }
.gw-arrow { fill: var(--jp-ui-font-color3, #9e9e9e); }
.gw-arrow-fresh { fill: var(--jp-brand-color1, #1976d2); }
.gw-arrow-lost { fill: var(--jp-layout-color0, #ffffff); stroke: var(--jp-error-color1, #d32f2f); stroke-width: 1.4; }
.gw-box { fill: var(--jp-layout-color1, #ffffff); stroke: var(--jp-border-color1, #bdbdbd); stroke-width: 1; }
.gw-leaf .gw-box { fill: var(--jp-layout-color2, #f3f3f3); }
.gw-label { font-size: 13px; font-weight: 600; fill: var(--jp-ui-font-color0, #212121); unicode-bidi: isolate; }
.gw-op-box { fill: var(--jp-layout-color2, #eeeeee); stroke: var(--jp-border-color2, #e0e0e0); }
.gw-op { font: 600 12px var(--jp-code-font-family, ui-monospace, monospace); fill: var(--jp-ui-font-color1, #424242); text-anchor: middle; }
.gw-sep { stroke: var(--jp-border-color2, #e0e0e0); }
.gw-key { font-size: 12px; fill: var(--jp-ui-font-color2, #757575); }
.gw-data, .gw-grad { font: ${NUMBER_FONT}px var(--jp-code-font-family, ui-monospace, monospace); text-anchor: end; fill: var(--jp-ui-font-color1, #424242); }
.gw-grad { font-weight: 600; fill: var(--jp-ui-font-color0, #212121); }
.gw-count { display: none; }
.gw-multi .gw-count { display: inline; }
.gw-multi .gw-box { stroke: var(--jp-warn-color1, #ef6c00); stroke-width: 2; }
.gw-count-box { fill: var(--jp-warn-color1, #ef6c00); }
.gw-count-text { font-size: 11px; font-weight: 700; fill: var(--jp-ui-inverse-font-color0, #ffffff); text-anchor: middle; }
.gw-lost .gw-box { stroke: var(--jp-error-color1, #d32f2f); stroke-dasharray: 5 3; }
.gw-lost .gw-count-box { fill: var(--jp-error-color1, #d32f2f); }
.gw-fresh .gw-grad { fill: var(--jp-brand-color1, #1976d2); }
.gw-active .gw-box { stroke: var(--jp-brand-color1, #1976d2); stroke-width: 3; stroke-dasharray: none; }
/* A contribution, centred in the box the layout reserved for it (layout.js). A lost one:
   the word "lost", a dashed frame, lighter text: never a line through the number. */
.gw-edge-text { font: 600 ${LABEL_FONT}px var(--jp-code-font-family, ui-monospace, monospace); text-anchor: middle;
  dominant-baseline: central; fill: var(--jp-brand-color1, #1976d2);
  paint-order: stroke; stroke: var(--jp-layout-color0, #ffffff); stroke-width: 4px; stroke-linejoin: round; }
.gw-edge-label.gw-lost .gw-edge-text { fill: var(--jp-error-color1, #d32f2f); font-weight: 400; stroke-width: 0; }
.gw-lost-box { display: none; }
.gw-edge-label.gw-lost .gw-lost-box { display: inline; fill: var(--jp-layout-color0, #ffffff);
  stroke: var(--jp-error-color1, #d32f2f); stroke-width: 1; stroke-dasharray: 3 2; }
.gw-edge-op { fill-opacity: 0.75; }
.gw-edge-label.gw-lost .gw-edge-op { fill-opacity: 1; font-style: italic; }
`;

const UI_CSS = `
.gradwidget { font-family: var(--jp-ui-font-family, system-ui, sans-serif); font-size: var(--jp-ui-font-size1, 13px);
  color: var(--jp-ui-font-color1, #424242); background: var(--jp-layout-color0, #ffffff);
  border: 1px solid var(--jp-border-color2, #e0e0e0); border-radius: 6px; outline: none; max-width: 100%; }
/* Focus: the keys work while it is anywhere inside (keyboard.js). A ring when reached by
   keyboard; the border says so after a click. */
.gradwidget:focus-within { border-color: var(--jp-brand-color1, #1976d2); }
.gradwidget:focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: -1px; } /* inside: an output area may clip outside */
.gradwidget .gw-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); background: var(--jp-layout-color1, #fafafa); border-radius: 6px 6px 0 0; }
.gradwidget .gw-group { display: flex; align-items: center; gap: 2px; }
.gradwidget button, .gradwidget select { font: inherit; color: inherit; background: var(--jp-layout-color0, #ffffff);
  border: 1px solid var(--jp-border-color1, #bdbdbd); border-radius: 4px; height: 26px; min-width: 26px; padding: 0 6px;
  cursor: pointer; display: inline-flex; align-items: center; justify-content: center; gap: 4px; }
.gradwidget button:hover { background: var(--jp-layout-color2, #eeeeee); }
.gradwidget button:focus-visible, .gradwidget select:focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 1px; }
.gradwidget button[hidden] { display: none; }
.gradwidget button[aria-pressed="true"] { background: var(--jp-brand-color1, #1976d2); border-color: var(--jp-brand-color1, #1976d2);
  color: var(--jp-ui-inverse-font-color0, #ffffff); }
.gradwidget .gw-segmented button { border-radius: 0; margin-left: -1px; }
.gradwidget .gw-segmented button:first-child { border-radius: 4px 0 0 4px; margin-left: 0; }
.gradwidget .gw-segmented button:last-child { border-radius: 0 4px 4px 0; }
.gradwidget .gw-mode-select { display: none; }
/* Narrow (toolbar.js: a zoomed-in browser, a side panel): fewer, smaller pieces. */
.gradwidget .gw-toolbar.gw-narrow { gap: 4px; padding: 4px 6px; }
.gradwidget .gw-toolbar.gw-narrow .gw-segmented { display: none; }
.gradwidget .gw-toolbar.gw-narrow .gw-mode-select { display: inline-flex; max-width: 11em; }
.gradwidget .gw-toolbar.gw-narrow .gw-view .gw-button-text:not(:only-child) { display: none; }
.gradwidget .gw-toolbar.gw-narrow .gw-scrub { width: 90px; }
.gradwidget .gw-toolbar.gw-tiny .gw-scrub { width: 64px; }
.gradwidget .gw-toolbar.gw-tiny .gw-mode-select { max-width: 8em; }
.gradwidget .gw-toolbar.gw-tiny button { min-width: 24px; padding: 0 4px; }
.gradwidget .gw-toolbar.gw-tiny .gw-group { gap: 1px; }
.gradwidget .gw-help { flex: 1 0 100%; padding: 6px 4px 2px; border-top: 1px solid var(--jp-border-color2, #e0e0e0); line-height: 1.6; }
.gradwidget .gw-help[hidden] { display: none; }
.gradwidget .gw-help ul { margin: 2px 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 2px 20px; }
.gradwidget .gw-help-title, .gradwidget .gw-help-pointer { color: var(--jp-ui-font-color2, #757575); }
.gradwidget kbd { font: 12px var(--jp-code-font-family, ui-monospace, monospace); padding: 0 5px; border-radius: 3px;
  border: 1px solid var(--jp-border-color1, #bdbdbd); border-bottom-width: 2px; background: var(--jp-layout-color1, #ffffff); }
.gradwidget svg.gw-icon { width: 14px; height: 14px; fill: currentColor; }
.gradwidget .gw-scrub { width: 140px; accent-color: var(--jp-brand-color1, #1976d2); }
/* The step status may take two lines (it breaks at its " · " separators), in a box always
   two lines tall, so the toolbar does not change height while the player runs. */
.gradwidget .gw-step { flex: 1 1 8em; min-width: 6em; height: 28px; display: flex; align-items: center;
  font-size: 12px; line-height: 14px; font-variant-numeric: tabular-nums; color: var(--jp-ui-font-color2, #757575); }
.gradwidget .gw-step-text { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden;
  overflow-wrap: anywhere; }
.gradwidget .gw-step-part { white-space: nowrap; }
.gradwidget .gw-toolbar [hidden] { display: none; }
.gradwidget .gw-sliders { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 18px; padding: 6px 10px;
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
.gradwidget .gw-sliders[hidden] { display: none; }
.gradwidget .gw-slider { display: inline-flex; align-items: center; gap: 6px; }
.gradwidget .gw-slider-name { font-weight: 600; }
.gradwidget .gw-slider input { width: 140px; accent-color: var(--jp-brand-color1, #1976d2); }
.gradwidget .gw-slider output { font-family: var(--jp-code-font-family, ui-monospace, monospace); min-width: 4.5em; }
.gradwidget .gw-slider-error { color: var(--jp-error-color1, #d32f2f); }
/* Notices (stale numbers, sliders without a kernel, an unknown mode): a polite live region,
   always in the page so screen readers hear what is written into it; empty, it takes no room. */
.gradwidget .gw-notice:not(:empty) { padding: 6px 10px; border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
  background: var(--jp-layout-color2, #eeeeee); color: var(--jp-ui-font-color1, #424242); }
.gradwidget .gw-notice > div::before { content: "⚠ "; color: var(--jp-warn-color1, #ef6c00); }
.gradwidget .gw-stage { display: flex; gap: ${PANEL_GAP}px; padding: 8px; }
.gradwidget .gw-stage.gw-stacked { flex-direction: column; }
.gradwidget .gw-panel { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; gap: 4px; }
.gradwidget .gw-panel-title { font-weight: 600; font-size: 12px; color: var(--jp-ui-font-color1, #424242); }
.gradwidget .gw-panel-title.gw-bug { color: var(--jp-error-color1, #d32f2f); }
.gradwidget svg.gw-svg { display: block; width: 100%; background: var(--jp-layout-color0, #ffffff); cursor: grab; touch-action: none;
  contain: strict; }
/* The svg's frame: where the graph continues past an edge of the view (viewport.js sets
   data-more), that edge fades out and shows a chevron: drag to see the rest. */
.gradwidget .gw-canvas { position: relative; min-height: 0; }
.gradwidget .gw-canvas::before, .gradwidget .gw-canvas::after { position: absolute; top: 0; bottom: 0; width: 32px;
  display: none; align-items: center; justify-content: center; pointer-events: none; z-index: 1;
  font-size: 22px; line-height: 1; color: var(--jp-ui-font-color2, #757575); }
.gradwidget .gw-canvas::before { content: "‹"; left: 0; background: linear-gradient(to right, var(--jp-layout-color0, #ffffff) 30%, transparent); }
.gradwidget .gw-canvas::after { content: "›"; right: 0; background: linear-gradient(to left, var(--jp-layout-color0, #ffffff) 30%, transparent); }
.gradwidget .gw-canvas[data-more~="left"]::before, .gradwidget .gw-canvas[data-more~="right"]::after { display: flex; }
.gradwidget .gw-canvas[data-more~="bottom"] { box-shadow: inset 0 -14px 10px -10px var(--jp-border-color1, #bdbdbd); }
.gradwidget .gw-canvas[data-more~="top"] { box-shadow: inset 0 14px 10px -10px var(--jp-border-color1, #bdbdbd); }
.gradwidget .gw-canvas[data-more~="top"][data-more~="bottom"] { box-shadow: inset 0 14px 10px -10px var(--jp-border-color1, #bdbdbd),
  inset 0 -14px 10px -10px var(--jp-border-color1, #bdbdbd); }
/* Full screen (the Fullscreen API on .gradwidget): the drawing takes the room the rest leaves. */
.gradwidget:fullscreen { display: flex; flex-direction: column; width: 100%; height: 100%; max-width: none; border: 0; border-radius: 0;
  overflow: auto; }
.gradwidget:fullscreen .gw-stage { flex: 1 1 0; min-height: 0; }
.gradwidget:fullscreen .gw-panel, .gradwidget:fullscreen .gw-canvas { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.gradwidget:fullscreen svg.gw-svg { flex: 1 1 0; min-height: 0; height: auto !important; }
/* Level of detail (viewport.js sets data-detail from the on-screen scale): text too small to
   read is not laid out or painted. It stays in the DOM with its exact content. */
.gradwidget svg.gw-svg[data-detail="labels"] .gw-rows,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-rows,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-head,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-sep,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-op-box { display: none; }
.gradwidget svg.gw-svg.gw-dragging { cursor: grabbing; }
.gradwidget .gw-node { cursor: pointer; }
.gradwidget .gw-node:hover .gw-box { stroke-width: 2; }
.gradwidget .gw-node.gw-pinned .gw-box { stroke: var(--jp-ui-font-color1, #424242); stroke-width: 2; }
.gradwidget .gw-inspector { min-height: 2.8em; padding: 6px 10px; border-top: 1px solid var(--jp-border-color2, #e0e0e0);
  font-family: var(--jp-code-font-family, ui-monospace, monospace); font-size: 12px; line-height: 1.5; white-space: pre-wrap; }
.gradwidget .gw-inspector[hidden] { display: none; }
.gradwidget .gw-inspector .gw-forward { color: var(--jp-ui-font-color2, #757575); }
.gradwidget .gw-inspector .gw-hint { font-family: var(--jp-ui-font-family, system-ui, sans-serif); color: var(--jp-ui-font-color2, #757575); }
/* A lost term in the inspector: a dashed frame, never a line through its number. */
.gradwidget .gw-lost-term { color: var(--jp-error-color1, #d32f2f); text-decoration: none; border: 1px dashed currentColor;
  border-radius: 3px; padding: 0 3px; }
.gradwidget .gw-message { padding: 24px 16px; color: var(--jp-ui-font-color2, #757575); }
.gradwidget .gw-message.gw-error { color: var(--jp-error-color1, #d32f2f); }
.gradwidget .gw-summary { padding: 12px 16px; line-height: 1.6; }
.gradwidget .gw-summary table { border-collapse: collapse; margin: 6px 0 10px; }
.gradwidget .gw-summary td { padding: 1px 14px 1px 0; font-variant-numeric: tabular-nums; }
.gradwidget .gw-summary td:first-child { font-family: var(--jp-code-font-family, ui-monospace, monospace); }
`;

const STYLE_ID = "gradwidget-styles";

/** Adds the stylesheet to the page once, however many widgets there are. */
export function injectStyles(doc = document) {
  let style = doc.getElementById(STYLE_ID);
  if (!style) {
    style = doc.createElement("style");
    style.id = STYLE_ID;
    doc.head.append(style);
  }
  const css = SVG_CSS + UI_CSS;
  if (style.textContent !== css) style.textContent = css; // a newer build (hot reload) wins
}
