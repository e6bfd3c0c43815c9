// CodeMirror's look in Concord: colours only from the app's CSS variables, so the editor and the
// diff follow the light and dark themes without knowing which one is on.

import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorView } from "@codemirror/view";
import { tags } from "@lezer/highlight";

const theme = EditorView.theme({
  "&": { color: "var(--fg)", backgroundColor: "var(--bg)", fontSize: "13px" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
  ".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--fg)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "var(--bg-selected)" },
  ".cm-gutters": { backgroundColor: "var(--bg-subtle)", color: "var(--fg-muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "var(--bg-hover)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--bg-hover)", color: "var(--fg)" },
  ".cm-selectionMatch": { backgroundColor: "var(--info-bg)" },
  ".cm-searchMatch": { backgroundColor: "var(--warn-bg)", outline: "1px solid var(--warn)" },
  ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "var(--bg-selected)" },
  ".cm-matchingBracket, .cm-nonmatchingBracket": { backgroundColor: "var(--bg-selected)", outline: "none" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--bg-subtle)", color: "var(--fg-muted)", border: "1px solid var(--border)" },
  ".cm-panels": { backgroundColor: "var(--bg-subtle)", color: "var(--fg)" },
  ".cm-panels.cm-panels-top": { borderBottom: "1px solid var(--border)" },
  ".cm-panels.cm-panels-bottom": { borderTop: "1px solid var(--border)" },
  ".cm-panel input, .cm-panel button, .cm-textfield, .cm-button": {
    color: "var(--fg)", backgroundColor: "var(--bg-raised)", border: "1px solid var(--border)", backgroundImage: "none",
  },
  ".cm-tooltip": { backgroundColor: "var(--bg-raised)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--bad)" },
  ".cm-diagnostic-warning": { borderLeftColor: "var(--warn)" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--bad)" },
  // The diff (@codemirror/merge): additions and deletions in the theme's diff colours.
  "&.cm-merge-a .cm-changedLine, .cm-deletedChunk, .cm-deletedLine": { backgroundColor: "var(--diff-del)" },
  "&.cm-merge-b .cm-changedLine, .cm-insertedLine": { backgroundColor: "var(--diff-add)" },
  // Changed words within a changed line: a thick underline in the side's colour.
  "&.cm-merge-a .cm-changedText, .cm-deletedChunk .cm-deletedText": { background: "none", boxShadow: "inset 0 -2px var(--bad)" },
  "&.cm-merge-b .cm-changedText": { background: "none", boxShadow: "inset 0 -2px var(--ok)" },
  ".cm-changeGutter": { width: "3px", paddingLeft: "0" },
  "&.cm-merge-a .cm-changedLineGutter": { backgroundColor: "var(--bad)" },
  "&.cm-merge-b .cm-changedLineGutter": { backgroundColor: "var(--ok)" },
  ".cm-collapsedLines": {
    backgroundColor: "var(--bg-subtle)", color: "var(--fg-muted)", backgroundImage: "none", fontFamily: "var(--sans)",
  },
  // The merge view's own marks (⦚) are missing from common fonts.
  ".cm-collapsedLines:before, .cm-collapsedLines:after": { content: '"…"' },
});

const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "var(--accent)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--ok)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--warn)" },
  { tag: [tags.comment, tags.meta, tags.punctuation, tags.separator, tags.typeName, tags.labelName], color: "var(--fg-muted)" },
  { tag: tags.invalid, color: "var(--bad)" },
]);

/** The editor theme and syntax colours, for light and dark alike. */
export const concordTheme = [theme, syntaxHighlighting(highlight)];
