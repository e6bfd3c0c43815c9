// A real conflict: both users change replicas. Nothing is written until the second user
// chooses, per field, in the resolution view; then the chosen value is live.

import { expect, test, type Page } from "@playwright/test";
import { kube } from "./cluster";
import { objectPath, signedIn } from "./users";

async function setReplicas(page: Page, replicas: number) {
  const input = page.getByLabel("Replicas", { exact: true });
  await input.fill(String(replicas));
  await page.getByRole("button", { name: "Review changes" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
}

for (const [choice, expected] of [
  ["Keep mine", 5],
  ["Take theirs", 3],
] as const) {
  test(`both change replicas: the conflict view, then "${choice}" is live`, async ({ browser }) => {
    const name = choice === "Keep mine" ? "api-mine" : "api-theirs";
    await kube("/apis/apps/v1/namespaces/demo/deployments", {
      method: "POST",
      body: JSON.stringify({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: "demo" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "api", image: "api:1" }] } },
        },
      }),
    });
    const path = objectPath("apps", "v1", "deployments", "demo", name, "yaml");
    const alice = await signedIn(browser, "alice");
    const bob = await signedIn(browser, "bob");
    await alice.goto(path);
    await bob.goto(path);
    await expect(bob.getByLabel("Replicas", { exact: true })).toHaveValue("1");

    await setReplicas(alice, 3);
    await expect(alice.getByTestId("save-result")).toContainText("Saved");
    await setReplicas(bob, 5);

    const conflicts = bob.getByRole("region", { name: "Conflicts" });
    await expect(conflicts).toBeVisible();
    const field = conflicts.getByRole("radiogroup", { name: /replicas/ });
    await expect(field).toContainText("3");
    await expect(field).toContainText("5");
    // Nothing was written: Alice's value is still live.
    expect((await kube(`/apis/apps/v1/namespaces/demo/deployments/${name}`)).spec.replicas).toBe(3);
    await bob.screenshot({ path: `screenshots/conflict-${choice === "Keep mine" ? "mine" : "theirs"}.png` });

    await field.getByRole("radio", { name: choice }).check();
    await conflicts.getByRole("button", { name: "Save with these choices" }).click();
    await expect(bob.getByTestId("save-result")).toContainText("Saved");
    expect((await kube(`/apis/apps/v1/namespaces/demo/deployments/${name}`)).spec.replicas).toBe(expected);
  });
}
