// @vitest-environment happy-dom
import { describe, expect, test } from "vitest";
import { createViewport, detailAt, fitView, panelHeight, panView, shouldStack, zoomView } from "../viewport.js";

test("a small graph is centered at natural size", () => {
  const view = fitView({ width: 200, height: 100 }, { width: 800, height: 400 });
  expect(view).toEqual({ x: -300, y: -150, w: 800, h: 400 });
});

test("a big graph is shrunk to fit, keeping the client's aspect", () => {
  const view = fitView({ width: 2000, height: 300 }, { width: 500, height: 300 });
  expect(view.w).toBeGreaterThanOrEqual(2000);
  expect(view.w / view.h).toBeCloseTo(500 / 300);
  expect(view.x).toBeLessThan(0);
  expect(view.x + view.w).toBeGreaterThan(2000);
});

test("zoom keeps the focus point in place", () => {
  const view = { x: 0, y: 0, w: 100, h: 50 };
  const zoomed = zoomView(view, 2, 0.25, 0.5);
  expect(zoomed.w).toBe(50);
  expect(zoomed.x + zoomed.w * 0.25).toBe(25);
  expect(zoomed.y + zoomed.h * 0.5).toBe(25);
});

test("dragging right moves the view left, in view units", () => {
  expect(panView({ x: 0, y: 0, w: 200, h: 100 }, 10, -5, 100)).toEqual({ x: -20, y: 10, w: 200, h: 100 });
});

test("panel height follows the graph fitted to the width, within limits", () => {
  expect(panelHeight({ width: 400, height: 250 }, 800)).toBe(282);
  expect(panelHeight({ width: 1568, height: 368 }, 800)).toBe(200); // shrunk by half to fit
  expect(panelHeight({ width: 400, height: 10 }, 800)).toBe(160);
  expect(panelHeight({ width: 400, height: 5000 }, 800)).toBe(540);
});

test("compare panels stack only when side by side would shrink the drawing a lot", () => {
  const diamond = { width: 760, height: 250 };
  expect(shouldStack(diamond, 1800)).toBe(false); // both fit at full size
  expect(shouldStack(diamond, 900)).toBe(true); // 58% side by side, 100% stacked
  expect(shouldStack({ width: 400, height: 250 }, 900)).toBe(false);
});

test("level of detail from the on-screen scale", () => {
  expect(detailAt(1)).toBe("full");
  expect(detailAt(0.5)).toBe("full");
  expect(detailAt(0.4)).toBe("labels");
  expect(detailAt(0.2)).toBe("boxes");
});

describe("createViewport", () => {
  const svgs = () => [0, 1].map(() => document.createElementNS("http://www.w3.org/2000/svg", "svg"));

  test("a known width fits at once, off the page, and sets the level of detail", () => {
    const [a, b] = svgs();
    createViewport([a, b], { width: 4000, height: 1000 }, { width: 800 });
    expect(a.getAttribute("viewBox")).toBe(b.getAttribute("viewBox"));
    expect(a.getAttribute("viewBox")).not.toBeNull();
    expect(a.style.height).toBe("205px");
    expect(a.getAttribute("data-detail")).toBe("boxes");
    const small = svgs()[0];
    createViewport([small], { width: 400, height: 200 }, { width: 800 });
    expect(small.getAttribute("data-detail")).toBe("full");
  });

  test("no width yet: nothing until resize(); an unchanged width writes nothing", () => {
    const [svg] = svgs();
    const viewport = createViewport([svg], { width: 400, height: 200 });
    expect(svg.getAttribute("viewBox")).toBeNull();
    viewport.resize(600);
    const box = svg.getAttribute("viewBox");
    expect(box).not.toBeNull();
    const observer = new MutationObserver(() => {});
    observer.observe(svg, { attributes: true });
    viewport.resize(600.2);
    viewport.fit();
    expect(observer.takeRecords()).toEqual([]);
    viewport.resize(300);
    expect(svg.getAttribute("viewBox")).not.toBe(box);
  });

  test("after a zoom, a resize keeps the view; zooming in raises the detail", () => {
    const [svg] = svgs();
    const viewport = createViewport([svg], { width: 4000, height: 1000 }, { width: 800 });
    viewport.zoom(2); // 0.2 px per unit -> 0.4
    expect(svg.getAttribute("data-detail")).toBe("labels");
    const box = svg.getAttribute("viewBox");
    viewport.resize(900);
    expect(svg.getAttribute("viewBox")).toBe(box);
    viewport.zoom(1.5);
    expect(svg.getAttribute("data-detail")).toBe("full");
    viewport.fit();
    expect(svg.getAttribute("data-detail")).toBe("boxes");
  });
});

test("without lod, every text stays at any scale", () => {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  createViewport([svg], { width: 4000, height: 1000 }, { width: 800, lod: false });
  expect(svg.getAttribute("data-detail")).toBe("full");
});
