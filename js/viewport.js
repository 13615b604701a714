// Pan (drag) and zoom (wheel, buttons) through the SVG viewBox. Several SVGs can share
// one viewport (compare mode), so both panels always show the same part of the graph.
// The view math is pure and exported for tests; createViewport() wires it to events.
//
// Text stays readable: a teaching-sized graph is fitted at `scale` screen px (CSS px) per
// SVG unit, so its numbers (13 units) are 13 px × scale however narrow the page is; browser
// zoom (fewer CSS px across the page) and presentation mode then make it bigger, never
// smaller. A graph wider than that is shown from its start and panned (drag), and the
// panel says it continues (data-more, styles.js). Bigger graphs (level of detail on)
// are fitted whole, their small text hidden until zoomed in.

const PAD = 16; // SVG units of margin around the graph when fitted
const DRAG_PX = 4; // a press that moves less than this is a click, not a pan
/** px between compare mode's panels (the stage's CSS gap, styles.js, is this too). */
export const PANEL_GAP = 8;
/** Font size, in SVG units, of the numbers of a node and of the edge labels (styles.js). */
export const NUMBER_FONT = 13;
/** In full screen a small graph may be fitted up to this many times its normal size. */
export const FULLSCREEN_MAGNIFY = 2;

/**
 * @typedef {{min: number, max: number}} Limits  the fitted scale's bounds, screen px per SVG unit
 */

/** Bounds of the fitted scale: a teaching graph (`lod` false) never below `scale`, a
 * big one as small as it takes to show it whole; never above `scale`, or twice that in
 * full screen. @returns {Limits} */
export function fitLimits({ scale = 1, lod = false, fullscreen = false, shrink = 1 } = {}) {
  return { min: lod ? 0 : scale * shrink, max: scale * (fullscreen ? FULLSCREEN_MAGNIFY : 1) };
}

/** How far a grouped graph's fit may shrink its text (13 units) to show it whole: to 11 px. */
export const GROUPED_SHRINK = 11 / NUMBER_FONT;

const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

/** viewBox {x, y, w, h} for content {width, height} in a client of the given pixel size
 * at the scale that shows it all, within `limits` (default: never magnified, 1 unit =
 * 1 px at most). Centered where it fits; where it does not, its start (left, top) shows. */
export function fitView(content, client, limits = { min: 0, max: 1 }) {
  const W = content.width + 2 * PAD;
  const H = content.height + 2 * PAD;
  const scale = clamp(Math.min(client.width / W, client.height / H), limits.min, limits.max);
  const w = client.width / scale;
  const h = client.height / scale;
  const x = w >= W ? content.width / 2 - w / 2 : -PAD;
  const y = h >= H ? content.height / 2 - h / 2 : -PAD;
  return { x, y, w, h };
}

/** Zoom by `factor` (>1 = closer) keeping the point at fraction (fx, fy) of the view fixed. */
export function zoomView(view, factor, fx = 0.5, fy = 0.5) {
  const w = view.w / factor;
  const h = view.h / factor;
  return { x: view.x + (view.w - w) * fx, y: view.y + (view.h - h) * fy, w, h };
}

/** Move the view by a drag of (dx, dy) pixels in a client `clientWidth` pixels wide. */
export function panView(view, dx, dy, clientWidth) {
  const unitsPerPx = view.w / clientWidth;
  return { ...view, x: view.x - dx * unitsPerPx, y: view.y - dy * unitsPerPx };
}

/** `view` moved so that `box` {x, y, w, h} is inside it with `margin` units to spare: if
 * it is not, the box is centred (its top-left corner shown, when it is larger than the
 * view), without showing more than PAD beyond the edges of `content`. */
export function revealView(view, box, content, margin = 12) {
  const axis = (start, size, lo, len, extent) => {
    if (lo - margin >= start && lo + len + margin <= start + size) return start; // in view
    const centred = len + 2 * margin > size ? lo - margin : lo + len / 2 - size / 2;
    return size >= extent + 2 * PAD ? start : clamp(centred, -PAD, extent + PAD - size);
  };
  return { ...view, x: axis(view.x, view.w, box.x, box.w, content.width), y: axis(view.y, view.h, box.y, box.h, content.height) };
}

/** Which sides of `content` lie outside `view`: "left right top bottom" (any of them) or "". */
export function hiddenSides(view, content) {
  const sides = [];
  if (view.x > 0.5) sides.push("left");
  if (view.x + view.w < content.width - 0.5) sides.push("right");
  if (view.y > 0.5) sides.push("top");
  if (view.y + view.h < content.height - 0.5) sides.push("bottom");
  return sides.join(" ");
}

/** Whether compare mode's two panels should stack (one above the other) in a stage
 * `width` px wide, when stacking shows more: where the drawing may shrink, when side by
 * side would show it below 75% of its size; where its text may not shrink (a teaching
 * graph, limits.min = limits.max), as soon as side by side would cut part of it off. */
export function shouldStack(content, width, limits = { min: 0, max: 1 }) {
  const shown = (w) => Math.min(1, w / ((content.width + 2 * PAD) * limits.max));
  const sideBySide = shown(panelWidth(width, 2, false));
  const enough = limits.min >= limits.max ? 1 : 0.75;
  return sideBySide < enough && shown(width) > sideBySide;
}

/** Each of `count` panels' width in px in a stage `width` px wide: all of it, or a share
 * less the gaps side by side. */
export function panelWidth(width, count, stacked) {
  return count > 1 && !stacked ? (width - PANEL_GAP * (count - 1)) / count : width;
}

/** Height in px for a panel `width` px wide: the graph's height once fitted to that
 * width (within `limits`), within calm limits (a taller graph is panned). */
export function panelHeight(content, width, limits = { min: 0, max: 1 }, tallest = 540) {
  const scale = clamp(width / (content.width + 2 * PAD), limits.min, limits.max);
  return Math.round(Math.max(160, Math.min(tallest, (content.height + 2 * PAD) * scale)));
}

/** How much text a drawing shown at `scale` (screen px per SVG unit) can usefully show:
 * "full" (numbers of 13 units stay >= 6.5 px), "labels" (names only), "boxes" (no text). */
export function detailAt(scale) {
  return scale >= 0.5 ? "full" : scale >= 0.28 ? "labels" : "boxes";
}

/**
 * Wires pointer and wheel events on `svgs` to one shared view of `content`.
 * `onClick(event)` gets presses that did not pan. `width` is the svgs' width in px if the
 * caller knows it (it measured the page before inserting them): then the view is fitted
 * at once, before anything is on the page. Later sizes come through resize(width, height):
 * `height` null lets the panel's height follow the graph (panelHeight), a number is the
 * height the page gives the svgs (full screen). `lod` true: a big graph (text too small to
 * read is hidden, and the fit may shrink it below `scale`). `scale`: the widget's text scale.
 * `shrink` (≤ 1): how far below `scale` a graph that is not `lod` may be fitted (a grouped
 * graph: to 11 px text, so a layer of 16 neurons fits a 900 px output whole).
 * `focus()` returns what the view should show ({x, y, w, h} in SVG units, or null), e.g.
 * the current step: a fit that cannot show everything shows it. `tallest()` is the
 * tallest a panel may be in px (e.g. a share of the window's height).
 * The wheel zooms only while the graph is engaged (it was the last thing clicked on the
 * page, and the focus has not been moved out of the widget since), with Ctrl/⌘ held, or
 * in full screen; otherwise the page scrolls.
 * Attributes are written only when their value changes, and nothing here reads layout,
 * so neither building nor resizing forces the browser to lay out the drawing.
 * Returns {fit, zoom, resize, reveal, setScale, destroy}.
 */
export function createViewport(svgs, content, {
  onClick, width: initialWidth = 0, lod = true, scale: initialScale = 1, focus = () => null, tallest = () => 540,
  shrink = 1,
} = {}) {
  let view = null;
  let touched = false; // after a user pan/zoom, resizing no longer refits
  let width = 0; // px, as measured or observed
  let height = null; // px when the page sizes the svgs (full screen), else null
  let scale = initialScale;
  let engaged = false; // the last press on the page was on this graph
  let shown = { box: null, height: null, detail: null, more: null }; // what the svgs have now
  const doc = svgs[0]?.ownerDocument;

  const limits = () => fitLimits({ scale, lod, fullscreen: height !== null, shrink });
  const apply = () => {
    const box = `${view.x} ${view.y} ${view.w} ${view.h}`;
    const detail = lod ? detailAt(width / view.w) : "full";
    const more = hiddenSides(view, content);
    if (box !== shown.box) for (const svg of svgs) svg.setAttribute("viewBox", box);
    if (detail !== shown.detail) for (const svg of svgs) svg.setAttribute("data-detail", detail);
    // The svg's frame (panels.js) fades the sides where the graph continues.
    if (more !== shown.more) for (const svg of svgs) svg.parentElement?.setAttribute("data-more", more);
    shown = { ...shown, box, detail, more };
  };
  const fit = () => {
    if (width === 0) return; // not on the page yet: resize() will do it
    let client = height;
    if (client === null) {
      client = panelHeight(content, width, limits(), tallest());
      if (client !== shown.height) for (const svg of svgs) svg.style.height = `${client}px`;
      shown.height = client;
    }
    view = fitView(content, { width, height: client }, limits());
    const box = focus();
    if (box) view = revealView(view, box, content);
    touched = false;
    apply();
  };
  const zoom = (factor, fx, fy) => {
    if (!view) return;
    view = zoomView(view, factor, fx, fy);
    touched = true;
    apply();
  };
  /** The svgs are now `next` px wide (and `nextHeight` px tall when the page sizes them):
   * refit unless the user has panned or zoomed; leaving or entering full screen refits. */
  const resize = (next, nextHeight = null) => {
    if (!(next > 0)) return;
    const newMode = (nextHeight === null) !== (height === null);
    if (!newMode && Math.abs(next - width) < 0.5 && (height === null || Math.abs(nextHeight - height) < 0.5)) return;
    width = next;
    height = nextHeight;
    if (!view || !touched || newMode) fit();
    else apply(); // same view, new scale: maybe another level of detail
  };
  /** Pans as little as needed to show `box` (SVG units), if the graph does not fit. */
  const reveal = (box) => {
    if (!view || !box || !hiddenSides(view, content)) return;
    const next = revealView(view, box, content);
    if (next.x === view.x && next.y === view.y) return;
    view = next;
    apply();
  };
  const setScale = (next) => {
    if (!(next > 0) || next === scale) return;
    scale = next;
    fit();
  };

  let press = null;
  const onDown = (event) => {
    if (event.button !== 0) return;
    press = { x: event.clientX, y: event.clientY, panning: false, svg: event.currentTarget, id: event.pointerId };
  };
  const onMove = (event) => {
    if (!press || !view) return;
    const dx = event.clientX - press.x;
    const dy = event.clientY - press.y;
    if (!press.panning && Math.hypot(dx, dy) < DRAG_PX) return;
    if (!press.panning) {
      press.panning = true;
      press.svg.setPointerCapture?.(press.id);
      press.svg.classList.add("gw-dragging");
    }
    view = panView(view, dx, dy, width || press.svg.getBoundingClientRect().width);
    touched = true;
    press.x = event.clientX;
    press.y = event.clientY;
    apply();
  };
  const onUp = (event) => {
    if (!press) return;
    press.svg.classList.remove("gw-dragging");
    if (!press.panning && event.type === "pointerup") onClick?.(event);
    press = null;
  };
  // Engaged by a press on one of these svgs, until a press elsewhere on the page or the
  // focus leaving the widget by keyboard (Tab). A focus move during a press is the host's
  // own (a notebook may focus its cell when one of its outputs is clicked): it does not count.
  let pressedAt = -Infinity;
  const onPagePress = (event) => {
    engaged = svgs.some((svg) => svg.contains(event.target));
    pressedAt = performance.now();
  };
  const onPageFocus = (event) => {
    const root = svgs[0].closest?.(".gradwidget") ?? svgs[0];
    if (!root.contains(event.target) && performance.now() - pressedAt > 500) engaged = false;
  };
  const zooms = (event) => event.ctrlKey || event.metaKey || height !== null || engaged;
  const onWheel = (event) => {
    if (!zooms(event)) return; // the page scrolls
    event.preventDefault();
    const rect = event.currentTarget.getBoundingClientRect();
    zoom(Math.exp(-event.deltaY * 0.0015), (event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  };

  const listeners = [["pointerdown", onDown], ["pointermove", onMove], ["pointerup", onUp], ["pointercancel", onUp], ["wheel", onWheel]];
  for (const svg of svgs) for (const [type, fn] of listeners) svg.addEventListener(type, fn, { passive: type !== "wheel" });
  doc?.addEventListener("pointerdown", onPagePress, { capture: true, passive: true });
  doc?.addEventListener("focusin", onPageFocus, true);
  resize(initialWidth);

  return {
    fit,
    zoom,
    resize,
    reveal,
    setScale,
    destroy: () => {
      for (const svg of svgs) for (const [type, fn] of listeners) svg.removeEventListener(type, fn);
      doc?.removeEventListener("pointerdown", onPagePress, { capture: true });
      doc?.removeEventListener("focusin", onPageFocus, true);
    },
  };
}
