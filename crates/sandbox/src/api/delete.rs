//! delete, deletecollection, finalizers, and the background work deletion starts: removing a
//! namespace's contents and the dependents of a deleted owner (kube's namespace controller and
//! garbage collector, reduced to what a single-process server needs).

use std::sync::{Arc, Weak};

use serde_json::{Map, Value, json};

use super::meta::{self, finalizers, is_deleting};
use super::read::ListOptions;
use super::{Api, MAX_RETRIES, metadata_mut, str_at, target};
use crate::registry::Resource;
use crate::status::ApiError;

/// Finalizer kube-apiserver puts on an owner deleted with foreground propagation.
const FOREGROUND: &str = "foregroundDeletion";
/// Finalizer of a namespace whose contents are being deleted.
const NAMESPACE_FINALIZER: &str = "kubernetes";

/// `propagationPolicy` of a delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Dependents keep running without their owner reference.
    Orphan,
    /// The owner goes at once, dependents after it.
    #[default]
    Background,
    /// Dependents go first; the owner waits with a finalizer.
    Foreground,
}

/// `DeleteOptions` of a request (body and query parameters).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
    /// `propagationPolicy` (or the legacy `orphanDependents`).
    pub propagation: Option<Propagation>,
    /// `dryRun=All`.
    pub dry_run: bool,
}

impl DeleteOptions {
    /// Reads a `DeleteOptions` body, if there is one, over query-string values.
    pub fn from_body(mut self, body: &Value) -> Result<DeleteOptions, ApiError> {
        if body.is_null() {
            return Ok(self);
        }
        if !body.is_object() {
            return Err(ApiError::bad_request("the body of the request was not a DeleteOptions object"));
        }
        if let Some(uid) = body.pointer("/preconditions/uid").and_then(Value::as_str) {
            self.uid = Some(uid.to_string());
        }
        if let Some(rv) = body.pointer("/preconditions/resourceVersion").and_then(Value::as_str) {
            self.resource_version = Some(rv.to_string());
        }
        if let Some(policy) = body.get("propagationPolicy").and_then(Value::as_str) {
            self.propagation = Some(parse_propagation(policy)?);
        }
        if body.get("orphanDependents").and_then(Value::as_bool) == Some(true) {
            self.propagation = Some(Propagation::Orphan);
        }
        if let Some(dry) = body.get("dryRun").and_then(Value::as_array) {
            self.dry_run |= dry.iter().any(|d| d.as_str() == Some("All"));
        }
        Ok(self)
    }
}

/// Parses a `propagationPolicy` value.
pub fn parse_propagation(policy: &str) -> Result<Propagation, ApiError> {
    match policy {
        "Orphan" => Ok(Propagation::Orphan),
        "Background" => Ok(Propagation::Background),
        "Foreground" => Ok(Propagation::Foreground),
        other => Err(ApiError::invalid(
            "meta.k8s.io",
            "DeleteOptions",
            "",
            format!(
                "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
            ),
            vec![
                json!({"reason": "FieldValueNotSupported", "message": format!("Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""), "field": "propagationPolicy"}),
            ],
        )),
    }
}

/// The outcome of a delete.
#[derive(Debug)]
pub struct Deleted {
    /// The object: as it was when removed, or as marked for deletion.
    pub object: Value,
    /// Whether the object is gone (false: finalizers or dependents hold it).
    pub finished: bool,
}

/// Work the cleanup task does after a delete.
#[derive(Debug)]
pub(super) enum Cleanup {
    /// Delete (or orphan) everything owned by this uid.
    Dependents { uid: String, namespace: Option<String>, propagation: Propagation },
    /// Delete every object in a terminating namespace, then the namespace.
    Namespace(String),
    /// Finish a foreground deletion once the owner has no dependents left.
    Owner { resource: Arc<Resource>, namespace: Option<String>, name: String },
}

impl Api {
    /// DELETE of one object. Answers the object: gone, or marked for deletion when finalizers
    /// (or a foreground deletion, or a namespace's contents) hold it.
    pub async fn delete(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<Deleted, ApiError> {
        if !resource.allows("delete") {
            return Err(ApiError::method_not_allowed("delete", target(resource, name)));
        }
        let key = resource.key(namespace, name);
        let is_namespace = resource.group.is_empty() && resource.plural == "namespaces";
        for _ in 0..MAX_RETRIES {
            let Some((live, revision)) = self.live(&key)? else {
                return Err(ApiError::not_found(target(resource, name)));
            };
            if let Some(uid) = &options.uid
                && uid != meta::uid(&live)
            {
                return Err(ApiError::conflict(
                    target(resource, name),
                    &format!(
                        "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                        meta::uid(&live)
                    ),
                ));
            }
            if let Some(version) = &options.resource_version
                && *version != revision.to_string()
            {
                return Err(ApiError::conflict(
                    target(resource, name),
                    &format!(
                        "Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {revision}"
                    ),
                ));
            }
            let Value::Object(mut object) = live.clone() else {
                return Err(ApiError::internal("stored object is not a map"));
            };
            let propagation = options.propagation.unwrap_or_default();
            let mut holds = finalizers(&object);
            if propagation == Propagation::Foreground && !holds.iter().any(|f| f == FOREGROUND) {
                holds.push(FOREGROUND.into());
            }
            if is_namespace && !holds.iter().any(|f| f == NAMESPACE_FINALIZER) {
                holds.push(NAMESPACE_FINALIZER.into());
            }
            if options.dry_run {
                return Ok(Deleted { object: live, finished: holds.is_empty() });
            }
            let outcome = if holds.is_empty() {
                self.commit_delete(&key, revision).await?
            } else {
                if is_deleting(&object) && finalizers(&object) == holds {
                    return Ok(Deleted { object: live, finished: false }); // already being deleted
                }
                let meta = metadata_mut(&mut object);
                meta.entry("deletionTimestamp").or_insert_with(|| meta::now().into());
                meta.entry("deletionGracePeriodSeconds").or_insert(0.into());
                if !(holds.is_empty() || is_namespace && holds == [NAMESPACE_FINALIZER]) {
                    meta.insert("finalizers".into(), holds.iter().map(|f| Value::from(f.as_str())).collect());
                }
                if is_namespace {
                    object.insert("spec".into(), json!({"finalizers": [NAMESPACE_FINALIZER]}));
                    let status = object.entry("status").or_insert_with(|| json!({}));
                    if let Some(s) = status.as_object_mut() {
                        s.insert("phase".into(), "Terminating".into());
                    }
                }
                self.commit_put(&key, revision, object).await?
            };
            let Some(object) = outcome else { continue };
            self.invalidate(resource);
            if holds.is_empty() {
                self.after_delete(&object, propagation);
            } else if is_namespace {
                self.schedule(Cleanup::Namespace(name.to_string()));
            } else if propagation == Propagation::Foreground {
                self.schedule(Cleanup::Dependents {
                    uid: meta::uid(&object).to_string(),
                    namespace: namespace.map(str::to_string),
                    propagation,
                });
                self.schedule(Cleanup::Owner {
                    resource: resource.clone(),
                    namespace: namespace.map(str::to_string),
                    name: name.to_string(),
                });
            }
            return Ok(Deleted { object, finished: holds.is_empty() });
        }
        Err(ApiError::conflict(target(resource, name), "too many concurrent writes; please try again"))
    }

    /// DELETE of a collection: every object the selectors match.
    pub async fn delete_collection(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        list: &ListOptions,
        options: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        if !resource.allows("deletecollection") {
            return Err(ApiError::method_not_allowed("deletecollection", target(resource, "")));
        }
        let objects = self.list_objects(resource, namespace, list)?;
        let mut items = Vec::new();
        for object in objects {
            let name = str_at(&object, "/metadata/name").to_string();
            let ns = str_at(&object, "/metadata/namespace").to_string();
            let ns = if ns.is_empty() { None } else { Some(ns.as_str()) };
            match self
                .delete(
                    resource,
                    ns,
                    &name,
                    &DeleteOptions { uid: None, resource_version: None, ..options.clone() },
                )
                .await
            {
                Ok(deleted) => items.push(deleted.object),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(json!({
            "kind": format!("{}List", resource.kind),
            "apiVersion": resource.api_version(),
            "metadata": {"resourceVersion": self.store.revision().to_string()},
            "items": items,
        }))
    }

    /// Deletes `key` if its revision is still `expected`; the deleted object, or None on a race.
    async fn commit_delete(&self, key: &str, expected: u64) -> Result<Option<Value>, ApiError> {
        Ok(self.commit(key, Some(expected), None).await?.ok().map(|c| c.object))
    }

    /// Stores `object` at `key` if its revision is still `expected`; None on a race.
    async fn commit_put(
        &self,
        key: &str,
        expected: u64,
        object: Map<String, Value>,
    ) -> Result<Option<Value>, ApiError> {
        Ok(self.commit(key, Some(expected), Some(object)).await?.ok().map(|c| c.object))
    }

    /// What follows the removal of an object: its dependents are deleted or orphaned.
    pub(super) fn after_delete(&self, object: &Value, propagation: Propagation) {
        let uid = meta::uid(object);
        if !uid.is_empty() {
            let namespace =
                Some(str_at(object, "/metadata/namespace")).filter(|n| !n.is_empty()).map(str::to_string);
            self.schedule(Cleanup::Dependents { uid: uid.to_string(), namespace, propagation });
        }
    }

    fn schedule(&self, work: Cleanup) {
        if self.background.send(work).is_err() {
            tracing::warn!("cleanup task has stopped; dependents are not deleted");
        }
    }

    /// On start, resumes the deletion of namespaces that were terminating when the sandbox stopped.
    pub(super) fn resume_cleanups(&self) {
        let registry = self.registry();
        let Some(namespaces) = registry.get("", "v1", "namespaces") else { return };
        for ns in self.current_objects(&namespaces.key_prefix()) {
            if str_at(&ns, "/status/phase") == "Terminating" {
                self.schedule(Cleanup::Namespace(str_at(&ns, "/metadata/name").to_string()));
            }
        }
    }

    /// Every stored object (of any resource) owned by `uid`, with its resource.
    fn dependents(&self, uid: &str, namespace: Option<&str>) -> Vec<(Arc<Resource>, Value)> {
        let registry = self.registry();
        let needle = format!("\"uid\":\"{uid}\"");
        let mut found = Vec::new();
        let mut seen_prefixes = std::collections::HashSet::new();
        for resource in registry.all() {
            let prefix = resource.namespace_prefix(namespace.filter(|_| resource.namespaced));
            if !seen_prefixes.insert(prefix.clone()) {
                continue; // another version of a resource already scanned
            }
            let Ok(page) = self.store.list(&prefix, None, None, None) else { continue };
            for (_, stored) in page.items {
                // Cheap test on the raw bytes before parsing: most objects are not dependents.
                if !contains(&stored.bytes, needle.as_bytes()) {
                    continue;
                }
                let Ok(object) = serde_json::from_slice::<Value>(&stored.bytes) else { continue };
                let owned = object
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(|refs| refs.iter().any(|r| str_at(r, "/uid") == uid));
                if owned {
                    found.push((resource.clone(), object));
                }
            }
        }
        found
    }

    /// Carries out one piece of cleanup.
    async fn clean(&self, work: Cleanup) {
        match work {
            Cleanup::Dependents { uid, namespace, propagation } => {
                for (resource, object) in self.dependents(&uid, namespace.as_deref()) {
                    let name = str_at(&object, "/metadata/name").to_string();
                    let ns = Some(str_at(&object, "/metadata/namespace")).filter(|n| !n.is_empty());
                    let result = if propagation == Propagation::Orphan {
                        self.orphan(&resource, ns, &name, &uid).await
                    } else {
                        let options =
                            DeleteOptions { propagation: Some(propagation), ..DeleteOptions::default() };
                        self.delete(&resource, ns, &name, &options).await.map(drop)
                    };
                    if let Err(e) = result
                        && e.code != 404
                    {
                        tracing::warn!(%name, error = %e, "garbage collection failed");
                    }
                }
            }
            Cleanup::Namespace(namespace) => self.clean_namespace(&namespace).await,
            Cleanup::Owner { resource, namespace, name } => {
                let key = resource.key(namespace.as_deref(), &name);
                // Wait (bounded) until the dependents are gone, then drop the finalizer.
                for _ in 0..600 {
                    let Ok(Some((live, _))) = self.live(&key) else { return };
                    if self.dependents(meta::uid(&live), namespace.as_deref()).is_empty() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                if let Err(e) =
                    self.remove_finalizer(&resource, namespace.as_deref(), &name, FOREGROUND).await
                    && e.code != 404
                {
                    tracing::warn!(%name, error = %e, "finishing a foreground deletion failed");
                }
            }
        }
    }

    /// Removes `owner` from an object's ownerReferences.
    async fn orphan(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        owner: &str,
    ) -> Result<(), ApiError> {
        self.remove_from_metadata_list(resource, namespace, name, "ownerReferences", |r| {
            str_at(r, "/uid") == owner
        })
        .await
    }

    /// Removes one finalizer from an object (which completes its deletion if it was the last).
    async fn remove_finalizer(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        finalizer: &str,
    ) -> Result<(), ApiError> {
        self.remove_from_metadata_list(resource, namespace, name, "finalizers", |f| {
            f.as_str() == Some(finalizer)
        })
        .await
    }

    /// Removes the entries `remove` selects from a list in the object's metadata (and the list
    /// itself once empty), writing as kube's controller manager does.
    async fn remove_from_metadata_list(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        field: &str,
        remove: impl Fn(&Value) -> bool,
    ) -> Result<(), ApiError> {
        let change = |live: &Value| {
            let mut new = live.as_object().cloned().unwrap_or_default();
            let meta = metadata_mut(&mut new);
            if let Some(Value::Array(list)) = meta.get_mut(field) {
                list.retain(|entry| !remove(entry));
                if list.is_empty() {
                    meta.remove(field);
                }
            }
            Ok(super::write::Modified::Update(new))
        };
        let options =
            super::WriteOptions { field_manager: "kube-controller-manager".into(), ..Default::default() };
        self.modify(resource, namespace, name, None, &options, None, change).await.map(|_| ())
    }

    /// Deletes everything in a terminating namespace, then the namespace itself.
    async fn clean_namespace(&self, namespace: &str) {
        let registry = self.registry();
        for _ in 0..MAX_RETRIES {
            let mut remaining = 0;
            for resource in registry.all().iter().filter(|r| r.namespaced && r.allows("delete")) {
                let Ok(page) = self.store.list(&resource.namespace_prefix(Some(namespace)), None, None, None)
                else {
                    continue;
                };
                for (_, stored) in page.items {
                    let Ok(object) = serde_json::from_slice::<Value>(&stored.bytes) else { continue };
                    remaining += 1;
                    let name = str_at(&object, "/metadata/name").to_string();
                    if let Err(e) =
                        self.delete(resource, Some(namespace), &name, &DeleteOptions::default()).await
                        && e.code != 404
                    {
                        tracing::warn!(%namespace, %name, error = %e, "deleting namespace content failed");
                    }
                }
            }
            if remaining == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let Some(namespaces) = registry.get("", "v1", "namespaces").cloned() else { return };
        let key = namespaces.key(None, namespace);
        for _ in 0..MAX_RETRIES {
            let Ok(Some((_, revision))) = self.live(&key) else { return };
            match self.commit_delete(&key, revision).await {
                Ok(Some(_)) => return,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(%namespace, error = %e, "removing the namespace failed");
                    return;
                }
            }
        }
    }
}

/// Runs cleanups until the API is dropped.
pub(super) async fn run_cleanup(api: Weak<Api>, mut rx: tokio::sync::mpsc::UnboundedReceiver<Cleanup>) {
    while let Some(work) = rx.recv().await {
        let Some(api) = api.upgrade() else { return };
        // Each piece runs on its own task so a slow namespace does not hold up the others.
        tokio::spawn(async move { api.clean(work).await });
    }
}

/// Whether `haystack` contains `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
