//! API semantics: what each verb does to the store, independent of HTTP. Handlers in
//! [`crate::http`] parse a request into these calls; everything here speaks JSON values and
//! [`ApiError`]s.
//!
//! Writes follow kube-apiserver's optimistic loop: read the live object, compute the new one
//! (patching, validation, managedFields) outside the store's writer, then commit with a
//! compare-and-swap on the revision that was read. A lost race is retried for requests that
//! carry no `resourceVersion` of their own, and is a 409 Conflict for those that do.

mod builtin;
mod crd;
mod delete;
mod meta;
mod read;
mod scale;
mod table;
mod watch;
mod write;

use std::sync::{Arc, Mutex, RwLock};

use concord_store::{Store, Stored};
use serde_json::{Map, Value};

pub use delete::{DeleteOptions, Deleted, Propagation, parse_propagation};
pub use read::{ListOptions, ListResult, TableOptions};
pub use watch::{WatchEvent, WatchOptions};
pub use write::{PatchBody, WriteOptions, Written};

use crate::registry::{Registry, Resource};
use crate::status::{ApiError, Target};

/// How many times a write without its own precondition is retried after losing a race.
const MAX_RETRIES: usize = 32;

/// The sandbox's API: registry, store and the derived state (OpenAPI documents, RBAC policy).
pub struct Api {
    store: Store,
    registry: RwLock<Arc<Registry>>,
    documents: Mutex<Option<Arc<concord_openapi::Documents>>>,
    policy: Mutex<Option<Arc<concord_apimachinery::rbac::Policy>>>,
    /// Deletions of dependents and namespace contents run in the background, as kube's
    /// garbage collector and namespace controller do.
    background: tokio::sync::mpsc::UnboundedSender<delete::Cleanup>,
    /// Interval of watch bookmarks.
    bookmark_interval: std::time::Duration,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("revision", &self.store.revision()).finish_non_exhaustive()
    }
}

impl Api {
    /// An API over `store`; seeds the `default`, `kube-system`, `kube-public` and
    /// `kube-node-lease` namespaces and the bootstrap RBAC policy on first start, and starts the
    /// background cleanup task (so it must be called inside a tokio runtime).
    /// Watchers that ask for bookmarks get one every `bookmark_interval` (kube-apiserver: about
    /// a minute).
    pub async fn new(store: Store, bookmark_interval: std::time::Duration) -> Result<Arc<Api>, ApiError> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let api = Arc::new(Api {
            store,
            registry: RwLock::new(Arc::new(Registry::new(Vec::new()))),
            documents: Mutex::new(None),
            policy: Mutex::new(None),
            background: tx,
            bookmark_interval,
        });
        api.reload_crds();
        api.seed().await?;
        tokio::spawn(delete::run_cleanup(Arc::downgrade(&api), rx));
        api.resume_cleanups();
        Ok(api)
    }

    /// The store (for tests and benchmarks that look beneath the API).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current registry.
    pub fn registry(&self) -> Arc<Registry> {
        match self.registry.read() {
            Ok(r) => r.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The OpenAPI documents for the current registry, built on first use after a change.
    pub fn documents(&self) -> Result<Arc<concord_openapi::Documents>, ApiError> {
        let mut slot = self.documents.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(docs) = slot.as_ref() {
            return Ok(docs.clone());
        }
        let registry = self.registry();
        let resources: Vec<_> = registry.all().iter().map(|r| r.openapi()).collect();
        let crds: Vec<Value> = self.crd_objects();
        let docs = Arc::new(
            concord_openapi::Documents::build(&resources, &crds)
                .map_err(|e| ApiError::internal(format!("building OpenAPI documents: {e}")))?,
        );
        *slot = Some(docs.clone());
        Ok(docs)
    }

    /// The RBAC policy from the stored roles and bindings, rebuilt after any of them changes.
    pub fn policy(&self) -> Arc<concord_apimachinery::rbac::Policy> {
        let mut slot = self.policy.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(policy) = slot.as_ref() {
            return policy.clone();
        }
        let registry = self.registry();
        let objects = |plural: &str| match registry.get("rbac.authorization.k8s.io", "v1", plural) {
            Some(r) => self.current_objects(&r.key_prefix()),
            None => Vec::new(),
        };
        let (roles, bindings) = (objects("roles"), objects("rolebindings"));
        let (cluster_roles, cluster_bindings) = (objects("clusterroles"), objects("clusterrolebindings"));
        let policy = Arc::new(concord_apimachinery::rbac::Policy::new(
            &roles,
            &bindings,
            &cluster_roles,
            &cluster_bindings,
        ));
        *slot = Some(policy.clone());
        policy
    }

    /// Forgets derived state that depends on objects of `resource` after they changed.
    fn invalidate(&self, resource: &Resource) {
        match (resource.group.as_str(), resource.plural.as_str()) {
            ("rbac.authorization.k8s.io", _) => {
                *self.policy.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            ("apiextensions.k8s.io", "customresourcedefinitions") => self.reload_crds(),
            _ => {}
        }
    }

    /// Every current object under a key prefix, parsed.
    fn current_objects(&self, prefix: &str) -> Vec<Value> {
        match self.store.list(prefix, None, None, None) {
            Ok(page) => page.items.iter().filter_map(|(_, s)| parse_stored(s).ok()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The live object at `key` with its revision.
    fn live(&self, key: &str) -> Result<Option<(Value, u64)>, ApiError> {
        match self.store.get(key) {
            Some(stored) => Ok(Some((parse_stored(&stored)?, stored.revision))),
            None => Ok(None),
        }
    }

    /// Creates the namespaces and RBAC objects every cluster has, if they are missing.
    async fn seed(&self) -> Result<(), ApiError> {
        let registry = self.registry();
        let mut seeds: Vec<Value> = ["default", "kube-system", "kube-public", "kube-node-lease"]
            .iter()
            .map(|ns| serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}))
            .collect();
        seeds.extend(concord_apimachinery::rbac::bootstrap_objects());
        let options = &WriteOptions { field_manager: "kube-apiserver".into(), ..WriteOptions::default() };
        let mut creates = Vec::new();
        for object in seeds {
            let (group, version) = crate::registry::split_api_version(str_at(&object, "/apiVersion"));
            let Some(resource) = registry.by_kind(group, version, str_at(&object, "/kind")).cloned() else {
                continue;
            };
            let name = str_at(&object, "/metadata/name").to_string();
            if self.store.get(&resource.key(None, &name)).is_none() {
                creates.push((resource, object));
            }
        }
        // Concurrently, so the store commits them in a few group commits: start-up stays fast.
        let results =
            futures_util::future::join_all(creates.into_iter().map(|(resource, object)| async move {
                self.create(&resource, None, object, options).await
            }))
            .await;
        for result in results {
            match result {
                Ok(_) => {}
                Err(e) if e.reason == "AlreadyExists" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// Parses a stored object.
fn parse_stored(stored: &Stored) -> Result<Value, ApiError> {
    serde_json::from_slice(&stored.bytes)
        .map_err(|e| ApiError::internal(format!("stored object is corrupt: {e}")))
}

/// The string at a JSON pointer, or "".
pub(crate) fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// `metadata` of an object, made a map if it is missing or not one.
fn metadata_mut(object: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let meta = object.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    meta.as_object_mut().unwrap_or_else(|| unreachable!("metadata was just made a map"))
}

/// The target of an error about `name` of `resource`.
fn target<'a>(resource: &'a Resource, name: &'a str) -> Target<'a> {
    Target { group: &resource.group, resource: &resource.plural, name }
}

/// Maps a store error for a watch or list from `requested`: too old is 410 Expired with
/// kube-apiserver's "too old resource version" text.
fn store_revision_error(error: concord_store::StoreError, requested: u64, oldest: u64) -> ApiError {
    match error {
        concord_store::StoreError::Compacted { .. } => {
            ApiError::expired(format!("too old resource version: {requested} ({oldest})"))
        }
        other => ApiError::internal(other.to_string()),
    }
}
