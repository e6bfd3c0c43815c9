//! Concord's patch engine: every way Kubernetes objects are patched, and the three-way merge that
//! lets two people edit one object without losing either's work. It does no I/O.
//!
//! - [`merge_patch`]: JSON merge patch (RFC 7386), the format for custom resources.
//! - [`json_patch`]: JSON patch (RFC 6902), with `test` operations as field-level preconditions.
//! - [`strategic`]: Kubernetes strategic merge patch, as kube-apiserver applies it and kubectl
//!   creates it (two-way and three-way), with every `$` directive.
//! - [`merge3`]: the editor merge of `base`, `theirs` and `mine` into one object or a list of
//!   field-level conflicts, and the smallest patch that writes the result.
//! - [`schema`]: the patch metadata all of these follow, from OpenAPI or the built-in table.

pub mod error;
pub mod schema;

pub use error::PatchError;
pub use schema::{Gvk, Meta, PatchFormat, Schema, TypeInfo};
pub mod json;
pub mod json_patch;
pub mod merge3;
pub mod merge_patch;
pub mod pointer;
pub mod strategic;
