// An object's page: header (kind, name, namespace, age, status, last change), actions, and the
// tabs Summary, Edit, Events, Changes (and Logs for pods), each its own URL. The object is
// followed live, so what is shown is the cluster's current version; if it is deleted or
// replaced while shown, the page says so instead of going blank.

import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import type { ResourceType } from "../../api/client";
import { ErrorMessage } from "../../components/ErrorMessage";
import { EditTab } from "../../edit/EditTab";
import { lastChange } from "../../edit/changes";
import { CLUSTER_SCOPED, clusterUrl, listUrl, objectUrl, typeOf, type DetailTab } from "../../routes";
import { kindOf, useCluster } from "../../shell/context";
import { namespaceSearch } from "../../shell/namespaces";
import { Logs } from "../pod/Logs";
import { ActionsBar } from "./Actions";
import { ChangesTab } from "./ChangesTab";
import { EventsTab } from "./EventsTab";
import { statusOf } from "./facts";
import { Summary } from "./Summary";
import { Age, When } from "./time";
import { useLiveObject, type Vanished } from "./useLiveObject";
import "./detail.css";

const NAMESPACES: ResourceType = { group: "", version: "v1", resource: "namespaces" };

function tabsOf(type: ResourceType): { id: DetailTab; label: string }[] {
  const tabs: { id: DetailTab; label: string }[] = [
    { id: "summary", label: "Summary" },
    { id: "yaml", label: "Edit" },
    { id: "events", label: "Events" },
    { id: "changes", label: "Changes" },
  ];
  if (type.group === "" && type.resource === "pods") tabs.push({ id: "logs", label: "Logs" });
  return tabs;
}

function VanishedNotice({ vanished, kind, onReload }: { vanished: Vanished; kind: string; onReload(): void }) {
  return (
    <div className="notice notice-bad vanished" role="alert">
      {vanished.reason === "deleted" ? (
        <p>
          <strong>This {kind} was deleted.</strong> What you see is its last known state; nothing here can change it
          any more.
        </p>
      ) : (
        <>
          <p>
            <strong>This {kind} was replaced</strong> by a new object with the same name (another uid). What you see is
            the old one.
          </p>
          <button type="button" onClick={onReload}>
            Show the new one
          </button>
        </>
      )}
    </div>
  );
}

/** The object page (route `/c/:cluster/r/:group/:version/:resource/:namespace/:name/:tab?`). */
export default function DetailPage() {
  const params = useParams();
  const { cluster, kinds, namespaces } = useCluster();
  // Links between views keep the namespace choice, and nothing else of this page's query.
  const search = namespaceSearch(namespaces);
  const navigate = useNavigate();
  const type = typeOf(params);
  const namespace = params.namespace === CLUSTER_SCOPED ? undefined : params.namespace;
  const name = params.name ?? "";
  const served = kindOf(kinds, type);
  const live = useLiveObject(cluster, type, namespace, name);
  const { object } = live;

  const tabs = tabsOf(type);
  const active = tabs.find((t) => t.id === params.tab) ?? tabs[0];
  // The editor keeps its text when the user looks at another tab and comes back.
  const [editVisited, setEditVisited] = useState(false);
  useEffect(() => {
    if (active.id === "yaml") setEditVisited(true);
  }, [active.id]);
  useEffect(() => setEditVisited(false), [cluster, type.group, type.version, type.resource, namespace, name]);

  const kind = object?.kind ?? served?.kind ?? type.resource;
  useEffect(() => {
    document.title = `${name} · ${kind} · Concord`;
  }, [name, kind]);

  const tabRefs = useRef<(HTMLAnchorElement | null)[]>([]);
  const tabUrl = (tab: DetailTab) => objectUrl(cluster, type, namespace, name, tab, search);
  const onTabKey = (event: KeyboardEvent) => {
    // From the focused tab, so that fast repeated keys move on before the page catches up.
    const focused = tabRefs.current.findIndex((el) => el === document.activeElement);
    const index = focused >= 0 ? focused : tabs.findIndex((t) => t.id === active.id);
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % tabs.length
        : event.key === "ArrowLeft"
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? tabs.length - 1
              : -1;
    if (next < 0) return;
    event.preventDefault();
    navigate(tabUrl(tabs[next].id));
    tabRefs.current[next]?.focus();
  };

  const status = object ? statusOf(object) : undefined;
  const change = object ? lastChange(object) : undefined;
  const gone = live.vanished !== null;

  return (
    <div className="detail">
      <nav aria-label="Breadcrumbs" className="breadcrumbs">
        <ol>
          <li>
            <Link to={`${clusterUrl(cluster)}${search}`}>{cluster}</Link>
          </li>
          <li>
            <Link to={listUrl(cluster, type, search)}>{type.resource}</Link>
          </li>
          {namespace && <li>{namespace}</li>}
          <li aria-current="page">{name}</li>
        </ol>
      </nav>

      <header className="detail-header">
        <div className="detail-title">
          <p className="detail-kind">{kind}</p>
          <h1>
            {name}
            {status && <span className={`badge health-${status.health}`}>{status.text}</span>}
          </h1>
          <p className="detail-meta">
            {namespace && (
              <span>
                Namespace{" "}
                <Link to={objectUrl(cluster, NAMESPACES, undefined, namespace, undefined, search)}>{namespace}</Link>
              </span>
            )}
            {object && (
              <span>
                Age <Age iso={object.metadata.creationTimestamp} />
              </span>
            )}
            {change && (
              <span>
                Last changed by <span className="mono">{change.manager}</span>{" "}
                {change.time && <When iso={change.time} />}
              </span>
            )}
            <LiveIndicator liveError={live.liveError} gone={gone} onReload={live.reload} />
          </p>
        </div>
        {object && (
          <ActionsBar
            cluster={cluster}
            type={type}
            served={served}
            object={object}
            disabled={gone}
            onChanged={live.replace}
          />
        )}
      </header>

      {live.vanished && <VanishedNotice vanished={live.vanished} kind={kind} onReload={live.reload} />}

      {!object && live.error ? (
        <div className="detail-error">
          <ErrorMessage error={live.error} title={`${kind} ${name} could not be read`} />
          <p>
            <Link to={listUrl(cluster, type, search)}>Back to {type.resource}</Link>
          </p>
        </div>
      ) : !object ? (
        <p className="loading">Loading…</p>
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label={`${kind} ${name}`} onKeyDown={onTabKey}>
            {tabs.map((tab, i) => (
              <Link
                key={tab.id}
                ref={(el) => {
                  tabRefs.current[i] = el;
                }}
                to={tabUrl(tab.id)}
                role="tab"
                id={`tab-${tab.id}`}
                aria-selected={tab.id === active.id}
                aria-controls={`panel-${tab.id}`}
                tabIndex={tab.id === active.id ? 0 : -1}
                className="tab"
              >
                {tab.label}
              </Link>
            ))}
          </div>
          {live.error !== null && live.error !== undefined && (
            <ErrorMessage error={live.error} title="The latest version could not be read" />
          )}
          {active.id === "summary" && (
            <Panel id="summary">
              <Summary cluster={cluster} type={type} object={object} />
            </Panel>
          )}
          {(active.id === "yaml" || editVisited) && (
            <Panel id="yaml" hidden={active.id !== "yaml"}>
              {served ? (
                <EditTab cluster={cluster} type={type} served={served} object={object} onSaved={live.replace} />
              ) : (
                <p className="muted">
                  This cluster's discovery does not list {type.group || "core"}/{type.version}/{type.resource}, so it
                  cannot be edited here.
                </p>
              )}
            </Panel>
          )}
          {active.id === "events" && (
            <Panel id="events">
              <EventsTab cluster={cluster} object={object} />
            </Panel>
          )}
          {active.id === "changes" && (
            <Panel id="changes">
              <ChangesTab object={object} />
            </Panel>
          )}
          {active.id === "logs" && (
            <Panel id="logs">
              <Logs cluster={cluster} pod={object} />
            </Panel>
          )}
        </>
      )}
    </div>
  );
}

function Panel({ id, hidden, children }: { id: DetailTab; hidden?: boolean; children: ReactNode }) {
  return (
    <div role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} className={`panel panel-${id}`} hidden={hidden}>
      {children}
    </div>
  );
}

function LiveIndicator({ liveError, gone, onReload }: { liveError: string | null; gone: boolean; onReload(): void }) {
  if (gone) return null;
  if (liveError) {
    return (
      <span className="live live-off" role="status" title={liveError}>
        Live updates are off: {liveError}{" "}
        <button type="button" className="link-button" onClick={onReload}>
          Reload
        </button>
      </span>
    );
  }
  return (
    <span className="live live-on" title="Changes made by anyone appear here as they happen">
      Live
    </span>
  );
}
