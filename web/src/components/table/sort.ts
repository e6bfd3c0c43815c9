// Sorting and filtering table cells as a Kubernetes user reads them: numbers, `ready/total`
// ratios, restart counts such as `3 (5m ago)`, durations (`3m10s`), quantities (`2Gi`) by value,
// and names naturally (`pod-2` before `pod-10`). Values are computed once per row and sort,
// then compared cheaply, so 100,000 rows sort in a few tens of milliseconds.

import { parseDuration } from "./age";

/** A cell's sort value: a number, a natural-order string key, or null (empty, `<none>`). */
export type SortValue = number | string | null;

const RATIO = /^(\d+)\/(\d+)$/;
const LEADING_NUMBER = /^(-?\d+(?:\.\d+)?)(?:\s|$)/;
const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$/;
const SCALE: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** The value a table cell sorts by. */
export function sortValue(cell: unknown): SortValue {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell === "boolean") return cell ? 1 : 0;
  if (cell === null || cell === undefined) return null;
  const text = typeof cell === "string" ? cell.trim() : JSON.stringify(cell);
  if (text === "" || text === "<none>" || text === "<unknown>" || text === "<unset>") return null;
  const ratio = RATIO.exec(text);
  if (ratio) {
    const [ready, total] = [Number(ratio[1]), Number(ratio[2])];
    // By the share that is ready; among equal shares the larger total last (1/1 before 3/3).
    return (total === 0 ? 0 : ready / total) + total * 1e-9;
  }
  const leading = LEADING_NUMBER.exec(text);
  if (leading) return Number(leading[1]);
  const seconds = parseDuration(text);
  if (seconds !== null) return seconds;
  const quantity = QUANTITY.exec(text);
  if (quantity) return Number(quantity[1]) * SCALE[quantity[2]];
  return naturalKey(text);
}

/** A string whose plain order is the natural, case-insensitive order of `text`. */
export function naturalKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, "").padStart(16, "0"));
}

/** Numbers before strings, empty values last. */
export function compareSortValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number") return typeof b === "number" ? a - b : -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : 1;
}

/** `items` sorted by `valueOf` (computed once per item), stable; `desc` reverses the order but
 * keeps empty values last. */
export function sortBy<T>(items: readonly T[], valueOf: (item: T) => SortValue, desc: boolean): T[] {
  const values = items.map(valueOf);
  const order = items.map((_, i) => i);
  order.sort((i, j) => compareInOrder(values[i], values[j], desc) || i - j);
  return order.map((i) => items[i]);
}

/** The comparison `sortBy` sorts with: `desc` reverses it, but empty values stay last. */
export function compareInOrder(a: SortValue, b: SortValue, desc: boolean): number {
  if (a === null || b === null || !desc) return compareSortValues(a, b);
  return compareSortValues(b, a);
}

/** A name filter: a case-insensitive regular expression when the text is one (`web-.*-db`),
 * otherwise a plain substring. */
export function nameFilter(text: string): (name: string) => boolean {
  const query = text.trim();
  if (!query) return () => true;
  if (/[\\^$.*+?()[\]{}|]/.test(query)) {
    try {
      const pattern = new RegExp(query, "i");
      return (name) => pattern.test(name);
    } catch {
      // Not a valid expression (`web-(`): taken literally.
    }
  }
  const lower = query.toLowerCase();
  return (name) => name.toLowerCase().includes(lower);
}
