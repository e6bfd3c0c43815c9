import { useEffect, useRef } from "react";
import type { ResourceType } from "../api/client";
import type { KubeObject } from "../api/types";
import { follow } from "../api/watch";

/** What the live stream says about one object. */
export interface LiveHandlers {
  /** The object as the stream carries it (without managedFields); also sent for the current
   * version right after connecting, and again after a reconnect. */
  version(object: KubeObject): void;
  deleted(): void;
  /** The stream ended for good. */
  error(message: string): void;
}

/** Follows one object for as long as the component is mounted. Handlers may change freely; the
 * stream is reopened only for another object. */
export function useLiveObject(
  cluster: string,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  handlers: LiveHandlers,
) {
  const current = useRef(handlers);
  current.current = handlers;
  const { group, version, resource } = type;
  useEffect(() => {
    // The snapshot may come in parts: the object is gone only if no part had it.
    let seen = false;
    const look = (items: KubeObject[], complete: boolean) => {
      const object = items.find((item) => item.metadata.name === name);
      if (object) {
        seen = true;
        current.current.version(object);
      }
      if (complete && !seen) current.current.deleted();
    };
    return follow(
      cluster,
      { group, version, resource },
      { namespaces: namespace ? [namespace] : undefined, name },
      "object",
      {
        snapshot(items, complete) {
          seen = false;
          look(items, complete);
        },
        more: look,
        change(kind, object) {
          if (object.metadata.name !== name) return;
          if (kind === "DELETED") current.current.deleted();
          else current.current.version(object);
        },
        error: (message) => current.current.error(message),
      },
    );
  }, [cluster, group, version, resource, namespace, name]);
}
