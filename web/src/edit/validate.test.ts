import { describe, expect, it } from "vitest";
import { keyProblem, labelValueProblem, metadataProblems, replicasProblem } from "./validate";

describe("label validation", () => {
  it("accepts what Kubernetes accepts", () => {
    for (const key of ["app", "app.kubernetes.io/name", "a-b_c.d", "example.com/X1", "a".repeat(63)]) {
      expect(keyProblem(key)).toBeUndefined();
    }
    for (const value of ["", "v1", "a.b-c_d", "x".repeat(63)]) expect(labelValueProblem(value)).toBeUndefined();
  });

  it("refuses what Kubernetes refuses", () => {
    for (const key of ["", "-app", "app-", "a/b/c", "Example.com/x", "/x", "x/", "a".repeat(64), "a b"]) {
      expect(keyProblem(key)).toBeDefined();
    }
    for (const value of ["-v", "v ", "x".repeat(64), "a/b"]) expect(labelValueProblem(value)).toBeDefined();
  });

  it("lists every problem of a draft's metadata", () => {
    expect(metadataProblems({ labels: { ok: "1", "bad key": "x", n: 5 as unknown as string }, annotations: { a: "any thing" } })).toEqual([
      'label key "bad key": The name must consist of letters, digits, "-", "_" or ".", and start and end with a letter or digit.',
      'label "n": the value must be a string (quote it).',
    ]);
  });
});

describe("replica counts", () => {
  it("accepts whole numbers an int32 holds", () => {
    for (const text of ["0", "3", "2147483647"]) expect(replicasProblem(text)).toBeUndefined();
  });

  it("refuses anything else", () => {
    for (const text of ["", "-1", "1.5", "1e3", " 3", "2147483648", "three"]) {
      expect(replicasProblem(text)).toBe("A whole number, 0 or more.");
    }
  });
});
