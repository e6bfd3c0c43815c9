// Create an object from YAML: a template to start from, the same editor as the Edit tab, and
// `POST /api/v1/create`, which never replaces an object already there. One object at a time: a
// second YAML document is refused at its line, so nothing is ever half-created.

import { useEffect, useMemo, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { create } from "../../api/client";
import type { KubeObject } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { parseDraft, userView } from "../../edit/draft";
import "../../edit/edit.css";
import { metadataProblems } from "../../edit/validate";
import { YamlEditor } from "../../edit/YamlEditor";
import { objectUrl } from "../../routes";
import { typeOfKind, useCluster } from "../../shell/context";
import { templatesFor } from "./templates";

const STASH = (cluster: string) => `concord.create:${cluster}`;

function stashed(cluster: string): string | null {
  try {
    return sessionStorage.getItem(STASH(cluster));
  } catch {
    return null;
  }
}

function stash(cluster: string, text: string | null) {
  try {
    if (text === null) sessionStorage.removeItem(STASH(cluster));
    else sessionStorage.setItem(STASH(cluster), text);
  } catch {
    // The text is still in the editor.
  }
}

/** The create page (`/c/:cluster/create`). */
export default function CreatePage() {
  const { cluster, kinds, namespaces } = useCluster();
  const navigate = useNavigate();
  // The namespace choice and other view state travel in the query (routes.ts).
  const { search } = useLocation();
  const namespace = namespaces[0] ?? "default";
  const { common, other } = useMemo(() => templatesFor(kinds), [kinds]);
  const [templateId, setTemplateId] = useState(common[0].id);
  const templateText = (id: string) => [...common, ...other].find((t) => t.id === id)?.text(namespace) ?? "";
  // The text the current template gave, to know whether the user has typed anything since.
  const [pristine, setPristine] = useState(() => templateText(common[0].id));
  const [text, setText] = useState(() => stashed(cluster) ?? pristine);
  const [replaceWith, setReplaceWith] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [existing, setExisting] = useState<{ object: KubeObject; url?: string }>();

  useEffect(() => stash(cluster, text === pristine ? null : text), [cluster, text, pristine]);
  // Another namespace chosen in the picker: an untouched template follows it.
  useEffect(() => {
    if (text === pristine) apply(templateId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [namespace]);

  const parsed = useMemo(() => parseDraft(text), [text]);
  const draft = parsed.object;
  const served = draft?.apiVersion && draft.kind ? typeOfKind(kinds, draft.apiVersion, draft.kind) : undefined;
  const nameGiven = Boolean(draft?.metadata.name || draft?.metadata.generateName);
  const blocked = parsed.problems
    ? `${parsed.problems[0].message} (line ${parsed.problems[0].line})`
    : !draft?.apiVersion || !draft.kind
      ? "Say the object's apiVersion and kind."
      : !served
        ? `This cluster does not serve ${draft.kind} in ${draft.apiVersion}.`
        : !nameGiven
          ? "Give the object a metadata.name (or metadata.generateName)."
          : metadataProblems(draft.metadata).join(" ") || undefined;
  const fillNamespace = Boolean(served?.namespaced && draft && !draft.metadata.namespace);

  function pick(id: string) {
    if (text === pristine) apply(id);
    else setReplaceWith(id);
  }

  function apply(id: string) {
    const next = templateText(id);
    setTemplateId(id);
    setPristine(next);
    setText(next);
    setReplaceWith(undefined);
    setExisting(undefined);
    setError(undefined);
  }

  async function submit() {
    if (!draft || !served || blocked) return;
    const object = userView(draft);
    if (served.namespaced && !object.metadata.namespace) object.metadata = { ...object.metadata, namespace };
    const type = { group: served.group, version: served.version, resource: served.resource };
    setBusy(true);
    setError(undefined);
    setExisting(undefined);
    try {
      const answer = await create(object, cluster);
      if (answer.outcome === "created") {
        stash(cluster, null);
        const created = answer.object.metadata;
        navigate(objectUrl(cluster, type, created.namespace, created.name, undefined, search));
      } else {
        const there = answer.theirs ?? object;
        setExisting({
          object: there,
          url: objectUrl(cluster, type, there.metadata.namespace ?? object.metadata.namespace, there.metadata.name, undefined, search),
        });
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="create-page">
      <h1>Create an object</h1>
      <div className="create-toolbar">
        <label>
          Template{" "}
          <select value={replaceWith ?? templateId} onChange={(e) => pick(e.target.value)}>
            <optgroup label="Common">
              {common.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </optgroup>
            {other.length > 0 && (
              <optgroup label="Other kinds this cluster serves">
                {other.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.label}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <span className="muted">in namespace {namespace}</span>
        <button type="button" className="primary" onClick={() => void submit()} disabled={busy || Boolean(blocked)}>
          {busy ? "Creating…" : "Create"}
        </button>
      </div>
      {replaceWith && (
        <div className="edit-banner" role="group" aria-label="Replace your text?">
          <p>Replace your text with the template? What you typed would be lost.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => apply(replaceWith)}>
              Replace my text
            </button>
            <button type="button" onClick={() => setReplaceWith(undefined)} autoFocus>
              Keep my text
            </button>
          </div>
        </div>
      )}
      {blocked ? (
        <p className="field-error" role="alert">
          {blocked}
        </p>
      ) : (
        fillNamespace && <p className="muted">No namespace given: it will be created in {namespace}.</p>
      )}
      {existing && (
        <div className="edit-banner edit-banner-bad" role="alert">
          <p>
            <strong>
              {existing.object.kind ?? draft?.kind} {existing.object.metadata.name} already exists
              {existing.object.metadata.namespace ? ` in ${existing.object.metadata.namespace}` : ""}.
            </strong>{" "}
            Nothing was replaced; your text is kept. Change the name to create another one, or{" "}
            {existing.url ? <Link to={existing.url}>open the existing object</Link> : "open the existing object"} to
            edit it.
          </p>
        </div>
      )}
      <ErrorMessage error={error} title="Not created" />
      <YamlEditor value={text} onChange={setText} />
    </div>
  );
}
