// "Who changed what": the object's managedFields as a list of writers, newest first, each with
// how it wrote (Apply or Update, to which subresource), when, and the fields it owns.

import type { KubeObject } from "../../api/types";
import { describeManagedFields } from "../../edit/changes";
import { When } from "./time";

// Past this many fields a writer's list starts folded.
const FOLD_AFTER = 40;

const at = (time?: string) => (time ? Date.parse(time) || 0 : 0);

/** The Changes tab. */
export function ChangesTab({ object }: { object: KubeObject }) {
  const writers = describeManagedFields(object)
    .map((writer, index) => ({ ...writer, index }))
    .sort((a, b) => at(b.time) - at(a.time) || a.index - b.index);
  const latest = writers.find((w) => w.time);
  return (
    <section className="card" aria-labelledby="changes-heading">
      <h3 id="changes-heading">Who changed what</h3>
      <p className="muted small">
        From the object's <code>managedFields</code>: each writer (field manager) and the fields it set last. The
        cluster keeps one entry per writer and kind of write, dated by its latest write.
      </p>
      {writers.length === 0 && (
        <p className="muted">No managedFields on this object: the cluster did not record who wrote it.</p>
      )}
      <ol className="changes">
        {writers.map((writer) => {
          const isLatest = writer === latest;
          const concordUser = writer.manager.startsWith("concord:") ? writer.manager.slice("concord:".length) : null;
          return (
            <li
              key={`${writer.manager}-${writer.operation}-${writer.subresource ?? ""}-${writer.index}`}
              className={`change${isLatest ? " change-latest" : ""}`}
              aria-current={isLatest ? "true" : undefined}
            >
              <div className="change-head">
                <span className="change-manager mono">{concordUser ?? writer.manager}</span>
                {concordUser !== null && <span className="tag">via Concord</span>}
                <span className="tag">{writer.operation}</span>
                {writer.subresource && <span className="tag">/{writer.subresource}</span>}
                <span className="change-time">
                  {writer.time ? <When iso={writer.time} /> : <span className="muted">time not recorded</span>}
                </span>
                {isLatest && <span className="badge health-ok">Latest change</span>}
              </div>
              {writer.fields.length === 0 ? (
                <p className="muted small">Owns no fields.</p>
              ) : (
                <details className="change-fields" open={writer.fields.length <= FOLD_AFTER}>
                  <summary>
                    {writer.fields.length} field{writer.fields.length === 1 ? "" : "s"}
                  </summary>
                  <ul>
                    {writer.fields.map((field) => (
                      <li key={field} className="mono">
                        {field}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
