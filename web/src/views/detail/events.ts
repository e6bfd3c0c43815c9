// Events about an object, in one shape whichever API wrote them: core/v1 Events (`message`,
// `source`, `count`, first/last timestamps) and events.k8s.io/v1 Events (`note`,
// `reportingController`, `series`, `eventTime`, the `deprecated*` copies of the old fields).

import type { KubeObject } from "../../api/types";

/** One event as the Events tab shows it. */
export interface EventRow {
  uid: string;
  type: string;
  reason: string;
  message: string;
  /** Who reported it: `source.component` (and host), or the reporting controller. */
  source: string;
  count: number;
  firstSeen?: string;
  lastSeen?: string;
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");
const first = (...values: unknown[]): string | undefined =>
  values.find((v): v is string => typeof v === "string" && v !== "");

/** Normalises one event. */
export function eventRow(event: KubeObject): EventRow {
  const source = event.source ?? event.deprecatedSource ?? {};
  const reporter =
    first(source.component, event.reportingComponent, event.reportingController) ?? "";
  const host = first(source.host, event.reportingInstance);
  const firstSeen = first(
    event.firstTimestamp,
    event.deprecatedFirstTimestamp,
    event.eventTime,
    event.metadata.creationTimestamp,
  );
  const lastSeen = first(
    event.series?.lastObservedTime,
    event.lastTimestamp,
    event.deprecatedLastTimestamp,
    event.eventTime,
    firstSeen,
  );
  const count = event.series?.count ?? event.count ?? event.deprecatedCount ?? 1;
  return {
    uid: event.metadata.uid ?? `${event.metadata.namespace}/${event.metadata.name}`,
    type: text(event.type) || "Normal",
    reason: text(event.reason),
    message: first(event.message, event.note) ?? "",
    source: host && host !== reporter ? `${reporter}, ${host}` : reporter,
    count: typeof count === "number" ? count : 1,
    firstSeen,
    lastSeen,
  };
}

const at = (iso: string | undefined) => (iso ? Date.parse(iso) || 0 : 0);

/** Events normalised and sorted newest first (by when they were last seen). */
export function eventRows(events: KubeObject[]): EventRow[] {
  return events.map(eventRow).sort((a, b) => at(b.lastSeen) - at(a.lastSeen) || at(b.firstSeen) - at(a.firstSeen));
}
