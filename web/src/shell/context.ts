// What every view of one cluster needs: its name, the kinds it serves, who the user is there,
// and the namespaces chosen in the picker (empty: all). Provided by the shell's layout.

import { createContext, useContext } from "react";
import type { ResourceType } from "../api/client";
import type { ServedKind } from "../api/types";

export interface ClusterState {
  cluster: string;
  /** Every kind served (all versions); use `kindOf` to find one. */
  kinds: ServedKind[];
  /** The user's name in this cluster, when known. */
  user: string | null;
  /** The namespaces chosen; empty means all. */
  namespaces: string[];
  setNamespaces(namespaces: string[]): void;
}

export const ClusterContext = createContext<ClusterState | null>(null);

export function useCluster(): ClusterState {
  const state = useContext(ClusterContext);
  if (!state) throw new Error("useCluster outside a cluster's layout");
  return state;
}

/** The served kind of a resource type, if the cluster serves it. */
export function kindOf(kinds: ServedKind[], type: ResourceType): ServedKind | undefined {
  return kinds.find((k) => k.group === type.group && k.version === type.version && k.resource === type.resource);
}

/** The preferred version's resource type of a kind (`apps`, `Deployment`), as owner references
 * and related objects name them. */
export function typeOfKind(kinds: ServedKind[], apiVersion: string, kind: string): ServedKind | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  return (
    kinds.find((k) => k.group === group && k.version === version && k.kind === kind) ??
    kinds.find((k) => k.group === group && k.kind === kind && k.preferred)
  );
}
