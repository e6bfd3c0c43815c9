//! Shared support of the server's tests: a sandbox with a Concord server in front of it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use concord_sandbox::{Config, Sandbox};
use concord_server::auth::Auth;
use concord_server::{Cluster, ClusterEntry, Server};
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub async fn config(kubeconfig: &Path) -> kube::Config {
    let kubeconfig = kube::config::Kubeconfig::read_from(kubeconfig).unwrap();
    kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.unwrap()
}

pub async fn client(kubeconfig: &Path) -> kube::Client {
    kube::Client::try_from(config(kubeconfig).await).unwrap()
}

/// Serves `server` on a free loopback port (with peer addresses, as `concord serve` does);
/// its URL.
pub async fn serve(server: Arc<Server>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app =
        concord_server::http::router(server).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(axum::serve(listener, app).into_future());
    url
}

/// The static tokens of [`Harness::with_tokens`]: an administrator, and users with no
/// permissions of their own (tests grant them what they need).
pub const TOKENS: &str = "admin-token,admin,1,\"system:masters\"\nalice-token,alice,2,\"dev\"\nbob-token,bob,3\ncarol-token,carol,4\n";

/// A sandbox, a Concord server in front of it (a cluster `as-<user>` per user: the same sandbox,
/// written to as `concord:<user>`; `as-alice` and `as-bob` by default), and clients of both.
pub struct Harness {
    _dir: tempfile::TempDir,
    _sandbox: Sandbox,
    pub kube: kube::Client,
    pub http: reqwest::Client,
    pub url: String,
    pub server: Arc<Server>,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::with_users(&["alice", "bob"]).await
    }

    /// A harness whose server has a cluster `as-<user>` per user.
    pub async fn with_users(users: &[&str]) -> Harness {
        let (dir, sandbox, kubeconfig) = sandbox(|_| {}).await;
        let kube = client(&kubeconfig).await;
        let config = config(&kubeconfig).await;
        let clusters = users
            .iter()
            .map(|user| {
                let cluster = Arc::new(Cluster::new(config.clone()).unwrap());
                (format!("as-{user}"), ClusterEntry { cluster, user: (*user).to_owned() })
            })
            .collect::<BTreeMap<_, _>>();
        let server = Arc::new(Server::new(clusters, "as-alice".into(), Auth::Kubeconfig));
        let url = serve(server.clone()).await;
        Harness { _dir: dir, _sandbox: sandbox, kube, http: reqwest::Client::new(), url, server }
    }

    /// A sandbox with the static [`TOKENS`] and RBAC, and a server with one cluster `sandbox`
    /// (its own identity the administrator) identifying callers by `auth`.
    pub async fn with_tokens(auth: Auth) -> Harness {
        Harness::with_tokens_and(auth, |server| server).await
    }

    /// [`Harness::with_tokens`], the server set up further by `configure`.
    pub async fn with_tokens_and(auth: Auth, configure: impl FnOnce(Server) -> Server) -> Harness {
        let (dir, sandbox, kubeconfig) = sandbox(|config| {
            let tokens = config.data_dir.with_file_name("tokens.csv");
            std::fs::write(&tokens, TOKENS).unwrap();
            config.token_file = Some(tokens);
        })
        .await;
        sandbox.write_kubeconfig(&kubeconfig, Some("admin-token")).unwrap();
        let config = config(&kubeconfig).await;
        let kube = kube::Client::try_from(config.clone()).unwrap();
        let own = ClusterEntry { cluster: Arc::new(Cluster::new(config).unwrap()), user: "admin".into() };
        let server = Arc::new(configure(Server::new(
            BTreeMap::from([("sandbox".to_owned(), own)]),
            "sandbox".into(),
            auth,
        )));
        let url = serve(server.clone()).await;
        Harness { _dir: dir, _sandbox: sandbox, kube, http: reqwest::Client::new(), url, server }
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

    /// GETs `/api/v1/<path>` with `headers`; the status and the JSON answer.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut request = self.http.get(format!("{}/api/v1/{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// Applies `yaml` (one or more documents) as the sandbox's administrator.
    pub async fn apply(&self, yaml: &str) {
        for document in yaml.split("\n---\n") {
            let object: Value = serde_saphyr::from_str(document).unwrap();
            create(&self.kube, &object).await;
        }
    }

    /// Sends `request`; the status and the JSON answer.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

/// A sandbox in a temporary directory (configured by `setup`), and its kubeconfig.
pub async fn sandbox(setup: impl FnOnce(&mut Config)) -> (tempfile::TempDir, Sandbox, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut config = Config::new(&dir.path().join("data"));
    config.kubeconfig = Some(kubeconfig.clone());
    setup(&mut config);
    let sandbox = Sandbox::start(config).await.unwrap();
    (dir, sandbox, kubeconfig)
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

pub const FORWARD: u8 = 0;
/// Connections stay open, but nothing goes through: a cluster that hangs.
pub const SILENT: u8 = 1;
/// Connections are cut and new ones refused: a cluster that is gone.
pub const GONE: u8 = 2;

/// A TCP proxy in front of the sandbox whose behaviour the test switches.
pub struct Switch {
    mode: Arc<AtomicU8>,
    pub url: String,
}

impl Switch {
    pub async fn start(upstream: String) -> Switch {
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

    pub fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

/// Copies `from` to `to` while forwarding; swallows the bytes while silent; ends when gone.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<AtomicU8>,
) {
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
