//! Many editors at once through `POST /api/v1/edit`: 16 users make 200 random edits each
//! (labels, annotations, ConfigMap keys, replicas, a container's env and image), often from a
//! stale copy. A ledger of every acknowledged change (applied or merged, with the
//! `resourceVersion` the answer carried) must be reflected in the final objects: each field holds
//! the value of the last acknowledged change to it. No answer may be a 5xx.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use common::{Harness, api_for, create};
use kube::api::{Api, DynamicObject};
use serde_json::{Value, json};

const USERS: usize = 16;
const EDITS: usize = 200;

/// A small deterministic generator (xorshift), one per user.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn objects() -> [Value; 2] {
    [
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared", "namespace": "default"},
            "data": {"d0": "start"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "web:0", "env": [{"name": "E0", "value": "start"}]}]}}}}),
    ]
}

/// One random change to `object`: the JSON pointer it sets and the value (None: removed).
fn change(rng: &mut Rng, object: &mut Value, user: usize, n: usize) -> (String, Option<Value>) {
    let value = json!(format!("u{user}-{n}"));
    let is_deployment = object["kind"] == "Deployment";
    let choice = rng.below(if is_deployment { 6 } else { 4 });
    let key = rng.below(4);
    match choice {
        0 => {
            object["metadata"]["labels"][format!("k{key}")] = value.clone();
            (format!("/metadata/labels/k{key}"), Some(value))
        }
        1 => {
            object["metadata"]["annotations"][format!("a{key}")] = value.clone();
            (format!("/metadata/annotations/a{key}"), Some(value))
        }
        2 if !is_deployment => {
            object["data"][format!("d{key}")] = value.clone();
            (format!("/data/d{key}"), Some(value))
        }
        3 if !is_deployment => {
            // Removing a key (if there) is a change too.
            let removed = object["data"].as_object_mut().and_then(|d| d.remove(&format!("d{key}")));
            match removed {
                Some(_) => (format!("/data/d{key}"), None),
                None => {
                    object["data"][format!("d{key}")] = value.clone();
                    (format!("/data/d{key}"), Some(value))
                }
            }
        }
        2 | 3 => {
            let replicas = json!(rng.below(9) + 1);
            object["spec"]["replicas"] = replicas.clone();
            ("/spec/replicas".into(), Some(replicas))
        }
        4 => {
            let image = json!(format!("web:{user}.{n}"));
            object["spec"]["template"]["spec"]["containers"][0]["image"] = image.clone();
            ("/spec/template/spec/containers/0/image".into(), Some(image))
        }
        _ => {
            let env = object["spec"]["template"]["spec"]["containers"][0]["env"].as_array_mut().unwrap();
            let name = format!("E{}", key % 3);
            match env.iter_mut().find(|e| e["name"] == name.as_str()) {
                Some(entry) => entry["value"] = value.clone(),
                None => env.push(json!({"name": name, "value": value})),
            }
            (format!("/spec/template/spec/containers/0/env/name={name}/value"), Some(value))
        }
    }
}

/// The value at a pointer whose `name=<x>` steps select a list element by name.
fn lookup<'v>(object: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut node = object;
    for step in pointer.split('/').skip(1) {
        node = match step.strip_prefix("name=") {
            Some(name) => node.as_array()?.iter().find(|e| e["name"] == name)?,
            None => match node {
                Value::Array(items) => items.get(step.parse::<usize>().ok()?)?,
                _ => node.get(step)?,
            },
        };
    }
    Some(node)
}

/// An acknowledged change: object, pointer, value, and the version it was written at.
type Entry = (usize, String, Option<Value>, u64);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_editors_lose_nothing() {
    let names: Vec<String> = (0..USERS).map(|u| format!("user{u}")).collect();
    let users: Vec<&str> = names.iter().map(String::as_str).collect();
    let h = Arc::new(Harness::with_users(&users).await);
    for object in objects() {
        create(&h.kube, &object).await;
    }
    let ledger: Arc<Mutex<Vec<Entry>>> = Arc::default();
    let outcomes: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let mut tasks = Vec::new();
    for user in 0..USERS {
        let (h, ledger, outcomes) = (h.clone(), ledger.clone(), outcomes.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((user as u64 + 1) * 0x1000_0001));
            let apis: Vec<Api<DynamicObject>> = {
                let mut apis = Vec::new();
                for object in objects() {
                    apis.push(api_for(&h.kube, &object).await);
                }
                apis
            };
            let mut copies: Vec<Option<Value>> = vec![None, None];
            for n in 0..EDITS {
                let which = rng.below(2);
                // Half the time the user edits the copy they loaded earlier, however stale.
                if copies[which].is_none() || rng.below(2) == 0 {
                    let name = objects()[which]["metadata"]["name"].as_str().unwrap().to_owned();
                    copies[which] =
                        Some(serde_json::to_value(apis[which].get(&name).await.unwrap()).unwrap());
                }
                let base = copies[which].clone().unwrap();
                let mut mine = base.clone();
                let (pointer, value) = change(&mut rng, &mut mine, user, n);
                let (status, answer) =
                    h.edit(&json!({"cluster": format!("as-user{user}"), "base": base, "mine": mine})).await;
                assert!(status < 500, "user {user} edit {n}: {status} {answer}");
                let outcome = answer["outcome"].as_str().unwrap_or_default().to_owned();
                *outcomes.lock().unwrap().entry(outcome.clone()).or_default() += 1;
                match outcome.as_str() {
                    "applied" | "merged" => {
                        let version: u64 = answer["object"]["metadata"]["resourceVersion"]
                            .as_str()
                            .unwrap()
                            .parse()
                            .unwrap();
                        ledger.lock().unwrap().push((which, pointer, value, version));
                        copies[which] = Some(answer["object"].clone());
                    }
                    "unchanged" => copies[which] = Some(answer["object"].clone()),
                    "conflict" => copies[which] = Some(answer["theirs"].clone()),
                    other => panic!("user {user} edit {n}: unexpected {status} {other}: {answer}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    let mut finals = Vec::new();
    for object in objects() {
        let api: Api<DynamicObject> = api_for(&h.kube, &object).await;
        finals.push(
            serde_json::to_value(api.get(object["metadata"]["name"].as_str().unwrap()).await.unwrap())
                .unwrap(),
        );
    }
    // The last acknowledged change of each field (by the version it was written at) holds.
    let mut last: BTreeMap<(usize, String), (u64, Option<Value>)> = BTreeMap::new();
    for (which, pointer, value, version) in ledger.lock().unwrap().iter() {
        let slot = last.entry((*which, pointer.clone())).or_insert((0, None));
        if *version > slot.0 {
            *slot = (*version, value.clone());
        }
    }
    for ((which, pointer), (version, value)) in &last {
        assert_eq!(
            lookup(&finals[*which], pointer),
            value.as_ref(),
            "{pointer} of object {which}: the change acknowledged at version {version} was lost"
        );
    }
    let outcomes = outcomes.lock().unwrap();
    let total: usize = outcomes.values().sum();
    assert_eq!(total, USERS * EDITS);
    let conflicts = outcomes.get("conflict").copied().unwrap_or(0);
    eprintln!(
        "{total} edits by {USERS} users: {outcomes:?}; conflict rate {:.1}%; {} fields checked",
        100.0 * conflicts as f64 / total as f64,
        last.len()
    );
    assert!(
        outcomes.get("merged").copied().unwrap_or(0) > 0,
        "stale bases must have been merged: {outcomes:?}"
    );
}
