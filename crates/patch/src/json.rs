//! Guards shared by every entry point of the engine.

use serde_json::Value;

use crate::PatchError;

/// The deepest nesting the engine accepts. Kubernetes objects nest a few dozen levels; the limit
/// keeps every recursive walk in the engine far from the stack's end on any thread.
pub const MAX_DEPTH: usize = 256;

/// Refuses documents nested deeper than [`MAX_DEPTH`], walking iteratively so the check itself
/// cannot overflow the stack.
pub fn check_depth(value: &Value) -> Result<(), PatchError> {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(PatchError::TooDeep { limit: MAX_DEPTH });
        }
        match v {
            Value::Object(map) => stack.extend(map.values().map(|c| (c, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    Ok(())
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
