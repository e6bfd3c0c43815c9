import { useCallback, useEffect, useMemo, useRef } from "react";
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

  let key = inUrl;
  if (!inUrl && navigationType !== "POP" && !choseAll.current) key = chosen.current;
  const namespaces = useMemo(() => parseNamespaces(key), [key]);

  const latest = useRef(location);
  latest.current = location;

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
      const { pathname, search } = latest.current;
      navigate({ pathname, search: withNamespaces(search, next) });
    },
    [navigate],
  );
  return [namespaces, choose];
}
