// Starting the cluster and Concord for the end-to-end tests, and talking to the cluster as its
// administrator (to seed objects and to check what the browser's actions really wrote).

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the tests need to know about the running system (passed through the environment). */
export interface Running {
  /** Concord's URL (`http://localhost:PORT`: a secure context, so the session cookie works). */
  concord: string;
  /** The sandbox's URL. */
  sandbox: string;
  /** The cluster's name in Concord (the kubeconfig context). */
  cluster: string;
}

export const TOKENS = { admin: "e2e-admin-token", alice: "e2e-alice-token", bob: "e2e-bob-token" } as const;

export function running(): Running {
  const text = process.env.CONCORD_E2E;
  if (!text) throw new Error("CONCORD_E2E is not set: run through `npx playwright test`");
  return JSON.parse(text) as Running;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts `binary args` and waits for a line of its output to contain `ready`. */
function start(binary: string, args: string[], ready: string, log: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => reject(new Error(`${binary} ${args[0]} did not start:\n${log.join("")}`)), 60_000);
    const watch = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.join("").includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on("data", watch);
    child.stderr?.on("data", watch);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${binary} ${args[0]} exited with ${code}:\n${log.join("")}`));
    });
  });
}

/** A sandbox with three users (an administrator for Concord's own watches, alice and bob),
 * and `concord serve --auth token` over it. Answers what is running and how to stop it (which
 * also removes the cluster's data). */
export async function startAll(binary: string): Promise<{ running: Running; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "concord-e2e-"));
  const tokens = join(dir, "tokens.csv");
  writeFileSync(
    tokens,
    `${TOKENS.admin},concord-admin,1,"system:masters"\n${TOKENS.alice},alice,2,"system:masters"\n${TOKENS.bob},bob,3,"system:masters"\n`,
  );
  const [sandboxPort, concordPort] = [await freePort(), await freePort()];
  const sandbox = `http://127.0.0.1:${sandboxPort}`;
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: sandbox, cluster: {server: '" + sandbox + "'}}]",
      `users: [{name: admin, user: {token: ${TOKENS.admin}}}]`,
      "contexts: [{name: sandbox, context: {cluster: sandbox, user: admin}}]",
      "current-context: sandbox",
      "",
    ].join("\n"),
  );
  const key = join(dir, "session.key");
  writeFileSync(key, randomBytes(32));
  const logs: string[][] = [[], []];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    children.push(
      await start(
        binary,
        ["sandbox", "--listen", `127.0.0.1:${sandboxPort}`, "--data-dir", join(dir, "data"), "--token-file", tokens],
        "listening",
        logs[0],
      ),
    );
    children.push(
      await start(
        binary,
        [
          "serve",
          "--listen",
          `127.0.0.1:${concordPort}`,
          "--kubeconfig",
          kubeconfig,
          "--auth",
          "token",
          "--session-key-file",
          key,
          "--data-dir",
          join(dir, "serve"),
        ],
        "concord listening on",
        logs[1],
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { running: { concord: `http://localhost:${concordPort}`, sandbox, cluster: "sandbox" }, stop };
}

/** A request to the cluster as its administrator; the parsed JSON answer. */
export async function kube(path: string, init: RequestInit = {}, sandbox = running().sandbox): Promise<any> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${TOKENS.admin}`);
  if (init.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const response = await fetch(`${sandbox}${path}`, { ...init, headers });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Creates `object` (an error if it exists). */
export function create(path: string, object: unknown, sandbox?: string): Promise<any> {
  const manager = path.includes("?") ? "&fieldManager=e2e-seed" : "?fieldManager=e2e-seed";
  return kube(`${path}${manager}`, { method: "POST", body: JSON.stringify(object) }, sandbox);
}

/** A Deployment as people write them. */
export function deployment(namespace: string, name: string, replicas = 2) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27",
              ports: [{ containerPort: 80 }],
              env: [{ name: "MODE", value: "production" }],
            },
          ],
        },
      },
    },
  };
}

/** `count` pods `bench-000000`… in `namespace`, created `concurrency` at a time. */
export async function seedPods(namespace: string, count: number, sandbox?: string, concurrency = 32) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const name = `bench-${String(index).padStart(6, "0")}`;
      await create(
        `/api/v1/namespaces/${namespace}/pods`,
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name, namespace, labels: { app: "bench", shard: String(index % 10) } },
          spec: { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "infinity"] }] },
        },
        sandbox,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
