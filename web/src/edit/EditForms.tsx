// Forms over the same draft as the YAML editor: labels, annotations, replicas, containers' images
// and environment. Each change edits the YAML document in place (comments and layout kept), so
// switching between the forms and the text never loses anything.

import { useEffect, useId, useState, type FormEvent } from "react";
import type { Document } from "yaml";
import type { ServedKind } from "../api/types";
import type { KubeObject } from "../api/types";
import { appendField, deleteField, editText, setField } from "./draft";
import { isMap } from "./paths";
import { keyProblem, labelValueProblem, replicasProblem } from "./validate";

type Path = (string | number)[];

export interface EditFormsProps {
  /** The draft text. */
  text: string;
  /** The draft as an object, or undefined while the text does not parse. */
  draft: KubeObject | undefined;
  /** The first line the YAML parser stumbled on, when it did. */
  problemLine?: number;
  served?: ServedKind;
  onText(text: string): void;
}

/** Forms for the fields people change most, editing the draft text. */
export function EditForms({ text, draft, problemLine, served, onText }: EditFormsProps) {
  if (!draft) {
    return (
      <div className="edit-forms">
        <p className="form-unavailable" role="note">
          The YAML does not parse{problemLine ? ` (line ${problemLine})` : ""}: fix it in the editor to use these
          forms. Nothing you typed is lost.
        </p>
      </div>
    );
  }
  const change = (edit: (document: Document) => void) => onText(editText(text, edit));
  const podSpec = podSpecPath(draft);
  const hasReplicas = typeof draft.spec?.replicas === "number" || Boolean(served?.subresources.includes("scale"));
  return (
    <div className="edit-forms">
      <MapSection what="label" title="Labels" map={draft.metadata.labels} change={change} />
      <MapSection what="annotation" title="Annotations" map={draft.metadata.annotations} change={change} />
      {hasReplicas && <ReplicasSection replicas={draft.spec?.replicas} change={change} />}
      {podSpec && <ContainersSection podSpec={podSpec} draft={draft} change={change} />}
    </div>
  );
}

type Change = (edit: (document: Document) => void) => void;

/** Where a Pod's spec is in an object: a Pod's own, a template's, a CronJob's job template's. */
export function podSpecPath(object: KubeObject): Path | undefined {
  const candidates: Path[] = [
    ["spec", "template", "spec"],
    ["spec", "jobTemplate", "spec", "template", "spec"],
  ];
  if (object.kind === "Pod") return ["spec"];
  return candidates.find((path) => isMap(valueAt(object, path)) && Array.isArray(valueAt(object, [...path, "containers"])));
}

function valueAt(object: unknown, path: Path): unknown {
  let current = object;
  for (const step of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={id} className="field-error">
      {message}
    </span>
  ) : null;
}

function MapSection({
  what,
  title,
  map,
  change,
}: {
  what: "label" | "annotation";
  title: string;
  map: unknown;
  change: Change;
}) {
  const headingId = useId();
  const entries = isMap(map) ? Object.entries(map) : [];
  const field = ["metadata", `${what}s`];
  const [newKey, setNewKey] = useState("");
  const [newValue, setNewValue] = useState("");
  const valueCheck = (value: string) => (what === "label" ? labelValueProblem(value) : undefined);
  const newKeyProblem = newKey
    ? keyProblem(newKey) ?? (entries.some(([k]) => k === newKey) ? `This ${what} is already there: change its value above.` : undefined)
    : undefined;
  const newValueProblem = valueCheck(newValue);
  const canAdd = Boolean(newKey) && !newKeyProblem && !newValueProblem;
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!canAdd) return;
    change((d) => setField(d, [...field, newKey], newValue));
    setNewKey("");
    setNewValue("");
  };
  const ids = useId();
  const Multiline = what === "annotation";
  return (
    <section className="form-section" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {entries.length === 0 && <p className="muted">No {what}s.</p>}
      <ul className="map-entries">
        {entries.map(([key, value], index) => {
          const text = typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
          const problem =
            keyProblem(key) ??
            (typeof value !== "string" ? "The value must be a string: quote it in the YAML." : valueCheck(text));
          const errorId = `${ids}-${index}-error`;
          return (
            <li key={key} className="map-entry">
              <code className="map-key">{key}</code>
              {Multiline ? (
                <textarea
                  aria-label={`Value of ${what} ${key}`}
                  value={text}
                  rows={Math.min(6, text.split("\n").length)}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? errorId : undefined}
                  onChange={(e) => change((d) => setField(d, [...field, key], e.target.value))}
                />
              ) : (
                <input
                  aria-label={`Value of ${what} ${key}`}
                  value={text}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? errorId : undefined}
                  onChange={(e) => change((d) => setField(d, [...field, key], e.target.value))}
                />
              )}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${what} ${key}`}
                title={`Remove ${what} ${key}`}
                onClick={() => change((d) => deleteField(d, [...field, key]))}
              >
                ×
              </button>
              <FieldError id={errorId} message={problem} />
            </li>
          );
        })}
      </ul>
      <form className="map-add" onSubmit={add}>
        <input
          aria-label={`New ${what} key`}
          placeholder="key"
          value={newKey}
          aria-invalid={newKeyProblem ? true : undefined}
          aria-describedby={newKeyProblem ? `${ids}-new-key` : undefined}
          onChange={(e) => setNewKey(e.target.value.trim())}
        />
        <input
          aria-label={`New ${what} value`}
          placeholder="value"
          value={newValue}
          aria-invalid={newValueProblem ? true : undefined}
          aria-describedby={newValueProblem ? `${ids}-new-value` : undefined}
          onChange={(e) => setNewValue(e.target.value)}
        />
        <button type="submit" disabled={!canAdd}>
          Add {what}
        </button>
        <FieldError id={`${ids}-new-key`} message={newKeyProblem} />
        <FieldError id={`${ids}-new-value`} message={newValueProblem} />
      </form>
    </section>
  );
}

function ReplicasSection({ replicas, change }: { replicas: unknown; change: Change }) {
  const errorId = useId();
  const current = typeof replicas === "number" ? String(replicas) : "";
  // The field's own text, so it can be empty or half-typed while the draft keeps a valid number.
  const [typed, setTyped] = useState(current);
  useEffect(() => setTyped(current), [current]);
  const problem = typed === "" ? undefined : replicasProblem(typed);
  return (
    // Not a named region: "Replicas" names the input alone, so finding it by label is unambiguous.
    <section className="form-section">
      <h3>Replicas</h3>
      <input
        type="number"
        min={0}
        step={1}
        inputMode="numeric"
        aria-label="Replicas"
        value={typed}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? errorId : undefined}
        onChange={(e) => {
          const value = e.target.value;
          setTyped(value);
          if (/^\d+$/.test(value) && Number(value) <= 2147483647) change((d) => setField(d, ["spec", "replicas"], Number(value)));
        }}
      />
      <FieldError id={errorId} message={problem} />
    </section>
  );
}

interface EnvVar {
  name?: unknown;
  value?: unknown;
  valueFrom?: Record<string, { name?: string; key?: string; fieldPath?: string; resource?: string }>;
}

function sourceOf(env: EnvVar): string {
  const [kind, ref] = Object.entries(env.valueFrom ?? {})[0] ?? [];
  if (!kind || !ref) return "from elsewhere";
  const where = [ref.name, ref.key ?? ref.fieldPath ?? ref.resource].filter(Boolean).join(" / ");
  return `from ${kind.replace(/KeyRef$|Ref$/, "")} ${where}`;
}

function ContainersSection({ podSpec, draft, change }: { podSpec: Path; draft: KubeObject; change: Change }) {
  const headingId = useId();
  const groups = (["initContainers", "containers"] as const).flatMap((list) => {
    const items = valueAt(draft, [...podSpec, list]);
    return Array.isArray(items) ? items.map((container, index) => ({ list, index, container })) : [];
  });
  return (
    <section className="form-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Containers</h3>
      {groups.map(({ list, index, container }) =>
        isMap(container) ? (
          <ContainerForm
            key={`${list}/${index}`}
            path={[...podSpec, list, index]}
            init={list === "initContainers"}
            container={container}
            change={change}
          />
        ) : null,
      )}
    </section>
  );
}

function ContainerForm({
  path,
  init,
  container,
  change,
}: {
  path: Path;
  init: boolean;
  container: Record<string, unknown>;
  change: Change;
}) {
  const name = typeof container.name === "string" ? container.name : `#${Number(path[path.length - 1]) + 1}`;
  const env = Array.isArray(container.env) ? (container.env as EnvVar[]) : [];
  const [newName, setNewName] = useState("");
  const [newValue, setNewValue] = useState("");
  const ids = useId();
  const newNameProblem = newName
    ? newName.includes("=")
      ? "A variable name cannot contain \"=\"."
      : env.some((e) => e.name === newName)
        ? "This variable is already set: change its value above."
        : undefined
    : undefined;
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!newName || newNameProblem) return;
    change((d) => appendField(d, [...path, "env"], { name: newName, value: newValue }));
    setNewName("");
    setNewValue("");
  };
  return (
    <fieldset className="container-form">
      <legend>
        {name} {init && <span className="muted">(init container)</span>}
      </legend>
      <label className="field">
        <span>Image</span>
        <input
          aria-label={`Image of ${name}`}
          value={typeof container.image === "string" ? container.image : ""}
          onChange={(e) => change((d) => setField(d, [...path, "image"], e.target.value))}
          spellCheck={false}
        />
      </label>
      <div className="env" role="group" aria-label={`Environment of ${name}`}>
        <span className="env-title">Environment</span>
        {env.length === 0 && <p className="muted">No variables.</p>}
        <ul className="map-entries">
          {env.map((variable, index) => {
            const varName = typeof variable.name === "string" ? variable.name : `#${index + 1}`;
            return (
              <li key={`${index}/${varName}`} className="map-entry">
                <code className="map-key">{varName}</code>
                {variable.valueFrom ? (
                  <span className="muted env-source">{sourceOf(variable)} (edit in YAML)</span>
                ) : (
                  <input
                    aria-label={`Value of ${varName} in ${name}`}
                    value={typeof variable.value === "string" ? variable.value : variable.value == null ? "" : String(variable.value)}
                    onChange={(e) => change((d) => setField(d, [...path, "env", index, "value"], e.target.value))}
                  />
                )}
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${varName} from ${name}`}
                  title={`Remove ${varName} from ${name}`}
                  onClick={() => change((d) => deleteField(d, [...path, "env", index]))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
        <form className="map-add" onSubmit={add}>
          <input
            aria-label={`New variable name for ${name}`}
            placeholder="NAME"
            value={newName}
            aria-invalid={newNameProblem ? true : undefined}
            aria-describedby={newNameProblem ? `${ids}-name` : undefined}
            onChange={(e) => setNewName(e.target.value.trim())}
            spellCheck={false}
          />
          <input
            aria-label={`New variable value for ${name}`}
            placeholder="value"
            value={newValue}
            onChange={(e) => setNewValue(e.target.value)}
          />
          <button type="submit" disabled={!newName || Boolean(newNameProblem)}>
            Add variable to {name}
          </button>
          <FieldError id={`${ids}-name`} message={newNameProblem} />
        </form>
      </div>
    </fieldset>
  );
}
