//! Concord's sandbox: a Kubernetes-compatible API server that kubectl and kube-rs use
//! unmodified, backed by a durable local store.
//!
//! It is the embedded cluster of `concord serve` when no real cluster is configured, and the test
//! bed of Concord's own tests. It is not a replacement for Kubernetes: it serves the API (with
//! kube-apiserver's semantics where clients depend on them) but runs no workloads.
//!
//! Layers, each a module: [`registry`] (what is served), [`api`] (what each verb does, over
//! `concord-store`), [`http`] (kube-apiserver's paths, negotiation, authentication and RBAC),
//! [`status`] (errors as `Status` bodies). [`Sandbox::start`] wires them to a listener.
//!
//! ```no_run
//! # async fn run() -> Result<(), concord_sandbox::StartError> {
//! let dir = std::path::Path::new("/tmp/sandbox");
//! let sandbox = concord_sandbox::Sandbox::start(concord_sandbox::Config::new(dir)).await?;
//! println!("listening on {}", sandbox.url());
//! # Ok(()) }
//! ```

pub mod api;
pub mod http;
mod kubeconfig;
pub mod registry;
pub mod status;
mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use kubeconfig::kubeconfig_yaml;

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Directory of the store (created if missing).
    pub data_dir: PathBuf,
    /// Where to write a kubeconfig for the sandbox, if anywhere.
    pub kubeconfig: Option<PathBuf>,
    /// A kube-apiserver static token file; without one, loopback clients are administrators.
    pub token_file: Option<PathBuf>,
    /// Serve HTTPS with a generated self-signed certificate.
    pub tls: bool,
    /// How often watchers that allow bookmarks get one.
    pub bookmark_interval: std::time::Duration,
    /// How many past changes a watch can resume from; older versions get 410 Gone (kept small
    /// by tests that need a watch to expire).
    pub history: usize,
}

impl Config {
    /// Defaults: loopback on a free port, plain HTTP, no kubeconfig, no tokens.
    pub fn new(data_dir: &Path) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.to_path_buf(),
            kubeconfig: None,
            token_file: None,
            tls: false,
            bookmark_interval: std::time::Duration::from_secs(60),
            history: concord_store::Options::default().history,
        }
    }
}

/// Why a sandbox did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened.
    #[error("cannot open the store in {dir}: {source}")]
    Store {
        /// The data directory.
        dir: PathBuf,
        /// The store's error.
        source: concord_store::StoreError,
    },
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The token file could not be read or parsed.
    #[error("token file {path}: {message}")]
    Tokens {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The certificate could not be generated.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// The kubeconfig could not be written.
    #[error("cannot write the kubeconfig {path}: {source}")]
    Kubeconfig {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Seeding the store failed.
    #[error("cannot initialise the store: {0}")]
    Seed(status::ApiError),
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    tls: Option<tls::Certificate>,
    api: Arc<api::Api>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Opens the store, binds the listener, writes the kubeconfig and starts serving.
    pub async fn start(config: Config) -> Result<Sandbox, StartError> {
        let store_path = config.data_dir.join("sandbox.redb");
        let options = concord_store::Options { history: config.history, ..concord_store::Options::default() };
        let store = concord_store::Store::open_with(&store_path, options)
            .map_err(|source| StartError::Store { dir: config.data_dir.clone(), source })?;
        let authn = match &config.token_file {
            None => http::auth::Authn::LoopbackAdmin,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| StartError::Tokens { path: path.clone(), message: e.to_string() })?;
                let tokens = concord_apimachinery::tokens::TokenFile::parse(&text)
                    .map_err(|e| StartError::Tokens { path: path.clone(), message: e.to_string() })?;
                http::auth::Authn::Tokens(tokens)
            }
        };
        let api = api::Api::new(store, config.bookmark_interval).await.map_err(StartError::Seed)?;
        let listener = std::net::TcpListener::bind(config.listen)
            .map_err(|source| StartError::Listen { addr: config.listen, source })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| StartError::Listen { addr: config.listen, source })?;
        let addr =
            listener.local_addr().map_err(|source| StartError::Listen { addr: config.listen, source })?;
        let server = Arc::new(http::Server { api: api.clone(), authn, address: addr.to_string() });
        let app = http::router(server).into_make_service_with_connect_info::<SocketAddr>();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = axum_server::Handle::new();
        let shutdown_handle = handle.clone();
        tokio::spawn(async move {
            let _ = rx.await;
            shutdown_handle.shutdown();
        });
        let certificate =
            if config.tls { Some(tls::Certificate::generate(addr).map_err(StartError::Tls)?) } else { None };
        let task = match &certificate {
            Some(cert) => {
                let rustls = cert.server_config().map_err(StartError::Tls)?;
                let server = axum_server::from_tcp_rustls(listener, rustls)
                    .map_err(|e| StartError::Tls(e.to_string()))?
                    .handle(handle);
                tokio::spawn(async move {
                    if let Err(e) = server.serve(app).await {
                        tracing::error!(error = %e, "sandbox server stopped");
                    }
                })
            }
            None => {
                let server = axum_server::from_tcp(listener)
                    .map_err(|source| StartError::Listen { addr, source })?
                    .handle(handle);
                tokio::spawn(async move {
                    if let Err(e) = server.serve(app).await {
                        tracing::error!(error = %e, "sandbox server stopped");
                    }
                })
            }
        };
        let sandbox = Sandbox { addr, tls: certificate, api, shutdown: Some(tx), server: Some(task) };
        if let Some(path) = &config.kubeconfig {
            sandbox.write_kubeconfig(path, None)?;
        }
        Ok(sandbox)
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` or `https://...`.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The PEM of the CA that signed the serving certificate, when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|c| c.ca_pem.as_str())
    }

    /// The API (to seed objects or inspect state without HTTP).
    pub fn api(&self) -> &Arc<api::Api> {
        &self.api
    }

    /// Writes a kubeconfig that points at this sandbox (with a bearer token, if given), readable
    /// only by its owner.
    pub fn write_kubeconfig(&self, path: &Path, token: Option<&str>) -> Result<(), StartError> {
        let yaml = kubeconfig_yaml(&self.url(), self.ca_pem(), token);
        kubeconfig::write_private(path, &yaml)
            .map_err(|source| StartError::Kubeconfig { path: path.to_path_buf(), source })
    }

    /// Stops serving, waits for the server task to end and for its connections and watches to
    /// let go of the API (up to five seconds), so the store is closed when this returns and the
    /// data directory can be opened again.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.server.take() {
            let _ = task.await;
        }
        for _ in 0..500 {
            if Arc::strong_count(&self.api) == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
