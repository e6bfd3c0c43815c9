//! `concord serve`: Concord's back end on the clusters of a kubeconfig or, inside a pod, on its
//! own cluster; with no cluster configured, on a sandbox of its own with demo data. Every call
//! to a cluster is made as the person using Concord (`--auth`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use concord_server::auth::{Auth, ProxyHeaders, Sessions};
use concord_server::{Cluster, ClusterEntry, Server};

use crate::error::Error;
use crate::sandbox::{default_data_dir, shutdown_signal};

/// How Concord learns who is using it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AuthMode {
    /// As the kubeconfig's user, like `kubectl proxy`: for local use (loopback only).
    Kubeconfig,
    /// Each browser session signs in with its own Kubernetes bearer token.
    Token,
    /// Behind an authenticating proxy: impersonate the user its headers name.
    Proxy,
}

/// Options of `concord serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port). With `--auth kubeconfig` loopback only.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The kubeconfig whose contexts Concord offers [default: $KUBECONFIG, then
    /// ~/.kube/config; with neither, and not --in-cluster, Concord starts its own sandbox].
    #[arg(long, conflicts_with = "in_cluster")]
    kubeconfig: Option<PathBuf>,
    /// The context requests go to when they name none [default: the current context].
    #[arg(long, conflicts_with = "in_cluster")]
    context: Option<String>,
    /// Use the cluster this pod runs in; the pod's service account only feeds the shared
    /// watch cache, users act as themselves (needs --auth token or proxy).
    #[arg(long)]
    in_cluster: bool,
    /// Who requests act as.
    #[arg(long, value_enum, default_value = "kubeconfig")]
    auth: AuthMode,
    /// With --auth token: a file holding the key (at least 32 bytes) that seals session
    /// cookies; every replica must have the same one [default: a random key; sessions then
    /// end with the process and work on this replica only].
    #[arg(long)]
    session_key_file: Option<PathBuf>,
    /// With --auth proxy: the header naming the user.
    #[arg(long, default_value = "X-Remote-User")]
    proxy_user_header: String,
    /// With --auth proxy: the header naming the user's groups (repeated or comma-separated).
    #[arg(long, default_value = "X-Remote-Group")]
    proxy_group_header: String,
    /// With --auth proxy: addresses (CIDR) the proxy calls from; the headers of anyone else
    /// are refused. Repeat for several.
    #[arg(long = "trusted-proxy", default_values = ["127.0.0.1/32", "::1/128"])]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a request to a cluster may take, in seconds.
    #[arg(long, default_value_t = 20)]
    cluster_timeout: u64,
    /// The sandbox's data directory, when Concord starts its own [default:
    /// $XDG_DATA_HOME/concord/sandbox, or ~/.local/share/concord/sandbox].
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

/// How callers are identified, from the options.
fn auth(args: &ServeArgs) -> Result<Auth, Error> {
    match args.auth {
        AuthMode::Kubeconfig => {
            if args.in_cluster {
                return Err(Error::Usage(
                    "--in-cluster needs --auth token or --auth proxy: Concord never acts for users with its own service account".into(),
                ));
            }
            if !args.listen.ip().is_loopback() {
                return Err(Error::Usage(format!(
                    "--listen {}: with --auth kubeconfig, Concord acts as the kubeconfig's user for anyone who reaches it, so it listens on loopback only (use --auth token or proxy to serve others)",
                    args.listen
                )));
            }
            Ok(Auth::Kubeconfig)
        }
        AuthMode::Token => match &args.session_key_file {
            Some(path) => {
                let key = std::fs::read(path)
                    .map_err(|e| Error::Server(format!("cannot read {}: {e}", path.display())))?;
                let key = key.trim_ascii();
                Sessions::new(key)
                    .map(Auth::Token)
                    .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
            }
            None => {
                eprintln!(
                    "concord: no --session-key-file: sessions are sealed with a random key, so they end when this process does and work on this replica only"
                );
                Ok(Auth::Token(Sessions::ephemeral()))
            }
        },
        AuthMode::Proxy => {
            ProxyHeaders::new(&args.proxy_user_header, &args.proxy_group_header, args.trusted_proxies.clone())
                .map(Auth::Proxy)
                .map_err(|e| Error::Usage(e.to_string()))
        }
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<ExitCode, Error> {
    let auth = auth(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Server(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let timeout = Duration::from_secs(args.cluster_timeout.max(1));
        let mut sandbox = None;
        let (clusters, default) = if args.in_cluster {
            let config = kube::Config::incluster()
                .map_err(|e| Error::Server(format!("--in-cluster: not running in a pod ({e})")))?;
            let cluster = Cluster::new(config).map_err(|e| Error::Server(e.to_string()))?.with_timeout(timeout);
            let entry = ClusterEntry { cluster: Arc::new(cluster), user: "concord".into() };
            println!("using the cluster this pod runs in");
            (BTreeMap::from([("in-cluster".to_owned(), entry)]), "in-cluster".to_owned())
        } else {
            let kubeconfig = match crate::kubeconfig::path(args.kubeconfig.as_deref()) {
                Some(path) => path,
                None => {
                    let data_dir = args.data_dir.clone().unwrap_or_else(default_data_dir);
                    let path = data_dir.join("kubeconfig");
                    let mut config = concord_sandbox::Config::new(&data_dir);
                    config.kubeconfig = Some(path.clone());
                    let started =
                        concord_sandbox::Sandbox::start(config).await.map_err(|e| Error::Server(e.to_string()))?;
                    println!(
                        "no cluster configured (no --kubeconfig, no KUBECONFIG, no ~/.kube/config): started the sandbox at {} (data in {})",
                        started.url(),
                        data_dir.display()
                    );
                    sandbox = Some(started);
                    path
                }
            };
            let file = kube::config::Kubeconfig::read_from(&kubeconfig)
                .map_err(|e| Error::Server(format!("cannot read {}: {e}", kubeconfig.display())))?;
            let (clusters, default) = concord_server::kubeconfig::clusters(&file, args.context.as_deref(), timeout)
                .await
                .map_err(|e| Error::Server(format!("{}: {e}", kubeconfig.display())))?;
            let names: Vec<&str> = clusters.keys().map(String::as_str).collect();
            println!("clusters from {}: {} (default: {default})", kubeconfig.display(), names.join(", "));
            (clusters, default)
        };
        if sandbox.is_some()
            && let Some(ClusterEntry { cluster, .. }) = clusters.get(&default)
        {
            let created = concord_server::demo::load(cluster)
                .await
                .map_err(|e| Error::Server(format!("loading the demo data: {e}")))?;
            if created > 0 {
                println!("loaded the demo data: {created} objects, in the namespace demo");
            }
        }
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| Error::Server(format!("cannot listen on {}: {e}", args.listen)))?;
        let address = listener.local_addr().map_err(|e| Error::Server(e.to_string()))?;
        println!("users act as themselves: --auth {}", auth.name());
        println!("concord listening on http://{address}");
        let router = concord_server::http::router(Arc::new(Server::new(clusters, default, auth)));
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| Error::Server(e.to_string()))?;
        if let Some(sandbox) = sandbox {
            sandbox.stop().await;
        }
        Ok(ExitCode::SUCCESS)
    })
}
