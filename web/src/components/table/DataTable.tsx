// A virtualized data grid for lists of any length: fixed row height, sticky header, only the
// rows in view rendered (@tanstack/react-virtual), each row re-rendered only when its data, its
// selection or the clock changes. ARIA grid with a single tab stop: arrow keys, Page Up/Down,
// Home/End move the active row, Enter opens it, Space selects it.

import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Health } from "../status";
import "./table.css";

export const ROW_HEIGHT = 32;
const HEADER_HEIGHT = 34;
const SELECT_WIDTH = 36;

/** One column of a `DataTable`. */
export interface Column<R> {
  id: string;
  header: string;
  /** The header's tooltip. */
  description?: string;
  /** Its CSS grid track, such as `minmax(120px, 1fr)`. */
  width: string;
  /** Its least width in pixels (the table scrolls sideways below the sum). */
  minWidth: number;
  /** Right-aligned, for numbers. */
  numeric?: boolean;
  sortable?: boolean;
  /** The cell as text (also its tooltip); `now` is the clock for ages. */
  text(row: R, now: number): string;
  /** The cell when it is more than text (a link). */
  render?(row: R, now: number): ReactNode;
  /** The cell's status colour. */
  tone?(row: R): Health;
}

export interface DataTableProps<R> {
  /** The grid's accessible name ("pods list"). */
  label: string;
  rows: readonly R[];
  columns: Column<R>[];
  rowKey(row: R): string;
  /** What a row is called in its checkbox's label. */
  rowLabel(row: R): string;
  rowClass?(row: R): string | undefined;
  sort: { column: string; desc: boolean } | null;
  onSort(column: string): void;
  /** Keys of the selected rows; without it the table has no checkboxes. */
  selected?: ReadonlySet<string>;
  onSelect?(selected: Set<string>): void;
  /** Enter on the active row. */
  onOpen(row: R): void;
  /** The clock ages are computed with; rows in view re-render when it changes. */
  now: number;
  /** Shown instead of rows when there are none. */
  empty?: ReactNode;
}

interface RowActions {
  toggle(key: string): void;
  activate(key: string): void;
}

export function DataTable<R>(props: DataTableProps<R>) {
  const { label, rows, columns, rowKey, rowLabel, rowClass, sort, onSort, selected, onSelect, onOpen, now, empty } = props;
  const gridId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const lastActive = useRef(0);
  const selectable = !!selected && !!onSelect;

  const template = useMemo(
    () => [...(selectable ? [`${SELECT_WIDTH}px`] : []), ...columns.map((c) => c.width)].join(" "),
    [columns, selectable],
  );
  const minWidth = useMemo(
    () => columns.reduce((sum, c) => sum + c.minWidth, selectable ? SELECT_WIDTH : 0),
    [columns, selectable],
  );

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });

  const activeIndex = useMemo(() => {
    if (activeKey === null) return -1;
    for (let i = 0; i < rows.length; i++) if (rowKey(rows[i]) === activeKey) return i;
    return -1;
  }, [rows, activeKey, rowKey]);
  useLayoutEffect(() => {
    if (activeIndex >= 0) lastActive.current = activeIndex;
  }, [activeIndex]);

  // Stable callbacks for the memoized rows, reading the latest committed props.
  const latest = useRef({ selected, onSelect });
  useLayoutEffect(() => {
    latest.current = { selected, onSelect };
  }, [selected, onSelect]);
  const actions = useRef<RowActions>({
    toggle(key) {
      const { selected, onSelect } = latest.current;
      if (!selected || !onSelect) return;
      const next = new Set(selected);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      onSelect(next);
    },
    activate(key) {
      setActiveKey(key);
      scroller.current?.focus({ preventScroll: true });
    },
  });

  const moveTo = useCallback(
    (index: number) => {
      if (!rows.length) return;
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      setActiveKey(rowKey(rows[clamped]));
      virtualizer.scrollToIndex(clamped, { align: "auto" });
    },
    [rows, rowKey, virtualizer],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || event.altKey) return;
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    const from = activeIndex >= 0 ? activeIndex : Math.min(lastActive.current, rows.length - 1);
    const fresh = activeIndex < 0;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(fresh ? Math.max(from, 0) : from + 1),
      ArrowUp: () => moveTo(fresh ? Math.max(from, 0) : from - 1),
      PageDown: () => moveTo(from + page),
      PageUp: () => moveTo(from - page),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      Enter: () => activeIndex >= 0 && onOpen(rows[activeIndex]),
      " ": () => activeIndex >= 0 && actions.current.toggle(rowKey(rows[activeIndex])),
    };
    const action = keys[event.key];
    if (action && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      action();
    }
  };

  const selectedShown = useMemo(() => {
    if (!selected?.size) return 0;
    let count = 0;
    for (const row of rows) if (selected.has(rowKey(row))) count++;
    return count;
  }, [rows, selected, rowKey]);
  const allBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allBox.current) allBox.current.indeterminate = selectedShown > 0 && selectedShown < rows.length;
  }, [selectedShown, rows.length]);
  const toggleAll = () => {
    if (!selected || !onSelect) return;
    const next = new Set(selected);
    const select = selectedShown < rows.length;
    for (const row of rows) {
      if (select) next.add(rowKey(row));
      else next.delete(rowKey(row));
    }
    onSelect(next);
  };

  const rowId = (index: number) => `${gridId}-r${index}`;
  const items = virtualizer.getVirtualItems();

  return (
    <div className="dt-wrap">
      <div
        ref={scroller}
        className="dt"
        role="grid"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        aria-colcount={columns.length + (selectable ? 1 : 0)}
        aria-multiselectable={selectable || undefined}
        aria-activedescendant={activeIndex >= 0 ? rowId(activeIndex) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="dt-head" style={{ minWidth }}>
          <div role="row" aria-rowindex={1} className="dt-row" style={{ gridTemplateColumns: template, height: HEADER_HEIGHT }}>
            {selectable ? (
              <div role="columnheader" className="dt-cell dt-select">
                <input
                  ref={allBox}
                  type="checkbox"
                  aria-label="Select all shown"
                  checked={rows.length > 0 && selectedShown === rows.length}
                  disabled={rows.length === 0}
                  onChange={toggleAll}
                />
              </div>
            ) : null}
            {columns.map((column) => {
              const sorted = sort?.column === column.id;
              return (
                <div
                  key={column.id}
                  role="columnheader"
                  className={`dt-cell${column.numeric ? " dt-numeric" : ""}`}
                  aria-sort={sorted ? (sort.desc ? "descending" : "ascending") : undefined}
                  title={column.description}
                >
                  {column.sortable ? (
                    <button type="button" className="dt-sort" onClick={() => onSort(column.id)}>
                      {column.header}
                      <span className="dt-sort-mark" aria-hidden="true">
                        {sorted ? (sort.desc ? "▼" : "▲") : ""}
                      </span>
                    </button>
                  ) : (
                    column.header
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div role="rowgroup" className="dt-body" style={{ height: virtualizer.getTotalSize(), minWidth }}>
          {items.map((item) => {
            const row = rows[item.index];
            const key = rowKey(row);
            return (
              <RowView
                key={key}
                id={rowId(item.index)}
                row={row}
                rowKey={key}
                index={item.index}
                top={item.start - HEADER_HEIGHT}
                columns={columns}
                template={template}
                label={rowLabel(row)}
                className={rowClass?.(row)}
                selectable={selectable}
                selected={!!selected?.has(key)}
                active={item.index === activeIndex}
                now={now}
                actions={actions}
              />
            );
          })}
        </div>
      </div>
      {rows.length === 0 && empty ? <div className="dt-empty">{empty}</div> : null}
    </div>
  );
}

interface RowViewProps<R> {
  id: string;
  row: R;
  rowKey: string;
  index: number;
  top: number;
  columns: Column<R>[];
  template: string;
  label: string;
  className: string | undefined;
  selectable: boolean;
  selected: boolean;
  active: boolean;
  now: number;
  actions: { current: RowActions };
}

const RowView = memo(function RowView<R>(props: RowViewProps<R>) {
  const { id, row, rowKey, index, top, columns, template, label, className, selectable, selected, active, now, actions } = props;
  return (
    <div
      id={id}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selectable ? selected : undefined}
      className={`dt-row${active ? " active" : ""}${selected ? " selected" : ""}${className ? ` ${className}` : ""}`}
      style={{ gridTemplateColumns: template, transform: `translateY(${top}px)` }}
      onClick={() => actions.current.activate(rowKey)}
      // Keeps the keyboard on the grid when a row's checkbox or link is clicked.
      onMouseDown={(event) => {
        if ((event.target as HTMLElement).closest("a, input")) event.preventDefault();
      }}
    >
      {selectable ? (
        <div role="gridcell" className="dt-cell dt-select">
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label={`Select ${label}`}
            checked={selected}
            onChange={() => actions.current.toggle(rowKey)}
          />
        </div>
      ) : null}
      {columns.map((column) => {
        const text = column.text(row, now);
        const tone = column.tone?.(row);
        return (
          <div
            key={column.id}
            role="gridcell"
            className={`dt-cell${column.numeric ? " dt-numeric" : ""}${tone && tone !== "neutral" ? ` tone-${tone}` : ""}`}
            title={text}
          >
            {column.render ? column.render(row, now) : text}
          </div>
        );
      })}
    </div>
  );
}) as <R>(props: RowViewProps<R>) => ReactNode;
