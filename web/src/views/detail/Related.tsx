// Objects related to the one shown, as `kubectl get` would print them (the server's Table),
// each linked to its own page. Re-read when the object changes and every 10 seconds
// (usePolled), since pods come and go without the owner necessarily changing.

import { Link } from "react-router";
import { listTable, type ResourceType } from "../../api/client";
import type { KubeObject, Table, TableRow } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { healthOf, healthOfRatio } from "../../components/status";
import { listUrl, objectUrl } from "../../routes";
import { typeOfKind, useCluster } from "../../shell/context";
import { namespaceSearch } from "../../shell/namespaces";
import type { RelatedQuery } from "./facts";
import { usePolled } from "./usePolled";

// A Service may select thousands of pods: the page shows the first ones and links to the list.
const SHOWN = 100;

/** One related list: a heading and the rows of the server's Table. */
export function RelatedList({ query, version }: { query: RelatedQuery; version: string | undefined }) {
  const { cluster, kinds, namespaces } = useCluster();
  const search = namespaceSearch(namespaces);
  const served = typeOfKind(kinds, query.apiVersion, query.kind);
  const type: ResourceType | undefined = served
    ? { group: served.group, version: served.version, resource: served.resource }
    : undefined;
  const typeKey = type ? `${type.group}/${type.version}/${type.resource}` : "";

  const { data: table, error } = usePolled<Table>(
    type
      ? () =>
          listTable(cluster, type, {
            namespaces: query.namespace ? [query.namespace] : undefined,
            labelSelector: query.labelSelector,
            fieldSelector: query.fieldSelector,
            // Owned objects are found among everything listed, so those lists cannot be cut short.
            limit: query.ownerUid ? undefined : SHOWN,
          })
      : null,
    // `version` (the object's resourceVersion) re-reads the list when the object changes.
    [cluster, typeKey, query.namespace, query.labelSelector, query.fieldSelector, version].join("\u0000"),
  );

  const headingId = `related-${query.title.replace(/\W+/g, "-").toLowerCase()}`;
  if (!type) {
    return (
      <section className="card" aria-labelledby={headingId}>
        <h3 id={headingId}>{query.title}</h3>
        <p className="muted">This cluster does not serve {query.kind} objects.</p>
      </section>
    );
  }
  const rows = (table?.rows ?? []).filter(
    (row) => !query.ownerUid || row.object.metadata.ownerReferences?.some((o) => o.uid === query.ownerUid),
  );
  const more = table?.metadata.continue ? table.metadata.remainingItemCount ?? null : 0;
  const allUrl = () => {
    const params = new URLSearchParams();
    if (query.namespace) params.set("ns", query.namespace);
    if (query.labelSelector) params.set("l", query.labelSelector);
    return listUrl(cluster, type, `?${params}`);
  };
  const columns = (table?.columnDefinitions ?? [])
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.priority === 0);
  const showNamespace = !query.namespace && served?.namespaced;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {query.title}{" "}
        {table && <span className="count">{more === 0 ? rows.length : more === null ? `${rows.length}+` : rows.length + more}</span>}
      </h3>
      {query.labelSelector && (
        <p className="muted small">
          Selected by <code>{query.labelSelector}</code>
          {query.ownerUid ? ", owned by this object" : ""}
        </p>
      )}
      <ErrorMessage error={error} title={`${query.title} could not be listed`} />
      {!table && !error && <p className="loading">Loading…</p>}
      {table && rows.length === 0 && <p className="muted">None.</p>}
      {table && rows.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                {showNamespace && <th scope="col">Namespace</th>}
                {columns.map(({ column }) => (
                  <th key={column.name} scope="col" title={column.description}>
                    {column.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <RelatedRow
                  key={row.object.metadata.uid ?? row.object.metadata.name}
                  row={row}
                  columns={columns}
                  showNamespace={Boolean(showNamespace)}
                  href={objectUrl(cluster, type, row.object.metadata.namespace, row.object.metadata.name, undefined, search)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more !== 0 && (
        <p className="small">
          Showing the first {rows.length}.{" "}
          {!query.fieldSelector && <Link to={allUrl()}>All of them in the {type.resource} list</Link>}
        </p>
      )}
    </section>
  );
}

function RelatedRow({
  row,
  columns,
  showNamespace,
  href,
}: {
  row: TableRow;
  columns: { column: Table["columnDefinitions"][number]; index: number }[];
  showNamespace: boolean;
  href: string;
}) {
  return (
    <tr>
      {showNamespace && <td>{row.object.metadata.namespace}</td>}
      {columns.map(({ column, index }) => {
        const cell = row.cells[index];
        const text = cell === undefined || cell === null ? "" : String(cell);
        if (column.format === "name") {
          return (
            <td key={column.name}>
              <Link to={href}>{text}</Link>
            </td>
          );
        }
        const health = column.name === "Ready" ? healthOfRatio(text) : column.name === "Status" ? healthOf(text) : "neutral";
        return (
          <td key={column.name}>
            {health === "neutral" ? text : <span className={`health health-${health}`}>{text}</span>}
          </td>
        );
      })}
    </tr>
  );
}

/** Every related list of `object`. */
export function RelatedObjects({ object, queries }: { object: KubeObject; queries: RelatedQuery[] }) {
  return (
    <>
      {queries.map((query) => (
        <RelatedList key={query.title} query={query} version={object.metadata.resourceVersion} />
      ))}
    </>
  );
}
