import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import {
  base64Size,
  conditionsOf,
  containersOf,
  dataEntries,
  decodeBase64,
  kindFacts,
  labelSelectorText,
  qosClassOf,
  relatedQueries,
  servicePorts,
  statusOf,
  type Fact,
} from "./facts";

const meta = (name: string, extra: Partial<KubeObject["metadata"]> = {}) => ({
  name,
  namespace: "demo",
  uid: `uid-${name}`,
  resourceVersion: "7",
  ...extra,
});

const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: meta("web-1", { annotations: {} }),
  spec: {
    nodeName: "node-a",
    serviceAccountName: "web",
    restartPolicy: "Always",
    initContainers: [{ name: "migrate", image: "migrate:1" }],
    containers: [
      { name: "web", image: "nginx:1.27", resources: { requests: { cpu: "100m" }, limits: { cpu: "200m" } } },
      { name: "sidecar", image: "envoy:1.30" },
    ],
  },
  status: {
    phase: "Running",
    podIP: "10.0.0.5",
    podIPs: [{ ip: "10.0.0.5" }, { ip: "fd00::5" }],
    hostIP: "192.168.1.10",
    startTime: "2026-01-01T00:00:00Z",
    conditions: [
      { type: "Ready", status: "False", reason: "ContainersNotReady", lastTransitionTime: "2026-01-01T00:01:00Z" },
      { type: "PodScheduled", status: "True" },
    ],
    initContainerStatuses: [
      { name: "migrate", ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } },
    ],
    containerStatuses: [
      {
        name: "web",
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: "2026-01-01T00:00:10Z" } },
      },
      {
        name: "sidecar",
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
        lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } },
      },
    ],
  },
};

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: meta("web", { generation: 3 }),
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
    template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
  },
  status: { observedGeneration: 2, replicas: 3, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
};

const byLabel = (facts: Fact[]) => Object.fromEntries(facts.map((f) => [f.label, f]));

describe("Pod summary", () => {
  it("says what kubectl says about a crash-looping container", () => {
    expect(statusOf(pod)).toEqual({ text: "CrashLoopBackOff", health: "bad" });
  });

  it("reads Running when every container runs", () => {
    const running = structuredClone(pod);
    running.status.containerStatuses[1] = { name: "sidecar", ready: true, state: { running: {} } };
    expect(statusOf(running)).toEqual({ text: "Running", health: "ok" });
  });

  it("shows init progress while an init container runs", () => {
    const init = structuredClone(pod);
    init.status.phase = "Pending";
    init.status.initContainerStatuses[0] = { name: "migrate", state: { running: {} } };
    expect(statusOf(init)).toEqual({ text: "Init:0/1", health: "warn" });
  });

  it("lists node, IPs, QoS and more", () => {
    const { generic, facts } = kindFacts(pod);
    expect(generic).toBe(false);
    const f = byLabel(facts);
    expect(f["Node"]).toMatchObject({ value: "node-a", to: { kind: "Node", name: "node-a" } });
    expect(f["Pod IPs"].value).toBe("10.0.0.5, fd00::5");
    expect(f["Host IP"].value).toBe("192.168.1.10");
    expect(f["QoS class"].value).toBe("Burstable");
    expect(f["Started"].time).toBe("2026-01-01T00:00:00Z");
    expect(f["Service account"].to).toEqual({ apiVersion: "v1", kind: "ServiceAccount", name: "web", namespace: "demo" });
  });

  it("describes every container with state, readiness and restarts", () => {
    expect(containersOf(pod)).toEqual([
      expect.objectContaining({ name: "migrate", role: "init", state: "Completed (exit 0)", restarts: 0 }),
      expect.objectContaining({
        name: "web",
        role: "app",
        image: "nginx:1.27",
        state: "Running",
        stateHealth: "ok",
        since: "2026-01-01T00:00:10Z",
        ready: true,
      }),
      expect.objectContaining({
        name: "sidecar",
        state: "CrashLoopBackOff",
        stateHealth: "bad",
        ready: false,
        restarts: 4,
        lastState: "OOMKilled (exit 137)",
      }),
    ]);
  });

  it("computes the QoS class when the cluster did not", () => {
    const guaranteed = structuredClone(pod);
    delete guaranteed.status.qosClass;
    guaranteed.spec.initContainers = [];
    guaranteed.spec.containers = [
      { name: "a", resources: { limits: { cpu: "1", memory: "1Gi" } } },
      { name: "b", resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
    ];
    expect(qosClassOf(guaranteed)).toBe("Guaranteed");
    guaranteed.spec.containers = [{ name: "a" }];
    expect(qosClassOf(guaranteed)).toBe("BestEffort");
    guaranteed.status.qosClass = "Burstable";
    expect(qosClassOf(guaranteed)).toBe("Burstable");
  });

  it("colours conditions by what their status means", () => {
    expect(conditionsOf(pod).map((c) => [c.type, c.health])).toEqual([
      ["Ready", "warn"],
      ["PodScheduled", "ok"],
    ]);
    const node: KubeObject = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n" },
      status: { conditions: [{ type: "MemoryPressure", status: "False" }, { type: "DiskPressure", status: "True" }] },
    };
    expect(conditionsOf(node).map((c) => c.health)).toEqual(["ok", "bad"]);
  });
});

describe("Deployment summary", () => {
  it("badges ready replicas against the desired count", () => {
    expect(statusOf(deployment)).toEqual({ text: "2/3 ready", health: "warn" });
    expect(statusOf({ ...deployment, spec: { ...deployment.spec, replicas: 0 } })).toEqual({
      text: "Scaled to 0",
      health: "neutral",
    });
  });

  it("reports a rollout past its deadline as failed", () => {
    const stuck = structuredClone(deployment);
    stuck.status.conditions = [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }];
    expect(statusOf(stuck)).toEqual({ text: "ProgressDeadlineExceeded", health: "bad" });
  });

  it("lists replicas, strategy, selector, images and the controller's progress", () => {
    const f = byLabel(kindFacts(deployment).facts);
    expect(f["Desired replicas"].value).toBe("3");
    expect(f["Ready"].value).toBe("2");
    expect(f["Up to date"].value).toBe("1");
    expect(f["Available"].value).toBe("2");
    expect(f["Strategy"].value).toBe("RollingUpdate (max surge 25%, max unavailable 1)");
    expect(f["Selector"].value).toBe("app=web,tier in (a,b)");
    expect(f["Images"].value).toBe("nginx:1.27");
    expect(f["Controller"]).toMatchObject({ value: "Observed generation 2 of 3", health: "warn" });
  });

  it("relates its ReplicaSets (by owner) and its pods (by selector)", () => {
    expect(relatedQueries(deployment)).toEqual([
      {
        title: "ReplicaSets",
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        namespace: "demo",
        labelSelector: "app=web,tier in (a,b)",
        ownerUid: "uid-web",
      },
      { title: "Pods", apiVersion: "v1", kind: "Pod", namespace: "demo", labelSelector: "app=web,tier in (a,b)" },
    ]);
  });
});

describe("other kinds", () => {
  it("spells every selector operator as kubectl does", () => {
    expect(
      labelSelectorText({
        matchExpressions: [
          { key: "a", operator: "NotIn", values: ["x"] },
          { key: "b", operator: "Exists" },
          { key: "c", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("a notin (x),b,!c");
    expect(labelSelectorText({ app: "web" })).toBe("app=web");
    expect(labelSelectorText({})).toBeUndefined();
    expect(labelSelectorText(undefined)).toBeUndefined();
  });

  it("reads a Service's ports and relates the pods it selects", () => {
    const service: KubeObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("web"),
      spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80, targetPort: "http", nodePort: 30080 }] },
    };
    expect(servicePorts(service)).toEqual([{ name: "", port: "80", targetPort: "http", protocol: "TCP", nodePort: "30080" }]);
    expect(relatedQueries(service)).toEqual([
      { title: "Pods selected", apiVersion: "v1", kind: "Pod", namespace: "demo", labelSelector: "app=web" },
    ]);
    expect(relatedQueries({ ...service, spec: { type: "ExternalName" } })).toEqual([]);
  });

  it("lists a Secret's keys and decodes values only as text when they are UTF-8", () => {
    const secret: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("s"),
      type: "kubernetes.io/basic-auth",
      data: { username: "ZGVtbw==", blob: "/w==" },
    };
    expect(dataEntries(secret).map((e) => [e.key, e.encoding])).toEqual([
      ["blob", "base64"],
      ["username", "base64"],
    ]);
    expect(decodeBase64("ZGVtbw==")).toEqual({ text: "demo" });
    expect(decodeBase64("8J+agA==")).toEqual({ text: "🚀" });
    expect(decodeBase64("/w==")).toEqual({ bytes: 1 });
    expect(decodeBase64("not base64!")).toEqual({ invalid: true });
    expect(base64Size("ZGVtbw==")).toBe(4);
    expect(byLabel(kindFacts(secret).facts)["Type"].value).toBe("kubernetes.io/basic-auth");
  });

  it("keeps a ConfigMap's text values as they are", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: meta("c"), data: { "a.conf": "x = 1\n" } };
    expect(dataEntries(cm)).toEqual([{ key: "a.conf", value: "x = 1\n", encoding: "text" }]);
  });

  it("shows a custom resource's spec fields, nested ones as YAML", () => {
    const widget: KubeObject = {
      apiVersion: "demo.concord.dev/v1",
      kind: "Widget",
      metadata: meta("sprocket"),
      spec: { size: "medium", count: 2, tags: ["demo", "x"] },
    };
    expect(kindFacts(widget)).toEqual({
      generic: true,
      facts: [
        { label: "size", value: "medium" },
        { label: "count", value: "2" },
        { label: "tags", value: "- demo\n- x", block: true },
      ],
    });
    expect(statusOf(widget)).toBeUndefined();
  });

  it("shows the top-level fields of kinds without a spec", () => {
    const role: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta("r"),
      rules: [{ verbs: ["get"] }],
    };
    expect(kindFacts(role).facts.map((f) => f.label)).toEqual(["rules"]);
  });

  it("reads a Job's completions and a CronJob's schedule", () => {
    const job: KubeObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: meta("j"),
      spec: { completions: 3, parallelism: 2 },
      status: {
        succeeded: 3,
        startTime: "2026-01-01T00:00:00Z",
        completionTime: "2026-01-01T00:03:10Z",
        conditions: [{ type: "Complete", status: "True" }],
      },
    };
    expect(statusOf(job)).toEqual({ text: "Complete", health: "ok" });
    const f = byLabel(kindFacts(job).facts);
    expect(f["Completions"].value).toBe("3/3");
    expect(f["Duration"].value).toBe("3m10s");
    const cron: KubeObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: meta("c"),
      spec: { schedule: "*/5 * * * *", suspend: true },
      status: { lastScheduleTime: "2026-01-01T00:00:00Z" },
    };
    expect(statusOf(cron)).toEqual({ text: "Suspended", health: "warn" });
    const c = byLabel(kindFacts(cron).facts);
    expect(c["Schedule"].value).toBe("*/5 * * * *");
    expect(c["Last run"].time).toBe("2026-01-01T00:00:00Z");
    expect(relatedQueries(cron)[0]).toMatchObject({ kind: "Job", ownerUid: "uid-c" });
  });

  it("reads a Node's addresses and readiness", () => {
    const node: KubeObject = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "node-a", uid: "n1" },
      spec: { unschedulable: true, taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
      status: {
        addresses: [{ type: "InternalIP", address: "10.1.0.4" }],
        conditions: [{ type: "Ready", status: "True" }],
      },
    };
    expect(statusOf(node)).toEqual({ text: "Ready, SchedulingDisabled", health: "warn" });
    const f = byLabel(kindFacts(node).facts);
    expect(f["InternalIP"].value).toBe("10.1.0.4");
    expect(f["Taints"].value).toBe("dedicated=db:NoSchedule");
    expect(relatedQueries(node)).toEqual([
      { title: "Pods on this node", apiVersion: "v1", kind: "Pod", fieldSelector: "spec.nodeName=node-a" },
    ]);
  });

  it("badges an object being deleted as Terminating", () => {
    expect(statusOf({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } })).toEqual({
      text: "Terminating",
      health: "warn",
    });
  });
});
