// @vitest-environment happy-dom
// Where draw.js writes a contribution (the layout's reserved box), how a lost one looks
// (the word, a frame, never a line through the number) and that every text drawn fits.
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { beforeAll, describe, expect, test } from "vitest";
import { drawStructure, updateValues } from "../draw.js";
import { LABEL_H, LABEL_W, labelTextWidth, parseLayout, toDot } from "../layout.js";
import { lessonLength, replayAt } from "../replay.js";
import { SVG_CSS } from "../styles.js";
import doubled from "./fixtures/a_plus_a.json";
import diamond from "./fixtures/diamond.json";
import lecture from "./fixtures/lecture_def.json";
import neuron from "./fixtures/neuron.json";
import { depositList } from "./lesson-fixtures.js";

let graphviz;
beforeAll(async () => {
  graphviz = await Graphviz.load();
});

function draw(structure) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  document.body.append(svg);
  const layout = parseLayout(graphviz.layout(toDot(structure), "json0", "dot"));
  return { svg, layout, drawing: drawStructure(svg, layout, structure) };
}
const show = (drawing, payload, mode, k, data = payload.values.data) =>
  updateValues(drawing, { data, at: replayAt(payload.structure, payload.values.replays[mode], k, mode), mode });
const END = depositList(diamond, "overwrite").length; // one step per deposit

describe("contributions on edges", () => {
  test("are centred in the box the layout reserved, whatever the number", () => {
    const { svg, layout, drawing } = draw(diamond.structure);
    show(drawing, diamond, "accumulate", 1);
    const shown = [...svg.querySelectorAll("g.gw-edge-label")];
    expect(shown.length).toBeGreaterThan(0);
    for (const g of shown) {
      const { labelX, labelY } = layout.edges[g.dataset.edge];
      expect(g.getAttribute("transform")).toBe(`translate(${labelX},${labelY})`);
      expect(g.querySelector("text.gw-edge-text .gw-contrib")).not.toBeNull();
    }
    // Other numbers: the labels stay where they are.
    const before = shown.map((g) => g.getAttribute("transform"));
    show(drawing, diamond, "accumulate", 1, diamond.values.data.map((x) => x * -1234.567));
    expect([...svg.querySelectorAll("g.gw-edge-label")].map((g) => g.getAttribute("transform"))).toEqual(before);
  });

  test("a lost term reads 'lost -10' in a dashed frame that fits in the box; no line through it", () => {
    const { svg, drawing } = draw(diamond.structure);
    show(drawing, diamond, "overwrite", END);
    const lost = [...svg.querySelectorAll("g.gw-edge-label.gw-lost")];
    expect(lost.length).toBeGreaterThan(0);
    const texts = lost.map((g) => g.querySelector("text").textContent);
    expect(texts).toContain("lost -10");
    for (const g of lost) {
      const box = g.querySelector("rect.gw-lost-box");
      const width = Number(box.getAttribute("width"));
      expect(width).toBeGreaterThanOrEqual(labelTextWidth(g.querySelector("text").textContent));
      expect(width).toBeLessThanOrEqual(LABEL_W);
      expect(Number(box.getAttribute("height"))).toBeLessThanOrEqual(LABEL_H);
      expect(Number(box.getAttribute("x"))).toBe(-width / 2);
      expect(g.querySelector("line, path")).toBeNull(); // nothing drawn across the number
    }
    expect(SVG_CSS).not.toMatch(/line-through/);
    expect(SVG_CSS).toMatch(/\.gw-edge-label\.gw-lost \.gw-lost-box \{[^}]*stroke-dasharray/);
  });

  test("a lost edge's arrowhead is hollow (its shape says it, not only its colour)", () => {
    const { svg, drawing } = draw(diamond.structure);
    show(drawing, diamond, "overwrite", END);
    const edge = svg.querySelector("path.gw-edge.gw-lost");
    const marker = svg.querySelector(edge.getAttribute("marker-end").slice(4, -1));
    expect(marker.querySelector("path").getAttribute("class")).toContain("gw-arrow-lost");
    expect(SVG_CSS).toMatch(/\.gw-arrow-lost \{[^}]*fill: var\(--jp-layout-color0[^}]*stroke:/);
  });

  test("a text too long for the box (a number beyond 1e±99) is squeezed into it; back to normal, it is not", () => {
    const { svg, drawing } = draw(diamond.structure);
    const replay = diamond.values.replays.overwrite;
    const huge = { ...replay, steps: replay.steps.map((s) => ({ ...s, deposits: s.deposits.map((d) => ({ ...d, value: -1.2345e-200 })) })) };
    const at = (r) => replayAt(diamond.structure, r, END, "overwrite");
    updateValues(drawing, { data: diamond.values.data, at: at(huge), mode: "overwrite" });
    const g = svg.querySelector("g.gw-edge-label.gw-lost");
    const text = g.querySelector("text");
    expect(text.textContent).toBe("lost -1.234e-200");
    expect(labelTextWidth(text.textContent)).toBeGreaterThan(LABEL_W - 8);
    expect(Number(text.getAttribute("textLength"))).toBeLessThanOrEqual(LABEL_W - 8);
    expect(text.getAttribute("lengthAdjust")).toBe("spacingAndGlyphs");
    expect(Number(g.querySelector("rect").getAttribute("width"))).toBeLessThanOrEqual(LABEL_W);
    updateValues(drawing, { data: diamond.values.data, at: at(replay), mode: "overwrite" });
    expect(text.hasAttribute("textLength")).toBe(false);
  });

  test("every contribution of the fixtures, in every mode and step, fits its box", () => {
    let count = 0;
    for (const payload of [doubled, diamond, lecture, neuron]) {
      const { svg, drawing } = draw(payload.structure);
      for (const mode of Object.keys(payload.values.replays)) {
        const length = lessonLength(payload.structure, payload.values.replays[mode]);
        expect(length).toBe(depositList(payload, mode).length);
        for (let k = 0; k <= length; k++) {
          show(drawing, payload, mode, k);
          for (const text of svg.querySelectorAll("g.gw-edge-label text")) {
            count++;
            expect(labelTextWidth(text.textContent)).toBeLessThanOrEqual(LABEL_W);
          }
        }
      }
    }
    expect(count).toBeGreaterThan(20);
  });
});

test("a node's numbers sit in rows that fit its box, above the ×n badge", () => {
  const { svg, drawing } = draw(diamond.structure);
  show(drawing, diamond, "accumulate", END);
  const g = svg.querySelector('g.gw-node[data-label="a"]');
  expect(g.querySelector(".gw-count-text").textContent).toBe("×2"); // the badge is there
  const h = Number(g.querySelector(".gw-box").getAttribute("height"));
  const rows = [...g.querySelectorAll(".gw-rows tspan")].map((t) => Number(t.getAttribute("y")));
  expect(Math.max(...rows) + 4).toBeLessThanOrEqual(h - 8); // descent above the badge (8 above the border)
  expect(Math.min(...rows) - 13).toBeGreaterThanOrEqual(30); // below the separator
});
