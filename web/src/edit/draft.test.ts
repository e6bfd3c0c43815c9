import { describe, expect, it } from "vitest";
import {
  deleteField,
  draftText,
  editText,
  identityChange,
  orderLike,
  parseDraft,
  restoreServerFields,
  setField,
} from "./draft";
import { deployment } from "./fixtures/deployment";

describe("the draft", () => {
  it("leaves out server-set metadata and status", () => {
    const text = draftText(deployment());
    for (const hidden of ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "status:"]) {
      expect(text).not.toContain(hidden);
    }
    expect(text).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: web\n/);
    expect(text).toContain("containers:\n      - name: web");
  });

  it("round-trips: the unchanged draft is the object again, with base's server fields and status", () => {
    const base = deployment();
    const parsed = parseDraft(draftText(base));
    expect(parsed.problems).toBeUndefined();
    expect(restoreServerFields(base, parsed.object!)).toEqual(base);
  });

  it("restores identity and status from base even when the user typed them", () => {
    const base = deployment();
    const parsed = parseDraft(
      draftText(base)
        .replace("replicas: 3", "replicas: 4")
        .concat("status:\n  replicas: 99\n")
        .replace("  name: web\n", "  name: web\n  resourceVersion: '1'\n"),
    );
    const mine = restoreServerFields(base, parsed.object!);
    expect(mine.spec.replicas).toBe(4);
    expect(mine.status).toEqual(base.status);
    expect(mine.metadata.resourceVersion).toBe("1042");
    expect(mine.metadata.uid).toBe(base.metadata.uid);
    expect(mine.metadata.managedFields).toBe(base.metadata.managedFields);
  });

  it("keeps strings that YAML 1.1 would read otherwise as strings", () => {
    const base = deployment();
    base.metadata.labels = { enabled: "yes", zip: "0777", version: "1.0" };
    const parsed = parseDraft(draftText(base));
    expect(parsed.object!.metadata.labels).toEqual(base.metadata.labels);
  });

  it("reports YAML errors at their line", () => {
    const parsed = parseDraft("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: [\n");
    expect(parsed.problems?.[0].line).toBeGreaterThanOrEqual(4);
    expect(parsed.problems?.[0].message).not.toMatch(/at line|\n/);
  });

  it("refuses a second document, a list, and an object without metadata", () => {
    expect(parseDraft("kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata: {name: b}\n").problems?.[0]).toMatchObject({
      message: expect.stringContaining("Only one object"),
      line: 3,
    });
    expect(parseDraft("- a\n- b\n").problems?.[0].message).toContain("mapping");
    expect(parseDraft("kind: A\n").problems?.[0].message).toContain("metadata");
    expect(parseDraft("").problems?.[0].message).toContain("empty");
  });

  it("notices a change of identity", () => {
    const base = deployment();
    const renamed = { ...base, metadata: { ...base.metadata, name: "web2" } };
    expect(identityChange(base, renamed)).toContain("metadata.name");
    expect(identityChange(base, base)).toBeUndefined();
  });

  it("edits the text in place, keeping comments, creating plain mappings and pruning empty ones", () => {
    const text = "apiVersion: v1\nkind: ConfigMap # keep me\nmetadata:\n  name: x\ndata:\n  a: '1'\n";
    const labelled = editText(text, (d) => setField(d, ["metadata", "labels", "app.kubernetes.io/name"], "123"));
    expect(labelled).toContain("# keep me");
    expect(labelled).toContain('  labels:\n    app.kubernetes.io/name: "123"\n');
    expect(labelled).not.toContain("!!omap");
    const unlabelled = editText(labelled, (d) => deleteField(d, ["metadata", "labels", "app.kubernetes.io/name"]));
    expect(unlabelled).toBe(text);
    expect(editText("a: [", () => {})).toBe("a: [");
  });

  it("orders an answer's keys as the draft had them", () => {
    const answer = { b: 1, a: { y: [{ name: "n", v: 1, k: 2 }], x: 2 }, c: 3 };
    const like = { a: { x: 0, y: [{ k: 0, name: "n" }] }, b: 0 };
    expect(JSON.stringify(orderLike(answer, like))).toBe('{"a":{"x":2,"y":[{"k":2,"name":"n","v":1}]},"b":1,"c":3}');
  });
});
