//! Reading: discovery, lists (one namespace, several, or all; selectors; pages; the Table form),
//! single objects, the events of an object, and pod logs. Answers the API server gives whole are
//! passed on as bytes, unparsed: a list of 10,000 pods is 50 MB of JSON.

use axum::body::Bytes;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt;
use kube::api::{ApiResource, GroupVersionKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Cluster, ClusterError};

/// What the browser's tables ask the API server for: a `meta.k8s.io/v1` Table, falling back to
/// a plain list for the (old) servers that cannot print one.
const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// Aggregated discovery (one request per root instead of one per group version), then plain
/// JSON for servers without it.
const AGGREGATED: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

/// A resource type, as its URLs name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceType {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version.
    pub version: String,
    /// The plural resource name (`pods`, `deployments`).
    pub resource: String,
}

impl ResourceType {
    /// The API path of its objects: in `namespace`, or everywhere.
    pub fn path(&self, namespace: Option<&str>) -> String {
        let root = match self.group.as_str() {
            "" => format!("/api/{}", self.version),
            group => format!("/apis/{group}/{}", self.version),
        };
        match namespace {
            Some(ns) => format!("{root}/namespaces/{ns}/{}", self.resource),
            None => format!("{root}/{}", self.resource),
        }
    }

    /// The kube-rs description of it (the kind is not needed for reading and watching).
    pub fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(&self.group, &self.version, ""),
            &self.resource,
        )
    }
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// The namespaces to list in; all of them when empty.
    pub namespaces: Vec<String>,
    /// A label selector, as the API server takes it.
    pub label_selector: Option<String>,
    /// A field selector, as the API server takes it.
    pub field_selector: Option<String>,
    /// At most this many objects per page.
    pub limit: Option<u32>,
    /// Where the previous page ended (its `metadata.continue`).
    pub continue_token: Option<String>,
    /// A Table (the columns `kubectl get` prints) instead of the objects.
    pub table: bool,
}

/// Which logs to read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    /// The container; may be left out when the pod has one.
    pub container: Option<String>,
    /// Keep the stream open and send new lines as they come.
    #[serde(default)]
    pub follow: bool,
    /// The logs of the previous, terminated instance of the container.
    #[serde(default)]
    pub previous: bool,
    /// Only the last lines.
    pub tail_lines: Option<u32>,
    /// Only lines newer than this many seconds.
    pub since_seconds: Option<u32>,
    /// Prefix each line with its RFC 3339 timestamp.
    #[serde(default)]
    pub timestamps: bool,
}

/// A kind the cluster serves, as discovery describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedKind {
    /// The API group; empty for the core group.
    pub group: String,
    /// The version.
    pub version: String,
    /// Whether this is the group's preferred version.
    pub preferred: bool,
    /// The kind.
    pub kind: String,
    /// The plural resource name.
    pub resource: String,
    /// The singular resource name (`deployment`); empty when discovery does not say.
    pub singular: String,
    /// Whether its objects live in namespaces.
    pub namespaced: bool,
    /// The verbs it supports.
    pub verbs: Vec<String>,
    /// Short names (`deploy`, `cm`).
    pub short_names: Vec<String>,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Its subresources (`status`, `scale`, `log`).
    pub subresources: Vec<String>,
}

/// One page of a continue token spanning several namespaces: which namespace, and where in it.
#[derive(Debug, Serialize, Deserialize)]
struct SpanningToken {
    #[serde(rename = "n")]
    namespace: usize,
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    inner: Option<String>,
}

impl Cluster {
    /// Every kind the cluster serves, custom resources included, in every served version.
    pub async fn discover(&self) -> Result<Vec<ServedKind>, ClusterError> {
        let mut kinds = Vec::new();
        for root in ["/api", "/apis"] {
            let document = self.get_value(root, AGGREGATED).await?;
            if document.get("kind").and_then(Value::as_str) != Some("APIGroupDiscoveryList") {
                return self.discover_per_group().await;
            }
            for group in document["items"].as_array().into_iter().flatten() {
                served_kinds(group, &mut kinds);
            }
        }
        Ok(kinds)
    }

    /// Discovery one group version at a time, for API servers without aggregated discovery.
    async fn discover_per_group(&self) -> Result<Vec<ServedKind>, ClusterError> {
        let discovery = self.timed(kube::Discovery::new(self.client.clone()).run()).await?;
        let mut kinds = Vec::new();
        for group in discovery.groups() {
            let preferred = group.preferred_version_or_latest();
            for version in group.versions() {
                for (resource, capabilities) in group.versioned_resources(version) {
                    kinds.push(ServedKind {
                        group: resource.group,
                        version: resource.version,
                        preferred: version == preferred,
                        kind: resource.kind,
                        resource: resource.plural,
                        singular: String::new(),
                        namespaced: capabilities.scope == kube::discovery::Scope::Namespaced,
                        verbs: capabilities.operations,
                        short_names: Vec::new(),
                        categories: Vec::new(),
                        subresources: capabilities.subresources.into_iter().map(|(r, _)| r.plural).collect(),
                    });
                }
            }
        }
        Ok(kinds)
    }

    /// A page of `resource`'s objects (or their Table). Within one namespace or across all of
    /// them, the API server's answer is passed on as it is; across several namespaces the
    /// pages of each are joined, and `metadata.continue` says where the next page begins.
    pub async fn list(&self, resource: &ResourceType, query: &ListQuery) -> Result<Listing, ClusterError> {
        let accept = if query.table { TABLE } else { "application/json" };
        match query.namespaces.as_slice() {
            [] => {
                self.get_raw(&list_url(resource, None, query, query.continue_token.as_deref()), accept).await
            }
            [namespace] => {
                let url = list_url(resource, Some(namespace), query, query.continue_token.as_deref());
                self.get_raw(&url, accept).await
            }
            several => self.list_spanning(resource, several, query, accept).await.map(Listing::Joined),
        }
    }

    /// A page across several namespaces, one namespace after the other.
    async fn list_spanning(
        &self,
        resource: &ResourceType,
        namespaces: &[String],
        query: &ListQuery,
        accept: &str,
    ) -> Result<Value, ClusterError> {
        let mut at = match &query.continue_token {
            None => SpanningToken { namespace: 0, inner: None },
            Some(token) => URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<SpanningToken>(&bytes).ok())
                .filter(|t| t.namespace < namespaces.len())
                .ok_or_else(|| ClusterError::Refused {
                    code: 400,
                    reason: "BadRequest".into(),
                    message: "the continue token is not one this server gave for these namespaces".into(),
                })?,
        };
        let mut joined: Option<Value> = None;
        let mut budget = query.limit;
        let mut next = None;
        while at.namespace < namespaces.len() {
            let mut page_query = query.clone();
            page_query.limit = budget;
            let url = list_url(resource, Some(&namespaces[at.namespace]), &page_query, at.inner.as_deref());
            let mut page = self.get_value(&url, accept).await?;
            let continues = page.pointer("/metadata/continue").and_then(Value::as_str).map(str::to_owned);
            let rows =
                if page.get("kind").and_then(Value::as_str) == Some("Table") { "rows" } else { "items" };
            let taken = match page.get_mut(rows).and_then(Value::as_array_mut) {
                Some(list) => std::mem::take(list),
                None => Vec::new(),
            };
            let count = taken.len();
            let whole = joined.get_or_insert_with(|| {
                let mut first = page.clone();
                first["metadata"] = json!({});
                first
            });
            if let Some(list) = whole.get_mut(rows).and_then(Value::as_array_mut) {
                list.extend(taken);
            } else {
                whole[rows] = Value::Array(taken);
            }
            match continues.filter(|c| !c.is_empty()) {
                Some(inner) => at.inner = Some(inner),
                None => at = SpanningToken { namespace: at.namespace + 1, inner: None },
            }
            if let Some(left) = &mut budget {
                *left = left.saturating_sub(u32::try_from(count).unwrap_or(u32::MAX));
                if *left == 0 {
                    if at.namespace < namespaces.len() {
                        next = serde_json::to_vec(&at).ok().map(|bytes| URL_SAFE_NO_PAD.encode(bytes));
                    }
                    break;
                }
            }
        }
        let mut joined = joined.unwrap_or_else(|| json!({"kind": "List", "apiVersion": "v1", "items": []}));
        if let Some(token) = next {
            joined["metadata"] = json!({"continue": token});
        }
        Ok(joined)
    }

    /// One object (or its Table row), passed on as the API server gave it.
    pub async fn get_object(
        &self,
        resource: &ResourceType,
        namespace: Option<&str>,
        name: &str,
        table: bool,
    ) -> Result<Listing, ClusterError> {
        let url = format!("{}/{}", resource.path(namespace), encode_segment(name));
        self.get_raw(&url, if table { TABLE } else { "application/json" }).await
    }

    /// The events about the object with `uid` (in `namespace`, or anywhere for cluster-scoped
    /// objects), oldest first.
    pub async fn events(&self, namespace: Option<&str>, uid: &str) -> Result<Value, ClusterError> {
        let events = ResourceType { group: String::new(), version: "v1".into(), resource: "events".into() };
        let query =
            ListQuery { field_selector: Some(format!("involvedObject.uid={uid}")), ..ListQuery::default() };
        let mut list =
            self.get_value(&list_url(&events, namespace, &query, None), "application/json").await?;
        if let Some(items) = list.get_mut("items").and_then(Value::as_array_mut) {
            items.sort_by_cached_key(|event| {
                ["lastTimestamp", "eventTime", "firstTimestamp"]
                    .iter()
                    .find_map(|field| event.get(*field).and_then(Value::as_str).map(str::to_owned))
                    .or_else(|| {
                        event
                            .pointer("/metadata/creationTimestamp")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .unwrap_or_default()
            });
        }
        Ok(list)
    }

    /// A pod's logs as the API server streams them (for as long as it does, when following).
    pub async fn logs(&self, namespace: &str, pod: &str, query: &LogQuery) -> Result<Listing, ClusterError> {
        let url = format!(
            "/api/v1/namespaces/{}/pods/{}/log?{}",
            encode_segment(namespace),
            encode_segment(pod),
            log_params(query)
        );
        self.get_raw(&url, "text/plain, */*").await
    }

    /// GETs `url`; the answer unparsed when it is a success, the API server's `Status` as a
    /// refusal otherwise. Only the wait for the answer to begin is bounded: a followed log or a
    /// large list may take as long as it takes to arrive.
    async fn get_raw(&self, url: &str, accept: &str) -> Result<Listing, ClusterError> {
        let request = http::Request::get(url)
            .header(http::header::ACCEPT, accept)
            .body(kube::client::Body::empty())
            .map_err(|e| ClusterError::Unreachable(format!("cannot make the request: {e}")))?;
        let response = self.timed(self.client.send(request)).await?;
        let status = response.status();
        if status.is_success() {
            let content_type = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_owned();
            return Ok(Listing::Passed { content_type, body: response.into_body() });
        }
        let bytes = self.timed(collect(response.into_body())).await?;
        Err(refusal(status.as_u16(), &bytes))
    }

    /// GETs `url` and parses the answer.
    async fn get_value(&self, url: &str, accept: &str) -> Result<Value, ClusterError> {
        match self.get_raw(url, accept).await? {
            Listing::Passed { body, .. } => {
                let bytes = self.timed(collect(body)).await?;
                serde_json::from_slice(&bytes)
                    .map_err(|e| ClusterError::Unreachable(format!("the cluster's answer is not JSON: {e}")))
            }
            Listing::Joined(value) => Ok(value),
        }
    }
}

/// What a read gives back.
pub enum Listing {
    /// The API server's answer, passed on unparsed.
    Passed {
        /// Its content type.
        content_type: String,
        /// Its body, still arriving.
        body: kube::client::Body,
    },
    /// An answer put together from several of the API server's.
    Joined(Value),
}

/// The body of an answer, whole.
async fn collect(body: kube::client::Body) -> Result<Bytes, kube::Error> {
    Ok(body.collect().await?.to_bytes())
}

/// The refusal a non-success answer carries: its `Status`, or the text itself.
fn refusal(code: u16, bytes: &[u8]) -> ClusterError {
    let status: Option<Map<String, Value>> = serde_json::from_slice(bytes).ok();
    let text =
        |key: &str| status.as_ref().and_then(|s| s.get(key)).and_then(Value::as_str).map(str::to_owned);
    ClusterError::Refused {
        code,
        reason: text("reason").unwrap_or_default(),
        message: text("message").unwrap_or_else(|| String::from_utf8_lossy(bytes).trim().to_owned()),
    }
}

/// A list URL with the query's selectors and limit and the given continue token.
fn list_url(
    resource: &ResourceType,
    namespace: Option<&str>,
    query: &ListQuery,
    continue_token: Option<&str>,
) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    if let Some(selector) = query.label_selector.as_deref().filter(|s| !s.is_empty()) {
        params.append_pair("labelSelector", selector);
    }
    if let Some(selector) = query.field_selector.as_deref().filter(|s| !s.is_empty()) {
        params.append_pair("fieldSelector", selector);
    }
    if let Some(limit) = query.limit {
        params.append_pair("limit", &limit.to_string());
    }
    if let Some(token) = continue_token.filter(|t| !t.is_empty()) {
        params.append_pair("continue", token);
    }
    let params = params.finish();
    let path = resource.path(namespace.map(encode_segment).as_deref());
    if params.is_empty() { path } else { format!("{path}?{params}") }
}

/// The query string of a log request.
fn log_params(query: &LogQuery) -> String {
    let mut params = form_urlencoded::Serializer::new(String::new());
    if let Some(container) = &query.container {
        params.append_pair("container", container);
    }
    for (flag, name) in
        [(query.follow, "follow"), (query.previous, "previous"), (query.timestamps, "timestamps")]
    {
        if flag {
            params.append_pair(name, "true");
        }
    }
    if let Some(lines) = query.tail_lines {
        params.append_pair("tailLines", &lines.to_string());
    }
    if let Some(seconds) = query.since_seconds {
        params.append_pair("sinceSeconds", &seconds.to_string());
    }
    params.finish()
}

/// A path segment made safe: names cannot hold `/`, but a request could.
fn encode_segment(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

/// The kinds of one `APIGroupDiscovery` (aggregated discovery, v2).
fn served_kinds(group: &Value, into: &mut Vec<ServedKind>) {
    let name = group.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
    let strings = |v: &Value, key: &str| -> Vec<String> {
        v.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    for (index, version) in group["versions"].as_array().into_iter().flatten().enumerate() {
        let version_name = version["version"].as_str().unwrap_or_default();
        for resource in version["resources"].as_array().into_iter().flatten() {
            let kind = resource.pointer("/responseKind/kind").and_then(Value::as_str).unwrap_or_default();
            into.push(ServedKind {
                group: name.to_owned(),
                version: version_name.to_owned(),
                // Aggregated discovery lists a group's versions in order of preference.
                preferred: index == 0,
                kind: kind.to_owned(),
                resource: resource["resource"].as_str().unwrap_or_default().to_owned(),
                singular: resource["singularResource"].as_str().unwrap_or_default().to_owned(),
                namespaced: resource["scope"].as_str() == Some("Namespaced"),
                verbs: strings(resource, "verbs"),
                short_names: strings(resource, "shortNames"),
                categories: strings(resource, "categories"),
                subresources: resource["subresources"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["subresource"].as_str().map(str::to_owned))
                    .collect(),
            });
        }
    }
}
