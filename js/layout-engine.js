// The page's one layout engine. Python ships the worker source once per kernel in the
// `_worker` trait of a LayoutEngine model; every GraphWidget points at it through `_engine`.
// The worker is started once per page (cached on globalThis, because each widget's ESM
// may be evaluated as its own module instance) and answers DOT text with Graphviz JSON.

const PAGE_KEY = "__gradwidget_layout__";
const CACHE_SIZE = 16; // recent layouts, so re-rendering a view or a mode switch is instant

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
export async function referencedModel(model, ref) {
  if (typeof ref === "string" && ref.startsWith("IPY_MODEL_")) {
    return model.widget_manager.get_model(ref.slice("IPY_MODEL_".length));
  }
  if (typeof ref?.get === "function") return ref;
  throw new Error("no layout engine: the widget's _engine trait is not set");
}

/**
 * An engine around worker source text. Runs it as a Web Worker from a blob URL; if the
 * host forbids that (the constructor throws, or the worker errors before answering), the
 * same text runs on the main thread instead and pending requests are sent again.
 */
export function createEngine(source, { Worker = globalThis.Worker } = {}) {
  const pending = new Map(); // request id -> {dot, resolve, reject}
  const cache = new Map(); // dot -> Promise<json>
  let nextId = 1;
  let answered = false;
  let where = "worker"; // or "main thread" after a fallback
  let port;

  const onAnswer = ({ data }) => {
    answered = true;
    const request = pending.get(data.id);
    if (!request) return;
    pending.delete(data.id);
    if (data.error) request.reject(new Error(data.error));
    else request.resolve(data.json);
  };

  const useMainThread = () => {
    where = "main thread";
    port = mainThreadPort(source);
    port.onmessage = onAnswer;
    for (const [id, { dot }] of pending) port.postMessage({ id, dot });
  };

  try {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    port = new Worker(url);
    port.onmessage = onAnswer;
    port.onerror = (event) => {
      event.preventDefault?.();
      if (answered) { // a working worker crashed: fail what it was doing, do not hang
        for (const request of pending.values()) request.reject(new Error(event.message || "the layout worker failed"));
        pending.clear();
        return;
      }
      port.terminate?.();
      useMainThread();
    };
  } catch {
    useMainThread();
  }

  const layout = (dot) => {
    if (!cache.has(dot)) {
      const answer = new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { dot, resolve, reject });
        port.postMessage({ id, dot });
      });
      answer.catch(() => cache.delete(dot));
      cache.set(dot, answer);
      if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
    }
    return cache.get(dot);
  };
  return { layout, get where() { return where; } };
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
