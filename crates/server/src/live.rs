//! Live updates: one upstream watch per (cluster, resource type), shared by every browser that
//! follows it, relisting when the API server says the watch is too old (410) — kube-runtime's
//! watcher does the list-then-watch and the relists. Each follower gets a snapshot and then the
//! changes, filtered to its namespaces and label selector, and only after the cluster said —
//! asked with the follower's own identity — that it may list and watch them.
//!
//! The cache keeps each object as compact JSON without `managedFields` (a browser that needs
//! them reads the object itself), so 100,000 pods fit in a few hundred MiB.

mod table;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use concord_apimachinery::labels::LabelSelector;
use futures_util::StreamExt;
use kube::api::{Api, ApiResource, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde_json::value::RawValue;
use tokio::sync::{broadcast, watch};

pub use self::table::RowPrinter;
use crate::cluster::{Access, Cluster, ClusterError, ResourceType};

/// How long a shared watch outlives its last follower (a page reload should not relist).
const LINGER: Duration = Duration::from_secs(60);

/// How long a follower waits for the shared watch's first list: much longer than one request
/// may take, since listing 100,000 objects takes seconds.
pub const FIRST_LIST: Duration = Duration::from_secs(120);

/// How many changes a slow follower may fall behind before it gets a fresh snapshot instead.
const BACKLOG: usize = 4096;

/// An object as the cache keeps it: its JSON, and what filters look at.
#[derive(Debug)]
pub struct Cached {
    namespace: Arc<str>,
    name: Arc<str>,
    labels: Box<[(Box<str>, Box<str>)]>,
    resource_version: Box<str>,
    json: Box<RawValue>,
}

/// Objects by namespace and name (shared with the objects, not copied).
type Key = (Arc<str>, Arc<str>);

impl Cached {
    fn new(mut object: DynamicObject, resource: &ApiResource) -> Option<Cached> {
        object.metadata.managed_fields = None;
        if object.types.is_none() {
            // List items come without them; watch events with.
            object.types = Some(kube::api::TypeMeta {
                api_version: resource.api_version.clone(),
                kind: resource.kind.clone(),
            });
        }
        let json = serde_json::value::to_raw_value(&object).ok()?;
        let metadata = object.metadata;
        let labels =
            metadata.labels.unwrap_or_default().into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Some(Cached {
            namespace: metadata.namespace.unwrap_or_default().into(),
            name: metadata.name.unwrap_or_default().into(),
            labels,
            resource_version: metadata.resource_version.unwrap_or_default().into(),
            json,
        })
    }

    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }

    fn label(&self, key: &str) -> Option<&str> {
        self.labels.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }

    /// The object's JSON.
    pub fn json(&self) -> &str {
        self.json.get()
    }

    /// Its `resourceVersion`.
    pub fn resource_version(&self) -> &str {
        &self.resource_version
    }
}

/// One change to the cached objects.
#[derive(Debug)]
enum Change {
    /// An object was added or changed; `before` is what the cache had.
    Applied { before: Option<Arc<Cached>>, after: Arc<Cached> },
    /// An object was deleted.
    Deleted(Arc<Cached>),
    /// The watch relisted: everything may have changed.
    Reset,
}

/// What a follower wants to see.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Only these namespaces; all when empty.
    pub namespaces: Vec<String>,
    /// Only objects with matching labels.
    pub selector: LabelSelector,
    /// Only the object of this name (an editor following the object it edits).
    pub name: Option<String>,
}

impl Filter {
    fn admits(&self, object: &Cached) -> bool {
        (self.namespaces.is_empty() || self.namespaces.iter().any(|n| **n == *object.namespace))
            && self.name.as_deref().is_none_or(|name| name == &*object.name)
            && self.selector.matches_with(|key| object.label(key))
    }

    /// The access questions a follower must be allowed: list and watch, in each namespace.
    pub fn access(&self, resource: &ResourceType) -> Vec<Access> {
        let namespaces: Vec<Option<String>> = if self.namespaces.is_empty() {
            vec![None]
        } else {
            self.namespaces.iter().cloned().map(Some).collect()
        };
        let mut questions = Vec::new();
        for namespace in namespaces {
            for verb in ["list", "watch"] {
                questions.push(Access {
                    verb: verb.into(),
                    group: resource.group.clone(),
                    resource: resource.resource.clone(),
                    namespace: namespace.clone(),
                });
            }
        }
        questions
    }
}

/// What a follower receives.
#[derive(Debug)]
pub enum Update {
    /// Every admitted object, as of now: replaces whatever the follower had.
    Snapshot(Vec<Arc<Cached>>),
    /// An object was added to, changed in, or removed from what the follower sees (an object
    /// whose labels stop matching is removed, one whose labels start matching is added).
    Change {
        /// `ADDED`, `MODIFIED` or `DELETED`, as in a Kubernetes watch.
        kind: &'static str,
        /// The object (its last state, when deleted).
        object: Arc<Cached>,
    },
}

/// The shared watches of a server.
#[derive(Default)]
pub struct Hub {
    watches: Mutex<HashMap<(String, ResourceType), Arc<Shared>>>,
}

/// One upstream watch and its cache.
struct Shared {
    state: Mutex<State>,
    /// How the objects print as Table rows; set before the first list completes.
    printer: OnceLock<Arc<RowPrinter>>,
    changes: broadcast::Sender<Arc<Change>>,
    ready: watch::Receiver<Option<Result<(), String>>>,
    followers: AtomicUsize,
    task: tokio::task::AbortHandle,
}

#[derive(Default)]
struct State {
    objects: HashMap<Key, Arc<Cached>>,
}

/// A follower of a shared watch: its updates, until it is dropped.
pub struct Follower {
    shared: Arc<Shared>,
    hub: Arc<Hub>,
    key: (String, ResourceType),
    filter: Filter,
    changes: broadcast::Receiver<Arc<Change>>,
    pending: Option<Vec<Arc<Cached>>>,
}

impl Hub {
    /// Follows `resource` on `cluster` (named `name`; the server's own identity there feeds
    /// the cache): waits for the shared watch's first list, then a snapshot of what `filter`
    /// admits and every change after it. The caller checks the follower's permissions first.
    pub async fn follow(
        self: &Arc<Hub>,
        name: &str,
        cluster: &Cluster,
        resource: &ResourceType,
        filter: Filter,
        timeout: Duration,
    ) -> Result<Follower, ClusterError> {
        let key = (name.to_owned(), resource.clone());
        let shared = {
            let mut watches = self.watches.lock().unwrap_or_else(|p| p.into_inner());
            match watches.get(&key) {
                Some(shared) => shared.clone(),
                None => {
                    let started = Shared::start(cluster, resource);
                    watches.insert(key.clone(), started.clone());
                    started
                }
            }
        };
        shared.followers.fetch_add(1, Ordering::SeqCst);
        let mut ready = shared.ready.clone();
        let waited = tokio::time::timeout(timeout, ready.wait_for(Option::is_some)).await;
        let outcome = match waited {
            Err(_) => Err(ClusterError::Timeout(timeout)),
            Ok(Err(_)) => Err(ClusterError::Unreachable("the watch ended".into())),
            Ok(Ok(state)) => match state.as_ref() {
                Some(Err(message)) => Err(ClusterError::Unreachable(message.clone())),
                _ => Ok(()),
            },
        };
        let (snapshot, changes) = shared.subscribe(&filter);
        let follower = Follower { shared, hub: self.clone(), key, filter, changes, pending: Some(snapshot) };
        // Dropped on failure, which lets the watch go when nobody else follows it.
        outcome.map(|()| follower)
    }

    /// How many shared watches are running.
    pub fn watches(&self) -> usize {
        self.watches.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Stops the watch of `key` if it still has no followers.
    fn release(&self, key: &(String, ResourceType), shared: &Arc<Shared>) {
        let mut watches = self.watches.lock().unwrap_or_else(|p| p.into_inner());
        if shared.followers.load(Ordering::SeqCst) == 0
            && watches.get(key).is_some_and(|current| Arc::ptr_eq(current, shared))
        {
            watches.remove(key);
            shared.task.abort();
        }
    }
}

impl Shared {
    fn start(cluster: &Cluster, resource: &ResourceType) -> Arc<Shared> {
        let (changes, _) = broadcast::channel(BACKLOG);
        let (ready_tx, ready) = watch::channel(None);
        let client = cluster.client().clone();
        let resource = resource.clone();
        // The task needs the Shared it fills, which needs the task's handle: it waits for it.
        let (shared_tx, shared_rx) = tokio::sync::oneshot::channel::<Arc<Shared>>();
        let task = tokio::spawn(async move {
            let Ok(shared) = shared_rx.await else { return };
            shared.run(client, resource, ready_tx).await;
        });
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            printer: OnceLock::new(),
            changes,
            ready,
            followers: AtomicUsize::new(0),
            task: task.abort_handle(),
        });
        let _ = shared_tx.send(shared.clone());
        shared
    }

    /// Lists and watches until aborted; kube-runtime's watcher retries with backoff and
    /// relists when the watch's version is gone.
    async fn run(
        self: Arc<Self>,
        client: kube::Client,
        resource: ResourceType,
        ready: watch::Sender<Option<Result<(), String>>>,
    ) {
        let api_resource = match kind_of(&client, &resource).await {
            Ok(found) => found,
            Err(message) => {
                let _ = ready.send(Some(Err(message)));
                return;
            }
        };
        let _ = self.printer.set(Arc::new(RowPrinter::resolve(&client, &resource, &api_resource.kind).await));
        let api: Api<DynamicObject> = Api::all_with(client, &api_resource);
        let mut events = watcher::watcher(api, watcher::Config::default()).default_backoff().boxed();
        let mut relisting: Option<HashMap<Key, Arc<Cached>>> = None;
        while let Some(event) = events.next().await {
            match event {
                Err(error) => {
                    tracing::warn!(resource = ?resource, %error, "watch failed; retrying");
                    if ready.borrow().is_none() {
                        let _ = ready.send(Some(Err(format!("cannot list {}: {error}", resource.resource))));
                    }
                }
                Ok(Event::Init) => relisting = Some(HashMap::new()),
                Ok(Event::InitApply(object)) => {
                    if let (Some(fresh), Some(cached)) = (&mut relisting, Cached::new(object, &api_resource))
                    {
                        fresh.insert(cached.key(), Arc::new(cached));
                    }
                }
                Ok(Event::InitDone) => {
                    if let Some(fresh) = relisting.take() {
                        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                        state.objects = fresh;
                        let _ = self.changes.send(Arc::new(Change::Reset));
                    }
                    if !matches!(*ready.borrow(), Some(Ok(()))) {
                        let _ = ready.send(Some(Ok(())));
                    }
                }
                Ok(Event::Apply(object)) => {
                    let Some(cached) = Cached::new(object, &api_resource) else { continue };
                    let after = Arc::new(cached);
                    let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                    let before =
                        state.objects.insert((after.namespace.clone(), after.name.clone()), after.clone());
                    let _ = self.changes.send(Arc::new(Change::Applied { before, after }));
                }
                Ok(Event::Delete(object)) => {
                    let Some(cached) = Cached::new(object, &api_resource) else { continue };
                    let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                    let gone = state.objects.remove(&cached.key());
                    let _ = self
                        .changes
                        .send(Arc::new(Change::Deleted(gone.unwrap_or_else(|| Arc::new(cached)))));
                }
            }
        }
    }

    /// What `filter` admits now, and the changes after it: taken under the lock every change
    /// is made under, so none is missed or seen twice.
    fn subscribe(&self, filter: &Filter) -> (Vec<Arc<Cached>>, broadcast::Receiver<Arc<Change>>) {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut snapshot: Vec<Arc<Cached>> =
            state.objects.values().filter(|o| filter.admits(o)).cloned().collect();
        snapshot.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        (snapshot, self.changes.subscribe())
    }
}

/// The kind of `resource`, from discovery of its group version.
async fn kind_of(client: &kube::Client, resource: &ResourceType) -> Result<ApiResource, String> {
    let group_version = if resource.group.is_empty() {
        resource.version.clone()
    } else {
        format!("{}/{}", resource.group, resource.version)
    };
    let group = kube::discovery::oneshot::pinned_group(
        client,
        &kube::core::GroupVersion::gv(&resource.group, &resource.version),
    )
    .await
    .map_err(|e| format!("{group_version} is not served: {e}"))?;
    group
        .versioned_resources(&resource.version)
        .into_iter()
        .find(|(found, _)| found.plural == resource.resource)
        .map(|(found, _)| found)
        .ok_or_else(|| format!("{group_version} serves no resource {}", resource.resource))
}

impl Follower {
    /// How the followed objects print as Table rows.
    pub fn printer(&self) -> Option<Arc<RowPrinter>> {
        self.shared.printer.get().cloned()
    }

    /// The next update; `None` when the shared watch has ended.
    pub async fn next(&mut self) -> Option<Update> {
        if let Some(snapshot) = self.pending.take() {
            return Some(Update::Snapshot(snapshot));
        }
        loop {
            let change = match self.changes.recv().await {
                Ok(change) => change,
                Err(broadcast::error::RecvError::Lagged(_)) => return Some(self.resnapshot()),
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            match &*change {
                Change::Reset => return Some(self.resnapshot()),
                Change::Deleted(object) => {
                    if self.filter.admits(object) {
                        return Some(Update::Change { kind: "DELETED", object: object.clone() });
                    }
                }
                Change::Applied { before, after } => {
                    let was = before.as_ref().is_some_and(|b| self.filter.admits(b));
                    let kind = match (was, self.filter.admits(after)) {
                        (false, true) => "ADDED",
                        (true, true) => "MODIFIED",
                        (true, false) => "DELETED",
                        (false, false) => continue,
                    };
                    return Some(Update::Change { kind, object: after.clone() });
                }
            }
        }
    }

    fn resnapshot(&mut self) -> Update {
        let (snapshot, changes) = self.shared.subscribe(&self.filter);
        self.changes = changes;
        Update::Snapshot(snapshot)
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        if self.shared.followers.fetch_sub(1, Ordering::SeqCst) == 1 {
            let hub = self.hub.clone();
            let shared = self.shared.clone();
            let key = self.key.clone();
            // Dropped outside a runtime (at shutdown) there is nothing left to stop.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    tokio::time::sleep(LINGER).await;
                    hub.release(&key, &shared);
                });
            }
        }
    }
}
