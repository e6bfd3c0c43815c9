import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Link, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { ApiError, discover, getClusters, getSession } from "../api/client";
import type { ClusterList, ServedKind, Session } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { clusterUrl } from "../routes";
import { ClusterContext, type ClusterState } from "./context";
import { NamespacePicker } from "./NamespacePicker";
import { namespaceSearch, rememberedNamespaces } from "./namespaces";
import { switchClusterPath } from "./paths";
import { Search } from "./Search";
import { ShownListContext, type ShownList } from "./shown";
import { Sidebar } from "./Sidebar";
import { SignOutButton } from "./SignIn";
import { ThemeToggle } from "./ThemeToggle";
import { useNamespaceChoice } from "./useNamespaceChoice";
import "./shell.css";

/** `/c/:cluster`: the console around every view of one cluster. */
export function Layout() {
  const { cluster = "" } = useParams();
  // A new cluster starts afresh: its kinds, its namespace choice, its lists.
  return <ClusterShell key={cluster} cluster={cluster} />;
}

function ClusterShell({ cluster }: { cluster: string }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [clusters, setClusters] = useState<ClusterList | null>(null);
  const [kinds, setKinds] = useState<ServedKind[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [namespaces, setNamespaces] = useNamespaceChoice(cluster);
  // On a narrow screen the sidebar covers the page, so it starts closed there.
  const [sidebarOpen, setSidebarOpen] = useState(() => window.matchMedia?.("(min-width: 761px)").matches ?? true);
  const shown = useRef<ShownList | null>(null);

  const here = useRef(location);
  useLayoutEffect(() => {
    here.current = location;
  }, [location]);
  const toSignIn = useCallback(() => {
    const { pathname, search } = here.current;
    navigate(`/signin?next=${encodeURIComponent(pathname + search)}`, { replace: true });
  }, [navigate]);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    Promise.all([getSession(), getClusters()])
      .then(async ([s, c]) => {
        if (cancelled) return;
        if (s.mode === "token" && !s.signedIn) return toSignIn();
        setSession(s);
        setClusters(c);
        const served = await discover(cluster);
        if (!cancelled) setKinds(served);
      })
      .catch((e) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 401) toSignIn();
        else setError(e);
      });
    return () => {
      cancelled = true;
    };
  }, [cluster, attempt, toSignIn]);

  const user = clusters?.clusters.find((c) => c.name === cluster)?.user ?? session?.user ?? null;
  const state = useMemo<ClusterState | null>(
    () => (kinds ? { cluster, kinds, user, namespaces, setNamespaces } : null),
    [cluster, kinds, user, namespaces, setNamespaces],
  );

  let main;
  if (error) {
    const unreachable = error instanceof ApiError && [0, 502, 504].includes(error.status);
    main = (
      <div className="page-error">
        <h1>{unreachable ? `Cluster “${cluster}” cannot be reached` : `Cannot open cluster “${cluster}”`}</h1>
        <ErrorMessage error={error} />
        <p>
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
          {clusters && clusters.clusters.length > 1 ? " or choose another cluster above." : null}
        </p>
      </div>
    );
  } else if (!state) {
    main = <p className="loading">Loading {cluster}…</p>;
  } else {
    main = <Outlet />;
  }

  return (
    <ShownListContext.Provider value={shown}>
      <ClusterContext.Provider value={state}>
        <div className={`shell${state && sidebarOpen ? "" : " sidebar-closed"}`}>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="topbar">
            <button
              type="button"
              className="icon-button"
              aria-label="Navigation"
              aria-expanded={sidebarOpen}
              aria-controls="sidebar"
              onClick={() => setSidebarOpen((open) => !open)}
            >
              <span aria-hidden="true">☰</span>
            </button>
            <Link className="brand" aria-label="Concord" to={`${clusterUrl(cluster)}${namespaceSearch(namespaces)}`}>
              <span className="brand-text">Concord</span>
            </Link>
            <ClusterSwitcher cluster={cluster} clusters={clusters} />
            {state ? (
              <>
                <NamespacePicker />
                <Search />
              </>
            ) : null}
            <div className="topbar-end">
              <ThemeToggle />
              {user ? (
                <span className="user" title={`Acting as ${user} in ${cluster}`}>
                  {user}
                </span>
              ) : null}
              {session?.mode === "token" ? <SignOutButton /> : null}
            </div>
          </header>
          {state && sidebarOpen ? <Sidebar /> : null}
          <main id="main" className="main" tabIndex={-1}>
            {main}
          </main>
        </div>
      </ClusterContext.Provider>
    </ShownListContext.Provider>
  );
}

/** The cluster choice; switching keeps the view where the other cluster can show it. */
function ClusterSwitcher({ cluster, clusters }: { cluster: string; clusters: ClusterList | null }) {
  const navigate = useNavigate();
  const location = useLocation();
  const names = clusters?.clusters.map((c) => c.name) ?? [cluster];
  if (!names.includes(cluster)) names.unshift(cluster);
  return (
    <select
      aria-label="Cluster"
      className="cluster-switcher"
      value={cluster}
      onChange={(e) => {
        const to = e.target.value;
        navigate(switchClusterPath(location.pathname, location.search, to, rememberedNamespaces(to)));
      }}
    >
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}
