//! `concord sandbox`: runs the embedded Kubernetes-compatible API server until interrupted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::error::Error;

/// Options of `concord sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (loopback unless told otherwise; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:6443")]
    listen: SocketAddr,
    /// Directory of the durable store [default: $XDG_DATA_HOME/concord/sandbox, or
    /// ~/.local/share/concord/sandbox].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Where to write a kubeconfig for the sandbox [default: <data-dir>/kubeconfig].
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// A kube-apiserver static token file (`token,user,uid,"group1,group2"` lines). Without
    /// one, only loopback clients are served, as cluster administrators.
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Serve HTTPS with a generated self-signed certificate (its CA goes into the kubeconfig).
    #[arg(long)]
    tls: bool,
}

/// The default data directory of the sandbox (shared by `concord serve`'s own sandbox).
pub(crate) fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("concord/sandbox")
}

/// Runs the sandbox until Ctrl-C or SIGTERM.
pub fn run(args: SandboxArgs) -> Result<ExitCode, Error> {
    if !args.listen.ip().is_loopback() && args.token_file.is_none() {
        return Err(Error::Usage(format!(
            "--listen {} is not a loopback address: without --token-file the sandbox only serves loopback clients, so pass --token-file too",
            args.listen
        )));
    }
    let data_dir = args.data_dir.unwrap_or_else(default_data_dir);
    let kubeconfig = args.kubeconfig.unwrap_or_else(|| data_dir.join("kubeconfig"));
    let mut config = concord_sandbox::Config::new(&data_dir);
    config.listen = args.listen;
    config.kubeconfig = Some(kubeconfig.clone());
    config.token_file = args.token_file;
    config.tls = args.tls;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Server(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let sandbox =
            concord_sandbox::Sandbox::start(config).await.map_err(|e| Error::Server(e.to_string()))?;
        println!("concord sandbox listening on {}", sandbox.url());
        println!("data in {}", data_dir.display());
        println!(
            "kubeconfig written to {} (try: KUBECONFIG={} kubectl get ns)",
            kubeconfig.display(),
            kubeconfig.display()
        );
        shutdown_signal().await;
        sandbox.stop().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
