// What the overview says about workloads: pure counting, kept apart from the page for tests.

import type { KubeObject } from "../../api/types";
import { healthOf, type Health } from "../../components/status";

/** How many pods show each status word (kubectl's STATUS column), worst first. */
export function countStatuses(statuses: Iterable<string>): { status: string; count: number; health: Health }[] {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  const order: Record<Health, number> = { bad: 0, warn: 1, neutral: 2, ok: 3 };
  return [...counts.entries()]
    .map(([status, count]) => ({ status, count, health: healthOf(status) }))
    .sort((a, b) => order[a.health] - order[b.health] || b.count - a.count || a.status.localeCompare(b.status));
}

/** Whether a workload has what it wants: desired replicas ready and up to date. Answers the
 * ready and desired counts too. */
export function workloadReadiness(object: KubeObject): { ready: number; desired: number; healthy: boolean } {
  const status = object.status ?? {};
  switch (object.kind) {
    case "DaemonSet": {
      const desired = status.desiredNumberScheduled ?? 0;
      const ready = status.numberReady ?? 0;
      return { ready, desired, healthy: ready >= desired && (status.updatedNumberScheduled ?? desired) >= desired };
    }
    case "Job": {
      const desired = object.spec?.completions ?? 1;
      const ready = status.succeeded ?? 0;
      const failed = (status.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Failed" && c.status === "True");
      return { ready, desired, healthy: !failed };
    }
    default: {
      const desired = object.spec?.replicas ?? 1;
      const ready = status.readyReplicas ?? 0;
      const updated = status.updatedReplicas ?? ready;
      return { ready, desired, healthy: ready >= desired && updated >= desired };
    }
  }
}

/** When an event last happened. */
export function eventTime(event: KubeObject): string | undefined {
  return event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
}

/** The `limit` most recent events, newest first. */
export function recentEvents(events: KubeObject[], limit: number): KubeObject[] {
  const time = (e: KubeObject) => Date.parse(eventTime(e) ?? "") || 0;
  return [...events].sort((a, b) => time(b) - time(a)).slice(0, limit);
}
