//! Behaviour of the store through its public API.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::thread;
use std::time::{Duration, Instant};

use concord_store::{Event, EventKind, ListPage, Options, Revision, Store, StoreError, Stored, Write};

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("store.redb")
}

fn put(store: &Store, key: &str, value: &str) -> Revision {
    let bytes = value.as_bytes().to_vec();
    let ((), revision) = store.write(key, move |_, _| (Write::Put(bytes), ())).unwrap();
    revision.unwrap()
}

fn delete(store: &Store, key: &str) -> Option<Revision> {
    let ((), revision) = store.write(key, |_, _| (Write::Delete, ())).unwrap();
    revision
}

fn text(stored: &Stored) -> &str {
    std::str::from_utf8(&stored.bytes).unwrap()
}

fn keys(store: &Store, prefix: &str, at: Option<Revision>) -> Vec<String> {
    store.list(prefix, None, None, at).unwrap().items.into_iter().map(|(key, _)| key).collect()
}

#[test]
fn revisions_start_at_two_and_continue_across_reopen_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(store.revision(), 1);
        assert_eq!(store.oldest_revision(), 1);
        assert_eq!(put(&store, "/a", "1"), 2);
        assert_eq!(put(&store, "/b", "1"), 3);
        assert_eq!(put(&store, "/a", "2"), 4);
        assert_eq!(delete(&store, "/a"), Some(5));
        assert_eq!(delete(&store, "/b"), Some(6));
        // Deleting a missing key writes nothing and uses no revision.
        assert_eq!(delete(&store, "/b"), None);
        assert_eq!(store.revision(), 6);
    }
    {
        let store = Store::open(&path).unwrap();
        // Every key is gone, yet the revision is not reused.
        assert_eq!(store.revision(), 6);
        assert!(store.get("/a").is_none());
        assert_eq!(put(&store, "/c", "1"), 7);
        assert_eq!(put(&store, "/d", "1"), 8);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.revision(), 8);
    let c = store.get("/c").unwrap();
    assert_eq!((c.revision, text(&c)), (7, "1"));
    assert_eq!(keys(&store, "/", None), ["/c", "/d"]);
    // History is not persisted: it starts empty at the recovered revision.
    assert_eq!(store.oldest_revision(), 8);
    assert!(store.events_since(8).unwrap().is_empty());
    assert!(matches!(store.events_since(7), Err(StoreError::Compacted { requested: 7, oldest: 8 })));
    assert_eq!(put(&store, "/e", "1"), 9);
}

#[test]
fn concurrent_writers_get_unique_dense_revisions() {
    const THREADS: usize = 8;
    const WRITES: usize = 500;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                (0..WRITES)
                    .map(|i| (format!("/t{t}/{i:04}"), put(&store, &format!("/t{t}/{i:04}"), "v")))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut revisions = Vec::new();
    for writer in writers {
        let acked = writer.join().unwrap();
        // Each writer's own writes are ordered.
        assert!(acked.windows(2).all(|w| w[0].1 < w[1].1));
        for (key, revision) in acked {
            assert_eq!(store.get(&key).unwrap().revision, revision);
            revisions.push(revision);
        }
    }
    revisions.sort_unstable();
    let expected: Vec<Revision> = (2..2 + (THREADS * WRITES) as Revision).collect();
    assert_eq!(revisions, expected);
    assert_eq!(store.revision(), 1 + (THREADS * WRITES) as Revision);
    assert_eq!(store.list("/t", None, None, None).unwrap().items.len(), THREADS * WRITES);
}

/// What a compare-and-swap attempt ended with.
enum Cas {
    Written,
    Conflict,
}

#[test]
fn compare_and_swap_in_decide_loses_no_increment() {
    const THREADS: usize = 32;
    const ATTEMPTS: usize = 20;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    let key = "/registry/counters/default/c";
    store.write(key, |_, _| (Write::Put(br#"{"count":0,"resourceVersion":0}"#.to_vec()), ())).unwrap();
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let store = store.clone();
            thread::spawn(move || {
                let mut written = 0;
                for _ in 0..ATTEMPTS {
                    // Read, compute outside the writer, then write only if unchanged: the
                    // same optimistic loop kube-apiserver runs with resourceVersion.
                    let seen = store.get(key).unwrap();
                    let json: serde_json::Value = serde_json::from_slice(&seen.bytes).unwrap();
                    let count = json["count"].as_u64().unwrap();
                    let (outcome, revision) = store
                        .write(key, move |current, new_revision| match current {
                            Some(current) if current.revision == seen.revision => {
                                let next = serde_json::json!({
                                    "count": count + 1,
                                    "resourceVersion": new_revision,
                                });
                                (Write::Put(serde_json::to_vec(&next).unwrap()), Cas::Written)
                            }
                            _ => (Write::Abort, Cas::Conflict),
                        })
                        .unwrap();
                    match outcome {
                        Cas::Written => {
                            assert!(revision.is_some());
                            written += 1;
                        }
                        Cas::Conflict => assert!(revision.is_none()),
                    }
                }
                written
            })
        })
        .collect();
    let successes: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    let stored = store.get(key).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&stored.bytes).unwrap();
    assert_eq!(json["count"].as_u64().unwrap(), successes);
    assert!(successes > 0);
    // The revision embedded by decide is the one the store assigned.
    assert_eq!(json["resourceVersion"].as_u64().unwrap(), stored.revision);
    assert_eq!(store.revision(), 2 + successes);
}

#[test]
fn later_requests_of_a_batch_see_earlier_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    // Many writers append to one key concurrently, each reading what the previous wrote,
    // whether it was committed in an earlier batch or is pending in the same one.
    let writers: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                for _ in 0..50 {
                    store
                        .write("/log", move |current, _| {
                            let mut bytes = current.map(|c| c.bytes.to_vec()).unwrap_or_default();
                            bytes.push(b'0' + t);
                            (Write::Put(bytes), ())
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let log = store.get("/log").unwrap();
    assert_eq!(log.bytes.len(), 400);
    assert_eq!(log.revision, 401);
    let events = store.events_since(1).unwrap();
    assert_eq!(events.len(), 400);
    for pair in events.windows(2) {
        let prev = pair[1].prev.as_ref().unwrap();
        assert_eq!(prev.revision, pair[0].revision);
        assert_eq!(Some(&prev.bytes), pair[0].value.as_ref());
    }
}

#[test]
fn list_pages_by_prefix_start_after_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    for key in [
        "/registry/pods/default/a",
        "/registry/pods/default/b",
        "/registry/pods/default/c",
        "/registry/pods/kube-system/d",
        "/registry/pods/defaultx/e",
        "/registry/podsx/default/f",
        "/registry/pod",
    ] {
        put(&store, key, key);
    }
    // An exact byte prefix: "/registry/pods/default" would also match "defaultx".
    assert_eq!(
        keys(&store, "/registry/pods/default/", None),
        ["/registry/pods/default/a", "/registry/pods/default/b", "/registry/pods/default/c"]
    );
    assert_eq!(keys(&store, "/registry/pods/", None).len(), 5);
    assert_eq!(keys(&store, "", None).len(), 7);
    assert!(keys(&store, "/nothing/", None).is_empty());

    // Page through all pods two at a time at one revision.
    let mut seen = Vec::new();
    let mut start_after: Option<String> = None;
    let mut revision = None;
    loop {
        let page = store.list("/registry/pods/", start_after.as_deref(), Some(2), revision).unwrap();
        assert!(page.items.len() <= 2);
        revision = Some(page.revision);
        seen.extend(page.items.iter().map(|(key, _)| key.clone()));
        if !page.more {
            break;
        }
        start_after = page.items.last().map(|(key, _)| key.clone());
        // A write between pages must not show up in them.
        put(&store, "/registry/pods/default/aa", "late");
    }
    assert_eq!(
        seen,
        [
            "/registry/pods/default/a",
            "/registry/pods/default/b",
            "/registry/pods/default/c",
            "/registry/pods/defaultx/e",
            "/registry/pods/kube-system/d",
        ]
    );
    assert_eq!(revision, Some(8));

    let exact = store.list("/registry/pods/", None, Some(6), None).unwrap();
    assert_eq!(exact.items.len(), 6);
    assert!(!exact.more);
    let none = store.list("/registry/pods/", None, Some(0), None).unwrap();
    assert!(none.items.is_empty());
    assert!(none.more);
    let item = &store.list("/registry/pods/default/b", None, None, None).unwrap().items[0];
    assert_eq!((item.1.revision, text(&item.1)), (3, "/registry/pods/default/b"));
}

#[test]
fn list_at_a_past_revision_is_the_snapshot_of_then() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    put(&store, "/p/a", "a1");
    put(&store, "/p/b", "b1");
    put(&store, "/p/c", "c1");
    let snapshot = store.list("/p/", None, None, None).unwrap();
    assert_eq!(snapshot.revision, 4);
    put(&store, "/p/a", "a2");
    delete(&store, "/p/b");
    put(&store, "/p/d", "d1");
    put(&store, "/p/b", "b2");
    delete(&store, "/p/c");
    put(&store, "/q/x", "x1");

    let then = store.list("/p/", None, None, Some(4)).unwrap();
    assert_eq!(then.revision, 4);
    assert_eq!(then.items, snapshot.items);
    assert_eq!(keys(&store, "/p/", None), ["/p/a", "/p/b", "/p/d"]);
    assert_eq!(keys(&store, "/p/", Some(6)), ["/p/a", "/p/c"]);
    assert_eq!(keys(&store, "/p/", Some(1)), Vec::<String>::new());
    // Pagination at a past revision.
    let page = store.list("/p/", Some("/p/a"), Some(1), Some(4)).unwrap();
    assert_eq!(page.items[0].0, "/p/b");
    assert_eq!(text(&page.items[0].1), "b1");
    assert!(page.more);
    assert!(matches!(
        store.list("/p/", None, None, Some(100)),
        Err(StoreError::FutureRevision { requested: 100, current: 10 })
    ));
}

#[test]
fn history_beyond_the_bound_is_compacted() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options { history: 3, ..Options::default() };
    let store = Store::open_with(&db_path(&dir), options).unwrap();
    for i in 0..6 {
        put(&store, &format!("/k/{i}"), "v");
    }
    // Revisions 2..=7 written; the last three events (5, 6, 7) are kept, so revision 4 is the
    // oldest that can be rebuilt.
    assert_eq!(store.revision(), 7);
    assert_eq!(store.oldest_revision(), 4);
    assert_eq!(keys(&store, "/k/", Some(4)), ["/k/0", "/k/1", "/k/2"]);
    assert!(matches!(
        store.list("/k/", None, None, Some(3)),
        Err(StoreError::Compacted { requested: 3, oldest: 4 })
    ));
    assert!(matches!(store.events_since(3), Err(StoreError::Compacted { requested: 3, oldest: 4 })));
    let events = store.events_since(4).unwrap();
    assert_eq!(events.iter().map(|e| e.revision).collect::<Vec<_>>(), [5, 6, 7]);
}

#[test]
fn events_report_kind_value_and_previous_state() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    put(&store, "/a", "1");
    put(&store, "/a", "2");
    put(&store, "/b", "1");
    delete(&store, "/a");
    let (_, aborted) = store.write("/b", |_, _| (Write::Abort, ())).unwrap();
    assert_eq!(aborted, None);

    let events = store.events_since(1).unwrap();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.revision,
                e.key.as_str(),
                e.kind,
                e.value.as_deref().map(|v| std::str::from_utf8(v).unwrap()),
                e.prev.as_ref().map(|p| (p.revision, text(p))),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2, "/a", EventKind::Put { created: true }, Some("1"), None),
            (3, "/a", EventKind::Put { created: false }, Some("2"), Some((2, "1"))),
            (4, "/b", EventKind::Put { created: true }, Some("1"), None),
            (5, "/a", EventKind::Delete, None, Some((3, "2"))),
        ]
    );
    let later: Vec<Revision> = store.events_since(3).unwrap().iter().map(|e| e.revision).collect();
    assert_eq!(later, [4, 5]);
    assert!(store.events_since(5).unwrap().is_empty());
    assert!(store.events_since(50).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_wakes_async_watchers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    let mut revisions = store.subscribe();
    assert_eq!(*revisions.borrow_and_update(), 1);

    let watcher = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = 1;
            while seen.len() < 3 {
                revisions.changed().await.unwrap();
                let now = *revisions.borrow_and_update();
                // Everything up to the announced revision is already visible.
                let events = store.events_since(after).unwrap();
                assert_eq!(events.last().map(|e| e.revision), Some(now));
                seen.extend(events.into_iter().map(|e| e.key));
                after = now;
            }
            seen
        })
    };
    for key in ["/w/1", "/w/2", "/w/3"] {
        let (created, revision) = store
            .write_async(key.to_owned(), |current, _| (Write::Put(b"v".to_vec()), current.is_none()))
            .await
            .unwrap();
        assert!(created);
        assert!(revision.is_some());
    }
    let seen = tokio::time::timeout(Duration::from_secs(10), watcher).await.unwrap().unwrap();
    assert_eq!(seen, ["/w/1", "/w/2", "/w/3"]);
}

#[test]
fn a_panicking_decide_fails_only_its_own_request() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    let writers: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            thread::spawn(move || {
                store.write(&format!("/k/{i:02}"), move |_, _| {
                    if i % 4 == 0 {
                        panic!("decide {i} refuses");
                    }
                    (Write::Put(b"v".to_vec()), i)
                })
            })
        })
        .collect();
    let mut written = HashSet::new();
    for (i, writer) in writers.into_iter().enumerate() {
        match writer.join().unwrap() {
            Ok((value, Some(_))) => {
                assert_ne!(i % 4, 0);
                assert_eq!(value, i);
                written.insert(format!("/k/{i:02}"));
            }
            Err(StoreError::DecidePanicked { message }) => {
                assert_eq!(i % 4, 0);
                assert_eq!(message, format!("decide {i} refuses"));
            }
            other => panic!("unexpected outcome for {i}: {other:?}"),
        }
    }
    assert_eq!(written.len(), 12);
    let listed: HashSet<String> = keys(&store, "/k/", None).into_iter().collect();
    assert_eq!(listed, written);
    // Revisions stay dense: the panicking requests used none.
    assert_eq!(store.revision(), 13);
    // The writer survives.
    assert_eq!(put(&store, "/after", "v"), 14);
}

#[test]
fn a_second_open_of_the_same_file_is_refused_until_the_first_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).unwrap();
    let copy = store.clone();
    put(&store, "/a", "1");
    match Store::open(&path) {
        Err(StoreError::AlreadyOpen { path: reported }) => assert_eq!(reported, path),
        other => panic!("expected AlreadyOpen, got {other:?}"),
    }
    drop(store);
    // A clone keeps the store open.
    assert!(matches!(Store::open(&path), Err(StoreError::AlreadyOpen { .. })));
    drop(copy);
    let store = Store::open(&path).unwrap();
    assert_eq!(text(&store.get("/a").unwrap()), "1");
}

/// Queues a write without waiting for it, as a caller whose future is dropped does.
fn queue_and_forget<F>(store: &Store, key: &str, decide: F)
where
    F: FnOnce(Option<&Stored>, Revision) -> (Write, ()) + Send + 'static,
{
    let mut future = std::pin::pin!(store.write_async(key.to_owned(), decide));
    let mut context = Context::from_waker(Waker::noop());
    assert!(future.as_mut().poll(&mut context).is_pending());
}

#[test]
fn the_last_handle_dropped_by_decide_on_the_writer_thread_closes_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).unwrap();
    // Keep the writer busy so that the next request is still queued when `store` goes.
    queue_and_forget(&store, "/slow", |_, _| {
        thread::sleep(Duration::from_millis(200));
        (Write::Put(b"1".to_vec()), ())
    });
    let last = store.clone();
    queue_and_forget(&store, "/last", move |current, _| {
        // Reading from inside decide is allowed.
        assert!(last.get("/last").is_none() && current.is_none());
        drop(last);
        (Write::Put(b"1".to_vec()), ())
    });
    drop(store);
    // The writer cannot join itself; it finishes the batch and exits, closing the database.
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = loop {
        match Store::open(&path) {
            Ok(store) => break store,
            Err(StoreError::AlreadyOpen { .. }) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(error) => panic!("reopening: {error}"),
        }
    };
    assert_eq!(keys(&store, "/", None), ["/last", "/slow"]);
    assert_eq!(store.revision(), 3);
}

#[test]
fn values_are_shared_not_copied_between_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    put(&store, "/a", "payload");
    let first = store.get("/a").unwrap();
    let second = store.list("/a", None, None, None).unwrap().items.remove(0).1;
    assert!(Arc::ptr_eq(&first.bytes, &second.bytes));
}

#[test]
fn handles_errors_and_futures_cross_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    fn sendable<F: Future + Send>(future: F) -> F {
        future
    }
    shareable::<Store>();
    shareable::<StoreError>();
    shareable::<Event>();
    shareable::<ListPage>();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).unwrap();
    // A tokio task may hold the write future across an await.
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let ((), revision) = runtime
        .block_on(sendable(store.write_async("/a".to_owned(), |_, _| (Write::Put(vec![1]), ()))))
        .unwrap();
    assert_eq!(revision, Some(2));
}
