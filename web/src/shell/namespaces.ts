// The namespace choice: in the URL as `ns=a,b` (absent: all namespaces), and remembered per
// cluster so that coming back to a cluster brings back its last choice.

const storageKey = (cluster: string) => `concord.namespaces.${cluster}`;

/** The namespaces an `ns` query value names (empty: all). */
export function parseNamespaces(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(",").map((n) => n.trim()).filter(Boolean))];
}

/** `search` (a URLSearchParams string) with `ns` set to `namespaces`, or removed for all. */
export function withNamespaces(search: string | URLSearchParams, namespaces: string[]): string {
  const params = new URLSearchParams(search);
  if (namespaces.length) params.set("ns", namespaces.join(","));
  else params.delete("ns");
  const text = params.toString();
  // URLSearchParams escapes the comma; it is legal in a query and reads better unescaped.
  return text ? `?${text.replace(/%2C/g, ",")}` : "";
}

/** The query (`?ns=…` or "") that keeps only the namespace choice, for links between views. */
export function namespaceSearch(namespaces: string[]): string {
  return withNamespaces("", namespaces);
}

/** How the picker's button reads: "All namespaces", "demo", "demo +2". */
export function namespacesLabel(namespaces: string[]): string {
  if (!namespaces.length) return "All namespaces";
  return namespaces.length === 1 ? namespaces[0] : `${namespaces[0]} +${namespaces.length - 1}`;
}

/** The choice last made in `cluster`. */
export function rememberedNamespaces(cluster: string): string[] {
  try {
    return parseNamespaces(localStorage.getItem(storageKey(cluster)));
  } catch {
    return [];
  }
}

export function rememberNamespaces(cluster: string, namespaces: string[]): void {
  try {
    localStorage.setItem(storageKey(cluster), namespaces.join(","));
  } catch {
    // Storage full or disabled: the choice still lives in the URL.
  }
}
