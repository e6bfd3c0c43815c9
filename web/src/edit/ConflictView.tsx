// The fields both the user and someone else changed differently: each shown with the value both
// started from, theirs and mine, and a choice between keeping mine and taking theirs. Overwriting
// someone else's change is only ever this explicit, per-field choice (DESIGN.md).

import { useEffect, useId, useRef, useState } from "react";
import type { Conflict, Resolution } from "../api/types";
import { toYaml } from "./draft";
import { pointerToPath } from "./paths";
import { RelativeTime } from "./RelativeTime";

export interface ConflictViewProps {
  conflicts: Conflict[];
  /** Who made their change (a field manager), and when. */
  who?: string;
  when?: string;
  /** Whether choosing saves (the edit protocol) or only merges into the draft. */
  action?: "save" | "merge";
  /** Why the view is shown again (the object changed once more while choosing). */
  note?: string;
  busy?: boolean;
  /** The three objects, when known: they tell keyed list elements apart in paths. */
  documents?: unknown[];
  onResolve(resolutions: Resolution[]): void;
  onCancel(): void;
}

/** What happened to a field, in words, so delete-against-modify is never mistaken. */
function describe(conflict: Conflict): string {
  const has = (v: unknown) => v !== undefined;
  if (!has(conflict.base)) return "Both sides added this field, with different values.";
  if (!has(conflict.theirs)) return "They removed this field; you changed it.";
  if (!has(conflict.mine)) return "You removed this field; they changed it.";
  return "Both sides changed this field differently.";
}

function Value({ value, side }: { value: unknown; side: string }) {
  return (
    <div className={`conflict-value conflict-${side.toLowerCase()}`}>
      <span className="conflict-side">{side}</span>
      {value === undefined ? <em className="absent">absent</em> : <pre>{toYaml(value).trimEnd()}</pre>}
    </div>
  );
}

/** Every conflict with a "Keep mine" / "Take theirs" choice; reports the choices once all are
 * made. */
export function ConflictView({
  conflicts,
  who,
  when,
  action = "save",
  note,
  busy = false,
  documents = [],
  onResolve,
  onCancel,
}: ConflictViewProps) {
  const ids = useId();
  const [choices, setChoices] = useState<Record<string, Resolution["take"]>>({});
  const complete = conflicts.every((c) => choices[c.path]);
  const everyone = (take: Resolution["take"]) => setChoices(Object.fromEntries(conflicts.map((c) => [c.path, take])));
  const them = who ?? "Someone else";
  // The view replaces what had focus (the Save button): keyboard and screen reader users start here.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="conflict-view" aria-label="Conflicts">
      <h2 ref={heading} tabIndex={-1}>
        {conflicts.length === 1 ? "One field" : `${conflicts.length} fields`} changed by both you and {them}
        {when && (
          <>
            {" "}
            (<RelativeTime time={when} />)
          </>
        )}
      </h2>
      {note && <p className="conflict-note">{note}</p>}
      <p>
        All other changes — theirs and yours — merge cleanly and are kept. For each field below, choose whose value to
        keep; nothing is {action === "save" ? "saved" : "changed in your edit"} until every field has a choice.
      </p>
      {conflicts.length > 1 && (
        <p className="conflict-all">
          <button type="button" onClick={() => everyone("mine")}>
            Keep mine everywhere
          </button>{" "}
          <button type="button" onClick={() => everyone("theirs")}>
            Take theirs everywhere
          </button>
        </p>
      )}
      <ol className="conflicts">
        {conflicts.map((conflict, index) => {
          const labelId = `${ids}-${index}`;
          const path = pointerToPath(conflict.path, ...documents);
          return (
            <li key={conflict.path} className="conflict">
              <div role="radiogroup" aria-labelledby={labelId}>
                <h3 id={labelId}>
                  <code>{path}</code>
                </h3>
                <p className="muted">{describe(conflict)}</p>
                <div className="conflict-values">
                  <Value value={conflict.base} side="Base" />
                  <Value value={conflict.theirs} side="Theirs" />
                  <Value value={conflict.mine} side="Mine" />
                </div>
                <div className="conflict-choices">
                  {(["mine", "theirs"] as const).map((take) => (
                    <label key={take}>
                      <input
                        type="radio"
                        name={labelId}
                        value={take}
                        checked={choices[conflict.path] === take}
                        onChange={() => setChoices((c) => ({ ...c, [conflict.path]: take }))}
                      />{" "}
                      {take === "mine" ? "Keep mine" : "Take theirs"}
                    </label>
                  ))}
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!complete || busy}
          onClick={() => onResolve(conflicts.map((c) => ({ path: c.path, take: choices[c.path] })))}
        >
          {action === "save" ? "Save with these choices" : "Merge with these choices"}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        {!complete && (
          <span className="muted">
            {conflicts.filter((c) => !choices[c.path]).length} of {conflicts.length} still to choose
          </span>
        )}
      </div>
    </section>
  );
}
