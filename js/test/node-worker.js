// A Web Worker for node (vitest): the worker source runs in a worker_threads thread with a
// `self` that talks to its parent, so the layout engine can be tested with a real worker
// that really computes and is really terminated.
import { Worker as ThreadWorker } from "node:worker_threads";

const PRELUDE = `const { parentPort } = require("node:worker_threads");
const self = { postMessage: (data) => parentPort.postMessage(data), onmessage: null };
parentPort.on("message", (data) => self.onmessage && self.onmessage({ data }));
`;

/** A Worker class for createEngine({Worker}) that runs `source` (the URL is ignored). */
export function nodeWorkerClass(source) {
  return class NodeWorker {
    static made = [];
    constructor() {
      NodeWorker.made.push(this);
      this.thread = new ThreadWorker(PRELUDE + source, { eval: true });
      this.thread.on("message", (data) => this.onmessage?.({ data }));
      this.thread.on("error", (err) => this.onerror?.({ message: err.message, preventDefault() {} }));
      this.exited = new Promise((resolve) => this.thread.once("exit", resolve));
    }
    postMessage(message) { this.thread.postMessage(message); }
    terminate() {
      this.terminated = true;
      this.thread.terminate();
    }
  };
}
