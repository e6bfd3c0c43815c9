import { describe, expect, it } from "vitest";
import { changedBy, describeManagedFields, lastChange } from "./changes";
import { deployment } from "./fixtures/deployment";

describe("describeManagedFields", () => {
  it("turns each manager's fieldsV1 into readable paths", () => {
    const [kubectl, controller, apply] = describeManagedFields(deployment());
    expect(kubectl).toEqual({
      manager: "kubectl-client-side-apply",
      operation: "Update",
      time: "2025-11-20T10:00:00Z",
      subresource: undefined,
      fields: [
        'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]',
        "metadata.labels.app",
        'metadata.labels["app.kubernetes.io/part-of"]',
        "spec.selector",
        "spec.template.metadata.labels.app",
        "spec.template.spec.containers[name=web].env[name=MODE].value",
        "spec.template.spec.containers[name=web].image",
        "spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP]",
      ],
    });
    expect(controller.subresource).toBe("status");
    expect(controller.fields).toEqual([
      'metadata.annotations["deployment.kubernetes.io/revision"]',
      "status.availableReplicas",
      "status.conditions[type=Available].status",
      "status.replicas",
    ]);
    expect(apply).toMatchObject({
      manager: "deploy-bot",
      operation: "Apply",
      fields: ["metadata.finalizers[example.com/keep]", "spec.replicas"],
    });
  });

  it("answers nothing for an object without managedFields", () => {
    const object = deployment();
    delete object.metadata.managedFields;
    expect(describeManagedFields(object)).toEqual([]);
    expect(lastChange(object)).toBeUndefined();
  });

  it("shows an index and an element owned only as itself", () => {
    const object = deployment();
    object.metadata.managedFields = [
      { manager: "m", operation: "Update", fieldsV1: { "f:spec": { "f:args": { "i:0": {} }, "f:ports": { 'k:{"port":80}': { ".": {} } } } } },
    ];
    expect(describeManagedFields(object)[0].fields).toEqual(["spec.args[0]", "spec.ports[port=80]"]);
  });
});

describe("lastChange", () => {
  it("is the most recent entry by time, whatever the order", () => {
    expect(lastChange(deployment())).toEqual({
      manager: "kube-controller-manager",
      time: "2025-11-20T10:05:00Z",
      operation: "Update",
    });
  });
});

describe("lastChange of equal times", () => {
  it("is the later entry, as the server appends a manager's first write", () => {
    const object = deployment();
    object.metadata.managedFields = [
      { manager: "concord:alice", operation: "Update", time: "2025-11-20T10:00:00Z" },
      { manager: "concord:bob", operation: "Update", time: "2025-11-20T10:00:00Z" },
    ];
    expect(lastChange(object)?.manager).toBe("concord:bob");
  });
});

describe("changedBy", () => {
  it("names the manager owning the changed field, not a later status writer", () => {
    expect(changedBy(deployment(), ["spec.replicas"])).toEqual({ manager: "deploy-bot", time: "2025-11-20T10:03:00Z" });
    expect(changedBy(deployment(), ["spec.template.spec.containers[name=web].image"])?.manager).toBe(
      "kubectl-client-side-apply",
    );
  });

  it("falls back to the last change when nobody owns the field (a removal)", () => {
    expect(changedBy(deployment(), ["metadata.labels.gone"])?.manager).toBe("kube-controller-manager");
  });
});
