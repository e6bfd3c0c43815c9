//! Shared support of the server's tests: a sandbox with a Concord server in front of it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use concord_sandbox::{Config, Sandbox};
use concord_server::Cluster;
use concord_server::http::{ClusterEntry, Server};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use serde_json::{Value, json};

pub async fn client(kubeconfig: &Path) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.unwrap();
    kube::Client::try_from(config).unwrap()
}

/// A sandbox, a Concord server in front of it (a cluster `as-<user>` per user: the same sandbox,
/// written to as `concord:<user>`; `as-alice` and `as-bob` by default), and clients of both.
pub struct Harness {
    _dir: tempfile::TempDir,
    _sandbox: Sandbox,
    pub kube: kube::Client,
    pub http: reqwest::Client,
    pub url: String,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with_users(&["alice", "bob"]).await
    }

    /// A harness whose server has a cluster `as-<user>` per user.
    pub async fn with_users(users: &[&str]) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        let mut config = Config::new(&dir.path().join("data"));
        config.kubeconfig = Some(kubeconfig.clone());
        let sandbox = Sandbox::start(config).await.unwrap();
        let kube = client(&kubeconfig).await;
        let clusters = users
            .iter()
            .map(|user| {
                (
                    format!("as-{user}"),
                    ClusterEntry { cluster: Cluster::new(kube.clone()), user: (*user).to_owned() },
                )
            })
            .collect::<BTreeMap<_, _>>();
        let server = Arc::new(Server::new(clusters, "as-alice".into()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(axum::serve(listener, concord_server::http::router(server)).into_future());
        Harness { _dir: dir, _sandbox: sandbox, kube, http: reqwest::Client::new(), url }
    }

    /// POSTs `body` to `/api/v1/edit` with the CSRF header; the status and the JSON answer.
    pub async fn edit(&self, body: &Value) -> (u16, Value) {
        self.post("edit", body).await
    }

    /// POSTs `body` to `/api/v1/<path>` with the CSRF header; the status and the JSON answer.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(
            self.http.post(format!("{}/api/v1/{path}", self.url)).header("x-concord-csrf", "1").json(body),
        )
        .await
    }

    /// Sends `request`; the status and the JSON answer.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

/// The API for an object's kind, where the sandbox serves it.
pub async fn api_for(client: &kube::Client, object: &Value) -> Api<DynamicObject> {
    let api_version = object["apiVersion"].as_str().unwrap();
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, object["kind"].as_str().unwrap());
    // A CRD just created takes a moment to be served.
    let mut found = None;
    for _ in 0..50 {
        if let Ok(f) = kube::discovery::pinned_kind(client, &gvk).await {
            found = Some(f);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (resource, capabilities): (ApiResource, _) = found.expect("the kind is served");
    match object.pointer("/metadata/namespace").and_then(Value::as_str) {
        Some(ns) if capabilities.scope == kube::discovery::Scope::Namespaced => {
            Api::namespaced_with(client.clone(), ns, &resource)
        }
        _ => Api::all_with(client.clone(), &resource),
    }
}

pub async fn create(client: &kube::Client, object: &Value) -> Value {
    let api = api_for(client, object).await;
    let object: DynamicObject = serde_json::from_value(object.clone()).unwrap();
    match api.create(&PostParams::default(), &object).await {
        Ok(created) => serde_json::to_value(created).unwrap(),
        Err(kube::Error::Api(status)) if status.code == 409 => json!(null),
        Err(e) => panic!("creating {:?}: {e}", object.metadata.name),
    }
}
