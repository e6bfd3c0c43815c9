// How the sidebar arranges the kinds a cluster serves: the groups Kubernetes users know from
// other consoles, custom resources by API group, and whatever else the cluster serves.

import type { ServedKind } from "../api/types";

/** API groups that come with Kubernetes itself (or its usual aggregated APIs); any other group
 * is served by a CustomResourceDefinition (`gateway.networking.k8s.io` included). */
export const BUILT_IN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "admissionregistration.k8s.io",
  "certificates.k8s.io",
  "node.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "internal.apiserver.k8s.io",
  "resource.k8s.io",
  "storagemigration.k8s.io",
  "metrics.k8s.io",
]);

/** The fixed sections, each kind named by its API group and kind. */
const SECTIONS: { title: string; kinds: [group: string, kind: string][] }[] = [
  { title: "Cluster", kinds: [["", "Namespace"], ["", "Node"], ["", "Event"]] },
  {
    title: "Workloads",
    kinds: [
      ["", "Pod"],
      ["apps", "Deployment"],
      ["apps", "StatefulSet"],
      ["apps", "DaemonSet"],
      ["apps", "ReplicaSet"],
      ["batch", "Job"],
      ["batch", "CronJob"],
    ],
  },
  {
    title: "Network",
    kinds: [
      ["", "Service"],
      ["networking.k8s.io", "Ingress"],
      ["networking.k8s.io", "IngressClass"],
      ["networking.k8s.io", "NetworkPolicy"],
      ["discovery.k8s.io", "EndpointSlice"],
      ["", "Endpoints"],
    ],
  },
  {
    title: "Config",
    kinds: [
      ["", "ConfigMap"],
      ["", "Secret"],
      ["autoscaling", "HorizontalPodAutoscaler"],
      ["", "ResourceQuota"],
      ["", "LimitRange"],
      ["policy", "PodDisruptionBudget"],
      ["scheduling.k8s.io", "PriorityClass"],
    ],
  },
  {
    title: "Storage",
    kinds: [["", "PersistentVolumeClaim"], ["", "PersistentVolume"], ["storage.k8s.io", "StorageClass"]],
  },
  {
    title: "Access control",
    kinds: [
      ["", "ServiceAccount"],
      ["rbac.authorization.k8s.io", "Role"],
      ["rbac.authorization.k8s.io", "RoleBinding"],
      ["rbac.authorization.k8s.io", "ClusterRole"],
      ["rbac.authorization.k8s.io", "ClusterRoleBinding"],
    ],
  },
];

/** One heading of the sidebar; custom resources come in one subsection per API group. */
export interface SidebarSection {
  title: string;
  kinds: ServedKind[];
  subsections?: { title: string; kinds: ServedKind[] }[];
}

/** Kinds one can list, in their preferred version only. */
export function listableKinds(kinds: ServedKind[]): ServedKind[] {
  return kinds.filter((k) => k.preferred && k.verbs.includes("list"));
}

/** The sidebar's sections for what the cluster serves; empty sections are left out. */
export function sidebarSections(kinds: ServedKind[]): SidebarSection[] {
  const served = listableKinds(kinds);
  const byKey = new Map(served.map((k) => [`${k.group}/${k.kind}`, k]));
  const placed = new Set<ServedKind>();
  const sections: SidebarSection[] = [];
  for (const section of SECTIONS) {
    const found = section.kinds.flatMap(([group, kind]) => byKey.get(`${group}/${kind}`) ?? []);
    found.forEach((k) => placed.add(k));
    if (found.length) sections.push({ title: section.title, kinds: found });
  }
  // events.k8s.io's Event is the core Event again, seen through a newer API.
  const coreEvents = byKey.get("/Event");
  const newEvents = byKey.get("events.k8s.io/Event");
  if (coreEvents && newEvents) placed.add(newEvents);

  const custom = new Map<string, ServedKind[]>();
  const other: ServedKind[] = [];
  for (const kind of served) {
    if (placed.has(kind)) continue;
    if (BUILT_IN_GROUPS.has(kind.group)) {
      other.push(kind);
    } else {
      custom.set(kind.group, [...(custom.get(kind.group) ?? []), kind]);
    }
  }
  if (custom.size) {
    sections.push({
      title: "Custom resources",
      kinds: [],
      subsections: [...custom.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([group, kinds]) => ({ title: group, kinds: kinds.sort(byKind) })),
    });
  }
  if (other.length) sections.push({ title: "Other", kinds: other.sort(byKind) });
  return sections;
}

const byKind = (a: ServedKind, b: ServedKind) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group);

/** A kind's plural as a title: `Deployments`, `NetworkPolicies`, `Endpoints`, `Widgets`. */
export function pluralTitle(kind: ServedKind): string {
  const lower = kind.kind.toLowerCase();
  if (kind.resource.startsWith(lower)) return kind.kind + kind.resource.slice(lower.length);
  if (lower.endsWith("y") && kind.resource === `${lower.slice(0, -1)}ies`) return `${kind.kind.slice(0, -1)}ies`;
  return kind.resource;
}
