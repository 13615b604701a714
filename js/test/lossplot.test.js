import { describe, expect, it } from "vitest";
import { curve } from "../lossplot.js";

describe("curve", () => {
  it("maps the first point to the left edge and the highest loss to the top", () => {
    const { points, lo, hi } = curve([0, 1, 2], [3, 1, 2]);
    const pts = points.split(" ").map((p) => p.split(",").map(Number));
    expect([lo, hi]).toEqual([1, 3]);
    expect(pts[0][0]).toBeLessThan(pts[2][0]);
    expect(pts[0][1]).toBeLessThan(pts[1][1]); // loss 3 is drawn above loss 1
    expect(pts[2][1]).toBeGreaterThan(pts[0][1]);
    expect(pts[2][1]).toBeLessThan(pts[1][1]);
  });
  it("handles a flat or single-point curve without dividing by zero", () => {
    for (const [xs, ys] of [[[5], [2]], [[0, 1], [4, 4]]]) {
      const { points } = curve(xs, ys);
      expect(points).not.toMatch(/NaN|Infinity/);
      expect(points.split(" ")).toHaveLength(ys.length);
    }
  });
  it("is empty for no data", () => {
    expect(curve([], []).points).toBe("");
  });
});
