// Who changed what, read from `metadata.managedFields`: each entry's `fieldsV1` is a tree whose
// keys are `f:<field>`, `k:<json of the element's keys>` (a keyed list element), `v:<json value>`
// (a set element), `i:<index>`, and `.` (the node itself).

import type { KubeObject, ManagedFieldsEntry } from "../api/types";
import { formatPath, isMap, type PathStep } from "./paths";

/** One manager's share of an object, with readable field paths. */
export interface ManagedFieldsDescription {
  manager: string;
  operation: string;
  time?: string;
  subresource?: string;
  fields: string[];
}

function stepOf(token: string): PathStep | undefined {
  const kind = token.slice(0, 2);
  const rest = token.slice(2);
  try {
    switch (kind) {
      case "f:":
        return { key: rest };
      case "k:": {
        const keys = JSON.parse(rest) as unknown;
        return isMap(keys) ? { keys: Object.entries(keys) } : undefined;
      }
      case "v:":
        return { value: JSON.parse(rest) };
      case "i:":
        return { index: Number(rest) };
    }
  } catch {
    // A token that is not valid JSON is shown as written.
  }
  return { key: token };
}

/** The field keys a keyed element is selected by: they are implied by the element's path. */
function keyFields(step: PathStep | undefined): Set<string> {
  return new Set(step && "keys" in step ? step.keys.map(([key]) => key) : []);
}

function collect(tree: Record<string, unknown>, path: PathStep[], out: string[]) {
  const children = Object.keys(tree).filter((token) => token !== ".");
  const implied = keyFields(path[path.length - 1]);
  const owned = children.filter((token) => !(token.startsWith("f:") && implied.has(token.slice(2))));
  if (owned.length === 0) {
    // A leaf, or an element owned only as itself (its key fields aside).
    if (path.length) out.push(formatPath(path));
    return;
  }
  for (const token of owned) {
    const step = stepOf(token);
    const subtree = tree[token];
    if (step) collect(isMap(subtree) ? subtree : {}, [...path, step], out);
  }
}

/** Each managedFields entry with the fields it owns as readable paths
 * (`spec.template.spec.containers[name=web].image`). */
export function describeManagedFields(object: KubeObject): ManagedFieldsDescription[] {
  return (object.metadata.managedFields ?? []).map((entry: ManagedFieldsEntry) => {
    const fields: string[] = [];
    if (isMap(entry.fieldsV1)) collect(entry.fieldsV1, [], fields);
    return {
      manager: entry.manager ?? "(unknown manager)",
      operation: entry.operation ?? "Update",
      time: entry.time,
      subresource: entry.subresource,
      fields,
    };
  });
}

/** The most recent managedFields entry by time, or undefined when there is none. Times have
 * whole seconds; of equal times the later entry wins, as the API server appends a manager's
 * entry when it first writes. */
export function lastChange(object: KubeObject): { manager: string; time?: string; operation: string } | undefined {
  let latest: ManagedFieldsEntry | undefined;
  for (const entry of object.metadata.managedFields ?? []) {
    if (!latest || (entry.time ?? "") >= (latest.time ?? "")) latest = entry;
  }
  if (!latest) return undefined;
  return { manager: latest.manager ?? "(unknown manager)", time: latest.time, operation: latest.operation ?? "Update" };
}

/** Who made a change to `fields` (readable paths) in `object`: the most recent manager owning one
 * of them, so a controller's later status write is not taken for the author of a spec change;
 * `lastChange` when no entry owns them (a removal leaves no owner). */
export function changedBy(object: KubeObject, fields: string[]): { manager: string; time?: string } | undefined {
  const owners = describeManagedFields(object).filter((entry) =>
    entry.fields.some((owned) => fields.some((changed) => covers(owned, changed) || covers(changed, owned))),
  );
  let latest: ManagedFieldsDescription | undefined;
  for (const entry of owners) if (!latest || (entry.time ?? "") >= (latest.time ?? "")) latest = entry;
  return latest ? { manager: latest.manager, time: latest.time } : lastChange(object);
}

/** Whether `path` is `prefix` or a field inside it. */
function covers(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}
