//! Object metadata rules kube-apiserver applies on every write: identity fields it owns
//! (`uid`, `creationTimestamp`, `resourceVersion`, `generation`), what the main resource and the
//! `status` subresource may each change, and the request-versus-URL consistency checks.

use serde_json::{Map, Value};

use super::{metadata_mut, str_at};
use crate::registry::Resource;
use crate::status::ApiError;

/// Kinds whose `metadata.generation` tracks changes of their desired state. Custom resources
/// always track it.
const GENERATION_KINDS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Ingress",
    "CustomResourceDefinition",
    "Pod",
    "PersistentVolumeClaim",
];

/// The current time as kube-apiserver writes timestamps (`2026-11-24T10:00:00Z`).
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn tracks_generation(resource: &Resource) -> bool {
    resource.custom.is_some() || GENERATION_KINDS.contains(&resource.kind.as_str())
}

/// Checks that a request body is an object of the resource's kind, in the URL's namespace, and
/// fills in `apiVersion`, `kind` and `metadata.namespace` as kube-apiserver's decoder does.
pub fn check_body(
    resource: &Resource,
    namespace: Option<&str>,
    name: Option<&str>,
    body: Value,
) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(mut object) = body else {
        return Err(ApiError::bad_request(format!(
            "the body of the request was not a {} object",
            resource.kind
        )));
    };
    let expected = resource.api_version();
    match object.get("apiVersion").and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v != expected => {
            // kube-apiserver decodes into the URL's version; a body of another version of the same
            // group is converted, which for the sandbox's single-version resources means refused.
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({expected})"
            )));
        }
        _ => {}
    }
    match object.get("kind").and_then(Value::as_str) {
        Some(k) if !k.is_empty() && k != resource.kind => {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                resource.kind
            )));
        }
        _ => {}
    }
    object.insert("apiVersion".into(), expected.into());
    object.insert("kind".into(), resource.kind.clone().into());
    let meta = metadata_mut(&mut object);
    if resource.namespaced {
        let url_ns = namespace.unwrap_or_default();
        match meta.get("namespace").and_then(Value::as_str) {
            Some(ns) if !ns.is_empty() && ns != url_ns => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {
                meta.insert("namespace".into(), url_ns.into());
            }
        }
    } else {
        meta.remove("namespace");
    }
    if let Some(url_name) = name {
        match meta.get("name").and_then(Value::as_str) {
            Some(n) if !n.is_empty() && n != url_name => {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({n}) does not match the name on the URL ({url_name})"
                )));
            }
            _ => {
                meta.insert("name".into(), url_name.into());
            }
        }
    }
    Ok(object)
}

/// Sets what a create owns: a name from `generateName`, `uid`, `creationTimestamp`,
/// `generation`, and an empty status for kinds whose status only its subresource writes.
pub fn prepare_create(resource: &Resource, object: &mut Map<String, Value>) -> Result<(), ApiError> {
    let meta = metadata_mut(object);
    if meta.get("resourceVersion").and_then(Value::as_str).is_some_and(|v| !v.is_empty()) {
        return Err(ApiError::internal("resourceVersion should not be set on objects to be created"));
    }
    let has_name = meta.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
    if !has_name
        && let Some(prefix) = meta.get("generateName").and_then(Value::as_str).filter(|p| !p.is_empty())
    {
        let name = concord_apimachinery::names::generate_name(prefix, rand::random::<u32>);
        meta.insert("name".into(), name.into());
    }
    for owned in ["uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] {
        meta.remove(owned);
    }
    meta.insert("uid".into(), uuid::Uuid::new_v4().to_string().into());
    meta.insert("creationTimestamp".into(), now().into());
    if tracks_generation(resource) {
        meta.insert("generation".into(), 1.into());
    } else {
        meta.remove("generation");
    }
    if resource.has_status {
        object.remove("status");
        if let Some(status) = initial_status(resource, object) {
            object.insert("status".into(), status);
        }
    }
    Ok(())
}

/// The status kube-apiserver gives a new object of some kinds.
fn initial_status(resource: &Resource, object: &Map<String, Value>) -> Option<Value> {
    match (resource.group.as_str(), resource.kind.as_str()) {
        // No controller establishes CRDs in the sandbox: they are served as soon as they exist.
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            let time = now();
            let condition = |kind: &str, reason: &str, message: &str| serde_json::json!({"type": kind, "status": "True", "lastTransitionTime": time, "reason": reason, "message": message});
            Some(serde_json::json!({
                "acceptedNames": object.get("spec").and_then(|s| s.get("names")).cloned().unwrap_or_default(),
                "conditions": [
                    condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                    condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
                ],
                "storedVersions": object.get("spec").and_then(|s| s.get("versions")).and_then(Value::as_array)
                    .map(|vs| vs.iter().filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                        .filter_map(|v| v.get("name").cloned()).collect::<Vec<_>>()).unwrap_or_default(),
            }))
        }
        ("", "Namespace") => Some(serde_json::json!({"phase": "Active"})),
        ("", "Pod") => Some(serde_json::json!({"phase": "Pending", "qosClass": qos_class(object)})),
        ("", "PersistentVolumeClaim") | ("", "PersistentVolume") => {
            Some(serde_json::json!({"phase": "Pending"}))
        }
        ("", "Service") => Some(serde_json::json!({"loadBalancer": {}})),
        ("apps", "Deployment") | ("apps", "ReplicaSet") | ("apps", "StatefulSet") => {
            Some(serde_json::json!({}))
        }
        _ => None,
    }
}

/// A pod's quality-of-service class, as kube computes it from its containers' resources:
/// Guaranteed when every container limits CPU and memory and requests exactly its limits, BestEffort when nothing requests or limits anything, else Burstable.
fn qos_class(pod: &Map<String, Value>) -> &'static str {
    let containers: Vec<&Value> = ["containers", "initContainers"]
        .iter()
        .filter_map(|list| pod.get("spec").and_then(|s| s.get(*list)).and_then(Value::as_array))
        .flatten()
        .collect();
    let amounts = |container: &Value, kind: &str| -> Map<String, Value> {
        container
            .get("resources")
            .and_then(|r| r.get(kind))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut any = false;
    let mut guaranteed = !containers.is_empty();
    for container in containers {
        let (requests, limits) = (amounts(container, "requests"), amounts(container, "limits"));
        any |= !requests.is_empty() || !limits.is_empty();
        for resource in ["cpu", "memory"] {
            let limit = limits.get(resource);
            // A missing request defaults to the limit.
            let request = requests.get(resource).or(limit);
            if limit.is_none() || request != limit {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

/// Carries over from `old` what an update of `subresource` (None: the main resource) may not
/// change, and bumps `generation` when the desired state changed.
pub fn prepare_update(
    resource: &Resource,
    subresource: Option<&str>,
    old: &Map<String, Value>,
    new: &mut Map<String, Value>,
) {
    match subresource {
        Some("status") => {
            // The status subresource changes status only (and metadata kube lets it: none that
            // clients rely on), so start from the old object and take the new status.
            let status = new.remove("status");
            let new_meta = new.get("metadata").cloned();
            *new = old.clone();
            match status {
                Some(status) => new.insert("status".into(), status),
                None => new.remove("status"),
            };
            // managedFields travel with the request so the field manager can record the writer.
            if let Some(mf) = new_meta.as_ref().and_then(|m| m.get("managedFields")) {
                metadata_mut(new).insert("managedFields".into(), mf.clone());
            }
        }
        _ => {
            if resource.has_status {
                match old.get("status") {
                    Some(status) => new.insert("status".into(), status.clone()),
                    None => new.remove("status"),
                };
            }
        }
    }
    let old_meta = old.get("metadata").and_then(Value::as_object);
    let new_meta = metadata_mut(new);
    for owned in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"]
    {
        match old_meta.and_then(|m| m.get(owned)) {
            Some(v) => new_meta.insert(owned.into(), v.clone()),
            None => new_meta.remove(owned),
        };
    }
    new_meta.remove("selfLink");
    if tracks_generation(resource) && desired_state_changed(old, new) {
        let generation = old_meta.and_then(|m| m.get("generation")).and_then(Value::as_i64).unwrap_or(0);
        metadata_mut(new).insert("generation".into(), (generation + 1).into());
    }
}

/// Whether anything but metadata and status differs: what bumps `generation`.
fn desired_state_changed(old: &Map<String, Value>, new: &Map<String, Value>) -> bool {
    let skip = |k: &String| !matches!(k.as_str(), "metadata" | "status" | "apiVersion" | "kind");
    let a: Vec<_> = old.iter().filter(|(k, _)| skip(k)).collect();
    let b: Vec<_> = new.iter().filter(|(k, _)| skip(k)).collect();
    if a.len() != b.len() {
        return true;
    }
    a.iter().any(|(k, v)| new.get(k.as_str()) != Some(v))
}

/// The `resourceVersion` a request carries, if any.
pub fn request_version(object: &Map<String, Value>) -> Option<String> {
    object
        .get("metadata")
        .and_then(|m| m.get("resourceVersion"))
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The object's `uid`.
pub fn uid(object: &Value) -> &str {
    str_at(object, "/metadata/uid")
}

/// Writes the revision into `metadata.resourceVersion`.
pub fn set_version(object: &mut Map<String, Value>, revision: u64) {
    metadata_mut(object).insert("resourceVersion".into(), revision.to_string().into());
}

/// The object's finalizers.
pub fn finalizers(object: &Map<String, Value>) -> Vec<String> {
    object
        .get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|f| f.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Whether deletion of the object has begun.
pub fn is_deleting(object: &Map<String, Value>) -> bool {
    object.get("metadata").and_then(|m| m.get("deletionTimestamp")).is_some_and(|t| !t.is_null())
}
