// Kubernetes Dashboard's lost update (its issue #9516), replayed in two browsers: B opens a
// Deployment; A opens it, adds an annotation and saves; B, still on the old copy, adds a label
// and saves. In Concord both changes survive, and B was told that A changed the object.

import { expect, test } from "@playwright/test";
import { kube } from "./cluster";
import { objectPath, signedIn } from "./users";

test("a stale save keeps the other user's change, and says who made it", async ({ browser }) => {
  const deployment = objectPath("apps", "v1", "deployments", "demo", "web", "yaml");
  const bob = await signedIn(browser, "bob");
  await bob.goto(deployment);
  await expect(bob.getByLabel("YAML editor")).toBeVisible();

  const alice = await signedIn(browser, "alice");
  await alice.goto(deployment);
  await alice.getByLabel("New annotation key").fill("owner.example.com/team");
  await alice.getByLabel("New annotation value").fill("payments");
  await alice.getByRole("button", { name: "Add annotation" }).click();
  await alice.getByRole("button", { name: "Review changes" }).click();
  await alice.getByRole("button", { name: "Save", exact: true }).click();
  await expect(alice.getByTestId("save-result")).toContainText("Saved");

  // Bob is told, while editing, that Alice changed the object and what she changed.
  const banner = bob.getByTestId("changed-banner");
  await expect(banner).toContainText("alice");
  await expect(banner).toContainText("owner.example.com/team");
  await bob.screenshot({ path: "screenshots/edit-someone-changed-it.png" });

  // Bob adds his label on his stale copy and saves without merging first.
  await bob.getByLabel("New label key").fill("tier");
  await bob.getByLabel("New label value").fill("frontend");
  await bob.getByRole("button", { name: "Add label" }).click();
  await bob.getByRole("button", { name: "Review changes" }).click();
  await bob.getByRole("button", { name: "Save", exact: true }).click();
  await expect(bob.getByTestId("save-result")).toContainText("Saved");

  const live = await kube("/apis/apps/v1/namespaces/demo/deployments/web");
  expect(live.metadata.annotations?.["owner.example.com/team"]).toBe("payments");
  expect(live.metadata.labels?.tier).toBe("frontend");
  const managers = live.metadata.managedFields.map((entry: { manager: string }) => entry.manager);
  expect(managers).toEqual(expect.arrayContaining(["concord:alice", "concord:bob"]));
});

test("someone else's change merges into the editor with one click", async ({ browser }) => {
  const configMap = objectPath("core", "v1", "configmaps", "demo", "settings", "yaml");
  const bob = await signedIn(browser, "bob");
  await bob.goto(configMap);
  await bob.getByLabel("New label key").fill("reviewed");
  await bob.getByLabel("New label value").fill("yes");
  await bob.getByRole("button", { name: "Add label" }).click();

  // Alice changes the data meanwhile (through the API, as a script or kubectl would).
  await kube("/api/v1/namespaces/demo/configmaps/settings", {
    method: "PATCH",
    headers: { "Content-Type": "application/merge-patch+json" },
    body: JSON.stringify({ data: { level: "4" } }),
  });
  const banner = bob.getByTestId("changed-banner");
  await expect(banner).toContainText("data.level");
  await bob.getByRole("button", { name: "Merge their change" }).click();
  // The editor now holds both: the other change and Bob's label, still unsaved.
  await expect(bob.getByLabel("YAML editor")).toContainText("level: \"4\"");
  await expect(bob.getByLabel("YAML editor")).toContainText("reviewed: \"yes\"");
  await bob.getByRole("button", { name: "Review changes" }).click();
  await bob.getByRole("button", { name: "Save", exact: true }).click();
  await expect(bob.getByTestId("save-result")).toContainText("Saved");
  const live = await kube("/api/v1/namespaces/demo/configmaps/settings");
  expect(live.data.level).toBe("4");
  expect(live.metadata.labels.reviewed).toBe("yes");
});
