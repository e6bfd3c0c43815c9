// What the Summary tab says about an object, computed from the object alone (pure, tested):
// its status in one word, its conditions, and the facts a Kubernetes user looks for first in
// each kind (a Pod's node and containers, a Deployment's replicas and strategy, ...).

import { stringify } from "yaml";
import type { KubeObject } from "../../api/types";
import { healthOf, healthOfRatio, type Health } from "../../components/status";
import { humanDuration } from "../../components/table/age";

/** An object another fact points at (a node, a service account, a job). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One line of the Summary: a label and its value, a time, or a block of YAML. */
export interface Fact {
  label: string;
  value?: string;
  /** A timestamp, shown relative with the exact time on hover. */
  time?: string;
  /** A multi-line value (YAML of a nested field) shown as preformatted text. */
  block?: boolean;
  health?: Health;
  /** The object the value names, shown as a link. */
  to?: ObjectRef;
}

/** The group of an object's `apiVersion` (`""` for the core group). */
export function groupOf(object: KubeObject): string {
  const apiVersion = object.apiVersion ?? "";
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/** `apps/Deployment`, `/Pod`: how this module recognises built-in kinds. */
function kindKey(object: KubeObject): string {
  return `${groupOf(object)}/${object.kind ?? ""}`;
}

const WORKLOADS = new Set(["apps/Deployment", "apps/StatefulSet", "apps/ReplicaSet", "apps/DaemonSet"]);

/** Whether the object is a Deployment, StatefulSet, ReplicaSet or DaemonSet. */
export function isWorkload(object: KubeObject): boolean {
  return WORKLOADS.has(kindKey(object));
}

/** Whether the object is a core/v1 Pod. */
export function isPod(object: KubeObject): boolean {
  return kindKey(object) === "/Pod";
}

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string => (value === undefined || value === null ? "" : String(value));
const list = <T = any>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const record = (value: unknown): Record<string, any> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, any>) : {};

/** A label selector as `kubectl get -l` spells it, from a LabelSelector or a plain label map
 * (a Service's selector); `undefined` when it selects nothing in particular. */
export function labelSelectorText(selector: unknown): string | undefined {
  const sel = record(selector);
  const isLabelSelector = "matchLabels" in sel || "matchExpressions" in sel;
  const labels = record(isLabelSelector ? sel.matchLabels : sel);
  const parts = Object.entries(labels).map(([key, value]) => `${key}=${str(value)}`);
  for (const expression of isLabelSelector ? list(sel.matchExpressions) : []) {
    const key = str(expression?.key);
    const values = list(expression?.values).map(str).join(",");
    switch (expression?.operator) {
      case "In":
        parts.push(`${key} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${key} notin (${values})`);
        break;
      case "Exists":
        parts.push(key);
        break;
      case "DoesNotExist":
        parts.push(`!${key}`);
        break;
    }
  }
  return parts.length ? parts.join(",") : undefined;
}

/** The object's health in a word or two, for the header's badge. */
export interface StatusBadge {
  text: string;
  health: Health;
}

/** The status badge of an object, `undefined` for kinds without a status worth a badge. */
export function statusOf(object: KubeObject): StatusBadge | undefined {
  if (object.metadata.deletionTimestamp) return { text: "Terminating", health: "warn" };
  const status = record(object.status);
  switch (kindKey(object)) {
    case "/Pod":
      return podStatus(object);
    case "apps/Deployment":
    case "apps/StatefulSet":
    case "apps/ReplicaSet": {
      const failed = list(status.conditions).find(
        (c) =>
          (c.type === "ReplicaFailure" && c.status === "True") ||
          (c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded"),
      );
      if (failed) return { text: str(failed.reason) || str(failed.type), health: "bad" };
      return replicaBadge(num(status.readyReplicas), desiredReplicas(object));
    }
    case "apps/DaemonSet":
      return replicaBadge(num(status.numberReady), num(status.desiredNumberScheduled));
    case "batch/Job": {
      const condition = (type: string) => list(status.conditions).some((c) => c.type === type && c.status === "True");
      if (condition("Complete")) return { text: "Complete", health: "ok" };
      if (condition("Failed")) return { text: "Failed", health: "bad" };
      if (condition("Suspended")) return { text: "Suspended", health: "warn" };
      // As `kubectl get jobs` says of every job neither finished nor suspended.
      return { text: "Running", health: "ok" };
    }
    case "batch/CronJob":
      if (object.spec?.suspend) return { text: "Suspended", health: "warn" };
      return list(status.active).length
        ? { text: `${list(status.active).length} active`, health: "ok" }
        : { text: "Scheduled", health: "neutral" };
    case "/Node": {
      const ready = list(status.conditions).find((c) => c.type === "Ready");
      const text = ready?.status === "True" ? "Ready" : "NotReady";
      if (object.spec?.unschedulable) return { text: `${text}, SchedulingDisabled`, health: "warn" };
      return { text, health: healthOf(text) };
    }
  }
  if (typeof status.phase === "string" && status.phase) return { text: status.phase, health: healthOf(status.phase) };
  const ready = list(status.conditions).find((c) => c.type === "Ready");
  if (ready) {
    return ready.status === "True"
      ? { text: "Ready", health: "ok" }
      : { text: str(ready.reason) || "Not ready", health: ready.status === "False" ? "bad" : "warn" };
  }
  return undefined;
}

/** `spec.replicas`, which defaults to 1 when absent. */
export function desiredReplicas(object: KubeObject): number {
  return typeof object.spec?.replicas === "number" ? object.spec.replicas : 1;
}

function replicaBadge(ready: number, desired: number): StatusBadge {
  if (desired === 0) return { text: "Scaled to 0", health: "neutral" };
  return { text: `${ready}/${desired} ready`, health: healthOfRatio(`${ready}/${desired}`) };
}

/** A Pod's status as `kubectl get pods` prints it (CrashLoopBackOff, Init:1/2, Completed, ...). */
function podStatus(pod: KubeObject): StatusBadge {
  const status = record(pod.status);
  let reason = str(status.reason) || str(status.phase) || "Unknown";
  const inits = list(pod.spec?.initContainers);
  let initializing = false;
  list(status.initContainerStatuses).forEach((c, index) => {
    if (initializing) return;
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) return;
    // A restartable init container (a sidecar) that runs does not hold the pod back.
    if (c.started && c.state?.running && inits[index]?.restartPolicy === "Always") return;
    initializing = true;
    if (terminated) reason = `Init:${terminated.reason || exitText(terminated)}`;
    else if (waiting?.reason && waiting.reason !== "PodInitializing") reason = `Init:${waiting.reason}`;
    else reason = `Init:${index}/${inits.length}`;
  });
  if (!initializing) {
    let running = false;
    for (const c of [...list(status.containerStatuses)].reverse()) {
      const state = record(c.state);
      if (state.waiting?.reason) reason = state.waiting.reason;
      else if (state.terminated) reason = state.terminated.reason || exitText(state.terminated);
      else if (state.running && c.ready) running = true;
    }
    if (reason === "Completed" && running) {
      const ready = list(status.conditions).some((c) => c.type === "Ready" && c.status === "True");
      reason = ready ? "Running" : "NotReady";
    }
  }
  const plain = reason.replace(/^Init:/, "");
  let health = /^\d+\/\d+$/.test(plain) ? "warn" : healthOf(plain);
  if (/BackOff|^Err|^Signal|^ExitCode/.test(plain)) health = "bad";
  else if (reason.startsWith("Init:") && health === "neutral") health = "warn";
  return { text: reason, health };
}

function exitText(terminated: { signal?: number; exitCode?: number }): string {
  return terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${num(terminated.exitCode)}`;
}

/** One row of the conditions table. */
export interface ConditionRow {
  type: string;
  status: string;
  health: Health;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

// Conditions whose `True` is bad news (a node under pressure, a failed job, ...).
const NEGATIVE = /(Pressure|Unavailable|Failure|Failed|FailureTarget|Degraded|Stalled|DisruptionTarget)$/;

/** `status.conditions`, each with the health its status means for its type. */
export function conditionsOf(object: KubeObject): ConditionRow[] {
  return list(record(object.status).conditions).map((c) => {
    const type = str(c.type);
    const status = str(c.status);
    const negative = NEGATIVE.test(type);
    let health: Health = "warn";
    if (status === "True") health = negative ? "bad" : "ok";
    else if (status === "False") health = negative ? "ok" : "warn";
    return {
      type,
      status,
      health,
      reason: str(c.reason),
      message: str(c.message),
      lastTransitionTime: c.lastTransitionTime ?? c.lastUpdateTime ?? c.lastProbeTime ?? undefined,
    };
  });
}

/** A container of a Pod, with its state. */
export interface ContainerRow {
  name: string;
  role: "init" | "sidecar" | "app" | "ephemeral";
  image: string;
  state: string;
  stateHealth: Health;
  /** When the current state began (running since, terminated at). */
  since?: string;
  /** Why the previous instance ended (e.g. `OOMKilled (exit 137)`), when it restarted. */
  lastState?: string;
  ready?: boolean;
  restarts: number;
}

/** A Pod's containers (init, sidecars, app, ephemeral) with state, readiness and restarts. */
export function containersOf(pod: KubeObject): ContainerRow[] {
  const status = record(pod.status);
  const rows: ContainerRow[] = [];
  const add = (specs: unknown, statuses: unknown, role: (spec: any) => ContainerRow["role"]) => {
    const byName = new Map(list(statuses).map((s) => [s.name, s]));
    for (const spec of list(specs)) {
      const s = byName.get(spec.name);
      const { state, health, since } = stateText(s?.state);
      const last = s?.lastState?.terminated;
      rows.push({
        name: str(spec.name),
        role: role(spec),
        image: str(spec.image),
        state: s ? state : "Not started",
        stateHealth: s ? health : "neutral",
        since,
        lastState: last ? `${last.reason || "Terminated"} (exit ${num(last.exitCode)})` : undefined,
        ready: typeof s?.ready === "boolean" ? s.ready : undefined,
        restarts: num(s?.restartCount),
      });
    }
  };
  add(pod.spec?.initContainers, status.initContainerStatuses, (spec) =>
    spec.restartPolicy === "Always" ? "sidecar" : "init",
  );
  add(pod.spec?.containers, status.containerStatuses, () => "app");
  add(pod.spec?.ephemeralContainers, status.ephemeralContainerStatuses, () => "ephemeral");
  return rows;
}

function stateText(state: any): { state: string; health: Health; since?: string } {
  if (state?.running) return { state: "Running", health: "ok", since: state.running.startedAt };
  if (state?.waiting) {
    const reason = str(state.waiting.reason) || "Waiting";
    return { state: reason, health: /BackOff|^Err|Invalid/.test(reason) ? "bad" : "warn" };
  }
  if (state?.terminated) {
    const t = state.terminated;
    const code = num(t.exitCode);
    return {
      state: `${t.reason || "Terminated"} (exit ${code})`,
      health: code === 0 ? "neutral" : "bad",
      since: t.finishedAt,
    };
  }
  return { state: "Unknown", health: "neutral" };
}

/** The QoS class a Pod gets from its containers' requests and limits (what the kubelet computes
 * into `status.qosClass`, for clusters that have not filled it in). */
export function qosClassOf(pod: KubeObject): string {
  if (typeof pod.status?.qosClass === "string") return pod.status.qosClass;
  const containers = [...list(pod.spec?.containers), ...list(pod.spec?.initContainers)];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = record(c.resources?.requests);
    const limits = record(c.resources?.limits);
    if (Object.keys(requests).length || Object.keys(limits).length) any = true;
    for (const resource of ["cpu", "memory"]) {
      const limit = limits[resource];
      // A request defaults to its limit, so only a differing request breaks Guaranteed.
      const request = requests[resource] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** A port of a Service, as the Summary's ports table shows it. */
export interface PortRow {
  name: string;
  port: string;
  targetPort: string;
  protocol: string;
  nodePort: string;
}

/** A Service's ports. */
export function servicePorts(service: KubeObject): PortRow[] {
  return list(service.spec?.ports).map((p) => ({
    name: str(p.name),
    port: str(p.port),
    targetPort: str(p.targetPort ?? p.port),
    protocol: str(p.protocol) || "TCP",
    nodePort: str(p.nodePort),
  }));
}

/** A Node's resources: what it has and what pods may use. */
export interface ResourceRow {
  resource: string;
  capacity: string;
  allocatable: string;
}

export function nodeResources(node: KubeObject): ResourceRow[] {
  const capacity = record(node.status?.capacity);
  const allocatable = record(node.status?.allocatable);
  const names = [...new Set([...Object.keys(capacity), ...Object.keys(allocatable)])].sort();
  return names.map((resource) => ({
    resource,
    capacity: str(capacity[resource]),
    allocatable: str(allocatable[resource]),
  }));
}

/** A key of a ConfigMap or Secret. `value` is the text (ConfigMap `data`) or the base64 text
 * (Secret `data`, ConfigMap `binaryData`). */
export interface DataEntry {
  key: string;
  value: string;
  encoding: "text" | "base64";
}

/** The keys of a ConfigMap or Secret, sorted. */
export function dataEntries(object: KubeObject): DataEntry[] {
  const isSecret = kindKey(object) === "/Secret";
  const entries: DataEntry[] = [
    ...Object.entries(record(object.data)).map(([key, value]) => ({
      key,
      value: str(value),
      encoding: isSecret ? ("base64" as const) : ("text" as const),
    })),
    ...Object.entries(record(object.binaryData)).map(([key, value]) => ({
      key,
      value: str(value),
      encoding: "base64" as const,
    })),
  ];
  return entries.sort((a, b) => a.key.localeCompare(b.key));
}

/** A base64 value decoded: its text when it is UTF-8, otherwise only its size. */
export function decodeBase64(value: string): { text: string } | { bytes: number } | { invalid: true } {
  let binary: string;
  try {
    binary = atob(value.replace(/\s+/g, ""));
  } catch {
    return { invalid: true };
  }
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { bytes: bytes.length };
  }
}

/** The byte size of a base64 value. */
export function base64Size(value: string): number {
  const clean = value.replace(/\s+/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

const fact = (label: string, value: unknown): Fact | null => {
  if (value === undefined || value === null || value === "") return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return { label, value: Array.isArray(value) ? value.map(str).join(", ") : str(value) };
};
const timeFact = (label: string, time: unknown): Fact | null =>
  typeof time === "string" && time ? { label, time } : null;

/** The facts of the object's kind; for kinds this module does not know (`generic`), the
 * top-level fields of its `spec` (or of the object, for kinds without one such as RBAC rules). */
export function kindFacts(object: KubeObject): { generic: boolean; facts: Fact[] } {
  const known = kindSpecificFacts(object);
  const facts = (known ?? genericFacts(object)).filter((f): f is Fact => f !== null);
  return { generic: !known, facts };
}

function kindSpecificFacts(object: KubeObject): (Fact | null)[] | undefined {
  const spec = record(object.spec);
  const status = record(object.status);
  const namespace = object.metadata.namespace;
  switch (kindKey(object)) {
    case "/Pod":
      return [
        spec.nodeName
          ? { label: "Node", value: spec.nodeName, to: { apiVersion: "v1", kind: "Node", name: spec.nodeName } }
          : { label: "Node", value: "Not scheduled", health: "warn" },
        fact("Pod IPs", list(status.podIPs).map((ip) => ip.ip).length ? list(status.podIPs).map((ip) => ip.ip) : status.podIP),
        fact("Host IP", status.hostIP),
        fact("QoS class", qosClassOf(object)),
        timeFact("Started", status.startTime),
        fact("Restart policy", spec.restartPolicy),
        spec.serviceAccountName
          ? {
              label: "Service account",
              value: spec.serviceAccountName,
              to: { apiVersion: "v1", kind: "ServiceAccount", name: spec.serviceAccountName, namespace },
            }
          : null,
        fact("Priority class", spec.priorityClassName),
        fact("Message", status.message),
      ];
    case "apps/Deployment":
    case "apps/StatefulSet":
    case "apps/ReplicaSet":
      return [
        fact("Desired replicas", desiredReplicas(object)),
        fact("Ready", num(status.readyReplicas)),
        kindKey(object) === "apps/ReplicaSet" ? null : fact("Up to date", num(status.updatedReplicas)),
        fact("Available", num(status.availableReplicas)),
        fact("Strategy", strategyText(object)),
        fact("Selector", labelSelectorText(spec.selector)),
        fact("Images", templateImages(object)),
        kindKey(object) === "apps/StatefulSet" ? fact("Service name", spec.serviceName) : null,
        kindKey(object) === "apps/StatefulSet" ? fact("Pod management", spec.podManagementPolicy) : null,
        spec.paused ? { label: "Paused", value: "Yes, rollouts are paused", health: "warn" } : null,
        rolloutFact(object),
      ];
    case "apps/DaemonSet":
      return [
        fact("Desired pods", num(status.desiredNumberScheduled)),
        fact("Current", num(status.currentNumberScheduled)),
        fact("Ready", num(status.numberReady)),
        fact("Up to date", num(status.updatedNumberScheduled)),
        fact("Available", num(status.numberAvailable)),
        num(status.numberMisscheduled)
          ? { label: "Misscheduled", value: str(status.numberMisscheduled), health: "warn" }
          : null,
        fact("Strategy", strategyText(object)),
        fact("Selector", labelSelectorText(spec.selector)),
        fact("Images", templateImages(object)),
        rolloutFact(object),
      ];
    case "/Service":
      return [
        fact("Type", spec.type ?? "ClusterIP"),
        fact("Cluster IPs", list(spec.clusterIPs).length ? spec.clusterIPs : spec.clusterIP),
        fact("External IPs", spec.externalIPs),
        fact(
          "Load balancer",
          list(status.loadBalancer?.ingress).map((i) => i.ip ?? i.hostname),
        ),
        fact("External name", spec.externalName),
        fact("Selector", labelSelectorText(spec.selector) ?? "None (endpoints managed by hand)"),
        fact("Session affinity", spec.sessionAffinity),
        fact("IP families", spec.ipFamilies),
        fact("Traffic policy", spec.externalTrafficPolicy),
      ];
    case "/ConfigMap":
      return [fact("Keys", dataEntries(object).length), object.immutable ? fact("Immutable", "Yes") : null];
    case "/Secret":
      return [
        fact("Type", object.type ?? "Opaque"),
        fact("Keys", dataEntries(object).length),
        object.immutable ? fact("Immutable", "Yes") : null,
      ];
    case "batch/Job":
      return [
        fact(
          "Completions",
          spec.completions === undefined || spec.completions === null
            ? `${num(status.succeeded)} succeeded (any one completes the job)`
            : `${num(status.succeeded)}/${spec.completions}`,
        ),
        fact("Parallelism", spec.parallelism ?? 1),
        fact("Active", num(status.active)),
        num(status.failed) ? { label: "Failed", value: str(status.failed), health: "bad" } : null,
        fact("Backoff limit", spec.backoffLimit ?? 6),
        timeFact("Started", status.startTime),
        timeFact("Completed", status.completionTime),
        status.startTime && status.completionTime
          ? fact("Duration", durationText(status.startTime, status.completionTime))
          : null,
        fact("Selector", labelSelectorText(spec.selector)),
        fact("Images", templateImages(object)),
      ];
    case "batch/CronJob":
      return [
        fact("Schedule", spec.schedule),
        fact("Time zone", spec.timeZone),
        spec.suspend ? { label: "Suspended", value: "Yes, no new runs start", health: "warn" } : null,
        fact("Concurrency policy", spec.concurrencyPolicy ?? "Allow"),
        timeFact("Last run", status.lastScheduleTime) ?? fact("Last run", "Never"),
        timeFact("Last success", status.lastSuccessfulTime),
        fact(
          "Active jobs",
          list(status.active).length ? list(status.active).map((ref) => ref.name) : "None",
        ),
        fact("Images", templateImages(object)),
      ];
    case "/Node": {
      const info = record(status.nodeInfo);
      return [
        ...list(status.addresses).map((a) => fact(str(a.type) || "Address", a.address)),
        fact("OS image", info.osImage),
        fact("Kernel", info.kernelVersion),
        fact("Container runtime", info.containerRuntimeVersion),
        fact("Kubelet", info.kubeletVersion),
        fact("Architecture", info.architecture),
        fact("Pod CIDRs", list(spec.podCIDRs).length ? spec.podCIDRs : spec.podCIDR),
        spec.unschedulable ? { label: "Schedulable", value: "No (cordoned)", health: "warn" } : null,
        fact(
          "Taints",
          list(spec.taints).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`),
        ),
      ];
    }
  }
  return undefined;
}

function genericFacts(object: KubeObject): (Fact | null)[] {
  const skip = new Set(["apiVersion", "kind", "metadata", "status"]);
  const source = object.spec !== undefined ? record(object.spec) : object;
  return Object.entries(source)
    .filter(([key]) => object.spec !== undefined || !skip.has(key))
    .map(([key, value]) => {
      if (value !== null && typeof value === "object") {
        return { label: key, value: stringify(value, { lineWidth: 0 }).trimEnd(), block: true };
      }
      return { label: key, value: str(value) };
    });
}

function strategyText(object: KubeObject): string | undefined {
  const spec = record(object.spec);
  const strategy = record(spec.strategy ?? spec.updateStrategy);
  const type = str(strategy.type);
  if (!type) return undefined;
  const rolling = record(strategy.rollingUpdate);
  const details = [
    rolling.maxSurge !== undefined ? `max surge ${rolling.maxSurge}` : "",
    rolling.maxUnavailable !== undefined ? `max unavailable ${rolling.maxUnavailable}` : "",
    rolling.partition !== undefined ? `partition ${rolling.partition}` : "",
  ].filter(Boolean);
  return details.length ? `${type} (${details.join(", ")})` : type;
}

function templateImages(object: KubeObject): string[] {
  const spec = record(object.spec);
  // A CronJob's pods are two templates deep.
  const template = record(spec.jobTemplate?.spec?.template ?? spec.template);
  return [...list(template.spec?.initContainers), ...list(template.spec?.containers)].map((c) => str(c.image));
}

/** Whether the controller has seen the latest spec: a rollout in progress reads differently
 * from a finished one. */
function rolloutFact(object: KubeObject): Fact | null {
  const generation = object.metadata.generation;
  const observed = object.status?.observedGeneration;
  if (typeof generation !== "number") return null;
  if (typeof observed !== "number") {
    return { label: "Controller", value: "Has not observed this object yet", health: "warn" };
  }
  return observed >= generation
    ? { label: "Controller", value: `Observed generation ${observed}`, health: "ok" }
    : { label: "Controller", value: `Observed generation ${observed} of ${generation}`, health: "warn" };
}

function durationText(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? "" : humanDuration(ms);
}

/** A list of objects related to the one shown (a Deployment's ReplicaSets and Pods, a
 * Service's Pods, a Node's Pods): what to list and how to keep only the related ones. */
export interface RelatedQuery {
  title: string;
  apiVersion: string;
  kind: string;
  /** In the object's namespace; all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Keep only objects with an owner reference to this uid. */
  ownerUid?: string;
}

/** The related lists of an object, in the order shown. */
export function relatedQueries(object: KubeObject): RelatedQuery[] {
  const { namespace, uid, name } = object.metadata;
  const spec = record(object.spec);
  const pods = (labelSelector: string | undefined, title = "Pods"): RelatedQuery[] =>
    labelSelector ? [{ title, apiVersion: "v1", kind: "Pod", namespace, labelSelector }] : [];
  switch (kindKey(object)) {
    case "apps/Deployment":
      return [
        {
          title: "ReplicaSets",
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          namespace,
          labelSelector: labelSelectorText(spec.selector),
          ownerUid: uid,
        },
        ...pods(labelSelectorText(spec.selector)),
      ];
    case "apps/StatefulSet":
    case "apps/DaemonSet":
    case "apps/ReplicaSet":
    case "batch/Job":
      return pods(labelSelectorText(spec.selector));
    case "batch/CronJob":
      return [{ title: "Jobs", apiVersion: "batch/v1", kind: "Job", namespace, ownerUid: uid }];
    case "/Service":
      return pods(labelSelectorText(spec.selector), "Pods selected");
    case "/Node":
      return [{ title: "Pods on this node", apiVersion: "v1", kind: "Pod", fieldSelector: `spec.nodeName=${name}` }];
  }
  return [];
}
