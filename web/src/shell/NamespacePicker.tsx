import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { follow } from "../api/watch";
import { ErrorMessage } from "../components/ErrorMessage";
import { useCluster } from "./context";
import { namespacesLabel } from "./namespaces";
import { isObjectName } from "./search";

const NAMESPACES = { group: "", version: "v1", resource: "namespaces" };

/** The namespaces of the cluster, followed live while the picker is open: name → phase. */
function useNamespaceList(cluster: string, active: boolean) {
  const [phases, setPhases] = useState<Map<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!active) return;
    setError(null);
    let known = new Map<string, string>();
    const phaseOf = (o: { status?: { phase?: string } }) => o.status?.phase ?? "";
    return follow(cluster, NAMESPACES, {}, "object", {
      snapshot(items) {
        known = new Map(items.map((o) => [o.metadata.name, phaseOf(o)]));
        setPhases(new Map(known));
      },
      more(items) {
        for (const o of items) known.set(o.metadata.name, phaseOf(o));
        setPhases(new Map(known));
      },
      change(type, o) {
        if (type === "DELETED") known.delete(o.metadata.name);
        else known.set(o.metadata.name, phaseOf(o));
        setPhases(new Map(known));
      },
      error: setError,
    });
  }, [cluster, active]);
  return { phases, error };
}

/** The top bar's namespace choice: a button showing it, opening a filterable checklist. */
export function NamespacePicker() {
  const { cluster, namespaces, setNamespaces } = useCluster();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState("");
  const { phases, error } = useNamespaceList(cluster, open);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const choiceId = useId();
  const popoverId = useId();

  const close = (focusButton: boolean) => {
    setOpen(false);
    setFilter("");
    if (focusButton) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const outside = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!popover.current?.contains(target) && !button.current?.contains(target)) close(false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const names = useMemo(() => {
    // Chosen namespaces the list lacks (not allowed to list them, or gone) stay visible so they
    // can be unchosen.
    const all = new Set([...(phases?.keys() ?? []), ...namespaces]);
    const needle = filter.trim().toLowerCase();
    return [...all].filter((n) => n.toLowerCase().includes(needle)).sort((a, b) => a.localeCompare(b));
  }, [phases, namespaces, filter]);

  const toggle = (name: string) => {
    setNamespaces(namespaces.includes(name) ? namespaces.filter((n) => n !== name) : [...namespaces, name]);
  };

  const boxes = () => [...(popover.current?.querySelectorAll<HTMLInputElement>("input[type=checkbox]") ?? [])];
  const moveFocus = (event: KeyboardEvent, step: number) => {
    const all = boxes();
    const at = all.indexOf(document.activeElement as HTMLInputElement);
    const next = all[Math.max(0, Math.min(all.length - 1, at + step))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key === "ArrowDown") {
      moveFocus(event, 1);
    } else if (event.key === "ArrowUp") {
      if (boxes().indexOf(document.activeElement as HTMLInputElement) === 0) {
        event.preventDefault();
        popover.current?.querySelector<HTMLInputElement>("input[type=search]")?.focus();
      } else {
        moveFocus(event, -1);
      }
    }
  };

  const typed = filter.trim();
  // Enter in the filter chooses only the one namespace it leaves, or a name typed in full
  // (for those who may not list namespaces).
  const pickTyped = typed && names.length === 1 ? names[0] : typed && isObjectName(typed) && !names.includes(typed) ? typed : null;

  return (
    <div className="ns-picker">
      <button
        ref={button}
        type="button"
        className="ns-button"
        aria-label="Namespaces"
        aria-describedby={choiceId}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <span className="ns-caption" aria-hidden="true">
          Namespace
        </span>
        <span id={choiceId} className="ns-choice">
          {namespacesLabel(namespaces)}
        </span>
        <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div ref={popover} id={popoverId} className="popover ns-popover" role="dialog" aria-label="Choose namespaces" onKeyDown={onKeyDown}>
          <input
            type="search"
            aria-label="Filter namespaces"
            placeholder="Filter, or type a name and press Enter"
            autoFocus
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && pickTyped) {
                e.preventDefault();
                setNamespaces([pickTyped]);
                close(true);
              }
            }}
          />
          <label className="ns-option ns-all">
            <input type="checkbox" checked={namespaces.length === 0} onChange={() => setNamespaces([])} />
            All namespaces
          </label>
          {error ? <ErrorMessage error={error} title="Cannot list namespaces" /> : null}
          {!phases && !error ? <p className="loading">Loading namespaces…</p> : null}
          <ul className="ns-list" aria-label="Namespaces in the cluster">
            {names.map((name) => {
              const phase = phases?.get(name);
              return (
                <li key={name}>
                  <label className="ns-option">
                    <input type="checkbox" checked={namespaces.includes(name)} onChange={() => toggle(name)} />
                    <span className="ns-name">{name}</span>
                    {phase && phase !== "Active" ? <span className="ns-phase">{phase}</span> : null}
                    {phases && !phases.has(name) ? <span className="ns-phase">not listed</span> : null}
                  </label>
                </li>
              );
            })}
          </ul>
          {phases && names.length === 0 ? (
            <p className="hint">{pickTyped ? `Press Enter to choose “${pickTyped}”.` : "No namespace matches."}</p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
