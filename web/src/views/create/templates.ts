// Starting points for new objects: small, valid, and in the namespace the user is looking at.

import type { ServedKind } from "../../api/types";
import { toYaml } from "../../edit/draft";

/** A template the picker offers. */
export interface Template {
  id: string;
  label: string;
  text(namespace: string): string;
}

const podSpec = {
  containers: [{ name: "app", image: "nginx:1.27", ports: [{ containerPort: 80 }] }],
};

const builtIn: Template[] = [
  {
    id: "Deployment",
    label: "Deployment",
    text: (namespace) =>
      toYaml({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "my-app", namespace, labels: { app: "my-app" } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "my-app" } },
          template: { metadata: { labels: { app: "my-app" } }, spec: podSpec },
        },
      }),
  },
  {
    id: "Service",
    label: "Service",
    text: (namespace) =>
      toYaml({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "my-app", namespace },
        spec: { selector: { app: "my-app" }, ports: [{ name: "http", port: 80, targetPort: 80 }] },
      }),
  },
  {
    id: "ConfigMap",
    label: "ConfigMap",
    text: (namespace) =>
      toYaml({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "my-config", namespace },
        data: { "app.properties": "greeting=hello\n" },
      }),
  },
  {
    id: "Secret",
    label: "Secret",
    text: (namespace) =>
      // stringData takes plain text; the API server stores it base64-encoded in data.
      toYaml({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "my-secret", namespace },
        type: "Opaque",
        stringData: { username: "admin", password: "change-me" },
      }),
  },
  {
    id: "Job",
    label: "Job",
    text: (namespace) =>
      toYaml({
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "my-job", namespace },
        spec: {
          backoffLimit: 2,
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "job", image: "busybox:1.36", command: ["sh", "-c", "echo hello"] }],
            },
          },
        },
      }),
  },
  {
    id: "CronJob",
    label: "CronJob",
    text: (namespace) =>
      toYaml({
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "my-cronjob", namespace },
        spec: {
          schedule: "*/15 * * * *",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: "OnFailure",
                  containers: [{ name: "job", image: "busybox:1.36", command: ["sh", "-c", "date"] }],
                },
              },
            },
          },
        },
      }),
  },
  {
    id: "Pod",
    label: "Pod",
    text: (namespace) =>
      toYaml({ apiVersion: "v1", kind: "Pod", metadata: { name: "my-pod", namespace, labels: { app: "my-pod" } }, spec: podSpec }),
  },
  {
    id: "PersistentVolumeClaim",
    label: "PersistentVolumeClaim",
    text: (namespace) =>
      toYaml({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "my-data", namespace },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      }),
  },
  {
    id: "Ingress",
    label: "Ingress",
    text: (namespace) =>
      toYaml({
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "my-app", namespace },
        spec: {
          rules: [
            {
              host: "my-app.example.com",
              http: {
                paths: [
                  { path: "/", pathType: "Prefix", backend: { service: { name: "my-app", port: { number: 80 } } } },
                ],
              },
            },
          ],
        },
      }),
  },
  {
    id: "ServiceAccount",
    label: "ServiceAccount",
    text: (namespace) => toYaml({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "my-account", namespace } }),
  },
  {
    id: "Namespace",
    label: "Namespace",
    text: () => toYaml({ apiVersion: "v1", kind: "Namespace", metadata: { name: "my-namespace" } }),
  },
];

/** The built-in templates, then a bare skeleton for every other kind the cluster lets users
 * create (custom resources included), preferred versions only. */
export function templatesFor(kinds: ServedKind[]): { common: Template[]; other: Template[] } {
  const known = new Set(builtIn.map((t) => t.id));
  const other = kinds
    .filter((k) => k.preferred && k.verbs.includes("create") && !k.resource.includes("/") && !known.has(k.kind))
    // Reviews (TokenReview, SubjectAccessReview, …) are questions, not objects that stay.
    .filter((k) => !k.kind.endsWith("Review"))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group))
    .map<Template>((k) => {
      const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
      return {
        id: `${apiVersion}/${k.kind}`,
        label: k.group ? `${k.kind} (${k.group})` : k.kind,
        text: (namespace) =>
          toYaml({
            apiVersion,
            kind: k.kind,
            metadata: { name: `my-${k.singular || k.kind.toLowerCase()}`, ...(k.namespaced ? { namespace } : {}) },
            spec: {},
          }),
      };
    });
  return { common: builtIn, other };
}
