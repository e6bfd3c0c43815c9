//! The writer thread: group commit of queued write requests.

use std::any::Any;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use redb::{Database, Durability, ReadableTable, TableDefinition};

use crate::{Event, EventKind, Revision, Shared, StoreError, Stored, Write};

/// Current objects: key → (mod revision, bytes).
pub(crate) const OBJECTS: TableDefinition<&str, (u64, &[u8])> = TableDefinition::new("objects");
/// Store-wide counters; holds [`REVISION_KEY`].
pub(crate) const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The latest committed revision, kept apart from the objects so deletes never lose it.
pub(crate) const REVISION_KEY: &str = "revision";

/// One queued write request, with its result type erased.
pub(crate) trait Job: Send {
    /// The key the request writes.
    fn key(&self) -> &str;
    /// Runs the caller's decide function (catching a panic, which then writes nothing) and
    /// returns the key, the write, and how to answer the caller once the batch is settled.
    fn decide(
        self: Box<Self>,
        current: Option<&Stored>,
        revision: Revision,
    ) -> (String, Write, Box<dyn Answer>);
    /// Answers a request whose decide function never ran because its batch failed first.
    fn fail(self: Box<Self>, error: StoreError);
}

/// How to answer one decided request.
pub(crate) trait Answer: Send {
    /// Answers with the revision written, or the batch's failure.
    fn finish(self: Box<Self>, outcome: Result<Option<Revision>, StoreError>);
}

/// A [`Job`] whose decide function `F` produces a `T`, answered through `R`.
pub(crate) struct Pending<F, T, R> {
    key: String,
    decide: F,
    reply: R,
    produces: PhantomData<fn() -> T>,
}

impl<F, T, R> Pending<F, T, R> {
    pub(crate) fn new(key: String, decide: F, reply: R) -> Pending<F, T, R> {
        Pending { key, decide, reply, produces: PhantomData }
    }
}

/// The caller's value, waiting for the commit.
struct Decided<T, R> {
    value: T,
    reply: R,
}

/// A decide function that panicked; `T` is the value it would have produced.
struct Panicked<T, R> {
    message: String,
    reply: R,
    produces: PhantomData<fn() -> T>,
}

impl<F, T, R> Job for Pending<F, T, R>
where
    F: FnOnce(Option<&Stored>, Revision) -> (Write, T) + Send,
    T: Send + 'static,
    R: FnOnce(Result<(T, Option<Revision>), StoreError>) + Send + 'static,
{
    fn key(&self) -> &str {
        &self.key
    }

    fn decide(
        self: Box<Self>,
        current: Option<&Stored>,
        revision: Revision,
    ) -> (String, Write, Box<dyn Answer>) {
        let Pending { key, decide, reply, .. } = *self;
        match catch_unwind(AssertUnwindSafe(move || decide(current, revision))) {
            Ok((write, value)) => (key, write, Box::new(Decided { value, reply })),
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                let panicked = Panicked { message, reply, produces: PhantomData };
                (key, Write::Abort, Box::new(panicked))
            }
        }
    }

    fn fail(self: Box<Self>, error: StoreError) {
        (self.reply)(Err(error));
    }
}

impl<T, R> Answer for Decided<T, R>
where
    T: Send,
    R: FnOnce(Result<(T, Option<Revision>), StoreError>) + Send,
{
    fn finish(self: Box<Self>, outcome: Result<Option<Revision>, StoreError>) {
        let Decided { value, reply } = *self;
        reply(outcome.map(|revision| (value, revision)));
    }
}

impl<T, R> Answer for Panicked<T, R>
where
    R: FnOnce(Result<(T, Option<Revision>), StoreError>) + Send,
{
    fn finish(self: Box<Self>, _: Result<Option<Revision>, StoreError>) {
        (self.reply)(Err(StoreError::DecidePanicked { message: self.message }));
    }
}

/// Runs until every [`crate::Store`] handle is gone, committing each batch of waiting requests
/// in one durable transaction.
pub(crate) fn run(db: Database, shared: Arc<Shared>, jobs: Receiver<Box<dyn Job>>, max_batch: usize) {
    let max_batch = max_batch.max(1);
    while let Ok(first) = jobs.recv() {
        let mut batch = Vec::with_capacity(max_batch.min(64));
        batch.push(first);
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&db, &shared, batch);
    }
}

/// Applies `batch` in order in one transaction, commits it, publishes it, then answers each
/// request. On a database failure nothing is published and every request gets the error.
fn commit_batch(db: &Database, shared: &Shared, batch: Vec<Box<dyn Job>>) {
    let mut answers = Vec::with_capacity(batch.len());
    let mut undecided = batch.into_iter();
    match apply(db, shared, &mut undecided, &mut answers) {
        Ok(events) => {
            if let Some(last) = events.last().map(|event| event.revision) {
                shared.state.write().publish(events);
                shared.revisions.send_replace(last);
            }
            for (answer, revision) in answers {
                answer.finish(Ok(revision));
            }
        }
        Err(error) => {
            for (answer, _) in answers {
                answer.finish(Err(error.clone()));
            }
            for job in undecided {
                job.fail(error.clone());
            }
        }
    }
}

/// Decides the batch's requests in order, against the committed state plus the batch's own
/// earlier writes, and commits what they wrote. Each decided request's answer and revision
/// go to `answers`; returns the events to publish.
fn apply(
    db: &Database,
    shared: &Shared,
    batch: &mut impl Iterator<Item = Box<dyn Job>>,
    answers: &mut Vec<(Box<dyn Answer>, Option<Revision>)>,
) -> Result<Vec<Event>, StoreError> {
    let mut txn = db.begin_write().map_err(|e| StoreError::database("starting a write transaction", e))?;
    txn.set_durability(Durability::Immediate)
        .map_err(|e| StoreError::database("requesting a durable commit", e))?;
    let base = shared.state.read().revision;
    let mut events: Vec<Event> = Vec::new();
    {
        let mut objects =
            txn.open_table(OBJECTS).map_err(|e| StoreError::database("opening the objects table", e))?;
        // The batch's own writes, which later requests of the batch must see.
        let mut pending: HashMap<String, Option<Stored>> = HashMap::new();
        for job in batch {
            let current = match pending.get(job.key()) {
                Some(state) => state.clone(),
                None => shared.state.read().objects.get(job.key()).cloned(),
            };
            let revision = base + events.len() as u64 + 1;
            let (key, write, answer) = job.decide(current.as_ref(), revision);
            let event = match write {
                Write::Put(bytes) => {
                    let written = objects.insert(key.as_str(), (revision, bytes.as_slice()));
                    if let Err(e) = written {
                        answers.push((answer, None));
                        return Err(StoreError::database("writing an object", e));
                    }
                    let bytes: Arc<[u8]> = Arc::from(bytes);
                    let stored = Stored { revision, bytes: bytes.clone() };
                    pending.insert(key.clone(), Some(stored));
                    Event {
                        revision,
                        key,
                        kind: EventKind::Put { created: current.is_none() },
                        value: Some(bytes),
                        prev: current,
                    }
                }
                // Deleting what does not exist writes nothing, as in etcd.
                Write::Delete if current.is_some() => {
                    if let Err(e) = objects.remove(key.as_str()) {
                        answers.push((answer, None));
                        return Err(StoreError::database("deleting an object", e));
                    }
                    pending.insert(key.clone(), None);
                    Event { revision, key, kind: EventKind::Delete, value: None, prev: current }
                }
                Write::Delete | Write::Abort => {
                    answers.push((answer, None));
                    continue;
                }
            };
            answers.push((answer, Some(revision)));
            events.push(event);
        }
    }
    let Some(last) = events.last().map(|event| event.revision) else {
        txn.abort().map_err(|e| StoreError::database("abandoning an empty transaction", e))?;
        return Ok(events);
    };
    {
        let mut meta = txn.open_table(META).map_err(|e| StoreError::database("opening the meta table", e))?;
        meta.insert(REVISION_KEY, last).map_err(|e| StoreError::database("recording the revision", e))?;
    }
    txn.commit().map_err(|e| StoreError::database("committing a write batch", e))?;
    Ok(events)
}

/// The text of a panic payload, when it has one.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// Reads the committed objects and revision; a fresh database has no tables yet.
pub(crate) fn load(
    db: &Database,
) -> Result<(std::collections::BTreeMap<String, Stored>, Revision), StoreError> {
    use redb::{ReadableDatabase, TableError};

    let txn = db.begin_read().map_err(|e| StoreError::database("starting the load", e))?;
    let mut objects = std::collections::BTreeMap::new();
    let mut revision: Revision = 1;
    match txn.open_table(OBJECTS) {
        Ok(table) => {
            for entry in table.iter().map_err(|e| StoreError::database("reading the objects", e))? {
                let (key, value) = entry.map_err(|e| StoreError::database("reading an object", e))?;
                let (mod_revision, bytes) = value.value();
                revision = revision.max(mod_revision);
                objects.insert(
                    key.value().to_owned(),
                    Stored { revision: mod_revision, bytes: Arc::from(bytes) },
                );
            }
        }
        Err(TableError::TableDoesNotExist(_)) => {}
        Err(e) => return Err(StoreError::database("opening the objects table", e)),
    }
    match txn.open_table(META) {
        Ok(table) => {
            if let Some(recorded) =
                table.get(REVISION_KEY).map_err(|e| StoreError::database("reading the revision", e))?
            {
                revision = revision.max(recorded.value());
            }
        }
        Err(TableError::TableDoesNotExist(_)) => {}
        Err(e) => return Err(StoreError::database("opening the meta table", e)),
    }
    Ok((objects, revision))
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use redb::StorageBackend;
    use redb::backends::InMemoryBackend;

    use crate::{Options, Store, StoreError, Write};

    /// An in-memory backend whose fsync fails on demand.
    #[derive(Debug)]
    struct FailingSync {
        inner: InMemoryBackend,
        fail: Arc<AtomicBool>,
    }

    impl StorageBackend for FailingSync {
        fn len(&self) -> Result<u64, io::Error> {
            self.inner.len()
        }
        fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
            self.inner.read(offset, out)
        }
        fn set_len(&self, len: u64) -> Result<(), io::Error> {
            self.inner.set_len(len)
        }
        fn sync_data(&self) -> Result<(), io::Error> {
            if self.fail.load(Ordering::SeqCst) {
                return Err(io::Error::other("injected fsync failure"));
            }
            self.inner.sync_data()
        }
        fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
            self.inner.write(offset, data)
        }
    }

    #[test]
    fn failed_commit_fails_the_batch_and_changes_nothing() {
        let fail = Arc::new(AtomicBool::new(false));
        let db = redb::Builder::new()
            .create_with_backend(FailingSync { inner: InMemoryBackend::new(), fail: fail.clone() })
            .unwrap();
        let store = Store::start(db, &Options::default()).unwrap();
        let ((), revision) = store.write("a", |_, _| (Write::Put(b"1".to_vec()), ())).unwrap();
        assert_eq!(revision, Some(2));
        let watcher = store.subscribe();

        fail.store(true, Ordering::SeqCst);
        let writers: Vec<_> = (0..4)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    store.write(&format!("k{i}"), move |_, _| (Write::Put(b"x".to_vec()), i))
                })
            })
            .collect();
        for writer in writers {
            let result = writer.join().unwrap();
            assert!(matches!(result, Err(StoreError::Database { .. })), "{result:?}");
        }
        assert_eq!(store.revision(), 2);
        assert_eq!(*watcher.borrow(), 2);
        assert!(store.get("k0").is_none());
        assert_eq!(store.events_since(1).unwrap().len(), 1);
        assert_eq!(store.list("", None, None, None).unwrap().items.len(), 1);

        // redb refuses writes after a failed fsync until the database is reopened.
        fail.store(false, Ordering::SeqCst);
        let again = store.write("b", |_, _| (Write::Put(b"1".to_vec()), ()));
        assert!(matches!(again, Err(StoreError::Database { .. })), "{again:?}");
        assert_eq!(store.revision(), 2);
    }
}
