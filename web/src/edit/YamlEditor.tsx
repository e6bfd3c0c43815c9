// The YAML editor: CodeMirror 6 with YAML highlighting, line numbers, search (Ctrl/Cmd-F),
// folding, and the YAML parser's errors marked at their place. Controlled: `value` is the text,
// `onChange` gets every edit; a new `value` from outside (a form, a merge) replaces the text.

import { useEffect, useId, useRef } from "react";
import { basicSetup } from "codemirror";
import { indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { parseDraft } from "./draft";
import { concordTheme } from "./theme";

/** The YAML parser's problems as editor diagnostics. */
const yamlLint = linter(
  (view): Diagnostic[] => {
    const text = view.state.doc.toString();
    const parsed = parseDraft(text);
    if (!parsed.problems) return [];
    const length = view.state.doc.length;
    return parsed.problems.map((p) => ({
      from: Math.min(p.from, length),
      to: Math.min(Math.max(p.to, p.from), length),
      severity: "error",
      message: p.message,
    }));
  },
  { delay: 300 },
);

export interface YamlEditorProps {
  value: string;
  onChange(value: string): void;
  /** The accessible name of the editing area. */
  label?: string;
  readOnly?: boolean;
  /** Ctrl/⌘-S: what saving means where the editor is (the Edit tab: review the changes). */
  onSubmit?: { label: string; run(): void };
}

/** A CodeMirror YAML editor whose editing area is labelled `label` ("YAML editor"). */
export function YamlEditor({ value, onChange, label = "YAML editor", readOnly = false, onSubmit }: YamlEditorProps) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const hintId = useId();
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onSubmitRef = useRef(onSubmit);
  onSubmitRef.current = onSubmit;

  useEffect(() => {
    const editor = new EditorView({
      parent: parent.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          // Tab indents (YAML is all indentation); Escape then Tab leaves the editor.
          keymap.of([
            indentWithTab,
            {
              key: "Mod-s",
              preventDefault: true,
              run: () => {
                onSubmitRef.current?.run();
                return true;
              },
            },
          ]),
          yaml(),
          yamlLint,
          lintGutter(),
          concordTheme,
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label, "aria-multiline": "true", "aria-describedby": hintId }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is made once; later `value`s are dispatched below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [label, readOnly, hintId]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current === value) return;
    // Replace only the part that differs, so the cursor and scroll stay where they were.
    let start = 0;
    while (start < current.length && start < value.length && current[start] === value[start]) start++;
    let end = 0;
    while (
      end < current.length - start &&
      end < value.length - start &&
      current[current.length - 1 - end] === value[value.length - 1 - end]
    )
      end++;
    editor.dispatch({ changes: { from: start, to: current.length - end, insert: value.slice(start, value.length - end) } });
  }, [value]);

  return (
    <div className="yaml-editor-wrap">
      <div className="yaml-editor" ref={parent} />
      <p id={hintId} className="editor-hint">
        Tab indents; Esc then Tab moves on. Ctrl/⌘-F searches.{onSubmit ? ` Ctrl/⌘-S: ${onSubmit.label}.` : ""}
      </p>
    </div>
  );
}
