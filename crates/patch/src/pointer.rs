//! JSON pointers (RFC 6901), extended so an element of a keyed list can be addressed by its key:
//! `/spec/template/spec/containers/name=app/image`, or with several keys
//! `/spec/ports/port=80,protocol=TCP`. Conflicts are reported with such pointers because an index
//! means different elements in `base`, `theirs` and `mine`; a key does not.

use serde_json::Value;

/// A pointer rendered only when needed (for a conflict or an error): building one for every
/// field a merge visits would cost more than the merge.
pub(crate) type LazyPath<'p> = &'p dyn Fn() -> String;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends an object key to a pointer.
pub fn push_key(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape(key))
}

/// Appends a list index to a pointer.
pub fn push_index(pointer: &str, index: usize) -> String {
    format!("{pointer}/{index}")
}

/// Appends a keyed-list element selector (`k=v` or `k1=v1,k2=v2`) to a pointer. Keys an element
/// lacks are left out of the selector.
pub fn push_selector(pointer: &str, keys: &[String], element: &Value) -> String {
    let parts: Vec<String> =
        keys.iter().filter_map(|k| element.get(k).map(|v| format!("{k}={}", scalar_text(v)))).collect();
    format!("{pointer}/{}", escape(&parts.join(",")))
}

/// The text of a key value in a selector: strings as they are, anything else as JSON.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Looks a value up by a pointer that may contain keyed-list selectors. An index into a list
/// works as in RFC 6901; a token `k=v[,k2=v2]` selects the element whose fields match.
pub fn get<'a>(document: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(document);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut current = document;
    for raw in rest.split('/') {
        let token = unescape(raw);
        current = match current {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => match token.parse::<usize>() {
                Ok(index) => items.get(index)?,
                Err(_) => items.iter().find(|item| selector_matches(&token, item))?,
            },
            _ => return None,
        };
    }
    Some(current)
}

/// Whether an element matches every `k=v` pair of a selector.
fn selector_matches(selector: &str, element: &Value) -> bool {
    selector.split(',').all(|pair| match pair.split_once('=') {
        Some((k, v)) => element.get(k).is_some_and(|actual| scalar_text(actual) == v),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_round_trip() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        assert_eq!(
            push_key("/metadata/annotations", "example.com/x"),
            "/metadata/annotations/example.com~1x"
        );
    }

    #[test]
    fn selectors_address_keyed_elements() {
        let doc = json!({"spec": {"ports": [
            {"port": 80, "protocol": "UDP", "name": "dns"},
            {"port": 80, "protocol": "TCP", "name": "http"}
        ]}});
        let keys = vec!["port".to_owned(), "protocol".to_owned()];
        let element = &doc["spec"]["ports"][1];
        let pointer = push_selector("/spec/ports", &keys, element);
        assert_eq!(pointer, "/spec/ports/port=80,protocol=TCP");
        assert_eq!(get(&doc, &format!("{pointer}/name")), Some(&json!("http")));
        assert_eq!(get(&doc, "/spec/ports/0/name"), Some(&json!("dns")));
        assert_eq!(get(&doc, "/spec/ports/port=81"), None);
        assert_eq!(get(&doc, ""), Some(&doc));
        assert_eq!(get(&doc, "spec"), None);
    }
}
