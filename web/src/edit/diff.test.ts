import { describe, expect, it } from "vitest";
import { changedFields } from "./diff";
import { deployment } from "./fixtures/deployment";

describe("changedFields", () => {
  it("reports nothing for identical objects", () => {
    expect(changedFields(deployment(), deployment())).toEqual([]);
  });

  it("ignores server-set metadata and status", () => {
    const other = deployment();
    other.metadata.resourceVersion = "2000";
    other.metadata.generation = 9;
    other.metadata.managedFields = [];
    other.status = { replicas: 1 };
    expect(changedFields(deployment(), other)).toEqual([]);
  });

  it("reports added, removed and changed fields by readable path", () => {
    const other = deployment();
    other.spec.replicas = 5;
    other.metadata.labels!.tier = "frontend";
    delete other.metadata.labels!["app.kubernetes.io/part-of"];
    other.metadata.annotations!["example.com/owner"] = "team-a";
    expect(changedFields(deployment(), other)).toEqual([
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', change: "removed" },
      { path: "metadata.labels.tier", change: "added" },
      { path: 'metadata.annotations["example.com/owner"]', change: "added" },
      { path: "spec.replicas", change: "changed" },
    ]);
  });

  it("reports a mapping added or removed whole by its fields", () => {
    const before = deployment();
    delete before.metadata.annotations;
    const after = deployment();
    delete after.metadata.labels;
    expect(changedFields(before, after)).toEqual([
      { path: "metadata.labels.app", change: "removed" },
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', change: "removed" },
      { path: 'metadata.annotations["deployment.kubernetes.io/revision"]', change: "added" },
      { path: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]', change: "added" },
    ]);
  });

  it("follows keyed list elements by their key, not their index", () => {
    const other = deployment();
    const containers = other.spec.template.spec.containers;
    containers[0].image = "nginx:1.28";
    containers[0].env.push({ name: "DEBUG", value: "1" });
    containers.unshift({ name: "sidecar", image: "envoy" });
    expect(changedFields(deployment(), other)).toEqual([
      { path: "spec.template.spec.containers[name=web].image", change: "changed" },
      { path: "spec.template.spec.containers[name=web].env[name=DEBUG]", change: "added" },
      { path: "spec.template.spec.containers[name=sidecar]", change: "added" },
    ]);
  });

  it("reports a removed element and a changed list of scalars as a whole", () => {
    const before = deployment();
    before.spec.template.spec.containers[0].args = ["--a"];
    const after = deployment();
    after.spec.template.spec.containers[0].args = ["--a", "--b"];
    after.spec.template.spec.containers[0].env = [];
    expect(changedFields(before, after)).toEqual([
      { path: "spec.template.spec.containers[name=web].env[name=MODE]", change: "removed" },
      { path: "spec.template.spec.containers[name=web].args", change: "changed" },
    ]);
  });
});
