// The page's one layout engine. Python ships the worker source once per kernel in the
// `_worker` trait of a LayoutEngine model; every GraphWidget points at it through `_engine`.
// The worker is started once per page (cached on globalThis, because each widget's ESM
// may be evaluated as its own module instance) and answers DOT text with Graphviz JSON.
//
// Starting can fail in ways a strict page (a Content-Security-Policy) decides: no blob
// workers, no eval, no WebAssembly. Every way ends in an answer: the layouts waiting are
// rejected with a message that says what the page forbids, within a few seconds, never a hang.

const PAGE_KEY = "__gradwidget_layout__";
const CACHE_SIZE = 16; // recent layouts, so re-rendering a view or a mode switch is instant
// How long each way of starting may take to load Graphviz (normally 0.2 s) before the next
// is tried or, after the last, the engine gives up, and how long the widget manager may
// take to find the LayoutEngine model: together under the 5 s a page may wait.
export const START_TIMEOUT_MS = { worker: 2500, "main thread": 1000 };
export const LOOKUP_TIMEOUT_MS = 1000;

/** The page's engine for this widget model: Promise<{ layout(dot) -> Promise<json text> }>. */
export function engineFor(model) {
  const page = globalThis;
  page[PAGE_KEY] ??= loadEngine(model).catch((err) => {
    delete page[PAGE_KEY]; // let the next widget try again
    throw err;
  });
  return page[PAGE_KEY];
}

async function loadEngine(model) {
  const engineModel = await referencedModel(model, model.get("_engine"));
  const source = engineModel.get("_worker");
  if (!source) throw new Error("the layout engine has no worker source");
  return createEngine(source);
}

/**
 * The model a widget reference points at. Python serializes references as
 * "IPY_MODEL_<id>"; some front ends hand the view the referenced model object instead.
 */
export async function referencedModel(model, ref, { timeout = LOOKUP_TIMEOUT_MS } = {}) {
  if (typeof ref === "string" && ref.startsWith("IPY_MODEL_")) {
    const id = ref.slice("IPY_MODEL_".length);
    const found = await within(timeout, model.widget_manager.get_model(id),
      `the page's widget manager did not find the layout engine (model ${id}) within ${timeout / 1000} s`);
    if (typeof found?.get !== "function") throw new Error(`the page has no layout engine model ${id}`);
    return found;
  }
  if (typeof ref?.get === "function") return ref;
  throw new Error("no layout engine: the widget's _engine trait is not set");
}

/**
 * An engine around worker source text. Runs it as a Web Worker from a blob URL; if that
 * cannot start (the constructor throws, the worker errors or reports a failed start, or
 * says nothing within START_TIMEOUT_MS), the same text runs on the main thread; if that
 * fails too, every layout, waiting or later, is rejected with the reasons.
 * Layouts asked for meanwhile wait and are sent once the engine is ready.
 */
export function createEngine(source, { Worker = globalThis.Worker, timeouts = START_TIMEOUT_MS } = {}) {
  const pending = new Map(); // request id -> {dot, resolve, reject}
  const cache = new Map(); // dot -> Promise<json>
  const reasons = []; // why each way of starting failed
  let nextId = 1;
  let where = "worker"; // or "main thread" after a fallback
  let port = null;
  let ready = false;
  let failure = null; // the Error every layout gets once nothing can start
  let timer;

  const send = (id, dot) => port.postMessage({ id, dot });

  const onMessage = (from) => ({ data }) => {
    if (from !== port || failure) return; // a replaced worker's late words
    if ("ready" in data) {
      clearTimeout(timer);
      if (!data.ready) return startFailed(data.error);
      ready = true;
      for (const [id, { dot }] of pending) send(id, dot);
      return;
    }
    const request = pending.get(data.id);
    if (!request) return;
    pending.delete(data.id);
    if (data.error) request.reject(new Error(data.error));
    else request.resolve(data.json);
  };

  const rejectPending = (error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };

  function attempt(open) {
    const timeout = timeouts[where];
    timer = setTimeout(() => startFailed(`it did not start within ${timeout / 1000} s`), timeout);
    try {
      port = open();
      port.onmessage = onMessage(port);
    } catch (err) {
      startFailed(err);
    }
  }

  function startFailed(err) {
    clearTimeout(timer);
    if (ready || failure) return;
    reasons.push(`${where === "worker" ? "as a Web Worker" : "on the page"}: ${why(err, where)}`);
    port?.terminate?.();
    port = null;
    if (where === "worker") {
      where = "main thread";
      return attempt(() => mainThreadPort(source));
    }
    failure = new Error(`the layout engine could not start (${reasons.join("; ")})`);
    rejectPending(failure);
    cache.clear();
  }

  attempt(() => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url);
    worker.onerror = (event) => {
      event.preventDefault?.();
      if (worker !== port) return;
      if (!ready) return startFailed(event.message ?? "");
      // A working worker crashed: fail what it was doing, do not hang.
      rejectPending(new Error(event.message || "the layout worker failed"));
    };
    return worker;
  });

  const layout = (dot) => {
    if (failure) return Promise.reject(failure);
    if (!cache.has(dot)) {
      const answer = new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { dot, resolve, reject });
        if (ready) send(id, dot);
      });
      answer.catch(() => cache.delete(dot));
      cache.set(dot, answer);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
    }
    return cache.get(dot);
  };
  return { layout, get where() { return where; } };
}

/** What a failed start means, in the words of the Content-Security-Policy that causes it. */
function why(err, where) {
  const text = String(err?.message ?? err ?? "");
  if (/WebAssembly|CompileError/i.test(text)) {
    return "Graphviz's WebAssembly is not allowed to run (the page's Content-Security-Policy needs " +
      "'wasm-unsafe-eval' in script-src)";
  }
  if (err?.name === "EvalError" || /unsafe-eval|Evaluating a string/i.test(text)) {
    return "code from text is not allowed to run (the page's Content-Security-Policy needs " +
      "'unsafe-eval' in script-src, or blob: in worker-src)";
  }
  if (where === "worker" && !text) {
    return "the browser refused the worker (the page's Content-Security-Policy may not allow blob: in worker-src)";
  }
  return text;
}

/** `promise`, or a rejection with `message` after `ms` milliseconds. */
function within(ms, promise, message) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs worker source on the main thread: `self` inside it is a stand-in whose
 * postMessage answers us. Messages go through setTimeout, like a real worker's, so
 * callers see the same asynchronous behaviour (the page still blocks during a layout).
 */
function mainThreadPort(source) {
  const port = { onmessage: null, postMessage: (data) => setTimeout(() => scope.onmessage({ data })) };
  const scope = { onmessage: null, postMessage: (data) => setTimeout(() => port.onmessage?.({ data })) };
  new Function("self", source)(scope);
  return port;
}
