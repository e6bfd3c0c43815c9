// What the top bar's search understands: a kind by any of its names (`deploy`, `cm`, `widgets`,
// `deployments.apps`), and objects by name, alone (`web`) or after a kind (`deploy/web`).

import type { ServedKind } from "../api/types";
import { listableKinds } from "./kinds";

/** The names a kind answers to, lower case. */
function namesOf(kind: ServedKind): string[] {
  const names = [kind.kind.toLowerCase(), kind.resource, kind.singular, ...kind.shortNames];
  if (kind.group) names.push(`${kind.resource}.${kind.group}`, `${kind.singular}.${kind.group}`);
  return names.filter(Boolean);
}

/** How well `query` names `kind`: 0 exactly, 1 by a prefix, 2 inside; null not at all. */
function kindRank(kind: ServedKind, query: string): number | null {
  const names = namesOf(kind);
  if (names.includes(query)) return 0;
  if (names.some((n) => n.startsWith(query))) return 1;
  if (kind.kind.toLowerCase().includes(query) || kind.resource.includes(query)) return 2;
  return null;
}

/** Listable kinds `text` names, best first; built-in kinds before custom ones of equal rank. */
export function matchKinds(kinds: ServedKind[], text: string, limit = 8): ServedKind[] {
  const query = text.trim().toLowerCase();
  if (!query) return [];
  return listableKinds(kinds)
    .flatMap((kind) => {
      const rank = kindRank(kind, query);
      return rank === null ? [] : [{ kind, rank }];
    })
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        Number(a.kind.group.includes(".")) - Number(b.kind.group.includes(".")) ||
        a.kind.kind.length - b.kind.kind.length ||
        a.kind.kind.localeCompare(b.kind.kind),
    )
    .slice(0, limit)
    .map((m) => m.kind);
}

/** The kind `text` names exactly, as `kubectl get <text>` would resolve it. */
export function resolveKind(kinds: ServedKind[], text: string): ServedKind | undefined {
  const query = text.trim().toLowerCase();
  const exact = listableKinds(kinds).filter((k) => namesOf(k).includes(query));
  // Like kubectl, the core and built-in groups win over a custom resource of the same name.
  return exact.find((k) => !k.group) ?? exact.find((k) => !k.group.includes(".")) ?? exact[0];
}

/** A search split at its first `/`: `deploy/web` is kind `deploy` and name `web`. */
export function parseQuery(text: string): { kind: string | null; name: string } {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  if (slash < 0) return { kind: null, name: trimmed };
  return { kind: trimmed.slice(0, slash).trim(), name: trimmed.slice(slash + 1).trim() };
}

/** Whether `name` can be an object's name, so that asking the cluster for it makes sense. */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([a-z0-9.:_-]*[a-z0-9])?$/.test(name);
}

/** The kinds looked up by name when a search names no kind (group, resource); pods, usually
 * the most numerous, are asked last. */
export const COMMON_KINDS: [group: string, resource: string][] = [
  ["apps", "deployments"],
  ["apps", "statefulsets"],
  ["apps", "daemonsets"],
  ["batch", "jobs"],
  ["batch", "cronjobs"],
  ["", "services"],
  ["networking.k8s.io", "ingresses"],
  ["", "configmaps"],
  ["", "secrets"],
  ["", "persistentvolumeclaims"],
  ["", "namespaces"],
  ["", "nodes"],
  ["", "pods"],
];

/** Names of the shown list that contain `query`, those starting with it first. */
export function matchNames<T extends { name: string }>(items: Iterable<T>, query: string, limit = 8): T[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const prefix: T[] = [];
  const inside: T[] = [];
  for (const item of items) {
    const name = item.name.toLowerCase();
    if (name.startsWith(needle)) {
      prefix.push(item);
      if (prefix.length >= limit) break;
    } else if (inside.length < limit && name.includes(needle)) {
      inside.push(item);
    }
  }
  return [...prefix, ...inside].slice(0, limit);
}
