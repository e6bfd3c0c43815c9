//! JSON helpers shared by every entry point of the engine (and by its users): depth guards
//! and a fast equality.

use serde_json::{Map, Value};

use crate::PatchError;

/// The deepest nesting the engine accepts. Kubernetes objects nest a few dozen levels; the limit
/// keeps every recursive walk in the engine far from the stack's end on any thread.
pub const MAX_DEPTH: usize = 256;

/// Whether two values are equal, exactly as `==` says (maps regardless of key order), but
/// without looking keys up while both maps list them in the same order, as an object and its
/// patched copy do: `==` hashes every key of every map it compares.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => equal_maps(a, b),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y)),
        _ => a == b,
    }
}

/// [`equal`] for two maps.
pub fn equal_maps(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for ((key_a, value_a), (key_b, value_b)) in a.iter().zip(b) {
        if key_a != key_b {
            // The orders part: compare by lookup.
            return a.iter().all(|(key, value)| b.get(key).is_some_and(|other| equal(value, other)));
        }
        if !equal(value_a, value_b) {
            return false;
        }
    }
    true
}

/// Refuses documents nested deeper than [`MAX_DEPTH`], walking iteratively so the check itself
/// cannot overflow the stack.
pub fn check_depth(value: &Value) -> Result<(), PatchError> {
    let too_deep = Err(PatchError::TooDeep { limit: MAX_DEPTH });
    if MAX_DEPTH == 0 {
        return too_deep;
    }
    // Only containers go on the stack: a container at the limit is too deep as soon as it has
    // any child, and a scalar is never deeper than its container's children.
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::Object(map) if !map.is_empty() => {
                if depth >= MAX_DEPTH {
                    return too_deep;
                }
                stack.extend(map.values().filter(|c| is_container(c)).map(|c| (c, depth + 1)));
            }
            Value::Array(items) if !items.is_empty() => {
                if depth >= MAX_DEPTH {
                    return too_deep;
                }
                stack.extend(items.iter().filter(|c| is_container(c)).map(|c| (c, depth + 1)));
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

/// Drops a document without recursion. `serde_json` drops nested values recursively, so a
/// document nested thousands of levels deep (which the engine refuses, but a caller may hold)
/// overflows a thread's stack when it goes out of scope; this takes it apart level by level.
pub fn drop_deep(value: Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, c)| c)),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// Checks several documents at once.
pub fn check_all(values: &[&Value]) -> Result<(), PatchError> {
    values.iter().try_for_each(|v| check_depth(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shallow_documents_pass_and_deep_ones_fail() {
        assert!(check_depth(&json!({"a": [1, {"b": null}]})).is_ok());
        let mut deep = json!(1);
        for _ in 0..MAX_DEPTH - 1 {
            deep = Value::Array(vec![deep]);
        }
        assert!(check_depth(&deep).is_ok());
        deep = Value::Array(vec![deep]);
        assert_eq!(check_depth(&deep), Err(PatchError::TooDeep { limit: MAX_DEPTH }));
        // An empty container counts as a level too.
        let mut empty = json!({});
        for _ in 0..MAX_DEPTH - 1 {
            empty = json!({"a": empty});
        }
        assert!(check_depth(&empty).is_ok());
        assert!(check_depth(&json!([empty])).is_err());
    }

    #[test]
    fn drop_deep_survives_ten_thousand_levels() {
        let mut deep = json!({});
        for _ in 0..10_000 {
            let mut map = serde_json::Map::new();
            map.insert("a".into(), deep);
            deep = Value::Object(map);
        }
        drop_deep(deep);
    }
}
