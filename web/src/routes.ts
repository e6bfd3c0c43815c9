// Every view has a URL (deep links). Paths:
//   /signin                                                  token sign-in
//   /c/:cluster                                              the cluster's overview
//   /c/:cluster/r/:group/:version/:resource                  a list (group `core` for "")
//   /c/:cluster/r/:group/:version/:resource/:namespace/:name[/:tab]
//                                                            an object (namespace `_` when
//                                                            cluster-scoped); tab: summary,
//                                                            yaml, events, changes, logs
//   /c/:cluster/create                                       create from YAML
// The query keeps the namespace choice (`ns=a,b`; absent means all), and a list's filters
// (`q` name filter, `l` label selector, `sort`, `desc`).

import type { ResourceType } from "./api/client";

export const CLUSTER_SCOPED = "_";

export function clusterUrl(cluster: string): string {
  return `/c/${encodeURIComponent(cluster)}`;
}

export function listUrl(cluster: string, type: ResourceType, search = ""): string {
  return `${clusterUrl(cluster)}/r/${encodeURIComponent(type.group || "core")}/${encodeURIComponent(type.version)}/${encodeURIComponent(type.resource)}${search}`;
}

export type DetailTab = "summary" | "yaml" | "events" | "changes" | "logs";

export function objectUrl(
  cluster: string,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  tab?: DetailTab,
  search = "",
): string {
  const base = listUrl(cluster, type);
  const ns = encodeURIComponent(namespace || CLUSTER_SCOPED);
  return `${base}/${ns}/${encodeURIComponent(name)}${tab && tab !== "summary" ? `/${tab}` : ""}${search}`;
}

export function createUrl(cluster: string): string {
  return `${clusterUrl(cluster)}/create`;
}

/** The resource type in route params (`core` back to ""). */
export function typeOf(params: { group?: string; version?: string; resource?: string }): ResourceType {
  return {
    group: params.group === "core" || !params.group ? "" : params.group,
    version: params.version ?? "",
    resource: params.resource ?? "",
  };
}
