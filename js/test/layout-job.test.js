// The layout job: which layout a structure gets (Graphviz, or the columns layout when
// Graphviz would take too long or fails), its progress, and cancel, with stand-in engines;
// and the demo loss of the issue laid out by the real engine (Graphviz in node).
import * as esbuild from "esbuild";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { createEngine } from "../layout-engine.js";
import { LAYOUT_BUDGET_MS, MAIN_THREAD_MAX_WORK, createLayoutJob, layoutPlan } from "../layout-job.js";
import { DOT_MAX_WORK, layoutWork } from "../layout.js";
import { demoLossStructure } from "./demo-loss.js";
import diamond from "./fixtures/diamond.json";

let source;
beforeAll(async () => {
  const result = await esbuild.build({ entryPoints: ["js/layout-worker.js"], bundle: true, format: "iife", write: false });
  source = result.outputFiles[0].text;
});

const GRAPHVIZ_JSON = JSON.stringify({ bb: "0,0,10,10", objects: [], edges: [] });

/** A stand-in page engine: `answer(dot, options)` decides what layout() does. */
function fakeEngine(answer, where = "worker") {
  const asked = { layout: [], columns: [] };
  const page = {
    where,
    layout: (dot, options) => { asked.layout.push({ dot, options }); return answer(dot, options); },
    columns: async (structure, options) => { asked.columns.push({ structure, options }); return { width: 1, height: 1, nodes: {}, edges: {}, columns: true }; },
  };
  return { engine: async () => page, asked };
}

/** Runs a job to its end: {how: "done" | "failed" | "cancelled", layout, info, error, progress: [[text, info]]}. */
function runJob(job, structure, { cancelAfter } = {}) {
  const seen = { progress: [] };
  const over = job.run(structure, {
    progress: (text, info) => { seen.progress.push([text, info]); if (cancelAfter?.(text, info)) job.cancel(); },
    done: (layout, ms, info) => Object.assign(seen, { how: "done", layout, ms, info }),
    failed: (error) => Object.assign(seen, { how: "failed", error }),
    cancelled: () => Object.assign(seen, { how: "cancelled" }),
  });
  return over.then(() => seen);
}

describe("which layout a structure gets", () => {
  test("teaching graphs: Graphviz; the demo loss (2,314 nodes crossing 64,596 columns): columns at once", () => {
    expect(layoutPlan(diamond.structure)).toMatchObject({ engine: "graphviz", reason: null });
    const demo = layoutPlan(demoLossStructure(2));
    expect(demo.engine).toBe("columns");
    expect(demo.work.total).toBeGreaterThan(DOT_MAX_WORK);
    expect(demo.reason).toBe("laid out in columns: Graphviz would take minutes on 2,314 nodes whose edges cross 64,596 columns");
  });

  test("a page without workers: Graphviz only for small work, columns up to a cap, then a clear refusal", () => {
    expect(layoutPlan(diamond.structure, "main thread").engine).toBe("graphviz");
    expect(layoutPlan(demoLossStructure(2), "main thread")).toMatchObject({ engine: "columns" });
    const huge = demoLossStructure(100);
    expect(layoutWork(huge).total).toBeGreaterThan(MAIN_THREAD_MAX_WORK);
    const plan = layoutPlan(huge, "main thread");
    expect(plan.engine).toBe("none");
    expect(plan.reason).toMatch(/^this page allows no Web Workers, so laying out 65,\d{3} nodes whose edges cross [\d,]+ columns would freeze it/);
    expect(layoutPlan(huge, "worker").engine).toBe("columns");
  });
});

describe("the job", () => {
  test("Graphviz in a worker gets the time budget and the job's abort signal", async () => {
    const { engine, asked } = fakeEngine(async () => GRAPHVIZ_JSON);
    const seen = await runJob(createLayoutJob(engine), diamond.structure);
    expect(seen.how).toBe("done");
    expect(seen.info).toEqual({ engine: "graphviz", note: null });
    expect(asked.layout[0].options.timeout).toBe(LAYOUT_BUDGET_MS);
    expect(asked.layout[0].options.signal).toBeInstanceOf(AbortSignal);
    const [text, info] = seen.progress.at(-1);
    expect(text).toBe("Laying out 7 nodes…");
    expect(info).toMatchObject({ engine: "graphviz", budget: LAYOUT_BUDGET_MS / 1000, nodes: 7, cancellable: true, note: null });
    expect(typeof info.cancel).toBe("function");
  });

  test("over the budget, Graphviz is stopped and the graph laid out in columns, saying so", async () => {
    const timeout = Object.assign(new Error("the layout took longer than 15 s and was stopped"), { name: "LayoutTimeout" });
    const { engine, asked } = fakeEngine(async () => { throw timeout; });
    const seen = await runJob(createLayoutJob(engine), diamond.structure);
    expect(seen.how).toBe("done");
    expect(seen.layout.columns).toBe(true);
    expect(seen.info).toEqual({ engine: "columns", note: "laid out in columns: Graphviz did not finish within 15 s" });
    expect(asked.columns[0].structure).toBe(diamond.structure);
    expect(seen.progress.at(-1)[0]).toBe("Laying out 7 nodes in columns…");
  });

  test("Graphviz's stack overflow never reaches the page as such: columns instead", async () => {
    const { engine } = fakeEngine(async () => { throw new Error("Maximum call stack size exceeded"); });
    const seen = await runJob(createLayoutJob(engine), diamond.structure);
    expect(seen.info).toEqual({ engine: "columns", note: "laid out in columns: Graphviz ran out of stack on this graph" });
  });

  test("the demo loss goes to columns without asking Graphviz", async () => {
    const { engine, asked } = fakeEngine(async () => GRAPHVIZ_JSON);
    const seen = await runJob(createLayoutJob(engine), demoLossStructure(2));
    expect(asked.layout).toHaveLength(0);
    expect(seen.info.engine).toBe("columns");
    expect(seen.info.note).toMatch(/^laid out in columns: Graphviz would take minutes/);
  });

  test("cancel() aborts the engine's request, calls cancelled(), and nothing else is called after", async () => {
    vi.useFakeTimers();
    try {
      let signal;
      const { engine } = fakeEngine((_dot, options) => new Promise((_, reject) => {
        signal = options.signal;
        signal.addEventListener("abort", () => reject(Object.assign(new Error("the layout was cancelled"), { name: "AbortError" })));
      }));
      const job = createLayoutJob(engine);
      const seen = runJob(job, diamond.structure, { cancelAfter: (_text, info) => info.seconds >= 0.3 });
      await vi.advanceTimersByTimeAsync(1000);
      const result = await seen;
      expect(result.how).toBe("cancelled");
      expect(signal.aborted).toBe(true);
      const count = result.progress.length;
      await vi.advanceTimersByTimeAsync(1000);
      expect(result.progress).toHaveLength(count); // the clock stopped
    } finally {
      vi.useRealTimers();
    }
  });

  test("a new run replaces the one in progress quietly: its request is withdrawn, its callbacks never called", async () => {
    const signals = [];
    const { engine } = fakeEngine((_dot, { signal }) => { signals.push(signal); return new Promise(() => {}); });
    const job = createLayoutJob(engine);
    const first = { done: vi.fn(), failed: vi.fn(), cancelled: vi.fn(), progress: vi.fn() };
    job.run(diamond.structure, first);
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    job.run(diamond.structure, { progress() {}, done() {}, failed() {} });
    expect(signals[0].aborted).toBe(true);
    expect(first.cancelled).not.toHaveBeenCalled();
    expect(first.done).not.toHaveBeenCalled();
    job.cancel();
  });

  test("on a page without workers: nothing can stop it, so the progress says so and too big a graph is refused", async () => {
    const { engine } = fakeEngine(async () => GRAPHVIZ_JSON, "main thread");
    const small = await runJob(createLayoutJob(engine), diamond.structure);
    expect(small.progress.at(-1)[1]).toMatchObject({ cancellable: false, budget: null });
    expect(small.progress.at(-1)[0]).toBe("Laying out 7 nodes… (this page allows no workers: the page waits)");
    const huge = await runJob(createLayoutJob(engine), demoLossStructure(100));
    expect(huge.how).toBe("failed");
    expect(huge.error.message).toMatch(/^this page allows no Web Workers, so laying out 65,\d{3} nodes/);
  });

  test("a stand-in engine with Graphviz only (no columns) still gets the columns layout, made here", async () => {
    const engine = async () => ({ layout: async () => GRAPHVIZ_JSON });
    const seen = await runJob(createLayoutJob(engine), demoLossStructure(1));
    expect(seen.info.engine).toBe("columns");
    expect(Object.keys(seen.layout.nodes)).toHaveLength(1666);
  });
});

test("the real engine (Graphviz in node) lays out the 2,314-node demo loss without error", async () => {
  const page = createEngine(source, { Worker: undefined }); // node: the main-thread fallback
  const seen = await runJob(createLayoutJob(async () => page), demoLossStructure(2));
  expect(seen.how).toBe("done");
  expect(seen.info.engine).toBe("columns");
  expect(Object.keys(seen.layout.nodes)).toHaveLength(2314);
  expect(Object.keys(seen.layout.edges)).toHaveLength(3864);
  // and a teaching graph still by Graphviz, with its reserved label boxes
  const small = await runJob(createLayoutJob(async () => page), diamond.structure);
  expect(small.info).toEqual({ engine: "graphviz", note: null });
  expect(Object.values(small.layout.edges).every((edge) => edge.reserved)).toBe(true);
}, 20000);
