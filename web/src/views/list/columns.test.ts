import { describe, expect, it } from "vitest";
import type { TableColumn, TableRow } from "../../api/types";
import { served } from "../../shell/servedKind.fixture";
import { buildColumns, columnSortValue, estimateWidth, isAgeColumn } from "./columns";
import { rowOf } from "./liveTable";

const column = (name: string, extra: Partial<TableColumn> = {}): TableColumn => ({
  name,
  type: "string",
  format: "",
  description: "",
  priority: 0,
  ...extra,
});
const definitions = [
  column("Name", { format: "name" }),
  column("Ready"),
  column("Status"),
  column("Restarts", { type: "integer" }),
  column("Age", { type: "date" }),
  column("IP", { priority: 1 }),
];
const row = (name: string, cells: unknown[], created: string): TableRow => ({
  cells: [name, ...cells],
  object: { metadata: { name, namespace: "demo", uid: name, creationTimestamp: created } },
});
const rows = [
  rowOf(row("web-1", ["1/1", "Running", 0, "5m", "10.0.0.1"], "2024-05-01T11:55:00Z")),
  rowOf(row("web-2", ["0/1", "CrashLoopBackOff", 12, "1h", "10.0.0.2"], "2024-05-01T11:00:00Z")),
];
const input = { cluster: "c", kind: served("", "Pod", "pods"), definitions, wide: false, showNamespace: false, sample: rows, search: "" };

describe("buildColumns", () => {
  it("shows priority 0 columns, and the others when wide", () => {
    expect(buildColumns(input).map((c) => c.id)).toEqual(["Name", "Ready", "Status", "Restarts", "Age"]);
    expect(buildColumns({ ...input, wide: true }).map((c) => c.id)).toContain("IP");
  });

  it("puts the namespace first when several namespaces are shown", () => {
    const columns = buildColumns({ ...input, showNamespace: true });
    expect(columns[0].id).toBe("Namespace");
    expect(columns[0].text(rows[0], 0)).toBe("demo");
  });

  it("computes ages from creationTimestamp on the given clock", () => {
    const age = buildColumns(input).find((c) => c.id === "Age")!;
    expect(age.text(rows[0], Date.parse("2024-05-01T12:00:00Z"))).toBe("5m");
    expect(age.text(rows[0], Date.parse("2024-05-01T12:03:10Z"))).toBe("8m10s");
  });

  it("colours statuses and ready ratios, and links names", () => {
    const columns = buildColumns(input);
    const status = columns.find((c) => c.id === "Status")!;
    const ready = columns.find((c) => c.id === "Ready")!;
    expect(status.tone?.(rows[1])).toBe("bad");
    expect(ready.tone?.(rows[0])).toBe("ok");
    expect(columns[0].render).toBeDefined();
    expect(columns.find((c) => c.id === "Restarts")!.numeric).toBe(true);
  });
});

describe("columnSortValue", () => {
  it("sorts ages youngest first and restarts by number", () => {
    const age = columnSortValue(definitions, "Age");
    expect(age(rows[0]) as number).toBeLessThan(age(rows[1]) as number);
    expect(columnSortValue(definitions, "Restarts")(rows[1])).toBe(12);
    expect(columnSortValue(definitions, "Namespace")(rows[0])).toBe("demo");
    expect(columnSortValue(definitions, "Nope")(rows[0])).toBeNull();
  });
});

describe("isAgeColumn and estimateWidth", () => {
  it("recognizes the age column", () => {
    expect(isAgeColumn(column("Age"))).toBe(true);
    expect(isAgeColumn(column("Created", { type: "date", description: "CreationTimestamp is…" }))).toBe(true);
    expect(isAgeColumn(column("Last Schedule", { type: "date" }))).toBe(false);
  });

  it("sizes a column by its longest text, within bounds", () => {
    expect(estimateWidth("Status", ["Running", "CrashLoopBackOff"])).toBeGreaterThan(estimateWidth("Status", ["Running"]));
    expect(estimateWidth("A", [])).toBe(56);
    expect(estimateWidth("Message", ["x".repeat(500)])).toBe(420);
  });
});
