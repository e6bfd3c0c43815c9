//! JSON merge patch (RFC 7386, obsoleted by RFC 7396 with the same semantics): objects merge key
//! by key, `null` deletes a key, everything else — lists included — is replaced whole. This is
//! the only merge format kube-apiserver accepts for custom resources.
//!
//! Kubernetes objects hold no meaningful `null`s, and a merge patch cannot express "set to null",
//! so [`create`] treats a `null` in the modified document as an absent key.

use serde_json::{Map, Value};

use crate::PatchError;
use crate::json::check_all;

/// Creates the merge patch that turns `original` into `modified`. An empty object means no change.
pub fn create(original: &Value, modified: &Value) -> Result<Value, PatchError> {
    check_all(&[original, modified])?;
    Ok(match (original, modified) {
        (Value::Object(o), Value::Object(m)) => Value::Object(diff(o, m)),
        (_, m) => without_nulls(m),
    })
}

/// Applies a merge patch to a document, as RFC 7386 defines: a patch that is not an object
/// replaces the document.
pub fn apply(target: &Value, patch: &Value) -> Result<Value, PatchError> {
    check_all(&[target, patch])?;
    let mut result = target.clone();
    json_patch::merge(&mut result, patch);
    Ok(result)
}

/// The merge patch between two objects.
fn diff(original: &Map<String, Value>, modified: &Map<String, Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, old) in original {
        if !old.is_null() && modified.get(key).is_none_or(Value::is_null) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    for (key, new) in modified {
        if new.is_null() {
            continue;
        }
        match (original.get(key), new) {
            (Some(old), new) if old == new => {}
            (Some(Value::Object(old)), Value::Object(new)) => {
                let sub = diff(old, new);
                if !sub.is_empty() {
                    patch.insert(key.clone(), Value::Object(sub));
                }
            }
            _ => {
                patch.insert(key.clone(), without_nulls(new));
            }
        }
    }
    patch
}

/// A copy of a value with `null` members of objects removed, at every depth: such members would
/// read as deletions inside a merge patch.
pub(crate) fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The examples of RFC 7386, section 3.
    #[test]
    fn rfc_7386_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (json!({"a":"b","b":"c"}), json!({"a":null}), json!({"b":"c"})),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (json!({"a":{"b":"c"}}), json!({"a":{"b":"d","c":null}}), json!({"a":{"b":"d"}})),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (json!({}), json!({"a":{"bb":{"ccc":null}}}), json!({"a":{"bb":{}}})),
        ];
        for (target, patch, expected) in cases {
            assert_eq!(apply(&target, &patch).unwrap(), expected, "{target} + {patch}");
        }
    }

    #[test]
    fn create_produces_minimal_patches() {
        let original = json!({"a": 1, "b": {"c": 2, "d": 3}, "l": [1, 2], "gone": true});
        let modified = json!({"a": 1, "b": {"c": 2, "d": 4, "e": 5}, "l": [1, 2, 3]});
        let patch = create(&original, &modified).unwrap();
        assert_eq!(patch, json!({"gone": null, "b": {"d": 4, "e": 5}, "l": [1, 2, 3]}));
        assert_eq!(apply(&original, &patch).unwrap(), modified);
        assert_eq!(create(&modified, &modified).unwrap(), json!({}));
    }

    #[test]
    fn nulls_in_the_modified_document_mean_absent() {
        let original = json!({"a": 1, "b": 2});
        let modified = json!({"a": null, "b": 2, "c": {"x": null, "y": 1}});
        let patch = create(&original, &modified).unwrap();
        assert_eq!(patch, json!({"a": null, "c": {"y": 1}}));
        assert_eq!(apply(&original, &patch).unwrap(), json!({"b": 2, "c": {"y": 1}}));
    }

    #[test]
    fn deep_documents_are_refused() {
        let mut deep = json!({});
        for _ in 0..10_000 {
            let mut map = Map::new();
            map.insert("a".into(), deep);
            deep = Value::Object(map);
        }
        assert!(matches!(apply(&json!({}), &deep), Err(PatchError::TooDeep { .. })));
        assert!(matches!(create(&deep, &json!({})), Err(PatchError::TooDeep { .. })));
        crate::json::drop_deep(deep);
    }
}
