// The layout engine with the real worker source, built the way `npm run build` builds it.
// Node has no Worker, which exercises the main-thread fallback; fake workers stand for the
// ways a browser or a strict page (Content-Security-Policy) can refuse to start one.
import * as esbuild from "esbuild";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { LOOKUP_TIMEOUT_MS, START_TIMEOUT_MS, createEngine, engineFor, referencedModel } from "../layout-engine.js";
import { DOT_BOUNDS, parseLayout, toDot } from "../layout.js";
import { demoLossStructure } from "./demo-loss.js";
import diamond from "./fixtures/diamond.json";
import { nodeWorkerClass } from "./node-worker.js";

let source;
beforeAll(async () => {
  const result = await esbuild.build({ entryPoints: ["js/layout-worker.js"], bundle: true, format: "iife", write: false });
  source = result.outputFiles[0].text;
});

const FAST = { worker: 50, "main thread": 50 }; // start timeouts for the tests

// Worker source for the main thread that behaves like the real one would under a CSP.
const NO_EVAL = `throw new EvalError("Evaluating a string as JavaScript violates the following Content Security Policy directive because 'unsafe-eval' is not an allowed source of script")`;
const NO_WASM = `self.postMessage({ ready: false, error: "Aborted(CompileError: WebAssembly.instantiate(): Compiling or instantiating WebAssembly module violates the following Content Security policy directive)" })`;
const SILENT = "self.onmessage = () => {}";

/** A worker that is ready at once and answers every DOT with its own count. */
class EchoWorker {
  static sent = [];
  constructor() {
    setTimeout(() => this.onmessage({ data: { ready: true } }));
  }
  postMessage(message) {
    const n = EchoWorker.sent.push(message);
    setTimeout(() => this.onmessage({ data: { id: message.id, json: `{"n":${n}}` } }));
  }
}

/** A worker the browser refused: an error event with no message, as a blocked blob worker gets. */
class RefusedWorker {
  constructor() {
    setTimeout(() => this.onerror({ preventDefault() {} }));
  }
  postMessage() {}
  terminate() { this.terminated = true; }
}

/** A worker that never says anything. */
class SilentWorker {
  static made = [];
  constructor() { SilentWorker.made.push(this); }
  postMessage() {}
  terminate() { this.terminated = true; }
}

/** Resolves with how the promise settled and when: {status, value|reason, ms}. */
async function settled(promise) {
  const started = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ...result, ms: performance.now() - started };
}

test("without Worker, the worker source runs on the main thread and lays out", async () => {
  const engine = createEngine(source, { Worker: undefined });
  expect(engine.where).toBe("main thread");
  const layout = parseLayout(await engine.layout(toDot(diamond.structure)));
  expect(Object.keys(layout.nodes)).toHaveLength(7);
  expect(Object.keys(layout.edges)).toHaveLength(8);
});

test("a worker the browser refuses is replaced by the main thread", async () => {
  const engine = createEngine(source, { Worker: RefusedWorker });
  expect(engine.where).toBe("worker");
  const json = await engine.layout(toDot(diamond.structure));
  expect(engine.where).toBe("main thread");
  expect(JSON.parse(json).objects).toHaveLength(7);
});

test("a worker that says nothing within its start timeout is stopped and replaced by the main thread", async () => {
  SilentWorker.made = [];
  const engine = createEngine(source, { Worker: SilentWorker, timeouts: { ...FAST, "main thread": 3000 } });
  const json = await engine.layout("digraph { x -> y }");
  expect(JSON.parse(json).objects.map((o) => o.name)).toEqual(["x", "y"]);
  expect(engine.where).toBe("main thread");
  expect(SilentWorker.made).toHaveLength(1);
  expect(SilentWorker.made[0].terminated).toBe(true);
});

describe("when nothing can start, every layout is rejected with the reason, never left waiting", () => {
  const cases = [
    ["no blob workers and no eval", RefusedWorker, NO_EVAL, ["blob: in worker-src", "'unsafe-eval'"]],
    ["no workers at all and no eval", undefined, NO_EVAL, ["as a Web Worker", "'unsafe-eval'"]],
    ["no WebAssembly anywhere", RefusedWorker, NO_WASM, ["'wasm-unsafe-eval'"]],
    ["nothing ever answers", SilentWorker, SILENT, ["as a Web Worker: it did not start within 0.05 s", "on the page: it did not start within 0.05 s"]],
  ];
  test.each(cases)("%s", async (_name, Worker, text, words) => {
    const engine = createEngine(text, { Worker, timeouts: FAST });
    const [first, second] = await Promise.all([settled(engine.layout("digraph { a }")), settled(engine.layout("digraph { b }"))]);
    for (const result of [first, second]) {
      expect(result.status).toBe("rejected");
      expect(result.reason.message).toMatch(/^the layout engine could not start \(/);
      for (const word of words) expect(result.reason.message).toContain(word);
      expect(result.ms).toBeLessThan(1000);
    }
    // Later layouts (another widget, another structure) get the same answer at once.
    const later = await settled(engine.layout("digraph { c }"));
    expect(later.reason).toBe(first.reason);
    expect(later.ms).toBeLessThan(50);
  });
});

test("the default lookup and start timeouts add up to less than the 5 s a page may wait", () => {
  expect(LOOKUP_TIMEOUT_MS + START_TIMEOUT_MS.worker + START_TIMEOUT_MS["main thread"]).toBeLessThan(5000);
});

test("a worker that reports a failed start is replaced, and its later words are ignored", async () => {
  class FailingWorker {
    constructor() {
      setTimeout(() => {
        this.onmessage({ data: { ready: false, error: "Aborted(CompileError: WebAssembly.instantiate(): …)" } });
        this.onmessage({ data: { id: 1, error: "Aborted(CompileError…)" } }); // what it says to a queued request
      });
    }
    postMessage() { throw new Error("nothing may be sent before the worker is ready"); }
    terminate() {}
  }
  const engine = createEngine(source, { Worker: FailingWorker });
  const json = await engine.layout("digraph { x }");
  expect(engine.where).toBe("main thread");
  expect(JSON.parse(json).objects.map((o) => o.name)).toEqual(["x"]);
});

test("layouts asked for before the worker is ready wait and are sent once it is", async () => {
  EchoWorker.sent = [];
  const engine = createEngine(source, { Worker: EchoWorker });
  const answers = Promise.all([engine.layout("digraph { a }"), engine.layout("digraph { b }")]);
  expect(EchoWorker.sent).toHaveLength(0);
  expect(await answers).toEqual(['{"n":1}', '{"n":2}']);
  expect(EchoWorker.sent.map((m) => m.dot)).toEqual(["digraph { a }", "digraph { b }"]);
});

test("answers are matched to requests, and bad DOT is an error, not a hang", async () => {
  const engine = createEngine(source, { Worker: undefined });
  const [good, bad] = await Promise.allSettled([engine.layout("digraph { x -> y }"), engine.layout("digraph { x -> }")]);
  expect(JSON.parse(good.value).objects.map((o) => o.name)).toEqual(["x", "y"]);
  expect(bad.status).toBe("rejected");
  expect(JSON.parse(await engine.layout("digraph { z }")).objects.map((o) => o.name)).toEqual(["z"]);
});

test("the same DOT is laid out once", async () => {
  EchoWorker.sent = [];
  const engine = createEngine(source, { Worker: EchoWorker });
  const [a, b] = await Promise.all([engine.layout("digraph {}"), engine.layout("digraph {}")]);
  expect(a).toBe(b);
  expect(EchoWorker.sent).toHaveLength(1);
  expect(await engine.layout("digraph { x }")).toBe('{"n":2}');
});

test("a worker that crashes after working fails its pending layout instead of hanging", async () => {
  class FlakyWorker {
    constructor() { setTimeout(() => this.onmessage({ data: { ready: true } })); }
    postMessage({ id }) {
      if (id === 1) setTimeout(() => this.onmessage({ data: { id, json: "{}" } }));
      else setTimeout(() => this.onerror({ message: "out of memory" }));
    }
  }
  const engine = createEngine(source, { Worker: FlakyWorker });
  expect(await engine.layout("digraph { a }")).toBe("{}");
  await expect(engine.layout("digraph { b }")).rejects.toThrow("out of memory");
  expect(engine.where).toBe("worker");
});

describe("the reference to the page's LayoutEngine model", () => {
  const engineModel = { get: (name) => (name === "_worker" ? "worker text" : undefined) };
  const widgetModel = { widget_manager: { get_model: async (id) => (id === "abc" ? engineModel : undefined) } };

  test('as "IPY_MODEL_<id>" (how Python serializes it) or as the model itself (some front ends)', async () => {
    expect(await referencedModel(widgetModel, "IPY_MODEL_abc")).toBe(engineModel);
    expect(await referencedModel(widgetModel, engineModel)).toBe(engineModel);
  });

  test("anything else is a clear error", async () => {
    for (const ref of [undefined, null, "", "abc", 3, {}]) {
      await expect(referencedModel(widgetModel, ref)).rejects.toThrow("no layout engine: the widget's _engine trait is not set");
    }
  });

  test("a model the widget manager does not have, or never finds, is a clear error in time", async () => {
    await expect(referencedModel(widgetModel, "IPY_MODEL_gone")).rejects.toThrow("the page has no layout engine model gone");
    const never = { widget_manager: { get_model: () => new Promise(() => {}) } };
    const result = await settled(referencedModel(never, "IPY_MODEL_x", { timeout: 50 }));
    expect(result.reason.message).toBe("the page's widget manager did not find the layout engine (model x) within 0.05 s");
    expect(result.ms).toBeLessThan(1000);
  });

  describe("engineFor, the page's one engine", () => {
    afterEach(() => { delete globalThis.__gradwidget_layout__; });

    test("starts from either form of the reference and lays out", async () => {
      for (const ref of ["IPY_MODEL_abc", "model"]) {
        const real = { get: (name) => (name === "_worker" ? source : undefined) };
        const model = {
          get: (name) => (name === "_engine" ? (ref === "model" ? real : ref) : undefined),
          widget_manager: { get_model: async () => real },
        };
        const engine = await engineFor(model);
        expect(await engineFor(model)).toBe(engine); // once per page
        expect(JSON.parse(await engine.layout("digraph { q }")).objects.map((o) => o.name)).toEqual(["q"]);
        delete globalThis.__gradwidget_layout__;
      }
    });

    test("a failed lookup is not kept: the next widget tries again", async () => {
      const broken = { get: () => undefined, widget_manager: {} };
      await expect(engineFor(broken)).rejects.toThrow("no layout engine");
      expect(globalThis.__gradwidget_layout__).toBeUndefined();
    });
  });
});

describe("stopping a layout: cancel and the time budget", () => {
  /** A worker that is ready at once, answers DOT "digraph { fast }" at once and never
   * answers anything else (a layout that would take minutes). */
  class StuckWorker {
    static made = [];
    constructor() {
      StuckWorker.made.push(this);
      this.got = [];
      setTimeout(() => this.onmessage({ data: { ready: true } }));
    }
    postMessage(message) {
      this.got.push(message);
      if (message.dot === "digraph { fast }") setTimeout(() => this.onmessage({ data: { id: message.id, json: "{}" } }));
    }
    terminate() { this.terminated = true; }
  }
  const cancelled = () => { const c = new AbortController(); c.abort(); return c.signal; };
  const until = (check) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 2000, interval: 5 });

  test("cancel terminates the busy worker; a fresh one takes the requests that wait", async () => {
    StuckWorker.made = [];
    const engine = createEngine(source, { Worker: StuckWorker });
    const controller = new AbortController();
    const slow = settled(engine.layout("digraph { slow }", { signal: controller.signal }));
    const next = engine.layout("digraph { fast }");
    await until(() => StuckWorker.made[0].got.length === 1); // busy with the slow one; the fast one waits
    controller.abort();
    expect((await slow).reason.name).toBe("AbortError");
    expect(StuckWorker.made[0].terminated).toBe(true);
    expect(await next).toBe("{}");
    expect(StuckWorker.made).toHaveLength(2);
    expect(StuckWorker.made[1].got.map((m) => m.dot)).toEqual(["digraph { fast }"]);
    expect(engine.where).toBe("worker");
    expect(engine.restarts).toBe(1);
    expect(engine.interruptible).toBe(true);
  });

  test("cancelling a request that waits does not stop the worker; one already cancelled is refused", async () => {
    StuckWorker.made = [];
    const engine = createEngine(source, { Worker: StuckWorker });
    const first = engine.layout("digraph { a }");
    const controller = new AbortController();
    const waiting = settled(engine.layout("digraph { b }", { signal: controller.signal }));
    controller.abort();
    expect((await waiting).reason.name).toBe("AbortError");
    expect((await settled(engine.layout("digraph { c }", { signal: cancelled() }))).reason.name).toBe("AbortError");
    await until(() => StuckWorker.made[0].got.length === 1);
    expect(StuckWorker.made[0].terminated).toBeUndefined();
    expect(StuckWorker.made[0].got.map((m) => m.dot)).toEqual(["digraph { a }"]);
    void first;
  });

  test("an answer two callers wait for is not stopped when only one cancels", async () => {
    EchoWorker.sent = [];
    const engine = createEngine(source, { Worker: EchoWorker });
    const controller = new AbortController();
    const [mine, theirs] = [engine.layout("digraph { s }", { signal: controller.signal }), engine.layout("digraph { s }")];
    controller.abort();
    expect((await settled(mine)).reason.name).toBe("AbortError");
    expect(await theirs).toBe('{"n":1}');
  });

  test("a layout over its time budget is stopped with a LayoutTimeout; the next one runs in a fresh worker", async () => {
    StuckWorker.made = [];
    const engine = createEngine(source, { Worker: StuckWorker });
    const slow = await settled(engine.layout("digraph { slow }", { timeout: 50 }));
    expect(slow.status).toBe("rejected");
    expect(slow.reason.name).toBe("LayoutTimeout");
    expect(slow.reason.message).toBe("the layout took longer than 0.05 s and was stopped");
    expect(StuckWorker.made[0].terminated).toBe(true);
    expect(await engine.layout("digraph { fast }", { timeout: 50 })).toBe("{}");
    expect(StuckWorker.made).toHaveLength(2);
    // Graphviz is deterministic: the same DOT is not tried again, it would time out again.
    expect((await settled(engine.layout("digraph { slow }"))).reason.name).toBe("LayoutTimeout");
    expect(StuckWorker.made[1].got).toHaveLength(1);
  });

  test("a worker that crashes is replaced: the layouts after it still run", async () => {
    class CrashOnce {
      static made = 0;
      constructor() { this.n = ++CrashOnce.made; setTimeout(() => this.onmessage({ data: { ready: true } })); }
      postMessage({ id }) {
        if (this.n === 1) setTimeout(() => this.onerror({ message: "out of memory" }));
        else setTimeout(() => this.onmessage({ data: { id, json: "{}" } }));
      }
    }
    const engine = createEngine(source, { Worker: CrashOnce });
    const [crashed, after] = await Promise.all([settled(engine.layout("digraph { a }")), settled(engine.layout("digraph { b }"))]);
    expect(crashed.reason.message).toBe("out of memory");
    expect(after.value).toBe("{}");
    expect(CrashOnce.made).toBe(2);
  });

  test("columns layouts are worker requests too, answered with the layout itself", async () => {
    const engine = createEngine(source, { Worker: undefined });
    expect(engine.interruptible).toBe(false); // the main thread: nothing can stop a layout there
    const layout = await engine.columns(diamond.structure);
    expect(Object.keys(layout.nodes)).toHaveLength(7);
    expect(Object.keys(layout.edges)).toHaveLength(8);
    // Cancelled on the main thread: the answer is dropped; the engine goes on.
    expect((await settled(engine.layout("digraph { m }", { signal: cancelled() }))).reason.name).toBe("AbortError");
    expect(JSON.parse(await engine.layout("digraph { n }")).objects.map((o) => o.name)).toEqual(["n"]);
  });

  test("a real worker thread in the middle of a minutes-long Graphviz layout is stopped by cancel", async () => {
    const NodeWorker = nodeWorkerClass(source);
    const engine = createEngine(source, { Worker: NodeWorker, timeouts: { worker: 10000, "main thread": 1000 } });
    expect(JSON.parse(await engine.layout("digraph { warm }")).objects).toHaveLength(1); // started, Graphviz loaded
    // Plain dot on the demo loss (no bounds): over a minute of work, or a stack overflow.
    const dot = toDot(demoLossStructure(1)).replace(DOT_BOUNDS, "");
    const controller = new AbortController();
    const started = performance.now();
    const long = settled(engine.layout(dot, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 300);
    const result = await long;
    expect(result.reason.name).toBe("AbortError");
    expect(performance.now() - started).toBeLessThan(5000);
    expect(NodeWorker.made[0].terminated).toBe(true);
    await NodeWorker.made[0].exited; // the thread is really gone
    expect(JSON.parse(await engine.layout("digraph { after }")).objects.map((o) => o.name)).toEqual(["after"]);
    expect(NodeWorker.made).toHaveLength(2);
    NodeWorker.made[1].terminate();
  }, 20000);
});
