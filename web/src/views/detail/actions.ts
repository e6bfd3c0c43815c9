// The objects the detail page's actions save through the edit protocol: each is the object as
// the user saw it (the edit's `base`) with exactly one change, so a concurrent change to
// anything else is merged by the server and only a change to the same field is a conflict.

import type { Conflict, KubeObject, ServedKind } from "../../api/types";
import { groupOf } from "./facts";

/** The annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** Whether the object can be scaled: its kind has the scale subresource, or a `spec.replicas`. */
export function canScale(object: KubeObject, served: ServedKind | undefined): boolean {
  return Boolean(served?.subresources.includes("scale")) || typeof object.spec?.replicas === "number";
}

/** Whether `kubectl rollout restart` applies (Deployments, StatefulSets, DaemonSets). */
export function canRestart(object: KubeObject): boolean {
  return groupOf(object) === "apps" && ["Deployment", "StatefulSet", "DaemonSet"].includes(object.kind ?? "");
}

/** The object with `spec.replicas` set to `replicas`. */
export function withReplicas(object: KubeObject, replicas: number): KubeObject {
  const mine = structuredClone(object);
  mine.spec = { ...(mine.spec ?? {}), replicas };
  return mine;
}

/** `time` in RFC 3339 without fractions, as kubectl writes `restartedAt`. */
export function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d+Z$/, "Z");
}

/** The object with its pod template annotated `restartedAt` = `time`: the controller then
 * replaces every pod, following the rollout strategy. */
export function withRestartedAt(object: KubeObject, time: Date): KubeObject {
  const mine = structuredClone(object);
  const template = (mine.spec ??= {}).template ?? (mine.spec.template = {});
  const metadata = (template.metadata ??= {});
  metadata.annotations = { ...(metadata.annotations ?? {}), [RESTARTED_AT]: rfc3339(time) };
  return mine;
}

/** A conflict's value as one short line ("absent" when that side has no such field). */
export function conflictValue(value: unknown): string {
  if (value === undefined) return "absent";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What a conflict means in words: "someone else changed replicas to 5 meanwhile". */
export function describeConflict(conflict: Conflict): string {
  const field = conflict.path === "/spec/replicas" ? "replicas" : conflict.path;
  if (conflict.theirs === undefined) return `Someone else removed ${field} meanwhile (it was ${conflictValue(conflict.base)})`;
  return `Someone else changed ${field} to ${conflictValue(conflict.theirs)} meanwhile (it was ${conflictValue(conflict.base)})`;
}
