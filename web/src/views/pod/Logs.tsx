// A pod's logs: one container's output streamed from the cluster, followed live, filtered and
// highlighted, rendered virtually so 100,000 lines scroll as fast as 100. Everything from the
// container is text: escape sequences become a few theme colours, never markup.

import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import { useVirtualizer } from "@tanstack/react-virtual";
import { logsUrl, streamLogs } from "../../api/client";
import type { KubeObject } from "../../api/types";
import { ErrorMessage } from "../../components/ErrorMessage";
import { findMatches, LineMatches, LineSplitter, markMatches, parseAnsi, splitTimestamp } from "./logText";
import "./logs.css";

/** The most lines kept: older ones are dropped (and said so) so a chatty pod followed for
 * hours cannot exhaust the tab's memory. */
export const MAX_LINES = 200_000;

const TAILS = [
  { value: "100", label: "Last 100" },
  { value: "500", label: "Last 500" },
  { value: "1000", label: "Last 1000" },
  { value: "all", label: "All" },
];

interface ContainerChoice {
  name: string;
  label: string;
}

/** Every container of the pod that may have logs: init (and sidecar), app, ephemeral. */
function containerChoices(pod: KubeObject): ContainerChoice[] {
  const names = (list: unknown) => (Array.isArray(list) ? list.map((c) => String(c?.name ?? "")) : []);
  return [
    ...names(pod.spec?.initContainers).map((name) => ({ name, label: `${name} (init)` })),
    ...names(pod.spec?.containers).map((name) => ({ name, label: name })),
    ...names(pod.spec?.ephemeralContainers).map((name) => ({ name, label: `${name} (ephemeral)` })),
  ];
}

/** The container `kubectl logs` picks: the default-container annotation, else the first. */
function defaultContainer(pod: KubeObject): string {
  const annotated = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  const app = containerChoices(pod).filter((c) => !c.label.includes("("));
  if (annotated && app.some((c) => c.name === annotated)) return annotated;
  return app[0]?.name ?? containerChoices(pod)[0]?.name ?? "";
}

type StreamState = { phase: "loading" | "streaming" | "ended" } | { phase: "error"; error: unknown };

/** The Logs tab of a Pod. The container is kept in the URL (`?container=`), so a link can
 * open one container's logs directly. */
export function Logs({ cluster, pod }: { cluster: string; pod: KubeObject }) {
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name;
  const [params, setParams] = useSearchParams();
  const choices = containerChoices(pod);
  const requested = params.get("container");
  const container = requested && choices.some((c) => c.name === requested) ? requested : defaultContainer(pod);

  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [tail, setTail] = useState("1000");
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [filter, setFilter] = useState("");
  const [onlyMatching, setOnlyMatching] = useState(false);
  const [restart, setRestart] = useState(0);

  // Lines live in a ref and are appended in place; `revision` re-renders once per frame.
  const lines = useRef<string[]>([]);
  const dropped = useRef(0);
  const [revision, setRevision] = useState(0);
  const [stream, setStream] = useState<StreamState>({ phase: "loading" });

  const options = useMemo(
    () => ({
      container: container || undefined,
      previous,
      timestamps,
      tailLines: tail === "all" ? undefined : Number(tail),
    }),
    [container, previous, timestamps, tail],
  );

  const streamId = useRef(0);

  useEffect(() => {
    const abort = new AbortController();
    streamId.current += 1;
    lines.current = [];
    dropped.current = 0;
    setRevision((r) => r + 1);
    setStream({ phase: "loading" });
    let frame = 0;
    const render = () => {
      frame = 0;
      setRevision((r) => r + 1);
    };
    const append = (more: string[]) => {
      if (!more.length) return;
      const all = lines.current;
      for (const line of more) all.push(line);
      if (all.length > MAX_LINES) {
        const excess = all.length - MAX_LINES;
        all.splice(0, excess);
        dropped.current += excess;
      }
      if (!frame) frame = requestAnimationFrame(render);
    };
    (async () => {
      const body = await streamLogs(cluster, namespace, name, { ...options, follow }, abort.signal);
      setStream({ phase: "streaming" });
      const splitter = new LineSplitter();
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        append(splitter.push(value));
      }
      append(splitter.end());
      setStream({ phase: "ended" });
    })().catch((error: unknown) => {
      if (!abort.signal.aborted) setStream({ phase: "error", error });
    });
    return () => {
      abort.abort();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [cluster, namespace, name, options, follow, restart]);

  // Absolute line numbers (counting dropped lines) of the filter's matches.
  const matcher = useRef(new LineMatches());
  const hits = filter ? matcher.current.update(lines.current, dropped.current, filter, streamId.current) : [];
  const visible = filter && onlyMatching ? hits : null;
  const matchCount = hits.length;

  const scroller = useRef<HTMLDivElement>(null);
  const count = visible ? visible.length : lines.current.length;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => 20,
    overscan: 30,
  });

  // Stick to the bottom while the user is there; scrolling up stops that until they return
  // (or press "Jump to latest").
  const atBottom = useRef(true);
  const [showJump, setShowJump] = useState(false);
  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    atBottom.current = bottom;
    setShowJump(!bottom);
  };
  const jumpToLatest = () => {
    atBottom.current = true;
    setShowJump(false);
    if (count) virtualizer.scrollToIndex(count - 1, { align: "end" });
  };
  useLayoutEffect(() => {
    if (atBottom.current && count) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [count, revision, virtualizer]);
  useEffect(() => {
    virtualizer.measure();
  }, [wrap, timestamps, virtualizer]);

  const selectContainer = (next: string) => {
    setParams(
      (current) => {
        current.set("container", next);
        return current;
      },
      { replace: true },
    );
  };

  const downloadName = `${name}_${container}${previous ? "_previous" : ""}.log`;
  const total = lines.current.length;

  return (
    <section className="logs" aria-label="Logs">
      <div className="logs-toolbar" role="toolbar" aria-label="Log options">
        <label className="logs-field">
          Container
          <select value={container} onChange={(event) => selectContainer(event.target.value)}>
            {choices.map((choice) => (
              <option key={choice.name} value={choice.name}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label className="logs-field">
          Tail
          <select value={tail} onChange={(event) => setTail(event.target.value)}>
            {TAILS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="toggle" title="Keep streaming new lines as the container writes them">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} />
          Follow
        </label>
        <label className="toggle" title="The logs of the container's previous instance (before its last restart)">
          <input type="checkbox" checked={previous} onChange={(event) => setPrevious(event.target.checked)} />
          Previous
        </label>
        <label className="toggle">
          <input type="checkbox" checked={timestamps} onChange={(event) => setTimestamps(event.target.checked)} />
          Timestamps
        </label>
        <label className="toggle">
          <input type="checkbox" checked={wrap} onChange={(event) => setWrap(event.target.checked)} />
          Wrap lines
        </label>
        <span className="logs-filter">
          <input
            type="search"
            aria-label="Filter log lines"
            placeholder="Filter log lines"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
          {filter && (
            <span className="logs-count" aria-live="polite">
              {matchCount.toLocaleString()} matching
            </span>
          )}
        </span>
        <label className="toggle">
          <input
            type="checkbox"
            checked={onlyMatching}
            disabled={!filter}
            onChange={(event) => setOnlyMatching(event.target.checked)}
          />
          Only matching
        </label>
        <a
          className="button logs-download"
          href={logsUrl(cluster, namespace, name, { container: options.container, previous, timestamps })}
          download={downloadName}
          title="The container's whole log as a file"
        >
          Download
        </a>
      </div>

      <p className="logs-status" role="status">
        {statusText(stream, follow, total, dropped.current)}
        {stream.phase === "ended" && follow && (
          <button type="button" className="link-button" onClick={() => setRestart((n) => n + 1)}>
            Follow again
          </button>
        )}
      </p>
      {stream.phase === "error" && <ErrorMessage error={stream.error} title="The logs could not be read" />}

      <div className="logs-view" hidden={stream.phase === "error" && total === 0}>
        <div
          ref={scroller}
          className={`logs-scroller${wrap ? " wrap" : ""}`}
          role="log"
          aria-live="off"
          aria-label={`Logs of ${container}`}
          tabIndex={0}
          onScroll={onScroll}
          style={{ "--gutter": `${String(dropped.current + total).length}ch` } as CSSProperties}
        >
          <div className="logs-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const index = visible ? visible[item.index] - dropped.current : item.index;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={wrap ? virtualizer.measureElement : undefined}
                  className="log-line"
                  style={{ transform: `translateY(${item.start}px)`, height: wrap ? undefined : item.size }}
                >
                  <span className="log-number" aria-hidden="true">
                    {dropped.current + index + 1}
                  </span>
                  <LogLine line={lines.current[index] ?? ""} filter={filter} />
                </div>
              );
            })}
          </div>
          {total === 0 && stream.phase !== "error" && (
            <p className="logs-empty">{stream.phase === "loading" ? "Loading logs…" : "No log lines."}</p>
          )}
        </div>
        {showJump && (
          <button type="button" className="logs-jump" onClick={jumpToLatest}>
            Jump to latest ↓
          </button>
        )}
      </div>
    </section>
  );
}

function statusText(stream: StreamState, follow: boolean, total: number, dropped: number): string {
  const count = `${total.toLocaleString()} line${total === 1 ? "" : "s"}`;
  const note = dropped ? ` (showing the last ${total.toLocaleString()}; ${dropped.toLocaleString()} older lines dropped)` : "";
  switch (stream.phase) {
    case "loading":
      return "Connecting…";
    case "streaming":
      return `${follow ? "Following" : "Reading"} · ${count}${note}`;
    case "ended":
      return `${follow ? "The stream ended" : "Done"} · ${count}${note}`;
    case "error":
      return "";
  }
}

/** One line: its timestamp muted, ANSI colours mapped to classes, filter matches marked. */
function LogLine({ line, filter }: { line: string; filter: string }) {
  const { timestamp, rest } = splitTimestamp(line);
  const segments = parseAnsi(rest);
  const marked = markMatches(segments, findMatches(segments.map((s) => s.text).join(""), filter));
  const parts: ReactNode[] = marked.map((segment, i) => {
    const classes = [
      segment.colour !== undefined ? `ansi-${segment.colour}` : "",
      segment.bold ? "ansi-bold" : "",
      segment.dim ? "ansi-dim" : "",
      segment.italic ? "ansi-italic" : "",
      segment.underline ? "ansi-underline" : "",
    ]
      .filter(Boolean)
      .join(" ");
    return segment.match ? (
      <mark key={i} className={classes || undefined}>
        {segment.text}
      </mark>
    ) : (
      <span key={i} className={classes || undefined}>
        {segment.text}
      </span>
    );
  });
  const matched = marked.some((s) => s.match);
  return (
    <span className={`log-text${matched ? " matched" : ""}`}>
      {timestamp && <span className="log-time">{timestamp} </span>}
      {parts}
    </span>
  );
}
