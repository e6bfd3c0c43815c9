import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { eventRow, eventRows } from "./events";

const coreEvent = (name: string, extra: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name, namespace: "demo", uid: name },
  ...extra,
});

describe("events", () => {
  it("reads a core/v1 event", () => {
    expect(
      eventRow(
        coreEvent("a", {
          type: "Warning",
          reason: "BackOff",
          message: "Back-off restarting failed container",
          source: { component: "kubelet", host: "node-a" },
          count: 12,
          firstTimestamp: "2026-01-01T00:00:00Z",
          lastTimestamp: "2026-01-01T00:10:00Z",
        }),
      ),
    ).toEqual({
      uid: "a",
      type: "Warning",
      reason: "BackOff",
      message: "Back-off restarting failed container",
      source: "kubelet, node-a",
      count: 12,
      firstSeen: "2026-01-01T00:00:00Z",
      lastSeen: "2026-01-01T00:10:00Z",
    });
  });

  it("reads an events.k8s.io/v1 event with a series", () => {
    const row = eventRow(
      coreEvent("b", {
        apiVersion: "events.k8s.io/v1",
        type: "Normal",
        reason: "ScalingReplicaSet",
        note: "Scaled up replica set web-1 to 3",
        reportingController: "deployment-controller",
        eventTime: "2026-01-01T00:00:00.000000Z",
        series: { count: 3, lastObservedTime: "2026-01-01T00:05:00.000000Z" },
      }),
    );
    expect(row).toMatchObject({
      message: "Scaled up replica set web-1 to 3",
      source: "deployment-controller",
      count: 3,
      firstSeen: "2026-01-01T00:00:00.000000Z",
      lastSeen: "2026-01-01T00:05:00.000000Z",
    });
  });

  it("counts a single event once and defaults its type", () => {
    expect(eventRow(coreEvent("c", { reason: "Created", metadata: { name: "c", creationTimestamp: "2026-01-01T00:00:00Z" } }))).toMatchObject({
      type: "Normal",
      count: 1,
      firstSeen: "2026-01-01T00:00:00Z",
      lastSeen: "2026-01-01T00:00:00Z",
    });
  });

  it("sorts newest first by when they were last seen", () => {
    const rows = eventRows([
      coreEvent("old", { lastTimestamp: "2026-01-01T00:00:00Z" }),
      coreEvent("new", { lastTimestamp: "2026-01-01T02:00:00Z" }),
      coreEvent("mid", { lastTimestamp: "2026-01-01T01:00:00Z" }),
    ]);
    expect(rows.map((r) => r.uid)).toEqual(["new", "mid", "old"]);
  });
});
