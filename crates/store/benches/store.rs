//! Write throughput (durable, group committed) and list cost.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::Barrier;
use std::thread;

use concord_store::{Store, Write};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A pod-sized value (~2 KiB).
fn payload() -> Vec<u8> {
    vec![b'x'; 2048]
}

/// Writes from `threads` concurrent clients, `per_thread` each.
fn concurrent_writes(store: &Store, threads: usize, per_thread: usize, round: u64) {
    let start = Arc::new(Barrier::new(threads));
    let writers: Vec<_> = (0..threads)
        .map(|t| {
            let store = store.clone();
            let start = start.clone();
            thread::spawn(move || {
                start.wait();
                for i in 0..per_thread {
                    let bytes = payload();
                    store
                        .write(&format!("/registry/pods/ns{t}/pod-{round}-{i}"), move |_, _| {
                            (Write::Put(bytes), ())
                        })
                        .expect("write");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer thread");
    }
}

fn writes(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("bench.redb")).expect("open");
    let mut group = c.benchmark_group("write");
    group.sample_size(10);

    const THREADS: usize = 8;
    const PER_THREAD: usize = 250;
    group.throughput(Throughput::Elements((THREADS * PER_THREAD) as u64));
    let mut round = 0;
    group.bench_function("8_concurrent_writers_2KiB", |b| {
        b.iter(|| {
            round += 1;
            concurrent_writes(&store, THREADS, PER_THREAD, round);
        })
    });

    group.throughput(Throughput::Elements(1));
    let mut i = 0u64;
    group.bench_function("1_writer_2KiB", |b| {
        b.iter(|| {
            i += 1;
            let bytes = payload();
            store
                .write(&format!("/registry/pods/single/pod-{i}"), move |_, _| (Write::Put(bytes), ()))
                .expect("write")
        })
    });
    group.finish();
}

fn lists(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("bench.redb")).expect("open");
    // 10,000 pods across 8 namespaces, written by 8 concurrent clients.
    concurrent_writes(&store, 8, 1250, 0);
    let all = store.list("/registry/pods/", None, None, None).expect("list");
    assert_eq!(all.items.len(), 10_000);
    let before = store.revision();
    // 1,000 later updates, so a list at `before` must undo them.
    for i in 0..1000 {
        let bytes = payload();
        store
            .write(&format!("/registry/pods/ns0/pod-0-{i}"), move |_, _| (Write::Put(bytes), ()))
            .expect("write");
    }

    let mut group = c.benchmark_group("list");
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("10000_items", |b| {
        b.iter(|| black_box(store.list("/registry/pods/", None, None, None).expect("list")))
    });
    group.bench_function("10000_items_at_past_revision_1000_events_back", |b| {
        b.iter(|| black_box(store.list("/registry/pods/", None, None, Some(before)).expect("list")))
    });
    group.throughput(Throughput::Elements(500));
    group.bench_function("page_of_500_from_the_middle", |b| {
        b.iter(|| {
            black_box(
                store.list("/registry/pods/", Some("/registry/pods/ns4/"), Some(500), None).expect("list"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, writes, lists);
criterion_main!(benches);
