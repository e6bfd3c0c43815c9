// Log text, safely: a stream cut into lines, ANSI escape sequences removed or turned into a few
// colour classes (never HTML), and a filter's matches located for highlighting.

/** A run of a line's text with the SGR attributes in force there. */
export interface Segment {
  text: string;
  /** An ANSI colour index 0–7 (bright colours fold onto these). */
  colour?: number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  /** Part of a filter match. */
  match?: boolean;
}

// CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`), other two-byte escapes, and the C0 controls a
// terminal would act on rather than print (tab is kept).
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f]/g;
const SGR = /^\x1b\[([0-9;]*)m$/;

/** The text of a line without escape sequences or control characters. */
export function stripAnsi(line: string): string {
  // Most log lines have none: skip the regex (and keep the same string) for them.
  return /[\x00-\x08\x0b-\x1f\x7f]/.test(line) ? line.replace(ESCAPES, "") : line;
}

/** A line as coloured segments: SGR sequences set the attributes of what follows; every other
 * escape sequence and control character is dropped. The segments' text joined is
 * `stripAnsi(line)`. */
export function parseAnsi(line: string): Segment[] {
  const segments: Segment[] = [];
  let style: Omit<Segment, "text"> = {};
  let last = 0;
  const push = (text: string) => {
    if (text) segments.push({ text, ...style });
  };
  for (const match of line.matchAll(ESCAPES)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    const sgr = SGR.exec(match[0]);
    if (sgr) style = applySgr(style, sgr[1]);
  }
  push(line.slice(last));
  return segments;
}

function applySgr(current: Omit<Segment, "text">, params: string): Omit<Segment, "text"> {
  const style = { ...current };
  const codes = params === "" ? [0] : params.split(";").map((p) => Number(p) || 0);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) {
      for (const key of Object.keys(style)) delete style[key as keyof typeof style];
    } else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) {
      delete style.bold;
      delete style.dim;
    } else if (code === 23) delete style.italic;
    else if (code === 24) delete style.underline;
    else if (code >= 30 && code <= 37) style.colour = code - 30;
    else if (code >= 90 && code <= 97) style.colour = code - 90;
    else if (code === 39) delete style.colour;
    else if (code === 38 || code === 48) {
      // 256-colour and true-colour arguments: skipped, the theme's colours stay in charge.
      i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
    }
  }
  return style;
}

/** Where `needle` occurs in `text`, case-insensitively, as [start, end) pairs. */
export function findMatches(text: string, needle: string): [number, number][] {
  if (!needle) return [];
  const haystack = text.toLowerCase();
  const lowered = needle.toLowerCase();
  const ranges: [number, number][] = [];
  for (let at = haystack.indexOf(lowered); at !== -1; at = haystack.indexOf(lowered, at + lowered.length)) {
    ranges.push([at, at + lowered.length]);
  }
  return ranges;
}

/** `segments` split so that the parts inside `ranges` (offsets into their joined text) are
 * marked `match`. */
export function markMatches(segments: Segment[], ranges: [number, number][]): Segment[] {
  if (!ranges.length) return segments;
  const out: Segment[] = [];
  let offset = 0;
  for (const segment of segments) {
    const start = offset;
    const end = offset + segment.text.length;
    let cursor = start;
    for (const [from, to] of ranges) {
      if (to <= cursor || from >= end) continue;
      const a = Math.max(from, cursor);
      const b = Math.min(to, end);
      if (a > cursor) out.push({ ...segment, text: segment.text.slice(cursor - start, a - start) });
      out.push({ ...segment, text: segment.text.slice(a - start, b - start), match: true });
      cursor = b;
    }
    if (cursor < end) out.push({ ...segment, text: segment.text.slice(cursor - start) });
    offset = end;
  }
  return out;
}

// What the API server puts before each line with `timestamps=true` (RFC 3339, nanoseconds).
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** A line's leading timestamp (as `timestamps=true` adds it) and the rest. */
export function splitTimestamp(line: string): { timestamp?: string; rest: string } {
  const match = TIMESTAMP.exec(line);
  return match ? { timestamp: match[1], rest: line.slice(match[0].length) } : { rest: line };
}

/** Cuts a stream of text into lines; a line is complete once its newline arrives. */
export class LineSplitter {
  private pending = "";

  /** The lines `chunk` completes. */
  push(chunk: string): string[] {
    const parts = (this.pending + chunk).split("\n");
    this.pending = parts.pop() ?? "";
    return parts.map(dropCarriageReturn);
  }

  /** The last line, if the stream ended without a newline. */
  end(): string[] {
    const rest = this.pending;
    this.pending = "";
    return rest ? [dropCarriageReturn(rest)] : [];
  }
}

function dropCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** The lines matching a filter, kept up to date as lines stream in: only new lines are
 * scanned, so following a busy log with a filter costs no more than the new lines. */
export class LineMatches {
  private key = "";
  private scanned = 0;
  private hits: number[] = [];

  /** The numbers of the lines matching `filter` (case-insensitive, on the text without escape
   * sequences), where `lines[0]` is line number `first`; `stream` names the stream the lines
   * come from, so a new stream starts afresh. */
  update(lines: readonly string[], first: number, filter: string, stream: number): readonly number[] {
    const needle = filter.toLowerCase();
    const key = `${stream}\u0000${needle}`;
    if (key !== this.key) {
      this.key = key;
      this.scanned = first;
      this.hits = [];
    }
    let gone = 0;
    while (gone < this.hits.length && this.hits[gone] < first) gone++;
    if (gone) this.hits.splice(0, gone);
    const end = first + lines.length;
    for (let n = Math.max(this.scanned, first); n < end; n++) {
      if (stripAnsi(lines[n - first]).toLowerCase().includes(needle)) this.hits.push(n);
    }
    this.scanned = end;
    return this.hits;
  }
}
