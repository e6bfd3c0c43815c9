import { defineConfig } from "@playwright/test";
import base from "../playwright.config";

// The console's benchmark (not a test): time to the first rendered list of 10,000 and 100,000
// pods in headless Chromium against a release `concord serve`. `make bench-web` runs it;
// the figures go into BENCHMARKS.md.
export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "*.bench.ts",
  globalSetup: undefined,
  timeout: 900_000,
});
