import { useContext, useEffect, useId, useMemo, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { listTable } from "../api/client";
import type { ServedKind } from "../api/types";
import { listUrl, objectUrl } from "../routes";
import { useCluster } from "./context";
import { pluralTitle } from "./kinds";
import { namespaceSearch, withNamespaces } from "./namespaces";
import { COMMON_KINDS, isObjectName, matchKinds, matchNames, parseQuery, resolveKind } from "./search";
import { ShownListContext } from "./shown";

interface Result {
  key: string;
  href: string;
  label: string;
  detail: string;
}

/** Objects named exactly `name`, asked of the cluster (one Table per kind, rows only); each
 * kind's answer shows as soon as it comes, since one big kind may take a while. */
function useExactNames(kinds: ServedKind[], name: string) {
  const { cluster, namespaces } = useCluster();
  const [found, setFound] = useState<{ name: string; results: Result[]; failed: string[]; pending: number }>({
    name: "",
    results: [],
    failed: [],
    pending: 0,
  });
  useEffect(() => {
    if (!isObjectName(name) || !kinds.length) return;
    let cancelled = false;
    // Typing fast asks nothing until a pause.
    const timer = setTimeout(() => {
      setFound({ name, results: [], failed: [], pending: kinds.length });
      for (const kind of kinds) {
        listTable(cluster, kind, {
          namespaces: kind.namespaced ? namespaces : undefined,
          fieldSelector: `metadata.name=${name}`,
        }).then(
          (table) => {
            if (cancelled) return;
            const results = table.rows.map(({ object: { metadata: meta } }) => ({
              key: `${kind.group}/${kind.resource}/${meta.namespace ?? ""}/${meta.name}`,
              href: objectUrl(cluster, kind, meta.namespace, meta.name, undefined, namespaceSearch(namespaces)),
              label: meta.name,
              detail: meta.namespace ? `${kind.kind} in ${meta.namespace}` : kind.kind,
            }));
            setFound((f) => ({ ...f, results: [...f.results, ...results], pending: f.pending - 1 }));
          },
          () => {
            if (!cancelled) setFound((f) => ({ ...f, failed: [...f.failed, kind.resource], pending: f.pending - 1 }));
          },
        );
      }
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [cluster, namespaces, kinds, name]);
  return found.name === name ? found : { results: [], failed: [], pending: 0 };
}

/** The top bar's search: jumps to a kind by any of its names, or to an object by name
 * (`web`, `deploy/web`). Focused with "/" or Ctrl+K. */
export function Search() {
  const { cluster, kinds, namespaces } = useCluster();
  const shown = useContext(ShownListContext);
  const navigate = useNavigate();
  const [text, setText] = useState("");
  const [focused, setFocused] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listboxId = useId();

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest("input, textarea, select, [contenteditable=true], .cm-editor");
      if ((event.key === "k" && (event.ctrlKey || event.metaKey)) || (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey)) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const query = parseQuery(text);
  const namedKind = query.kind !== null ? resolveKind(kinds, query.kind) : undefined;
  const lookupKinds = useMemo(() => {
    if (query.kind !== null) return namedKind ? [namedKind] : [];
    return COMMON_KINDS.flatMap(([group, resource]) => kinds.find((k) => k.preferred && k.group === group && k.resource === resource) ?? []);
  }, [kinds, query.kind, namedKind]);
  const exact = useExactNames(lookupKinds, query.name);
  const nsSearch = namespaceSearch(namespaces);

  const results = useMemo<Result[]>(() => {
    const kindResult = (kind: ServedKind, filter = ""): Result => ({
      key: `kind:${kind.group}/${kind.resource}:${filter}`,
      href: listUrl(cluster, kind, filter ? withNamespaces(`?q=${encodeURIComponent(filter)}`, namespaces) : nsSearch),
      label: filter ? `${pluralTitle(kind)} matching “${filter}”` : pluralTitle(kind),
      detail: `${kind.group ? `${kind.group}/` : ""}${kind.version}${kind.shortNames.length ? ` · ${kind.shortNames.join(", ")}` : ""}`,
    });
    const list = shown.current;
    const out: Result[] = [];
    if (query.kind === null) {
      out.push(...matchKinds(kinds, query.name, 6).map((k) => kindResult(k)));
    } else if (!namedKind) {
      out.push(...matchKinds(kinds, query.kind, 6).map((k) => kindResult(k)));
      return out;
    } else if (!query.name) {
      return [kindResult(namedKind)];
    }
    const listKind = list && (!namedKind || (list.kind.group === namedKind.group && list.kind.resource === namedKind.resource)) ? list.kind : null;
    if (list && listKind && query.name) {
      for (const object of matchNames(list.names(), query.name, 8)) {
        out.push({
          key: `${listKind.group}/${listKind.resource}/${object.namespace}/${object.name}`,
          href: objectUrl(cluster, listKind, object.namespace || undefined, object.name, undefined, nsSearch),
          label: object.name,
          detail: object.namespace ? `${listKind.kind} in ${object.namespace}` : listKind.kind,
        });
      }
    }
    const seen = new Set(out.map((r) => r.key));
    out.push(...exact.results.filter((r) => !seen.has(r.key)));
    const filterKind = namedKind ?? listKind;
    if (filterKind && query.name) out.push(kindResult(filterKind, query.name));
    return out;
  }, [cluster, kinds, namespaces, nsSearch, shown, query.kind, query.name, namedKind, exact]);

  const open = focused && text.trim() !== "";
  const current = Math.min(active, results.length - 1);
  const optionId = (i: number) => `${listboxId}-${i}`;
  const reset = () => {
    setText("");
    setActive(0);
    input.current?.blur();
  };

  return (
    <div className="search">
      <input
        ref={input}
        type="text"
        role="combobox"
        aria-label="Search"
        aria-expanded={open}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={open && current >= 0 ? optionId(current) : undefined}
        placeholder="Search kinds and names…"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            const step = e.key === "ArrowDown" ? 1 : -1;
            if (results.length) setActive((current + step + results.length) % results.length);
          } else if (e.key === "Enter" && open && results[current]) {
            e.preventDefault();
            navigate(results[current].href);
            reset();
          } else if (e.key === "Escape") {
            e.preventDefault();
            if (text) setText("");
            else input.current?.blur();
          }
        }}
      />
      <kbd className="search-key" aria-hidden="true">
        /
      </kbd>
      <ul
        id={listboxId}
        role="listbox"
        aria-label="Search results"
        className="popover search-results"
        hidden={!open}
        // Clicking a result must not blur the input before the link is followed.
        onMouseDown={(e) => e.preventDefault()}
      >
        {results.map((result, i) => (
          <li key={result.key} id={optionId(i)} role="option" aria-selected={i === current} className={i === current ? "active" : undefined}>
            <Link to={result.href} tabIndex={-1} onClick={reset} onMouseEnter={() => setActive(i)}>
              <span className="search-label">{result.label}</span>
              <span className="search-detail">{result.detail}</span>
            </Link>
          </li>
        ))}
        {open && exact.pending > 0 ? (
          <li className="search-empty loading" role="presentation">
            Looking for “{query.name}” in the cluster…
          </li>
        ) : open && results.length === 0 ? (
          <li className="search-empty" role="presentation">
            Nothing matches “{text.trim()}”
          </li>
        ) : null}
        {open && exact.failed.length ? (
          <li className="search-empty" role="presentation">
            Not searched (not allowed or not served): {exact.failed.join(", ")}
          </li>
        ) : null}
      </ul>
    </div>
  );
}
