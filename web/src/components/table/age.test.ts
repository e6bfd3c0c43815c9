import { describe, expect, it } from "vitest";
import { ageOf, humanDuration, parseDuration } from "./age";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration", () => {
  it("prints kubectl's short forms", () => {
    expect(humanDuration(0)).toBe("0s");
    expect(humanDuration(45 * s)).toBe("45s");
    expect(humanDuration(119 * s)).toBe("119s");
    expect(humanDuration(2 * m)).toBe("2m");
    expect(humanDuration(3 * m + 10 * s)).toBe("3m10s");
    expect(humanDuration(10 * m + 10 * s)).toBe("10m");
    expect(humanDuration(179 * m)).toBe("179m");
    expect(humanDuration(3 * h)).toBe("3h");
    expect(humanDuration(5 * h + 20 * m)).toBe("5h20m");
    expect(humanDuration(5 * h)).toBe("5h");
    expect(humanDuration(30 * h + 5 * m)).toBe("30h");
    expect(humanDuration(3 * d)).toBe("3d");
    expect(humanDuration(3 * d + 4 * h)).toBe("3d4h");
    expect(humanDuration(100 * d)).toBe("100d");
    expect(humanDuration(800 * d)).toBe("2y70d");
    expect(humanDuration(365 * 9 * d)).toBe("9y");
  });

  it("tolerates a little clock skew", () => {
    expect(humanDuration(-1500)).toBe("0s");
    expect(humanDuration(-5 * s)).toBe("<invalid>");
  });
});

describe("ageOf", () => {
  it("measures from the timestamp", () => {
    const now = Date.parse("2024-05-01T12:00:00Z");
    expect(ageOf("2024-05-01T11:56:50Z", now)).toBe("3m10s");
    expect(ageOf(undefined, now)).toBe("");
    expect(ageOf("yesterday", now)).toBe("");
  });
});

describe("parseDuration", () => {
  it("reads kubectl's forms back as seconds", () => {
    expect(parseDuration("45s")).toBe(45);
    expect(parseDuration("3m10s")).toBe(190);
    expect(parseDuration("5h")).toBe(18000);
    expect(parseDuration("2y10d")).toBe(2 * 365 * 86400 + 10 * 86400);
    expect(parseDuration("")).toBeNull();
    expect(parseDuration("Running")).toBeNull();
    expect(parseDuration("5")).toBeNull();
  });
});
