//! Concurrent clients on one object: optimistic read-modify-write loops lose no update and see
//! kube's Conflict on every lost race; racing creates have exactly one winner; racing patches
//! and applies without a resourceVersion all land.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::{Value, json};

const TASKS: usize = 32;

async fn client(kubeconfig: &std::path::Path) -> Client {
    let kubeconfig = kube::config::Kubeconfig::read_from(kubeconfig).expect("kubeconfig reads");
    let config =
        kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.expect("kube config");
    Client::try_from(config).expect("client")
}

fn counter_map(name: &str, value: u64) -> ConfigMap {
    serde_json::from_value(json!({"metadata": {"name": name}, "data": {"counter": value.to_string()}}))
        .unwrap()
}

fn counter(cm: &ConfigMap) -> u64 {
    cm.data.as_ref().and_then(|d| d.get("counter")).expect("counter").parse().expect("numeric counter")
}

fn rv(cm: &ConfigMap) -> u64 {
    cm.resource_version().expect("resourceVersion").parse().expect("numeric resourceVersion")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn read_modify_write_loops_lose_no_update() {
    const SUCCESSES_PER_TASK: usize = 4;
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    let initial = cms.create(&PostParams::default(), &counter_map("counter", 0)).await.unwrap();

    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let cms = cms.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            // (resourceVersion written, counter value written) of each success, and the conflicts.
            let mut written: Vec<(u64, u64)> = Vec::new();
            let mut conflicts = 0usize;
            while written.len() < SUCCESSES_PER_TASK {
                let mut cm = cms.get("counter").await.unwrap();
                let next = counter(&cm) + 1;
                cm.data.as_mut().unwrap().insert("counter".into(), next.to_string());
                match cms.replace("counter", &PostParams::default(), &cm).await {
                    Ok(stored) => {
                        assert_eq!(counter(&stored), next);
                        assert!(rv(&stored) > rv(&cm), "a write moves the resourceVersion forward");
                        written.push((rv(&stored), next));
                    }
                    Err(kube::Error::Api(status)) => {
                        assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"), "{status:?}");
                        assert_eq!(
                            status.message,
                            "Operation cannot be fulfilled on configmaps \"counter\": the object has been modified; please apply your changes to the latest version and try again"
                        );
                        conflicts += 1;
                    }
                    Err(other) => panic!("unexpected error {other}"),
                }
            }
            (written, conflicts)
        }));
    }
    let mut all: Vec<(u64, u64)> = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (written, lost) = task.await.unwrap();
        // Each task's own writes are ordered.
        assert!(written.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{written:?}");
        all.extend(written);
        conflicts += lost;
    }
    let successes = TASKS * SUCCESSES_PER_TASK;
    assert_eq!(all.len(), successes);
    let last = cms.get("counter").await.unwrap();
    assert_eq!(counter(&last), successes as u64, "every successful write counted once");

    // In resourceVersion order the written values are exactly 1..=successes: no two writes were
    // based on the same read, and versions strictly increase with them.
    all.sort();
    let versions: BTreeSet<u64> = all.iter().map(|(v, _)| *v).collect();
    assert_eq!(versions.len(), successes, "resourceVersions are unique");
    assert!(all.first().unwrap().0 > rv(&initial));
    assert_eq!(all.iter().map(|(_, c)| *c).collect::<Vec<_>>(), (1..=successes as u64).collect::<Vec<_>>());
    assert_eq!(all.last().unwrap().0, rv(&last));
    // 32 racing writers on one object must have collided.
    assert!(conflicts > 0, "no conflicts among {TASKS} concurrent writers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_creates_have_exactly_one_winner() {
    let ts = common::start().await;
    let url = format!("{}/api/v1/namespaces/default/configmaps", ts.url());
    let http = reqwest::Client::new();
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for i in 0..TASKS {
        let (http, url, barrier) = (http.clone(), url.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "only"}, "data": {"by": i.to_string()}});
            let response = http.post(&url).json(&body).send().await.unwrap();
            let code = response.status().as_u16();
            (code, response.json::<Value>().await.unwrap())
        }));
    }
    let mut winners = Vec::new();
    let mut losers = 0;
    for task in tasks {
        let (code, body) = task.await.unwrap();
        match code {
            201 => winners.push(body),
            409 => {
                assert_eq!(body["kind"], "Status");
                assert_eq!(body["reason"], "AlreadyExists", "{body}");
                assert_eq!(body["message"], "configmaps \"only\" already exists");
                assert_eq!(body["details"], json!({"name": "only", "kind": "configmaps"}));
                losers += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(losers, TASKS - 1);
    // The stored object is the winner's.
    let stored: Value = http.get(format!("{url}/only")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["data"], winners[0]["data"]);
    assert_eq!(stored["metadata"]["uid"], winners[0]["metadata"]["uid"]);
    assert_eq!(stored["metadata"]["resourceVersion"], winners[0]["metadata"]["resourceVersion"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_patches_without_a_version_all_land() {
    let ts = common::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(client(&ts.kubeconfig).await, "default");
    cms.create(&PostParams::default(), &counter_map("shared", 0)).await.unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for i in 0..TASKS {
        let (cms, barrier) = (cms.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            // No resourceVersion in the patch: the server retries lost races itself.
            let patch = Patch::Merge(json!({"data": {format!("k{i}"): i.to_string()}}));
            rv(&cms.patch("shared", &PatchParams::default(), &patch).await.unwrap())
        }));
    }
    let mut versions = BTreeSet::new();
    for task in tasks {
        versions.insert(task.await.unwrap());
    }
    assert_eq!(versions.len(), TASKS, "each patch is its own write");
    let data = cms.get("shared").await.unwrap().data.unwrap();
    assert_eq!(data.len(), TASKS + 1, "{data:?}");
    for i in 0..TASKS {
        assert_eq!(data.get(&format!("k{i}")), Some(&i.to_string()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_applies_create_once() {
    let ts = common::start().await;
    let url = format!("{}/api/v1/namespaces/default/configmaps/applied?fieldManager=racer", ts.url());
    let http = reqwest::Client::new();
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let (http, url, barrier) = (http.clone(), url.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v\n";
            let response = http
                .patch(&url)
                .header("content-type", "application/apply-patch+yaml")
                .body(body)
                .send()
                .await
                .unwrap();
            let code = response.status().as_u16();
            (code, response.json::<Value>().await.unwrap())
        }));
    }
    let mut codes = Vec::new();
    let mut uids = BTreeSet::new();
    for task in tasks {
        let (code, body) = task.await.unwrap();
        assert!(code == 200 || code == 201, "{code}: {body}");
        assert_eq!(body["data"], json!({"k": "v"}));
        uids.insert(body["metadata"]["uid"].as_str().unwrap().to_string());
        codes.push(code);
    }
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(uids.len(), 1, "one object: {uids:?}");
    let stored: Value = http
        .get(format!("{}/api/v1/namespaces/default/configmaps/applied", ts.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let managers: Vec<&str> = stored["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["manager"].as_str())
        .collect();
    assert_eq!(managers, ["racer"]);
}
