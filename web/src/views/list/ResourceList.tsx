import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { Link, useLocation, useNavigate, useNavigationType, useParams, useSearchParams } from "react-router";
import type { ServedKind, TableColumn } from "../../api/types";
import { follow } from "../../api/watch";
import { ErrorMessage } from "../../components/ErrorMessage";
import { DataTable } from "../../components/table/DataTable";
import { nameFilter } from "../../components/table/sort";
import { clusterUrl, createUrl, objectUrl, typeOf } from "../../routes";
import { kindOf, useCluster } from "../../shell/context";
import { pluralTitle } from "../../shell/kinds";
import { namespaceSearch } from "../../shell/namespaces";
import { useShownList } from "../../shell/shown";
import { buildColumns, columnSortValue } from "./columns";
import { DeleteDialog, type DeleteTarget } from "./DeleteDialog";
import { LiveTable, type Row } from "./liveTable";
import "./list.css";

/** `/c/:cluster/r/:group/:version/:resource`: every object of a kind, live. */
export function ResourceList() {
  const params = useParams();
  const { cluster, kinds, namespaces } = useCluster();
  const type = typeOf(params);
  const kind = kindOf(kinds, type);
  if (!kind) {
    const name = `${type.group || "core"}/${type.version}/${type.resource}`;
    return (
      <div className="page-error">
        <h1>Not served here</h1>
        <p>
          The cluster “{cluster}” does not serve <code>{name}</code>.{" "}
          <Link to={`${clusterUrl(cluster)}${namespaceSearch(namespaces)}`}>Back to the overview</Link>
        </p>
      </div>
    );
  }
  return <KindList key={`${cluster}/${kind.group}/${kind.version}/${kind.resource}`} kind={kind} />;
}

const NO_COLUMNS: TableColumn[] = [];
const rowKey = (row: Row) => row.key;
const rowLabel = (row: Row) => (row.namespace ? `${row.namespace}/${row.name}` : row.name);
const rowClass = (row: Row) =>
  row.row.conditions?.some((c) => c.type === "Completed" && c.status === "True") ? "muted" : undefined;

/** A text kept in the URL, edited at once: React Router lands navigations in a transition, so
 * an input bound to the URL alone would lag and jump while typing. Navigations made elsewhere
 * (a link, back and forward) replace the draft; this page's own are replacements and don't. */
function useUrlDraft(value: string): [string, (text: string) => void] {
  const [draft, setDraft] = useState(value);
  const location = useLocation();
  const navigationType = useNavigationType();
  useEffect(() => {
    if (navigationType !== "REPLACE") setDraft(value);
    // Only a new location may replace the draft, not the URL catching up with it.
  }, [location.key, navigationType]);
  return [draft, setDraft];
}

/** The clock for ages, ticking every `ms`. */
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

function KindList({ kind }: { kind: ServedKind }) {
  const { cluster, namespaces } = useCluster();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [filterText, setFilterText] = useUrlDraft(search.get("q") ?? "");
  const selector = search.get("l") ?? "";
  const sortColumn = search.get("sort");
  const desc = search.get("desc") === "1";
  const [selectorDraft, setSelectorDraft] = useState(selector);
  const [wide, setWide] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [deleting, setDeleting] = useState<DeleteTarget[] | null>(null);
  const [restarts, setRestarts] = useState(0);
  const now = useNow(2000);

  const shownNamespaces = useMemo(() => (kind.namespaced ? namespaces : []), [kind.namespaced, namespaces]);
  const nsSearch = namespaceSearch(namespaces);
  const noun = kind.resource;

  // One table per stream: a new namespace choice or label selector (or a retry) follows afresh.
  const table = useMemo(() => new LiveTable(), [cluster, kind, shownNamespaces, selector, restarts]);
  useEffect(
    () =>
      follow(cluster, kind, { namespaces: shownNamespaces, labelSelector: selector || undefined }, "table", {
        snapshot: (items, complete, columns) => table.snapshot(items, complete, columns),
        more: (items, complete) => table.more(items, complete),
        change: (type, row) => table.change(type, row),
        error: (message) => table.error(message),
      }),
    [cluster, kind, shownNamespaces, selector, table],
  );
  const state = useSyncExternalStore(table.subscribe, table.state);
  useShownList(useMemo(() => ({ kind, names: () => table.rows() }), [kind, table]));
  useEffect(() => setSelectorDraft(selector), [selector]);

  const definitions = state.columns ?? NO_COLUMNS;
  const sortValue = useMemo(() => (sortColumn ? columnSortValue(definitions, sortColumn) : null), [definitions, sortColumn]);
  useEffect(() => {
    const match = filterText.trim() ? nameFilter(filterText) : null;
    table.setView({ filter: match && ((row: Row) => match(row.name)), sortValue, desc });
  }, [table, filterText, sortValue, desc]);

  const showNamespace = kind.namespaced && shownNamespaces.length !== 1;
  const columns = useMemo(
    () => buildColumns({ cluster, kind, definitions, wide, showNamespace, sample: table.state().rows, search: nsSearch }),
    // Sized once per snapshot (`generation`), so widths do not jump while rows change.
    [cluster, kind, definitions, wide, showNamespace, nsSearch, state.generation, table],
  );

  const update = useCallback(
    (changes: Record<string, string | null>) =>
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          return next;
        },
        { replace: true },
      ),
    [setSearch],
  );

  const onSort = useCallback(
    (column: string) => {
      if (sortColumn !== column) update({ sort: column, desc: null });
      else if (!desc) update({ desc: "1" });
      else update({ sort: null, desc: null });
    },
    [sortColumn, desc, update],
  );

  const onOpen = useCallback(
    (row: Row) => navigate(objectUrl(cluster, kind, row.namespace || undefined, row.name, undefined, nsSearch)),
    [navigate, cluster, kind, nsSearch],
  );

  // Recomputed with every change of the rows (`state`): a deleted row is no longer selected.
  const selectedRows = useMemo(() => [...selected].flatMap((key) => table.get(key) ?? []), [selected, table, state]);

  const openDelete = () =>
    setDeleting(
      selectedRows.map((row) => ({
        key: row.key,
        name: row.name,
        namespace: row.namespace,
        base: {
          apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
          kind: kind.kind,
          metadata: {
            name: row.name,
            namespace: row.namespace || undefined,
            uid: row.row.object.metadata.uid,
            resourceVersion: row.row.object.metadata.resourceVersion,
          },
        },
      })),
    );

  const filtered = filterText.trim() !== "";
  const countText = filtered ? `${state.rows.length} of ${state.total} ${noun}` : `${state.total} ${state.total === 1 ? kind.singular : noun}`;
  const where = kind.namespaced
    ? shownNamespaces.length === 0
      ? "in any namespace"
      : `in ${shownNamespaces.join(", ")}`
    : "in the cluster";

  let empty;
  if (state.loading) empty = <p className="loading">Loading {noun}…</p>;
  else if (filtered && state.total > 0) {
    empty = (
      <p>
        No {noun} match “{filterText}”.{" "}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setFilterText("");
            update({ q: null });
          }}
        >
          Clear the filter
        </button>
      </p>
    );
  } else {
    empty = (
      <p>
        No {noun} {where}
        {selector ? ` match the label selector “${selector}”` : ""}.
      </p>
    );
  }

  return (
    <div className="list-page">
      <div className="list-header">
        <h1>
          {pluralTitle(kind)}
          <span className="list-kind">
            {kind.group ? `${kind.group}/` : ""}
            {kind.version}
          </span>
        </h1>
        {state.loading || (state.error && state.total === 0) ? null : (
          <p className="row-count" data-testid="row-count">
            {countText}
            {state.complete || state.error ? "" : " (loading…)"}
          </p>
        )}
        <div className="list-actions">
          <button type="button" className="danger" disabled={selectedRows.length === 0} onClick={openDelete}>
            Delete{selectedRows.length ? ` (${selectedRows.length})` : ""}
          </button>
          <Link className="button primary" to={`${createUrl(cluster)}${nsSearch}`}>
            Create
          </Link>
        </div>
      </div>
      <div className="list-toolbar">
        <input
          type="search"
          aria-label="Filter by name"
          placeholder="Filter by name (text or regex)"
          value={filterText}
          onChange={(e) => {
            setFilterText(e.target.value);
            update({ q: e.target.value });
          }}
        />
        <form
          className="selector-form"
          onSubmit={(e) => {
            e.preventDefault();
            update({ l: selectorDraft.trim() });
          }}
        >
          <input
            type="search"
            aria-label="Label selector"
            placeholder="Label selector, e.g. app=web,tier!=db"
            value={selectorDraft}
            aria-invalid={!!(state.error && selector) || undefined}
            onChange={(e) => setSelectorDraft(e.target.value)}
            onBlur={() => selectorDraft.trim() !== selector && update({ l: selectorDraft.trim() })}
          />
        </form>
        <label className="toggle">
          <input type="checkbox" checked={wide} onChange={(e) => setWide(e.target.checked)} />
          Wide
        </label>
      </div>
      {state.error ? (
        <div className="list-error">
          <ErrorMessage error={state.error} title={state.total ? `Live updates of ${noun} stopped` : `Cannot list ${noun}`} />
          <button type="button" onClick={() => setRestarts((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : null}
      {state.error && !state.columns ? null : (
        <DataTable
          label={`${noun} list`}
          rows={state.rows}
          columns={columns}
          rowKey={rowKey}
          rowLabel={rowLabel}
          rowClass={rowClass}
          sort={sortColumn ? { column: sortColumn, desc } : null}
          onSort={onSort}
          selected={selected}
          onSelect={setSelected}
          onOpen={onOpen}
          now={now}
          empty={empty}
        />
      )}
      {deleting ? (
        <DeleteDialog
          cluster={cluster}
          kind={kind}
          targets={deleting}
          onClose={(removed) => {
            setDeleting(null);
            setSelected((current) => {
              const next = new Set(current);
              removed.forEach((key) => next.delete(key));
              return next;
            });
          }}
        />
      ) : null}
    </div>
  );
}
