//! An acknowledged write survives `kill -9`.
//!
//! The test re-runs its own binary as the writer process (selected by an environment variable),
//! so it needs no extra binary and works under any `cargo test` invocation.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use concord_store::{Revision, Store, Write};

/// Set in the child process: the database file it writes to.
const CHILD_DB: &str = "CONCORD_STORE_TEST_KILL9_DB";
const THREADS: usize = 4;
/// Acknowledgements the parent waits for before killing the child.
const KILL_AFTER: usize = 400;
/// Upper bound on the child's writes per thread, so a child that is never killed stops.
const MAX_WRITES: usize = 50_000;

/// The value written for `key`.
fn value_of(key: &str) -> Vec<u8> {
    format!("value of {key}").into_bytes()
}

/// The child: writes keys from several threads, deleting every fifth one again, and prints one
/// line per acknowledged write.
fn run_writer(path: &Path) {
    let store = Store::open(path).unwrap();
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            thread::spawn(move || {
                for i in 0..MAX_WRITES {
                    let key = format!("/k/{t}/{i:06}");
                    let bytes = value_of(&key);
                    let ((), revision) = store.write(&key, move |_, _| (Write::Put(bytes), ())).unwrap();
                    println!("ack put {key} {}", revision.unwrap());
                    if i % 5 == 4 {
                        let ((), revision) = store.write(&key, |_, _| (Write::Delete, ())).unwrap();
                        println!("ack delete {key} {}", revision.unwrap());
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
}

/// One acknowledged write as the child reported it.
#[derive(Debug)]
struct Ack {
    deleted: bool,
    key: String,
    revision: Revision,
}

fn parse(line: &str) -> Option<Ack> {
    let mut words = line.strip_prefix("ack ")?.split(' ');
    let deleted = match words.next()? {
        "put" => false,
        "delete" => true,
        _ => return None,
    };
    let key = words.next()?.to_owned();
    let revision = words.next()?.parse().ok()?;
    Some(Ack { deleted, key, revision })
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    if let Some(path) = std::env::var_os(CHILD_DB) {
        run_writer(Path::new(&path));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "acknowledged_writes_survive_sigkill", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(ack) = parse(&line)
                && lines.send(ack).is_err()
            {
                break;
            }
        }
    });
    let mut acks = Vec::new();
    while acks.len() < KILL_AFTER {
        match received.recv_timeout(Duration::from_secs(60)) {
            Ok(ack) => acks.push(ack),
            Err(error) => {
                let _ = child.kill();
                panic!("the writer stopped after {} acknowledgements: {error}", acks.len());
            }
        }
    }
    assert!(child.try_wait().unwrap().is_none(), "the writer must still be running when killed");
    child.kill().unwrap(); // SIGKILL on Unix.
    child.wait().unwrap();
    reader.join().unwrap();
    // Acknowledgements printed before the kill but not read yet count too.
    acks.extend(received.try_iter());

    let store = Store::open(&path).unwrap();
    let last_acked = acks.iter().map(|ack| ack.revision).max().unwrap();
    assert!(
        store.revision() >= last_acked,
        "revision {} is behind the acknowledged {last_acked}",
        store.revision()
    );
    let mut revisions: Vec<Revision> = acks.iter().map(|ack| ack.revision).collect();
    revisions.sort_unstable();
    revisions.dedup();
    assert_eq!(revisions.len(), acks.len(), "acknowledged revisions are unique");
    let deleted: std::collections::HashSet<&str> =
        acks.iter().filter(|ack| ack.deleted).map(|ack| ack.key.as_str()).collect();
    for ack in acks.iter().filter(|ack| !ack.deleted) {
        let stored = store.get(&ack.key);
        if deleted.contains(ack.key.as_str()) {
            assert!(stored.is_none(), "{} was deleted", ack.key);
            continue;
        }
        // A put acknowledged without its delete may have been deleted just before the kill;
        // otherwise it must be there exactly as acknowledged.
        match stored {
            Some(stored) => {
                assert_eq!(stored.revision, ack.revision, "{}", ack.key);
                assert_eq!(&stored.bytes[..], value_of(&ack.key), "{}", ack.key);
            }
            None => {
                let i: usize = ack.key.rsplit('/').next().unwrap().parse().unwrap();
                assert_eq!(i % 5, 4, "{} was acknowledged but is missing", ack.key);
            }
        }
    }
    // The sequence continues after the recovered revision.
    let recovered = store.revision();
    let ((), revision) = store.write("/after-restart", |_, _| (Write::Put(b"v".to_vec()), ())).unwrap();
    assert_eq!(revision, Some(recovered + 1));
}
