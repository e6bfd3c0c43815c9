import { describe, expect, it } from "vitest";
import type { TableColumn, TableRow } from "../../api/types";
import { sortValue } from "../../components/table/sort";
import { LiveTable, type Row } from "./liveTable";

const columns: TableColumn[] = [
  { name: "Name", type: "string", format: "name", description: "", priority: 0 },
  { name: "Status", type: "string", format: "", description: "", priority: 0 },
];

function row(name: string, status = "Running", uid = `uid-${name}`): TableRow {
  return { cells: [name, status], object: { metadata: { name, namespace: "demo", uid, creationTimestamp: "2024-01-01T00:00:00Z" } } };
}

/** A table whose frames run only when the test says so. */
function manual() {
  const frames: (() => void)[] = [];
  const table = new LiveTable((flush) => frames.push(flush));
  const frame = () => frames.splice(0).forEach((f) => f());
  return { table, frame, frames };
}

const names = (table: LiveTable) => table.state().rows.map((r) => r.name);
const byStatus = (r: Row) => sortValue(r.row.cells[1]);

describe("LiveTable", () => {
  it("shows the first part of a snapshot at once and appends the rest", () => {
    const { table, frame } = manual();
    table.snapshot([row("a"), row("b")], false, columns);
    frame();
    expect(table.state()).toMatchObject({ loading: false, complete: false, total: 2, columns });
    table.more([row("c")], true);
    frame();
    expect(names(table)).toEqual(["a", "b", "c"]);
    expect(table.state().complete).toBe(true);
  });

  it("batches changes into one frame and keeps unchanged rows' identity", () => {
    const { table, frame, frames } = manual();
    table.snapshot([row("a"), row("b"), row("c")], true, columns);
    frame();
    const before = table.state().rows;
    table.change("MODIFIED", row("b", "Failed"));
    table.change("ADDED", row("d"));
    table.change("DELETED", row("a"));
    expect(frames).toHaveLength(1);
    frame();
    const after = table.state().rows;
    expect(after).not.toBe(before);
    expect(names(table)).toEqual(["b", "c", "d"]);
    expect(after[0].row.cells[1]).toBe("Failed");
    expect(after[1]).toBe(before[2]);
  });

  it("keeps the sort order as rows change, moving only what changed", () => {
    const { table, frame } = manual();
    table.snapshot([row("a", "Running"), row("b", "Pending"), row("c", "Running")], true, columns);
    frame();
    table.setView({ filter: null, sortValue: byStatus, desc: false });
    expect(names(table)).toEqual(["b", "a", "c"]);
    table.change("MODIFIED", row("c", "Failed"));
    table.change("ADDED", row("e", "Pending"));
    frame();
    expect(names(table)).toEqual(["c", "b", "e", "a"]);
    table.setView({ filter: null, sortValue: byStatus, desc: true });
    expect(names(table)).toEqual(["a", "b", "e", "c"]);
  });

  it("filters, counting every row in the total", () => {
    const { table, frame } = manual();
    table.snapshot([row("web-1"), row("db"), row("web-2")], true, columns);
    frame();
    table.setView({ filter: (r) => r.name.startsWith("web"), sortValue: null, desc: false });
    table.change("ADDED", row("web-3"));
    table.change("ADDED", row("cache"));
    frame();
    expect(names(table)).toEqual(["web-1", "web-2", "web-3"]);
    expect(table.state().total).toBe(5);
  });

  it("recomputes when a batch is large", () => {
    const { table, frame } = manual();
    table.snapshot([], true, columns);
    frame();
    table.setView({ filter: null, sortValue: (r) => r.name, desc: true });
    for (let i = 0; i < 300; i++) table.change("ADDED", row(`p${String(i).padStart(3, "0")}`));
    frame();
    expect(table.state().rows).toHaveLength(300);
    expect(names(table)[0]).toBe("p299");
  });

  it("keeps showing the old rows until a second snapshot is complete", () => {
    const { table, frame } = manual();
    table.snapshot([row("a"), row("b")], true, columns);
    frame();
    table.snapshot([row("b")], false);
    frame();
    expect(names(table)).toEqual(["a", "b"]);
    table.more([row("c")], true);
    frame();
    expect(names(table)).toEqual(["b", "c"]);
    expect(table.state().generation).toBe(2);
  });

  it("treats ADDED of a known row as a change and ignores deletes of unknown rows", () => {
    const { table, frame } = manual();
    table.snapshot([row("a")], true, columns);
    frame();
    table.change("ADDED", row("a", "Failed"));
    table.change("DELETED", row("zzz"));
    frame();
    expect(table.state().rows.map((r) => r.row.cells[1])).toEqual(["Failed"]);
  });

  it("keys rows by namespace/name when there is no uid", () => {
    const { table, frame } = manual();
    table.snapshot([row("a", "Running", "")], true, columns);
    frame();
    expect(table.state().rows[0].key).toBe("demo/a");
  });

  it("applies a change to 100,000 sorted rows in place quickly", () => {
    const { table, frame } = manual();
    const rows = Array.from({ length: 100_000 }, (_, i) => row(`pod-${i}`, i % 7 ? "Running" : "Pending"));
    table.snapshot(rows, true, columns);
    frame();
    table.setView({ filter: null, sortValue: (r) => sortValue(r.name), desc: false });
    const started = performance.now();
    for (let i = 0; i < 50; i++) table.change("MODIFIED", row(`pod-${i * 1000}`, "Failed"));
    frame();
    expect(performance.now() - started).toBeLessThan(500);
    expect(table.state().rows.find((r) => r.name === "pod-1000")?.row.cells[1]).toBe("Failed");
  });
});
