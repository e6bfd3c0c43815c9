// The draft as the user edits it: the object's YAML without what the server sets and the user
// never edits, and back. The server needs `mine` with the same identity as `base` (uid,
// resourceVersion) and without changes the user did not make, so what is hidden here is put back
// from `base` when the draft becomes `mine`.

import { Document, isCollection, parseAllDocuments, parseDocument, stringify, type DocumentOptions } from "yaml";
import type { KubeObject } from "../api/types";
import { isMap } from "./paths";

/** Metadata the server sets (the same list as the server's `user_view`). */
export const SERVER_METADATA = [
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "generation",
  "managedFields",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
] as const;

// Kubernetes reads YAML as 1.1 (`yes` is a boolean there): write and read it the same way, so
// text copied to kubectl means what it meant here.
const YAML_OPTIONS = { version: "1.1" } as const satisfies DocumentOptions;
// kubectl's layout: list items at their key's indentation, long strings never folded.
const STRINGIFY_OPTIONS = { ...YAML_OPTIONS, lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false } as const;

/** The object as the user edits it: no server-set metadata, no status. */
export function userView(object: KubeObject): KubeObject {
  const { status: _status, ...rest } = object;
  const metadata = { ...object.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  return { ...rest, metadata };
}

/** YAML text of a value, keeping its key order. */
export function toYaml(value: unknown): string {
  return stringify(value, STRINGIFY_OPTIONS);
}

/** The draft text of an object. */
export function draftText(object: KubeObject): string {
  return toYaml(userView(object));
}

/** `value` with its mappings' keys in the order `like` has them (keys `like` lacks last), so
 * an object the server answers with its own key order reads as the user laid it out. */
export function orderLike<T>(value: T, like: unknown): T {
  if (Array.isArray(value)) {
    const likeList = Array.isArray(like) ? like : [];
    return value.map((item, index) => {
      // Elements are matched by name where they have one (containers, env), else by position.
      const name = isMap(item) ? item.name : undefined;
      const match = name !== undefined ? likeList.find((l) => isMap(l) && l.name === name) : likeList[index];
      return orderLike(item, match);
    }) as T;
  }
  if (!isMap(value)) return value;
  const likeMap = isMap(like) ? like : {};
  const keys = [...Object.keys(likeMap).filter((k) => k in value), ...Object.keys(value).filter((k) => !(k in likeMap))];
  return Object.fromEntries(keys.map((k) => [k, orderLike(value[k], likeMap[k])])) as T;
}

/** A YAML problem at a place in the text. */
export interface DraftProblem {
  message: string;
  from: number;
  to: number;
  /** 1-based line of `from`. */
  line: number;
}

/** What the draft text says: an object, or the problems that keep it from being one. */
export type ParsedDraft = { object: KubeObject; problems?: undefined } | { object?: undefined; problems: DraftProblem[] };

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function problem(text: string, message: string, from: number, to = from): DraftProblem {
  return { message, from, to: Math.max(to, from), line: lineOf(text, from) };
}

/** Parses a draft: one YAML document holding one mapping with `metadata`. */
export function parseDraft(text: string): ParsedDraft {
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(documents)) return { problems: [problem(text, "The text holds no YAML document.", 0)] };
  const errors = documents.flatMap((d) => d.errors);
  if (errors.length) {
    return {
      problems: errors.map((e) => {
        // The parser's message ends with its own "at line L, column C:" and a snippet; the
        // position is reported separately, so only the sentence is kept.
        const message = e.message.split("\n")[0].replace(/\s*at line \d+, column \d+:?\s*$/, "");
        // A problem is marked on its first line only: the parser's range can run to the end.
        const lineEnd = text.indexOf("\n", e.pos[0]);
        return problem(text, message, e.pos[0], lineEnd < 0 ? e.pos[1] : Math.min(e.pos[1], lineEnd));
      }),
    };
  }
  const nonEmpty = documents.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) return { problems: [problem(text, "The text is empty: an object is needed.", 0)] };
  if (nonEmpty.length > 1) {
    const second = nonEmpty[1].range[0];
    return {
      problems: [problem(text, "Only one object at a time: this is a second YAML document.", second, second + 3)],
    };
  }
  const document = nonEmpty[0];
  const value = document.toJS({ maxAliasCount: 100 }) as unknown;
  if (!isMap(value)) {
    const [from, to] = document.range;
    return { problems: [problem(text, "An object is a mapping (apiVersion, kind, metadata, …).", from, to)] };
  }
  if (!isMap(value.metadata)) {
    return { problems: [problem(text, "The object has no metadata mapping.", 0)] };
  }
  return { object: value as KubeObject };
}

/** `mine` for the edit protocol: the draft with `base`'s server-set metadata and status. */
export function restoreServerFields(base: KubeObject, draft: KubeObject): KubeObject {
  const metadata = { ...draft.metadata };
  for (const field of SERVER_METADATA) {
    if (base.metadata[field] === undefined) delete metadata[field];
    else metadata[field] = base.metadata[field];
  }
  const { status: _status, ...rest } = draft;
  return base.status === undefined ? { ...rest, metadata } : { ...rest, metadata, status: base.status };
}

/** Whether the draft still names the object being edited; what differs otherwise. */
export function identityChange(base: KubeObject, draft: KubeObject): string | undefined {
  const fields: [string, unknown, unknown][] = [
    ["apiVersion", base.apiVersion, draft.apiVersion],
    ["kind", base.kind, draft.kind],
    ["metadata.name", base.metadata.name, draft.metadata.name],
    ["metadata.namespace", base.metadata.namespace, draft.metadata.namespace],
  ];
  const changed = fields.filter(([, a, b]) => a !== b).map(([name]) => name);
  if (changed.length === 0) return undefined;
  return `The edit changes ${changed.join(" and ")}: that would be another object. Change it back, or create the other object from the Create page.`;
}

/** Edits a draft's text through the YAML document, keeping comments, order and layout of
 * everything not touched. Text that does not parse is answered unchanged. */
export function editText(text: string, change: (document: Document) => void): string {
  const document = parseDocument(text, YAML_OPTIONS);
  if (document.errors.length) return text;
  change(document);
  return document.toString({ lineWidth: 0, indentSeq: false });
}

/** Sets the field at `path`, creating the mappings on the way (as plain mappings: the YAML 1.1
 * schema would otherwise make them ordered maps). */
export function setField(document: Document, path: (string | number)[], value: unknown) {
  for (let depth = 1; depth < path.length; depth++) {
    const prefix = path.slice(0, depth);
    if (!isCollection(document.getIn(prefix))) document.setIn(prefix, document.createNode({}));
  }
  // A new node, not the old one's value replaced: the old node's quoting (an empty string's
  // "") would otherwise stick to whatever is typed next.
  document.setIn(path, document.createNode(value));
}

/** Appends `value` to the list at `path`, creating the list when missing. */
export function appendField(document: Document, path: (string | number)[], value: unknown) {
  if (isCollection(document.getIn(path))) document.addIn(path, document.createNode(value));
  else setField(document, path, [value]);
}

/** Deletes the field at `path`; its parent mapping goes too when left empty. */
export function deleteField(document: Document, path: (string | number)[]) {
  document.deleteIn(path);
  const parent = path.slice(0, -1);
  const rest = document.getIn(parent);
  if (parent.length > 1 && isCollection(rest) && rest.items.length === 0) document.deleteIn(parent);
}

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}
