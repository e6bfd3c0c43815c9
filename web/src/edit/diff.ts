// What changed between two versions of an object, field by field, as readable paths. Server-set
// metadata and status are left out: they are not what a person edits, and they change with
// every write.

import type { KubeObject } from "../api/types";
import { sameJson, userView } from "./draft";
import { formatPath, isMap, type PathStep } from "./paths";

/** One changed field. */
export interface FieldChange {
  path: string;
  change: "added" | "removed" | "changed";
}

// The fields Kubernetes merges lists of objects by (x-kubernetes-patch-merge-key and list-map
// keys), tried in order; the first one every element has, unique on both sides, is the key.
const MERGE_KEYS = ["name", "containerPort", "port", "type", "mountPath", "devicePath", "ip", "topologyKey", "key"];

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

/** The merge key shared by two lists of objects, when there is one. */
function mergeKeyOf(a: unknown[], b: unknown[]): string | undefined {
  const all = [a, b];
  if (!all.every((list) => list.every(isMap))) return undefined;
  return MERGE_KEYS.find((key) =>
    all.every((list) => {
      const seen = new Set<string>();
      return (list as Record<string, unknown>[]).every((element) => {
        const value = element[key];
        if (value === undefined || !isScalar(value)) return false;
        const id = JSON.stringify(value);
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    }),
  );
}

function walk(path: PathStep[], a: unknown, b: unknown, out: FieldChange[]) {
  if (sameJson(a, b)) return;
  // A mapping field added or removed whole is reported by its fields, which are what people look
  // for (`metadata.annotations["team"]`, not `metadata.annotations`); a list element is one thing.
  const whole = a === undefined ? b : b === undefined ? a : undefined;
  const last = path[path.length - 1];
  if (isMap(whole) && Object.keys(whole).length > 0 && (!last || "key" in last)) {
    for (const key of Object.keys(whole)) walk([...path, { key }], isMap(a) ? a[key] : undefined, isMap(b) ? b[key] : undefined, out);
    return;
  }
  if (a === undefined) {
    out.push({ path: formatPath(path), change: "added" });
  } else if (b === undefined) {
    out.push({ path: formatPath(path), change: "removed" });
  } else if (isMap(a) && isMap(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk([...path, { key }], a[key], b[key], out);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    walkList(path, a, b, out);
  } else {
    out.push({ path: formatPath(path), change: "changed" });
  }
}

function walkList(path: PathStep[], a: unknown[], b: unknown[], out: FieldChange[]) {
  const key = a.length + b.length > 0 ? mergeKeyOf(a, b) : undefined;
  if (key) {
    const byKey = (list: unknown[]) =>
      new Map((list as Record<string, unknown>[]).map((e) => [JSON.stringify(e[key]), e] as const));
    const [left, right] = [byKey(a), byKey(b)];
    for (const id of new Set([...left.keys(), ...right.keys()])) {
      const element = left.get(id) ?? right.get(id)!;
      walk([...path, { keys: [[key, element[key]]] }], left.get(id), right.get(id), out);
    }
    return;
  }
  // Lists of objects without a key change element by element when only values changed; any
  // other change (scalars, lengths) is a change of the whole list, as an atomic list is.
  if (a.length === b.length && a.every(isMap) && b.every(isMap)) {
    a.forEach((element, index) => walk([...path, { index }], element, b[index], out));
  } else {
    out.push({ path: formatPath(path), change: "changed" });
  }
}

/** The fields that differ from `from` to `to`, in document order; nothing for objects that
 * differ only in server-set metadata or status. */
export function changedFields(from: KubeObject, to: KubeObject): FieldChange[] {
  const out: FieldChange[] = [];
  walk([], userView(from), userView(to), out);
  return out;
}

/** Whether two versions differ in anything the user could have edited. */
export function differsForUser(a: KubeObject, b: KubeObject): boolean {
  return !sameJson(userView(a), userView(b));
}
