// Unsaved drafts survive leaving the Edit tab and reloading the page: each is kept in the
// browser tab's session storage with the base it was made from, until it is saved or discarded.
// The base matters: the draft is the user's change relative to it, and the live stream shows what
// others changed since.

import type { KubeObject } from "../api/types";

/** A kept draft: the text and the object it was made from. */
export interface StashedDraft {
  base: KubeObject;
  text: string;
}

function keyOf(cluster: string, object: KubeObject): string | undefined {
  return object.metadata.uid ? `concord.draft:${cluster}:${object.metadata.uid}` : undefined;
}

/** The kept draft of this object, if there is one. */
export function loadDraft(cluster: string, object: KubeObject): StashedDraft | undefined {
  const key = keyOf(cluster, object);
  if (!key) return undefined;
  try {
    const raw = sessionStorage.getItem(key);
    if (!raw) return undefined;
    const stash = JSON.parse(raw) as StashedDraft;
    if (typeof stash.text !== "string" || stash.base?.metadata?.uid !== object.metadata.uid) return undefined;
    return stash;
  } catch {
    return undefined;
  }
}

/** Keeps the draft, or forgets it (`undefined`). Storage being full or off only loses the
 * keeping, never the draft in the editor. */
export function keepDraft(cluster: string, object: KubeObject, stash: StashedDraft | undefined) {
  const key = keyOf(cluster, object);
  if (!key) return;
  try {
    if (stash) sessionStorage.setItem(key, JSON.stringify(stash));
    else sessionStorage.removeItem(key);
  } catch {
    // Nothing to do: the draft is still in the editor.
  }
}
