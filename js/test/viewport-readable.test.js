// @vitest-environment happy-dom
// The fitted drawing never scales text below 13 px x scale (CSS px), a wider graph
// overflows and says so, the wheel zooms only an engaged graph, a step comes into view.
import { afterEach, describe, expect, test } from "vitest";
import {
  NUMBER_FONT, createViewport, fitLimits, fitView, hiddenSides, panelHeight, revealView, shouldStack,
} from "../viewport.js";

const SVG = "http://www.w3.org/2000/svg";
const screenScale = (view, clientWidth) => clientWidth / view.w; // CSS px per SVG unit
const neuron = { width: 1900, height: 420 }; // wider than any notebook at scale 1.5

describe("fit limits", () => {
  test("a teaching graph is never fitted below `scale`: its numbers stay 13 px x scale", () => {
    for (const scale of [0.5, 1, 1.5, 3]) {
      for (const clientWidth of [320, 640, 1100, 2400]) {
        const view = fitView(neuron, { width: clientWidth, height: 400 }, fitLimits({ scale }));
        expect(NUMBER_FONT * screenScale(view, clientWidth)).toBeCloseTo(13 * scale, 6);
      }
    }
  });

  test("browser zoom (fewer CSS px across) never makes the text smaller", () => {
    const sizes = [1280, 1024, 853, 640].map((width) => // 100%, 125%, 150%, 200% of 1280
      NUMBER_FONT * screenScale(fitView(neuron, { width, height: 400 }, fitLimits({ scale: 1.5 })), width));
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1] - 1e-9);
    expect(sizes[0]).toBeGreaterThanOrEqual(16);
  });

  test("a big graph (level of detail) is fitted whole, never magnified beyond `scale`", () => {
    const big = { width: 20000, height: 3000 };
    const view = fitView(big, { width: 1000, height: 500 }, fitLimits({ scale: 1.5, lod: true }));
    expect(view.w).toBeGreaterThanOrEqual(big.width);
    const small = fitView({ width: 100, height: 50 }, { width: 1000, height: 500 }, fitLimits({ scale: 1.5, lod: true }));
    expect(screenScale(small, 1000)).toBeCloseTo(1.5);
  });

  test("full screen may magnify a small graph, up to twice `scale`", () => {
    const limits = fitLimits({ scale: 1, fullscreen: true });
    expect(limits).toEqual({ min: 1, max: 2 });
    const view = fitView({ width: 300, height: 100 }, { width: 1280, height: 600 }, limits);
    expect(screenScale(view, 1280)).toBeCloseTo(2);
  });

  test("an overflowing graph shows its start (left, top); one that fits is centred", () => {
    const over = fitView(neuron, { width: 800, height: 300 }, fitLimits({ scale: 1.5 }));
    expect(over.x).toBeLessThan(0);
    expect(over.x).toBeGreaterThan(-20);
    expect(over.y).toBeLessThan(0);
    const fits = fitView({ width: 200, height: 100 }, { width: 800, height: 400 }, fitLimits({ scale: 1 }));
    expect(fits.x + fits.w / 2).toBeCloseTo(100);
  });

  test("the panel's height follows the graph at that scale, within limits", () => {
    expect(panelHeight({ width: 400, height: 250 }, 800, fitLimits({ scale: 1.5 }))).toBe(Math.round((250 + 32) * 1.5));
    expect(panelHeight(neuron, 640, fitLimits({ scale: 1.5 }), 270)).toBe(270); // a short window
  });

  test("compare mode stacks when side by side would show too little of the graph", () => {
    const diamond = { width: 1000, height: 250 };
    expect(shouldStack(diamond, 2200, fitLimits({ scale: 1 }))).toBe(false);
    expect(shouldStack(diamond, 2200, fitLimits({ scale: 1.5 }))).toBe(true); // 1.5x wider now
    expect(shouldStack(diamond, 1100, fitLimits({ scale: 1 }))).toBe(true);
  });

  test("a teaching graph (text that may not shrink) stacks as soon as side by side would cut it", () => {
    const aPlusA = { width: 400, height: 80 }; // 432 px wide with its margins, at scale 1
    expect(shouldStack(aPlusA, 848, fitLimits({ scale: 1 }))).toBe(true); // 420 px each: b cut off
    expect(shouldStack(aPlusA, 880, fitLimits({ scale: 1 }))).toBe(false); // 436 px each: it fits
    // a big graph's drawing may shrink: shown at 97% is not worth stacking
    expect(shouldStack(aPlusA, 848, fitLimits({ scale: 1, lod: true }))).toBe(false);
  });
});

describe("seeing what is out of view", () => {
  test("hiddenSides names every side where the graph continues", () => {
    expect(hiddenSides({ x: -16, y: -16, w: 2000, h: 500 }, neuron)).toBe("");
    expect(hiddenSides({ x: -16, y: -16, w: 800, h: 300 }, neuron)).toBe("right bottom");
    expect(hiddenSides({ x: 600, y: 100, w: 800, h: 200 }, neuron)).toBe("left right top bottom");
  });

  test("revealView leaves a visible box alone and centres one out of view, within the graph", () => {
    const view = { x: -16, y: -16, w: 800, h: 300 };
    expect(revealView(view, { x: 100, y: 50, w: 140, h: 74 }, neuron)).toEqual(view);
    const moved = revealView(view, { x: 1200, y: 300, w: 140, h: 74 }, neuron);
    expect(moved.x + moved.w / 2).toBeCloseTo(1270);
    expect(moved.w).toBe(800);
    const end = revealView(view, { x: 1800, y: 0, w: 100, h: 74 }, neuron);
    expect(end.x + end.w).toBeCloseTo(neuron.width + 16); // not beyond the graph's margin
  });
});

describe("createViewport", () => {
  afterEach(() => document.body.replaceChildren());
  function mount({ scale = 1.5, lod = false, width = 800 } = {}) {
    const root = document.createElement("div");
    root.className = "gradwidget";
    root.tabIndex = 0;
    const frame = document.createElement("div");
    const svg = document.createElementNS(SVG, "svg");
    frame.append(svg);
    root.append(frame);
    const outside = document.createElement("button");
    document.body.append(root, outside);
    const viewport = createViewport([svg], neuron, { width, scale, lod });
    return { root, frame, svg, outside, viewport };
  }
  const viewBox = (svg) => svg.getAttribute("viewBox");
  const wheel = (svg, init = {}) => {
    const event = new WheelEvent("wheel", { deltaY: -120, clientX: 10, clientY: 10, bubbles: true, cancelable: true });
    for (const [key, value] of Object.entries(init)) Object.defineProperty(event, key, { value }); // happy-dom's WheelEvent has no modifier keys
    svg.dispatchEvent(event);
    return event;
  };

  test("fits at the scale and marks the frame where the graph continues", () => {
    const { svg, frame } = mount();
    const [, , w] = viewBox(svg).split(" ").map(Number);
    expect(800 / w).toBeCloseTo(1.5);
    expect(frame.dataset.more).toBe("right bottom"); // 452 units x 1.5 > the tallest panel
  });

  test("setScale refits at the new scale", () => {
    const { svg, viewport } = mount();
    viewport.setScale(2);
    expect(800 / Number(viewBox(svg).split(" ")[2])).toBeCloseTo(2);
  });

  test("the wheel scrolls the page over a graph nobody clicked", () => {
    const { svg } = mount();
    const before = viewBox(svg);
    const event = wheel(svg);
    expect(event.defaultPrevented).toBe(false);
    expect(viewBox(svg)).toBe(before);
  });

  test("Ctrl/⌘ + wheel zooms", () => {
    for (const key of ["ctrlKey", "metaKey"]) {
      const { svg } = mount();
      const before = viewBox(svg);
      expect(wheel(svg, { [key]: true }).defaultPrevented).toBe(true);
      expect(viewBox(svg)).not.toBe(before);
      document.body.replaceChildren();
    }
  });

  test("after a click on the graph the wheel zooms, until a press elsewhere", () => {
    const { svg, root, outside } = mount();
    svg.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0 }));
    root.focus();
    const before = viewBox(svg);
    expect(wheel(svg).defaultPrevented).toBe(true);
    expect(viewBox(svg)).not.toBe(before);
    outside.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0 }));
    outside.focus();
    const after = viewBox(svg);
    expect(wheel(svg).defaultPrevented).toBe(false);
    expect(viewBox(svg)).toBe(after);
  });

  test("a host moving the focus during the click does not disengage; Tab away does", () => {
    const { svg, outside } = mount();
    svg.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0 }));
    outside.focus(); // e.g. the notebook focusing its cell as the output is clicked
    expect(wheel(svg).defaultPrevented).toBe(true);
    const later = performance.now() + 600;
    const now = performance.now;
    performance.now = () => later; // a keyboard move, well after the press
    try {
      document.body.focus();
      outside.blur();
      outside.dispatchEvent(new FocusEvent("focusin", { bubbles: true }));
    } finally {
      performance.now = now;
    }
    expect(wheel(svg).defaultPrevented).toBe(false);
  });

  test("full screen: the page's height is the view's, and the wheel zooms", () => {
    const { svg, viewport } = mount({ scale: 1 });
    const normalHeight = svg.style.height;
    viewport.resize(1280, 640);
    const [, , w, h] = viewBox(svg).split(" ").map(Number);
    expect(1280 / w).toBeCloseTo(640 / h);
    expect(svg.style.height).toBe(normalHeight); // CSS sizes it in full screen
    expect(wheel(svg).defaultPrevented).toBe(true);
    viewport.resize(800); // left full screen: refitted
    expect(800 / Number(viewBox(svg).split(" ")[2])).toBeCloseTo(1);
  });

  test("reveal brings an out-of-view box in, only when the graph overflows", () => {
    const { svg, viewport, frame } = mount();
    viewport.reveal({ x: 1700, y: 300, w: 140, h: 74 });
    const [x, , w] = viewBox(svg).split(" ").map(Number);
    expect(x + w).toBeGreaterThan(1840);
    expect(frame.dataset.more).toContain("left");
  });
});
