//! The engine's error type.

use thiserror::Error;

/// Why a patch could not be created or applied. Every variant names the place in the document
/// (a JSON pointer) where that makes sense, so a user can find the offending field.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PatchError {
    /// The document or patch must be a JSON object here.
    #[error("{what} must be a JSON object, found {found}")]
    NotAnObject {
        /// What was expected to be an object ("patch", "original object", …).
        what: &'static str,
        /// The JSON type that was found.
        found: &'static str,
    },
    /// A value has a type the schema or a directive does not allow.
    #[error("wrong type at {}: expected {expected}, found {found}", place(path))]
    WrongType {
        /// Where, as a JSON pointer.
        path: String,
        /// The type that was expected.
        expected: &'static str,
        /// The JSON type that was found.
        found: &'static str,
    },
    /// A `$patch` value or `$`-prefixed key the engine does not know.
    #[error("unknown patch directive at {}: {directive}", place(path))]
    UnknownDirective {
        /// Where, as a JSON pointer.
        path: String,
        /// The directive as written.
        directive: String,
    },
    /// An element of a list merged by key lacks the key.
    #[error("element {index} of the list at {} has no merge key {key:?}", place(path))]
    MissingMergeKey {
        /// The list, as a JSON pointer.
        path: String,
        /// The position of the element.
        index: usize,
        /// The key field that is missing.
        key: String,
    },
    /// A `$retainKeys` directive does not list a key its patch sets.
    #[error("$retainKeys at {} does not list {key:?}, which the patch sets", place(path))]
    RetainKeysMismatch {
        /// Where, as a JSON pointer.
        path: String,
        /// The key set by the patch but not retained.
        key: String,
    },
    /// A patch list names elements its `$setElementOrder` list lacks, or in another order.
    #[error("the list at {} does not follow its $setElementOrder directive", place(path))]
    SetElementOrderMismatch {
        /// The list, as a JSON pointer.
        path: String,
    },
    /// A field of a document is named like a strategic-merge-patch directive (`$…`), so no
    /// strategic patch can set or remove it.
    #[error("field {} is named like a patch directive; strategic merge patch cannot express it", place(path))]
    DirectiveLikeField {
        /// The field, as a JSON pointer.
        path: String,
    },
    /// The document nests deeper than the engine allows; refused rather than risking the stack.
    #[error("document nests deeper than {limit} levels")]
    TooDeep {
        /// The maximum depth.
        limit: usize,
    },
    /// A JSON patch (RFC 6902) could not be applied; nothing was changed.
    #[error("JSON patch failed: {0}")]
    JsonPatch(String),
    /// A three-way strategic patch would overwrite changes made in the live object since the
    /// original (kubectl's conflict detection).
    #[error("patch conflicts with changes made since the original at: {}", paths.join(", "))]
    Conflict {
        /// The conflicting fields, as JSON pointers.
        paths: Vec<String>,
    },
    /// An edit changed a field that identifies the object (`apiVersion`, `kind`, name,
    /// namespace); that would be another object, not an edit of this one.
    #[error("an edit may not change {field}")]
    IdentityChanged {
        /// The field that differs.
        field: &'static str,
    },
    /// Strategic merge patch was asked for on a type that only takes JSON merge patch.
    #[error("strategic merge patch is not supported for this type (custom resources take JSON merge patch)")]
    StrategicUnsupported,
}

/// A JSON pointer as a reader sees it: the empty pointer is the document itself.
fn place(path: &str) -> &str {
    if path.is_empty() { "the top level" } else { path }
}

/// The JSON type name of a value, for error messages.
pub(crate) fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}
