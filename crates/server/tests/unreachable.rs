//! A cluster that stops answering mid-edit, or goes away: a clear 504 or 502 with a message,
//! nothing written, and the server goes on serving.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{FORWARD, GONE, SILENT, Switch};
use concord_server::auth::Auth;
use concord_server::{Cluster, ClusterEntry, Server};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_that_stops_answering_gets_a_clear_answer_and_nothing_is_written() {
    let (_dir, sandbox, kubeconfig) = common::sandbox(|_| {}).await;
    let switch = Switch::start(sandbox.url().trim_start_matches("http://").to_owned()).await;
    let mut config = common::config(&kubeconfig).await;
    config.cluster_url = switch.url.parse().unwrap();
    let cluster = Cluster::new(config).unwrap().with_timeout(Duration::from_secs(2));
    let own = ClusterEntry { cluster: Arc::new(cluster), user: "alice".into() };
    let server = Arc::new(Server::new(BTreeMap::from([("c".to_owned(), own)]), "c".into(), Auth::Kubeconfig));
    let url = common::serve(server).await;
    let kube = common::client(&kubeconfig).await;
    let http = reqwest::Client::new();
    let edit = |base: &Value, value: &str| {
        let mut mine = base.clone();
        mine["data"]["k"] = json!(value);
        http.post(format!("{url}/api/v1/edit"))
            .header("x-concord-csrf", "1")
            .json(&json!({"base": base, "mine": mine}))
            .send()
    };

    let created = common::create(
        &kube,
        &json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "default"}, "data": {"k": "0"}}),
    )
    .await;
    // A first edit goes through (and the server learns the kind).
    let answer = edit(&created, "1").await.unwrap();
    assert_eq!(answer.status(), 200);
    let applied: Value = answer.json().await.unwrap();

    // The cluster hangs mid-edit: 504 after the timeout, with a message; nothing written.
    switch.set(SILENT);
    let started = Instant::now();
    let answer = edit(&applied["object"], "2").await.unwrap();
    assert_eq!(answer.status(), 504);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body,
        json!({"outcome": "unavailable", "message": "the cluster did not answer within 2 seconds"})
    );
    assert!(started.elapsed() < Duration::from_secs(15), "bounded by the timeout: {:?}", started.elapsed());

    // The cluster is gone: 502 with the reason.
    switch.set(GONE);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = edit(&applied["object"], "3").await.unwrap();
    assert_eq!(answer.status(), 502);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["outcome"], "unavailable");
    assert!(body["message"].as_str().unwrap().starts_with("the cluster could not be reached"), "{body}");
    let reads = http.get(format!("{url}/api/v1/clusters/c/objects/core/v1/configmaps")).send().await.unwrap();
    assert_eq!(reads.status(), 502);

    // Nothing of either edit was written; once the cluster is back, editing works again.
    let live = common::api_for(&kube, &created).await.get("settings").await.unwrap();
    assert_eq!(live.data["data"]["k"], "1");
    switch.set(FORWARD);
    let answer = edit(&applied["object"], "4").await.unwrap();
    assert_eq!(answer.status(), 200, "{:?}", answer.text().await);
}
