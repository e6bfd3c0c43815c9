//! Deletion beyond the single object: finalizers, owner references with each propagation policy
//! (kube's garbage collector), and deletecollection with a selector.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use serde_json::{Value, json};

const CMS: &str = "/api/v1/namespaces/default/configmaps";

struct Client {
    http: reqwest::Client,
    url: String,
}

impl Client {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn create(&self, name: &str, metadata: Value) -> Value {
        let mut meta = json!({"name": name});
        meta.as_object_mut().unwrap().extend(metadata.as_object().cloned().unwrap_or_default());
        let (status, object) = self
            .send(
                reqwest::Method::POST,
                CMS,
                Some(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta})),
            )
            .await;
        assert_eq!(status, 201, "{object}");
        object
    }

    async fn exists(&self, name: &str) -> Option<Value> {
        let (status, object) = self.send(reqwest::Method::GET, &format!("{CMS}/{name}"), None).await;
        (status == 200).then_some(object)
    }

    /// Waits (up to 5 s) until `name` is gone.
    async fn gone(&self, name: &str) -> bool {
        for _ in 0..100 {
            if self.exists(name).await.is_none() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

async fn client() -> (common::TestSandbox, Client) {
    let ts = common::start().await;
    let client = Client { http: reqwest::Client::new(), url: ts.url() };
    (ts, client)
}

fn owned_by(owner: &Value) -> Value {
    json!({"ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"]}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalizers_hold_an_object_until_removed() {
    let (_ts, c) = client().await;
    c.create("held", json!({"finalizers": ["example.com/keep"]})).await;
    let (status, marked) = c.send(reqwest::Method::DELETE, &format!("{CMS}/held"), None).await;
    assert_eq!(status, 200);
    assert!(marked["metadata"]["deletionTimestamp"].is_string(), "{marked}");
    assert!(c.exists("held").await.is_some(), "a finalizer keeps the object");
    // Removing the last finalizer completes the deletion.
    let patch = c
        .http
        .patch(format!("{}{CMS}/held", c.url))
        .header("Content-Type", "application/merge-patch+json")
        .body(r#"{"metadata":{"finalizers":null}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 200);
    assert!(c.gone("held").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dependents_follow_their_owner_per_propagation_policy() {
    let (_ts, c) = client().await;
    // Background (the default): the owner goes at once, its dependents after it.
    let owner = c.create("owner-bg", json!({})).await;
    c.create("child-bg", owned_by(&owner)).await;
    let (status, _) = c.send(reqwest::Method::DELETE, &format!("{CMS}/owner-bg"), None).await;
    assert_eq!(status, 200);
    assert!(c.gone("child-bg").await, "background deletion removes dependents");

    // Orphan: the dependent stays, without its owner reference.
    let owner = c.create("owner-or", json!({})).await;
    c.create("child-or", owned_by(&owner)).await;
    let (status, _) = c
        .send(
            reqwest::Method::DELETE,
            &format!("{CMS}/owner-or"),
            Some(json!({"propagationPolicy": "Orphan"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(c.gone("owner-or").await);
    let mut orphan = None;
    for _ in 0..100 {
        orphan = c.exists("child-or").await;
        if orphan.as_ref().is_some_and(|o| o["metadata"].get("ownerReferences").is_none()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let orphan = orphan.expect("the orphan survives");
    assert!(orphan["metadata"].get("ownerReferences").is_none(), "{orphan}");

    // Foreground: the owner waits, marked, until its dependents are gone.
    let owner = c.create("owner-fg", json!({})).await;
    c.create("child-fg", owned_by(&owner)).await;
    let (status, marked) = c
        .send(
            reqwest::Method::DELETE,
            &format!("{CMS}/owner-fg"),
            Some(json!({"propagationPolicy": "Foreground"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(marked["metadata"]["finalizers"], json!(["foregroundDeletion"]), "{marked}");
    assert!(c.gone("child-fg").await);
    assert!(c.gone("owner-fg").await, "the owner goes once its dependents are gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletecollection_deletes_what_the_selector_matches() {
    let (_ts, c) = client().await;
    for (name, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
        c.create(name, json!({"labels": {"tier": tier}})).await;
    }
    let (status, list) =
        c.send(reqwest::Method::DELETE, &format!("{CMS}?labelSelector=tier%3Dweb"), None).await;
    assert_eq!(status, 200, "{list}");
    let deleted: Vec<&str> =
        list["items"].as_array().unwrap().iter().filter_map(|i| i["metadata"]["name"].as_str()).collect();
    assert_eq!(deleted, ["a", "b"]);
    assert!(c.exists("a").await.is_none() && c.exists("b").await.is_none());
    assert!(c.exists("c").await.is_some());
    // Preconditions on a single delete: a wrong uid is a conflict and deletes nothing.
    let (status, error) = c
        .send(
            reqwest::Method::DELETE,
            &format!("{CMS}/c"),
            Some(json!({"preconditions": {"uid": "not-the-uid"}})),
        )
        .await;
    assert_eq!(status, 409, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("Precondition failed: UID in precondition: not-the-uid"),
        "{error}"
    );
    assert!(c.exists("c").await.is_some());
}
