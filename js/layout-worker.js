// The layout worker: says {ready: true} once Graphviz is loaded (or {ready: false, error}),
// then receives {id, dot} and answers {id, json} or {id, error}.
// Built as a classic script (IIFE) with Graphviz's WebAssembly inlined. It talks only
// through `self`, so layout-engine.js can also run this same text on the main thread by
// passing a stand-in `self` when a page forbids blob workers.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

const graphviz = Graphviz.load(); // once per worker

graphviz.then(
  () => self.postMessage({ ready: true }),
  (err) => self.postMessage({ ready: false, error: String(err?.message ?? err) }),
);

self.onmessage = async ({ data: { id, dot } }) => {
  try {
    const json = (await graphviz).layout(dot, "json0", "dot");
    self.postMessage({ id, json });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
