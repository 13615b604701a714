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
 *
 * The worker does one request at a time; the others wait in order. A request may carry
 * `signal` (an AbortSignal: cancelled, it is rejected with an AbortError, and if no one
 * else waits for the same answer and the worker is busy with it, the worker is terminated
 * and a fresh one started for the rest) and `timeout` (ms of work, counted from when the
 * worker takes it: then the worker is terminated and restarted the same way, and the
 * request rejected with an error named "LayoutTimeout"). On the main thread a layout cannot
 * be interrupted: there, cancelling only drops the answer and `timeout` is not enforced
 * (`interruptible` is false: callers should refuse big layouts up front).
 */
export function createEngine(source, { Worker = globalThis.Worker, timeouts = START_TIMEOUT_MS } = {}) {
  const queue = []; // requests waiting for the worker, in order
  const cache = new Map(); // cache key -> request (its promise answers every caller)
  const reasons = []; // why each way of starting failed
  let nextId = 1;
  let where = "worker"; // or "main thread" after a fallback
  let port = null;
  let url = null; // the worker's blob URL, kept for restarts
  let ready = false;
  let busy = null; // the request the worker is working on
  let failure = null; // the Error every layout gets once nothing can start
  let timer;
  let restarts = 0;

  const settle = (request, error, value) => {
    if (request.settled) return;
    request.settled = true;
    clearTimeout(request.timer);
    if (error) request.reject(error);
    else request.resolve(value);
  };

  // The worker's next request, if it is free.
  function pump() {
    if (!ready || busy || failure) return;
    const request = queue.shift();
    if (!request) return;
    busy = request;
    if (request.timeout > 0 && where === "worker") {
      request.timer = setTimeout(() => {
        const error = new Error(`the layout took longer than ${request.timeout / 1000} s and was stopped`);
        error.name = "LayoutTimeout";
        restart(error);
      }, request.timeout);
    }
    port.postMessage({ id: request.id, ...request.message });
  }

  // Stops the busy worker (its request gets `error`) and starts a fresh one for the rest.
  function restart(error) {
    const stopped = busy;
    busy = null;
    if (stopped) settle(stopped, error);
    if (where !== "worker" || failure) return pump();
    port?.terminate?.();
    port = null;
    ready = false;
    restarts++;
    attempt(openWorker);
  }

  const onMessage = (from) => ({ data }) => {
    if (from !== port || failure) return; // a replaced worker's late words
    if ("ready" in data) {
      clearTimeout(timer);
      if (!data.ready) return startFailed(data.error);
      ready = true;
      return pump();
    }
    if (!busy || data.id !== busy.id) return;
    const request = busy;
    busy = null;
    if (data.error) settle(request, new Error(data.error));
    else settle(request, null, "layout" in data ? data.layout : data.json);
    pump();
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
    for (const request of queue.splice(0)) settle(request, failure);
    if (busy) settle(busy, failure);
    busy = null;
    cache.clear();
  }

  function openWorker() {
    url ??= URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url);
    worker.onerror = (event) => {
      event.preventDefault?.();
      if (worker !== port) return;
      if (!ready) return startFailed(event.message ?? "");
      // A working worker crashed: fail what it was doing, never hang, go on with a fresh one.
      restart(new Error(event.message || "the layout worker failed"));
    };
    return worker;
  }
  attempt(openWorker);

  // Nobody waits for `request` any more: forget it, and stop the worker if it is on it.
  function drop(request) {
    if (request.settled) return;
    const error = abortError();
    const queued = queue.indexOf(request);
    if (queued >= 0) {
      queue.splice(queued, 1);
      settle(request, error);
    } else if (busy === request && where === "worker") {
      restart(error);
    } else {
      settle(request, error); // on the main thread: its answer, when it comes, is ignored
    }
  }

  function ask(key, message, { signal, timeout = 0 } = {}) {
    if (failure) return Promise.reject(failure);
    if (signal?.aborted) return Promise.reject(abortError());
    let request = key === undefined ? undefined : cache.get(key);
    if (!request) {
      request = { id: nextId++, message, timeout, users: 0, settled: false };
      request.promise = new Promise((resolve, reject) => { request.resolve = resolve; request.reject = reject; });
      // A cancelled request is asked again next time; a failure (Graphviz's error, the
      // time budget) is remembered: Graphviz is deterministic, it would fail again.
      request.promise.catch((err) => { if (err.name === "AbortError" && cache.get(key) === request) cache.delete(key); });
      if (key !== undefined) {
        cache.set(key, request);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
      }
      queue.push(request);
      pump();
    }
    request.users++;
    if (!signal) return request.promise; // this caller never gives up: the request stays wanted
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(abortError());
        if (--request.users === 0) drop(request);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      request.promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  return {
    /** Graphviz JSON text for DOT text (cached by the text). */
    layout: (dot, options) => ask(dot, { dot }, options),
    /** layout.js's columnsLayout of a structure, computed by the worker (cached by key). */
    columns: (structure, options) => ask(structure.key ? `columns:${structure.key}` : undefined, { columns: structure }, options),
    get where() { return where; },
    /** Whether a layout in progress can be stopped (a worker: yes; the main thread: no). */
    get interruptible() { return where === "worker"; },
    /** How many times a busy worker was stopped and replaced (cancel, timeout, crash). */
    get restarts() { return restarts; },
  };
}

/** The error a cancelled layout is rejected with (name "AbortError"). */
export function abortError() {
  const error = new Error("the layout was cancelled");
  error.name = "AbortError";
  return error;
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
