import { defineConfig } from "@playwright/test";

// The console in Debian's Chromium (never a downloaded browser), against a real `concord serve`
// in token mode over a real sandbox cluster, both started by e2e/setup.ts.
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/setup.ts",
  // The tests share one cluster and one server; they run one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    browserName: "chromium",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
});
