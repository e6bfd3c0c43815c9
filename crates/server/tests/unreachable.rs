//! A cluster that stops answering mid-edit, or goes away: a clear 504 or 502 with a message,
//! nothing written, and the server goes on serving.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use concord_server::auth::Auth;
use concord_server::{Cluster, ClusterEntry, Server};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const FORWARD: u8 = 0;
/// Connections stay open, but nothing goes through: a cluster that hangs.
const SILENT: u8 = 1;
/// Connections are cut and new ones refused: a cluster that is gone.
const GONE: u8 = 2;

/// A TCP proxy in front of the sandbox whose behaviour the test switches.
struct Switch {
    mode: Arc<AtomicU8>,
    url: String,
}

impl Switch {
    async fn start(upstream: String) -> Switch {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mode = Arc::new(AtomicU8::new(FORWARD));
        let shared = mode.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                if shared.load(Ordering::SeqCst) == GONE {
                    drop(client);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream).await else { continue };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pipe(client_read, server_write, shared.clone()));
                tokio::spawn(pipe(server_read, client_write, shared.clone()));
            }
        });
        Switch { mode, url }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

/// Copies `from` to `to` while forwarding; swallows the bytes while silent; ends when gone.
async fn pipe(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, mode: Arc<AtomicU8>) {
    let mut buffer = vec![0; 64 << 10];
    loop {
        let read = tokio::select! {
            read = from.read(&mut buffer) => read,
            () = tokio::time::sleep(Duration::from_millis(50)) => {
                if mode.load(Ordering::SeqCst) == GONE { return }
                continue;
            }
        };
        let Ok(n @ 1..) = read else { return };
        match mode.load(Ordering::SeqCst) {
            FORWARD => {
                if to.write_all(&buffer[..n]).await.is_err() {
                    return;
                }
            }
            SILENT => {}
            _ => return,
        }
    }
}

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

    let created = common::create(&kube, &json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "default"}, "data": {"k": "0"}}))
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
    assert_eq!(body, json!({"outcome": "unavailable", "message": "the cluster did not answer within 2 seconds"}));
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
