import { useMemo, useState } from "react";
import { NavLink } from "react-router";
import type { ServedKind } from "../api/types";
import { clusterUrl, listUrl } from "../routes";
import { useCluster } from "./context";
import { pluralTitle, sidebarSections } from "./kinds";
import { namespaceSearch } from "./namespaces";

const COLLAPSED_KEY = "concord.sidebar.collapsed";

function loadCollapsed(): Set<string> {
  try {
    const value = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? "[]");
    return new Set(Array.isArray(value) ? value.filter((v) => typeof v === "string") : []);
  } catch {
    return new Set();
  }
}

/** The kinds the cluster serves, in collapsible sections; the open list is marked current. */
export function Sidebar() {
  const { cluster, kinds, namespaces } = useCluster();
  const sections = useMemo(() => sidebarSections(kinds), [kinds]);
  const [collapsed, setCollapsed] = useState(loadCollapsed);
  const search = namespaceSearch(namespaces);

  const toggle = (title: string) => {
    const next = new Set(collapsed);
    if (next.has(title)) next.delete(title);
    else next.add(title);
    setCollapsed(next);
    try {
      localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...next]));
    } catch {
      // Not remembered, still collapsed.
    }
  };

  const link = (kind: ServedKind) => (
    <li key={`${kind.group}/${kind.resource}`}>
      <NavLink to={listUrl(cluster, kind, search)} title={kind.group ? `${kind.kind} (${kind.group}/${kind.version})` : `${kind.kind} (${kind.version})`}>
        {pluralTitle(kind)}
      </NavLink>
    </li>
  );

  return (
    <nav id="sidebar" className="sidebar" aria-label="Resources">
      <ul className="sidebar-list">
        <li>
          <NavLink to={`${clusterUrl(cluster)}${search}`} end>
            Overview
          </NavLink>
        </li>
      </ul>
      {sections.map((section) => {
        const open = !collapsed.has(section.title);
        const id = `sidebar-${section.title.replace(/\W+/g, "-").toLowerCase()}`;
        return (
          <section key={section.title} className="sidebar-section">
            <h2>
              <button type="button" aria-expanded={open} aria-controls={id} onClick={() => toggle(section.title)}>
                <span className="chevron" aria-hidden="true">
                  {open ? "▾" : "▸"}
                </span>
                {section.title}
              </button>
            </h2>
            <div id={id} hidden={!open}>
              {section.kinds.length ? <ul className="sidebar-list">{section.kinds.map(link)}</ul> : null}
              {section.subsections?.map((sub) => (
                <div key={sub.title} className="sidebar-subsection">
                  <h3 title={sub.title}>{sub.title}</h3>
                  <ul className="sidebar-list">{sub.kinds.map(link)}</ul>
                </div>
              ))}
            </div>
          </section>
        );
      })}
    </nav>
  );
}
