// The detail page's actions: Scale, Restart, Delete (and a Logs shortcut for pods). Scale and
// Restart go through the edit protocol from the object as the user saw it, so a concurrent
// change elsewhere is merged and one to the same field is shown, never overwritten unasked;
// Delete deletes exactly the version shown.

import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import { deleteObject, edit, type ResourceType } from "../../api/client";
import type { Conflict, EditOutcome, KubeObject, ServedKind } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { lastChange } from "../../edit/changes";
import { relativeTime } from "../../edit/RelativeTime";
import { replicasProblem } from "../../edit/validate";
import { listUrl, objectUrl } from "../../routes";
import { useCluster } from "../../shell/context";
import { namespaceSearch } from "../../shell/namespaces";
import { canRestart, canScale, conflictValue, describeConflict, withReplicas, withRestartedAt } from "./actions";
import { Dialog } from "./Dialog";
import { desiredReplicas, isPod } from "./facts";

/** What an action tells the page when it is over. */
export interface Notice {
  text: string;
  tone: "ok" | "warn" | "bad";
}

type Saved = Extract<EditOutcome, { object: KubeObject }>;

type Flow =
  | { phase: "ready" }
  | { phase: "saving" }
  | { phase: "conflict"; base: KubeObject; mine: KubeObject; theirs: KubeObject; conflicts: Conflict[] }
  | { phase: "gone"; reason: string }
  | { phase: "error"; error: unknown };

/** One save through the edit protocol, with the conflict loop: a conflict is shown, and the
 * user's choice is sent with resolutions against the version they saw conflicting. */
/** How a conflict was settled before the save went through, if there was one. */
type Settled = "mine" | "theirs" | undefined;

function useEditFlow(cluster: string, onSaved: (outcome: Saved, settled: Settled) => void) {
  const [flow, setFlow] = useState<Flow>({ phase: "ready" });
  const run = async (
    base: KubeObject,
    mine: KubeObject,
    resolve?: { take: "mine" | "theirs"; theirs: KubeObject; conflicts: Conflict[] },
  ) => {
    setFlow({ phase: "saving" });
    try {
      const outcome = await edit(base, mine, {
        cluster,
        resolutions: resolve?.conflicts.map((c) => ({ path: c.path, take: resolve.take })),
        theirsResourceVersion: resolve?.theirs.metadata.resourceVersion,
      });
      if (outcome.outcome === "conflict") {
        setFlow({ phase: "conflict", base, mine, theirs: outcome.theirs, conflicts: outcome.conflicts });
      } else if (outcome.outcome === "gone") {
        setFlow({
          phase: "gone",
          reason:
            outcome.reason === "replaced"
              ? "The object was replaced by a new one with the same name meanwhile; nothing was written."
              : "The object was deleted meanwhile; nothing was written.",
        });
      } else {
        setFlow({ phase: "ready" });
        onSaved(outcome, resolve?.take);
      }
    } catch (error) {
      setFlow({ phase: "error", error });
    }
  };
  const resolve = (take: "mine" | "theirs") => {
    if (flow.phase === "conflict") void run(flow.base, flow.mine, { take, theirs: flow.theirs, conflicts: flow.conflicts });
  };
  return { flow, run, resolve };
}

/** The state of a save inside a dialog: the server's refusal, a conflict with the choice to
 * retry with the user's value or keep the other one, or a vanished object. */
function FlowView({ flow, resolve }: { flow: Flow; resolve(take: "mine" | "theirs"): void }) {
  switch (flow.phase) {
    case "error":
      return <ErrorMessage error={flow.error} title="Not saved" />;
    case "gone":
      return (
        <p className="notice notice-bad" role="alert">
          {flow.reason}
        </p>
      );
    case "conflict":
      return (
        <div className="notice notice-warn" role="alert">
          <p className="notice-title">Not saved: someone else changed the same field first.</p>
          <ul className="conflict-list">
            {flow.conflicts.map((c) => (
              <li key={c.path}>
                {describeConflict(c)}; you wanted <code>{conflictValue(c.mine)}</code>.
              </li>
            ))}
          </ul>
          <div className="dialog-actions">
            <button type="button" onClick={() => resolve("theirs")}>
              Keep theirs
            </button>
            <button type="button" className="primary" onClick={() => resolve("mine")}>
              Retry with mine
            </button>
          </div>
        </div>
      );
    default:
      return null;
  }
}

function savedText(outcome: Saved, settled: Settled, applied: string, unchanged: string): string {
  if (settled === "theirs") return `Kept the other change; yours was not saved. ${unchanged}`;
  if (settled === "mine") return `${applied}, replacing the other change to the same field`;
  switch (outcome.outcome) {
    case "applied":
      return applied;
    case "merged":
      return `${applied}, merged with a change made meanwhile`;
    case "unchanged":
      return unchanged;
  }
}

/** What an action's dialog gets: the object as shown, and where its outcome goes. */
interface ActionDialogProps {
  cluster: string;
  object: KubeObject;
  onClose(): void;
  onDone(outcome: Saved, notice: Notice): void;
}

function ScaleDialog({
  cluster,
  object,
  onClose,
  onDone,
}: ActionDialogProps) {
  // The base is the object as it was when the dialog opened: what the user decided from.
  const [base] = useState(object);
  const current = desiredReplicas(base);
  const [value, setValue] = useState(String(current));
  const { flow, run, resolve } = useEditFlow(cluster, (outcome, settled) => {
    const now = desiredReplicas(outcome.object);
    onDone(outcome, {
      text: savedText(outcome, settled, `Scaled ${base.metadata.name} to ${now}`, `${base.metadata.name} has ${now} replicas.`),
      tone: "ok",
    });
  });
  const problem = replicasProblem(value);
  const replicas = Number(value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!problem) void run(base, withReplicas(base, replicas));
  };
  const saving = flow.phase === "saving";
  return (
    <Dialog title={`Scale ${base.kind ?? ""} ${base.metadata.name}`} onClose={onClose}>
      <form onSubmit={submit} className="dialog-form">
        <p className="muted">
          Currently {current} replica{current === 1 ? "" : "s"}
          {typeof object.status?.readyReplicas === "number" ? `, ${object.status.readyReplicas} ready` : ""}.
        </p>
        <label className="field">
          <span>Replicas</span>
          <input
            type="number"
            min={0}
            step={1}
            inputMode="numeric"
            value={value}
            autoFocus
            aria-invalid={problem !== undefined}
            onChange={(event) => setValue(event.target.value)}
          />
        </label>
        {problem && <p className="field-error">{problem}</p>}
        <FlowView flow={flow} resolve={resolve} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={problem !== undefined || saving || flow.phase === "conflict"}>
            {saving ? "Scaling…" : "Scale"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RestartDialog({
  cluster,
  object,
  onClose,
  onDone,
}: ActionDialogProps) {
  const [base] = useState(object);
  const { flow, run, resolve } = useEditFlow(cluster, (outcome, settled) =>
    onDone(outcome, {
      text: savedText(
        outcome,
        settled,
        `Restarting ${base.metadata.name}: its pods are being replaced`,
        `${base.metadata.name} was restarted by someone else meanwhile.`,
      ),
      tone: "ok",
    }),
  );
  const saving = flow.phase === "saving";
  return (
    <Dialog title={`Restart ${base.kind ?? ""} ${base.metadata.name}?`} onClose={onClose}>
      <p>
        Every pod of <strong>{base.metadata.name}</strong> is replaced, following its update strategy
        {base.spec?.strategy?.type || base.spec?.updateStrategy?.type
          ? ` (${base.spec?.strategy?.type ?? base.spec?.updateStrategy?.type})`
          : ""}
        . Like <code>kubectl rollout restart</code>, this sets the pod template annotation{" "}
        <code>kubectl.kubernetes.io/restartedAt</code> to now.
      </p>
      <FlowView flow={flow} resolve={resolve} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          autoFocus
          disabled={saving || flow.phase === "conflict"}
          onClick={() => void run(base, withRestartedAt(base, new Date()))}
        >
          {saving ? "Restarting…" : "Restart"}
        </button>
      </div>
    </Dialog>
  );
}

/** What deleting this kind takes with it, under the API server's default propagation. */
function propagationNote(object: KubeObject): string {
  switch (object.kind) {
    case "Namespace":
      return "Every object in the namespace is deleted with it.";
    case "Deployment":
      return "Its ReplicaSets and their Pods are deleted by the garbage collector in the background (the default propagation).";
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return "Its Pods are deleted by the garbage collector in the background (the default propagation).";
    case "CronJob":
      return "Its Jobs and their Pods are deleted by the garbage collector in the background (the default propagation).";
    default:
      return "Objects it owns, if any, are deleted by the garbage collector in the background (the default propagation).";
  }
}

function DeleteDialog({
  cluster,
  type,
  object,
  onClose,
  onOutcome,
}: {
  cluster: string;
  type: ResourceType;
  object: KubeObject;
  onClose(): void;
  onOutcome(notice: Notice, theirs?: KubeObject): void;
}) {
  const [base] = useState(object);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const navigate = useNavigate();
  const search = namespaceSearch(useCluster().namespaces);
  const { name, namespace } = base.metadata;
  const finalizers = base.metadata.finalizers ?? [];
  const remove = async () => {
    setSaving(true);
    setError(null);
    try {
      const outcome = await deleteObject(base, cluster);
      if (outcome.outcome === "deleted") {
        navigate(listUrl(cluster, type, search));
      } else if (outcome.outcome === "changed") {
        const change = lastChange(outcome.theirs);
        const who = change ? ` (by ${change.manager}${change.time ? `, ${relativeTime(change.time)}` : ""})` : "";
        onOutcome(
          {
            text: `${name} was changed since you loaded it${who}, so nothing was deleted. Review the change and delete again.`,
            tone: "warn",
          },
          outcome.theirs,
        );
      } else {
        onOutcome({
          text:
            outcome.reason === "replaced"
              ? `${name} was replaced by a new object with the same name; nothing was deleted.`
              : `${name} was already deleted.`,
          tone: "warn",
        });
      }
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  };
  return (
    <Dialog title={`Delete ${base.kind ?? ""} ${name}?`} onClose={onClose}>
      <p>
        <strong>{name}</strong>
        {namespace ? (
          <>
            {" "}
            in namespace <strong>{namespace}</strong>
          </>
        ) : null}{" "}
        will be deleted. {propagationNote(base)}
      </p>
      {finalizers.length > 0 && (
        <p className="muted">
          It has finalizers ({finalizers.join(", ")}): it stays Terminating until their controllers finish.
        </p>
      )}
      <p className="muted">
        Only the version you are looking at is deleted: if it changed meanwhile, nothing is deleted and you can
        review the change first.
      </p>
      <ErrorMessage error={error} title="Not deleted" />
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" disabled={saving} onClick={() => void remove()}>
          {saving ? "Deleting…" : "Delete"}
        </button>
      </div>
    </Dialog>
  );
}

/** The actions of the object shown: each opens a dialog; the outcome is told in a status line
 * and the saved object handed to `onChanged`. */
export function ActionsBar({
  cluster,
  type,
  served,
  object,
  disabled,
  onChanged,
}: {
  cluster: string;
  type: ResourceType;
  served: ServedKind | undefined;
  object: KubeObject;
  /** The object is gone: nothing can act on it. */
  disabled: boolean;
  onChanged(object: KubeObject): void;
}) {
  const [open, setOpen] = useState<"scale" | "restart" | "delete" | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const search = namespaceSearch(useCluster().namespaces);
  // Once the object is gone, what an earlier action said about it no longer matters.
  useEffect(() => {
    if (disabled) setNotice(null);
  }, [disabled]);
  const close = () => setOpen(null);
  const start = (action: "scale" | "restart" | "delete") => {
    setNotice(null);
    setOpen(action);
  };
  const done = (outcome: Saved, text: Notice) => {
    setOpen(null);
    setNotice(text);
    onChanged(outcome.object);
  };
  const verbs = served?.verbs ?? [];
  // Without discovery (verbs unknown) the buttons stay: the cluster has the last word.
  const allowed = (verb: string) => !served || verbs.includes(verb);
  let dialog: ReactNode = null;
  if (open === "scale") dialog = <ScaleDialog cluster={cluster} object={object} onClose={close} onDone={done} />;
  if (open === "restart") dialog = <RestartDialog cluster={cluster} object={object} onClose={close} onDone={done} />;
  if (open === "delete") {
    dialog = (
      <DeleteDialog
        cluster={cluster}
        type={type}
        object={object}
        onClose={close}
        onOutcome={(text, theirs) => {
          setOpen(null);
          setNotice(text);
          if (theirs) onChanged(theirs);
        }}
      />
    );
  }
  return (
    <>
      <div className="actions" role="toolbar" aria-label="Actions">
        {isPod(object) && (
          <Link className="button" to={objectUrl(cluster, type, object.metadata.namespace, object.metadata.name, "logs", search)}>
            Logs
          </Link>
        )}
        {canScale(object, served) && allowed("patch") && (
          <button type="button" disabled={disabled} onClick={() => start("scale")}>
            Scale
          </button>
        )}
        {canRestart(object) && allowed("patch") && (
          <button type="button" disabled={disabled} onClick={() => start("restart")}>
            Restart
          </button>
        )}
        {allowed("delete") && (
          <button type="button" className="danger" disabled={disabled} onClick={() => start("delete")}>
            Delete
          </button>
        )}
      </div>
      {notice && (
        <div className={`notice notice-${notice.tone} action-result`} role="status" data-testid="action-result">
          <span>{notice.text}</span>
          <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}
      {dialog}
    </>
  );
}
