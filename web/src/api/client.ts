// Concord's HTTP API, typed. Every call goes to the same origin; mutating calls carry the CSRF
// header the server demands (docs/api.md, "CSRF"). Errors become `ApiError` with the server's
// own message, so views can show exactly what the cluster said (403, 422 details, ...).

import type {
  ClusterList,
  CreateOutcome,
  DeleteOutcome,
  EditOutcome,
  KubeObject,
  MergeOutcome,
  ObjectList,
  Resolution,
  ServedKind,
  Session,
  Table,
} from "./types";

export const API = "/api/v1";

/** A refused or failed request: the HTTP status, Concord's outcome word and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly outcome: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A resource type as URLs name it: the core group is `""` here and `core` in paths. */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
}

/** `{group}/{version}/{resource}` as Concord's URLs spell it. */
export function typePath(type: ResourceType): string {
  return `${encodeURIComponent(type.group || "core")}/${encodeURIComponent(type.version)}/${encodeURIComponent(type.resource)}`;
}

function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Fetches `path` and answers its JSON; statuses in `accept` are answers too, not errors. */
async function call<T>(path: string, init: RequestInit = {}, accept: number[] = []): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.method && init.method !== "GET") {
    headers.set("X-Concord-CSRF", "1");
    if (init.body) headers.set("Content-Type", "application/json");
  }
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  } catch (error) {
    throw new ApiError(0, "unavailable", `Concord cannot be reached: ${(error as Error).message}`);
  }
  if (response.ok || accept.includes(response.status)) {
    return (await response.json()) as T;
  }
  throw await errorOf(response);
}

/** The error a failed answer carries (Concord's `{outcome, message}`, or the status text). */
export async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { outcome?: string; message?: string };
    if (body && typeof body.message === "string") {
      return new ApiError(response.status, body.outcome ?? "error", body.message);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, "error", text.trim() || `${response.status} ${response.statusText}`);
}

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body) });

export const getSession = () => call<Session>(`${API}/session`);
export const signIn = (token: string, cluster?: string) =>
  call<{ signedIn: true; user: string }>(`${API}/session`, post({ token, cluster }));
export const signOut = () => call<{ signedIn: false }>(`${API}/session`, { method: "DELETE" });

export const getClusters = () => call<ClusterList>(`${API}/clusters`);

const clusterPath = (cluster: string) => `${API}/clusters/${encodeURIComponent(cluster)}`;

export const discover = (cluster: string) =>
  call<{ kinds: ServedKind[] }>(`${clusterPath(cluster)}/discovery`).then((d) => d.kinds);

/** What to list: namespaces (all when empty), selectors, one page. */
export interface ListOptions {
  namespaces?: string[];
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

function listQuery(options: ListOptions, view?: "table") {
  return query({
    namespace: options.namespaces?.join(","),
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continueToken,
    view,
  });
}

export const listObjects = (cluster: string, type: ResourceType, options: ListOptions = {}) =>
  call<ObjectList>(`${clusterPath(cluster)}/objects/${typePath(type)}${listQuery(options)}`);

export const listTable = (cluster: string, type: ResourceType, options: ListOptions = {}) =>
  call<Table>(`${clusterPath(cluster)}/objects/${typePath(type)}${listQuery(options, "table")}`);

/** One object, with its managedFields. */
export const getObject = (cluster: string, type: ResourceType, name: string, namespace?: string) =>
  call<KubeObject>(
    `${clusterPath(cluster)}/objects/${typePath(type)}/${encodeURIComponent(name)}${query({ namespace })}`,
  );

/** The events about the object with `uid`. */
export const getEvents = (cluster: string, uid: string, namespace?: string) =>
  call<ObjectList>(`${clusterPath(cluster)}/events${query({ uid, namespace })}`);

export interface LogOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
}

/** The URL of a pod's logs (also what a download link points at). */
export const logsUrl = (cluster: string, namespace: string, pod: string, options: LogOptions = {}) =>
  `${clusterPath(cluster)}/logs/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}${query({ ...options })}`;

/** A pod's logs as a stream of text; abort `signal` to stop following. */
export async function streamLogs(
  cluster: string,
  namespace: string,
  pod: string,
  options: LogOptions,
  signal: AbortSignal,
): Promise<ReadableStream<string>> {
  const response = await fetch(logsUrl(cluster, namespace, pod, options), { signal, credentials: "same-origin" });
  if (!response.ok || !response.body) throw await errorOf(response);
  return response.body.pipeThrough(new TextDecoderStream());
}

/** The edit protocol: saves `mine` as a change from `base` (DESIGN.md). */
export const edit = (
  base: KubeObject,
  mine: KubeObject,
  options: { cluster?: string; resolutions?: Resolution[]; theirsResourceVersion?: string } = {},
) => call<EditOutcome>(`${API}/edit`, post({ base, mine, ...options }), [409, 410]);

/** The three-way merge of `theirs` into `mine` from `base`, computed by the server, writing
 * nothing: how someone else's change is taken into an editor. */
export const merge = (
  base: KubeObject,
  theirs: KubeObject,
  mine: KubeObject,
  options: { cluster?: string; resolutions?: Resolution[] } = {},
) => call<MergeOutcome>(`${API}/merge`, post({ base, theirs, mine, ...options }), [409, 410]);

export const create = (object: KubeObject, cluster?: string) =>
  call<CreateOutcome>(`${API}/create`, post({ object, cluster }), [409]);

/** Deletes the object exactly as loaded (`base`'s uid and resourceVersion). */
export const deleteObject = (base: KubeObject, cluster?: string) =>
  call<DeleteOutcome>(`${API}/delete`, post({ base, cluster }), [409, 410]);
