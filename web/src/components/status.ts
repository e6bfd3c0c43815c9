// Status colouring: what a phase, a condition or a Table cell says about health.

export type Health = "ok" | "warn" | "bad" | "neutral";

const BAD = /^(failed|error|crashloopbackoff|imagepullbackoff|errimagepull|oomkilled|evicted|lost|unknown|notready|invalid.*|.*error|backoff)$/i;
const WARN = /^(pending|containercreating|podinitializing|terminating|progressing|waiting|init:.*|scalingreplicaset|released|suspended)$/i;
const OK = /^(running|succeeded|completed|ready|active|bound|available|true|complete|healthy)$/i;

/** The health a status word reads as (`Running` ok, `CrashLoopBackOff` bad, `Pending` warn). */
export function healthOf(status: unknown): Health {
  if (typeof status !== "string" || !status) return "neutral";
  if (BAD.test(status)) return "bad";
  if (WARN.test(status)) return "warn";
  if (OK.test(status)) return "ok";
  return "neutral";
}

/** The health of a `ready/total` cell such as `2/3`. */
export function healthOfRatio(cell: unknown): Health {
  if (typeof cell !== "string") return "neutral";
  const match = /^(\d+)\/(\d+)$/.exec(cell);
  if (!match) return "neutral";
  const [ready, total] = [Number(match[1]), Number(match[2])];
  if (total === 0) return "neutral";
  return ready === total ? "ok" : ready === 0 ? "bad" : "warn";
}
