//! `concord serve`: Concord's back end on the clusters of a kubeconfig, acting as its users; with
//! no cluster configured, on a sandbox of its own with demo data.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use concord_server::http::{ClusterEntry, Server};

use crate::error::Error;
use crate::sandbox::{default_data_dir, shutdown_signal};

/// Options of `concord serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless told otherwise; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The kubeconfig whose contexts Concord offers, each acting as its user [default:
    /// $KUBECONFIG, then ~/.kube/config; with neither, Concord starts its own sandbox].
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// The context edits go to when a request names none [default: the current context].
    #[arg(long)]
    context: Option<String>,
    /// The sandbox's data directory, when Concord starts its own [default:
    /// $XDG_DATA_HOME/concord/sandbox, or ~/.local/share/concord/sandbox].
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

/// The kubeconfig to use: `--kubeconfig`, `$KUBECONFIG` (its first file), `~/.kube/config`.
fn kubeconfig_path(args: &ServeArgs) -> Option<PathBuf> {
    if let Some(path) = &args.kubeconfig {
        return Some(path.clone());
    }
    if let Some(paths) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&paths).next();
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?.join(".kube/config");
    home.is_file().then_some(home)
}

/// Serves until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<ExitCode, Error> {
    if !args.listen.ip().is_loopback() {
        return Err(Error::Usage(format!(
            "--listen {}: with kubeconfig credentials, Concord acts as their user for anyone who reaches it, so it listens on loopback only",
            args.listen
        )));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Server(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let mut sandbox = None;
        let kubeconfig = match kubeconfig_path(&args) {
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
        let (clusters, default) = concord_server::kubeconfig::clusters(&file, args.context.as_deref())
            .await
            .map_err(|e| Error::Server(format!("{}: {e}", kubeconfig.display())))?;
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
        let names: Vec<&str> = clusters.keys().map(String::as_str).collect();
        println!("clusters from {}: {} (default: {default})", kubeconfig.display(), names.join(", "));
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| Error::Server(format!("cannot listen on {}: {e}", args.listen)))?;
        let address = listener.local_addr().map_err(|e| Error::Server(e.to_string()))?;
        println!("concord listening on http://{address}");
        let router = concord_server::http::router(Arc::new(Server::new(clusters, default)));
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| Error::Server(e.to_string()))?;
        if let Some(sandbox) = sandbox {
            sandbox.stop().await;
        }
        Ok(ExitCode::SUCCESS)
    })
}
