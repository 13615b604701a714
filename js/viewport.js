// Pan (drag) and zoom (wheel, buttons) through the SVG viewBox. Several SVGs can share
// one viewport (compare mode), so both panels always show the same part of the graph.
// The view math is pure and exported for tests; createViewport() wires it to events.

const PAD = 16; // SVG units of margin around the graph when fitted
const DRAG_PX = 4; // a press that moves less than this is a click, not a pan
/** px between compare mode's panels (the stage's CSS gap, styles.js, is this too). */
export const PANEL_GAP = 8;

/** viewBox {x, y, w, h} showing all of content {width, height} in a client of the given
 * pixel size, centered, never magnified beyond 1 unit = 1 px (small graphs stay calm). */
export function fitView(content, client) {
  const scale = Math.min(1, client.width / (content.width + 2 * PAD), client.height / (content.height + 2 * PAD));
  const w = client.width / scale;
  const h = client.height / scale;
  return { x: content.width / 2 - w / 2, y: content.height / 2 - h / 2, w, h };
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

/** Whether compare mode's two panels should stack (one above the other) in a stage
 * `width` px wide: only when side by side would shrink the drawing below 75% and
 * stacking shows it larger. */
export function shouldStack(content, width) {
  const fit = (w) => Math.min(1, w / (content.width + 2 * PAD));
  const sideBySide = fit(panelWidth(width, 2, false));
  return sideBySide < 0.75 && fit(width) > sideBySide;
}

/** Each of `count` panels' width in px in a stage `width` px wide: all of it, or a share
 * less the gaps side by side. */
export function panelWidth(width, count, stacked) {
  return count > 1 && !stacked ? (width - PANEL_GAP * (count - 1)) / count : width;
}

/** Height in px for a panel `width` px wide: the graph's height once fitted to that
 * width (never magnified), within calm limits. */
export function panelHeight(content, width) {
  const scale = Math.min(1, width / (content.width + 2 * PAD));
  return Math.round(Math.max(160, Math.min(540, (content.height + 2 * PAD) * scale)));
}

/** How much text a drawing shown at `scale` (screen px per SVG unit) can usefully show:
 * "full" (numbers of 12 px stay >= 6 px), "labels" (names only), "boxes" (no text). */
export function detailAt(scale) {
  return scale >= 0.5 ? "full" : scale >= 0.28 ? "labels" : "boxes";
}

/**
 * Wires pointer and wheel events on `svgs` to one shared view of `content`.
 * `onClick(event)` gets presses that did not pan. `width` is the svgs' width in px if the
 * caller knows it (it measured the page before inserting them): then the view is fitted
 * at once, before anything is on the page. Later widths come through resize(width).
 * `lod` false keeps every text shown at any scale (small graphs: see widget.js).
 * Attributes are written only when their value changes, and nothing here reads layout,
 * so neither building nor resizing forces the browser to lay out the drawing.
 * Returns {fit, zoom, resize, destroy}.
 */
export function createViewport(svgs, content, { onClick, width: initialWidth = 0, lod = true } = {}) {
  let view = null;
  let touched = false; // after a user pan/zoom, resizing no longer refits
  let width = 0; // px, as measured or observed
  let shown = { box: null, height: null, detail: null }; // what the svgs have now

  const apply = () => {
    const box = `${view.x} ${view.y} ${view.w} ${view.h}`;
    const detail = lod ? detailAt(width / view.w) : "full";
    if (box !== shown.box) for (const svg of svgs) svg.setAttribute("viewBox", box);
    if (detail !== shown.detail) for (const svg of svgs) svg.setAttribute("data-detail", detail);
    shown = { ...shown, box, detail };
  };
  const fit = () => {
    if (width === 0) return; // not on the page yet: resize() will do it
    const height = panelHeight(content, width);
    if (height !== shown.height) for (const svg of svgs) svg.style.height = `${height}px`;
    shown.height = height;
    view = fitView(content, { width, height });
    touched = false;
    apply();
  };
  const zoom = (factor, fx, fy) => {
    if (!view) return;
    view = zoomView(view, factor, fx, fy);
    touched = true;
    apply();
  };
  /** The svgs are now `next` px wide: refit unless the user has panned or zoomed. */
  const resize = (next) => {
    if (!(next > 0) || Math.abs(next - width) < 0.5) return;
    width = next;
    if (!view || !touched) fit();
    else apply(); // same view, new scale: maybe another level of detail
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
  const onWheel = (event) => {
    event.preventDefault();
    const rect = event.currentTarget.getBoundingClientRect();
    zoom(Math.exp(-event.deltaY * 0.0015), (event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  };

  const listeners = [["pointerdown", onDown], ["pointermove", onMove], ["pointerup", onUp], ["pointercancel", onUp], ["wheel", onWheel]];
  for (const svg of svgs) for (const [type, fn] of listeners) svg.addEventListener(type, fn, { passive: type !== "wheel" });
  resize(initialWidth);

  return {
    fit,
    zoom,
    resize,
    destroy: () => {
      for (const svg of svgs) for (const [type, fn] of listeners) svg.removeEventListener(type, fn);
    },
  };
}
