//! The element order of merged lists, as apimachinery's `normalizeElementOrder` defines it.

use rustc_hash::FxHashMap as HashMap;

use serde_json::Value;

/// An element with its identity: the JSON text of its merge key's value, or of itself for a
/// scalar. Identities make lookups O(1) on lists of thousands of elements.
pub(crate) type Keyed = (String, Value);

/// Puts a merged list in order: the elements named by `order` (a patch list or a
/// `$setElementOrder` list, as identities) in that order, and the others — which only the server
/// had — in their server order, each placed before the first named element that came after it on
/// the server. Named elements the server did not have never hold a server element back.
pub(crate) fn normalize(merged: Vec<Keyed>, order: &[String], server: &[String]) -> Vec<Value> {
    let order_index: HashMap<&str, usize> =
        order.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let server_index: HashMap<&str, usize> =
        server.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let (mut named, mut server_only): (Vec<Keyed>, Vec<Keyed>) =
        merged.into_iter().partition(|(id, _)| order_index.contains_key(id.as_str()));
    // Cached keys: one hash lookup per element rather than one per comparison.
    named.sort_by_cached_key(|(id, _)| order_index[id.as_str()]);
    server_only.sort_by_cached_key(|(id, _)| server_index.get(id.as_str()).copied().unwrap_or(usize::MAX));

    let mut result = Vec::with_capacity(named.len() + server_only.len());
    let mut named = named.into_iter().peekable();
    for (id, value) in server_only {
        let position = server_index.get(id.as_str()).copied().unwrap_or(usize::MAX);
        while let Some((next_id, _)) = named.peek() {
            match server_index.get(next_id.as_str()) {
                // The named element came later on the server: the server element goes first.
                Some(&next) if next > position => break,
                // It came earlier, or it is new: apimachinery's `mergeSortedSlice` puts it first
                // (so a patch adding a container without `$setElementOrder` puts it in front,
                // as kubectl and kube-apiserver do).
                _ => {}
            }
            if let Some((_, v)) = named.next() {
                result.push(v);
            }
        }
        result.push(value);
    }
    result.extend(named.map(|(_, v)| v));
    result
}

/// The identity of a scalar element. Strings are marked with a leading quote instead of being
/// serialized (no other JSON scalar starts with one), which keeps identities distinct and cheap.
pub(crate) fn scalar_id(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let mut id = String::with_capacity(s.len() + 1);
            id.push('"');
            id.push_str(s);
            id
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| scalar_id(&json!(s))).collect()
    }

    fn keyed(list: &[&str]) -> Vec<Keyed> {
        list.iter().map(|s| (scalar_id(&json!(s)), json!(s))).collect()
    }

    #[test]
    fn patch_order_wins_and_server_only_items_keep_their_place() {
        // From the "preserve order in strategic merge patch" design: patch [A, B, D] over live
        // [B, C, A] gives [C, A, B, D].
        let merged = keyed(&["B", "C", "A", "D"]);
        let result = normalize(merged, &ids(&["A", "B", "D"]), &ids(&["B", "C", "A"]));
        assert_eq!(result, vec![json!("C"), json!("A"), json!("B"), json!("D")]);
    }

    #[test]
    fn new_items_without_an_order_come_first_as_in_apimachinery() {
        let merged = keyed(&["A", "B", "C"]);
        let result = normalize(merged, &ids(&["C"]), &ids(&["A", "B"]));
        assert_eq!(result, vec![json!("C"), json!("A"), json!("B")]);
    }

    #[test]
    fn set_element_order_reorders_without_content_changes() {
        let merged = keyed(&["B", "A"]);
        let result = normalize(merged, &ids(&["A", "B"]), &ids(&["B", "A"]));
        assert_eq!(result, vec![json!("A"), json!("B")]);
    }
}
