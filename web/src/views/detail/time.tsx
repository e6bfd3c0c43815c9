// Times on the object page: ages as kubectl prints them ("5d", ticking), and moments relative
// to now ("3 minutes ago") with the exact time on hover, both from the shared helpers.

import { useEffect, useState } from "react";
import { ageOf } from "../../components/table/age";
import { RelativeTime } from "../../edit/RelativeTime";

/** The current time, refreshed every `intervalMs` so ages keep counting. */
function useNow(intervalMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** How old `iso` is, as `kubectl get` prints an age. */
export function Age({ iso }: { iso: string | undefined }) {
  const now = useNow();
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {ageOf(iso, now) || iso}
    </time>
  );
}

/** When `iso` was, relative to now; a dash when the cluster did not say. */
export function When({ iso }: { iso: string | undefined | null }) {
  return iso ? <RelativeTime time={iso} /> : <span className="muted">—</span>;
}
