// @vitest-environment happy-dom
// LossPlot's view: ticks, log scale, the nearest point's readout (pure), then the view
// with a fake model: axes drawn, the checkbox writes `log`, keys and pointer read points.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import lossplot, {
  layout, linearTicks, logProblem, logTicks, moveIndex, nearestIndex, niceStep, readout, tickText,
} from "../lossplot.js";
import { fakeModel } from "../dev/fake-model.js";

const close = (a, b) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b));

describe("linear ticks", () => {
  it("cuts a range into 1, 2 or 5 × 10^k steps and widens it to whole steps", () => {
    expect(niceStep(1.07, 5)).toBeCloseTo(0.2);
    expect(niceStep(60, 5)).toBe(10);
    expect(niceStep(0.004, 4)).toBeCloseTo(0.001);
    const { ticks, step, lo, hi } = linearTicks(0.068, 1.14, 5);
    expect(step).toBeCloseTo(0.2);
    expect([lo, hi]).toEqual([0, ticks.at(-1)]);
    expect(hi).toBeCloseTo(1.2);
    expect(ticks.map((v) => tickText(v, step))).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1", "1.2"]);
  });
  it("gives whole-number steps for an integer axis, also for one point", () => {
    expect(linearTicks(0, 59, 5, true).ticks).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(linearTicks(0, 3, 8, true).ticks).toEqual([0, 1, 2, 3]);
    expect(linearTicks(7, 7, 5, true)).toMatchObject({ lo: 7, hi: 8, ticks: [7, 8] });
  });
  it("puts a flat curve in the middle of a range around it", () => {
    const { lo, hi } = linearTicks(5, 5, 4);
    expect(lo).toBeLessThan(5);
    expect(hi).toBeGreaterThan(5);
    expect(linearTicks(0, 0, 4)).toMatchObject({ lo: -1, hi: 1 });
  });
  it("writes tick values readably: decimals of the step, exponents when tiny or huge", () => {
    expect(tickText(0.30000000000000004, 0.1)).toBe("0.3");
    expect(tickText(0.05, 0.05)).toBe("0.05");
    expect(tickText(120, 20)).toBe("120");
    expect(tickText(2e-5, 1e-5)).toBe("2e-5");
    expect(tickText(1.2e-4, 1e-5)).toBe("1.2e-4");
    expect(tickText(1500000, 500000)).toBe("1.5e+6");
    expect(tickText(-0.4, 0.2)).toBe("-0.4");
  });
});

describe("log ticks", () => {
  it("uses 1-2-5 × 10^k within a range of about a decade, keeping the data's range", () => {
    const t = logTicks(0.068, 1.14);
    expect(t.ticks).toEqual([0.1, 0.2, 0.5, 1]);
    expect([t.lo, t.hi]).toEqual([0.068, 1.14]);
    expect(t.ticks.map((v) => tickText(v, t.step))).toEqual(["0.1", "0.2", "0.5", "1"]);
  });
  it("uses powers of ten over several decades, every other one over many", () => {
    expect(logTicks(3e-4, 20).ticks).toEqual([1e-3, 1e-2, 0.1, 1, 10]);
    const many = logTicks(1e-12, 1, 5).ticks;
    expect(many.length).toBeLessThanOrEqual(7);
    expect(many.every((v) => close(Math.log10(v), Math.round(Math.log10(v))))).toBe(true);
  });
  it("falls back to linear ticks inside a narrow range", () => {
    const t = logTicks(0.31, 0.39);
    expect(t.ticks.length).toBeGreaterThanOrEqual(2);
    expect(t.ticks.every((v) => v >= 0.31 && v <= 0.39)).toBe(true);
  });
  it("is refused, with the step named, for a loss that is not > 0", () => {
    expect(logProblem([0, 1, 2], [1, 0.5, 0.25])).toBeNull();
    expect(logProblem([0, 5, 6], [1, 0, -1])).toBe("step 5's loss is 0, not > 0");
    expect(logProblem([0, 5, 6], [1, 2, -1e-7])).toBe("step 6's loss is -1e-7, not > 0");
  });
  it("draws a linear axis when a loss ≤ 0 is there, never the log of it", () => {
    const g = layout([0, 1, 2], [1, 0, 0.5], { log: true, width: 400 });
    expect(g.log).toBe(false);
    expect(g.points).not.toMatch(/NaN|Infinity/);
    expect(layout([0, 1, 2], [1, 0.1, 0.01], { log: true, width: 400 }).log).toBe(true);
  });
  it("places a log axis by the logarithm: 0.1 halfway between 1 and 0.01", () => {
    const g = layout([0, 1, 2], [1, 0.1, 0.01], { log: true, width: 400 });
    const [a, b, c] = [1, 0.1, 0.01].map(g.y);
    expect(close(b - a, c - b)).toBe(true);
    expect(a).toBeLessThan(c); // the larger loss higher up
  });
});

describe("layout", () => {
  it("maps the first step to the left, the highest loss to the top, inside the margins", () => {
    const g = layout([0, 1, 2], [3, 1, 2], { width: 400 });
    const pts = g.points.split(" ").map((p) => p.split(",").map(Number));
    expect(pts[0][0]).toBeLessThan(pts[2][0]);
    expect(pts[0][1]).toBeLessThan(pts[1][1]);
    for (const [x, y] of pts) {
      expect(x).toBeGreaterThanOrEqual(g.pad.left);
      expect(x).toBeLessThanOrEqual(g.pad.left + g.plotW);
      expect(y).toBeGreaterThanOrEqual(g.pad.top);
      expect(y).toBeLessThanOrEqual(g.pad.top + g.plotH);
    }
  });
  it("has ticks with numbers on both axes, x labels never closer than they are wide", () => {
    for (const width of [260, 400, 900]) {
      const xs = Array.from({ length: 1001 }, (_, i) => i * 100);
      const g = layout(xs, xs.map((x) => 1 / (1 + x)), { width });
      expect(g.xTicks.length).toBeGreaterThanOrEqual(2);
      expect(g.yTicks.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < g.xTicks.length; i++) {
        const room = g.xTicks[i].at - g.xTicks[i - 1].at;
        const wide = 7.2 * Math.max(g.xTicks[i].text.length, g.xTicks[i - 1].text.length);
        expect(room).toBeGreaterThan(wide);
      }
      // the y labels fit in the left margin, beside the axis title; the last x label's
      // right half in the right margin
      const longest = Math.max(...g.yTicks.map((t) => t.text.length));
      expect(g.pad.left - 7 - 7.2 * longest).toBeGreaterThanOrEqual(16);
      const end = g.xTicks.at(-1);
      expect(end.at + (7.2 * end.text.length) / 2).toBeLessThanOrEqual(width);
    }
  });
  it("is empty and finite for no data or one point", () => {
    expect(layout([], []).points).toBe("");
    const one = layout([5], [2]);
    expect(one.points).not.toMatch(/NaN|Infinity/);
    expect(one.xTicks.length).toBeGreaterThanOrEqual(2);
  });
});

describe("readout", () => {
  it("finds the point drawn nearest the pointer's x", () => {
    const xs = [0, 10, 20, 30];
    const x = (v) => 100 + 2 * v;
    expect(nearestIndex(xs, x, 0)).toBe(0);
    expect(nearestIndex(xs, x, 119)).toBe(1);
    expect(nearestIndex(xs, x, 131)).toBe(2);
    expect(nearestIndex(xs, x, 1000)).toBe(3);
    expect(nearestIndex([], x, 10)).toBe(-1);
  });
  it("says step and loss, steps in full", () => {
    expect(readout(12, 0.43214)).toBe("step 12 · loss 0.4321");
    expect(readout(123456, 2e-5)).toBe("step 123456 · loss 2e-5");
  });
  it("moves with ← → Home End, starting from the latest point", () => {
    expect(moveIndex("ArrowLeft", -1, 5)).toBe(4);
    expect(moveIndex("ArrowLeft", 3, 5)).toBe(2);
    expect(moveIndex("ArrowLeft", 0, 5)).toBe(0);
    expect(moveIndex("ArrowRight", 4, 5)).toBe(4);
    expect(moveIndex("Home", 3, 5)).toBe(0);
    expect(moveIndex("End", 0, 5)).toBe(4);
    expect(moveIndex("a", 0, 5)).toBeNull();
    expect(moveIndex("ArrowLeft", -1, 0)).toBeNull();
  });
});

describe("the view", () => {
  let el, model, cleanup;
  beforeEach(() => {
    el = document.createElement("div");
    document.body.append(el);
    model = fakeModel({ steps: [0, 1, 2, 3], losses: [1, 0.5, 0.25, 0.125], log: false, note: "" });
    cleanup = lossplot.render({ model, el });
  });
  afterEach(() => {
    cleanup?.();
    el.remove();
  });
  const q = (sel) => el.querySelector(sel);
  const key = (target, k) => target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

  it("draws both axes with numbered ticks and titles, and the latest point's caption", () => {
    expect(el.querySelectorAll(".gw-loss-xtick").length).toBeGreaterThanOrEqual(2);
    expect(el.querySelectorAll(".gw-loss-ytick").length).toBeGreaterThanOrEqual(3);
    expect([...el.querySelectorAll(".gw-loss-xtick")].map((t) => t.textContent)).toContain("3");
    expect(q(".gw-loss-xtitle").textContent).toBe("step");
    expect(q(".gw-loss-ytitle").textContent).toBe("loss");
    expect(q(".gw-loss-caption").textContent).toBe("step 3 · loss 0.125");
    expect(q(".gw-lossplot").dataset.points).toBe("4");
    expect(el.innerHTML).not.toMatch(/NaN|Infinity/);
  });
  it("switches to a log scale from the checkbox and from Python", () => {
    const box = q(".gw-loss-log input");
    box.checked = true;
    box.dispatchEvent(new Event("change"));
    expect(model.get("log")).toBe(true);
    expect(model.saved).toBe(1);
    expect(q(".gw-lossplot").dataset.log).toBe("on");
    expect(q(".gw-loss-ytitle").textContent).toBe("loss (log scale)");
    model.set("log", false);
    expect(box.checked).toBe(false);
    expect(q(".gw-lossplot").dataset.log).toBe("off");
  });
  it("disables the log scale and says why when a loss is 0", () => {
    model.set("log", true);
    model.set("steps", [0, 1]);
    model.set("losses", [1, 0]);
    const box = q(".gw-loss-log input");
    expect(box.disabled).toBe(true);
    expect(q(".gw-lossplot").dataset.log).toBe("off");
    expect(q(".gw-loss-why").textContent).toBe("Log scale off: step 1's loss is 0, not > 0.");
    expect(q(".gw-loss-ytitle").textContent).toBe("loss");
  });
  it("reads points out with ← → on the focused plot, in a polite live region", () => {
    const svg = q("svg");
    const live = q(".gw-loss-readout");
    expect(live.getAttribute("aria-live")).toBe("polite");
    expect(svg.getAttribute("tabindex")).toBe("0");
    svg.focus();
    key(svg, "ArrowLeft");
    expect(live.textContent).toBe("step 3 · loss 0.125");
    key(svg, "ArrowLeft");
    key(svg, "ArrowLeft");
    expect(live.textContent).toBe("step 1 · loss 0.5");
    expect(q(".gw-loss-marker").getAttribute("visibility")).toBe("visible");
    key(svg, "Home");
    expect(live.dataset.step).toBe("0");
    // a new point keeps the chosen one on its step
    model.set("steps", [0, 1, 2, 3, 4]);
    model.set("losses", [1, 0.5, 0.25, 0.125, 0.1]);
    expect(live.textContent).toBe("step 0 · loss 1");
  });
  it("keeps its keys and plain letters from the notebook's shortcuts", () => {
    const svg = q("svg");
    let reached = 0;
    const count = () => reached++;
    document.addEventListener("keydown", count);
    key(svg, "ArrowRight");
    key(svg, "d");
    key(q(".gw-loss-log input"), " ");
    expect(reached).toBe(0);
    document.removeEventListener("keydown", count);
  });
  it("shows the nearest point under the pointer, and hides it when the pointer leaves", () => {
    const svg = q("svg");
    svg.getBoundingClientRect = () => ({ left: 0, top: 0, width: Number(svg.getAttribute("width")), height: 220 });
    const g = layout([0, 1, 2, 3], [1, 0.5, 0.25, 0.125], { width: Number(svg.getAttribute("width")) });
    svg.dispatchEvent(new PointerEvent("pointermove", { clientX: g.x(2) + 3, clientY: 50 }));
    expect(q(".gw-loss-readout").textContent).toBe("step 2 · loss 0.25");
    expect(Number(q(".gw-loss-marker").getAttribute("cx"))).toBeCloseTo(g.x(2), 0);
    svg.dispatchEvent(new PointerEvent("pointerleave"));
    expect(q(".gw-loss-marker").getAttribute("visibility")).toBe("hidden");
  });
  it("shows the note, as text", () => {
    model.set("note", "<b>The graph</b> shows step 3.");
    expect(q(".gw-loss-note").textContent).toBe("<b>The graph</b> shows step 3.");
    expect(q(".gw-loss-note b")).toBeNull();
  });
  it("takes its listeners away on cleanup", () => {
    cleanup();
    cleanup = null;
    expect(model.listenerCount()).toBe(0);
    expect(q(".gw-lossplot")).toBeNull();
  });
});
