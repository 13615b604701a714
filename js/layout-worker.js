// The layout worker: receives {id, dot}, answers {id, json} or {id, error}.
// Built as a classic script (IIFE) with Graphviz's WebAssembly inlined. It talks only
// through `self`, so layout-engine.js can also run this same text on the main thread by
// passing a stand-in `self` when a page forbids blob workers.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

let graphviz = null; // promise of the loaded WebAssembly, once per worker

self.onmessage = async ({ data: { id, dot } }) => {
  try {
    graphviz ??= Graphviz.load();
    const json = (await graphviz).layout(dot, "json0", "dot");
    self.postMessage({ id, json });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
