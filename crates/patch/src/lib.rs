//! Concord's patch engine: every way Kubernetes objects are patched, and the three-way merge that
//! lets two people edit one object without losing either's work. It does no I/O.
//!
//! - [`merge_patch`]: JSON merge patch (RFC 7386), the format for custom resources.
//! - [`json_patch`]: JSON patch (RFC 6902), with `test` operations as field-level preconditions.
//! - [`strategic`]: Kubernetes strategic merge patch, as kube-apiserver applies it and kubectl
//!   creates it (two-way and three-way), with every `$` directive.
//! - [`PatchType`]: the three formats by name and content type, behind one entry point.
//! - [`merge3`]: the editor merge of `base`, `theirs` and `mine` into one object or a list of
//!   field-level conflicts, and the smallest patch that writes the result.
//! - [`schema`]: the patch metadata all of these follow, from OpenAPI or the built-in table.
//! - [`document`]: JSON or YAML text into a value, refusing nesting deep enough to hurt.
//! - [`pointer`]: JSON pointers that address keyed-list elements by key, as conflicts do.
//!
//! # Example: the lost-update race, merged
//!
//! Two people load the same Deployment; one adds an annotation and saves first, the other adds
//! a label from the stale copy. Both changes survive, and the patch to send carries only the
//! second person's change:
//!
//! ```
//! use concord_patch::{Schema, merge3::{merge3, Outcome}};
//! use serde_json::json;
//!
//! let base = json!({"apiVersion": "apps/v1", "kind": "Deployment",
//!     "metadata": {"name": "web", "labels": {"app": "web"}}});
//! let mut theirs = base.clone();
//! theirs["metadata"]["annotations"] = json!({"foo": "bar"});
//! let mut mine = base.clone();
//! mine["metadata"]["labels"]["hello"] = json!("world");
//!
//! let info = Schema::builtin().for_object(&base);
//! let Outcome::Merged { object, patch, .. } = merge3(&base, &theirs, &mine, &info)? else {
//!     panic!("no conflict here");
//! };
//! assert_eq!(object["metadata"]["annotations"]["foo"], "bar");
//! assert_eq!(object["metadata"]["labels"]["hello"], "world");
//! assert_eq!(patch, json!({"metadata": {"labels": {"hello": "world"}}}));
//! # Ok::<(), concord_patch::PatchError>(())
//! ```
//!
//! Every entry point refuses documents nested deeper than [`json::MAX_DEPTH`] with
//! [`PatchError::TooDeep`] instead of risking the stack.

pub mod document;
pub mod error;
pub mod json;
pub mod json_patch;
pub mod merge3;
pub mod merge_patch;
mod patch_type;
pub mod pointer;
pub mod schema;
pub mod strategic;

pub use error::PatchError;
pub use patch_type::{PatchType, UnknownPatchType};
pub use schema::{Gvk, Meta, PatchFormat, Schema, TypeInfo};
