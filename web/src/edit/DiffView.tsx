// A read-only diff of two versions of an object: the changed fields as a list, and the YAML side
// by side (@codemirror/merge) with unchanged stretches folded away.

import { useEffect, useMemo, useRef } from "react";
import { MergeView } from "@codemirror/merge";
import { yaml } from "@codemirror/lang-yaml";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import type { KubeObject } from "../api/types";
import { changedFields, type FieldChange } from "./diff";
import { draftText } from "./draft";
import { concordTheme } from "./theme";

/** The changed field paths, each marked added, removed or changed. */
export function ChangedFieldList({ changes, label }: { changes: FieldChange[]; label: string }) {
  return (
    <ul className="changed-fields" aria-label={label}>
      {changes.map((c) => (
        <li key={c.path} className={`change-${c.change}`}>
          <span className="change-kind">{c.change}</span> <code>{c.path}</code>
        </li>
      ))}
    </ul>
  );
}

function readOnlyEditor(doc: string, label: string) {
  return {
    doc,
    extensions: [
      lineNumbers(),
      yaml(),
      concordTheme,
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.contentAttributes.of({ "aria-label": label }),
    ],
  };
}

/** The YAML of `from` and `to` side by side, differences marked. */
export function YamlDiff({ from, to, fromLabel, toLabel }: { from: string; to: string; fromLabel: string; toLabel: string }) {
  const parent = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = new MergeView({
      parent: parent.current!,
      a: readOnlyEditor(from, fromLabel),
      b: readOnlyEditor(to, toLabel),
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
      highlightChanges: true,
    });
    return () => view.destroy();
  }, [from, to, fromLabel, toLabel]);
  return (
    <div className="yaml-diff">
      <div className="yaml-diff-heads" aria-hidden="true">
        <span>{fromLabel}</span>
        <span>{toLabel}</span>
      </div>
      <div ref={parent} />
    </div>
  );
}

/** What changes from one version of an object to another: the field list, then the YAML diff. */
export function DiffView({
  from,
  to,
  fromLabel,
  toLabel,
  title,
}: {
  from: KubeObject;
  to: KubeObject;
  fromLabel: string;
  toLabel: string;
  title: string;
}) {
  const changes = useMemo(() => changedFields(from, to), [from, to]);
  const [fromText, toText] = useMemo(() => [draftText(from), draftText(to)], [from, to]);
  return (
    <div className="diff-view">
      {changes.length ? (
        <ChangedFieldList changes={changes} label={title} />
      ) : (
        <p className="muted">No field differs.</p>
      )}
      <YamlDiff from={fromText} to={toText} fromLabel={fromLabel} toLabel={toLabel} />
    </div>
  );
}
