//! Schema-aware walks over objects (structured-merge-diff's `typed` package): the field set of
//! a value, the comparison of two values, the merge of an applied configuration into a live
//! object, and the removal of a set of fields.
//!
//! Every walk recurses once per nesting level of its input; callers refuse inputs nested deeper
//! than [`concord_patch::json::MAX_DEPTH`] first.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::path::{Path, PathElement};
use crate::set::Set;
use crate::types::{Atom, Rel, Ty, Typer};
use crate::value;

/// The fields a value sets (structured-merge-diff's `ToFieldSet`): every leaf, every list
/// element, and every key of a map that is not a struct (so `".": {}` marks them in
/// `fieldsV1`). Values without an identity (a keyed element missing its key) are skipped;
/// [`validate`] reports them where that matters.
pub(crate) fn field_set(typer: &Typer<'_>, ty: Ty<'_>, value: &Value) -> Set {
    let mut set = Set::new();
    let mut path = Vec::new();
    collect(typer, ty, value, &mut path, &mut set);
    set
}

fn collect(typer: &Typer<'_>, ty: Ty<'_>, value: &Value, path: &mut Vec<PathElement>, set: &mut Set) {
    let atom = typer.atom(ty, value).unwrap_or(Atom::Scalar);
    match atom {
        Atom::Scalar => set.insert(path),
        _ if atom.is_leaf() => set.insert(path),
        Atom::Map { structure, .. } => {
            let Value::Object(map) = value else { return };
            for (key, child) in map {
                path.push(PathElement::Field(key.clone()));
                collect(typer, typer.field(ty, key), child, path, set);
                if !structure {
                    set.insert(path);
                }
                path.pop();
            }
        }
        Atom::List { item, rel } => {
            let Value::Array(items) = value else { return };
            for (element, child) in typer.index(rel, items).0 {
                path.push(element);
                collect(typer, item, child, path, set);
                set.insert(path);
                path.pop();
            }
        }
    }
}

/// What changed from one value to another (structured-merge-diff's `Comparison`).
#[derive(Default)]
pub(crate) struct Comparison {
    pub(crate) added: Set,
    pub(crate) modified: Set,
    pub(crate) removed: Set,
}

impl Comparison {
    /// Forgets changes at or below `ignored` (structured-merge-diff's `ExcludeFields`).
    pub(crate) fn exclude(&self, ignored: &Set) -> Comparison {
        Comparison {
            added: self.added.recursive_difference(ignored),
            modified: self.modified.recursive_difference(ignored),
            removed: self.removed.recursive_difference(ignored),
        }
    }

    /// Paths added or modified.
    pub(crate) fn changed(&self) -> Set {
        self.added.union(&self.modified)
    }
}

/// Compares `lhs` to `rhs`: leaves that appear, change or disappear, and granular maps, lists
/// and elements that appear or disappear. A null and an absent value differ; an empty map or
/// list and a null one are compared as leaves, so that `{}` replacing nothing counts.
pub(crate) fn compare(typer: &Typer<'_>, ty: Ty<'_>, lhs: &Value, rhs: &Value) -> Comparison {
    let mut out = Comparison::default();
    compare_at(typer, ty, Some(lhs), Some(rhs), &mut Vec::new(), &mut out);
    out
}

fn compare_at(
    typer: &Typer<'_>,
    ty: Ty<'_>,
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    path: &mut Vec<PathElement>,
    out: &mut Comparison,
) {
    // Most of an object is unchanged by a write: equal values hold no change to find.
    if let (Some(l), Some(r)) = (lhs, rhs)
        && concord_patch::json::equal(l, r)
    {
        return;
    }
    let atom = typer.atom_of_pair(ty, lhs, rhs);
    let descended = match atom {
        _ if atom.is_leaf() => false,
        Atom::Map { .. } => {
            let (l, r) = (lhs.and_then(Value::as_object), rhs.and_then(Value::as_object));
            if l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty) {
                false
            } else {
                for (key, l_child, r_child) in zip_maps(l, r) {
                    // Nobody owns managedFields (see `updater::strip_set`), so its changes are
                    // never anybody's: skipping it spares walking the largest part of metadata.
                    if key == "managedFields" && is_metadata(path) {
                        continue;
                    }
                    path.push(PathElement::Field(key.clone()));
                    compare_at(typer, typer.field(ty, key), l_child, r_child, path, out);
                    path.pop();
                }
                true
            }
        }
        Atom::List { item, rel } => {
            let (l, r) = (lhs.and_then(Value::as_array), rhs.and_then(Value::as_array));
            if l.is_none_or(Vec::is_empty) && r.is_none_or(Vec::is_empty) {
                false
            } else {
                let l = typer.index(rel, l.map_or(&[][..], Vec::as_slice)).0;
                let r = typer.index(rel, r.map_or(&[][..], Vec::as_slice)).0;
                for (element, l_child, r_child) in zip_lists(&l, &r) {
                    path.push(element);
                    compare_at(typer, item, l_child, r_child, path, out);
                    path.pop();
                }
                true
            }
        }
        Atom::Scalar => false,
    };
    match (lhs, rhs) {
        (None, _) => out.added.insert(path),
        (_, None) => out.removed.insert(path),
        (Some(l), Some(r)) if !descended && !value::eq(l, r) => out.modified.insert(path),
        _ => {}
    }
}

/// Whether `path` is the object's `metadata`.
fn is_metadata(path: &[PathElement]) -> bool {
    matches!(path, [PathElement::Field(name)] if name == "metadata")
}

/// The keys of two maps with both sides' values: `lhs`'s keys in order, then `rhs`'s others.
fn zip_maps<'v>(
    lhs: Option<&'v Map<String, Value>>,
    rhs: Option<&'v Map<String, Value>>,
) -> Vec<(&'v String, Option<&'v Value>, Option<&'v Value>)> {
    let mut out = Vec::new();
    if let Some(l) = lhs {
        out.extend(l.iter().map(|(k, v)| (k, Some(v), rhs.and_then(|r| r.get(k)))));
    }
    if let Some(r) = rhs {
        out.extend(
            r.iter()
                .filter(|(k, _)| lhs.is_none_or(|l| !l.contains_key(*k)))
                .map(|(k, v)| (k, None, Some(v))),
        );
    }
    out
}

/// The elements of two indexed lists with both sides' values, in the order a merge gives them:
/// `rhs`'s order for the elements it has, `lhs`-only elements kept where they were relative to
/// the shared ones (structured-merge-diff's `visitListItems`).
fn zip_lists<'v>(
    lhs: &[(PathElement, &'v Value)],
    rhs: &[(PathElement, &'v Value)],
) -> Vec<(PathElement, Option<&'v Value>, Option<&'v Value>)> {
    let l_map: BTreeMap<&PathElement, &'v Value> = lhs.iter().map(|(e, v)| (e, *v)).collect();
    let r_map: BTreeMap<&PathElement, &'v Value> = rhs.iter().map(|(e, v)| (e, *v)).collect();
    let mut shared = rhs.iter().map(|(e, _)| e).filter(|e| l_map.contains_key(e));
    let mut next_shared = shared.next();
    let mut out = Vec::with_capacity(lhs.len().max(rhs.len()));
    let (mut li, mut ri) = (0, 0);
    while li < lhs.len() || ri < rhs.len() {
        if let (Some((l_elem, l_val)), Some((r_elem, r_val))) = (lhs.get(li), rhs.get(ri)) {
            if l_elem == r_elem {
                out.push((l_elem.clone(), Some(*l_val), Some(*r_val)));
                li += 1;
                ri += 1;
                next_shared = shared.next();
                continue;
            }
            if r_map.contains_key(l_elem) && next_shared.is_some_and(|s| s != l_elem) {
                li += 1;
                continue;
            }
        }
        if let Some((l_elem, l_val)) = lhs.get(li)
            && !r_map.contains_key(l_elem)
        {
            out.push((l_elem.clone(), Some(*l_val), None));
            li += 1;
            continue;
        }
        if let Some((r_elem, r_val)) = rhs.get(ri) {
            out.push((r_elem.clone(), l_map.get(r_elem).copied(), Some(*r_val)));
            ri += 1;
            if next_shared == Some(r_elem) {
                next_shared = shared.next();
            }
        } else {
            // Only shared elements already taken remain on the left.
            li += 1;
        }
    }
    out
}

/// Merges an applied configuration into a live object (structured-merge-diff's `Merge`): leaves
/// the configuration sets replace the live ones, granular maps merge key by key and keyed lists
/// and sets element by element, everything else live stays.
pub(crate) fn merge(typer: &Typer<'_>, ty: Ty<'_>, lhs: &Value, rhs: &Value) -> Value {
    merge_at(typer, ty, Some(lhs), Some(rhs)).unwrap_or(Value::Null)
}

fn merge_at(typer: &Typer<'_>, ty: Ty<'_>, lhs: Option<&Value>, rhs: Option<&Value>) -> Option<Value> {
    let atom = typer.atom_of_pair(ty, lhs, rhs);
    let keep_rhs = || rhs.or(lhs).cloned();
    match atom {
        _ if atom.is_leaf() => keep_rhs(),
        Atom::Map { .. } => {
            let (l, r) = (lhs.and_then(Value::as_object), rhs.and_then(Value::as_object));
            if l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty) {
                return keep_rhs();
            }
            let mut out = Map::new();
            for (key, l_child, r_child) in zip_maps(l, r) {
                if let Some(merged) = merge_at(typer, typer.field(ty, key), l_child, r_child) {
                    out.insert(key.clone(), merged);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Atom::List { item, rel } => {
            let (l, r) = (lhs.and_then(Value::as_array), rhs.and_then(Value::as_array));
            if l.is_none_or(Vec::is_empty) && r.is_none_or(Vec::is_empty) {
                return keep_rhs();
            }
            let l = typer.index(rel, l.map_or(&[][..], Vec::as_slice)).0;
            let r = typer.index(rel, r.map_or(&[][..], Vec::as_slice)).0;
            let out: Vec<Value> = zip_lists(&l, &r)
                .into_iter()
                .filter_map(|(_, l_child, r_child)| merge_at(typer, item, l_child, r_child))
                .collect();
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Atom::Scalar => keep_rhs(),
    }
}

/// Removes the fields of `set` from `value` (structured-merge-diff's `RemoveItems`): a member
/// goes with everything below it; a map or list left empty by the removal goes too. Atomic
/// values are never entered.
pub(crate) fn remove(typer: &Typer<'_>, ty: Ty<'_>, value: &Value, set: &Set) -> Value {
    remove_at(typer, ty, value, set).unwrap_or(Value::Null)
}

fn remove_at(typer: &Typer<'_>, ty: Ty<'_>, value: &Value, set: &Set) -> Option<Value> {
    let atom = typer.atom(ty, value).unwrap_or(Atom::Scalar);
    match atom {
        Atom::Scalar => Some(value.clone()),
        _ if atom.is_leaf() => None,
        Atom::Map { .. } => {
            let map = value.as_object().filter(|m| !m.is_empty())?;
            let mut out = Map::new();
            for (key, child) in map {
                let element = PathElement::Field(key.clone());
                if set.has_member(&element) {
                    continue;
                }
                let kept = match set.with_prefix(&element) {
                    Some(below) => remove_at(typer, typer.field(ty, key), child, below),
                    None => Some(child.clone()),
                };
                if let Some(kept) = kept {
                    out.insert(key.clone(), kept);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Atom::List { item, rel } => {
            let items = value.as_array().filter(|l| !l.is_empty())?;
            let mut out = Vec::with_capacity(items.len());
            for (i, child) in items.iter().enumerate() {
                let Ok(element) = typer.element(rel, i, child) else {
                    out.push(child.clone());
                    continue;
                };
                if set.has_member(&element) {
                    continue;
                }
                let kept = match set.with_prefix(&element) {
                    Some(below) => remove_at(typer, item, child, below),
                    None => Some(child.clone()),
                };
                out.extend(kept);
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
    }
}

/// Adds to the set the named struct fields above its paths (structured-merge-diff's
/// `EnsureNamedFieldsAreMembers`), so that a removal takes out a struct field whose contents all
/// go, instead of leaving it empty.
pub(crate) fn with_named_fields(typer: &Typer<'_>, ty: Ty<'_>, set: &Set) -> Set {
    let (members, children) = set.parts();
    let mut members: BTreeSet<PathElement> = members.clone();
    let named = typer.is_named_field(ty);
    let children = children
        .iter()
        .map(|(element, child)| {
            if named && matches!(element, PathElement::Field(_)) {
                members.insert(element.clone());
            }
            (element.clone(), with_named_fields(typer, typer.child(ty, element), child))
        })
        .collect();
    Set::from_parts(members, children)
}

/// Problems with an applied configuration structured-merge-diff refuses: a value of the wrong
/// JSON type, a list element without an identity, two elements with the same one. Each is
/// `path: problem`.
pub(crate) fn validate(typer: &Typer<'_>, ty: Ty<'_>, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    validate_at(typer, ty, value, &mut Vec::new(), &mut errors);
    errors
}

fn validate_at(
    typer: &Typer<'_>,
    ty: Ty<'_>,
    value: &Value,
    path: &mut Vec<PathElement>,
    errors: &mut Vec<String>,
) {
    let at = |path: &[PathElement]| {
        let text = Path(path.to_vec()).to_string();
        if text.is_empty() { String::new() } else { format!("{text}: ") }
    };
    let atom = match typer.atom(ty, value) {
        Ok(atom) => atom,
        Err(expected) => {
            errors.push(format!("{}expected {expected}, got {}", at(path), value::go_json(value)));
            return;
        }
    };
    match atom {
        Atom::Map { atomic: false, .. } => {
            for (key, child) in value.as_object().into_iter().flatten() {
                path.push(PathElement::Field(key.clone()));
                validate_at(typer, typer.field(ty, key), child, path, errors);
                path.pop();
            }
        }
        Atom::List { item, rel } if !matches!(rel, Rel::Atomic) => {
            let items = value.as_array().map_or(&[][..], Vec::as_slice);
            let (indexed, problems) = typer.index(rel, items);
            errors.extend(problems.into_iter().map(|p| format!("{}{p}", at(path))));
            for (element, child) in indexed {
                path.push(element);
                validate_at(typer, item, child, path, errors);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use concord_patch::schema::{PatchFormat, Schema, TypeInfo};
    use serde_json::json;

    fn deployment() -> TypeInfo<'static> {
        Schema::builtin().for_object(&json!({"apiVersion": "apps/v1", "kind": "Deployment"}))
    }

    fn fields(info: &TypeInfo<'_>, value: &Value) -> Value {
        let typer = Typer::new(info);
        field_set(&typer, Typer::root(info), value).to_fields_v1()
    }

    #[test]
    fn struct_fields_are_not_members_map_keys_and_elements_are() {
        let info = deployment();
        let object = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx",
                "ports": [{"containerPort": 80}]}]}}}});
        assert_eq!(
            fields(&info, &object),
            json!({"f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {"f:spec": {"f:containers": {
                    "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
                        "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}}}}}}}})
        );
    }

    #[test]
    fn deduced_maps_mark_their_keys() {
        let info = TypeInfo::untyped(PatchFormat::Merge);
        let object = json!({"spec": {"config": {"a": 1}, "list": [1, 2]}});
        assert_eq!(
            fields(&info, &object),
            json!({"f:spec": {".": {}, "f:config": {".": {}, "f:a": {}}, "f:list": {}}})
        );
    }

    #[test]
    fn compare_reports_leaves_and_appearing_structures() {
        let info = deployment();
        let typer = Typer::new(&info);
        let old = json!({"spec": {"replicas": 1, "template": {"spec": {"containers": [
            {"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}}});
        let new = json!({"metadata": {"labels": {"app": "x"}}, "spec": {"replicas": 2, "template": {"spec": {
            "containers": [{"name": "a", "image": "x2"}]}}}});
        let c = compare(&typer, Typer::root(&info), &old, &new);
        assert_eq!(
            c.added.to_fields_v1(),
            json!({"f:metadata": {".": {}, "f:labels": {".": {}, "f:app": {}}}})
        );
        assert_eq!(
            c.modified.to_fields_v1(),
            json!({"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"a\"}": {"f:image": {}}}}}}})
        );
        assert_eq!(
            c.removed.to_fields_v1(),
            json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"b\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
        );
    }

    #[test]
    fn merge_orders_keyed_lists_like_structured_merge_diff() {
        let info = deployment();
        let typer = Typer::new(&info);
        let containers = |names: &[&str]| {
            json!({"spec": {"template": {"spec": {"containers":
                names.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()}}}})
        };
        let merged =
            merge(&typer, Typer::root(&info), &containers(&["a", "b", "c"]), &containers(&["c", "d", "a"]));
        assert_eq!(merged, containers(&["b", "c", "d", "a"]));
    }

    #[test]
    fn remove_drops_emptied_containers_and_skips_atomic_values() {
        let info = deployment();
        let typer = Typer::new(&info);
        let object = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 1}});
        let mut set = Set::new();
        set.insert(&[
            PathElement::Field("metadata".into()),
            PathElement::Field("labels".into()),
            PathElement::Field("a".into()),
        ]);
        assert_eq!(remove(&typer, Typer::root(&info), &object, &set), json!({"spec": {"replicas": 1}}));
    }

    #[test]
    fn validate_reports_duplicates_and_wrong_types_and_defaults_keys() {
        let info = deployment();
        let typer = Typer::new(&info);
        // A container without a name has the key `name: ""` (the OpenAPI default).
        let object = json!({"spec": {"template": {"spec": {"containers": [
            {"image": "x"}, {"name": "a"}, {"name": "a"}], "volumes": "nope"}}}});
        assert_eq!(
            validate(&typer, Typer::root(&info), &object),
            [
                r#".spec.template.spec.containers: duplicate entries for key [name="a"]"#,
                r#".spec.template.spec.volumes: expected list, got "nope""#,
            ]
        );
    }

    #[test]
    fn validate_reports_keys_without_defaults() {
        let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "spec": {"group": "example.com", "names": {"kind": "Widget"}, "versions": [{"name": "v1", "served": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object",
                    "properties": {"parts": {"type": "array", "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["id"],
                        "items": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}}]}});
        let schema = Schema::from_crd(&crd).unwrap();
        let info = schema.for_object(&json!({"apiVersion": "example.com/v1", "kind": "Widget"}));
        let typer = Typer::new(&info);
        let object = json!({"spec": {"parts": [{"x": 1}, null, 3]}});
        assert_eq!(
            validate(&typer, Typer::root(&info), &object),
            [
                r#".spec.parts: element 0: associative list with keys has an element that omits key field "id" (and doesn't have default value)"#,
                ".spec.parts: element 1: associative list with keys may not have a null element",
                ".spec.parts: element 2: associative list with keys may not have non-map elements",
            ]
        );
    }
}
