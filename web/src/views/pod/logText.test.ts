import { describe, expect, it } from "vitest";
import { findMatches, LineMatches, LineSplitter, markMatches, parseAnsi, splitTimestamp, stripAnsi } from "./logText";

describe("ANSI", () => {
  it("strips colour, cursor and title sequences and control characters", () => {
    expect(stripAnsi("\x1b[31merror\x1b[0m: \x1b[1mdisk\x1b[22m full")).toBe("error: disk full");
    expect(stripAnsi("\x1b]0;title\x07text\x1b[2K\x1b[1G done")).toBe("text done");
    expect(stripAnsi("a\x00b\x08c\td")).toBe("abc\td");
    const plain = "no escapes here";
    expect(stripAnsi(plain)).toBe(plain);
  });

  it("maps SGR colours and attributes onto segments", () => {
    expect(parseAnsi("\x1b[1;31mERROR\x1b[0m ok \x1b[92mgreen\x1b[39m plain")).toEqual([
      { text: "ERROR", bold: true, colour: 1 },
      { text: " ok " },
      { text: "green", colour: 2 },
      { text: " plain" },
    ]);
  });

  it("skips 256-colour and true-colour arguments", () => {
    expect(parseAnsi("\x1b[38;5;196mred\x1b[38;2;1;2;3;4mx")).toEqual([
      { text: "red" },
      { text: "x", underline: true },
    ]);
  });

  it("keeps markup as text: escapes never become HTML", () => {
    const line = '\x1b[31m<img src=x onerror="alert(1)">\x1b[0m';
    expect(parseAnsi(line).map((s) => s.text).join("")).toBe('<img src=x onerror="alert(1)">');
  });
});

describe("filter", () => {
  it("finds matches case-insensitively", () => {
    expect(findMatches("Error: an ERROR", "error")).toEqual([
      [0, 5],
      [10, 15],
    ]);
    expect(findMatches("abc", "")).toEqual([]);
  });

  it("marks matches across coloured segments", () => {
    const segments = parseAnsi("ab\x1b[31mcd\x1b[0mef");
    expect(markMatches(segments, findMatches("abcdef", "bcd"))).toEqual([
      { text: "a" },
      { text: "b", match: true },
      { text: "cd", colour: 1, match: true },
      { text: "ef" },
    ]);
  });

  it("scans only new lines and forgets dropped ones", () => {
    const matches = new LineMatches();
    const lines = ["GET /a", "post /b", "GET /c"];
    expect([...matches.update(lines, 0, "get", 1)]).toEqual([0, 2]);
    lines.push("get /d");
    expect([...matches.update(lines, 0, "get", 1)]).toEqual([0, 2, 3]);
    // The first two lines were dropped: line 2 is now lines[0].
    expect([...matches.update(lines.slice(2), 2, "get", 1)]).toEqual([2, 3]);
    expect([...matches.update(lines.slice(2), 2, "post", 1)]).toEqual([]);
    expect([...matches.update(["\x1b[31mGET\x1b[0m"], 0, "get", 2)]).toEqual([0]);
  });
});

describe("lines", () => {
  it("cuts a stream into lines, holding a partial line until its newline", () => {
    const splitter = new LineSplitter();
    expect(splitter.push("one\ntw")).toEqual(["one"]);
    expect(splitter.push("o\r\nthree")).toEqual(["two"]);
    expect(splitter.end()).toEqual(["three"]);
    expect(splitter.end()).toEqual([]);
  });

  it("splits the timestamp the API server adds", () => {
    expect(splitTimestamp("2026-01-01T00:00:00.123456789Z hello world")).toEqual({
      timestamp: "2026-01-01T00:00:00.123456789Z",
      rest: "hello world",
    });
    expect(splitTimestamp("hello")).toEqual({ rest: "hello" });
  });
});
