import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useLocation, useNavigate, useNavigationType } from "react-router";
import { parseNamespaces, rememberNamespaces, withNamespaces } from "./namespaces";

/** The namespaces chosen in `cluster` and how to choose others.
 *
 * The URL is the truth (`ns=a,b`; absent: all), with one exception that keeps the choice
 * sticky: a link followed inside the app that does not carry `ns` (an owner's list, say) keeps
 * the current choice and gets it added to its URL. Back and forward, and a fresh load, show
 * exactly what the URL says. */
export function useNamespaceChoice(cluster: string): [string[], (namespaces: string[]) => void] {
  const location = useLocation();
  const navigate = useNavigate();
  const navigationType = useNavigationType();
  const inUrl = parseNamespaces(new URLSearchParams(location.search).get("ns")).join(",");
  const chosen = useRef(inUrl);
  // Set when the user chose all namespaces, so that a URL without `ns` means just that.
  const choseAll = useRef(false);

  // React Router applies navigations in a transition; until it has, the choice just made is
  // shown already (a checkbox must not spring back while the URL catches up).
  const [pending, setPending] = useState<{ at: string; key: string } | null>(null);

  let key = inUrl;
  if (!inUrl && navigationType !== "POP" && !choseAll.current) key = chosen.current;
  if (pending && pending.at === location.key) key = pending.key;
  const namespaces = useMemo(() => parseNamespaces(key), [key]);

  // The committed location, for callbacks that outlive a render.
  const latest = useRef(location);
  useLayoutEffect(() => {
    latest.current = location;
    // Once the navigation has landed, the URL says it all (also when coming back here later).
    setPending((p) => (p && p.at !== location.key ? null : p));
  }, [location]);

  useEffect(() => {
    chosen.current = key;
    if (inUrl) choseAll.current = false;
    rememberNamespaces(cluster, parseNamespaces(key));
    if (key && !inUrl) {
      const { pathname, search, hash, state } = latest.current;
      navigate({ pathname, search: withNamespaces(search, parseNamespaces(key)), hash }, { replace: true, state });
    }
  }, [cluster, key, inUrl, navigate]);

  const choose = useCallback(
    (next: string[]) => {
      choseAll.current = next.length === 0;
      const { pathname, search, key } = latest.current;
      setPending({ at: key, key: next.join(",") });
      navigate({ pathname, search: withNamespaces(search, next) });
    },
    [navigate],
  );
  return [namespaces, choose];
}
