// Unit tests of the browser half live in js/test (the Python tests are in tests/).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["js/test/**/*.test.js"] },
});
