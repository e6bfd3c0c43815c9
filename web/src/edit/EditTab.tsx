// The Edit tab: the object's YAML and forms over one draft, the diff before saving, the edit
// protocol's outcomes, and the live banner when someone else changes the object meanwhile.
//
// `base` is the object exactly as loaded (its resourceVersion and uid are the save's
// preconditions); the draft is text; `mine` is the draft with base's server-set fields put back.
// Nothing the user typed is dropped without their choice: errors, conflicts, deletions and
// other people's changes all leave the draft as it was.

import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, create, edit, getObject, merge, type ResourceType } from "../api/client";
import type { Conflict, KubeObject, Resolution, ServedKind } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { changedBy } from "./changes";
import { ConflictView } from "./ConflictView";
import { changedFields, differsForUser, type FieldChange } from "./diff";
import { ChangedFieldList, DiffView, YamlDiff } from "./DiffView";
import { draftText, identityChange, orderLike, parseDraft, restoreServerFields, toYaml, userView } from "./draft";
import { EditForms } from "./EditForms";
import { pointerToPath } from "./paths";
import { RelativeTime } from "./RelativeTime";
import { keepDraft, loadDraft } from "./stash";
import { useLiveObject } from "./useLiveObject";
import { metadataProblems } from "./validate";
import { YamlEditor } from "./YamlEditor";
import { copyText } from "./copy";
import "./edit.css";

export interface EditTabProps {
  cluster: string;
  type: ResourceType;
  served: ServedKind;
  /** The object as loaded (with managedFields, resourceVersion, uid). */
  object: KubeObject;
  /** Called with the live object after every successful save. */
  onSaved(object: KubeObject): void;
}

type Mode =
  | { name: "edit" }
  | { name: "review" }
  | {
      name: "conflict";
      action: "save" | "merge";
      theirs: KubeObject;
      conflicts: Conflict[];
      who?: string;
      when?: string;
      note?: string;
    };

/** Someone else's newer version, as the banner shows it. */
interface Theirs {
  theirs: KubeObject;
  /** The version their change is relative to (the base when it arrived). */
  previous: KubeObject;
  who?: string;
  when?: string;
  changes: FieldChange[];
  /** The draft was untouched, so the editor already shows their version. */
  rebased: boolean;
}

interface Gone {
  reason: "deleted" | "replaced";
  theirs?: KubeObject | null;
  /** Noticed by saving or by the live stream. */
  during: "save" | "edit";
  /** An attempt to create it again found an object there. */
  exists?: boolean;
}

interface Notice {
  testid: "save-result" | "merge-result";
  text: string;
  /** Someone else's changes that came with it. */
  changes?: FieldChange[];
}

/** Who made `changes` in `object`, as a field manager, and when. */
function authorOf(object: KubeObject, changes: FieldChange[]) {
  return changedBy(object, changes.map((c) => c.path));
}

/** The Edit tab of an object's page. */
export function EditTab({ cluster, type, served, object, onSaved }: EditTabProps) {
  const [initial] = useState(() => loadDraft(cluster, object));
  const [base, setBase] = useState<KubeObject>(initial?.base ?? object);
  const [text, setText] = useState(() => initial?.text ?? draftText(object));
  const [restored, setRestored] = useState(Boolean(initial));
  const [mode, setMode] = useState<Mode>({ name: "edit" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<Notice>();
  const [live, setLive] = useState<Theirs>();
  const [showTheirs, setShowTheirs] = useState(false);
  const [gone, setGone] = useState<Gone>();
  const [liveError, setLiveError] = useState<string>();
  const [copied, setCopied] = useState<string>();
  const [confirmDiscard, setConfirmDiscard] = useState(false);

  const parsed = useMemo(() => parseDraft(text), [text]);
  const mine = useMemo(() => (parsed.object ? restoreServerFields(base, parsed.object) : undefined), [base, parsed]);
  const baseText = useMemo(() => draftText(base), [base]);
  const dirty = text !== baseText && (!mine || differsForUser(base, mine));
  const identity = parsed.object ? identityChange(base, parsed.object) : undefined;
  const labelProblems = parsed.object ? metadataProblems(parsed.object.metadata) : [];
  const blocked = parsed.problems
    ? `The YAML does not parse: ${parsed.problems[0].message} (line ${parsed.problems[0].line}).`
    : (identity ?? (labelProblems.length ? labelProblems.join(" ") : undefined));

  // Following someone else's version replaces the text: only when it is exactly as loaded, so
  // not even a comment the user added is dropped.
  const untouched = text === baseText;
  // What the stream's callbacks and finished requests compare against: always this render's.
  const state = useRef({ base, text, untouched, gone });
  state.current = { base, text, untouched, gone };
  /** Versions this tab wrote: their echoes on the stream are not someone else's change. */
  const ownVersions = useRef(new Set<string>());
  /** Bumped whenever base moves, so a read started before answers nothing stale. */
  const generation = useRef(0);
  const saving = useRef(false);
  const pending = useRef<KubeObject | undefined>(undefined);
  const lastRead = useRef<string | undefined>(undefined);

  // Focus follows the view: the review's heading when it opens, the editor's first button when
  // it comes back (the button that had focus is gone with the view it was in).
  const reviewHeading = useRef<HTMLHeadingElement>(null);
  const reviewButton = useRef<HTMLButtonElement>(null);
  const shownMode = useRef(mode.name);
  useEffect(() => {
    if (shownMode.current === mode.name) return;
    shownMode.current = mode.name;
    if (mode.name === "review") reviewHeading.current?.focus();
    else if (mode.name === "edit") reviewButton.current?.focus();
  }, [mode.name]);

  const name = object.metadata.name;
  const namespace = object.metadata.namespace;

  useEffect(() => {
    keepDraft(cluster, base, dirty ? { base, text } : undefined);
  }, [cluster, base, text, dirty]);

  /** Makes `next` the base and the draft (after a save, or to drop the draft), laid out as the
   * draft was. */
  function rebase(next: KubeObject) {
    generation.current++;
    if (next.metadata.resourceVersion) ownVersions.current.add(next.metadata.resourceVersion);
    const laidOut = orderLike(next, parseDraft(state.current.text).object ?? state.current.base);
    setBase(laidOut);
    setText(draftText(laidOut));
    setLive(undefined);
    setShowTheirs(false);
    setGone(undefined);
    setMode({ name: "edit" });
    setRestored(false);
  }

  function saved(next: KubeObject, result: Notice) {
    rebase(next);
    setNotice(result);
    onSaved(next);
  }

  /** A newer version than base, read whole (the stream's copy has no managedFields). */
  async function theirsArrived() {
    const ticket = ++generation.current;
    let theirs: KubeObject;
    try {
      // Laid out as base, so the YAML of their version differs from base only where they did.
      theirs = orderLike(await getObject(cluster, type, name, namespace), state.current.base);
    } catch (e) {
      if (ticket !== generation.current) return;
      if (e instanceof ApiError && e.status === 404) setGone({ reason: "deleted", during: "edit" });
      return;
    }
    const current = state.current;
    if (ticket !== generation.current || current.gone) return;
    const { base: from } = current;
    if (theirs.metadata.uid !== from.metadata.uid) {
      setGone({ reason: "replaced", theirs, during: "edit" });
      return;
    }
    if (theirs.metadata.resourceVersion === from.metadata.resourceVersion) return;
    if (!differsForUser(from, theirs)) {
      // Only status or server-set metadata moved (a controller's status write): the draft's
      // change is the same against the newer version, so follow it without a word.
      setBase(theirs);
      return;
    }
    const changes = changedFields(from, theirs);
    const author = authorOf(theirs, changes);
    const arrived: Theirs = {
      theirs,
      previous: from,
      who: author?.manager,
      when: author?.time,
      changes,
      rebased: current.untouched,
    };
    if (current.untouched) {
      setBase(theirs);
      setText(draftText(theirs));
    }
    setLive(arrived);
  }

  useLiveObject(cluster, type, namespace, name, {
    version(item) {
      const current = state.current;
      const version = item.metadata.resourceVersion;
      if (item.metadata.uid && current.base.metadata.uid && item.metadata.uid !== current.base.metadata.uid) {
        if (!current.gone) setGone({ reason: "replaced", theirs: item, during: "edit" });
        return;
      }
      if (!version || version === current.base.metadata.resourceVersion || ownVersions.current.has(version)) return;
      // A version already being read or shown (the stream repeats it after reconnecting).
      if (version === lastRead.current) return;
      if (saving.current) {
        pending.current = item;
        return;
      }
      lastRead.current = version;
      void theirsArrived();
    },
    deleted() {
      if (!state.current.gone && !saving.current) setGone({ reason: "deleted", during: "edit" });
    },
    error: setLiveError,
  });

  // A version seen while saving is looked at once the save's own answer is the base.
  useEffect(() => {
    if (busy || !pending.current) return;
    const item = pending.current;
    pending.current = undefined;
    const version = item.metadata.resourceVersion;
    if (version && version !== base.metadata.resourceVersion && !ownVersions.current.has(version)) void theirsArrived();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [busy]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    saving.current = true;
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
      setMode({ name: "edit" });
    } finally {
      saving.current = false;
      setBusy(false);
    }
  }

  /** The edit protocol; `resolved` carries the per-field choices made against `theirs`. */
  function save(resolved?: { resolutions: Resolution[]; theirs: KubeObject }) {
    if (!mine) return;
    const from = base;
    void run(async () => {
      const answer = await edit(from, mine, {
        cluster,
        resolutions: resolved?.resolutions,
        theirsResourceVersion: resolved?.theirs.metadata.resourceVersion,
      });
      switch (answer.outcome) {
        case "applied":
          saved(answer.object, { testid: "save-result", text: "Saved" });
          break;
        case "merged": {
          const minePaths = new Set(changedFields(from, mine).map((c) => c.path));
          const theirChanges = changedFields(from, answer.object).filter((c) => !minePaths.has(c.path));
          const who = authorOf(answer.object, theirChanges)?.manager ?? "someone else";
          saved(answer.object, {
            testid: "save-result",
            text: !resolved
              ? `Saved, merged with a change made meanwhile by ${who}`
              : theirChanges.length
                ? `Saved with your choices, merged with ${who}'s other changes`
                : "Saved with your choices",
            changes: theirChanges,
          });
          break;
        }
        case "unchanged":
          saved(answer.object, {
            testid: "save-result",
            text: resolved
              ? "Nothing to save: with your choices the object stays as it is"
              : differsForUser(from, mine)
                ? "Nothing to save: someone already made this change"
                : "Nothing to save",
          });
          break;
        case "conflict": {
          const paths = answer.conflicts.map((c) => pointerToPath(c.path, from, answer.theirs, mine));
          const author = changedBy(answer.theirs, paths);
          setMode({
            name: "conflict",
            action: "save",
            theirs: answer.theirs,
            conflicts: answer.conflicts,
            who: author?.manager,
            when: author?.time,
            note: resolved
              ? "The object changed again while you were choosing: here is how it stands now. Nothing was saved."
              : undefined,
          });
          break;
        }
        case "gone":
          setGone({ reason: answer.reason, theirs: answer.theirs, during: "save" });
          setMode({ name: "edit" });
          break;
      }
    });
  }

  /** Takes someone else's version into the draft (the server's three-way merge, nothing
   * written): the draft keeps the user's change, now relative to their version. */
  function mergeTheirs(theirs: KubeObject, who: string | undefined, when: string | undefined, resolutions?: Resolution[]) {
    if (!mine) return;
    const from = base;
    void run(async () => {
      const answer = await merge(from, theirs, mine, { cluster, resolutions });
      switch (answer.outcome) {
        case "merged":
          generation.current++;
          setBase(orderLike(theirs, mine));
          setText(draftText(orderLike(answer.object, mine)));
          setLive(undefined);
          setShowTheirs(false);
          setMode({ name: "edit" });
          setNotice({ testid: "merge-result", text: `Merged ${who ?? "their"}'s change into your edit` });
          break;
        case "conflict":
          setMode({ name: "conflict", action: "merge", theirs, conflicts: answer.conflicts, who, when });
          break;
        case "gone":
          setGone({ reason: answer.reason, theirs, during: "edit" });
          setMode({ name: "edit" });
          break;
      }
    });
  }

  function createAgain() {
    if (!parsed.object) return;
    const draft = userView(parsed.object);
    void run(async () => {
      const answer = await create(draft, cluster);
      if (answer.outcome === "created") {
        // The kept draft belonged to the deleted object (its uid); the new one starts clean.
        keepDraft(cluster, base, undefined);
        saved(answer.object, { testid: "save-result", text: "Created again from your edit" });
      } else {
        setGone({ reason: "replaced", theirs: answer.theirs, during: "save", exists: true });
      }
    });
  }

  /** Edits the object now under this name instead: the user's draft against the new object. */
  function adoptReplacement() {
    void run(async () => {
      const next = await getObject(cluster, type, name, namespace);
      generation.current++;
      setBase(next);
      setGone(undefined);
      setLive(undefined);
      setNotice({
        testid: "merge-result",
        text: "Your edit now applies to the new object: review the changes, they are measured against it.",
      });
    });
  }

  function openReview() {
    setNotice(undefined);
    setMode({ name: "review" });
  }

  async function copyDraft() {
    setCopied((await copyText(text)) ? "YAML copied to the clipboard" : "Copying failed: select the text and copy it");
  }

  function discard() {
    // Dropping the edit shows the latest version known, not the one it started from.
    rebase(live?.theirs ?? base);
    setNotice(undefined);
    setConfirmDiscard(false);
  }

  return (
    <div className="edit-tab">
      {gone && (
        <div className="edit-banner edit-banner-bad" role="alert" data-testid="gone-banner">
          <p>
            <strong>
              {gone.exists
                ? "An object with this name exists again"
                : gone.reason === "deleted"
                  ? `This object was deleted ${gone.during === "save" ? "before your save" : "while you were editing"}.`
                  : "This object was deleted and created again: the one under this name now is a new object."}
            </strong>{" "}
            {gone.during === "save" && !gone.exists && "Nothing was written. "}
            Your edit is kept in the editor.
          </p>
          <div className="actions">
            {gone.reason === "deleted" && !gone.exists ? (
              <button type="button" onClick={createAgain} disabled={busy || Boolean(blocked)}>
                Create it again
              </button>
            ) : (
              <button type="button" onClick={adoptReplacement} disabled={busy}>
                Apply my edit to the new object
              </button>
            )}
            <button type="button" onClick={() => void copyDraft()}>
              Copy YAML
            </button>
            {blocked && <span>Fix the problem shown at the editor to create it again.</span>}
            {copied && <span role="status">{copied}</span>}
          </div>
        </div>
      )}

      {live && !gone && (
        <div className="edit-banner" role="status" data-testid="changed-banner">
          <p>
            <strong>
              {live.who ?? "Someone"} changed this object {live.when ? <RelativeTime time={live.when} /> : "just now"}
            </strong>
            {live.rebased
              ? ". You had not changed anything, so the editor now shows their version."
              : ". Your edit is kept; merge their change into it, or save and Concord merges it then."}
          </p>
          <ChangedFieldList changes={live.changes} label="Fields they changed" />
          <div className="actions">
            <button type="button" aria-expanded={showTheirs} onClick={() => setShowTheirs((s) => !s)}>
              {showTheirs ? "Hide their change" : "Show their change"}
            </button>
            {!live.rebased && (
              <button
                type="button"
                className="primary"
                disabled={busy || !mine || mode.name === "conflict"}
                title={mine ? undefined : "Fix the YAML first: it does not parse"}
                onClick={() => mergeTheirs(live.theirs, live.who, live.when)}
              >
                Merge their change
              </button>
            )}
            {live.rebased && (
              <button type="button" onClick={() => setLive(undefined)}>
                Dismiss
              </button>
            )}
          </div>
          {showTheirs && (
            <YamlDiff
              from={draftText(live.previous)}
              to={draftText(live.theirs)}
              fromLabel="The version you loaded"
              toLabel={`Their version${live.who ? ` (${live.who})` : ""}`}
            />
          )}
        </div>
      )}

      {notice && (
        <div className="edit-notice" role="status" data-testid={notice.testid}>
          <p>{notice.text}</p>
          {notice.changes && notice.changes.length > 0 && (
            <ChangedFieldList changes={notice.changes} label="What they changed" />
          )}
        </div>
      )}
      {liveError && <p className="muted live-error">Live updates stopped: {liveError}</p>}
      <ErrorMessage error={error} title="Not saved" />

      {mode.name === "conflict" && (
        <ConflictView
          key={mode.theirs.metadata.resourceVersion}
          conflicts={mode.conflicts}
          who={mode.who}
          when={mode.when}
          action={mode.action}
          note={mode.note}
          busy={busy}
          documents={[base, mode.theirs, mine]}
          onResolve={(resolutions) =>
            mode.action === "save"
              ? save({ resolutions, theirs: mode.theirs })
              : mergeTheirs(mode.theirs, mode.who, mode.when, resolutions)
          }
          onCancel={() => setMode({ name: "edit" })}
        />
      )}

      {mode.name === "review" && mine && (
        <section className="review" aria-label="Review changes">
          <h2 ref={reviewHeading} tabIndex={-1}>
            Changes to save
          </h2>
          <DiffView
            from={base}
            to={mine}
            fromLabel={`As loaded (version ${base.metadata.resourceVersion ?? "?"})`}
            toLabel="Your edit"
            title="Fields you changed"
          />
          <div className="actions">
            <button type="button" className="primary" onClick={() => save()} disabled={busy}>
              {busy ? "Saving…" : "Save"}
            </button>
            <button type="button" onClick={() => setMode({ name: "edit" })} disabled={busy}>
              Back to editing
            </button>
          </div>
        </section>
      )}

      <div className="edit-main" hidden={mode.name !== "edit"}>
        <div className="edit-toolbar">
          <button
            ref={reviewButton}
            type="button"
            className="primary"
            disabled={Boolean(blocked) || Boolean(gone)}
            title={gone ? "The object is gone: create it again, or apply your edit to the new object" : undefined}
            onClick={openReview}
          >
            Review changes
          </button>
          {confirmDiscard ? (
            <span className="confirm" role="group" aria-label="Discard all your changes?">
              Discard all your changes?{" "}
              <button type="button" className="danger" onClick={discard}>
                Discard
              </button>{" "}
              <button type="button" onClick={() => setConfirmDiscard(false)} autoFocus>
                Keep editing
              </button>
            </span>
          ) : (
            <button type="button" onClick={() => setConfirmDiscard(true)} disabled={!dirty || busy}>
              Discard my changes
            </button>
          )}
          <span className="muted" aria-live="polite">
            {restored && dirty ? "Your unsaved edit from before was restored. " : ""}
            {dirty ? "Unsaved changes" : "No changes"}
          </span>
          {blocked && (
            <p className="field-error edit-blocked" role="alert">
              {blocked}
            </p>
          )}
        </div>
        <div className="edit-panes">
          <div className="edit-yaml">
            <YamlEditor
              value={text}
              onChange={setText}
              onSubmit={{
                label: "review changes",
                run: () => {
                  if (!blocked && !gone) openReview();
                },
              }}
            />
            {base.status !== undefined && (
              <details className="edit-status">
                <summary>Status (read-only, as loaded)</summary>
                <pre>{toYaml(base.status)}</pre>
              </details>
            )}
          </div>
          <EditForms
            text={text}
            draft={parsed.object}
            problemLine={parsed.problems?.[0]?.line}
            served={served}
            onText={setText}
          />
        </div>
      </div>
    </div>
  );
}
