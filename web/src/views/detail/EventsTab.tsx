import { getEvents } from "../../api/client";
import type { KubeObject } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { eventRows, type EventRow } from "./events";
import { When } from "./time";
import { usePolled } from "./usePolled";

/** The Events tab: the cluster's events about the object, newest first; re-read when the
 * object changes and every 10 seconds while the tab is open. */
export function EventsTab({ cluster, object }: { cluster: string; object: KubeObject }) {
  const { uid, namespace, resourceVersion } = object.metadata;
  const { data, error } = usePolled(
    uid ? () => getEvents(cluster, uid, namespace).then((list) => eventRows(list.items)) : null,
    `${cluster}/${uid}/${namespace}/${resourceVersion}`,
  );
  const rows: EventRow[] | null = data;

  return (
    <section className="card" aria-labelledby="events-heading">
      <h3 id="events-heading">
        Events {rows && <span className="count">{rows.length}</span>}
      </h3>
      <ErrorMessage error={error} title="Events could not be read" />
      {!rows && !error && <p className="loading">Loading…</p>}
      {rows && rows.length === 0 && (
        <p className="muted">No events. The cluster keeps events for about an hour after the last occurrence.</p>
      )}
      {rows && rows.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Source</th>
                <th scope="col">Count</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((event) => (
                <tr key={event.uid} className={event.type === "Warning" ? "row-warning" : undefined}>
                  <td>
                    <span className={`health health-${event.type === "Warning" ? "bad" : "neutral"}`}>{event.type}</span>
                  </td>
                  <td>{event.reason}</td>
                  <td className="wrap">{event.message}</td>
                  <td>{event.source}</td>
                  <td>{event.count}</td>
                  <td>
                    <When iso={event.firstSeen} />
                  </td>
                  <td>
                    <When iso={event.lastSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
