//! Kubernetes strategic merge patch, as kube-apiserver applies it and kubectl creates it.
//!
//! A strategic merge patch is a JSON merge patch that knows each list's merge strategy from the
//! type's patch metadata (see [`crate::schema`]): lists with `x-kubernetes-patch-strategy: merge`
//! merge element by element — maps by their `x-kubernetes-patch-merge-key`, scalars as a set —
//! and every other list is replaced whole. Directives refine it:
//!
//! - `$patch: replace | delete | merge` in a map (or as a list element: `replace` replaces the
//!   whole list, `{<key>: v, $patch: delete}` deletes one element);
//! - `$retainKeys: [fields]`: clear every field of the map not listed;
//! - `$deleteFromPrimitiveList/<field>: [values]`: remove values from a merged scalar list;
//! - `$setElementOrder/<field>: [keys or values]`: the order of the merged list.
//!
//! Ordering follows apimachinery: after a merge, the elements the patch names come in the patch's
//! (or `$setElementOrder`'s) order, and elements only the server had keep their relative order,
//! interleaved by their position in the live list.

mod apply;
mod diff;
pub(crate) mod order;

pub use apply::apply;
pub(crate) use apply::apply_within_limits;
pub(crate) use diff::create_two_way_within_limits;
pub use diff::{create_three_way, create_two_way};

use crate::PatchError;
use serde_json::Value;

use crate::error::type_name;
use crate::pointer::push_index;
use crate::schema::{Meta, PatchFormat, Shape, TypeInfo};

/// The directive key inside a map or list element.
pub(crate) const PATCH: &str = "$patch";
/// The directive listing the fields a map keeps.
pub(crate) const RETAIN_KEYS: &str = "$retainKeys";
/// Prefix of the parallel list of scalars to remove from a merged list.
pub(crate) const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";
/// Prefix of the parallel list giving the order of a merged list.
pub(crate) const SET_ELEMENT_ORDER: &str = "$setElementOrder/";

/// Refuses types that only take JSON merge patch, as kube-apiserver refuses (415) a strategic
/// merge patch for a custom resource.
fn require_strategic(info: &TypeInfo<'_>) -> Result<(), PatchError> {
    match info.format {
        PatchFormat::Strategic => Ok(()),
        PatchFormat::Merge => Err(PatchError::StrategicUnsupported),
    }
}

/// Refuses a patch value whose JSON type contradicts the schema (kube-apiserver could not decode
/// the result into the type).
pub(super) fn check_shape(
    value: &Value,
    meta: &Meta,
    path: impl FnOnce() -> String,
) -> Result<(), PatchError> {
    let expected = match (&meta.shape, value) {
        (Shape::List(_), Value::Array(_)) | (Shape::Object(_) | Shape::Map(_), Value::Object(_)) => {
            return Ok(());
        }
        (Shape::Scalar, Value::Array(_) | Value::Object(_)) => "a scalar",
        (Shape::List(_), _) => "list",
        (Shape::Object(_) | Shape::Map(_), _) => "object",
        _ => return Ok(()),
    };
    Err(wrong_type(&path(), expected, value))
}

/// Refuses objects and lists in a merged list that has no merge key: only scalars merge as a set.
pub(super) fn scalars_only(list: &[Value], path: &str) -> Result<(), PatchError> {
    match list.iter().enumerate().find(|(_, v)| v.is_object() || v.is_array()) {
        Some((i, v)) => Err(wrong_type(&push_index(path, i), "a scalar (the list has no merge key)", v)),
        None => Ok(()),
    }
}

pub(super) fn wrong_type(path: &str, expected: &'static str, found: &Value) -> PatchError {
    PatchError::WrongType { path: path.to_owned(), expected, found: type_name(found) }
}

pub(super) fn missing_key(path: &str, index: usize, key: &str) -> PatchError {
    PatchError::MissingMergeKey { path: path.to_owned(), index, key: key.to_owned() }
}
