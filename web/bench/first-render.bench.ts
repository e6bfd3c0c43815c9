// Time to the first rendered list of N pods: from navigation to the first rows on screen, and
// to the whole list loaded (the row count showing N), cold (the server's shared watch starts
// with this page: it lists every pod first) and warm (a second page while the watch runs).

import { test } from "@playwright/test";
import { create, seedPods, startAll } from "../e2e/cluster";
import { signedIn } from "../e2e/users";

const SIZES = (process.env.BENCH_PODS ?? "10000,100000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

for (const pods of SIZES) {
  test(`${pods} pods`, async ({ browser }) => {
    const binary = process.env.CONCORD_BIN;
    if (!binary) throw new Error("CONCORD_BIN must name the concord binary");
    const { running, stop } = await startAll(binary);
    process.env.CONCORD_E2E = JSON.stringify(running);
    try {
      const namespace = `bench-${pods}`;
      await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, running.sandbox);
      const seeding = Date.now();
      await seedPods(namespace, pods, running.sandbox, 64);
      console.log(`seeded ${pods} pods in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
      const page = await signedIn(browser, "alice");
      const url = `/c/${running.cluster}/r/core/v1/pods?ns=${namespace}`;
      for (let run = 0; run <= RUNS; run++) {
        await page.goto(`/c/${running.cluster}`);
        // performance.now() counts from the start of the navigation to the list.
        await page.goto(url, { waitUntil: "commit" });
        const options = { polling: "raf" as const, timeout: 300_000 };
        const first = await page
          .waitForFunction(
            () =>
              Array.from(document.querySelectorAll('[role="grid"] a')).some((a) => a.textContent === "bench-000000")
                ? performance.now()
                : 0,
            null,
            options,
          )
          .then((handle) => handle.jsonValue());
        const all = await page
          .waitForFunction(
            (count) => {
              const text = document.querySelector('[data-testid="row-count"]')?.textContent ?? "";
              return text.replace(/,/g, "") === `${count} pods` ? performance.now() : 0;
            },
            pods,
            options,
          )
          .then((handle) => handle.jsonValue());
        const memory = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize ?? 0);
        console.log(
          `${pods} pods, ${run === 0 ? "cold (the server's watch starts)" : `warm run ${run}`}: first rows ${first.toFixed(0)} ms, all rows ${all.toFixed(0)} ms, JS heap ${(memory / 2 ** 20).toFixed(0)} MiB`,
        );
      }
    } finally {
      await stop();
    }
  });
}

