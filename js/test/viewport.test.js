import { expect, test } from "vitest";
import { fitView, panelHeight, panView, shouldStack, zoomView } from "../viewport.js";

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
