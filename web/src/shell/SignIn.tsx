import { useEffect, useId, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { getSession, signIn, signOut } from "../api/client";
import type { Session } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";

/** Where to go after signing in: `next` when it is a path of this site, else `/`. */
export function safeNext(next: string | null): string {
  // "//host" and "/\host" are other sites to a browser.
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

/** `/signin`: signs in with a Kubernetes bearer token (`--auth token`). */
export function SignIn() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [session, setSession] = useState<Session | null>(null);
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const tokenId = useId();
  const helpId = useId();

  useEffect(() => {
    getSession()
      .then((s) => {
        if (s.mode === "token" && s.signedIn) navigate(next, { replace: true });
        else setSession(s);
      })
      .catch(setError);
  }, [navigate, next]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
      navigate(next, { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main className="page-center">
      <div className="signin-card">
        <h1 className="brand-title">Concord</h1>
        {session && session.mode !== "token" ? (
          <p>
            This Concord acts as {session.mode === "proxy" ? "the user its proxy names" : "its kubeconfig's user"}: there
            is nothing to sign in to. <Link to={next}>Continue</Link>
          </p>
        ) : (
          <form onSubmit={submit}>
            <label htmlFor={tokenId}>Token</label>
            <input
              id={tokenId}
              type="password"
              autoComplete="off"
              spellCheck={false}
              required
              aria-describedby={helpId}
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
            <p id={helpId} className="hint">
              A Kubernetes bearer token the cluster accepts, e.g. from <code>kubectl create token &lt;service-account&gt;</code>.
              Concord keeps it only in a sealed, HttpOnly session cookie.
            </p>
            <ErrorMessage error={error} title="Sign-in failed" />
            <button type="submit" className="primary" disabled={busy || !token.trim()}>
              {busy ? "Signing in…" : "Sign in"}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}

/** The top bar's sign-out button (token mode only). */
export function SignOutButton() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const out = () =>
    signOut()
      .then(() => navigate("/signin", { replace: true }))
      .catch(setError);
  return (
    <>
      <button type="button" onClick={out}>
        Sign out
      </button>
      {error ? (
        <div className="popover-error">
          <ErrorMessage error={error} title="Sign-out failed" />
        </div>
      ) : null}
    </>
  );
}
