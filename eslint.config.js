// ESLint (flat config): the recommended rules on the browser half (js/) and its build and
// test scripts. `npm run lint`.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["gradwidget/static/**", "node_modules/**", "test-artifacts/**"] },
  js.configs.recommended,
  {
    files: ["js/**/*.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    // The layout worker runs as a worker script: `self` is its scope.
    files: ["js/layout-worker.js"],
    languageOptions: { globals: globals.worker },
  },
  {
    files: ["js/build.mjs", "eslint.config.js", "vitest.config.js", "js/test/**/*.js"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_" }],
    },
  },
];
