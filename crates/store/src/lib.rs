//! The sandbox's durable, revisioned object store, with etcd's model.
//!
//! # Model
//!
//! The store maps opaque string keys (such as `/registry/apps/deployments/default/web`) to
//! bytes. One store-wide [`Revision`] counts committed writes: an empty store is at revision 1
//! and its first write gets revision **2** (as in etcd, whose empty cluster is at revision 1).
//! Every committed put or delete of one key gets the next revision, and each object remembers
//! the revision of the write that produced it ([`Stored::revision`], etcd's mod revision).
//! Revisions are never reused: the latest one is stored apart from the objects, so deleting
//! keys and reopening the store continues the sequence.
//!
//! # Writes: decided on the writer thread, group committed
//!
//! [`Store::write`] sends the key and a *decide* function to a single writer thread. The
//! writer calls `decide(current, new_revision)` with the key's current state, including the
//! effects of earlier requests of the same batch, and writes what it returns ([`Write::Put`],
//! [`Write::Delete`] or nothing for [`Write::Abort`]). Because no other write can run in
//! between, a decide function implements compare-and-swap preconditions atomically, and it can
//! embed the new revision in the bytes it stores (as kube-apiserver's `resourceVersion`).
//!
//! The writer takes every request already waiting (up to [`Options::max_batch`]), applies them
//! in order in **one** redb write transaction, commits it once with
//! [`redb::Durability::Immediate`] (an fsync), and only then makes the batch visible to readers
//! and answers each request. An acknowledged write therefore survives `kill -9` and power loss,
//! while concurrent writers share the cost of each fsync.
//!
//! A panic in a decide function fails only its own request ([`StoreError::DecidePanicked`]).
//! A failed commit fails every request of its batch and leaves the in-memory state unchanged;
//! redb then refuses further writes until the store is reopened.
//!
//! # Reads: in memory, consistent, never blocked by disk
//!
//! The current state of every key lives in memory (bytes shared through `Arc`), loaded at
//! [`Store::open`]. Reads ([`Store::get`], [`Store::list`], [`Store::events_since`]) take a
//! short read lock and never touch the disk. A committed batch is published under one write
//! lock, so readers see all of it or none of it; [`Store::revision`] and [`Store::subscribe`]
//! advance only once a batch is durable and visible.
//!
//! # History
//!
//! The store keeps the last [`Options::history`] events (10,000 by default) in memory, each
//! with the key's state before it. They serve [`Store::events_since`] (watches) and lists at a
//! past revision, which are rebuilt from the current state by undoing newer events. Older
//! revisions answer [`StoreError::Compacted`], like kube-apiserver after an etcd compaction.
//! History is not persisted: after a reopen it starts empty at the recovered revision. Each
//! kept event holds the value it replaced, so the history costs up to `history` times the
//! object size on top of the current state.
//!
//! # Lifecycle
//!
//! A database file is locked while open: a second [`Store::open`] of it, in this process or
//! another, gives [`StoreError::AlreadyOpen`]. Handles are cheap clones; dropping the last one
//! lets the writer finish the queued requests, then closes the database.
//!
//! ```
//! use concord_store::{Store, Write};
//!
//! let dir = tempfile::tempdir()?;
//! let store = Store::open(&dir.path().join("store.redb"))?;
//! // Create only if absent: the decide function sees the current state.
//! let ((), revision) = store.write("/registry/pods/default/web", |current, _| match current {
//!     None => (Write::Put(b"{}".to_vec()), ()),
//!     Some(_) => (Write::Abort, ()),
//! })?;
//! assert_eq!(revision, Some(2));
//! assert_eq!(store.list("/registry/pods/", None, None, None)?.items.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod state;
mod writer;

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use parking_lot::RwLock;
use tokio::sync::{oneshot, watch};

pub use error::StoreError;
use state::State;
use writer::{Job, Pending};

/// A store-wide revision: the number of the write that produced a state.
pub type Revision = u64;

/// The current state of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The revision of the write that produced this state (etcd's mod revision).
    pub revision: Revision,
    /// The stored bytes.
    pub bytes: Arc<[u8]>,
}

/// What a decide function asks the writer to do with its key.
#[derive(Debug, PartialEq, Eq)]
pub enum Write {
    /// Store these bytes; creates the key or replaces its value, at a new revision (even when
    /// the bytes are unchanged: skip no-op updates with [`Write::Abort`]).
    Put(Vec<u8>),
    /// Remove the key at a new revision; writes nothing if the key does not exist.
    Delete,
    /// Write nothing, typically because a precondition failed; the decide function's own value
    /// says why.
    Abort,
}

/// What a write did to its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The key was given a value.
    Put {
        /// Whether the key did not exist before.
        created: bool,
    },
    /// The key was removed.
    Delete,
}

/// One committed write, as watches see it.
#[derive(Clone, Debug)]
pub struct Event {
    /// The write's revision.
    pub revision: Revision,
    /// The key written.
    pub key: String,
    /// What happened to the key.
    pub kind: EventKind,
    /// The new bytes, for a put.
    pub value: Option<Arc<[u8]>>,
    /// The key's state before the write; `None` for a creation.
    pub prev: Option<Stored>,
}

/// One page of a list.
#[derive(Clone, Debug)]
pub struct ListPage {
    /// The keys and their states, in key order.
    pub items: Vec<(String, Stored)>,
    /// The revision the page reflects; pass it as `at` to continue at the same snapshot.
    pub revision: Revision,
    /// Whether more keys follow the last item.
    pub more: bool,
}

/// Tuning for [`Store::open_with`].
#[derive(Clone, Debug)]
pub struct Options {
    /// How many events the in-memory history keeps (default 10,000).
    pub history: usize,
    /// The most write requests committed in one transaction (default 256).
    pub max_batch: usize,
    /// redb's page cache in bytes (default 32 MiB); objects are read from memory, so this only
    /// serves the writer's B-tree updates.
    pub cache_size: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { history: 10_000, max_batch: 256, cache_size: 32 << 20 }
    }
}

/// State shared by the handles and the writer thread.
pub(crate) struct Shared {
    /// What readers see; replaced once per committed batch.
    pub(crate) state: RwLock<State>,
    /// Announces each newly visible revision.
    pub(crate) revisions: watch::Sender<Revision>,
}

/// Owns the writer thread: dropping the last handle stops it and closes the database.
struct Handle {
    shared: Arc<Shared>,
    jobs: Option<mpsc::Sender<Box<dyn Job>>>,
    writer: Option<JoinHandle<()>>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        // Closing the channel lets the writer finish the queued requests and exit.
        self.jobs = None;
        if let Some(writer) = self.writer.take() {
            // The last handle may be dropped by a decide function on the writer thread itself,
            // which must not wait for its own exit.
            if writer.thread().id() != std::thread::current().id() {
                // A writer that panicked has nothing left to clean up.
                let _ = writer.join();
            }
        }
    }
}

/// A durable, revisioned key-value store; cheap to clone, shared across threads.
#[derive(Clone)]
pub struct Store {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("revision", &self.revision()).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating it and its directories if needed) the database file at `path` with
    /// default [`Options`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, Options::default())
    }

    /// Opens the database file at `path` with `options`. The file can be open once at a time;
    /// a second open gives [`StoreError::AlreadyOpen`].
    pub fn open_with(path: &Path, options: Options) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io("creating the store's directory", e))?;
        }
        let db =
            redb::Builder::new().set_cache_size(options.cache_size).create(path).map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => StoreError::AlreadyOpen { path: path.to_owned() },
                e => StoreError::database("opening the database", e),
            })?;
        Store::start(db, &options)
    }

    /// Loads the committed state of `db` and starts its writer thread.
    fn start(db: redb::Database, options: &Options) -> Result<Store, StoreError> {
        let (objects, revision) = writer::load(&db)?;
        let shared = Arc::new(Shared {
            state: RwLock::new(State::new(objects, revision, options.history)),
            revisions: watch::Sender::new(revision),
        });
        let (jobs, queue) = mpsc::channel();
        let writer_shared = shared.clone();
        let max_batch = options.max_batch;
        let writer = std::thread::Builder::new()
            .name("concord-store-writer".to_owned())
            .spawn(move || writer::run(db, writer_shared, queue, max_batch))
            .map_err(|e| StoreError::io("starting the writer thread", e))?;
        Ok(Store { handle: Arc::new(Handle { shared, jobs: Some(jobs), writer: Some(writer) }) })
    }

    /// The latest committed (durable and visible) revision.
    pub fn revision(&self) -> Revision {
        self.handle.shared.state.read().revision
    }

    /// The current state of `key`.
    pub fn get(&self, key: &str) -> Option<Stored> {
        self.handle.shared.state.read().objects.get(key).cloned()
    }

    /// Runs `decide(current, new_revision)` on the writer thread, commits what it returns
    /// durably, and returns its value with the revision written (`None` when nothing was
    /// written: [`Write::Abort`], or [`Write::Delete`] of a missing key). `new_revision` is the
    /// revision the write gets if it writes.
    ///
    /// Blocks until the write is durable; from async code use [`Store::write_async`].
    ///
    /// `decide` runs on the single writer thread while the batch's transaction is open, so
    /// every write waits for it: keep it to checking preconditions and stamping the revision,
    /// and do expensive work (patching, validation) before calling `write`. It may read the
    /// store but must not write to it (the writer would wait for itself).
    pub fn write<T, F>(&self, key: &str, decide: F) -> Result<(T, Option<Revision>), StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Option<&Stored>, Revision) -> (Write, T) + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        self.submit(key.to_owned(), decide, move |result| {
            // A caller that stopped waiting has nobody to tell.
            let _ = reply.send(result);
        })?;
        answer.recv().map_err(|_| StoreError::Closed)?
    }

    /// [`Store::write`] for async callers: waits for the commit without blocking the runtime.
    /// Dropping the future does not cancel a write that was already queued.
    pub async fn write_async<T, F>(&self, key: String, decide: F) -> Result<(T, Option<Revision>), StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Option<&Stored>, Revision) -> (Write, T) + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.submit(key, decide, move |result| {
            // A caller that stopped waiting has nobody to tell.
            let _ = reply.send(result);
        })?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Queues a write request for the writer thread.
    fn submit<T, F, R>(&self, key: String, decide: F, reply: R) -> Result<(), StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Option<&Stored>, Revision) -> (Write, T) + Send + 'static,
        R: FnOnce(Result<(T, Option<Revision>), StoreError>) + Send + 'static,
    {
        let job: Box<dyn Job> = Box::new(Pending::new(key, decide, reply));
        self.handle.jobs.as_ref().ok_or(StoreError::Closed)?.send(job).map_err(|_| StoreError::Closed)
    }

    /// A consistent page of the keys starting with `prefix` (an exact byte prefix), in key
    /// order, after `start_after` when given, at most `limit` items (`Some(0)` gives none), as
    /// of revision `at` when given (else the current revision).
    ///
    /// Errors: [`StoreError::Compacted`] when `at` is older than [`Store::oldest_revision`],
    /// [`StoreError::FutureRevision`] when it is newer than [`Store::revision`].
    pub fn list(
        &self,
        prefix: &str,
        start_after: Option<&str>,
        limit: Option<usize>,
        at: Option<Revision>,
    ) -> Result<ListPage, StoreError> {
        self.handle.shared.state.read().list(prefix, start_after, limit, at)
    }

    /// How many keys [`Store::list`] would give without a limit: those starting with `prefix`,
    /// after `start_after`, as of revision `at` (current when `None`), without copying them.
    pub fn count(
        &self,
        prefix: &str,
        start_after: Option<&str>,
        at: Option<Revision>,
    ) -> Result<usize, StoreError> {
        let state = self.handle.shared.state.read();
        let at = at.unwrap_or(state.revision);
        state.count(prefix, start_after, at)
    }

    /// The events with a revision greater than `after`, in revision order (empty when `after`
    /// is the current revision or newer). [`StoreError::Compacted`] when `after` is older than
    /// [`Store::oldest_revision`].
    pub fn events_since(&self, after: Revision) -> Result<Vec<Event>, StoreError> {
        self.handle.shared.state.read().events_since(after)
    }

    /// The oldest revision [`Store::events_since`] and [`Store::list`] at a past revision
    /// accept.
    pub fn oldest_revision(&self) -> Revision {
        self.handle.shared.state.read().oldest()
    }

    /// A receiver of the latest committed revision; it changes once per visible batch, so
    /// watchers wake without polling and then read [`Store::events_since`].
    pub fn subscribe(&self) -> watch::Receiver<Revision> {
        self.handle.shared.revisions.subscribe()
    }
}
