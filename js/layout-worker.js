// The layout worker: says {ready: true} once Graphviz is loaded (or {ready: false, error}),
// then receives {id, dot} and answers {id, json} (Graphviz's "json0"), or {id, columns:
// structure} and answers {id, layout} (layout.js's columnsLayout, no Graphviz), or {id, error}.
// Built as a classic script (IIFE) with Graphviz's WebAssembly inlined. It talks only
// through `self`, so layout-engine.js can also run this same text on the main thread by
// passing a stand-in `self` when a page forbids blob workers. The engine stops a worker
// that takes too long (terminate) and starts a fresh one.
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { columnsLayout } from "./layout.js";

let graphviz = Graphviz.load(); // once per worker

graphviz.then(
  () => self.postMessage({ ready: true }),
  (err) => self.postMessage({ ready: false, error: String(err?.message ?? err) }),
);

self.onmessage = async ({ data: { id, dot, columns } }) => {
  try {
    if (columns) return self.postMessage({ id, layout: columnsLayout(columns) });
    const json = (await graphviz).layout(dot, "json0", "dot");
    self.postMessage({ id, json });
  } catch (err) {
    // After an error inside Graphviz (a stack overflow in its WebAssembly) its module may
    // be left half-way: load a fresh one for the next request.
    if (!columns) graphviz = Graphviz.load();
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
