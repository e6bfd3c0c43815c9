// Moving between clusters keeps the view: the same list (or the list of the object shown, which
// the other cluster probably lacks), the create page, or the overview.

import { clusterUrl } from "../routes";
import { withNamespaces } from "./namespaces";

/** The URL of the view at `pathname` + `search` in cluster `to`, with `namespaces` chosen. */
export function switchClusterPath(pathname: string, search: string, to: string, namespaces: string[]): string {
  const [, c, , ...rest] = pathname.split("/");
  const base = clusterUrl(to);
  const query = withNamespaces(search, namespaces);
  if (c !== "c") return `${base}${withNamespaces("", namespaces)}`;
  if (rest[0] === "r" && rest.length >= 4) return `${base}/${rest.slice(0, 4).join("/")}${query}`;
  if (rest[0] === "create" && rest.length === 1) return `${base}/create${withNamespaces("", namespaces)}`;
  return `${base}${withNamespaces("", namespaces)}`;
}
