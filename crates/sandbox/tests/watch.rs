//! Watch semantics over raw HTTP: bookmarks, selector transitions, and 410 Expired for a
//! version older than the kept history (after a restart the history starts empty).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use serde_json::{Value, json};

/// Reads newline-delimited watch events until `want` arrived or `limit` passed.
async fn events(mut response: reqwest::Response, want: usize, limit: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    let mut buffer = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    while out.len() < want {
        let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, response.chunk()).await else { break };
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buffer.drain(..=end).collect();
            out.push(serde_json::from_slice(&line).expect("an event is JSON"));
        }
    }
    out
}

async fn create_cm(client: &reqwest::Client, url: &str, name: &str, labels: Value) -> Value {
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}});
    let response =
        client.post(format!("{url}/api/v1/namespaces/default/configmaps")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookmarks_and_selector_transitions() {
    let ts = common::start_with(|c| c.bookmark_interval = Duration::from_millis(200)).await;
    let url = ts.url();
    let client = reqwest::Client::new();
    let first = create_cm(&client, &url, "a", json!({"team": "x"})).await;
    let from = first["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    let watch = client
        .get(format!("{url}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Dx&allowWatchBookmarks=true&resourceVersion={from}"))
        .send()
        .await
        .unwrap();
    assert_eq!(watch.status(), 200);
    create_cm(&client, &url, "b", json!({"team": "x"})).await;
    create_cm(&client, &url, "other", json!({"team": "y"})).await;
    // "b" leaves the selection: its watcher sees it deleted.
    let patch = client
        .patch(format!("{url}/api/v1/namespaces/default/configmaps/b"))
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"metadata":{"labels":{"team":"y"}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 200);
    let seen = events(watch, 4, Duration::from_secs(5)).await;
    let kinds: Vec<(&str, &str)> = seen
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or_default(),
                e["object"]["metadata"]["name"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(&kinds[..2], [("ADDED", "b"), ("DELETED", "b")], "{seen:?}");
    let bookmark = seen.iter().find(|e| e["type"] == "BOOKMARK").expect("a bookmark within the interval");
    assert_eq!(bookmark["object"]["kind"], "ConfigMap");
    let rv: u64 = bookmark["object"]["metadata"]["resourceVersion"].as_str().unwrap().parse().unwrap();
    assert!(rv >= from.parse::<u64>().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_older_than_the_history_is_410_gone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = concord_sandbox::Config::new(&data);
    let sandbox = concord_sandbox::Sandbox::start(config.clone()).await.unwrap();
    let client = reqwest::Client::new();
    let old = create_cm(&client, &sandbox.url(), "before", json!({})).await;
    let old_rv = old["metadata"]["resourceVersion"].as_str().unwrap().to_string();
    create_cm(&client, &sandbox.url(), "after", json!({})).await;
    sandbox.stop().await;

    // After a restart the history starts empty, as after etcd compaction.
    let sandbox = concord_sandbox::Sandbox::start(config).await.unwrap();
    let url = sandbox.url();
    let watch = client
        .get(format!("{url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={old_rv}"))
        .send()
        .await
        .unwrap();
    assert_eq!(watch.status(), 200, "kube answers a too-old watch with an ERROR event");
    let seen = events(watch, 1, Duration::from_secs(5)).await;
    assert_eq!(seen[0]["type"], "ERROR", "{seen:?}");
    assert_eq!(seen[0]["object"]["code"], 410);
    assert_eq!(seen[0]["object"]["reason"], "Expired");
    // A list continuing from a page of the old history is 410 too; a fresh list works.
    let list = client
        .get(format!(
            "{url}/api/v1/namespaces/default/configmaps?resourceVersion={old_rv}&resourceVersionMatch=Exact"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 410);
    let list: Value = client
        .get(format!("{url}/api/v1/namespaces/default/configmaps"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> =
        list["items"].as_array().unwrap().iter().filter_map(|i| i["metadata"]["name"].as_str()).collect();
    assert!(names.contains(&"before") && names.contains(&"after"), "{names:?}");
}
