// Screenshots of each main page, light and dark, written to web/screenshots/ by every run:
// how a person sees Concord. Each page is checked for its main content before the picture.

import { expect, test } from "@playwright/test";
import { running, TOKENS } from "./cluster";
import { objectPath, signedIn } from "./users";

test("the sign-in page", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: running().concord });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByLabel("Token")).toBeVisible();
  await page.screenshot({ path: "screenshots/sign-in.png" });
  // A wrong token is refused with the cluster's message, and nothing else happens.
  await page.getByLabel("Token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("401");
  await page.screenshot({ path: "screenshots/sign-in-refused.png" });
  await page.getByLabel("Token").fill(TOKENS.alice);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/c\/sandbox/);
});

for (const scheme of ["light", "dark"] as const) {
  test(`every main page, ${scheme}`, async ({ browser }) => {
    const page = await signedIn(browser, "alice", scheme);
    const shot = (name: string) => page.screenshot({ path: `screenshots/${name}-${scheme}.png` });
    const cluster = running().cluster;

    await page.goto(`/c/${cluster}?ns=demo`);
    await expect(page.getByRole("navigation").first()).toBeVisible();
    await expect(page.getByRole("main")).toContainText(/deployments/i);
    await shot("overview");

    await page.goto(`/c/${cluster}/r/apps/v1/deployments?ns=demo`);
    await expect(page.getByRole("grid", { name: "deployments list" }).getByRole("link", { name: "web", exact: true })).toBeVisible();
    await shot("deployments");

    await page.goto(`/c/${cluster}/r/core/v1/pods`);
    await expect(page.getByTestId("row-count")).toHaveText(/10,?000 pods/, { timeout: 60_000 });
    await shot("pods-all-namespaces");

    const web = objectPath("apps", "v1", "deployments", "demo", "web");
    await page.goto(web);
    await expect(page.getByRole("tab", { name: "Summary" })).toHaveAttribute("aria-selected", "true");
    await expect(page.getByRole("main")).toContainText("nginx:1.27");
    await shot("deployment-summary");

    await page.getByRole("tab", { name: "Edit" }).click();
    await expect(page.getByLabel("YAML editor")).toContainText("kind: Deployment");
    await shot("deployment-edit");
    await page.getByLabel("Replicas", { exact: true }).fill("4");
    await page.getByRole("button", { name: "Review changes" }).click();
    await expect(page.getByRole("main")).toContainText("spec.replicas");
    await shot("deployment-review");
    await page.getByRole("button", { name: "Back to editing" }).click();

    await page.getByRole("tab", { name: "Events" }).click();
    await shot("deployment-events");
    await page.getByRole("tab", { name: "Changes" }).click();
    await expect(page.getByRole("main")).toContainText("e2e-seed");
    await shot("deployment-changes");

    await page.goto(objectPath("core", "v1", "pods", "bulk", "bench-000042"));
    await expect(page.getByRole("main")).toContainText("busybox:1.36");
    await shot("pod-summary");
    await page.getByRole("tab", { name: "Logs" }).click();
    await expect(page.getByLabel("Container")).toBeVisible();
    await shot("pod-logs");

    await page.goto(`/c/${cluster}/create`);
    await expect(page.getByLabel("YAML editor")).toBeVisible();
    await shot("create");
  });
}
