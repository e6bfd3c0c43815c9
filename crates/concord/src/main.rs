//! `concord`: Concord's single binary. Today it has one subcommand, `concord patch`, the patch
//! engine (`concord-patch`) on the command line; `concord sandbox` and `concord serve` come later.
//!
//! Exit codes: 0 on success, 1 when `concord patch merge3` finds conflicts or the object gone
//! (its JSON answer is still printed), 2 on any error (a one-line `concord: <message>` on stderr).

mod error;
mod input;
mod patch;

use std::process::ExitCode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Patch(args) => patch::run(args),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("concord: {}", error::one_line(&e.to_string()));
            ExitCode::from(2)
        }
    }
}
