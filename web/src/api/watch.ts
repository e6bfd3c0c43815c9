// Live updates: Concord's server-sent events (docs/api.md, "Live updates"). One stream per
// resource type and filter; the server shares one upstream watch among all followers.
//
// Events: `snapshot` starts a new full picture (replace what you had) and may be followed by
// `more` events until one says `complete: true`; then `change` events; `error` ends the stream.
// With `view: "table"` items are Table rows (the columns `kubectl get` prints; the first
// `snapshot` carries `columns`), otherwise objects without managedFields.

import { API, errorOf, typePath, type ResourceType } from "./client";
import type { KubeObject, TableColumn, TableRow } from "./types";

export type WatchType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchHandlers<T> {
  /** A new snapshot begins (`items` is its first part); replace everything shown. */
  snapshot(items: T[], complete: boolean, columns?: TableColumn[]): void;
  /** More of the current snapshot. */
  more(items: T[], complete: boolean): void;
  /** One change after the snapshot completed. */
  change(type: WatchType, item: T): void;
  /** The stream ended with this message (permission withdrawn, the cluster's watch ended…). */
  error(message: string): void;
}

export interface WatchOptions {
  namespaces?: string[];
  labelSelector?: string;
  /** Follow one object only. */
  name?: string;
}

/** Follows `type`; answers a function that stops following. */
export function follow(
  cluster: string,
  type: ResourceType,
  options: WatchOptions,
  view: "object",
  handlers: WatchHandlers<KubeObject>,
): () => void;
export function follow(
  cluster: string,
  type: ResourceType,
  options: WatchOptions,
  view: "table",
  handlers: WatchHandlers<TableRow>,
): () => void;
export function follow<T>(
  cluster: string,
  type: ResourceType,
  options: WatchOptions,
  view: "object" | "table",
  handlers: WatchHandlers<T>,
): () => void {
  const params = new URLSearchParams();
  if (options.namespaces?.length) params.set("namespace", options.namespaces.join(","));
  if (options.labelSelector) params.set("labelSelector", options.labelSelector);
  if (options.name) params.set("name", options.name);
  if (view === "table") params.set("view", "table");
  const url = `${API}/clusters/${encodeURIComponent(cluster)}/watch/${typePath(type)}?${params}`;
  const source = new EventSource(url, { withCredentials: true });
  let ended = false;
  const parse = (event: Event) => JSON.parse((event as MessageEvent<string>).data);
  source.addEventListener("snapshot", (event) => {
    const data = parse(event);
    handlers.snapshot(data.items, data.complete !== false, data.columns);
  });
  source.addEventListener("more", (event) => {
    const data = parse(event);
    handlers.more(data.items, data.complete !== false);
  });
  source.addEventListener("change", (event) => {
    const data = parse(event);
    handlers.change(data.type, view === "table" ? data.row : data.object);
  });
  source.addEventListener("error", (event) => {
    const data = (event as MessageEvent<string>).data;
    if (typeof data === "string" && data) {
      // The server's own `error` event: the stream is over for good.
      ended = true;
      source.close();
      handlers.error(JSON.parse(data).message);
    } else if (source.readyState === EventSource.CLOSED && !ended) {
      // The connection was refused (403, 404, ...): EventSource does not say why, so ask once.
      ended = true;
      void explainRefusal(url).then(handlers.error);
    }
    // Otherwise EventSource reconnects by itself and a new snapshot arrives.
  });
  return () => {
    ended = true;
    source.close();
  };
}

/** Why the server refused a stream: the same request's error answer, read once. */
async function explainRefusal(url: string): Promise<string> {
  const abort = new AbortController();
  try {
    const response = await fetch(url, { signal: abort.signal, credentials: "same-origin" });
    if (!response.ok) return (await errorOf(response)).message;
    return "the live stream ended; reload to follow again";
  } catch {
    return "Concord cannot be reached";
  } finally {
    abort.abort();
  }
}
