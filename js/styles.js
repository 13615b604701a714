// All the widget's CSS. Colors and fonts come only from JupyterLab's --jp-* variables,
// with light-theme fallbacks for hosts that do not define them; the CSS below names them
// by short tokens ($brand, $mono, …: THEME) to keep the bundle small (every widget's saved
// state holds a copy of it).
// SVG_CSS styles the drawing and is also embedded in exported SVG files. Worth knowing:
// - a contribution is centred in the box the layout reserved for it (layout.js); a lost
//   one has the word "lost", a dashed frame and lighter text: never a line through it,
//   which would hide a minus sign. The inspector's .gw-lost-term: a dashed frame too.
// - focus: the keys work while it is anywhere inside (keyboard.js): a ring when reached by
//   keyboard (drawn inside: an output area may clip outside), the border after a click.
// - narrow / tiny toolbars (toolbar.js): fewer, smaller pieces.
// - the step status may take two lines (it breaks at its " · " separators), in a box
//   always two lines tall, so the toolbar does not change height while the player runs.
// - the notice line is a polite live region, always in the page; empty, it takes no room.
// - .gw-canvas, the svg's frame: where the graph continues past an edge of the view
//   (viewport.js sets data-more), that edge fades out and shows a chevron.
// - full screen (the Fullscreen API on .gradwidget): the drawing takes the room the rest
//   leaves; the page sizes the svgs (panels.js observes them).
// - level of detail (data-detail, viewport.js): text too small to read is not laid out or
//   painted; it stays in the DOM with its exact content.
import { LABEL_FONT } from "./layout.js";
import { NUMBER_FONT, PANEL_GAP } from "./viewport.js";

const THEME = {
  brand: "var(--jp-brand-color1, #1976d2)",
  error: "var(--jp-error-color1, #d32f2f)",
  warn: "var(--jp-warn-color1, #ef6c00)",
  ok: "var(--jp-success-color1, #388e3c)",
  bg0: "var(--jp-layout-color0, #ffffff)",
  bg1: "var(--jp-layout-color1, #ffffff)",
  bar: "var(--jp-layout-color1, #fafafa)",
  bg2: "var(--jp-layout-color2, #eeeeee)",
  leaf: "var(--jp-layout-color2, #f3f3f3)",
  line1: "var(--jp-border-color1, #bdbdbd)",
  line2: "var(--jp-border-color2, #e0e0e0)",
  ink0: "var(--jp-ui-font-color0, #212121)",
  ink1: "var(--jp-ui-font-color1, #424242)",
  ink2: "var(--jp-ui-font-color2, #757575)",
  ink3: "var(--jp-ui-font-color3, #9e9e9e)",
  inverse: "var(--jp-ui-inverse-font-color0, #ffffff)",
  mono: "var(--jp-code-font-family, ui-monospace, monospace)",
  sans: "var(--jp-ui-font-family, system-ui, sans-serif)",
};
const themed = (css) => css.replace(/\$([a-z0-9]+)/g, (token, name) => THEME[name] ?? token);

export const SVG_CSS = themed(`
.gw-svg { font-family: $sans; user-select: none; }
.gw-edge { fill: none; stroke: $ink3; stroke-width: 1.3; }
.gw-edge[data-heat="0"] { stroke-opacity: 0.45; }
.gw-edge[data-heat="1"] { stroke-opacity: 0.6; }
.gw-edge[data-heat="2"] { stroke-width: 1.8; }
.gw-edge[data-heat="3"] { stroke-width: 2.4; stroke: $ink2; }
.gw-edge[data-heat="4"] { stroke-width: 3.2; stroke: $ink2; }
.gw-edge.gw-fresh { stroke: $brand; stroke-width: 2.4; }
.gw-edge.gw-lost { stroke: $error; stroke-dasharray: 5 4; }
.gw-arrow { fill: $ink3; }
.gw-arrow-fresh { fill: $brand; }
.gw-arrow-lost { fill: $bg0; stroke: $error; stroke-width: 1.4; }
.gw-box { fill: $bg1; stroke: $line1; stroke-width: 1; }
.gw-leaf .gw-box { fill: $leaf; }
.gw-groupbox .gw-box { fill: $bg2; }
.gw-group-inner { fill: $bg1; stroke: $line1; stroke-width: 1; }
.gw-groupbox[data-toggle] { cursor: zoom-in; }
.gw-groupbox:focus-visible .gw-box, .gw-frame-title:focus-visible .gw-frame-hit { stroke: $brand; stroke-width: 3; outline: none; }
.gw-heat { display: none; fill: $brand; transform-box: fill-box; transform-origin: bottom; }
[data-heat="1"] > .gw-heat { display: inline; transform: scaleY(0.25); }
[data-heat="2"] > .gw-heat { display: inline; transform: scaleY(0.5); }
[data-heat="3"] > .gw-heat { display: inline; transform: scaleY(0.75); }
[data-heat="4"] > .gw-heat { display: inline; }
.gw-frame-box { fill: none; stroke: $line1; stroke-width: 1.2; stroke-dasharray: 6 4; }
.gw-frame-mlp > .gw-frame-box { stroke-dasharray: none; stroke: $line2; }
.gw-frame-title { cursor: zoom-out; }
.gw-frame-hit { fill: $bg2; stroke: $line2; }
.gw-frame-text { font-size: 12px; font-weight: 600; fill: $ink1; unicode-bidi: isolate; }
.gw-label { font-size: 13px; font-weight: 600; fill: $ink0; unicode-bidi: isolate; }
.gw-op-box { fill: $bg2; stroke: $line2; }
.gw-op { font: 600 12px $mono; fill: $ink1; text-anchor: middle; }
.gw-sep { stroke: $line2; }
.gw-key { font-size: 12px; fill: $ink2; }
.gw-data, .gw-grad { font: ${NUMBER_FONT}px $mono; text-anchor: end; fill: $ink1; }
.gw-grad { font-weight: 600; fill: $ink0; }
.gw-count { display: none; }
.gw-multi .gw-count { display: inline; }
.gw-multi .gw-box { stroke: $warn; stroke-width: 2; }
.gw-count-box { fill: $warn; }
.gw-count-text { font-size: 11px; font-weight: 700; fill: $inverse; text-anchor: middle; }
.gw-lost .gw-box { stroke: $error; stroke-dasharray: 5 3; }
.gw-pending .gw-box { stroke-dasharray: 2 3; }
.gw-pending .gw-data { fill: $ink2; font-style: italic; }
.gw-lost .gw-count-box { fill: $error; }
.gw-fresh .gw-grad { fill: $brand; }
.gw-active .gw-box { stroke: $brand; stroke-width: 3; stroke-dasharray: none; }
.gw-edge-text { font: 600 ${LABEL_FONT}px $mono; text-anchor: middle;
  dominant-baseline: central; fill: $brand;
  paint-order: stroke; stroke: $bg0; stroke-width: 4px; stroke-linejoin: round; }
.gw-edge-label.gw-lost .gw-edge-text { fill: $error; font-weight: 400; stroke-width: 0; }
.gw-lost-box { display: none; }
.gw-edge-label.gw-lost .gw-lost-box { display: inline; fill: $bg0;
  stroke: $error; stroke-width: 1; stroke-dasharray: 3 2; }
.gw-edge-op { fill-opacity: 0.75; }
.gw-edge-label.gw-lost .gw-edge-op { fill-opacity: 1; font-style: italic; }
.gw-quiz-hidden .gw-grad { fill: $brand; font-style: italic; }
`);

const UI_CSS = themed(`
.gradwidget { font-family: $sans; font-size: var(--jp-ui-font-size1, 13px);
  color: $ink1; background: $bg0;
  border: 1px solid $line2; border-radius: 6px; outline: none; max-width: 100%; }
.gradwidget:focus-within { border-color: $brand; }
.gradwidget:focus-visible { outline: 2px solid $brand; outline-offset: -1px; } .gradwidget .gw-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px;
  border-bottom: 1px solid $line2; background: $bar; border-radius: 6px 6px 0 0; }
.gradwidget .gw-group { display: flex; align-items: center; gap: 2px; }
.gradwidget button, .gradwidget select { font: inherit; color: inherit; background: $bg0;
  border: 1px solid $line1; border-radius: 4px; height: 26px; min-width: 26px; padding: 0 6px;
  cursor: pointer; display: inline-flex; align-items: center; justify-content: center; gap: 4px; }
.gradwidget button:hover { background: $bg2; }
.gradwidget button:focus-visible, .gradwidget select:focus-visible { outline: 2px solid $brand; outline-offset: 1px; }
.gradwidget button[hidden] { display: none; }
.gradwidget button[aria-pressed="true"] { background: $brand; border-color: $brand;
  color: $inverse; }
.gradwidget .gw-segmented button { border-radius: 0; margin-left: -1px; }
.gradwidget .gw-segmented button:first-child { border-radius: 4px 0 0 4px; margin-left: 0; }
.gradwidget .gw-segmented button:last-child { border-radius: 0 4px 4px 0; }
.gradwidget .gw-mode-select { display: none; }
.gradwidget .gw-toolbar.gw-narrow { gap: 4px; padding: 4px 6px; }
.gradwidget .gw-toolbar.gw-narrow .gw-segmented { display: none; }
.gradwidget .gw-toolbar.gw-narrow .gw-mode-select { display: inline-flex; max-width: 11em; }
.gradwidget .gw-toolbar.gw-narrow .gw-view .gw-button-text:not(:only-child) { display: none; }
.gradwidget .gw-toolbar.gw-narrow .gw-scrub { width: 90px; }
.gradwidget .gw-toolbar.gw-tiny .gw-scrub { width: 64px; }
.gradwidget .gw-toolbar.gw-tiny .gw-mode-select { max-width: 8em; }
.gradwidget .gw-toolbar.gw-tiny button { min-width: 24px; padding: 0 4px; }
.gradwidget .gw-toolbar.gw-tiny .gw-group { gap: 1px; }
.gradwidget .gw-help { flex: 1 0 100%; padding: 6px 4px 2px; border-top: 1px solid $line2; line-height: 1.6; }
.gradwidget .gw-help[hidden] { display: none; }
.gradwidget .gw-help ul { margin: 2px 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 2px 20px; }
.gradwidget .gw-help-title, .gradwidget .gw-help-pointer { color: $ink2; }
.gradwidget kbd { font: 12px $mono; padding: 0 5px; border-radius: 3px;
  border: 1px solid $line1; border-bottom-width: 2px; background: $bg1; }
.gradwidget svg.gw-icon { width: 14px; height: 14px; fill: currentColor; }
.gradwidget .gw-scrub { width: 140px; accent-color: $brand; }
.gradwidget .gw-step { flex: 1 1 8em; min-width: 6em; height: 28px; display: flex; align-items: center;
  font-size: 12px; line-height: 14px; font-variant-numeric: tabular-nums; color: $ink2; }
.gradwidget .gw-step-text { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden;
  overflow-wrap: anywhere; }
.gradwidget .gw-step-part { white-space: nowrap; }
.gradwidget .gw-toolbar [hidden] { display: none; }
.gradwidget .gw-sliders { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 18px; padding: 6px 10px;
  border-bottom: 1px solid $line2; }
.gradwidget .gw-sliders[hidden] { display: none; }
.gradwidget .gw-slider { display: inline-flex; align-items: center; gap: 6px; }
.gradwidget .gw-slider-name { font-weight: 600; }
.gradwidget .gw-slider input { width: 140px; accent-color: $brand; }
.gradwidget .gw-slider output { font-family: $mono; min-width: 4.5em; }
.gradwidget .gw-slider-error { color: $error; }
.gradwidget .gw-notice:not(:empty) { padding: 6px 10px; border-bottom: 1px solid $line2;
  background: $bg2; color: $ink1; }
.gradwidget .gw-notice > div::before { content: "⚠ "; color: $warn; }
.gradwidget .gw-notice > div[data-source="findings"] { white-space: pre-line; font-weight: 600; color: $error; }
.gradwidget .gw-notice > div[data-source="checked"]::before { content: "✓ "; color: $ok; }
.gradwidget .gw-stage { display: flex; gap: ${PANEL_GAP}px; padding: 8px; }
.gradwidget .gw-stage.gw-stacked { flex-direction: column; }
.gradwidget .gw-panel { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; gap: 4px; }
.gradwidget .gw-panel-title { font-weight: 600; font-size: calc(12px * var(--gw-scale, 1)); color: $ink1; }
.gradwidget .gw-panel-title.gw-bug { color: $error; }
.gradwidget svg.gw-svg { display: block; width: 100%; background: $bg0; cursor: grab; touch-action: none;
  contain: strict; }
.gradwidget .gw-canvas { position: relative; min-height: 0; }
.gradwidget .gw-canvas::before, .gradwidget .gw-canvas::after { position: absolute; top: 0; bottom: 0; width: 32px;
  display: none; align-items: center; justify-content: center; pointer-events: none; z-index: 1;
  font-size: 22px; line-height: 1; color: $ink2; }
.gradwidget .gw-canvas::before { content: "‹"; left: 0; background: linear-gradient(to right, $bg0 30%, transparent); }
.gradwidget .gw-canvas::after { content: "›"; right: 0; background: linear-gradient(to left, $bg0 30%, transparent); }
.gradwidget .gw-canvas[data-more~="left"]::before, .gradwidget .gw-canvas[data-more~="right"]::after { display: flex; }
.gradwidget .gw-canvas[data-more~="bottom"] { box-shadow: inset 0 -14px 10px -10px $line1; }
.gradwidget .gw-canvas[data-more~="top"] { box-shadow: inset 0 14px 10px -10px $line1; }
.gradwidget .gw-canvas[data-more~="top"][data-more~="bottom"] { box-shadow: inset 0 14px 10px -10px $line1,
  inset 0 -14px 10px -10px $line1; }
.gradwidget:fullscreen { display: flex; flex-direction: column; width: 100%; height: 100%; max-width: none; border: 0; border-radius: 0;
  overflow: auto; }
.gradwidget:fullscreen .gw-stage { flex: 1 1 0; min-height: 0; }
.gradwidget:fullscreen .gw-panel, .gradwidget:fullscreen .gw-canvas { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.gradwidget:fullscreen svg.gw-svg { flex: 1 1 0; min-height: 0; height: auto !important; }
.gradwidget svg.gw-svg[data-detail="labels"] .gw-rows,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-rows,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-head,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-sep,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-op-box,
.gradwidget svg.gw-svg[data-detail="boxes"] .gw-frame-text { display: none; }
.gradwidget svg.gw-svg.gw-dragging { cursor: grabbing; }
.gradwidget .gw-node { cursor: pointer; }
.gradwidget .gw-node:hover .gw-box { stroke-width: 2; }
.gradwidget .gw-node.gw-pinned .gw-box { stroke: $ink1; stroke-width: 2; }
.gradwidget .gw-inspector { min-height: 2.8em; padding: 6px 10px; border-top: 1px solid $line2;
  font-family: $mono; font-size: 12px; line-height: 1.5; white-space: pre-wrap; }
.gradwidget .gw-inspector[hidden] { display: none; }
.gradwidget .gw-inspector .gw-forward { color: $ink2; }
.gradwidget .gw-inspector .gw-hint { font-family: $sans; color: $ink2; }
.gradwidget .gw-lost-term { color: $error; text-decoration: none; border: 1px dashed currentColor;
  border-radius: 3px; padding: 0 3px; }
.gradwidget .gw-narration { padding: 8px 12px; border-bottom: 1px solid $line2; background: $bg1;
  font-size: calc(14px * var(--gw-scale, 1)); line-height: 1.45; color: $ink0; }
.gradwidget .gw-narration[hidden] { display: none; }
.gradwidget .gw-narration-line { margin: 0; }
.gradwidget .gw-narration-line + .gw-narration-line { margin-top: 4px; }
.gradwidget .gw-inspector { font-size: calc(12px * var(--gw-scale, 1)); }
.gradwidget .gw-panel-error { padding: 4px 8px; border: 1px dashed $error; border-radius: 4px; color: $error; }
.gradwidget .gw-panel-error[hidden] { display: none; }
.gradwidget .gw-message { padding: 24px 16px; color: $ink2; }
.gradwidget .gw-message.gw-error { color: $error; }
.gradwidget .gw-summary { padding: 12px 16px; line-height: 1.6; }
.gradwidget .gw-summary table { border-collapse: collapse; margin: 6px 0 10px; }
.gradwidget .gw-summary td { padding: 1px 14px 1px 0; font-variant-numeric: tabular-nums; }
.gradwidget .gw-summary td:first-child { font-family: $mono; }
.gradwidget .gw-quiz { padding: 8px 10px; border-top: 1px solid $line2; font-size: calc(13px * var(--gw-scale, 1)); line-height: 1.45; }
.gradwidget .gw-quiz[hidden], .gradwidget .gw-quiz [hidden] { display: none; }
.gradwidget .gw-quiz-head { margin-bottom: 4px; }
.gradwidget .gw-quiz-how { color: $ink2; }
.gradwidget .gw-quiz-score { font-weight: 600; color: $ink0; white-space: nowrap; }
.gradwidget .gw-quiz-row { padding: 5px 0; border-top: 1px dashed $line2; }
.gradwidget .gw-quiz-line { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.gradwidget .gw-quiz-label { font-family: $mono; min-width: 9em; }
.gradwidget .gw-quiz-label bdi, .gradwidget .gw-quiz bdi { unicode-bidi: isolate; }
.gradwidget .gw-quiz-input { font: inherit; font-family: $mono; width: 10em; height: 26px; padding: 0 6px;
  border: 1px solid $line1; border-radius: 4px; background: $bg0; color: $ink0; }
.gradwidget .gw-quiz-input:focus-visible { outline: 2px solid $brand; outline-offset: 1px; }
.gradwidget .gw-quiz-input[aria-invalid="true"] { border: 2px solid $error; }
.gradwidget .gw-quiz-row[data-status="right"] .gw-quiz-input { border: 2px solid var(--jp-success-color1, #388e3c); }
.gradwidget .gw-quiz-row[data-status="right"] .gw-quiz-mark { color: var(--jp-success-color1, #388e3c); font-weight: 600; }
.gradwidget .gw-quiz-row[data-status="wrong"] .gw-quiz-mark { color: $error; font-weight: 600; }
.gradwidget .gw-quiz-row[data-status="revealed"] .gw-quiz-mark { color: $ink2; }
.gradwidget .gw-quiz-message:not(:empty) { color: $error; padding: 2px 0 0; }
.gradwidget .gw-quiz-hint, .gradwidget .gw-quiz-derivation { margin: 4px 0 0; padding: 4px 8px; background: $bg2;
  border-radius: 4px; color: $ink0; }
.gradwidget .gw-quiz-step { margin: 0; }
.gradwidget .gw-quiz-step + .gw-quiz-step { margin-top: 3px; }
`);

const STYLE_ID = "gradwidget-styles";

/** Adds the stylesheet once to where the widget's element `el` lives, however many
 * widgets there are: the document's head, or the shadow root the front end renders the
 * widget in (marimo renders each widget in its own; a style in the head does not reach
 * it). A Document may be passed instead of an element. */
export function injectStyles(el = document) {
  const doc = el.ownerDocument ?? el;
  const root = typeof el.getRootNode === "function" ? el.getRootNode() : doc;
  const shadow = typeof ShadowRoot === "function" && root instanceof ShadowRoot ? root : null;
  const scope = shadow ?? doc;
  let style = scope.getElementById?.(STYLE_ID) ?? scope.querySelector?.(`#${STYLE_ID}`) ?? null;
  if (!style) {
    style = doc.createElement("style");
    style.id = STYLE_ID;
    (shadow ?? doc.head).append(style);
  }
  const css = SVG_CSS + UI_CSS;
  if (style.textContent !== css) style.textContent = css; // a newer build (hot reload) wins
}
