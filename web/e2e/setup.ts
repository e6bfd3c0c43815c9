// Starts the sandbox and Concord once for every test, with the objects the tests use:
// namespace `demo` (Deployment `web`, a ConfigMap, a Service) and 10,000 pods in `bulk`.

import { create, deployment, seedPods, startAll } from "./cluster";

export default async function setup() {
  const binary = process.env.CONCORD_BIN;
  if (!binary) throw new Error("CONCORD_BIN must name the concord binary (make e2e sets it)");
  const { running, stop } = await startAll(binary);
  process.env.CONCORD_E2E = JSON.stringify(running);
  try {
    for (const name of ["demo", "bulk"]) {
      await create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, running.sandbox);
    }
    await create("/apis/apps/v1/namespaces/demo/deployments", deployment("demo", "web"), running.sandbox);
    await create(
      "/api/v1/namespaces/demo/configmaps",
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "demo" }, data: { mode: "fast", level: "3" } },
      running.sandbox,
    );
    await create(
      "/api/v1/namespaces/demo/services",
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", namespace: "demo" },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] },
      },
      running.sandbox,
    );
    await seedPods("bulk", 10_000, running.sandbox);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
