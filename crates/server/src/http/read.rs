//! Reading, as the caller: clusters, discovery, lists and objects, events, logs, and live
//! updates as server-sent events.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use concord_apimachinery::labels::LabelSelector;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Failure;
use crate::auth::Caller;
use crate::cluster::{ListQuery, Listing, LogQuery, ResourceType};
use crate::live::{Cached, FIRST_LIST, Filter, RowPrinter, Update};
use crate::server::Server;

/// A resource type in a URL: `/{group}/{version}/{resource}`, the core group spelled `core`.
#[derive(Deserialize)]
pub(super) struct TypePath {
    cluster: String,
    group: String,
    version: String,
    resource: String,
}

impl TypePath {
    fn resource_type(&self) -> ResourceType {
        let group = if self.group == "core" { String::new() } else { self.group.clone() };
        ResourceType { group, version: self.version.clone(), resource: self.resource.clone() }
    }
}

/// The query of a list or a watch.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ListParams {
    /// Comma-separated namespaces; all when absent.
    namespace: Option<String>,
    label_selector: Option<String>,
    field_selector: Option<String>,
    limit: Option<u32>,
    #[serde(rename = "continue")]
    continue_token: Option<String>,
    /// `table` for the columns `kubectl get` prints.
    view: Option<String>,
}

/// The namespaces of a `namespace=a,b` query; all (none named) when absent.
fn namespaces(query: Option<&str>) -> Vec<String> {
    query
        .into_iter()
        .flat_map(|n| n.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a `view=` query asks for Table rows (`table`) or objects (`object`, or absent).
fn table_view(view: Option<&str>) -> Result<bool, Failure> {
    match view {
        None | Some("object") => Ok(false),
        Some("table") => Ok(true),
        Some(other) => Err(Failure::invalid(format!("view={other}: use table or object"))),
    }
}

/// `GET /api/v1/clusters`: the clusters, and who the caller is in each (in kubeconfig mode,
/// each context's user; otherwise the signed-in user).
pub(super) async fn clusters(State(server): State<Arc<Server>>, caller: Caller) -> Response {
    let mut list = Vec::new();
    for (name, own) in server.clusters() {
        let user = match &caller {
            Caller::Kubeconfig => Some(own.user.clone()),
            Caller::Token { user, .. } => user.clone(),
            Caller::Impersonated { user, .. } => Some(user.clone()),
        };
        list.push(json!({"name": name, "user": user, "default": name == server.default_cluster()}));
    }
    axum::Json(json!({"clusters": list, "auth": server.auth().name()})).into_response()
}

/// `GET /api/v1/clusters/{cluster}/discovery`: every kind the cluster serves.
pub(super) async fn discovery(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path(cluster): Path<String>,
) -> Result<Response, Failure> {
    let acting = server.acting(&caller, Some(&cluster)).await?;
    let kinds = acting.cluster.discover().await?;
    Ok(axum::Json(json!({"kinds": kinds})).into_response())
}

/// `GET /api/v1/clusters/{cluster}/objects/{group}/{version}/{resource}`: a page of objects.
pub(super) async fn list(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path(path): Path<TypePath>,
    Query(params): Query<ListParams>,
) -> Result<Response, Failure> {
    let query = ListQuery {
        namespaces: namespaces(params.namespace.as_deref()),
        label_selector: params.label_selector.clone(),
        field_selector: params.field_selector.clone(),
        limit: params.limit,
        continue_token: params.continue_token.clone(),
        table: table_view(params.view.as_deref())?,
    };
    let acting = server.acting(&caller, Some(&path.cluster)).await?;
    Ok(listing(acting.cluster.list(&path.resource_type(), &query).await?))
}

/// The query of a single object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ObjectParams {
    namespace: Option<String>,
    view: Option<String>,
}

/// `GET /api/v1/clusters/{cluster}/objects/{group}/{version}/{resource}/{name}`: one object.
pub(super) async fn object(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path((cluster, group, version, resource, name)): Path<(String, String, String, String, String)>,
    Query(params): Query<ObjectParams>,
) -> Result<Response, Failure> {
    let path = TypePath { cluster, group, version, resource };
    let table = table_view(params.view.as_deref())?;
    let acting = server.acting(&caller, Some(&path.cluster)).await?;
    let namespace = params.namespace.as_deref().filter(|n| !n.is_empty());
    Ok(listing(acting.cluster.get_object(&path.resource_type(), namespace, &name, table).await?))
}

/// The query of an object's events.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventParams {
    uid: String,
    namespace: Option<String>,
}

/// `GET /api/v1/clusters/{cluster}/events?uid=…&namespace=…`: the events about an object.
pub(super) async fn events(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path(cluster): Path<String>,
    Query(params): Query<EventParams>,
) -> Result<Response, Failure> {
    let acting = server.acting(&caller, Some(&cluster)).await?;
    let namespace = params.namespace.as_deref().filter(|n| !n.is_empty());
    Ok(axum::Json(acting.cluster.events(namespace, &params.uid).await?).into_response())
}

/// `GET /api/v1/clusters/{cluster}/logs/{namespace}/{pod}`: a pod's logs, streamed.
pub(super) async fn logs(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path((cluster, namespace, pod)): Path<(String, String, String)>,
    Query(query): Query<LogQuery>,
) -> Result<Response, Failure> {
    let acting = server.acting(&caller, Some(&cluster)).await?;
    Ok(listing(acting.cluster.logs(&namespace, &pod, &query).await?))
}

/// The query of a watch.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct WatchParams {
    /// Comma-separated namespaces; all when absent.
    namespace: Option<String>,
    label_selector: Option<String>,
    /// One object only.
    name: Option<String>,
    /// `table` for Table rows instead of objects.
    view: Option<String>,
}

/// `GET /api/v1/clusters/{cluster}/watch/{group}/{version}/{resource}`: server-sent events.
/// First a snapshot of every object the filter admits, in parts: `snapshot` (`{"items": [...],
/// "complete": bool}`, plus `columns` with `view=table`) then `more` events until one is
/// `complete`; then `change` (`{"type": "ADDED"|"MODIFIED"|"DELETED", "object": …}`, or `"row"`
/// with `view=table`; the event id is the object's `resourceVersion`), a new snapshot whenever
/// the upstream watch relisted or the browser fell behind, and `error` (`{"message"}`) before
/// the stream ends because the caller may no longer list the objects.
pub(super) async fn watch(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path(path): Path<TypePath>,
    Query(params): Query<WatchParams>,
) -> Result<Response, Failure> {
    let table = table_view(params.view.as_deref())?;
    let resource = path.resource_type();
    let selector = LabelSelector::parse(params.label_selector.as_deref().unwrap_or_default())
        .map_err(|e| Failure::invalid(format!("labelSelector: {e}")))?;
    let name = params.name.clone().filter(|n| !n.is_empty());
    let filter = Filter { namespaces: namespaces(params.namespace.as_deref()), selector, name };
    let questions = filter.access(&resource);
    if !server.may(&caller, &path.cluster, &questions).await? {
        let acting = server.acting(&caller, Some(&path.cluster)).await?;
        return Err(Failure::forbidden(format!(
            "{} may not list and watch {} {}",
            acting.user,
            resource.resource,
            match filter.namespaces.as_slice() {
                [] => "in all namespaces".to_owned(),
                some => format!("in namespace {}", some.join(", ")),
            }
        )));
    }
    let (name, own) = server.own(Some(&path.cluster))?;
    let patience = own.cluster.timeout().max(FIRST_LIST);
    let mut follower = server.live.follow(name, &own.cluster, &resource, filter, patience).await?;
    let (chunks, receiver) = tokio::sync::mpsc::channel::<Bytes>(8);
    let cluster = name.to_owned();
    // Set before the first list completes, which `follow` waited for.
    let printer = if table { follower.printer() } else { None };
    tokio::spawn(async move {
        let mut recheck = tokio::time::interval(server.recheck());
        recheck.tick().await;
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        keep_alive.tick().await;
        loop {
            let ended = tokio::select! {
                update = follower.next() => match update {
                    Some(Update::Snapshot(objects)) => {
                        send_snapshot(&chunks, &objects, printer.as_deref()).await.map(|()| false)
                    }
                    Some(Update::Change { kind, object }) => {
                        let event = match &printer {
                            Some(printer) => format!(
                                "event: change\nid: {}\ndata: {{\"type\":\"{kind}\",\"row\":{}}}\n\n",
                                object.resource_version(),
                                printer.row(object.json(), SystemTime::now())
                            ),
                            None => format!(
                                "event: change\nid: {}\ndata: {{\"type\":\"{kind}\",\"object\":{}}}\n\n",
                                object.resource_version(),
                                object.json()
                            ),
                        };
                        chunks.send(Bytes::from(event)).await.map(|()| false)
                    }
                    None => send_error(&chunks, "the cluster's watch ended").await,
                },
                _ = recheck.tick() => match server.may(&caller, &cluster, &questions).await {
                    Ok(true) => Ok(false),
                    Ok(false) => send_error(&chunks, "permission to list these objects was withdrawn").await,
                    Err(e) => send_error(&chunks, &e.to_string()).await,
                },
                _ = keep_alive.tick() => chunks.send(Bytes::from_static(b":\n\n")).await.map(|()| false),
                () = chunks.closed() => return,
            };
            if !matches!(ended, Ok(false)) {
                return;
            }
        }
    });
    let body = futures_util::StreamExt::map(
        tokio_stream::wrappers::ReceiverStream::new(receiver),
        Ok::<_, Infallible>,
    );
    Ok((
        [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}

/// How often an idle stream gets a comment, so proxies do not close it.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How many objects the first part of a snapshot holds: a screenful, so a browser shows
/// something at once while the rest arrives.
const FIRST_PART: usize = 100;

/// The size of every later part: 100,000 pods are 250 MB, which should never be one string.
const PART: usize = 256 << 10;

/// Sends a snapshot in parts: a `snapshot` event with the first [`FIRST_PART`] objects (and the
/// Table's columns when `printer` prints rows), then `more` events of about [`PART`] bytes,
/// the last one `complete`.
async fn send_snapshot(
    chunks: &tokio::sync::mpsc::Sender<Bytes>,
    objects: &[Arc<Cached>],
    printer: Option<&RowPrinter>,
) -> Result<(), tokio::sync::mpsc::error::SendError<Bytes>> {
    let now = SystemTime::now();
    let start = |first: bool| {
        let mut part = String::with_capacity(PART + (PART >> 2));
        match (first, printer) {
            (true, Some(printer)) => {
                part.push_str("event: snapshot\ndata: {\"columns\":");
                part.push_str(&printer.columns().to_string());
                part.push_str(",\"items\":[");
            }
            (true, None) => part.push_str("event: snapshot\ndata: {\"items\":["),
            (false, _) => part.push_str("event: more\ndata: {\"items\":["),
        }
        part
    };
    let mut part = start(true);
    let (mut first, mut in_part) = (true, 0);
    for (index, object) in objects.iter().enumerate() {
        if in_part > 0 {
            part.push(',');
        }
        match printer {
            Some(printer) => part.push_str(&printer.row(object.json(), now)),
            None => part.push_str(object.json()),
        }
        in_part += 1;
        let full = if first { in_part >= FIRST_PART } else { part.len() >= PART };
        if full && index + 1 < objects.len() {
            part.push_str("],\"complete\":false}\n\n");
            chunks.send(Bytes::from(std::mem::replace(&mut part, start(false)))).await?;
            (first, in_part) = (false, 0);
        }
    }
    part.push_str("],\"complete\":true}\n\n");
    chunks.send(Bytes::from(part)).await
}

/// Sends an `error` event; the stream ends after it.
async fn send_error(
    chunks: &tokio::sync::mpsc::Sender<Bytes>,
    message: &str,
) -> Result<bool, tokio::sync::mpsc::error::SendError<Bytes>> {
    let event = format!("event: error\ndata: {}\n\n", json!({"message": message}));
    chunks.send(Bytes::from(event)).await.map(|()| true)
}

/// A read's answer: the cluster's bytes as they arrive, or the joined JSON.
fn listing(listing: Listing) -> Response {
    match listing {
        Listing::Passed { content_type, body } => {
            ([(header::CONTENT_TYPE, content_type)], axum::body::Body::new(body)).into_response()
        }
        Listing::Joined(value) => axum::Json::<Value>(value).into_response(),
    }
}
