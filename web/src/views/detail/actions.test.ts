import { describe, expect, it } from "vitest";
import type { KubeObject, ServedKind } from "../../api/types";
import { canRestart, canScale, describeConflict, RESTARTED_AT, rfc3339, withReplicas, withRestartedAt } from "./actions";

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "demo", uid: "u", resourceVersion: "25" },
  spec: { replicas: 2, template: { metadata: { labels: { app: "web" } }, spec: { containers: [] } } },
};

const served = (subresources: string[]): ServedKind => ({
  group: "apps",
  version: "v1",
  preferred: true,
  kind: "Deployment",
  resource: "deployments",
  singular: "deployment",
  namespaced: true,
  verbs: ["get", "patch"],
  shortNames: [],
  categories: [],
  subresources,
});

describe("scale", () => {
  it("changes spec.replicas only and leaves the base untouched", () => {
    const mine = withReplicas(deployment, 5);
    expect(mine.spec.replicas).toBe(5);
    expect(deployment.spec.replicas).toBe(2);
    expect({ ...mine, spec: { ...mine.spec, replicas: 2 } }).toEqual(deployment);
    expect(mine.metadata.resourceVersion).toBe("25");
  });

  it("is offered for kinds with the scale subresource or a spec.replicas", () => {
    expect(canScale(deployment, served(["status", "scale"]))).toBe(true);
    expect(canScale({ ...deployment, spec: {} }, served(["status", "scale"]))).toBe(true);
    expect(canScale({ ...deployment, spec: {} }, served(["status"]))).toBe(false);
    expect(canScale(deployment, undefined)).toBe(true);
  });
});

describe("restart", () => {
  it("annotates the pod template with the time in RFC 3339, as kubectl rollout restart", () => {
    const at = new Date("2026-03-04T05:06:07.890Z");
    expect(rfc3339(at)).toBe("2026-03-04T05:06:07Z");
    const mine = withRestartedAt(deployment, at);
    expect(mine.spec.template.metadata).toEqual({
      labels: { app: "web" },
      annotations: { [RESTARTED_AT]: "2026-03-04T05:06:07Z" },
    });
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
  });

  it("keeps the template's other annotations and replaces an older restart", () => {
    const annotated = structuredClone(deployment);
    annotated.spec.template.metadata.annotations = { keep: "me", [RESTARTED_AT]: "2020-01-01T00:00:00Z" };
    const mine = withRestartedAt(annotated, new Date("2026-01-01T00:00:00Z"));
    expect(mine.spec.template.metadata.annotations).toEqual({ keep: "me", [RESTARTED_AT]: "2026-01-01T00:00:00Z" });
  });

  it("creates the template metadata when there is none", () => {
    const bare: KubeObject = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "d" }, spec: { template: {} } };
    expect(withRestartedAt(bare, new Date(0)).spec.template.metadata.annotations[RESTARTED_AT]).toBe("1970-01-01T00:00:00Z");
  });

  it("applies to Deployments, StatefulSets and DaemonSets only", () => {
    expect(canRestart(deployment)).toBe(true);
    expect(canRestart({ ...deployment, kind: "StatefulSet" })).toBe(true);
    expect(canRestart({ ...deployment, kind: "DaemonSet" })).toBe(true);
    expect(canRestart({ ...deployment, kind: "ReplicaSet" })).toBe(false);
    expect(canRestart({ ...deployment, apiVersion: "example.com/v1" })).toBe(false);
  });
});

describe("conflicts in words", () => {
  it("says who changed replicas to what", () => {
    expect(describeConflict({ path: "/spec/replicas", base: 2, theirs: 5, mine: 3 })).toBe(
      "Someone else changed replicas to 5 meanwhile (it was 2)",
    );
    expect(describeConflict({ path: "/spec/template/metadata/annotations/x", base: "a", mine: "b" })).toBe(
      "Someone else removed /spec/template/metadata/annotations/x meanwhile (it was a)",
    );
  });
});
