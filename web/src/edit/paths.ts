// Field paths as people read them: `spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`,
// `spec.template.spec.containers[name=web].image`, `spec.ports[port=80,protocol=TCP]`. One
// spelling for the diff, the managedFields description and the server's conflict pointers.

/** One step of a path: a map key, a keyed list element, a list index or a set value. */
export type PathStep =
  | { key: string }
  | { keys: [string, unknown][] }
  | { index: number }
  | { value: unknown };

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function scalarText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The readable spelling of a path. */
export function formatPath(steps: PathStep[]): string {
  let text = "";
  for (const step of steps) {
    if ("key" in step) {
      text += PLAIN_KEY.test(step.key) ? `${text ? "." : ""}${step.key}` : `[${JSON.stringify(step.key)}]`;
    } else if ("keys" in step) {
      text += `[${step.keys.map(([k, v]) => `${k}=${scalarText(v)}`).join(",")}]`;
    } else if ("index" in step) {
      text += `[${step.index}]`;
    } else {
      text += `[${scalarText(step.value)}]`;
    }
  }
  return text;
}

/** Undoes RFC 6901 escaping of one pointer token. */
function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Whether a selector token (`k=v[,k2=v2]`) selects `element`. */
function selects(token: string, element: unknown): boolean {
  if (!isMap(element)) return false;
  return token.split(",").every((pair) => {
    const at = pair.indexOf("=");
    return at > 0 && pair.slice(0, at) in element && scalarText(element[pair.slice(0, at)]) === pair.slice(at + 1);
  });
}

/** The readable spelling of a conflict's JSON pointer, whose keyed list elements the server
 * addresses by key (`/spec/template/spec/containers/name=web/image`). The documents tell list
 * selectors from map keys that merely contain `=`. */
export function pointerToPath(pointer: string, ...documents: unknown[]): string {
  if (!pointer) return "(the whole object)";
  const steps: PathStep[] = [];
  let nodes: unknown[] = documents.filter((d) => d !== undefined);
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const token = unescapeToken(raw);
    const inList = nodes.some(Array.isArray) || (nodes.length === 0 && /^[A-Za-z][\w.-]*=/.test(token));
    if (inList && /^\d+$/.test(token)) {
      steps.push({ index: Number(token) });
      nodes = nodes.map((n) => (Array.isArray(n) ? n[Number(token)] : undefined));
    } else if (inList && token.includes("=")) {
      steps.push({
        keys: token.split(",").map((pair) => {
          const at = pair.indexOf("=");
          return [pair.slice(0, at), pair.slice(at + 1)] as [string, unknown];
        }),
      });
      nodes = nodes.map((n) => (Array.isArray(n) ? n.find((e) => selects(token, e)) : undefined));
    } else {
      steps.push({ key: token });
      nodes = nodes.map((n) => (isMap(n) ? n[token] : undefined));
    }
    nodes = nodes.filter((n) => n !== undefined);
  }
  return formatPath(steps);
}

/** A plain JSON object (not a list, not null). */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
