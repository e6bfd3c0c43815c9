//! `concord patch`: the patch engine on the command line. The commands read documents (JSON or
//! YAML), call the engine and print its answer as JSON on standard output; `--lines` answers
//! one JSON request per line.

mod lines;
mod ops;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use concord_patch::merge3::Side;
use serde_json::Value;

use crate::error::{Error, display_path};
use crate::input::read_document;
use concord_patch::{Gvk, PatchType};
use ops::{CreateRequest, SchemaSource};

/// `concord patch` and its subcommands.
#[derive(Debug, Args)]
#[command(arg_required_else_help = true, args_conflicts_with_subcommands = true)]
pub struct PatchArgs {
    /// Read one JSON request per line from standard input and answer each with one JSON line
    /// (see the README for the format).
    #[arg(long)]
    lines: bool,
    #[command(subcommand)]
    command: Option<PatchCommand>,
}

#[derive(Debug, Subcommand)]
enum PatchCommand {
    /// Create the patch from ORIGINAL to MODIFIED; with --current, the three-way patch
    /// `kubectl apply` sends (ORIGINAL is then the last applied configuration).
    Create(CreateArgs),
    /// Apply PATCH to OBJECT and print the result.
    Apply(ApplyArgs),
    /// Merge BASE (as the user loaded it), THEIRS (the live object) and MINE (the user's edit):
    /// prints {"outcome": "merged"|"unchanged"|"conflict"|"gone", ...}; exit code 1 on conflict
    /// or gone.
    Merge3(Merge3Args),
}

/// Options every command shares: extra patch metadata and output format.
#[derive(Debug, Args)]
struct Common {
    /// Add the types of an OpenAPI v2 or v3 document (JSON or YAML) to the built-in table.
    #[arg(long, value_name = "FILE")]
    openapi: Vec<PathBuf>,
    /// Add the schema of a CustomResourceDefinition (JSON or YAML) to the built-in table.
    #[arg(long, value_name = "FILE")]
    crd: Vec<PathBuf>,
    /// Use the patch metadata of this kind (`<apiVersion>/<Kind>`, e.g. apps/v1/Deployment)
    /// instead of the kind the objects name.
    #[arg(long, value_name = "KIND", value_parser = ops::parse_kind)]
    kind: Option<Gvk>,
    /// Indent the JSON output.
    #[arg(long)]
    pretty: bool,
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// The patch format to create.
    #[arg(long = "type", value_name = "strategic|merge|json")]
    patch_type: PatchType,
    /// The object before the change (JSON or YAML; `-` for standard input).
    original: PathBuf,
    /// The object after the change.
    modified: PathBuf,
    /// The live object: create the three-way patch `kubectl apply` sends (strategic only).
    #[arg(long, value_name = "CURRENT")]
    current: Option<PathBuf>,
    /// With --current: overwrite changes made in CURRENT since ORIGINAL instead of failing.
    #[arg(long, requires = "current")]
    overwrite: bool,
    /// JSON patch only: precede every replace and remove with a test of the old value.
    #[arg(long)]
    test_preconditions: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct ApplyArgs {
    /// The patch format of PATCH.
    #[arg(long = "type", value_name = "strategic|merge|json")]
    patch_type: PatchType,
    /// The object to patch (JSON or YAML; `-` for standard input).
    object: PathBuf,
    /// The patch.
    patch: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct Merge3Args {
    /// The object as the user loaded it (JSON or YAML; `-` for standard input).
    base: PathBuf,
    /// The live object, changed by someone else meanwhile.
    theirs: PathBuf,
    /// The object as the user wants it.
    mine: PathBuf,
    /// Resolve the conflict at POINTER (as reported) to one side; repeatable.
    #[arg(long, value_name = "POINTER=theirs|mine", value_parser = ops::parse_resolution)]
    resolve: Vec<(String, Side)>,
    #[command(flatten)]
    common: Common,
}

/// Runs `concord patch`.
pub fn run(args: PatchArgs) -> Result<ExitCode, Error> {
    match args.command {
        None if args.lines => lines::run(std::io::stdin().lock(), std::io::stdout().lock()),
        None => Err(Error::Usage("concord patch needs a subcommand or --lines".into())),
        Some(PatchCommand::Create(a)) => {
            let mut inputs = vec![a.original.as_path(), a.modified.as_path()];
            inputs.extend(a.current.as_deref());
            let docs = read_all(&inputs, &a.common)?;
            let schema = schema(&a.common)?;
            let request = CreateRequest {
                patch_type: a.patch_type,
                original: &docs[0],
                modified: &docs[1],
                current: docs.get(2),
                overwrite: a.overwrite,
                test_preconditions: a.test_preconditions,
                kind: a.common.kind.as_ref(),
            };
            print(&ops::create(&request, &schema)?, a.common.pretty)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(PatchCommand::Apply(a)) => {
            let docs = read_all(&[&a.object, &a.patch], &a.common)?;
            let schema = schema(&a.common)?;
            let result = ops::apply(a.patch_type, &docs[0], &docs[1], &schema, a.common.kind.as_ref())?;
            print(&result, a.common.pretty)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(PatchCommand::Merge3(a)) => {
            let docs = read_all(&[&a.base, &a.theirs, &a.mine], &a.common)?;
            let schema = schema(&a.common)?;
            let answer =
                ops::merge3(&docs[0], &docs[1], &docs[2], &a.resolve, &schema, a.common.kind.as_ref())?;
            print(&answer.json, a.common.pretty)?;
            Ok(if answer.clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// Reads the documents in order, after checking that standard input is named at most once
/// (counting `--openapi` and `--crd` files).
fn read_all(paths: &[&Path], common: &Common) -> Result<Vec<Value>, Error> {
    let all = paths.iter().copied().chain(common.openapi.iter().map(PathBuf::as_path));
    if all.chain(common.crd.iter().map(PathBuf::as_path)).filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::Usage("standard input (-) can be read only once".into()));
    }
    paths.iter().map(|p| read_document(p)).collect()
}

/// The built-in schema extended by `--openapi` and `--crd` files.
fn schema(common: &Common) -> Result<std::borrow::Cow<'static, concord_patch::Schema>, Error> {
    let mut sources = Vec::new();
    for path in &common.openapi {
        sources
            .push(SchemaSource::OpenApi(format!("--openapi {}", display_path(path)), read_document(path)?));
    }
    for path in &common.crd {
        sources.push(SchemaSource::Crd(format!("--crd {}", display_path(path)), read_document(path)?));
    }
    ops::schema(sources)
}

/// Prints a JSON value and a newline on standard output.
fn print(value: &Value, pretty: bool) -> Result<(), Error> {
    let text = if pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) }
        .map_err(Error::Encode)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).map_err(Error::Output)
}
