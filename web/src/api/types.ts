// The shapes of Concord's API (docs/api.md; the OpenAPI document at /api/v1/openapi.json).

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [field: string]: any;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  finalizers?: string[];
  [field: string]: any;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: "Apply" | "Update";
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** A kind the cluster serves (`GET /clusters/{c}/discovery`). */
export interface ServedKind {
  group: string;
  version: string;
  preferred: boolean;
  kind: string;
  resource: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: string[];
}

/** `GET /api/v1/clusters`. */
export interface ClusterList {
  clusters: { name: string; user: string | null; default: boolean }[];
  auth: "kubeconfig" | "token" | "proxy";
}

/** `GET /api/v1/session`. */
export interface Session {
  mode: "kubeconfig" | "token" | "proxy";
  signedIn: boolean;
  user?: string;
  message?: string;
}

/** A `meta.k8s.io/v1` TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A Table row; `object` is the object's metadata (PartialObjectMetadata). */
export interface TableRow {
  cells: unknown[];
  conditions?: { type: string; status: string }[];
  object: { apiVersion?: string; kind?: string; metadata: ObjectMeta };
}

/** A `meta.k8s.io/v1` Table, as `view=table` answers. */
export interface Table {
  kind: "Table";
  columnDefinitions: TableColumn[];
  rows: TableRow[];
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

/** A Kubernetes list. */
export interface ObjectList {
  items: KubeObject[];
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

/** A field both sides changed differently; absent sides mean the field is absent there. */
export interface Conflict {
  path: string;
  base?: unknown;
  theirs?: unknown;
  mine?: unknown;
}

export interface Resolution {
  path: string;
  take: "mine" | "theirs";
}

/** What `POST /api/v1/edit` answers (200, 409 or 410). */
export type EditOutcome =
  | { outcome: "applied" | "merged" | "unchanged"; object: KubeObject }
  | { outcome: "conflict"; theirs: KubeObject; conflicts: Conflict[] }
  | { outcome: "gone"; reason: "deleted" | "replaced"; theirs?: KubeObject | null };

/** What `POST /api/v1/merge` answers: the three-way merge without writing anything. */
export type MergeOutcome =
  | { outcome: "merged"; object: KubeObject }
  | { outcome: "conflict"; conflicts: Conflict[] }
  | { outcome: "gone"; reason: "deleted" | "replaced" };

export type CreateOutcome =
  | { outcome: "created"; object: KubeObject }
  | { outcome: "exists"; theirs?: KubeObject | null };

export type DeleteOutcome =
  | { outcome: "deleted"; object: unknown }
  | { outcome: "changed"; theirs: KubeObject }
  | { outcome: "gone"; reason: "deleted" | "replaced"; theirs?: KubeObject | null };

/** Every error answer: `{"outcome", "message"}` with the HTTP status. */
export interface ApiErrorBody {
  outcome: string;
  message: string;
}
