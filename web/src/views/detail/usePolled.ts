// Reads that the page keeps fresh: once when shown, again every 10 seconds while the browser
// tab is visible, and whenever `key` changes (the object's resourceVersion, a new query).

import { useEffect, useRef, useState } from "react";

const REFRESH_MS = 10_000;

/** The latest answer of `read` and the latest error; `read` is skipped while `read` is null. */
export function usePolled<T>(read: (() => Promise<T>) | null, key: string): { data: T | null; error: unknown } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(read);
  latest.current = read;
  const enabled = read !== null;
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    const load = () => {
      const reader = latest.current;
      if (!reader || document.visibilityState === "hidden") return;
      reader().then(
        (answer) => {
          if (!current) return;
          setData(answer);
          setError(null);
        },
        (e: unknown) => current && setError(e),
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [enabled, key]);
  return { data, error };
}
