//! Criterion benchmarks of the patch engine on large, realistic Kubernetes objects: a 1 MiB
//! ConfigMap, a Deployment with 50 containers of 50 env entries each, and a Pod whose one
//! container has 5,000 env entries (a 5,000-element keyed list).
//!
//! For each object the benchmarks time two-way strategic patch creation, strategic patch
//! application and the three-way editor merge, all with the built-in metadata. Every input is
//! generated in code and deterministic, and the setup checks each result before measuring, so a
//! benchmark never times a wrong answer. Run with `make bench`; the figures are in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use concord_patch::merge3::{Outcome, merge3};
use concord_patch::{PatchType, Schema, strategic};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};

/// One benchmark input: the object as loaded, the user's copy, and the live object someone
/// else changed meanwhile (a small edit that does not touch what the user changed).
struct Case {
    name: &'static str,
    base: Value,
    mine: Value,
    theirs: Value,
    /// `mine` with `theirs`' edit applied too: what the three-way merge must produce.
    merged: Value,
}

/// A small deterministic pseudo-random generator (xorshift64*), so inputs need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A lowercase alphanumeric string of `len` characters.
    fn text(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..len).map(|_| char::from(ALPHABET[(self.next() % ALPHABET.len() as u64) as usize])).collect()
    }
}

fn object_meta(name: &str) -> Value {
    json!({
        "name": name,
        "namespace": "bench",
        "uid": "4f1c7b1e-8f0a-4d4e-9a53-6a1f3c2d9b10",
        "resourceVersion": "123456",
        "labels": {"app": name, "tier": "backend"},
        "annotations": {"owner": "team-bench"},
    })
}

/// A ConfigMap of about 1 MiB: 8,000 `data` keys of 120-character values. The user changes,
/// adds and removes 2% of the keys each; the other side changes one key the user did not touch
/// and adds a label.
fn configmap() -> Case {
    let mut rng = Rng(0x00C0_FFEE);
    let mut data = Map::new();
    for i in 0..8_000 {
        data.insert(format!("key-{i:05}.properties"), Value::String(rng.text(120)));
    }
    let base = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": object_meta("big-config"),
        "data": data,
    });
    let size = serde_json::to_vec(&base).expect("serialize").len();
    assert!(size >= 1 << 20, "the ConfigMap is {size} bytes, less than 1 MiB");

    let mut mine = base.clone();
    let d = mine["data"].as_object_mut().expect("data");
    for i in (0..8_000).step_by(50) {
        d.insert(format!("key-{i:05}.properties"), Value::String(rng.text(120)));
    }
    for i in (7..8_000).step_by(50) {
        d.shift_remove(&format!("key-{i:05}.properties"));
    }
    for i in 0..160 {
        d.insert(format!("new-key-{i:03}.properties"), Value::String(rng.text(120)));
    }

    let their_edit = |v: &mut Value| {
        v["metadata"]["labels"]["edited-by"] = json!("controller");
        v["data"]["key-00003.properties"] = json!("changed by someone else");
    };
    finish("configmap-1MiB", base, mine, their_edit)
}

fn env_entry(c: usize, e: usize) -> Value {
    if e % 10 == 9 {
        json!({
            "name": format!("SECRET_{e:03}"),
            "valueFrom": {"secretKeyRef": {"name": format!("secret-{c}"), "key": format!("key-{e}")}},
        })
    } else {
        json!({"name": format!("VAR_{e:03}"), "value": format!("value-{c}-{e}")})
    }
}

fn container(c: usize, env: usize) -> Value {
    json!({
        "name": format!("container-{c:02}"),
        "image": format!("registry.example.com/team/app-{c}:1.0.{c}"),
        "imagePullPolicy": "IfNotPresent",
        "args": ["--port", format!("{}", 8000 + c), "--verbose"],
        "ports": [{"name": "http", "containerPort": 8000 + c, "protocol": "TCP"}],
        "env": (0..env).map(|e| env_entry(c, e)).collect::<Vec<_>>(),
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/config", "readOnly": true}],
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8000 + c}, "periodSeconds": 10},
    })
}

/// A Deployment with 50 containers of 50 env entries each. The user changes the image of every
/// fifth container, changes env values in every third, and in every seventh adds an env entry
/// (in the middle of the list) and removes another; the other side scales the Deployment and
/// changes an env value in a container the user left alone.
fn deployment() -> Case {
    let base = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": object_meta("big-deployment"),
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "big-deployment"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"app": "big-deployment"}},
                "spec": {
                    "containers": (0..50).map(|c| container(c, 50)).collect::<Vec<_>>(),
                    "volumes": [{"name": "config", "configMap": {"name": "big-config"}}],
                },
            },
        },
    });

    let mut mine = base.clone();
    let containers = mine["spec"]["template"]["spec"]["containers"].as_array_mut().expect("containers");
    for (c, container) in containers.iter_mut().enumerate() {
        if c % 5 == 0 {
            container["image"] = json!(format!("registry.example.com/team/app-{c}:2.0.0"));
        }
        let env = container["env"].as_array_mut().expect("env");
        if c % 3 == 0 {
            for e in [1, 17, 33] {
                env[e]["value"] = json!(format!("changed-{c}-{e}"));
            }
        }
        if c % 7 == 0 {
            env.insert(25, json!({"name": "ADDED_VAR", "value": format!("added-{c}")}));
            env.remove(40);
        }
    }

    let their_edit = |v: &mut Value| {
        v["spec"]["replicas"] = json!(5);
        v["spec"]["template"]["spec"]["containers"][1]["env"][2]["value"] = json!("theirs");
    };
    finish("deployment-50x50", base, mine, their_edit)
}

/// A Pod whose one container has 5,000 env entries, merged by `name`. The user changes 20
/// values, adds 10 entries (spread through the list) and removes 10; the other side adds a
/// label and changes an entry the user did not touch.
fn keyed_list() -> Case {
    let mut big = container(0, 5_000);
    big["env"] = json!(
        (0..5_000)
            .map(|e| json!({"name": format!("VAR_{e:04}"), "value": format!("value-{e}")}))
            .collect::<Vec<_>>()
    );
    let base = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": object_meta("big-pod"),
        "spec": {
            "containers": [big],
            "restartPolicy": "Always",
            "volumes": [{"name": "config", "configMap": {"name": "big-config"}}],
        },
    });

    let mut mine = base.clone();
    let env = mine["spec"]["containers"][0]["env"].as_array_mut().expect("env");
    for e in (0..5_000).step_by(250) {
        env[e]["value"] = json!(format!("changed-{e}"));
    }
    for e in (100..5_000).rev().step_by(500) {
        env.remove(e);
    }
    for (i, e) in (0..5_000).step_by(500).enumerate().map(|(i, e)| (i, e + 37)) {
        env.insert(e, json!({"name": format!("ADDED_{i:02}"), "value": format!("added-{i}")}));
    }
    assert_eq!(env.len(), 5_000);

    let their_edit = |v: &mut Value| {
        v["metadata"]["labels"]["edited-by"] = json!("controller");
        v["spec"]["containers"][0]["env"][3]["value"] = json!("theirs");
    };
    finish("keyed-list-5000", base, mine, their_edit)
}

/// Completes a case: `theirs` is `base` with the other side's edit, and the expected merge is
/// `mine` with that same edit (it touches nothing the user changed, and moves nothing).
fn finish(name: &'static str, base: Value, mine: Value, their_edit: impl Fn(&mut Value)) -> Case {
    let mut theirs = base.clone();
    their_edit(&mut theirs);
    let mut merged = mine.clone();
    their_edit(&mut merged);
    Case { name, base, mine, theirs, merged }
}

/// Checks every operation's result on a case before it is measured.
fn check(case: &Case) {
    let info = Schema::builtin().for_object(&case.base);
    let patch = strategic::create_two_way(&case.base, &case.mine, &info).expect("create_two_way");
    let applied = strategic::apply(&case.base, &patch, &info).expect("apply");
    assert!(applied == case.mine, "{}: apply(create_two_way) differs from the modified object", case.name);
    match merge3(&case.base, &case.theirs, &case.mine, &info).expect("merge3") {
        Outcome::Merged { object, patch, patch_type } => {
            assert!(object == case.merged, "{}: merge3 lost a change", case.name);
            assert_eq!(patch_type, PatchType::Strategic, "{}: merge3 fell back to a merge patch", case.name);
            let written = patch_type.apply(&case.theirs, &patch, &info).expect("apply merge3 patch");
            assert!(written == object, "{}: merge3's patch does not produce its object", case.name);
        }
        other => panic!("{}: merge3 did not merge: {other:?}", case.name),
    }
}

fn benches(c: &mut Criterion) {
    for case in [configmap(), deployment(), keyed_list()] {
        check(&case);
        let info = Schema::builtin().for_object(&case.base);
        let patch = strategic::create_two_way(&case.base, &case.mine, &info).expect("create_two_way");

        let mut group = c.benchmark_group(case.name);
        group.bench_function("create_two_way", |b| {
            b.iter(|| strategic::create_two_way(black_box(&case.base), black_box(&case.mine), &info))
        });
        group.bench_function("apply", |b| {
            b.iter(|| strategic::apply(black_box(&case.base), black_box(&patch), &info))
        });
        group.bench_function("merge3", |b| {
            b.iter(|| merge3(black_box(&case.base), black_box(&case.theirs), black_box(&case.mine), &info))
        });
        group.finish();
    }
}

criterion_group! {
    name = patch;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(patch);
