//! `concord edit <kind>/<name>`: edits an object in the user's editor, as `kubectl edit` does,
//! but saves through Concord's edit protocol (`concord_server::edit`): a patch from the object
//! as it was loaded, with preconditions on its version, merged three ways when someone else
//! changed it meanwhile. Where both changed the same field the editor reopens with the merge,
//! each such field marked git-style, and the user's resolution is saved over the version they
//! resolved against — so nothing anyone wrote is lost on the way.
//!
//! Exit codes: 0 when saved or cancelled (an unchanged or empty file), 2 when the edit was not
//! saved (the user's text is then kept in a file whose path is printed).

mod file;
mod resource;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use concord_server::{ClusterEntry, ClusterError, EditError, EditOutcome, EditRequest, GoneReason, Kind};
use kube::config::Kubeconfig;
use serde_json::Value;
use tempfile::NamedTempFile;

use crate::error::Error;
use file::Note;

/// Options of `concord edit`.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The object: `<kind>/<name>`, or `<kind>` followed by the name. The kind is what kubectl
    /// takes: kind, plural, singular or short name (`deploy`, `cm`), optionally with its group
    /// (`deployments.apps`, `widgets.demo.concord.dev`).
    object: String,
    /// The object's name, when not given as `<kind>/<name>`.
    name: Option<String>,
    /// The object's namespace [default: the context's, else `default`].
    #[arg(short, long)]
    namespace: Option<String>,
    /// The kubeconfig context [default: the current context].
    #[arg(long)]
    context: Option<String>,
    /// The kubeconfig [default: $KUBECONFIG (its first file), then ~/.kube/config].
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
}

/// Edits the object until it is saved, or the user gives up.
pub fn run(args: EditArgs) -> Result<ExitCode, Error> {
    let (wanted, name) = match (args.object.split_once('/'), &args.name) {
        (Some((kind, name)), None) if !kind.is_empty() && !name.is_empty() => (kind, name),
        (None, Some(name)) if !args.object.is_empty() && !name.is_empty() => {
            (args.object.as_str(), name.as_str())
        }
        _ => return Err(Error::Usage("name the object as <kind>/<name> or <kind> <name>".into())),
    };
    let kubeconfig = crate::kubeconfig::path(args.kubeconfig.as_deref()).ok_or_else(|| {
        failed("no kubeconfig: give --kubeconfig, set KUBECONFIG, or create ~/.kube/config".into())
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the runtime: {e}")))?;
    let target =
        runtime.block_on(Target::open(&kubeconfig, args.context.as_deref(), wanted, name, args.namespace))?;
    target.edit(&runtime)
}

/// An edit that failed before the user's text was worth keeping.
fn failed(message: String) -> Error {
    Error::Edit { message, copy: None }
}

/// The object being edited, where, and as whom.
struct Target {
    /// The cluster, acting as the context's user (whose writes carry `entry.manager()`).
    entry: ClusterEntry,
    kind: Kind,
    /// `deployment.apps/web`, for messages.
    title: String,
    /// The object as loaded.
    object: Value,
}

impl Target {
    /// Finds the cluster of `context`, the kind `wanted` names there, and loads the object.
    async fn open(
        kubeconfig: &Path,
        context: Option<&str>,
        wanted: &str,
        name: &str,
        namespace: Option<String>,
    ) -> Result<Target, Error> {
        let file = Kubeconfig::read_from(kubeconfig)
            .map_err(|e| failed(format!("cannot read {}: {e}", kubeconfig.display())))?;
        let (mut clusters, context) =
            concord_server::kubeconfig::clusters(&file, context, concord_server::cluster::DEFAULT_TIMEOUT)
                .await
                .map_err(|e| failed(format!("{}: {e}", kubeconfig.display())))?;
        let entry = clusters
            .remove(&context)
            .ok_or_else(|| failed(format!("{}: no usable context {context:?}", kubeconfig.display())))?;
        // As kubectl: the context's namespace, else `default`.
        let namespace = namespace
            .or_else(|| {
                let named = file.contexts.iter().find(|c| c.name == context)?;
                named.context.as_ref()?.namespace.clone()
            })
            .unwrap_or_else(|| "default".to_owned());
        let served = entry.cluster.discover().await.map_err(cluster_error)?;
        let Some(found) = resource::find(&served, wanted) else {
            return Err(failed(format!("the server doesn't have a resource type {wanted:?}")));
        };
        let kind =
            entry.cluster.kind(&resource::api_version(found), &found.kind).await.map_err(cluster_error)?;
        let namespace = kind.namespaced().then_some(namespace);
        let object = entry.cluster.get(&kind, namespace.as_deref(), name).await.map_err(cluster_error)?;
        let Some(object) = object else {
            let place = namespace.map(|n| format!(" in namespace {n:?}")).unwrap_or_default();
            return Err(failed(format!("{} {name:?} not found{place}", resource::qualified_plural(found))));
        };
        Ok(Target { title: resource::title(found, name), entry, kind, object })
    }

    /// Opens the editor until the edit is saved, cancelled or abandoned.
    fn edit(self, runtime: &tokio::runtime::Runtime) -> Result<ExitCode, Error> {
        let editor = editor();
        let file = tempfile::Builder::new()
            .prefix("concord-edit-")
            .suffix(".yaml")
            .tempfile()
            .map_err(|e| failed(format!("cannot create the file to edit: {e}")))?;
        let body = file::render(&file::view(&self.object)).map_err(|e| failed(e.to_string()))?;
        let mut round = Round {
            base: self.object.clone(),
            header: file::header(&self.title, &Note::Start),
            body,
            first: true,
            marked: false,
        };
        loop {
            std::fs::write(file.path(), format!("{}{}", round.header, round.body))
                .map_err(|e| failed(format!("cannot write {}: {e}", file.path().display())))?;
            if let Err(message) = open_editor(&editor, file.path()) {
                // After the first round the file holds text the user wrote.
                return Err(if round.first { failed(message) } else { keep(file, message) });
            }
            let text = std::fs::read_to_string(file.path())
                .map_err(|e| failed(format!("cannot read {}: {e}", file.path().display())))?;
            if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
                println!("Edit cancelled, saved file was empty.");
                return Ok(ExitCode::SUCCESS);
            }
            let body = text.strip_prefix(&round.header).unwrap_or(&text).to_owned();
            if body == round.body {
                if round.first {
                    println!("Edit cancelled, no changes made.");
                    return Ok(ExitCode::SUCCESS);
                }
                return Err(keep(file, "the edit was abandoned (the file was saved unchanged)".into()));
            }
            let mine = match self.read(&round, &text) {
                Ok(mine) => mine,
                Err(message) => {
                    round = round.refused(&self.title, &message, body);
                    continue;
                }
            };
            let request = EditRequest {
                cluster: None,
                base: round.base.clone(),
                mine: mine.clone(),
                resolutions: vec![],
                theirs_resource_version: None,
            };
            let manager = self.entry.manager();
            match runtime.block_on(concord_server::edit(&self.entry.cluster, &manager, &request)) {
                Ok(EditOutcome::Applied { .. }) => {
                    println!("{} edited", self.title);
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(EditOutcome::Merged { .. }) => {
                    println!("{} edited (merged with a change made meanwhile)", self.title);
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(EditOutcome::Unchanged { .. }) => {
                    println!("Edit cancelled, no changes made.");
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(EditOutcome::Conflict { theirs, conflicts }) => {
                    let info = self.kind.type_info();
                    let marked = match file::mark_conflicts(&info, &round.base, &theirs, &mine, conflicts) {
                        Ok(marked) => marked,
                        Err(e) => {
                            let message = format!("{} was changed meanwhile, and {e}", self.title);
                            return Err(keep(file, message));
                        }
                    };
                    let note = Note::Conflict { fields: &marked.fields, writer: file::last_writer(&theirs) };
                    round = Round {
                        header: file::header(&self.title, &note),
                        base: theirs,
                        body: marked.body,
                        first: false,
                        marked: true,
                    };
                }
                Ok(EditOutcome::Gone { reason, .. }) => {
                    let what = match reason {
                        GoneReason::Deleted => "deleted",
                        GoneReason::Replaced => "replaced by another object of the same name",
                    };
                    return Err(keep(file, format!("{} was {what} while you were editing it", self.title)));
                }
                // The cluster or the protocol refused the object itself: the user can fix it.
                Err(
                    EditError::Invalid(message)
                    | EditError::Cluster(ClusterError::Refused { code: 400 | 422, message, .. }),
                ) => {
                    round = round.refused(&self.title, &message, body);
                }
                Err(other) => return Err(keep(file, format!("{} could not be saved: {other}", self.title))),
            }
        }
    }

    /// The object in the file as the user saved it, or why there is none. The whole file is
    /// read (the header is comments), so line numbers in messages are the saved file's, as in
    /// kubectl.
    fn read(&self, round: &Round, text: &str) -> Result<Value, String> {
        if round.marked
            && let Some(line) = file::markers_left(text)
        {
            return Err(format!(
                "conflict markers remain (line {line}): keep the version you want of each marked field and delete the markers"
            ));
        }
        match crate::input::parse_document(text, "the edited object") {
            Ok(mine @ Value::Object(_)) => Ok(mine),
            Ok(_) => Err("the file must hold the object (a YAML mapping)".into()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// One opening of the editor.
struct Round {
    /// What a save is a change from: the object as loaded, or the live object a conflict was
    /// resolved against.
    base: Value,
    header: String,
    /// The text shown below the header.
    body: String,
    /// The first opening (saving it unchanged cancels; later, it abandons).
    first: bool,
    /// Whether conflict markers were shown (and must be gone before saving).
    marked: bool,
}

impl Round {
    /// The next round after a refused save: the user's text again, under the reason.
    fn refused(self, title: &str, message: &str, body: String) -> Round {
        Round { header: file::header(title, &Note::Error(message)), body, first: false, ..self }
    }
}

/// The editor, as kubectl chooses it: `$KUBE_EDITOR`, `$EDITOR`, else `vi`.
fn editor() -> String {
    ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_owned())
}

/// Runs `editor` on `path` and waits for it. The editor is a shell command, as git and kubectl
/// take it (`code --wait`, `emacs -nw`); the path is passed as an argument, never spliced in.
fn open_editor(editor: &str, path: &Path) -> Result<(), String> {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("concord-edit")
        .arg(path)
        .status()
        .map_err(|e| format!("cannot start the editor ({editor}): {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the editor ({editor}) failed: {status}")) }
}

/// The edit's failure, with the user's text kept in `file` (no longer deleted on exit).
fn keep(file: NamedTempFile, message: String) -> Error {
    match file.keep() {
        Ok((_, path)) => Error::Edit { message, copy: Some(path) },
        Err(e) => {
            Error::Edit { message: format!("{message} (and the file could not be kept: {e})"), copy: None }
        }
    }
}

/// A cluster's refusal or failure as an edit failure.
fn cluster_error(error: ClusterError) -> Error {
    failed(error.to_string())
}
