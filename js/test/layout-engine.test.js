// The layout engine with the real worker source, built the way `npm run build` builds it.
// Node has no Worker, which exercises the main-thread fallback.
import * as esbuild from "esbuild";
import { beforeAll, describe, expect, test } from "vitest";
import { createEngine, referencedModel } from "../layout-engine.js";
import { parseLayout, toDot } from "../layout.js";
import diamond from "./fixtures/diamond.json";

let source;
beforeAll(async () => {
  const result = await esbuild.build({ entryPoints: ["js/layout-worker.js"], bundle: true, format: "iife", write: false });
  source = result.outputFiles[0].text;
});

test("without Worker, the worker source runs on the main thread and lays out", async () => {
  const engine = createEngine(source, { Worker: undefined });
  expect(engine.where).toBe("main thread");
  const layout = parseLayout(await engine.layout(toDot(diamond.structure)));
  expect(Object.keys(layout.nodes)).toHaveLength(7);
  expect(Object.keys(layout.edges)).toHaveLength(8);
});

test("a worker that fails before answering is replaced by the main thread", async () => {
  class BrokenWorker {
    constructor() {
      setTimeout(() => this.onerror({ preventDefault() {} }));
    }
    postMessage() {}
    terminate() {}
  }
  const engine = createEngine(source, { Worker: BrokenWorker });
  expect(engine.where).toBe("worker");
  const json = await engine.layout(toDot(diamond.structure));
  expect(engine.where).toBe("main thread");
  expect(JSON.parse(json).objects).toHaveLength(7);
});

test("answers are matched to requests, and bad DOT is an error, not a hang", async () => {
  const engine = createEngine(source, { Worker: undefined });
  const [good, bad] = await Promise.allSettled([engine.layout("digraph { x -> y }"), engine.layout("digraph { x -> }")]);
  expect(JSON.parse(good.value).objects.map((o) => o.name)).toEqual(["x", "y"]);
  expect(bad.status).toBe("rejected");
});

test("the same DOT is laid out once", async () => {
  const sent = [];
  class EchoWorker {
    postMessage(message) {
      sent.push(message);
      setTimeout(() => this.onmessage({ data: { id: message.id, json: `{"n":${sent.length}}` } }));
    }
  }
  const engine = createEngine(source, { Worker: EchoWorker });
  const [a, b] = await Promise.all([engine.layout("digraph {}"), engine.layout("digraph {}")]);
  expect(a).toBe(b);
  expect(sent).toHaveLength(1);
  expect(await engine.layout("digraph { x }")).toBe('{"n":2}');
});

test("a worker that crashes after working fails its pending layout instead of hanging", async () => {
  class FlakyWorker {
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
  const widgetModel = { widget_manager: { get_model: async (id) => (id === "abc" ? engineModel : null) } };

  test('as "IPY_MODEL_<id>" (how Python serializes it) or as the model itself (some front ends)', async () => {
    expect(await referencedModel(widgetModel, "IPY_MODEL_abc")).toBe(engineModel);
    expect(await referencedModel(widgetModel, engineModel)).toBe(engineModel);
  });

  test("anything else is a clear error", async () => {
    for (const ref of [undefined, null, "", "abc", 3, {}]) {
      await expect(referencedModel(widgetModel, ref)).rejects.toThrow("no layout engine: the widget's _engine trait is not set");
    }
  });
});
