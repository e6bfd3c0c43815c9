import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { Link } from "react-router";
import { listObjects, type ResourceType } from "../../api/client";
import type { KubeObject, ServedKind } from "../../api/types";
import { follow } from "../../api/watch";
import { ErrorMessage } from "../../components/ErrorMessage";
import { ageOf, humanDuration } from "../../components/table/age";
import { listUrl, objectUrl } from "../../routes";
import { kindOf, typeOfKind, useCluster } from "../../shell/context";
import { pluralTitle } from "../../shell/kinds";
import { namespaceSearch } from "../../shell/namespaces";
import { LiveTable } from "../list/liveTable";
import { countStatuses, eventTime, recentEvents, workloadReadiness } from "./summary";
import "./overview.css";

const PODS: ResourceType = { group: "", version: "v1", resource: "pods" };
const EVENTS: ResourceType = { group: "", version: "v1", resource: "events" };
const WORKLOADS: ResourceType[] = [
  { group: "apps", version: "v1", resource: "deployments" },
  { group: "apps", version: "v1", resource: "statefulsets" },
  { group: "apps", version: "v1", resource: "daemonsets" },
  { group: "batch", version: "v1", resource: "jobs" },
];
/** Workloads and events are read again this often; pods are followed live. */
const REFRESH_MS = 15_000;

type Loaded<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Every `REFRESH_MS`, the objects of `kinds` and the Warning events in `namespaces`. */
function usePolled(cluster: string, kinds: ServedKind[], namespaces: string[]) {
  const [data, setData] = useState<{ workloads: Map<string, Loaded<KubeObject[]>>; events: Loaded<KubeObject[]> } | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    const settle = <T,>(promise: Promise<T>): Promise<Loaded<T>> =>
      promise.then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
    Promise.all([
      Promise.all(kinds.map((kind) => settle(listObjects(cluster, kind, { namespaces })).then((r) => [kind.resource, r] as const))),
      settle(listObjects(cluster, EVENTS, { namespaces, fieldSelector: "type=Warning" })),
    ]).then(([workloads, events]) => {
      if (cancelled) return;
      setData({
        workloads: new Map(workloads.map(([resource, r]) => [resource, r.ok ? { ok: true, value: r.value.items } : r])),
        events: events.ok ? { ok: true, value: events.value.items } : events,
      });
      setLoadedAt(Date.now());
    });
    const timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [cluster, kinds, namespaces, tick]);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { data, loadedAt, refresh };
}

/** The pods in `namespaces`, followed live as Table rows (the STATUS column kubectl prints). */
function usePods(cluster: string, served: boolean, namespaces: string[]) {
  const table = useMemo(() => new LiveTable(), [cluster, namespaces]);
  useEffect(() => {
    if (!served) return;
    return follow(cluster, PODS, { namespaces }, "table", {
      snapshot: (items, complete, columns) => table.snapshot(items, complete, columns),
      more: (items, complete) => table.more(items, complete),
      change: (type, row) => table.change(type, row),
      error: (message) => table.error(message),
    });
  }, [cluster, served, namespaces, table]);
  const state = useSyncExternalStore(table.subscribe, table.state);
  const statuses = useMemo(() => {
    const index = state.columns?.findIndex((c) => c.name === "Status") ?? -1;
    return countStatuses(state.rows.map((row) => String(index >= 0 ? (row.row.cells[index] ?? "") : "")));
  }, [state]);
  return { state, statuses };
}

/** `/c/:cluster`: the health of workloads in the chosen namespaces, and what went wrong lately. */
export function Overview() {
  const { cluster, kinds, namespaces } = useCluster();
  const search = namespaceSearch(namespaces);
  const podKind = kindOf(kinds, PODS);
  const workloadKinds = useMemo(() => WORKLOADS.flatMap((type) => kindOf(kinds, type) ?? []), [kinds]);
  const pods = usePods(cluster, !!podKind, namespaces);
  const { data, loadedAt, refresh } = usePolled(cluster, workloadKinds, namespaces);
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  const scope = namespaces.length ? `in ${namespaces.join(", ")}` : "in all namespaces";

  return (
    <div className="overview">
      <div className="overview-header">
        <h1>Overview</h1>
        <p className="overview-scope">
          {cluster} · {scope}
        </p>
        <p className="overview-refresh">
          {loadedAt ? <>Workloads and events as of {humanDuration(now - loadedAt)} ago · </> : null}
          <button type="button" className="link-button" onClick={refresh}>
            Refresh
          </button>
        </p>
      </div>

      <div className="cards">
        {podKind ? (
          <section className="card" aria-labelledby="overview-pods">
            <h2 id="overview-pods">
              <Link to={listUrl(cluster, podKind, search)}>Pods</Link>
            </h2>
            {pods.state.error ? (
              <ErrorMessage error={pods.state.error} title="Cannot follow pods" />
            ) : pods.state.loading ? (
              <p className="loading">Loading…</p>
            ) : (
              <>
                <p className="card-total">
                  <span className="big">{pods.state.total}</span> pods{pods.state.complete ? "" : " so far"}
                </p>
                <StatusBar parts={pods.statuses} total={pods.state.total} />
                <ul className="status-list" aria-label="Pods by status">
                  {pods.statuses.map((s) => (
                    <li key={s.status}>
                      <span className={`dot tone-${s.health}`} aria-hidden="true" />
                      <span className={s.health === "bad" ? "tone-bad" : undefined}>{s.status || "(no status)"}</span>
                      <span className="count">{s.count}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        ) : null}

        {workloadKinds.map((kind) => {
          const loaded = data?.workloads.get(kind.resource);
          return (
            <section key={kind.resource} className="card" aria-labelledby={`overview-${kind.resource}`}>
              <h2 id={`overview-${kind.resource}`}>
                <Link to={listUrl(cluster, kind, search)}>{pluralTitle(kind)}</Link>
              </h2>
              {!loaded ? (
                <p className="loading">Loading…</p>
              ) : !loaded.ok ? (
                <ErrorMessage error={loaded.error} />
              ) : (
                <WorkloadSummary cluster={cluster} kind={kind} objects={loaded.value} search={search} />
              )}
            </section>
          );
        })}
      </div>

      <section className="events" aria-labelledby="overview-events">
        <h2 id="overview-events">Recent warnings</h2>
        {!data ? (
          <p className="loading">Loading…</p>
        ) : !data.events.ok ? (
          <ErrorMessage error={data.events.error} title="Cannot list events" />
        ) : (
          <WarningEvents events={data.events.value} now={now} search={search} />
        )}
      </section>
    </div>
  );
}

/** A bar of the pods' statuses, as parts of the whole. */
function StatusBar({ parts, total }: { parts: { status: string; count: number; health: string }[]; total: number }) {
  if (!total) return null;
  return (
    <div className="status-bar" aria-hidden="true">
      {parts.map((p) => (
        <span key={p.status} className={`bg-${p.health}`} style={{ width: `${(p.count / total) * 100}%` }} title={`${p.status}: ${p.count}`} />
      ))}
    </div>
  );
}

function WorkloadSummary({ cluster, kind, objects, search }: { cluster: string; kind: ServedKind; objects: KubeObject[]; search: string }) {
  const readiness = objects.map((o) => ({ object: o, ...workloadReadiness({ ...o, kind: o.kind ?? kind.kind }) }));
  const unhealthy = readiness.filter((r) => !r.healthy);
  const healthyWord = kind.kind === "Job" ? "not failed" : "ready";
  return (
    <>
      <p className="card-total">
        <span className="big">{objects.length}</span> {objects.length === 1 ? kind.singular : kind.resource}
      </p>
      {objects.length === 0 ? null : (
        <p>
          <span className="tone-ok">{objects.length - unhealthy.length} {healthyWord}</span>
          {unhealthy.length ? (
            <>
              {" · "}
              <span className="tone-bad">
                {unhealthy.length} {kind.kind === "Job" ? "failed" : "not ready"}
              </span>
            </>
          ) : null}
        </p>
      )}
      {unhealthy.length ? (
        <ul className="unhealthy-list" aria-label={`${pluralTitle(kind)} ${kind.kind === "Job" ? "failed" : "not ready"}`}>
          {unhealthy.slice(0, 8).map(({ object, ready, desired }) => (
            <li key={object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`}>
              <Link to={objectUrl(cluster, kind, object.metadata.namespace, object.metadata.name, undefined, search)}>
                {object.metadata.namespace ? `${object.metadata.namespace}/` : ""}
                {object.metadata.name}
              </Link>
              <span className="count">
                {ready}/{desired}
              </span>
            </li>
          ))}
          {unhealthy.length > 8 ? <li className="more">and {unhealthy.length - 8} more</li> : null}
        </ul>
      ) : null}
    </>
  );
}

function WarningEvents({ events, now, search }: { events: KubeObject[]; now: number; search: string }) {
  const { cluster, kinds } = useCluster();
  const recent = useMemo(() => recentEvents(events, 25), [events]);
  if (!recent.length) return <p className="empty">No warning events. </p>;
  return (
    <table className="events-table">
      <thead>
        <tr>
          <th scope="col">Last seen</th>
          <th scope="col">Object</th>
          <th scope="col">Reason</th>
          <th scope="col">Message</th>
          <th scope="col" className="num">
            Count
          </th>
        </tr>
      </thead>
      <tbody>
        {recent.map((event) => {
          const involved = event.involvedObject ?? event.regarding ?? {};
          const kind = involved.kind && typeOfKind(kinds, involved.apiVersion ?? "v1", involved.kind);
          const label = `${involved.kind ?? "?"}/${involved.name ?? "?"}`;
          return (
            <tr key={event.metadata.uid ?? event.metadata.name}>
              <td>{ageOf(eventTime(event), now)}</td>
              <td>
                {kind && involved.name ? (
                  <Link to={objectUrl(cluster, kind, involved.namespace, involved.name, undefined, search)}>{label}</Link>
                ) : (
                  label
                )}
                {involved.namespace ? <span className="muted"> in {involved.namespace}</span> : null}
              </td>
              <td className="tone-warn">{event.reason}</td>
              <td className="message">{event.message ?? event.note}</td>
              <td className="num">{event.count ?? event.series?.count ?? 1}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
