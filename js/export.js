// Export SVG: a standalone copy of what is drawn (whole graph, not the current zoom),
// with the drawing's CSS and the page's current theme colors embedded, so the file
// looks the same outside Jupyter.
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
  const doc = themeFrom.ownerDocument;
  const titled = panels.some((panel) => panel.title);
  const panelW = content.width + 2 * PAD;
  const panelH = content.height + 2 * PAD + (titled ? TITLE_H : 0);
  const width = panelW * panels.length;

  const out = doc.createElementNS(SVG, "svg");
  out.setAttribute("xmlns", SVG);
  out.setAttribute("class", "gw-svg"); // the drawing's font for the panel titles too
  out.setAttribute("width", width);
  out.setAttribute("height", panelH);
  out.setAttribute("viewBox", `0 0 ${width} ${panelH}`);
  const style = doc.createElementNS(SVG, "style");
  style.textContent = themeRule(themeFrom) + SVG_CSS;
  const background = doc.createElementNS(SVG, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("style", "fill: var(--jp-layout-color0, #ffffff)");
  out.append(style, background);

  panels.forEach(({ svg, title }, i) => {
    const copy = svg.cloneNode(true);
    copy.setAttribute("x", i * panelW);
    copy.setAttribute("y", titled ? TITLE_H : 0);
    copy.setAttribute("width", panelW);
    copy.setAttribute("height", panelH - (titled ? TITLE_H : 0));
    copy.setAttribute("viewBox", `${-PAD} ${-PAD} ${panelW} ${content.height + 2 * PAD}`);
    copy.removeAttribute("style");
    copy.removeAttribute("data-detail"); // the file shows every number, at any size
    out.append(copy);
    if (title) {
      const text = doc.createElementNS(SVG, "text");
      text.setAttribute("x", i * panelW + PAD);
      text.setAttribute("y", 18);
      text.setAttribute("class", "gw-label");
      text.textContent = title;
      out.append(text);
    }
  });
  return new XMLSerializer().serializeToString(out);
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
export function download(doc, text, filename) {
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  const link = doc.createElement("a");
  link.href = url;
  link.download = filename;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
