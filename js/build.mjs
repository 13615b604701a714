// Builds the files Python ships (see js/README.md):
//   gradwidget/static/widget.js        GraphWidget's view, no Graphviz (sent once, in the LayoutEngine)
//   gradwidget/static/loader.js        GraphWidget's _esm: loads widget.js from the LayoutEngine
//   gradwidget/static/layout-worker.js classic worker script with Graphviz + WebAssembly
//   gradwidget/static/lossplot.js      LossPlot's _esm (gradwidget/training.py)
// `node js/build.mjs --watch` rebuilds on change (for ANYWIDGET_HMR=1).
import * as esbuild from "esbuild";

const common = { bundle: true, minify: true, target: "es2020", logLevel: "info" };
const builds = [
  { ...common, entryPoints: ["js/widget.js"], format: "esm", outfile: "gradwidget/static/widget.js" },
  { ...common, entryPoints: ["js/loader.js"], format: "esm", outfile: "gradwidget/static/loader.js" },
  { ...common, entryPoints: ["js/layout-worker.js"], format: "iife", outfile: "gradwidget/static/layout-worker.js" },
  { ...common, entryPoints: ["js/lossplot.js"], format: "esm", outfile: "gradwidget/static/lossplot.js" },
];

if (process.argv.includes("--watch")) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
