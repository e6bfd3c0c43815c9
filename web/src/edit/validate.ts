// Kubernetes' own rules for label and annotation keys and label values
// (k8s.io/apimachinery/pkg/util/validation), checked before saving so the user sees the problem
// at the field instead of as the cluster's 422.

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label or annotation key (a qualified name), or undefined. */
export function keyProblem(key: string): string | undefined {
  if (!key) return "The key is empty.";
  const parts = key.split("/");
  if (parts.length > 2) return "A key is an optional prefix and a name, separated by one \"/\".";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    if (!prefix) return "The prefix before \"/\" is empty.";
    if (prefix.length > 253) return "The prefix must be at most 253 characters.";
    if (!DNS_SUBDOMAIN.test(prefix)) {
      return "The prefix must be a DNS subdomain: lowercase letters, digits, \"-\" and \".\", starting and ending with a letter or digit.";
    }
  }
  if (!name) return "The name after the prefix is empty.";
  if (name.length > 63) return "The name part must be at most 63 characters.";
  if (!NAME.test(name)) {
    return "The name must consist of letters, digits, \"-\", \"_\" or \".\", and start and end with a letter or digit.";
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63) return "A label value must be at most 63 characters.";
  if (!NAME.test(value)) {
    return "A label value must be empty or consist of letters, digits, \"-\", \"_\" or \".\", starting and ending with a letter or digit.";
  }
  return undefined;
}

/** Every label and annotation problem of a draft, by readable path. */
export function metadataProblems(metadata: { labels?: unknown; annotations?: unknown }): string[] {
  const problems: string[] = [];
  const check = (map: unknown, what: "label" | "annotation") => {
    if (map === undefined || map === null) return;
    if (typeof map !== "object" || Array.isArray(map)) {
      problems.push(`metadata.${what}s must be a mapping of keys to strings.`);
      return;
    }
    for (const [key, value] of Object.entries(map)) {
      const keyIssue = keyProblem(key);
      if (keyIssue) problems.push(`${what} key "${key}": ${keyIssue}`);
      if (typeof value !== "string") problems.push(`${what} "${key}": the value must be a string (quote it).`);
      else if (what === "label") {
        const valueIssue = labelValueProblem(value);
        if (valueIssue) problems.push(`label "${key}": ${valueIssue}`);
      }
    }
  };
  check(metadata.labels, "label");
  check(metadata.annotations, "annotation");
  return problems;
}

/** Why `text` is not a replica count (a whole number from 0 to 2^31 - 1, as `int32`
 * replicas fields take), or undefined when it is one. */
export function replicasProblem(text: string): string | undefined {
  return /^\d+$/.test(text) && Number(text) <= 2147483647 ? undefined : "A whole number, 0 or more.";
}
