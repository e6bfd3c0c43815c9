// The columns of a list page, from the server's Table columns (what `kubectl get` prints).

import { Link } from "react-router";
import type { ServedKind, TableColumn } from "../../api/types";
import type { Column } from "../../components/table/DataTable";
import { ageOf, humanDuration, timestampMs } from "../../components/table/age";
import { naturalKey, sortValue, type SortValue } from "../../components/table/sort";
import { healthOf, healthOfRatio } from "../../components/status";
import { objectUrl } from "../../routes";
import type { Row } from "./liveTable";

export const NAMESPACE_COLUMN = "Namespace";

/** Whether a column is the object's age, which the browser computes from creationTimestamp. */
export function isAgeColumn(column: TableColumn): boolean {
  return column.name === "Age" || (column.type === "date" && /creationTimestamp/i.test(column.description));
}

/** A cell as text. */
export function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "string") return cell;
  if (typeof cell === "number" || typeof cell === "boolean") return String(cell);
  return JSON.stringify(cell);
}

/** The text of a `date` column: an age when the cell is a timestamp, else as the server said. */
function dateText(cell: unknown, now: number): string {
  return typeof cell === "string" && timestampMs(cell) !== null ? ageOf(cell, now) : cellText(cell);
}

/** What a column sorts rows by, remembered per row: rows are replaced, never changed, when
 * their object changes, so a sort after a filter or a change recomputes only new rows. */
export function columnSortValue(columns: TableColumn[], id: string): (row: Row) => SortValue {
  const valueOf = uncachedSortValue(columns, id);
  const known = new WeakMap<Row, SortValue>();
  return (row) => {
    let value = known.get(row);
    if (value === undefined) {
      value = valueOf(row);
      known.set(row, value);
    }
    return value;
  };
}

function uncachedSortValue(columns: TableColumn[], id: string): (row: Row) => SortValue {
  if (id === NAMESPACE_COLUMN && !columns.some((c) => c.name === NAMESPACE_COLUMN)) {
    return (row) => (row.namespace ? naturalKey(row.namespace) : null);
  }
  const index = columns.findIndex((c) => c.name === id);
  if (index < 0) return () => null;
  const column = columns[index];
  // The youngest first: ascending age is descending creation time.
  if (isAgeColumn(column)) return (row) => (row.created === null ? null : -row.created);
  if (column.format === "name") return (row) => naturalKey(row.name);
  if (column.type === "date") {
    return (row) => {
      const cell = row.row.cells[index];
      const time = typeof cell === "string" ? timestampMs(cell) : null;
      // Seconds ago, like a printed duration.
      return time === null ? sortValue(cell) : (Date.now() - time) / 1000;
    };
  }
  return (row) => sortValue(row.row.cells[index]);
}

/** A column's least width in pixels for its header and a sample of its texts, at most 420. */
export function estimateWidth(header: string, texts: string[]): number {
  const chars = texts.reduce((longest, text) => Math.max(longest, text.length), header.length + 2);
  // About 8 px per character of the UI font (bold status words included), plus the padding.
  return Math.round(Math.min(Math.max(chars * 8.2 + 24, 56), 420));
}

/** Up to `count` rows spread evenly over `rows`, so that rare long values are seen too. */
function spread<T>(rows: readonly T[], count: number): T[] {
  if (rows.length <= count) return [...rows];
  const step = rows.length / count;
  return Array.from({ length: count }, (_, i) => rows[Math.floor(i * step)]);
}

export interface ColumnsInput {
  cluster: string;
  kind: ServedKind;
  definitions: TableColumn[];
  wide: boolean;
  showNamespace: boolean;
  /** Rows to size columns by. */
  sample: readonly Row[];
  /** The query links to objects carry (the namespace choice). */
  search: string;
}

/** The grid's columns: the Table's (all with `wide`, else priority 0), the namespace first
 * when several namespaces are shown. */
export function buildColumns({ cluster, kind, definitions, wide, showNamespace, sample, search }: ColumnsInput): Column<Row>[] {
  const now = Date.now();
  const rows = spread(sample, 2000);
  const columns: Column<Row>[] = [];
  const track = (width: number, weight: number) => `minmax(${width}px, ${((width / 100) * weight).toFixed(2)}fr)`;
  if (showNamespace && !definitions.some((d) => d.name === NAMESPACE_COLUMN)) {
    const width = estimateWidth(NAMESPACE_COLUMN, rows.map((r) => r.namespace));
    columns.push({
      id: NAMESPACE_COLUMN,
      header: NAMESPACE_COLUMN,
      width: track(width, 1),
      minWidth: width,
      sortable: true,
      text: (row) => row.namespace,
    });
  }
  definitions.forEach((definition, index) => {
    if (definition.priority > 0 && !wide) return;
    const age = isAgeColumn(definition);
    const name = definition.format === "name";
    const text = age
      ? (row: Row, at: number) => (row.created === null ? cellText(row.row.cells[index]) : humanDuration(at - row.created))
      : definition.type === "date"
        ? (row: Row, at: number) => dateText(row.row.cells[index], at)
        : (row: Row) => cellText(row.row.cells[index]);
    const width = estimateWidth(definition.name, rows.map((r) => text(r, now)));
    columns.push({
      id: definition.name,
      header: definition.name,
      description: definition.description.split("\n")[0],
      width: track(width, name ? 2.5 : 1),
      minWidth: width,
      numeric: definition.type === "integer" || definition.type === "number",
      sortable: true,
      text,
      render: name
        ? (row) => (
            <Link to={objectUrl(cluster, kind, row.namespace || undefined, row.name, undefined, search)} tabIndex={-1}>
              {row.name}
            </Link>
          )
        : undefined,
      tone: toneFor(definition, index),
    });
  });
  return columns;
}

/** The colour of the cells that carry a status: Status/Phase words, Ready ratios. */
function toneFor(definition: TableColumn, index: number): Column<Row>["tone"] {
  if (/^(status|phase|state)$/i.test(definition.name)) return (row) => healthOf(row.row.cells[index]);
  if (/^ready$/i.test(definition.name)) return (row) => healthOfRatio(row.row.cells[index]);
  return undefined;
}
