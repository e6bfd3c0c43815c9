import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { getClusters, getSession } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";
import { clusterUrl } from "../routes";
import { parseNamespaces, namespaceSearch, rememberedNamespaces } from "./namespaces";

/** `/`: signs in when needed, then opens the default cluster's overview with the namespaces
 * the URL names, or else those last chosen in that cluster. */
export function Home() {
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const session = await getSession();
      if (session.mode === "token" && !session.signedIn) {
        if (!cancelled) navigate(`/signin?next=${encodeURIComponent(`/${location.search}`)}`, { replace: true });
        return;
      }
      const { clusters } = await getClusters();
      const target = clusters.find((c) => c.default) ?? clusters[0];
      if (cancelled) return;
      if (!target) throw new Error("Concord knows no cluster: check the kubeconfig it was started with.");
      const asked = parseNamespaces(new URLSearchParams(location.search).get("ns"));
      const namespaces = asked.length ? asked : rememberedNamespaces(target.name);
      navigate(`${clusterUrl(target.name)}${namespaceSearch(namespaces)}`, { replace: true });
    })().catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [navigate, location.search, attempt]);

  if (error) {
    return (
      <main className="page-center">
        <h1 className="brand-title">Concord</h1>
        <ErrorMessage error={error} title="Cannot start" />
        <button
          type="button"
          onClick={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        >
          Try again
        </button>
      </main>
    );
  }
  return (
    <main className="page-center">
      <p className="loading">Loading…</p>
    </main>
  );
}
