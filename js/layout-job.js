// Laying out one structure at a time: chooses how (Graphviz, or the columns layout when
// Graphviz would take too long or fails), asks the page's layout engine, tells the
// progress ("Laying out 7 nodes… 1.2 s") and can be cancelled for real: cancel() stops
// the worker busy with it. Only the latest structure is ever drawn.
import { plural } from "./format.js";
import { COLUMNS_MAX_ITEMS, DOT_MAX_WORK, DOT_PLAIN_WORK, columnsLayout, layoutWork, parseLayout, toDot } from "./layout.js";

/** How long Graphviz may work in the worker before it is stopped and the graph is laid out
 * in columns instead (ms). */
export const LAYOUT_BUDGET_MS = 15000;
/** On a page that allows no workers a layout blocks the page and cannot be stopped: Graphviz
 * only up to this much work (about a second), the columns layout up to MAIN_THREAD_MAX_WORK
 * (about a second too), and above that nothing. */
export const MAIN_THREAD_DOT_WORK = DOT_PLAIN_WORK;
export const MAIN_THREAD_MAX_WORK = 150000;

const count = (n) => n.toLocaleString("en-US");

/**
 * How `structure` will be laid out on a page whose engine runs `where` ("worker" or "main
 * thread"): {engine: "graphviz" | "columns" | "none", reason, work}. `reason` says why
 * not Graphviz (or why nothing), in words for the page; null when Graphviz.
 */
export function layoutPlan(structure, where = "worker") {
  const work = layoutWork(structure);
  const size = `${count(work.nodes)} node${work.nodes === 1 ? "" : "s"} whose edges cross ${count(work.crossed)} columns`;
  if (where === "main thread") {
    if (work.total > Math.min(MAIN_THREAD_MAX_WORK, COLUMNS_MAX_ITEMS)) {
      return { engine: "none", work, reason: `this page allows no Web Workers, so laying out ${size} would freeze it; ` +
        "open the notebook in a page that allows workers (blob: in worker-src), or draw a smaller graph" };
    }
    if (work.total > MAIN_THREAD_DOT_WORK) {
      return { engine: "columns", work, reason: `laid out in columns: this page allows no Web Workers, and Graphviz would block it for long on ${size}` };
    }
    return { engine: "graphviz", work, reason: null };
  }
  if (work.total > COLUMNS_MAX_ITEMS) {
    return { engine: "none", work, reason: `this graph is too big to draw (${size})` };
  }
  if (work.total > DOT_MAX_WORK) {
    return { engine: "columns", work, reason: `laid out in columns: Graphviz would take minutes on ${size}` };
  }
  return { engine: "graphviz", work, reason: null };
}

/** Why Graphviz gave no layout, for the page (never "Maximum call stack size exceeded"). */
function graphvizFailure(err, budget) {
  if (err?.name === "LayoutTimeout") return `laid out in columns: Graphviz did not finish within ${budget / 1000} s`;
  if (/call stack|stack overflow|too much recursion/i.test(String(err?.message))) {
    return "laid out in columns: Graphviz ran out of stack on this graph";
  }
  return `laid out in columns: Graphviz failed (${err?.message ?? err})`;
}

/**
 * @param {() => Promise<{layout(dot: string, options?): Promise<string>, columns?(structure, options?): Promise<object>, where: string}>} engine
 * @param {{budget?: number}} [options]  budget: ms Graphviz may work in a worker (LAYOUT_BUDGET_MS)
 */
export function createLayoutJob(engine, { budget = LAYOUT_BUDGET_MS } = {}) {
  let generation = 0;
  let clock = null;
  let active = null; // {controller, cancelled} of the run in progress

  /**
   * Lays out `structure`. Calls, unless another run or cancel() came first:
   * - `progress(text, info)` now and every 100 ms: text for the page ("Laying out 2,314
   *   nodes… 1.2 s"); info = {engine: "graphviz" | "columns", seconds, budget (s, or null
   *   where nothing stops it), nodes, note (why columns, or null), cancellable (whether
   *   cancel() really stops the work; false on a page without workers), cancel}.
   * - then `done(layout, ms, info)`, info = {engine, note}: note says why the layout is
   *   the columns one ("laid out in columns: Graphviz did not finish within 15 s"), or null;
   * - or `failed(error)`;
   * - or, after cancel(), `cancelled()`.
   * Returns a promise that settles when this run is over, whichever way.
   */
  function run(structure, { progress, done, failed, cancelled }) {
    stop(false);
    const mine = ++generation;
    const controller = new AbortController();
    active = { controller, cancelled };
    const nodes = plural(structure.nodes.length, "node");
    const started = performance.now();
    const current = () => mine === generation;
    const stage = { engine: "graphviz", note: null, budget: null, cancellable: true, waits: "" };
    const tell = () => {
      if (!current()) return;
      const seconds = (performance.now() - started) / 1000;
      const what = stage.engine === "columns" ? `Laying out ${nodes} in columns` : `Laying out ${nodes}`;
      const late = stage.budget && seconds >= 2 ? ` (at most ${stage.budget} s, then a simpler layout)` : "";
      const time = seconds >= 0.1 ? ` ${seconds.toFixed(1)} s` : "";
      progress(`${what}…${time}${late}${stage.waits}`, {
        engine: stage.engine, seconds, budget: stage.budget, nodes: structure.nodes.length, note: stage.note,
        cancellable: stage.cancellable, cancel,
      });
    };
    tell();
    clock = setInterval(tell, 100);
    const finish = () => { if (current()) { clearInterval(clock); active = null; } };
    const signal = controller.signal;

    const columns = (page, note) => {
      Object.assign(stage, { engine: "columns", note, budget: null });
      tell();
      if (typeof page.columns === "function") return page.columns(structure, { signal });
      return Promise.resolve().then(() => columnsLayout(structure)); // a stand-in engine without workers
    };

    return engine()
      .then(async (page) => {
        if (!current()) return;
        const plan = layoutPlan(structure, page.where);
        const worker = page.where !== "main thread";
        stage.cancellable = worker;
        if (!worker) stage.waits = " (this page allows no workers: the page waits)";
        if (plan.engine === "none") throw new Error(plan.reason);
        let layout, note = plan.reason;
        if (plan.engine === "columns") {
          layout = await columns(page, note);
        } else {
          stage.budget = worker ? budget / 1000 : null;
          tell();
          try {
            layout = parseLayout(await page.layout(toDot(structure), { signal, timeout: worker ? budget : 0 }));
          } catch (err) {
            if (err?.name === "AbortError" || !current()) throw err;
            note = graphvizFailure(err, budget);
            layout = await columns(page, note);
          }
        }
        if (!current()) return;
        finish();
        done(layout, Math.round(performance.now() - started), { engine: stage.engine, note: stage.engine === "columns" ? note : null });
      })
      .catch((err) => {
        if (!current()) return;
        finish();
        failed(err);
      });
  }

  // Ends the run in progress: its callbacks are never called again (but `cancelled`, if
  // `tellCancelled`), and its request is withdrawn from the engine (the worker stopped).
  function stop(tellCancelled) {
    const run = active;
    active = null;
    generation++;
    clearInterval(clock);
    if (!run) return;
    run.controller.abort();
    if (tellCancelled) run.cancelled?.();
  }

  /** Stops the run in progress, if any: the worker busy with it is terminated (a fresh one
   * takes the next request), and the run's `cancelled()` is called. */
  function cancel() {
    stop(true);
  }

  return { run, cancel };
}
