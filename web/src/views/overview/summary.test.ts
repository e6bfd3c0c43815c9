import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { countStatuses, recentEvents, workloadReadiness } from "./summary";

const object = (kind: string, spec: object, status: object): KubeObject => ({ kind, metadata: { name: "x" }, spec, status });

describe("countStatuses", () => {
  it("counts status words, the worst first", () => {
    expect(countStatuses(["Running", "Running", "Pending", "CrashLoopBackOff", "Completed"])).toEqual([
      { status: "CrashLoopBackOff", count: 1, health: "bad" },
      { status: "Pending", count: 1, health: "warn" },
      { status: "Running", count: 2, health: "ok" },
      { status: "Completed", count: 1, health: "ok" },
    ]);
  });
});

describe("workloadReadiness", () => {
  it("reads deployments and statefulsets by ready replicas", () => {
    expect(workloadReadiness(object("Deployment", { replicas: 3 }, { readyReplicas: 3, updatedReplicas: 3 }))).toEqual({ ready: 3, desired: 3, healthy: true });
    expect(workloadReadiness(object("Deployment", { replicas: 3 }, { readyReplicas: 1 }))).toMatchObject({ healthy: false });
    expect(workloadReadiness(object("StatefulSet", { replicas: 0 }, {}))).toMatchObject({ healthy: true });
    expect(workloadReadiness(object("Deployment", { replicas: 2 }, { readyReplicas: 2, updatedReplicas: 1 }))).toMatchObject({ healthy: false });
  });

  it("reads daemonsets by scheduled pods and jobs by failure", () => {
    expect(workloadReadiness(object("DaemonSet", {}, { desiredNumberScheduled: 4, numberReady: 3 }))).toMatchObject({ ready: 3, desired: 4, healthy: false });
    expect(workloadReadiness(object("Job", { completions: 2 }, { succeeded: 1 }))).toMatchObject({ healthy: true });
    expect(workloadReadiness(object("Job", {}, { conditions: [{ type: "Failed", status: "True" }] }))).toMatchObject({ healthy: false });
  });
});

describe("recentEvents", () => {
  it("orders by the last time each happened", () => {
    const events: KubeObject[] = [
      { metadata: { name: "old" }, lastTimestamp: "2024-01-01T00:00:00Z" },
      { metadata: { name: "series" }, lastTimestamp: "2024-01-01T00:00:00Z", series: { lastObservedTime: "2024-03-01T00:00:00Z" } },
      { metadata: { name: "new" }, eventTime: "2024-02-01T00:00:00.000000Z" },
    ];
    expect(recentEvents(events, 2).map((e) => e.metadata.name)).toEqual(["series", "new"]);
  });
});
