// Test data: a served kind as discovery describes it.

import type { ServedKind } from "../api/types";

/** A listable kind, preferred version v1, with `extra` fields replaced. */
export function served(group: string, kind: string, resource: string, extra: Partial<ServedKind> = {}): ServedKind {
  return {
    group,
    version: "v1",
    preferred: true,
    kind,
    resource,
    singular: kind.toLowerCase(),
    namespaced: true,
    verbs: ["get", "list", "watch", "create", "delete"],
    shortNames: [],
    categories: [],
    subresources: [],
    ...extra,
  };
}
