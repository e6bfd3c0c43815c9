import { useEffect, useId, useRef, useState } from "react";
import { ApiError, deleteObject } from "../../api/client";
import type { KubeObject, ServedKind } from "../../api/types";

/** An object to delete, exactly as the list showed it. */
export interface DeleteTarget {
  key: string;
  name: string;
  namespace: string;
  base: KubeObject;
}

type Result = { state: "pending" | "deleting" } | { state: "deleted" | "kept" | "gone" | "failed"; message: string };

/** Beyond this many objects, the count must be typed to confirm. */
const TYPE_TO_CONFIRM = 10;
const AT_ONCE = 4;

/** What deleting one object came to, in words. */
async function deleteOne(base: KubeObject, cluster: string): Promise<Result> {
  try {
    const answer = await deleteObject(base, cluster);
    switch (answer.outcome) {
      case "deleted":
        return { state: "deleted", message: "Deleted" };
      case "changed":
        return { state: "kept", message: "Changed since you loaded it: not deleted" };
      case "gone":
        return answer.reason === "replaced"
          ? { state: "kept", message: "Replaced by a new object of the same name: not deleted" }
          : { state: "gone", message: "Already gone" };
    }
  } catch (error) {
    const prefix = error instanceof ApiError && error.status === 403 ? "Forbidden: " : "";
    return { state: "failed", message: prefix + (error as Error).message };
  }
}

/** Confirms and deletes `targets`, each with preconditions on the version shown, and reports
 * what happened to every one. `onClose` gets the keys of the objects no longer there. */
export function DeleteDialog({
  cluster,
  kind,
  targets,
  onClose,
}: {
  cluster: string;
  kind: ServedKind;
  targets: DeleteTarget[];
  onClose(removed: string[]): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [results, setResults] = useState<Map<string, Result> | null>(null);
  const titleId = useId();
  const count = targets.length;
  const noun = count === 1 ? kind.singular : kind.resource;
  const running = results !== null && [...results.values()].some((r) => r.state === "pending" || r.state === "deleting");
  const confirmed = count <= TYPE_TO_CONFIRM || typed.trim() === String(count);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const close = () => {
    if (running) return;
    const removed = results ? targets.filter((t) => ["deleted", "gone"].includes(results.get(t.key)?.state ?? "")).map((t) => t.key) : [];
    onClose(removed);
  };

  const start = async () => {
    const progress = new Map<string, Result>(targets.map((t) => [t.key, { state: "pending" }]));
    setResults(new Map(progress));
    const queue = [...targets];
    const worker = async () => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        progress.set(target.key, { state: "deleting" });
        setResults(new Map(progress));
        progress.set(target.key, await deleteOne(target.base, cluster));
        setResults(new Map(progress));
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, count) }, worker));
  };

  const tally = results ? summarize([...results.values()]) : "";

  return (
    <dialog
      ref={dialog}
      className="dialog delete-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <h2 id={titleId}>
        {results ? (running ? `Deleting ${count} ${noun}…` : `Deleting ${count} ${noun}: done`) : `Delete ${count} ${noun}?`}
      </h2>
      {results ? (
        <p role="status" className="delete-summary">
          {tally}
        </p>
      ) : (
        <p>
          Each is deleted only if it is still the version listed here; one that changed meanwhile is left alone and
          reported.
        </p>
      )}
      <ul className="delete-list" aria-label={`${kind.resource} to delete`}>
        {targets.map((target) => {
          const result = results?.get(target.key);
          return (
            <li key={target.key} className={result ? `delete-${result.state}` : undefined}>
              <span className="delete-name">{target.namespace ? `${target.namespace}/${target.name}` : target.name}</span>
              {result ? (
                <span className="delete-result">
                  {"message" in result ? result.message : result.state === "deleting" ? "Deleting…" : "Waiting"}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {!results && count > TYPE_TO_CONFIRM ? (
        <label className="field">
          Type {count} to confirm
          <input inputMode="numeric" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
      ) : null}
      <div className="dialog-actions">
        {results ? (
          <button type="button" onClick={close} disabled={running} autoFocus>
            Close
          </button>
        ) : (
          <>
            <button type="button" onClick={close}>
              Cancel
            </button>
            <button type="button" className="danger" disabled={!confirmed} onClick={start} autoFocus={count <= TYPE_TO_CONFIRM}>
              Delete {count} {noun}
            </button>
          </>
        )}
      </div>
    </dialog>
  );
}

function summarize(results: Result[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const parts = [
    ["deleted", "deleted"],
    ["gone", "already gone"],
    ["kept", "not deleted (changed or replaced)"],
    ["failed", "failed"],
    ["deleting", "in progress"],
    ["pending", "waiting"],
  ]
    .filter(([state]) => counts.get(state))
    .map(([state, words]) => `${counts.get(state)} ${words}`);
  return parts.join(", ");
}
