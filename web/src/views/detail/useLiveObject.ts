// One object, read with its managedFields and kept current: the object's live stream (shared
// with the editor) says when it changed, and each change is re-read, since the stream's copies
// carry no managedFields and the Changes tab and the editor's "who changed it" need them.

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, getObject, type ResourceType } from "../../api/client";
import type { KubeObject } from "../../api/types";
import { useLiveObject as useObjectStream } from "../../edit/useLiveObject";

/** What became of the object while it was shown. */
export type Vanished = { reason: "deleted" } | { reason: "replaced" };

export interface LiveObject {
  object: KubeObject | null;
  /** Why the object could not be read (first load, or a re-read). */
  error: unknown;
  /** Why live updates are off (the stream was refused or ended), or null while following. */
  liveError: string | null;
  vanished: Vanished | null;
  /** Reads the object again; after a replacement, shows the new object. */
  reload(): void;
  /** Shows `object` (just saved from this page) until the next change arrives. */
  replace(object: KubeObject): void;
}

// Changes arrive in bursts (a rollout updates status many times a second): one re-read per burst.
const REREAD_DELAY_MS = 150;

/** The object `namespace/name` of `type`, followed live. */
export function useLiveObject(cluster: string, type: ResourceType, namespace: string | undefined, name: string): LiveObject {
  const [object, setObject] = useState<KubeObject | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [liveError, setLiveError] = useState<string | null>(null);
  const [vanished, setVanished] = useState<Vanished | null>(null);
  const shown = useRef<KubeObject | null>(null);
  const reads = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { group, version, resource } = type;

  const show = useCallback((next: KubeObject | null) => {
    shown.current = next;
    setObject(next);
  }, []);

  const read = useCallback(() => {
    clearTimeout(timer.current);
    const read = ++reads.current;
    getObject(cluster, { group, version, resource }, name, namespace).then(
      (loaded) => {
        if (read !== reads.current) return;
        if (shown.current && shown.current.metadata.uid !== loaded.metadata.uid) {
          // Another object of the same name: say so rather than swap it in silently.
          setVanished({ reason: "replaced" });
          return;
        }
        show(loaded);
        setError(null);
      },
      (e: unknown) => {
        if (read !== reads.current) return;
        if (e instanceof ApiError && e.status === 404 && shown.current) setVanished({ reason: "deleted" });
        else setError(e);
      },
    );
  }, [cluster, group, version, resource, namespace, name, show]);

  useEffect(() => {
    show(null);
    setError(null);
    setLiveError(null);
    setVanished(null);
    read();
    return () => {
      reads.current++;
      clearTimeout(timer.current);
    };
  }, [read, show]);

  useObjectStream(cluster, type, namespace, name, {
    version(item) {
      setLiveError(null);
      const current = shown.current;
      if (current && item.metadata.uid !== current.metadata.uid) {
        setVanished({ reason: "replaced" });
      } else if (!current || item.metadata.resourceVersion !== current.metadata.resourceVersion) {
        clearTimeout(timer.current);
        timer.current = setTimeout(read, REREAD_DELAY_MS);
      }
    },
    deleted() {
      if (shown.current) setVanished({ reason: "deleted" });
    },
    error: setLiveError,
  });

  const reload = useCallback(() => {
    // Forget a replaced object, so that the new one of the same name is shown.
    if (vanished?.reason === "replaced") shown.current = null;
    setVanished(null);
    read();
  }, [read, vanished]);

  const replace = useCallback(
    (next: KubeObject) => {
      if (shown.current && next.metadata.uid === shown.current.metadata.uid) show(next);
    },
    [show],
  );

  return { object, error, liveError, vanished, reload, replace };
}
