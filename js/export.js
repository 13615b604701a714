// Export SVG: a standalone copy of what is drawn (whole graph, not the current zoom),
// with the drawing's CSS and the page's current theme colors embedded, so the file
// looks the same outside Jupyter; and the lesson as an animated SVG for slides.
import { SVG_CSS } from "./styles.js";

const SVG = "http://www.w3.org/2000/svg";
const PAD = 16;
const TITLE_H = 24;

/**
 * @param panels [{svg, title?}] drawn SVG elements (one, or two in compare mode)
 * @param content {width, height} of the layout
 * @param themeFrom element whose computed --jp-* variables give the colors
 * @returns SVG text
 */
export function exportSvg(panels, content, themeFrom) {
  const { out, width, height } = frameSize(themeFrom, panels, content);
  appendPanels(out, panels, content);
  out.setAttribute("width", width);
  out.setAttribute("height", height);
  out.setAttribute("viewBox", `0 0 ${width} ${height}`);
  return new XMLSerializer().serializeToString(out);
}

const CAPTION_FONT = 15; // px: the caption's font size (a slide is seen from afar)
const CAPTION_LINE = 21;
const CAPTION_CHAR = 0.56 * CAPTION_FONT; // a sans-serif character's mean width, for wrapping

/**
 * An animated SVG of the lesson, for slides: one frame per step, each the whole drawing
 * and a caption (the step's status and narration), shown in turn by SMIL animations
 * (discrete visibility), `stepSeconds` each, the last frame `hold` times as long, looping.
 * A viewer without SMIL shows the first frame.
 * @param {{panels: {svg: SVGSVGElement, title?: string}[], status: string, caption: {title: string|null, text: string}[]}[]} frames
 * @param {{width: number, height: number}} content  the layout's size
 * @param {Element} themeFrom  element whose computed --jp-* variables give the colors
 * @returns {string} SVG text
 */
export function animatedSvg(frames, content, themeFrom, { stepSeconds = 1.5, hold = 3 } = {}) {
  const doc = themeFrom.ownerDocument;
  const panels = frames[0]?.panels ?? [];
  const { out, width, height: drawingH } = frameSize(themeFrom, panels, content);
  const perLine = Math.max(20, Math.floor((width - 2 * PAD) / CAPTION_CHAR));
  const captions = frames.map((frame) => [frame.status, ...frame.caption.map((line) => (line.title ? `${line.title}: ` : "") + line.text)]
    .flatMap((text) => wrap(text, perLine)));
  const captionH = Math.max(...captions.map((lines) => lines.length)) * CAPTION_LINE + PAD;
  const height = drawingH + captionH;
  out.setAttribute("width", width);
  out.setAttribute("height", height);
  out.setAttribute("viewBox", `0 0 ${width} ${height}`);
  // Each frame's share of the loop: times in units of one step.
  const lengths = frames.map((_, i) => (i === frames.length - 1 ? hold : 1));
  const total = lengths.reduce((a, b) => a + b, 0);
  let start = 0;
  frames.forEach((frame, i) => {
    const g = doc.createElementNS(SVG, "g");
    g.setAttribute("class", "gw-frame");
    g.setAttribute("data-step", String(i));
    g.setAttribute("visibility", i === 0 ? "visible" : "hidden");
    appendPanels(g, frame.panels, content);
    uniqueIds(g, `f${i}-`);
    const caption = doc.createElementNS(SVG, "text");
    caption.setAttribute("class", "gw-caption");
    caption.setAttribute("style", `font: ${CAPTION_FONT}px var(--jp-ui-font-family, sans-serif); fill: var(--jp-ui-font-color1, #1f1f1f)`);
    captions[i].forEach((line, j) => {
      const tspan = doc.createElementNS(SVG, "tspan");
      tspan.setAttribute("x", PAD);
      tspan.setAttribute("y", drawingH + PAD / 2 + (j + 0.8) * CAPTION_LINE);
      if (j === 0) tspan.setAttribute("font-weight", "600");
      tspan.textContent = line;
      caption.append(tspan);
    });
    g.append(caption);
    if (frames.length > 1) g.append(visibilityAnimation(doc, start / total, (start + lengths[i]) / total, total * stepSeconds));
    start += lengths[i];
    out.append(g);
  });
  return new XMLSerializer().serializeToString(out);
}

// Frames are copies of one drawing: their ids (the arrowheads' markers) get a prefix per
// frame, or every frame would use the first frame's markers, which are hidden with it
// (a marker's content takes its visibility from where it is defined).
function uniqueIds(g, prefix) {
  const renamed = new Map();
  for (const el of g.querySelectorAll("[id]")) {
    renamed.set(el.id, prefix + el.id);
    el.id = prefix + el.id;
  }
  if (!renamed.size) return;
  for (const el of g.querySelectorAll("[marker-end], [marker-start], [fill], [stroke], [clip-path]")) {
    for (const name of ["marker-end", "marker-start", "fill", "stroke", "clip-path"]) {
      const value = el.getAttribute(name);
      const ref = value?.match(/^url\(#(.+)\)$/);
      if (ref && renamed.has(ref[1])) el.setAttribute(name, `url(#${renamed.get(ref[1])})`);
    }
  }
}

// Visible from fraction `from` to `to` of a loop `seconds` long, hidden otherwise.
function visibilityAnimation(doc, from, to, seconds) {
  const animate = doc.createElementNS(SVG, "animate");
  const values = [];
  const times = [];
  const at = (time, value) => { times.push(+time.toFixed(6)); values.push(value); };
  if (from > 0) at(0, "hidden");
  at(from, "visible");
  if (to < 1) at(to, "hidden");
  animate.setAttribute("attributeName", "visibility");
  animate.setAttribute("calcMode", "discrete");
  animate.setAttribute("values", values.join(";"));
  animate.setAttribute("keyTimes", times.join(";"));
  animate.setAttribute("dur", `${+seconds.toFixed(3)}s`);
  animate.setAttribute("repeatCount", "indefinite");
  return animate;
}

/** `text` cut into lines of at most `width` characters, at spaces. */
export function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// An <svg> with the drawing's style and a background, and the size of `panels` side by side.
function frameSize(themeFrom, panels, content) {
  const doc = themeFrom.ownerDocument;
  const titled = panels.some((panel) => panel.title);
  const panelW = content.width + 2 * PAD;
  const height = content.height + 2 * PAD + (titled ? TITLE_H : 0);
  const out = doc.createElementNS(SVG, "svg");
  out.setAttribute("xmlns", SVG);
  out.setAttribute("class", "gw-svg"); // the drawing's font for the panel titles too
  const style = doc.createElementNS(SVG, "style");
  style.textContent = themeRule(themeFrom) + SVG_CSS;
  const background = doc.createElementNS(SVG, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("style", "fill: var(--jp-layout-color0, #ffffff)");
  out.append(style, background);
  return { out, width: panelW * Math.max(1, panels.length), height };
}

// Copies of the drawn panels, side by side, each showing the whole graph, with titles.
function appendPanels(parent, panels, content) {
  const doc = parent.ownerDocument;
  const titled = panels.some((panel) => panel.title);
  const panelW = content.width + 2 * PAD;
  const panelH = content.height + 2 * PAD + (titled ? TITLE_H : 0);
  panels.forEach(({ svg, title }, i) => {
    const copy = svg.cloneNode(true);
    copy.setAttribute("x", i * panelW);
    copy.setAttribute("y", titled ? TITLE_H : 0);
    copy.setAttribute("width", panelW);
    copy.setAttribute("height", panelH - (titled ? TITLE_H : 0));
    copy.setAttribute("viewBox", `${-PAD} ${-PAD} ${panelW} ${content.height + 2 * PAD}`);
    copy.removeAttribute("style");
    copy.removeAttribute("data-detail"); // the file shows every number, at any size
    parent.append(copy);
    if (title) {
      const text = doc.createElementNS(SVG, "text");
      text.setAttribute("x", i * panelW + PAD);
      text.setAttribute("y", 18);
      text.setAttribute("class", "gw-label");
      text.textContent = title;
      parent.append(text);
    }
  });
}

// The current values of the --jp-* variables the drawing uses (light or dark theme).
function themeRule(el) {
  const computed = getComputedStyle(el);
  const names = [...new Set(SVG_CSS.match(/--jp-[\w-]+/g))];
  const declarations = names
    .map((name) => [name, computed.getPropertyValue(name).trim()])
    .filter(([, value]) => value)
    .map(([name, value]) => `${name}: ${value};`);
  return `svg { ${declarations.join(" ")} }\n`;
}

/** Saves text as a file through a temporary link. */
export function download(doc, text, filename, type = "image/svg+xml") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = doc.createElement("a");
  link.href = url;
  link.download = filename;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
