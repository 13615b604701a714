// Laying out one structure at a time: asks the page's layout engine, tells the progress
// ("Laying out 7 nodes… 1.2 s") and drops the answer for a structure that was replaced
// meanwhile (only the latest one is ever drawn).
import { plural } from "./format.js";
import { parseLayout, toDot } from "./layout.js";

/** @param {() => Promise<{layout(dot: string): Promise<string>, where: string}>} engine */
export function createLayoutJob(engine) {
  let generation = 0;
  let clock = null;

  /**
   * Lays out `structure`: `progress(text)` now and every 100 ms, then `done(layout, ms)` or
   * `failed(error)`, unless another run or cancel() came first. Returns a promise that
   * settles when this run is over either way.
   */
  function run(structure, { progress, done, failed }) {
    const mine = ++generation;
    clearInterval(clock);
    const nodes = plural(structure.nodes.length, "node");
    const started = performance.now();
    let where = "";
    progress(`Laying out ${nodes}…`);
    clock = setInterval(() => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      progress(`Laying out ${nodes}… ${seconds} s${where}`);
    }, 100);
    const current = () => mine === generation;
    return engine()
      .then((page) => {
        if (page.where === "main thread") where = " (this page allows no workers: the page waits)";
        return page.layout(toDot(structure));
      })
      .then((json) => {
        if (!current()) return;
        clearInterval(clock);
        done(parseLayout(json), Math.round(performance.now() - started));
      })
      .catch((err) => {
        if (!current()) return;
        clearInterval(clock);
        failed(err);
      });
  }

  /** Drops the run in progress, if any. */
  function cancel() {
    generation++;
    clearInterval(clock);
  }

  return { run, cancel };
}
