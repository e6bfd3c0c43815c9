// A real conflict: both users change replicas. Nothing is written until the second user
// chooses, per field, in the resolution view; then the chosen value is live.

import { expect, test, type Page } from "@playwright/test";
import { kube } from "./cluster";
import { objectPath, signedIn } from "./users";

async function save(page: Page) {
  await page.getByRole("button", { name: "Review changes" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
}

// Taking theirs for the only field Bob changed leaves him nothing to write.
for (const [choice, expected, outcome] of [
  ["Keep mine", 5, "Saved"],
  ["Take theirs", 3, "Nothing to save"],
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

    // Bob is typing his change when Alice saves hers; he saves without merging first.
    await bob.getByLabel("Replicas", { exact: true }).fill("5");
    await alice.getByLabel("Replicas", { exact: true }).fill("3");
    await save(alice);
    await expect(alice.getByTestId("save-result")).toContainText("Saved");
    await expect(bob.getByTestId("changed-banner")).toContainText("spec.replicas");
    await save(bob);

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
    await expect(bob.getByTestId("save-result")).toContainText(outcome);
    expect((await kube(`/apis/apps/v1/namespaces/demo/deployments/${name}`)).spec.replicas).toBe(expected);
  });
}
