//! kubectl's client-side apply annotation, as kube-apiserver handles it for the field manager
//! `kubectl` only (`lastAppliedManager`, `lastAppliedUpdater`): when `kubectl apply
//! --server-side` takes over an object managed by client-side apply, conflicts on fields whose
//! live value still is the annotation's are forgiven; and an object that has the annotation
//! keeps it in step with what was applied, so that going back to client-side apply works.

use serde_json::Value;

use crate::path::Path;
use crate::set::Set;
use crate::updater::Write;
use crate::value;
use crate::walk;

/// The annotation.
pub(crate) const ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The field manager these rules apply to.
pub(crate) const KUBECTL: &str = "kubectl";

/// Total size of an object's annotations (keys and values) kube-apiserver accepts.
const ANNOTATIONS_SIZE_LIMIT: usize = 256 * 1024;

fn annotation(object: &Value) -> Option<&str> {
    object.get("metadata")?.get("annotations")?.get(ANNOTATION)?.as_str().filter(|s| !s.is_empty())
}

/// The fields client-side apply still owns: those of the annotation whose live value is the
/// annotation's. `None` without a usable annotation of the write's apiVersion.
pub(crate) fn owned_by_client_side_apply(write: &Write<'_, '_>, live: &Value) -> Option<Set> {
    let last: Value = serde_json::from_str(annotation(live)?).ok()?;
    if !last.is_object() || last.get("apiVersion").and_then(Value::as_str) != Some(write.api_version) {
        return None;
    }
    if !walk::validate(write.typer, write.root, &last).is_empty() {
        return None;
    }
    let set = walk::field_set(write.typer, write.root, &last);
    let changed = walk::compare(write.typer, write.root, &last, live);
    Some(set.difference(&changed.modified).difference(&changed.added).difference(&changed.removed))
}

/// Whether `owned` holds `path`.
pub(crate) fn allows(owned: &Set, path: &Path) -> bool {
    owned.has(&path.0)
}

/// Rewrites the annotation of `object`, if it has one, to `applied` without its own
/// annotation, encoded as kube-apiserver encodes unstructured objects; drops the annotation if
/// the annotations would exceed their size limit.
pub(crate) fn sync(object: &mut Value, applied: &Value) {
    if annotation(object).is_none() {
        return;
    }
    let mut config = applied.clone();
    if let Some(annotations) =
        config.get_mut("metadata").and_then(|m| m.get_mut("annotations")).and_then(Value::as_object_mut)
    {
        annotations.remove(ANNOTATION);
    }
    let encoded = format!("{}\n", value::go_json(&config));
    let Some(annotations) =
        object.get_mut("metadata").and_then(|m| m.get_mut("annotations")).and_then(Value::as_object_mut)
    else {
        return;
    };
    annotations.insert(ANNOTATION.to_owned(), Value::String(encoded));
    let size: usize = annotations
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or_else(|| v.to_string().len(), str::len))
        .sum();
    if size > ANNOTATIONS_SIZE_LIMIT {
        annotations.remove(ANNOTATION);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sync_rewrites_an_existing_annotation_only() {
        let applied = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "annotations": {ANNOTATION: "old", "x": "<y>"}}, "data": {"b": "2", "a": "1"}});
        let mut object = json!({"metadata": {"annotations": {ANNOTATION: "stale", "x": "<y>"}}});
        sync(&mut object, &applied);
        assert_eq!(
            object["metadata"]["annotations"][ANNOTATION],
            "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\",\"b\":\"2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{\"x\":\"\\u003cy\\u003e\"},\"name\":\"c\"}}\n"
        );
        let mut without = json!({"metadata": {"annotations": {"x": "y"}}});
        sync(&mut without, &applied);
        assert_eq!(without, json!({"metadata": {"annotations": {"x": "y"}}}));
    }

    #[test]
    fn sync_drops_an_annotation_over_the_size_limit() {
        let big = "x".repeat(ANNOTATIONS_SIZE_LIMIT);
        let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"big": big}});
        let mut object = json!({"metadata": {"annotations": {ANNOTATION: "{}", "keep": "me"}}});
        sync(&mut object, &applied);
        assert_eq!(object, json!({"metadata": {"annotations": {"keep": "me"}}}));
    }
}
