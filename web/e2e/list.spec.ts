// A list of 10,000 pods renders (virtualized) and scrolls to its end, and follows changes live.

import { expect, test } from "@playwright/test";
import { kube, running } from "./cluster";
import { signedIn } from "./users";

test("10,000 pods render, scroll and update in place", async ({ browser }) => {
  const page = await signedIn(browser, "alice");
  const started = Date.now();
  await page.goto(`/c/${running().cluster}/r/core/v1/pods?ns=bulk`);
  const grid = page.getByRole("grid", { name: "pods list" });
  await expect(grid.getByRole("row").nth(1)).toBeVisible();
  const firstRows = Date.now() - started;
  await expect(page.getByTestId("row-count")).toHaveText(/^10,?000 pods$/, { timeout: 60_000 });
  test.info().annotations.push({ type: "timing", description: `first rows after ${firstRows} ms` });
  // Virtualized: far fewer rows in the DOM than in the list.
  expect(await grid.getByRole("row").count()).toBeLessThan(200);
  await page.screenshot({ path: "screenshots/pods-10000.png" });

  // Scroll to the end with the keyboard and by wheel: the last pod shows.
  await grid.getByRole("row").nth(1).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("End");
  await expect(grid.getByRole("link", { name: "bench-009999" })).toBeVisible();
  await page.keyboard.press("Home");
  await expect(grid.getByRole("link", { name: "bench-000000" })).toBeVisible();
  await grid.hover();
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 4000);
  await expect(grid.getByRole("link", { name: "bench-000000" })).toBeHidden();

  // A change arrives in place: the scroll position stays where the user left it.
  const visible = grid.getByRole("link", { name: /bench-\d+/ }).first();
  const name = (await visible.textContent())!.trim();
  const top = await grid.evaluate((element) => {
    const scroller = element.querySelector("[data-scroller]") ?? element;
    return scroller.scrollTop;
  });
  await kube(`/api/v1/namespaces/bulk/pods/${name}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/merge-patch+json" },
    body: JSON.stringify({ metadata: { labels: { touched: "yes" } } }),
  });
  await page.getByLabel("Label selector").fill("touched=yes");
  await page.getByLabel("Label selector").press("Enter");
  await expect(page.getByTestId("row-count")).toHaveText(/^1 pods?$/);
  await expect(grid.getByRole("link", { name })).toBeVisible();
  expect(top).toBeGreaterThan(0);
});
