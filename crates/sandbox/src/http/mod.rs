//! The HTTP layer: routes kube-apiserver's paths to [`crate::api`] calls, negotiates JSON /
//! Table / watch streams, authenticates and authorizes. No API semantics live here.

pub mod auth;
mod discovery;
mod request;
mod reviews;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use concord_apimachinery::rbac::UserInfo;
use concord_openapi::FieldValidation;
use concord_patch::PatchType;
use serde_json::Value;

use crate::api::{Api, DeleteOptions, ListOptions, PatchBody, TableOptions, WatchOptions, WriteOptions};
use crate::registry::Resource;
use crate::status::ApiError;
use request::{Query, ResourcePath};

pub use request::MAX_BODY;

/// Shared state of the HTTP layer.
pub struct Server {
    /// The API.
    pub api: Arc<Api>,
    /// Authentication.
    pub authn: auth::Authn,
    /// `host:port` clients reach the server at (for `/api`'s serverAddressByClientCIDRs).
    pub address: String,
}

/// The router: every path goes through one handler, as kube-apiserver's paths are parsed, not
/// matched.
pub fn router(server: Arc<Server>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(server)
}

/// A JSON response.
pub fn json_response(code: StatusCode, value: &Value) -> Response {
    json_bytes_response(code, serde_json::to_vec(value).unwrap_or_default())
}

/// A response of JSON already encoded.
fn json_bytes_response(code: StatusCode, body: Vec<u8>) -> Response {
    (code, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

async fn handle(
    State(server): State<Arc<Server>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    let query = Query::parse(uri.query());
    let result = async {
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| ApiError::too_large(MAX_BODY))?;
        let user = server.authn.authenticate(&headers, Some(peer))?;
        let policy = server.api.policy();
        let user = auth::impersonate(&policy, user, &headers)?;
        // One policy snapshot serves the whole request: impersonation and authorization.
        route(&server, &policy, &user, &method, &path, &query, &headers, body).await
    }
    .await;
    match result {
        Ok(response) => response,
        Err(error) => {
            tracing::debug!(%method, %path, code = error.code, message = %error.message, "request failed");
            error.into_response()
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn route(
    server: &Server,
    policy: &concord_apimachinery::rbac::Policy,
    user: &UserInfo,
    method: &Method,
    path: &str,
    query: &Query,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let api = &server.api;
    let Some(request) = request::parse_path(path) else {
        auth::authorize(policy, &auth::path_attributes(user, method.as_str(), path))?;
        return non_resource(server, path, query, headers);
    };
    if !request::accepts_json(headers) && !request::wants_table(headers) {
        return Err(ApiError::not_acceptable("application/json, application/yaml"));
    }
    let registry = api.registry();
    if request.resource.is_empty() {
        // Group-version discovery.
        auth::authorize(policy, &auth::path_attributes(user, method.as_str(), path))?;
        return match discovery::resource_list(&registry, &request.group, &request.version) {
            Some(doc) => Ok(json_response(StatusCode::OK, &doc)),
            None => Err(ApiError::no_such_resource()),
        };
    }
    let Some(resource) = registry.get(&request.group, &request.version, &request.resource).cloned() else {
        return Err(ApiError::no_such_resource());
    };
    if resource.namespaced
        && request.namespace.is_none()
        && (request.name.is_some() || *method == Method::POST)
    {
        // A namespaced object, or a new one, needs its namespace in the path.
        return Err(ApiError::no_such_resource());
    }
    if !resource.namespaced && request.namespace.is_some() {
        return Err(ApiError::no_such_resource());
    }
    if let Some(sub) = &request.subresource
        && resource.subresource(sub).is_none()
        && !(resource.plural == "namespaces" && sub == "finalize")
    {
        return Err(ApiError::no_such_resource());
    }
    let verb = request::verb(method, &request, query);
    if verb.is_empty() {
        return Err(ApiError::method_not_allowed(method.as_str(), status_target(&resource, "")));
    }
    let mut attributes = auth::resource_attributes(user, verb, &request);
    if matches!(verb, "list" | "watch") {
        // kube-apiserver authorizes a list or watch of one name (fieldSelector metadata.name=x)
        // as a request for that name, so resourceNames rules allow it.
        let selector = query
            .get("fieldSelector")
            .and_then(|s| concord_apimachinery::fields::FieldSelector::parse(s).ok());
        if let Some(name) = selector.as_ref().and_then(|s| s.requires_exact_match("metadata.name")) {
            attributes = attributes.name(name);
        }
    }
    auth::authorize(policy, &attributes)?;
    if resource.group == "authorization.k8s.io" || resource.group == "authentication.k8s.io" {
        let body = object_body(headers, &body)?;
        return reviews::review(policy, user, &resource, body)
            .map(|v| json_response(StatusCode::CREATED, &v));
    }
    resource_request(server, &resource, &request, verb, query, headers, body).await
}

#[allow(clippy::too_many_arguments)]
async fn resource_request(
    server: &Server,
    resource: &Arc<Resource>,
    request: &ResourcePath,
    verb: &str,
    query: &Query,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let api = &server.api;
    let ns = request.namespace.as_deref();
    let name = request.name.as_deref().unwrap_or_default();
    let sub = request.subresource.as_deref();
    match verb {
        "get" => {
            if sub == Some("log") {
                return Err(pod_log(api, resource, ns, name));
            }
            let object = api.get(resource, ns, name)?;
            let object = if sub == Some("scale") { api.scale(resource, &object) } else { object };
            if request::wants_table(headers) && sub.is_none() {
                let bytes = serde_json::to_vec(&object).map_err(|e| ApiError::internal(e.to_string()))?;
                let table = api.table_of(resource, &[&bytes], table_options(query)?);
                return Ok(json_bytes_response(StatusCode::OK, table));
            }
            Ok(json_response(StatusCode::OK, &object))
        }
        "list" => {
            let options = list_options(query)?;
            let page = api.list(resource, ns, &options)?;
            if request::wants_table(headers) {
                let include = table_options(query)?;
                let api = api.clone();
                // Printing thousands of rows is CPU work: off the async workers, sent as it goes.
                let (pieces, body) = tokio::sync::mpsc::channel::<Bytes>(4);
                tokio::task::spawn_blocking(move || {
                    api.table(&page, include, |piece| pieces.blocking_send(Bytes::from(piece)).is_ok())
                });
                let body = tokio_stream::wrappers::ReceiverStream::new(body);
                let body =
                    Body::from_stream(futures_util::StreamExt::map(body, Ok::<_, std::convert::Infallible>));
                return Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response());
            }
            Ok(list_response(resource, &page))
        }
        "watch" => watch(api, resource, request, query, headers),
        "create" => {
            let body = object_body(headers, &body)?;
            let options = write_options(query, headers, "CreateOptions")?;
            let written = api.create(resource, ns, body, &options).await?;
            Ok(written_response(written))
        }
        "update" => {
            let body = object_body(headers, &body)?;
            let options = write_options(query, headers, "UpdateOptions")?;
            let written = api.update(resource, ns, name, sub, body, &options).await?;
            Ok(written_response(written))
        }
        "patch" => {
            let content_type = request::content_type(headers);
            let patch = if content_type == "application/apply-patch+yaml" {
                PatchBody::Apply(request::yaml_body(&body)?)
            } else {
                let Some(patch_type) = PatchType::from_content_type(&content_type) else {
                    return Err(ApiError::unsupported_media_type(&[
                        "application/json-patch+json",
                        "application/merge-patch+json",
                        "application/apply-patch+yaml",
                        "application/strategic-merge-patch+json",
                    ]));
                };
                PatchBody::Patch(patch_type, request::json_body(&body)?)
            };
            let mut options = write_options(query, headers, "PatchOptions")?;
            options.force = query.flag("force");
            if options.force && !matches!(patch, PatchBody::Apply(_)) {
                return Err(request::invalid_option(
                    "PatchOptions",
                    "force",
                    "Forbidden: may not be specified for non-apply patch".into(),
                    "FieldValueForbidden",
                ));
            }
            let written = api.patch(resource, ns, name, sub, patch, &options).await?;
            Ok(written_response(written))
        }
        "delete" => {
            let options = delete_options(query, headers, &body)?;
            let deleted = api.delete(resource, ns, name, &options).await?;
            if deleted.finished && !resource.returns_deleted_object() {
                let mut details = serde_json::json!({"name": name, "kind": resource.plural, "uid": crate::api::str_at(&deleted.object, "/metadata/uid")});
                if !resource.group.is_empty() {
                    details["group"] = resource.group.clone().into();
                }
                return Ok(json_response(StatusCode::OK, &crate::status::success(details)));
            }
            Ok(json_response(StatusCode::OK, &deleted.object))
        }
        "deletecollection" => {
            let options = delete_options(query, headers, &body)?;
            let list = list_options(query)?;
            let deleted = api.delete_collection(resource, ns, &list, &options).await?;
            Ok(json_response(StatusCode::OK, &deleted))
        }
        _ => Err(ApiError::method_not_allowed(verb, status_target(resource, name))),
    }
}

fn status_target<'a>(resource: &'a Resource, name: &'a str) -> crate::status::Target<'a> {
    crate::status::Target { group: &resource.group, resource: &resource.plural, name }
}

/// Pod logs: the sandbox runs no containers, so a pod has no logs to show until a node runs it.
fn pod_log(api: &Api, resource: &Resource, ns: Option<&str>, name: &str) -> ApiError {
    match api.get(resource, ns, name) {
        Err(e) => e,
        Ok(pod) => {
            let node = pod.pointer("/spec/nodeName").and_then(Value::as_str).unwrap_or_default();
            if node.is_empty() {
                ApiError::bad_request(format!("pod {name} does not have a host assigned"))
            } else {
                ApiError::bad_request(format!("the sandbox runs no containers, so pod {name} has no logs"))
            }
        }
    }
}

/// Non-resource paths: health, version, discovery roots and OpenAPI.
fn non_resource(
    server: &Server,
    path: &str,
    query: &Query,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let api = &server.api;
    let registry = api.registry();
    let path = path.trim_end_matches('/');
    match path {
        "/healthz" | "/livez" | "/readyz" => {
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response())
        }
        "/version" => Ok(json_response(StatusCode::OK, &discovery::version())),
        "/api" if request::wants_aggregated(headers) => {
            Ok(aggregated_response(discovery::aggregated(&registry, true)))
        }
        "/api" => Ok(json_response(StatusCode::OK, &discovery::core_versions(&server.address))),
        "/apis" if request::wants_aggregated(headers) => {
            Ok(aggregated_response(discovery::aggregated(&registry, false)))
        }
        "/apis" => Ok(json_response(StatusCode::OK, &discovery::groups(&registry))),
        "/openapi/v2" => {
            let docs = api.documents()?;
            Ok(json_response(StatusCode::OK, docs.v2()))
        }
        "/openapi/v3" => {
            let docs = api.documents()?;
            Ok(json_response(StatusCode::OK, &docs.v3_index()))
        }
        _ => {
            if let Some(gv) = path.strip_prefix("/openapi/v3/") {
                let docs = api.documents()?;
                let Some((doc, hash)) = docs.v3(gv) else {
                    return Err(not_found_path());
                };
                let mut response = json_response(StatusCode::OK, doc);
                let cache =
                    if query.get("hash") == Some(hash) { "public, immutable" } else { "no-cache, private" };
                response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                if let Ok(etag) = HeaderValue::from_str(&format!("\"{hash}\"")) {
                    response.headers_mut().insert(header::ETAG, etag);
                }
                return Ok(response);
            }
            if let Some(group) = path.strip_prefix("/apis/")
                && let Some(doc) = discovery::one_group(&registry, group)
            {
                return Ok(json_response(StatusCode::OK, &doc));
            }
            Err(not_found_path())
        }
    }
}

fn not_found_path() -> ApiError {
    ApiError {
        code: 404,
        reason: "NotFound",
        message: "the server could not find the requested resource".into(),
        details: None,
    }
}

fn aggregated_response(doc: Value) -> Response {
    let body = serde_json::to_vec(&doc).unwrap_or_default();
    ([(header::CONTENT_TYPE, discovery::AGGREGATED)], body).into_response()
}

/// A list answer, streamed from the stored bytes: no item is re-encoded or copied.
fn list_response(resource: &Resource, page: &crate::api::ListResult) -> Response {
    let head = serde_json::json!({"kind": format!("{}List", resource.kind), "apiVersion": resource.api_version(), "metadata": page.metadata()});
    let mut head = serde_json::to_vec(&head).unwrap_or_default();
    head.pop(); // the closing brace: items follow
    head.extend_from_slice(b",\"items\":[");
    let items = page.items.clone();
    let chunks = std::iter::once(Bytes::from(head))
        .chain(items.into_iter().enumerate().flat_map(|(i, item)| {
            let separator = (i > 0).then(|| Bytes::from_static(b","));
            separator.into_iter().chain(std::iter::once(Bytes::from_owner(item)))
        }))
        .chain(std::iter::once(Bytes::from_static(b"]}")))
        .map(Ok::<_, std::convert::Infallible>);
    let mut response = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn written_response(written: crate::api::Written) -> Response {
    let code = if written.created { StatusCode::CREATED } else { StatusCode::OK };
    let mut response = match written.encoded {
        Some(body) => json_bytes_response(code, body),
        None => json_response(code, &written.object),
    };
    for warning in written.warnings {
        // kube-apiserver's Warning header form: 299 - "<text>".
        let text = format!("299 - \"{}\"", warning.replace('\\', "\\\\").replace('"', "\\\""));
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().append("warning", value);
        }
    }
    response
}

/// A watch: newline-delimited JSON events, streamed.
fn watch(
    api: &Arc<Api>,
    resource: &Arc<Resource>,
    request: &ResourcePath,
    query: &Query,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let mut list = list_options(query)?;
    list.limit = 0;
    if let Some(name) = &request.name {
        // A watch of one object is a watch of a field selector on its name.
        let selector = format!("metadata.name={name}");
        list.field_selector = Some(
            concord_apimachinery::fields::FieldSelector::parse(&selector)
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        );
    }
    let options = WatchOptions {
        list,
        bookmarks: query.flag("allowWatchBookmarks"),
        send_initial_events: query.flag("sendInitialEvents"),
        timeout: query.get("timeoutSeconds").and_then(|t| t.parse().ok()).map(std::time::Duration::from_secs),
    };
    let events = api.watch(resource, request.namespace.as_deref(), options)?;
    let table = request::wants_table(headers).then(|| (api.clone(), resource.clone(), table_options(query)));
    let stream = tokio_stream::wrappers::ReceiverStream::new(events);
    let stream = futures_util::StreamExt::map(stream, move |event| {
        let line = match &table {
            Some((api, resource, Ok(include))) if matches!(event.kind, "ADDED" | "MODIFIED" | "DELETED") => {
                let table = api.table_of(resource, &[&event.object], *include);
                event.line_with(&table)
            }
            _ => event.to_line(),
        };
        Ok::<_, std::convert::Infallible>(Bytes::from(line))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, private"));
    Ok(response)
}

fn list_options(query: &Query) -> Result<ListOptions, ApiError> {
    let label_selector = match query.get("labelSelector").filter(|s| !s.is_empty()) {
        Some(s) => Some(
            concord_apimachinery::labels::LabelSelector::parse(s)
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        ),
        None => None,
    };
    let field_selector = match query.get("fieldSelector").filter(|s| !s.is_empty()) {
        Some(s) => Some(
            concord_apimachinery::fields::FieldSelector::parse(s)
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        ),
        None => None,
    };
    let limit = match query.get("limit").filter(|s| !s.is_empty()) {
        Some(l) => l.parse::<i64>().map_err(|_| ApiError::bad_request(format!("invalid limit: {l}")))?.max(0)
            as usize,
        None => 0,
    };
    Ok(ListOptions {
        label_selector,
        field_selector,
        limit,
        continue_token: query.get("continue").map(str::to_string),
        resource_version: query.get("resourceVersion").map(str::to_string),
        resource_version_match: query
            .get("resourceVersionMatch")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        field_labels: None,
    })
}

fn table_options(query: &Query) -> Result<TableOptions, ApiError> {
    match query.get("includeObject") {
        None | Some("") | Some("PartialObjectMetadata") => Ok(TableOptions::Metadata),
        Some("Object") => Ok(TableOptions::Object),
        Some("None") => Ok(TableOptions::None),
        Some(other) => Err(ApiError::bad_request(format!(
            "includeObject: Unsupported value: \"{other}\": supported values: \"Object\", \"None\", \"PartialObjectMetadata\""
        ))),
    }
}

fn write_options(query: &Query, headers: &HeaderMap, options: &str) -> Result<WriteOptions, ApiError> {
    let validation = match query.get("fieldValidation") {
        None | Some("") => FieldValidation::Warn,
        Some(value) => FieldValidation::from_query(value).ok_or_else(|| {
            request::invalid_option(
                options,
                "fieldValidation",
                format!("Unsupported value: \"{value}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
                "FieldValueNotSupported",
            )
        })?,
    };
    let field_manager = match query.get("fieldManager").filter(|m| !m.is_empty()) {
        Some(m) if m.len() > 128 => {
            return Err(request::invalid_option(
                options,
                "fieldManager",
                "Too long: may not be more than 128 bytes".into(),
                "FieldValueTooLong",
            ));
        }
        Some(m) => m.to_string(),
        None => default_manager(headers),
    };
    Ok(WriteOptions { dry_run: query.dry_run(options)?, field_manager, validation, force: false })
}

/// kube-apiserver's default field manager: the user agent up to its first `/` (empty without
/// one, as kube records it).
fn default_manager(headers: &HeaderMap) -> String {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    agent.split('/').next().unwrap_or_default().chars().take(128).collect()
}

fn delete_options(query: &Query, headers: &HeaderMap, body: &[u8]) -> Result<DeleteOptions, ApiError> {
    let mut options = DeleteOptions { dry_run: query.dry_run("DeleteOptions")?, ..DeleteOptions::default() };
    if let Some(policy) = query.get("propagationPolicy").filter(|p| !p.is_empty()) {
        options.propagation = Some(crate::api::parse_propagation(policy)?);
    }
    if query.flag("orphanDependents") {
        options.propagation = Some(crate::api::Propagation::Orphan);
    }
    if let Some(uid) = query.get("preconditions.uid") {
        options.uid = Some(uid.to_string());
    }
    if let Some(rv) = query.get("preconditions.resourceVersion") {
        options.resource_version = Some(rv.to_string());
    }
    options.from_body(&object_body(headers, body)?)
}

/// The body of a create, update, delete or review: JSON, YAML with `application/yaml`, or
/// Kubernetes protobuf (what client-go's typed clients send).
fn object_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    match request::content_type(headers).as_str() {
        "" | "application/json" => request::json_body(body),
        "application/yaml" => request::yaml_body(body),
        concord_protobuf::CONTENT_TYPE => {
            if body.is_empty() {
                return Ok(Value::Null);
            }
            concord_protobuf::decode(body).map_err(|e| match e {
                concord_protobuf::ProtobufError::UnsupportedKind { .. } => {
                    ApiError::unsupported_media_type(&[
                        "application/json",
                        "application/yaml",
                        "application/vnd.kubernetes.protobuf (for the kinds the sandbox decodes)",
                    ])
                }
                other => ApiError::bad_request(other.to_string()),
            })
        }
        _ => Err(ApiError::unsupported_media_type(&[
            "application/json",
            "application/yaml",
            concord_protobuf::CONTENT_TYPE,
        ])),
    }
}
