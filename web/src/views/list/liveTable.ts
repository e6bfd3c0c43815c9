// The rows of a list page, kept current from the live stream (api/watch.ts, `view: "table"`).
//
// Built for 100,000 rows: changes are queued and applied once per animation frame (later when
// the previous frame's work was long), each touching only the rows it changes — the filtered,
// sorted view is updated in place, not recomputed, unless a batch is large. Unchanged rows keep
// their identity, so the table re-renders only the rows that changed. A second snapshot (after
// the server relisted) is collected aside and swapped in whole, so the page does not flicker.

import type { TableColumn, TableRow } from "../../api/types";
import type { WatchType } from "../../api/watch";
import { compareInOrder, compareSortValues, sortBy, type SortValue } from "../../components/table/sort";
import { timestampMs } from "../../components/table/age";

/** One object's row: the server's Table row and what the page reads from it often. */
export interface Row {
  /** metadata.uid, or namespace/name when the server gave none. */
  key: string;
  name: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  /** metadata.creationTimestamp in milliseconds. */
  created: number | null;
  row: TableRow;
}

/** Which rows are shown and in what order. */
export interface RowView {
  filter: ((row: Row) => boolean) | null;
  sortValue: ((row: Row) => SortValue) | null;
  desc: boolean;
}

/** What the page renders; a new object whenever something changed. */
export interface LiveState {
  /** The rows shown: filtered and sorted. */
  rows: readonly Row[];
  /** How many objects there are, filtered or not. */
  total: number;
  columns: TableColumn[] | null;
  /** No snapshot has arrived yet. */
  loading: boolean;
  /** The snapshot arrived in full. */
  complete: boolean;
  error: string | null;
  /** Grows when a snapshot first shows and when it is complete, so that layout computed
   * from the rows (column widths) can be redone then — and only then. */
  generation: number;
}

/** A row's key: its uid, or namespace/name. */
export function keyOf(row: TableRow): string {
  const meta = row.object?.metadata;
  return meta?.uid || `${meta?.namespace ?? ""}/${meta?.name ?? ""}`;
}

export function rowOf(row: TableRow): Row {
  const meta = row.object?.metadata;
  return {
    key: keyOf(row),
    name: meta?.name ?? "",
    namespace: meta?.namespace ?? "",
    created: timestampMs(meta?.creationTimestamp),
    row,
  };
}

/** Beyond this many changes in one batch, recomputing the view beats updating it in place. */
const IN_PLACE_LIMIT = 128;

type Schedule = (flush: () => void, delayMs: number) => void;

const frameSchedule: Schedule = (flush, delayMs) => {
  if (delayMs > 0) setTimeout(() => requestAnimationFrame(flush), delayMs);
  else requestAnimationFrame(flush);
};

/** The live rows of one stream; feed it the stream's events, read it with `subscribe`/`state`. */
export class LiveTable {
  private all = new Map<string, Row>();
  /** A later snapshot being received while the previous one stays on screen. */
  private staging: Map<string, Row> | null = null;
  private pending: { type: WatchType; row: TableRow }[] = [];
  private dirty = false;
  private scheduled = false;
  private delay = 0;
  private visible: Row[] = [];
  private view: RowView = { filter: null, sortValue: null, desc: false };
  private listeners = new Set<() => void>();
  private current: LiveState = {
    rows: [],
    total: 0,
    columns: null,
    loading: true,
    complete: false,
    error: null,
    generation: 0,
  };

  constructor(private readonly schedule: Schedule = frameSchedule) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  state = (): LiveState => this.current;

  /** The row with `key`, if it is still there. */
  get(key: string): Row | undefined {
    return this.all.get(key);
  }

  /** Every row, in the order they came. */
  rows(): IterableIterator<Row> {
    return this.all.values();
  }

  snapshot(items: TableRow[], complete: boolean, columns?: TableColumn[]): void {
    this.pending = [];
    const fresh = new Map(items.map((item) => [keyOf(item), rowOf(item)]));
    if (columns) this.current = { ...this.current, columns };
    if (this.current.complete) {
      this.staging = fresh;
      if (complete) this.swapStaging();
      return;
    }
    this.all = fresh;
    this.taken(complete);
  }

  more(items: TableRow[], complete: boolean): void {
    const target = this.staging ?? this.all;
    for (const item of items) target.set(keyOf(item), rowOf(item));
    if (this.staging) {
      if (complete) this.swapStaging();
      return;
    }
    this.taken(complete);
  }

  change(type: WatchType, row: TableRow): void {
    if (this.staging) {
      // The server sends changes after a snapshot is complete; should one come early, it
      // belongs to the snapshot being collected.
      if (type === "DELETED") this.staging.delete(keyOf(row));
      else this.staging.set(keyOf(row), rowOf(row));
      return;
    }
    this.pending.push({ type, row });
    this.request();
  }

  error(message: string): void {
    this.current = { ...this.current, error: message, loading: false };
    this.notify();
  }

  /** Shows the rows `view` admits, in its order. */
  setView(view: RowView): void {
    this.view = view;
    this.recompute();
    this.publish();
  }

  /** Applies what is queued now (the scheduled frame calls this). */
  flush = (): void => {
    this.scheduled = false;
    const started = performance.now();
    const changes = this.pending;
    this.pending = [];
    let recompute = this.dirty || changes.length > IN_PLACE_LIMIT;
    this.dirty = false;
    if (!recompute && changes.length) this.visible = this.visible.slice();
    for (const { type, row } of changes) {
      const key = keyOf(row);
      const old = this.all.get(key);
      if (type === "DELETED") {
        if (!old) continue;
        this.all.delete(key);
        if (!recompute) this.remove(old);
        continue;
      }
      const next = rowOf(row);
      // Map.set on an existing key keeps its place, so the unsorted order stays stable.
      this.all.set(key, next);
      if (recompute) continue;
      if (old) this.replace(old, next);
      else this.insert(next);
    }
    if (recompute) this.recompute();
    this.publish();
    const cost = performance.now() - started;
    // A long frame (a big sorted list under many changes) makes the next batch wait longer, so
    // scrolling stays smooth and changes still show within a second.
    this.delay = cost > 12 ? Math.min(cost * 3, 1000) : 0;
  };

  private taken(complete: boolean) {
    const { loading, generation } = this.current;
    const grown = (loading ? 1 : 0) + (complete && !loading ? 1 : 0);
    this.current = { ...this.current, loading: false, complete, generation: generation + grown };
    this.dirty = true;
    this.request();
  }

  private swapStaging() {
    this.all = this.staging ?? this.all;
    this.staging = null;
    this.current = { ...this.current, complete: true, generation: this.current.generation + 1 };
    this.dirty = true;
    this.request();
  }

  private request() {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(this.flush, this.delay);
  }

  private recompute() {
    const { filter, sortValue, desc } = this.view;
    const rows = [...this.all.values()];
    const shown = filter ? rows.filter(filter) : rows;
    this.visible = sortValue ? sortBy(shown, sortValue, desc) : shown;
  }

  private remove(row: Row) {
    const index = this.visible.indexOf(row);
    if (index >= 0) this.visible.splice(index, 1);
  }

  /** Puts `next` where `old` was, or moves it if its sort value changed. */
  private replace(old: Row, next: Row) {
    const { filter, sortValue } = this.view;
    const index = this.visible.indexOf(old);
    const admitted = !filter || filter(next);
    if (index < 0) {
      if (admitted) this.insert(next);
      return;
    }
    if (!admitted) {
      this.visible.splice(index, 1);
    } else if (sortValue && compareSortValues(sortValue(old), sortValue(next)) !== 0) {
      this.visible.splice(index, 1);
      this.insert(next);
    } else {
      this.visible[index] = next;
    }
  }

  private insert(row: Row) {
    const { filter, sortValue, desc } = this.view;
    if (filter && !filter(row)) return;
    if (!sortValue) {
      this.visible.push(row);
      return;
    }
    const value = sortValue(row);
    let low = 0;
    let high = this.visible.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareInOrder(sortValue(this.visible[mid]), value, desc) <= 0) low = mid + 1;
      else high = mid;
    }
    this.visible.splice(low, 0, row);
  }

  private publish() {
    this.current = { ...this.current, rows: this.visible, total: this.all.size };
    this.notify();
  }

  private notify() {
    for (const listener of this.listeners) listener();
  }
}
