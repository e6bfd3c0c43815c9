//! `concord`: Concord's single binary: `concord patch` (the patch engine, `concord-patch`, on the
//! command line) and `concord sandbox` (the embedded Kubernetes-compatible API server,
//! `concord-sandbox`) and `concord serve` (the back end, `concord-server`), and `concord edit`
//! (an object in the user's editor, saved through the edit protocol).
//!
//! Exit codes: 0 on success, 1 when `concord patch merge3` finds conflicts or the object gone
//! (its JSON answer is still printed), 2 on any error (a one-line `concord: <message>` on stderr),
//! including an edit that was not saved.

mod edit;
mod error;
mod input;
mod kubeconfig;
mod patch;
mod sandbox;
mod serve;

use std::process::ExitCode;

/// The sandbox parses and builds many small JSON values per request; mimalloc handles that
/// churn with less CPU than glibc's allocator and returns freed memory instead of keeping it
/// (measured in BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// Concord: a Kubernetes web console in which no edit is ever silently lost.
#[derive(Debug, Parser)]
#[command(name = "concord", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create, apply and merge patches of Kubernetes objects (strategic merge patch, JSON merge
    /// patch, JSON patch, and the three-way editor merge).
    Patch(patch::PatchArgs),
    /// Run the sandbox: a Kubernetes-compatible API server with a durable local store, which
    /// kubectl and kube-rs use unmodified.
    Sandbox(sandbox::SandboxArgs),
    /// Run Concord's back end on the clusters of a kubeconfig (or, with none configured, on
    /// its own sandbox with demo data).
    Serve(serve::ServeArgs),
    /// Edit an object in your editor ($KUBE_EDITOR, $EDITOR, else vi), like `kubectl edit`,
    /// saved as a patch that keeps anyone else's concurrent change; where you both changed a
    /// field, the editor reopens with it marked for you to resolve.
    Edit(edit::EditArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr, filtered by RUST_LOG (default: warnings and errors).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Patch(args) => patch::run(args),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Edit(args) => edit::run(args),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("concord: {}", error::one_line(&e.to_string()));
            ExitCode::from(2)
        }
    }
}
