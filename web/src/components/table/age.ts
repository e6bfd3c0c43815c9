// Ages as kubectl prints them (k8s.io/apimachinery/pkg/util/duration.HumanDuration), computed
// in the browser so they keep counting between server updates.

/** `ms` milliseconds in kubectl's short form: `45s`, `3m10s`, `5h`, `3d`, `2y10d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Clocks of browser and cluster differ a little: up to 2 s in the future counts as now.
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** The age at `now` of an RFC 3339 timestamp; "" when there is none or it does not parse. */
export function ageOf(timestamp: string | undefined | null, now: number): string {
  const time = timestampMs(timestamp);
  return time === null ? "" : humanDuration(now - time);
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or null. */
export function timestampMs(timestamp: string | undefined | null): number | null {
  if (!timestamp) return null;
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? null : time;
}

const UNITS: Record<string, number> = { y: 365 * 86400, d: 86400, h: 3600, m: 60, s: 1 };

/** Seconds in a duration kubectl printed (`3m10s`, `5d`, `2y10d`), or null if it is not one. */
export function parseDuration(text: string): number | null {
  const match = /^(?:(\d+)y)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === "") return null;
  const [, y, d, h, m, s] = match;
  return [y, d, h, m, s].reduce(
    (total, part, i) => total + (part ? Number(part) * UNITS["ydhms"[i]] : 0),
    0,
  );
}
