//! Field management for Concord's Kubernetes-compatible API server: `metadata.managedFields`
//! on every write and server-side apply, as kube-apiserver does them with
//! [structured-merge-diff](https://sigs.k8s.io/structured-merge-diff). Pure: no I/O, no clock
//! (the caller passes the time).
//!
//! - [`update`] records a create, update or non-apply patch: the writer (operation `Update`)
//!   gains every field whose value the write added or changed, other managers lose those and
//!   every field the write removed.
//! - [`apply`] merges an applied configuration (`application/apply-patch+yaml`, parsed) into the
//!   live object: fields it sets are set; fields the same applier applied before and no longer
//!   does are removed unless another manager owns them too; a field another manager owns with a
//!   different value is a [`Conflict`] unless `force` moves it over. Keyed lists merge per
//!   element, sets per value, atomic lists and maps and scalars whole.
//!
//! Fields are tracked per the object's schema ([`TypeInfo`]); see the `types` module docs for
//! what is added to concord-patch's metadata. `managedFields` are written as kube-apiserver
//! writes them (`fieldsV1`, entry order, times); [`fieldpath`] reads them back for display.
//!
//! # Differences from kube-apiserver
//!
//! - A create is compared with an empty object. kube-apiserver compares built-in kinds with their
//!   Go zero value, which already has the non-pointer structs (`spec`, `spec.template`,
//!   `spec.strategy`, `status`, ...), so its `Update` entries of creates (and the
//!   `before-first-apply` entry) lack the `".": {}` these get here.
//! - Managers of another apiVersion are compared in the object's own version (there is no
//!   conversion), and sets written under an older schema are not reconciled with type changes
//!   (atomic ↔ granular).
//! - Atomic structs and maps and list-map key defaults are known for built-in types only (tables
//!   checked against the Kubernetes 1.36 OpenAPI); a CRD's `x-kubernetes-map-type` and key
//!   `default`s are not seen, because concord-patch's metadata does not carry them.
//! - Values the schema says nothing about are not type-checked (concord-patch's built-in table
//!   lists only fields that matter for patching).
//! - A map or list that pruning empties is removed, where structured-merge-diff leaves `null`
//!   (which Go types turn into an omitted field anyway).
//!
//! # Example: a conflict, then a forced apply
//!
//! ```
//! use concord_fieldmanager::{apply, update, ApplyError, Manager};
//! use concord_patch::Schema;
//! use serde_json::json;
//!
//! let mut object = json!({"apiVersion": "v1", "kind": "ConfigMap",
//!     "metadata": {"name": "c", "namespace": "default"}, "data": {"key": "a"}});
//! let info = Schema::builtin().for_object(&object);
//! let at = |name, time| Manager { name, api_version: "v1", time, ..Manager::default() };
//! update(&info, None, &mut object, &at("kube-controller-manager", "2026-11-24T10:00:00Z"))?;
//!
//! let config = json!({"apiVersion": "v1", "kind": "ConfigMap",
//!     "metadata": {"name": "c", "namespace": "default"}, "data": {"key": "b"}});
//! let err = apply(&info, Some(&object), &config, &at("ops", "2026-11-24T10:01:00Z"), false).unwrap_err();
//! assert_eq!(err.message(), "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" using v1: .data.key");
//!
//! let forced = apply(&info, Some(&object), &config, &at("ops", "2026-11-24T10:01:00Z"), true)?;
//! assert_eq!(forced["data"]["key"], "b");
//! assert_eq!(forced["metadata"]["managedFields"][0]["manager"], "ops");
//! assert_eq!(forced["metadata"]["managedFields"][0]["fieldsV1"], json!({"f:data": {"f:key": {}}}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod last_applied;
mod managed;
mod path;
mod set;
mod settled;
mod time;
mod types;
mod updater;
mod value;
mod walk;

use concord_patch::json::{self, MAX_DEPTH, check_all};
use concord_patch::schema::{Gvk, TypeInfo};
use serde_json::Value;

pub use error::{ApplyError, Conflict, FieldError};
pub use managed::Operation;

use managed::Managed;
use types::Typer;
use updater::{FoundConflict, Write};

/// Field paths and field sets, to read `managedFields` (for instance to show who owns a field).
pub mod fieldpath {
    pub use crate::path::{Path, PathElement};
    pub use crate::set::Set;
}

/// Who writes, and how. One `managedFields` entry is kept per manager name, operation,
/// apiVersion (for updates) and subresource.
#[derive(Clone, Copy, Debug, Default)]
pub struct Manager<'a> {
    /// The field manager (`fieldManager` parameter, or derived from the User-Agent).
    pub name: &'a str,
    /// The apiVersion of the request (`apps/v1`).
    pub api_version: &'a str,
    /// The subresource written through (`status`, `scale`), if any.
    pub subresource: Option<&'a str>,
    /// When, RFC 3339 (`2026-11-24T10:00:00Z`); stored to the second, in UTC.
    pub time: &'a str,
    /// Fields the resource's strategy resets on this write, as dotted field paths: kube's
    /// `GetResetFields`. They are never owned through this write and never conflict. For a kind
    /// with a status subresource that is `["status"]` on the main resource and `["spec"]` on
    /// `status` (plus kind-specific ones, e.g. `metadata.labels` for a Deployment's status).
    /// The caller still resets their values itself, as the strategy does.
    pub reset_fields: &'a [&'a str],
}

impl Manager<'_> {
    fn subresource(&self) -> &str {
        self.subresource.unwrap_or("")
    }
}

/// What a write's field tracking works with, owned here for [`Write`] to borrow: the object's
/// types and the fields the write resets.
struct Setup<'i, 's> {
    info: &'i TypeInfo<'s>,
    typer: Typer<'s>,
    ignored: fieldpath::Set,
}

impl<'i, 's> Setup<'i, 's> {
    fn new(info: &'i TypeInfo<'s>, manager: &Manager) -> Setup<'i, 's> {
        Setup { info, typer: Typer::new(info), ignored: updater::fields_set(manager.reset_fields) }
    }

    fn write<'t>(&'t self, manager: &'t Manager, now: i64) -> Write<'t, 's> {
        Write {
            typer: &self.typer,
            root: Typer::root(self.info),
            api_version: manager.api_version,
            subresource: manager.subresource(),
            ignored: &self.ignored,
            now,
        }
    }
}

/// Records a non-apply write (create, update/PUT, JSON, merge or strategic merge patch) in
/// `new.metadata.managedFields`. `old` is the live object (`None` on create), `new` the object
/// about to be stored.
///
/// As kube-apiserver: `managedFields` sent with the write replace the live ones if they are
/// valid and non-empty; an empty list, or a list of one empty entry, resets tracking, and so does
/// writing an object that has none (tracking then starts again at the next apply); writes through
/// a subresource always keep the live ones. The writer's entry gets `time` only if it gained a
/// field; entries left without fields are dropped.
///
/// On error `new` keeps the live object's `managedFields`.
pub fn update(
    info: &TypeInfo,
    old: Option<&Value>,
    new: &mut Value,
    manager: &Manager,
) -> Result<(), FieldError> {
    if !new.is_object() {
        return Err(FieldError::NotAnObject);
    }
    let outcome = track_update(info, old, new, manager);
    if outcome.is_err() {
        set_managed_fields(new, old.and_then(managed_fields).cloned());
    }
    outcome
}

fn track_update(
    info: &TypeInfo,
    old: Option<&Value>,
    new: &mut Value,
    manager: &Manager,
) -> Result<(), FieldError> {
    check_all(&[new]).map_err(|_| FieldError::TooDeep { limit: MAX_DEPTH })?;
    if let Some(old) = old {
        check_all(&[old]).map_err(|_| FieldError::TooDeep { limit: MAX_DEPTH })?;
    }
    let now =
        time::parse_rfc3339(manager.time).ok_or_else(|| FieldError::InvalidTime(manager.time.to_owned()))?;
    let setup = Setup::new(info, manager);
    let write = setup.write(manager, now);
    // The stored entries are kept (the write sends them back unchanged, or goes through a
    // subresource): most writes then move no ownership, which needs no decoding.
    if let Some(old) = old
        && let Some(stored) = managed_fields(old)
        && (manager.subresource.is_some()
            || managed_fields(new).is_some_and(|sent| json::equal(sent, stored)))
        && settled::update(&write, old, new, stored, manager.name)
    {
        return Ok(());
    }
    let live_managed = || decode_or_empty(old.and_then(managed_fields));
    let mut managed = if manager.subresource.is_some() {
        live_managed()
    } else {
        let sent = managed::read(managed_fields(new));
        if managed::is_reset(sent.as_deref()) {
            Managed::default()
        } else {
            match sent.as_deref().map(managed::decode) {
                Some(Ok(m)) if !m.fields.is_empty() => m,
                _ => live_managed(),
            }
        }
    };
    set_managed_fields(new, None);
    if managed.fields.is_empty() && old.is_some() {
        return Ok(());
    }
    // The comparison skips managedFields, so `old` serves as it is.
    let type_meta;
    let baseline = match old {
        Some(old) => old,
        None => {
            type_meta = updater::type_meta_of(new);
            &type_meta
        }
    };
    write.update(baseline, new, &mut managed, manager.name);
    set_managed_fields(new, managed::encode(&managed));
    Ok(())
}

/// Server-side apply: merges `applied` (the manager's whole intent, already parsed from YAML)
/// into `live` (`None` if the object does not exist yet: apply creates it) and returns the new
/// object with its `managedFields` (operation `Apply` for this manager).
///
/// `applied` must have the request's apiVersion (`manager.api_version`), the live object's kind,
/// name and namespace, and no `managedFields`. When there is no live object the caller checks
/// kind, name and namespace against the URL.
///
/// For the field manager `kubectl`, as kube-apiserver: conflicts with client-side apply over
/// fields whose live value still is the one in the `kubectl.kubernetes.io/last-applied-configuration`
/// annotation are forgiven (the documented upgrade from client-side to server-side apply), and
/// that annotation, where present, is rewritten to the applied configuration.
///
/// `kubectl apply --server-side` (1.26+) sends more than this one request when client-side
/// apply managed the object: a JSON patch of `managedFields` that gives the command's field
/// manager every field of client-side apply, then the same apply again, which prunes what the
/// configuration leaves out. Fields vanishing after such a command are that client-side
/// migration at work, not this function (see `tests/kubectl_session.rs`).
pub fn apply(
    info: &TypeInfo,
    live: Option<&Value>,
    applied: &Value,
    manager: &Manager,
    force: bool,
) -> Result<Value, ApplyError> {
    let too_deep = || ApplyError::Invalid(format!("the object nests deeper than {MAX_DEPTH} levels"));
    check_all(&[applied]).map_err(|_| too_deep())?;
    if let Some(live) = live {
        check_all(&[live]).map_err(|_| too_deep())?;
    }
    if !applied.is_object() {
        return Err(ApplyError::Invalid("the applied configuration is not an object".into()));
    }
    let now = time::parse_rfc3339(manager.time)
        .ok_or_else(|| ApplyError::Internal(format!("invalid time {:?}: expected RFC 3339", manager.time)))?;
    let managed = match live.and_then(managed_fields) {
        None => Managed::default(),
        Some(entries) => managed::read(Some(entries))
            .map_or(Ok(Managed::default()), |entries| managed::decode(&entries))
            .map_err(|e| ApplyError::Internal(format!("failed to decode managed fields: {e}")))?,
    };
    check_identity(live, applied, manager)?;

    let setup = Setup::new(info, manager);
    let write = setup.write(manager, now);
    let errors = walk::validate(write.typer, write.root, applied);
    if !errors.is_empty() {
        return Err(ApplyError::Invalid(format!(
            "failed to create typed patch object ({}): {}",
            describe_object(applied),
            join_errors(&errors)
        )));
    }
    let live_value = match live {
        Some(live) => without_managed_fields(live),
        None => updater::type_meta_of(applied),
    };
    let run = |force: bool| {
        let mut managed = managed.clone();
        write.apply(&live_value, applied, &mut managed, manager.name, force).map(|object| (object, managed))
    };
    let (mut object, managed) = match run(force) {
        Ok(done) => done,
        Err(conflicts) => {
            let forgiven = match live {
                Some(live) if manager.name == last_applied::KUBECTL => {
                    last_applied::owned_by_client_side_apply(&write, live)
                }
                _ => None,
            };
            let Some(forgiven) = forgiven else {
                return Err(ApplyError::Conflicts(public_conflicts(conflicts)));
            };
            let remaining: Vec<FoundConflict> =
                conflicts.into_iter().filter(|c| !last_applied::allows(&forgiven, &c.path)).collect();
            if !remaining.is_empty() {
                return Err(ApplyError::Conflicts(public_conflicts(remaining)));
            }
            run(true).map_err(|conflicts| ApplyError::Conflicts(public_conflicts(conflicts)))?
        }
    };
    if manager.name == last_applied::KUBECTL {
        last_applied::sync(&mut object, applied);
    }
    set_managed_fields(&mut object, managed::encode(&managed));
    Ok(object)
}

/// The checks kube-apiserver makes before merging: apiVersion and kind, `managedFields`
/// unset, name and namespace of the live object.
fn check_identity(live: Option<&Value>, applied: &Value, manager: &Manager) -> Result<(), ApplyError> {
    let text =
        |object: &Value, field: &str| object.get(field).and_then(Value::as_str).unwrap_or("").to_owned();
    let meta = |object: &Value, field: &str| {
        object.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or("").to_owned()
    };
    let kind = text(applied, "kind");
    let expected_kind = live.map_or_else(|| kind.clone(), |live| text(live, "kind"));
    if text(applied, "apiVersion") != manager.api_version || kind.is_empty() || kind != expected_kind {
        return Err(ApplyError::Invalid(format!("invalid object type: {}", gvk_string(applied))));
    }
    if managed_fields(applied).is_some_and(|v| !v.is_null()) {
        return Err(ApplyError::Invalid("metadata.managedFields must be nil".into()));
    }
    if let Some(live) = live {
        let (name, live_name) = (meta(applied, "name"), meta(live, "name"));
        if !name.is_empty() && name != live_name {
            return Err(ApplyError::Invalid(format!(
                "the name of the object ({name}) does not match the name on the URL ({live_name})"
            )));
        }
        let (namespace, live_namespace) = (meta(applied, "namespace"), meta(live, "namespace"));
        if !namespace.is_empty() && !live_namespace.is_empty() && namespace != live_namespace {
            return Err(ApplyError::Invalid(format!(
                "the namespace of the object ({namespace}) does not match the namespace on the URL ({live_namespace})"
            )));
        }
    }
    Ok(())
}

/// Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`.
fn gvk_string(object: &Value) -> String {
    let field = |name: &str| object.get(name).and_then(Value::as_str).unwrap_or("");
    let gvk = Gvk::from_api_version(field("apiVersion"), field("kind"));
    format!("{}/{}, Kind={}", gvk.group, gvk.version, gvk.kind)
}

/// `namespace/name; gvk`, as kube-apiserver names an object in conversion errors.
fn describe_object(object: &Value) -> String {
    let meta =
        |field: &str| object.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or("");
    format!("{}/{}; {}", meta("namespace"), meta("name"), gvk_string(object))
}

fn join_errors(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("errors:\n  {}", many.join("\n  ")),
    }
}

fn public_conflicts(mut conflicts: Vec<FoundConflict>) -> Vec<Conflict> {
    conflicts.sort_by_cached_key(|c| c.manager.key());
    conflicts
        .into_iter()
        .map(|c| Conflict {
            manager: c.manager.manager,
            operation: c.manager.operation,
            api_version: c.api_version,
            subresource: (!c.manager.subresource.is_empty()).then_some(c.manager.subresource),
            field: c.path.to_string(),
        })
        .collect()
}

fn managed_fields(object: &Value) -> Option<&Value> {
    object.get("metadata")?.get("managedFields")
}

fn decode_or_empty(value: Option<&Value>) -> Managed {
    managed::read(value).and_then(|entries| managed::decode(&entries).ok()).unwrap_or_default()
}

fn without_managed_fields(object: &Value) -> Value {
    let mut copy = object.clone();
    set_managed_fields(&mut copy, None);
    copy
}

/// Sets or (with `None`) removes `metadata.managedFields`, creating `metadata` if needed.
fn set_managed_fields(object: &mut Value, entries: Option<Value>) {
    let Some(object) = object.as_object_mut() else { return };
    match entries {
        Some(entries) => {
            let metadata = object.entry("metadata").or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Some(metadata) = metadata.as_object_mut() {
                metadata.insert("managedFields".into(), entries);
            }
        }
        None => {
            if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                metadata.remove("managedFields");
            }
        }
    }
}
