import { describe, expect, it } from "vitest";
import { compareSortValues, nameFilter, naturalKey, sortBy, sortValue } from "./sort";

const sorted = (cells: unknown[], desc = false) => sortBy(cells, sortValue, desc);

describe("sortValue", () => {
  it("reads numbers, ratios, restarts, durations and quantities by value", () => {
    expect(sortValue(3)).toBe(3);
    expect(sortValue("3 (5m ago)")).toBe(3);
    expect(sortValue("3m10s")).toBe(190);
    expect(sortValue("2Gi")).toBe(2 * 2 ** 30);
    expect(sortValue("500M")).toBe(5e8);
    expect(sortValue("<none>")).toBeNull();
    expect(sortValue("")).toBeNull();
    expect(sortValue(null)).toBeNull();
    expect(typeof sortValue("Running")).toBe("string");
  });
});

describe("sorting", () => {
  it("orders ready ratios by the share that is ready", () => {
    expect(sorted(["3/3", "0/1", "1/2", "1/1", "2/3"])).toEqual(["0/1", "1/2", "2/3", "1/1", "3/3"]);
  });

  it("orders names naturally and case-insensitively", () => {
    expect(sorted(["pod-10", "pod-2", "Pod-1", "pod-02b"])).toEqual(["Pod-1", "pod-2", "pod-02b", "pod-10"]);
    expect(naturalKey("a10") > naturalKey("a9")).toBe(true);
  });

  it("orders ages by duration, not by text", () => {
    expect(sorted(["5d", "45s", "3m10s", "2y10d", "5h"])).toEqual(["45s", "3m10s", "5h", "5d", "2y10d"]);
  });

  it("orders restart counts numerically", () => {
    expect(sorted(["10 (3m ago)", "2", "0", "1 (5d ago)"])).toEqual(["0", "1 (5d ago)", "2", "10 (3m ago)"]);
  });

  it("keeps empty values last in both directions", () => {
    expect(sorted(["b", "<none>", "a"])).toEqual(["a", "b", "<none>"]);
    expect(sorted(["b", "<none>", "a"], true)).toEqual(["b", "a", "<none>"]);
  });

  it("is stable", () => {
    const rows = [
      { name: "x", v: 1 },
      { name: "y", v: 1 },
      { name: "z", v: 0 },
    ];
    expect(sortBy(rows, (r) => r.v, false).map((r) => r.name)).toEqual(["z", "x", "y"]);
    expect(sortBy(rows, (r) => r.v, true).map((r) => r.name)).toEqual(["x", "y", "z"]);
  });

  it("puts numbers before words", () => {
    expect(compareSortValues(1, "a")).toBeLessThan(0);
    expect(compareSortValues("a", 1)).toBeGreaterThan(0);
  });

  it("sorts 100,000 values quickly", () => {
    const cells = Array.from({ length: 100_000 }, (_, i) => `pod-${(i * 7919) % 100_000}`);
    const start = performance.now();
    const result = sorted(cells);
    expect(result[0]).toBe("pod-0");
    expect(result[99_999]).toBe("pod-99999");
    expect(performance.now() - start).toBeLessThan(1500);
  });
});

describe("nameFilter", () => {
  it("matches substrings case-insensitively", () => {
    const match = nameFilter("Web");
    expect(match("my-web-1")).toBe(true);
    expect(match("db")).toBe(false);
  });

  it("accepts regular expressions, and takes broken ones literally", () => {
    expect(nameFilter("^web-\\d+$")("web-12")).toBe(true);
    expect(nameFilter("^web-\\d+$")("web-a")).toBe(false);
    expect(nameFilter("web-(")("a-web-(x")).toBe(true);
    expect(nameFilter("")("anything")).toBe(true);
  });
});
