//! Reading, as the caller: clusters, discovery, lists and objects, events, logs, and live
//! updates as server-sent events.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use concord_apimachinery::labels::LabelSelector;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Failure;
use crate::auth::Caller;
use crate::cluster::{ListQuery, Listing, LogQuery, ResourceType};
use crate::live::{Filter, Update};
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
#[derive(Deserialize, Default)]
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

impl ListParams {
    fn namespaces(&self) -> Vec<String> {
        self.namespace
            .iter()
            .flat_map(|n| n.split(','))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn table(&self) -> Result<bool, Failure> {
        match self.view.as_deref() {
            None | Some("object") => Ok(false),
            Some("table") => Ok(true),
            Some(other) => Err(Failure::invalid(format!("view={other}: use table or object"))),
        }
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
        namespaces: params.namespaces(),
        label_selector: params.label_selector.clone(),
        field_selector: params.field_selector.clone(),
        limit: params.limit,
        continue_token: params.continue_token.clone(),
        table: params.table()?,
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
    let table = ListParams { view: params.view, ..ListParams::default() }.table()?;
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

/// `GET /api/v1/clusters/{cluster}/watch/{group}/{version}/{resource}`: server-sent events.
/// First `snapshot` (`{"items": [...]}`, every object the filter admits), then `change`
/// (`{"type": "ADDED"|"MODIFIED"|"DELETED", "object": …}`, the event id being the object's
/// `resourceVersion`), a new `snapshot` whenever the upstream watch relisted or the browser
/// fell behind, and `error` (`{"message"}`) before the stream ends because the caller may no
/// longer list the objects.
pub(super) async fn watch(
    State(server): State<Arc<Server>>,
    caller: Caller,
    Path(path): Path<TypePath>,
    Query(params): Query<ListParams>,
) -> Result<Response, Failure> {
    if params.limit.is_some() || params.continue_token.is_some() || params.field_selector.is_some() {
        return Err(Failure::invalid("a watch takes namespace and labelSelector only".into()));
    }
    let resource = path.resource_type();
    let selector = LabelSelector::parse(params.label_selector.as_deref().unwrap_or_default())
        .map_err(|e| Failure::invalid(format!("labelSelector: {e}")))?;
    let filter = Filter { namespaces: params.namespaces(), selector };
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
    let timeout = own.cluster.timeout();
    let mut follower = server.live.follow(name, &own.cluster, &resource, filter, timeout).await?;
    let (events, receiver) = tokio::sync::mpsc::channel::<Event>(64);
    let cluster = name.to_owned();
    tokio::spawn(async move {
        let mut recheck = tokio::time::interval(server.recheck());
        recheck.tick().await;
        loop {
            let event = tokio::select! {
                update = follower.next() => match update {
                    Some(update) => sse_event(update),
                    None => error_event("the cluster's watch ended"),
                },
                _ = recheck.tick() => match server.may(&caller, &cluster, &questions).await {
                    Ok(true) => continue,
                    Ok(false) => error_event("permission to list these objects was withdrawn"),
                    Err(e) => error_event(&e.to_string()),
                },
                () = events.closed() => return,
            };
            let last = event.1;
            if events.send(event.0).await.is_err() || last {
                return;
            }
        }
    });
    let stream = futures_util::StreamExt::map(
        tokio_stream::wrappers::ReceiverStream::new(receiver),
        Ok::<_, Infallible>,
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
}

/// An update as a server-sent event, and whether it ends the stream.
fn sse_event(update: Update) -> (Event, bool) {
    match update {
        Update::Snapshot(objects) => {
            let mut data = String::from("{\"items\":[");
            for (index, object) in objects.iter().enumerate() {
                if index > 0 {
                    data.push(',');
                }
                data.push_str(object.json());
            }
            data.push_str("]}");
            (Event::default().event("snapshot").data(data), false)
        }
        Update::Change { kind, object } => {
            let data = format!("{{\"type\":\"{kind}\",\"object\":{}}}", object.json());
            (Event::default().event("change").id(object.resource_version()).data(data), false)
        }
    }
}

fn error_event(message: &str) -> (Event, bool) {
    (Event::default().event("error").data(json!({"message": message}).to_string()), true)
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
