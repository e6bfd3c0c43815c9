//! JSON patch (RFC 6902): a list of operations applied in order, all or nothing.
//!
//! Application is the `json-patch` crate's (the one kube-rs uses, so patches built here pass
//! straight to `kube::api::Patch::Json`). Creation is ours, because it can prefix each change
//! with a `test` operation on the value it replaces: the patch then applies only if every field it
//! touches still holds what the author saw — a field-level precondition, finer than
//! `resourceVersion`.

use json_patch::{AddOperation, Patch, PatchOperation, RemoveOperation, ReplaceOperation, TestOperation};
use jsonptr::PointerBuf;
use serde_json::{Map, Value};

use crate::PatchError;
use crate::json::check_all;

/// Options for [`create`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// Precede every `replace` and `remove` with a `test` of the value being replaced, so the
    /// patch fails rather than overwrite a value someone else changed.
    pub test_preconditions: bool,
}

/// Creates a patch that turns `original` into `modified`. Objects are compared key by key and
/// lists index by index (trailing elements added or removed); an empty patch means no change.
pub fn create(original: &Value, modified: &Value, options: CreateOptions) -> Result<Patch, PatchError> {
    check_all(&[original, modified])?;
    let mut ops = Vec::new();
    diff(&mut PointerBuf::new(), original, modified, options, &mut ops);
    Ok(Patch(ops))
}

/// Applies a patch. On any failing operation, including a failed `test`, nothing is applied and
/// the error names the operation.
pub fn apply(document: &Value, patch: &Patch) -> Result<Value, PatchError> {
    check_all(&[document])?;
    for op in &patch.0 {
        if let PatchOperation::Add(AddOperation { value, .. })
        | PatchOperation::Replace(ReplaceOperation { value, .. })
        | PatchOperation::Test(TestOperation { value, .. }) = op
        {
            check_all(&[value])?;
        }
    }
    let mut result = document.clone();
    json_patch::patch(&mut result, patch).map_err(|e| PatchError::JsonPatch(e.to_string()))?;
    Ok(result)
}

/// Reads a patch from its JSON form (a list of operations).
pub fn parse(patch: &Value) -> Result<Patch, PatchError> {
    check_all(&[patch])?;
    if !patch.is_array() {
        return Err(PatchError::WrongType {
            path: String::new(),
            expected: "a list of operations",
            found: crate::error::type_name(patch),
        });
    }
    Patch::deserialize(patch).map_err(|e| PatchError::JsonPatch(e.to_string()))
}

use serde::Deserialize;

fn diff(
    path: &mut PointerBuf,
    original: &Value,
    modified: &Value,
    options: CreateOptions,
    ops: &mut Vec<PatchOperation>,
) {
    if original == modified {
        return;
    }
    match (original, modified) {
        (Value::Object(o), Value::Object(m)) => diff_objects(path, o, m, options, ops),
        (Value::Array(o), Value::Array(m)) => {
            let common = o.len().min(m.len());
            for i in 0..common {
                path.push_back(i);
                diff(path, &o[i], &m[i], options, ops);
                path.pop_back();
            }
            // Remove from the end so the indices of the remaining removals stay valid.
            for i in (common..o.len()).rev() {
                path.push_back(i);
                remove(path, &o[i], options, ops);
                path.pop_back();
            }
            for value in &m[common..] {
                path.push_back("-");
                ops.push(PatchOperation::Add(AddOperation { path: path.clone(), value: value.clone() }));
                path.pop_back();
            }
        }
        _ => {
            if options.test_preconditions {
                ops.push(PatchOperation::Test(TestOperation { path: path.clone(), value: original.clone() }));
            }
            ops.push(PatchOperation::Replace(ReplaceOperation {
                path: path.clone(),
                value: modified.clone(),
            }));
        }
    }
}

fn diff_objects(
    path: &mut PointerBuf,
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    options: CreateOptions,
    ops: &mut Vec<PatchOperation>,
) {
    for (key, old) in original {
        if !modified.contains_key(key) {
            path.push_back(key);
            remove(path, old, options, ops);
            path.pop_back();
        }
    }
    for (key, new) in modified {
        path.push_back(key);
        match original.get(key) {
            Some(old) => diff(path, old, new, options, ops),
            None => ops.push(PatchOperation::Add(AddOperation { path: path.clone(), value: new.clone() })),
        }
        path.pop_back();
    }
}

fn remove(path: &PointerBuf, old: &Value, options: CreateOptions, ops: &mut Vec<PatchOperation>) {
    if options.test_preconditions {
        ops.push(PatchOperation::Test(TestOperation { path: path.clone(), value: old.clone() }));
    }
    ops.push(PatchOperation::Remove(RemoveOperation { path: path.clone() }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ops(patch: &Patch) -> Value {
        serde_json::to_value(patch).unwrap()
    }

    #[test]
    fn create_then_apply_round_trips() {
        let original = json!({"a": 1, "l": [1, 2, 3], "o": {"x": "y"}, "gone": {"deep": true}});
        let modified = json!({"a": 2, "l": [1, 5], "o": {"x": "y", "z": [1]}, "new/key": "~"});
        let patch = create(&original, &modified, CreateOptions::default()).unwrap();
        assert_eq!(apply(&original, &patch).unwrap(), modified);
        assert_eq!(
            ops(&patch),
            json!([
                {"op": "remove", "path": "/gone"},
                {"op": "replace", "path": "/a", "value": 2},
                {"op": "replace", "path": "/l/1", "value": 5},
                {"op": "remove", "path": "/l/2"},
                {"op": "add", "path": "/o/z", "value": [1]},
                {"op": "add", "path": "/new~1key", "value": "~"}
            ])
        );
    }

    #[test]
    fn test_operations_guard_what_the_author_saw() {
        let original = json!({"spec": {"replicas": 1, "paused": false}});
        let modified = json!({"spec": {"replicas": 3}});
        let options = CreateOptions { test_preconditions: true };
        let patch = create(&original, &modified, options).unwrap();
        assert_eq!(
            ops(&patch),
            json!([
                {"op": "test", "path": "/spec/paused", "value": false},
                {"op": "remove", "path": "/spec/paused"},
                {"op": "test", "path": "/spec/replicas", "value": 1},
                {"op": "replace", "path": "/spec/replicas", "value": 3}
            ])
        );
        assert_eq!(apply(&original, &patch).unwrap(), modified);
        // Someone else scaled meanwhile: the whole patch is refused, nothing applied.
        let live = json!({"spec": {"replicas": 2, "paused": false}});
        assert!(matches!(apply(&live, &patch), Err(PatchError::JsonPatch(_))));
    }

    #[test]
    fn parse_rejects_malformed_patches() {
        assert!(matches!(parse(&json!({"op": "add"})), Err(PatchError::WrongType { .. })));
        assert!(matches!(parse(&json!([{"op": "frobnicate", "path": "/a"}])), Err(PatchError::JsonPatch(_))));
        let patch = parse(&json!([{"op": "add", "path": "/a", "value": 1}])).unwrap();
        assert_eq!(apply(&json!({}), &patch).unwrap(), json!({"a": 1}));
    }

    #[test]
    fn failed_operations_change_nothing() {
        let patch = parse(&json!([
            {"op": "add", "path": "/a", "value": 1},
            {"op": "remove", "path": "/missing"}
        ]))
        .unwrap();
        assert!(apply(&json!({"b": 2}), &patch).is_err());
    }
}
