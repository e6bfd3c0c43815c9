//! get and list: selectors, `limit`/`continue` over a consistent snapshot, `resourceVersion`
//! semantics, and the Table form.

use std::sync::Arc;

use base64::Engine;
use concord_apimachinery::fields::FieldSelector;
use concord_apimachinery::labels::LabelSelector;
use concord_store::StoreError;
use serde_json::{Value, json};

use super::{Api, parse_stored, target};
use crate::registry::Resource;
use crate::status::ApiError;

/// Query parameters of a list (and of a watch's filter).
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// `labelSelector`.
    pub label_selector: Option<LabelSelector>,
    /// `fieldSelector`.
    pub field_selector: Option<FieldSelector>,
    /// `limit` (0: no limit).
    pub limit: usize,
    /// `continue`.
    pub continue_token: Option<String>,
    /// `resourceVersion`.
    pub resource_version: Option<String>,
    /// `resourceVersionMatch`.
    pub resource_version_match: Option<String>,
    /// The resource's field labels, kept by [`ListOptions::for_resource`] so matching many
    /// objects does not rebuild them per object.
    pub(crate) field_labels: Option<concord_apimachinery::fields::FieldLabels>,
}

/// How a Table answer includes each row's object (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableOptions {
    /// No object.
    None,
    /// `PartialObjectMetadata`, the default.
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

/// One page of a list.
#[derive(Debug)]
pub struct ListResult {
    /// The resource listed.
    pub resource: Arc<Resource>,
    /// Items as stored (JSON bytes).
    pub items: Vec<Arc<[u8]>>,
    /// The revision the list reflects.
    pub revision: u64,
    /// The `continue` token of the next page, if any.
    pub continue_token: Option<String>,
    /// `remainingItemCount`, when known (lists without selectors).
    pub remaining: Option<u64>,
}

const EXPIRED_CONTINUE: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

impl ListResult {
    /// The list's `metadata`: resourceVersion, and `continue` and `remainingItemCount` when set.
    pub fn metadata(&self) -> Value {
        let mut metadata = serde_json::Map::new();
        metadata.insert("resourceVersion".into(), self.revision.to_string().into());
        if let Some(token) = &self.continue_token {
            metadata.insert("continue".into(), token.clone().into());
        }
        if let Some(remaining) = self.remaining {
            metadata.insert("remainingItemCount".into(), remaining.into());
        }
        Value::Object(metadata)
    }
}

impl ListOptions {
    /// Whether an object passes the selectors.
    pub fn matches(&self, resource: &Resource, object: &Value) -> bool {
        if let Some(labels) = &self.label_selector {
            let empty = serde_json::Map::new();
            let map = object.pointer("/metadata/labels").and_then(Value::as_object).unwrap_or(&empty);
            if !labels.matches(map) {
                return false;
            }
        }
        if let Some(fields) = &self.field_selector {
            let matched = match &self.field_labels {
                Some(labels) => labels.matches(fields, object),
                None => resource.field_labels().matches(fields, object),
            };
            if !matched {
                return false;
            }
        }
        true
    }

    /// Checks the field selector against the fields the resource supports (kube-apiserver's 400
    /// otherwise) and puts it in canonical form.
    pub fn for_resource(mut self, resource: &Resource) -> Result<ListOptions, ApiError> {
        if let Some(fields) = &self.field_selector {
            let labels = resource.field_labels();
            let converted = labels.convert(fields).map_err(|e| ApiError::bad_request(e.to_string()))?;
            self.field_selector = Some(converted);
            self.field_labels = Some(labels);
        }
        Ok(self)
    }

    /// Whether any selector filters objects out.
    pub(super) fn filters(&self) -> bool {
        self.label_selector.as_ref().is_some_and(|s| !s.is_empty())
            || self.field_selector.as_ref().is_some_and(|s| !s.is_empty())
    }
}

/// The decoded `continue` token: the snapshot revision and the last key returned.
#[derive(serde::Serialize, serde::Deserialize)]
struct Continue {
    v: String,
    rv: u64,
    start: String,
}

fn encode_continue(revision: u64, last_key: &str) -> String {
    let token = Continue { v: "meta.k8s.io/v1".into(), rv: revision, start: last_key.to_string() };
    let json = serde_json::to_vec(&token).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE.encode(json)
}

fn decode_continue(token: &str) -> Result<Continue, ApiError> {
    let invalid = || ApiError::bad_request(format!("continue key is not valid: {token}"));
    let bytes = base64::engine::general_purpose::URL_SAFE.decode(token).map_err(|_| invalid())?;
    let decoded: Continue = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if decoded.v != "meta.k8s.io/v1" {
        return Err(invalid());
    }
    Ok(decoded)
}

impl Api {
    /// GET of one object.
    pub fn get(&self, resource: &Resource, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
        match self.store.get(&resource.key(namespace, name)) {
            Some(stored) => parse_stored(&stored),
            None => Err(ApiError::not_found(target(resource, name))),
        }
    }

    /// LIST: one page of the objects of `resource` in `namespace` (all namespaces for None).
    pub fn list(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<ListResult, ApiError> {
        let options = &options.clone().for_resource(resource)?;
        let prefix = resource.namespace_prefix(namespace);
        let (mut at, mut start_after) = (None, None);
        if let Some(token) = options.continue_token.as_deref().filter(|t| !t.is_empty()) {
            let decoded = decode_continue(token)?;
            at = Some(decoded.rv);
            start_after = Some(format!("{prefix}{}", decoded.start));
        } else {
            at = self.list_revision(options)?.or(at);
        }
        let filtering = options.filters();
        let mut items = Vec::new();
        let mut revision;
        let mut last_key: Option<String> = None;
        let mut more;
        loop {
            let want = if options.limit == 0 {
                None
            } else {
                Some((options.limit - items.len()).max(if filtering { 500 } else { 0 }))
            };
            let page = self
                .store
                .list(&prefix, start_after.as_deref(), want, at)
                .map_err(|e| store_error(e, EXPIRED_CONTINUE))?;
            revision = page.revision;
            at = Some(revision);
            more = page.more;
            let mut stopped_early = false;
            for (key, stored) in page.items {
                if options.limit != 0 && items.len() == options.limit {
                    stopped_early = true;
                    break;
                }
                last_key = Some(key.clone());
                if filtering {
                    let Ok(object) = serde_json::from_slice::<Value>(&stored.bytes) else { continue };
                    if !options.matches(resource, &object) {
                        continue;
                    }
                }
                items.push(stored.bytes.clone());
            }
            if stopped_early {
                more = true;
                break;
            }
            if !more || options.limit == 0 || items.len() >= options.limit {
                break;
            }
            start_after = last_key.clone();
        }
        let continue_token = match (&last_key, more && options.limit != 0) {
            (Some(key), true) => Some(encode_continue(revision, key.strip_prefix(&prefix).unwrap_or(key))),
            _ => None,
        };
        let remaining = if continue_token.is_some() && !filtering {
            let rest = self.store.count(&prefix, last_key.as_deref(), Some(revision)).unwrap_or(0);
            Some(rest as u64)
        } else {
            None
        };
        Ok(ListResult { resource: resource.clone(), items, revision, continue_token, remaining })
    }

    /// Every object a list would return, parsed (for deletecollection).
    pub(super) fn list_objects(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        options: &ListOptions,
    ) -> Result<Vec<Value>, ApiError> {
        let all = ListOptions { limit: 0, continue_token: None, ..options.clone() };
        let result = self.list(resource, namespace, &all)?;
        Ok(result.items.iter().filter_map(|b| serde_json::from_slice(b).ok()).collect())
    }

    /// The snapshot revision a list asks for with `resourceVersion` / `resourceVersionMatch`.
    fn list_revision(&self, options: &ListOptions) -> Result<Option<u64>, ApiError> {
        let version = options.resource_version.as_deref().unwrap_or_default();
        let matching = options.resource_version_match.as_deref().unwrap_or_default();
        if version.is_empty() {
            if !matching.is_empty() {
                return Err(ApiError::bad_request("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided".to_string()));
            }
            return Ok(None);
        }
        let revision: u64 = version
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version: {version}")))?;
        match matching {
            "Exact" => {
                if revision == 0 {
                    return Err(ApiError::bad_request(
                        "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                    ));
                }
                if revision > self.store.revision() {
                    return Err(too_large(revision));
                }
                Ok(Some(revision))
            }
            "" | "NotOlderThan" => {
                if revision > self.store.revision() {
                    return Err(too_large(revision));
                }
                Ok(None)
            }
            other => Err(ApiError::bad_request(format!(
                "resourceVersionMatch: Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\""
            ))),
        }
    }
}

/// 504 kube-apiserver gives for a list at a revision it has not reached.
fn too_large(revision: u64) -> ApiError {
    ApiError {
        code: 504,
        reason: "Timeout",
        message: format!("Too large resource version: {revision}, current: less than {revision}"),
        details: Some(
            json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
        ),
    }
}

/// Maps a store error: too-old revisions are 410 Expired with `expired` as message.
pub(super) fn store_error(error: StoreError, expired: &str) -> ApiError {
    match error {
        StoreError::Compacted { .. } => ApiError::expired(expired),
        other => ApiError::internal(other.to_string()),
    }
}
