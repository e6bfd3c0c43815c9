// The Summary tab: what an object is and how it is doing, in the order a Kubernetes user reads
// it: status and conditions, the kind's own facts, its containers/ports/keys, owners, related
// objects, then labels and annotations.

import { useState } from "react";
import { Link } from "react-router";
import type { ResourceType } from "../../api/client";
import type { KubeObject } from "../../api/types";
import { listUrl, objectUrl } from "../../routes";
import { typeOfKind, useCluster } from "../../shell/context";
import { namespaceSearch, withNamespaces } from "../../shell/namespaces";
import {
  base64Size,
  conditionsOf,
  containersOf,
  dataEntries,
  decodeBase64,
  isPod,
  kindFacts,
  nodeResources,
  relatedQueries,
  servicePorts,
  statusOf,
  type ConditionRow,
  type DataEntry,
  type Fact,
  type ObjectRef,
} from "./facts";
import { RelatedObjects } from "./Related";
import { When } from "./time";

/** A link to the page of `ref`, or its plain name when the cluster does not serve its kind. */
function ObjectLink({ target, children }: { target: ObjectRef; children: string }) {
  const { cluster, kinds, namespaces } = useCluster();
  const served = typeOfKind(kinds, target.apiVersion, target.kind);
  if (!served) return <>{children}</>;
  const namespace = served.namespaced ? target.namespace : undefined;
  return <Link to={objectUrl(cluster, served, namespace, target.name, undefined, namespaceSearch(namespaces))}>{children}</Link>;
}

function FactValue({ fact }: { fact: Fact }) {
  if (fact.time) return <When iso={fact.time} />;
  if (fact.block) return <pre className="fact-block">{fact.value}</pre>;
  const text = fact.to ? <ObjectLink target={fact.to}>{fact.value ?? ""}</ObjectLink> : fact.value;
  return fact.health && fact.health !== "neutral" ? <span className={`health health-${fact.health}`}>{text}</span> : <>{text}</>;
}

function Facts({ facts, label }: { facts: Fact[]; label: string }) {
  if (!facts.length) return null;
  return (
    <dl className="facts" aria-label={label}>
      {facts.map((fact, i) => (
        <div key={`${fact.label}-${i}`} className={fact.block ? "fact fact-wide" : "fact"}>
          <dt>{fact.label}</dt>
          <dd>
            <FactValue fact={fact} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Conditions({ conditions }: { conditions: ConditionRow[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table" aria-label="Conditions">
        <thead>
          <tr>
            <th scope="col">Condition</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
            <th scope="col">Message</th>
            <th scope="col">Last transition</th>
          </tr>
        </thead>
        <tbody>
          {conditions.map((c) => (
            <tr key={c.type}>
              <td>{c.type}</td>
              <td>
                <span className={`health health-${c.health}`}>{c.status}</span>
              </td>
              <td>{c.reason}</td>
              <td className="wrap">{c.message}</td>
              <td>
                <When iso={c.lastTransitionTime} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Containers({ cluster, type, pod }: { cluster: string; type: ResourceType; pod: KubeObject }) {
  const { namespaces } = useCluster();
  const rows = containersOf(pod);
  const logsLink = (container: string) =>
    objectUrl(cluster, type, pod.metadata.namespace, pod.metadata.name, "logs", withNamespaces(new URLSearchParams({ container }), namespaces));
  return (
    <section className="card" aria-labelledby="containers-heading">
      <h3 id="containers-heading">Containers</h3>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Image</th>
              <th scope="col">State</th>
              <th scope="col">Ready</th>
              <th scope="col">Restarts</th>
              <th scope="col">
                <span className="visually-hidden">Logs</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.role}-${c.name}`}>
                <td>
                  {c.name}
                  {c.role !== "app" && <span className="tag">{c.role}</span>}
                </td>
                <td className="mono wrap">{c.image}</td>
                <td>
                  <span className={`health health-${c.stateHealth}`}>{c.state}</span>
                  {c.since && (
                    <span className="muted small">
                      {" "}
                      <When iso={c.since} />
                    </span>
                  )}
                  {c.lastState && <div className="muted small">Last: {c.lastState}</div>}
                </td>
                <td>{c.ready === undefined ? "—" : c.ready ? <span className="health health-ok">Yes</span> : <span className="health health-warn">No</span>}</td>
                <td>{c.restarts ? <span className="health health-warn">{c.restarts}</span> : 0}</td>
                <td>
                  <Link to={logsLink(c.name)} aria-label={`Logs of ${c.name}`}>
                    Logs
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Ports({ object }: { object: KubeObject }) {
  const ports = servicePorts(object);
  if (!ports.length) return null;
  const anyNodePort = ports.some((p) => p.nodePort);
  return (
    <section className="card" aria-labelledby="ports-heading">
      <h3 id="ports-heading">Ports</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Port</th>
            <th scope="col">Target port</th>
            <th scope="col">Protocol</th>
            {anyNodePort && <th scope="col">Node port</th>}
          </tr>
        </thead>
        <tbody>
          {ports.map((p, i) => (
            <tr key={`${p.name}-${p.port}-${p.protocol}-${i}`}>
              <td>{p.name || <span className="muted">—</span>}</td>
              <td>{p.port}</td>
              <td>{p.targetPort}</td>
              <td>{p.protocol}</td>
              {anyNodePort && <td>{p.nodePort}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NodeResources({ node }: { node: KubeObject }) {
  const rows = nodeResources(node);
  if (!rows.length) return null;
  return (
    <section className="card" aria-labelledby="resources-heading">
      <h3 id="resources-heading">Resources</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Capacity</th>
            <th scope="col">Allocatable</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.resource}>
              <td>{r.resource}</td>
              <td>{r.capacity}</td>
              <td>{r.allocatable}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const LONG_VALUE_LINES = 12;

/** A value that may be long: shown whole when short, folded when long. */
function LongText({ text, summary }: { text: string; summary: string }) {
  const lines = text.split("\n").length;
  if (lines <= LONG_VALUE_LINES && text.length <= 2000) return <pre className="value-block">{text}</pre>;
  return (
    <details className="long-value">
      <summary>{summary}</summary>
      <pre className="value-block">{text}</pre>
    </details>
  );
}

function SecretValue({ entry }: { entry: DataEntry }) {
  const [revealed, setRevealed] = useState(false);
  const size = base64Size(entry.value);
  const decoded = revealed ? decodeBase64(entry.value) : null;
  return (
    <>
      <div className="key-actions">
        <span className="muted small">
          {size.toLocaleString()} byte{size === 1 ? "" : "s"}
        </span>
        <button
          type="button"
          className="small-button"
          aria-pressed={revealed}
          aria-label={`${revealed ? "Hide" : "Reveal"} ${entry.key}`}
          onClick={() => setRevealed(!revealed)}
        >
          {revealed ? "Hide" : "Reveal"}
        </button>
      </div>
      {decoded &&
        ("text" in decoded ? (
          <LongText text={decoded.text} summary={`${decoded.text.split("\n").length} lines`} />
        ) : "bytes" in decoded ? (
          <p className="muted">Binary data ({decoded.bytes.toLocaleString()} bytes), not shown as text.</p>
        ) : (
          <p className="health health-bad">Not valid base64.</p>
        ))}
    </>
  );
}

function DataKeys({ object }: { object: KubeObject }) {
  const entries = dataEntries(object);
  const secret = object.kind === "Secret";
  return (
    <section className="card" aria-labelledby="data-heading">
      <h3 id="data-heading">
        Data <span className="count">{entries.length}</span>
      </h3>
      {secret && <p className="muted small">Values are hidden until revealed, one key at a time.</p>}
      {entries.length === 0 && <p className="muted">No keys.</p>}
      <dl className="data-keys">
        {entries.map((entry) => (
          <div key={entry.key} className="data-key">
            <dt className="mono">{entry.key}</dt>
            <dd>
              {secret ? (
                <SecretValue entry={entry} />
              ) : entry.encoding === "base64" ? (
                <p className="muted">Binary data ({base64Size(entry.value).toLocaleString()} bytes)</p>
              ) : (
                <LongText text={entry.value} summary={`${entry.value.split("\n").length} lines`} />
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Owners({ object }: { object: KubeObject }) {
  const owners = object.metadata.ownerReferences ?? [];
  if (!owners.length) return null;
  return (
    <div className="fact">
      <dt>{owners.some((o) => o.controller) ? "Controlled by" : "Owned by"}</dt>
      <dd>
        <ul className="inline-list">
          {owners.map((owner) => (
            <li key={owner.uid}>
              {owner.kind}{" "}
              <ObjectLink
                target={{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, namespace: object.metadata.namespace }}
              >
                {owner.name}
              </ObjectLink>
            </li>
          ))}
        </ul>
      </dd>
    </div>
  );
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Labels({ type, labels }: { type: ResourceType; labels: Record<string, string> }) {
  const { cluster, namespaces } = useCluster();
  const entries = Object.entries(labels);
  const filterBy = (key: string, value: string) =>
    listUrl(cluster, type, withNamespaces(new URLSearchParams({ l: `${key}=${value}` }), namespaces));
  return (
    <div className="fact fact-wide">
      <dt>Labels</dt>
      <dd>
        {entries.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <ul className="chips" aria-label="Labels">
            {entries.map(([key, value]) => (
              <li key={key}>
                <Link className="chip" to={filterBy(key, value)} title={`List the ones labelled ${key}=${value}`}>
                  <span className="chip-key">{key}</span>
                  {value !== "" && <span className="chip-value">{value}</span>}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </dd>
    </div>
  );
}

function Annotations({ annotations }: { annotations: Record<string, string> }) {
  const entries = Object.entries(annotations);
  return (
    <div className="fact fact-wide">
      <dt>Annotations</dt>
      <dd>
        {entries.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <dl className="annotations" aria-label="Annotations">
            {entries.map(([key, value]) => (
              <div key={key} className="annotation">
                <dt className="mono">{key}</dt>
                <dd>
                  {key === LAST_APPLIED ? (
                    <details className="long-value">
                      <summary>The configuration last applied with kubectl apply</summary>
                      <pre className="value-block">{prettyJson(value)}</pre>
                    </details>
                  ) : value.length > 300 || value.includes("\n") ? (
                    <LongText text={value} summary={`${value.slice(0, 80)}…`} />
                  ) : (
                    <span className="wrap">{value}</span>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </dd>
    </div>
  );
}

/** The Summary of `object` (of resource type `type`). */
export function Summary({ cluster, type, object }: { cluster: string; type: ResourceType; object: KubeObject }) {
  const status = statusOf(object);
  const conditions = conditionsOf(object);
  const { generic, facts } = kindFacts(object);
  const kind = object.kind ?? "";
  const { metadata } = object;
  return (
    <div className="summary">
      {conditions.length > 0 && (
        <section className="card" aria-labelledby="status-heading">
          <h3 id="status-heading">
            Conditions {status && <span className={`badge health-${status.health}`}>{status.text}</span>}
          </h3>
          <Conditions conditions={conditions} />
        </section>
      )}
      {facts.length > 0 && (
        <section className="card" aria-labelledby="facts-heading">
          <h3 id="facts-heading">{generic ? (object.spec !== undefined ? "Spec" : "Fields") : "Details"}</h3>
          <Facts facts={facts} label="Details" />
        </section>
      )}
      {isPod(object) && <Containers cluster={cluster} type={type} pod={object} />}
      {kind === "Service" && <Ports object={object} />}
      {kind === "Node" && <NodeResources node={object} />}
      {(kind === "ConfigMap" || kind === "Secret") && <DataKeys object={object} />}
      <RelatedObjects object={object} queries={relatedQueries(object)} />
      <section className="card" aria-labelledby="metadata-heading">
        <h3 id="metadata-heading">Metadata</h3>
        <dl className="facts">
          <div className="fact">
            <dt>Created</dt>
            <dd>
              <When iso={metadata.creationTimestamp} />
            </dd>
          </div>
          {metadata.deletionTimestamp && (
            <div className="fact">
              <dt>Deletion requested</dt>
              <dd>
                <span className="health health-warn">
                  <When iso={metadata.deletionTimestamp} />
                </span>
              </dd>
            </div>
          )}
          <Owners object={object} />
          <div className="fact">
            <dt>UID</dt>
            <dd className="mono">{metadata.uid}</dd>
          </div>
          <div className="fact">
            <dt>Resource version</dt>
            <dd className="mono">{metadata.resourceVersion}</dd>
          </div>
          {metadata.generation !== undefined && (
            <div className="fact">
              <dt>Generation</dt>
              <dd>{metadata.generation}</dd>
            </div>
          )}
          {metadata.finalizers && metadata.finalizers.length > 0 && (
            <div className="fact">
              <dt>Finalizers</dt>
              <dd className="mono">{metadata.finalizers.join(", ")}</dd>
            </div>
          )}
          <Labels type={type} labels={metadata.labels ?? {}} />
          <Annotations annotations={metadata.annotations ?? {}} />
        </dl>
      </section>
    </div>
  );
}
