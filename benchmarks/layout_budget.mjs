/* global console, performance, process */
// Layout time of big structures, before and after the layout budget (js/layout-job.js).
//
//   node benchmarks/layout_budget.mjs [--cap 300] [--no-before] FILE.json...
//
// Each FILE holds a structure (benchmarks/layout_budget.py writes the demo losses).
// before: the DOT the page sent until now (toDot without DOT_BOUNDS) laid out by Graphviz,
//         in a fresh node process, stopped after --cap seconds.
// after:  the page's real path: createLayoutJob over createEngine with the worker source in
//         a worker thread (js/test/node-worker.js), Graphviz or the columns layout, as chosen.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { createEngine } from "../js/layout-engine.js";
import { createLayoutJob } from "../js/layout-job.js";
import { DOT_BOUNDS, layoutWork, toDot } from "../js/layout.js";
import { nodeWorkerClass } from "../js/test/node-worker.js";

const args = process.argv.slice(2);
const here = fileURLToPath(import.meta.url);

if (args[0] === "--one") { // child: one plain Graphviz layout, prints seconds or the error
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  const dot = toDot(JSON.parse(readFileSync(args[1], "utf8"))).replace(` ${DOT_BOUNDS}`, "");
  const started = performance.now();
  try {
    graphviz.layout(dot, "json0", "dot");
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
  } catch (err) {
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, error: String(err.message ?? err) }));
  }
  process.exit(0);
}

const cap = args.includes("--cap") ? Number(args[args.indexOf("--cap") + 1]) : 300;
const files = args.filter((a, i) => a.endsWith(".json") && args[i - 1] !== "--cap");
const before = !args.includes("--no-before");

const built = await esbuild.build({ entryPoints: ["js/layout-worker.js"], bundle: true, format: "iife", write: false, minify: true });
const source = built.outputFiles[0].text;
const Worker = nodeWorkerClass(source);
const engine = createEngine(source, { Worker, timeouts: { worker: 10000, "main thread": 1000 } });
const job = createLayoutJob(async () => engine);

function plain(file) {
  const run = spawnSync(process.execPath, [here, "--one", file], { timeout: cap * 1000, encoding: "utf8" });
  if (run.error?.code === "ETIMEDOUT") return `> ${cap} s (stopped)`;
  const answer = JSON.parse(run.stdout.trim().split("\n").pop());
  return answer.error ? `${answer.error} after ${answer.seconds.toFixed(1)} s` : `${answer.seconds.toFixed(1)} s`;
}

function after(structure) {
  const started = performance.now();
  return new Promise((resolve) => {
    job.run(structure, {
      progress() {},
      done: (_layout, _ms, info) => resolve({ seconds: (performance.now() - started) / 1000, ...info }),
      failed: (error) => resolve({ seconds: (performance.now() - started) / 1000, engine: "failed", note: error.message }),
    });
  });
}

await engine.layout("digraph { warm }"); // the worker started, Graphviz loaded
console.log("| nodes | edges | columns crossed | before: plain dot | after | layout | note |");
console.log("|---|---|---|---|---|---|---|");
for (const file of files) {
  const structure = JSON.parse(readFileSync(file, "utf8"));
  const work = layoutWork(structure);
  const old = before ? plain(file) : "";
  const now = await after(structure);
  const n = (x) => x.toLocaleString("en-US");
  console.log(`| ${n(work.nodes)} | ${n(work.edges)} | ${n(work.crossed)} | ${old} | ${now.seconds.toFixed(2)} s | ${now.engine} | ${now.note ?? ""} |`);
}
for (const worker of Worker.made) worker.terminate();
