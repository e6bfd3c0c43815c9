//! Creating strategic merge patches (apimachinery's `CreateTwoWayMergePatch` and
//! `CreateThreeWayMergePatch`, the latter being what `kubectl apply` sends).

// Identities hash with FxHash: SipHash's flooding resistance is not needed for the keys of one
// document and costs a fifth of a large merge.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde_json::{Map, Value, json};

use super::order::scalar_id;
use super::{
    DELETE_FROM_PRIMITIVE_LIST, PATCH, RETAIN_KEYS, SET_ELEMENT_ORDER, check_shape, missing_key,
    require_strategic, scalars_only,
};
use crate::PatchError;
use crate::error::type_name;
use crate::json::check_all;
use crate::merge_patch::without_nulls;
use crate::pointer::{LazyPath, push_key, push_selector};
use crate::schema::{ListKind, Meta, Schema, TypeInfo};

/// Creates the patch that turns `original` into `modified`: changed and added fields, `null` for
/// removed ones, `$patch: delete` for removed elements of keyed lists,
/// `$deleteFromPrimitiveList` for removed scalars of merged lists, `$setElementOrder` wherever a
/// merged list changed, and `$retainKeys` for fields with that strategy. `{}` means no change.
pub fn create_two_way(original: &Value, modified: &Value, info: &TypeInfo<'_>) -> Result<Value, PatchError> {
    require_strategic(info)?;
    check_all(&[original, modified])?;
    create_two_way_within_limits(original, modified, info)
}

/// [`create_two_way`] for documents already checked against the depth limit.
pub(crate) fn create_two_way_within_limits(
    original: &Value,
    modified: &Value,
    info: &TypeInfo<'_>,
) -> Result<Value, PatchError> {
    let (o, m) = (object(original, "original object")?, object(modified, "modified object")?);
    let differ =
        Differ { schema: info.schema, options: Options { set_element_order: true, ..Options::default() } };
    differ.diff_maps(o, m, &info.root, false, &String::new).map(Value::Object)
}

/// Creates the patch `kubectl apply` sends: the changes from the live object (`current`) to the
/// user's configuration (`modified`), plus the deletion of fields the user's previous
/// configuration (`original`, kubectl's last-applied configuration; `{}` if there is none) had
/// and the new one lacks. Fields set only by others are left alone.
///
/// Unless `overwrite` is set, a patch that would change a field someone else changed since
/// `original` differently fails with [`PatchError::Conflict`] naming those fields.
pub fn create_three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
    info: &TypeInfo<'_>,
    overwrite: bool,
) -> Result<Value, PatchError> {
    require_strategic(info)?;
    check_all(&[original, modified, current])?;
    let o = object(original, "original object")?;
    let m = object(modified, "modified object")?;
    let c = object(current, "current object")?;
    let differ = |options| Differ { schema: info.schema, options };
    let delta = differ(Options { ignore_deletions: true, set_element_order: true, ..Options::default() })
        .diff_maps(c, m, &info.root, false, &String::new)?;
    let deletions =
        differ(Options { ignore_changes_and_additions: true, set_element_order: true, ..Options::default() })
            .diff_maps(o, m, &info.root, false, &String::new)?;
    let patch = combine(deletions, delta, info.schema, &info.root);
    if !overwrite {
        let changed = differ(Options::default()).diff_maps(o, c, &info.root, false, &String::new)?;
        let mut paths = Vec::new();
        conflicts(
            &Value::Object(patch.clone()),
            &Value::Object(changed),
            info.schema,
            &info.root,
            "",
            &mut paths,
        );
        if !paths.is_empty() {
            return Err(PatchError::Conflict { paths });
        }
    }
    Ok(Value::Object(patch))
}

fn object<'v>(value: &'v Value, what: &'static str) -> Result<&'v Map<String, Value>, PatchError> {
    value.as_object().ok_or(PatchError::NotAnObject { what, found: type_name(value) })
}

/// apimachinery's `DiffOptions`.
#[derive(Clone, Copy, Default)]
struct Options {
    /// Leave out removals (the three-way delta from the live object).
    ignore_deletions: bool,
    /// Leave out changes and additions (the three-way deletions from the last configuration).
    ignore_changes_and_additions: bool,
    /// Emit `$setElementOrder` for merged lists.
    set_element_order: bool,
}

/// What a merged list contributes to a patch: the list itself, its `$deleteFromPrimitiveList`
/// and its `$setElementOrder` (each left out when empty).
struct ListDiff {
    changes: Vec<Value>,
    deletions: Vec<Value>,
    order: Vec<Value>,
}

struct Differ<'a> {
    schema: &'a Schema,
    options: Options,
}

impl Differ<'_> {
    /// The patch between two maps; `retain_keys` adds the `$retainKeys` directive the field's
    /// strategy asks for.
    fn diff_maps(
        &self,
        original: &Map<String, Value>,
        modified: &Map<String, Value>,
        meta: &Meta,
        retain_keys: bool,
        path: LazyPath<'_>,
    ) -> Result<Map<String, Value>, PatchError> {
        let mut patch = Map::new();
        let mut retained = Vec::new();
        for (key, new) in modified {
            // Kubernetes objects hold no meaningful nulls: a null field is an absent one.
            if new.is_null() {
                continue;
            }
            if retain_keys {
                retained.push(key.clone());
            }
            let field = self.schema.field(meta, key);
            let field_path = || push_key(&path(), key);
            if key.starts_with('$') {
                return Err(PatchError::DirectiveLikeField { path: field_path() });
            }
            check_shape(new, field, field_path)?;
            match (original.get(key).filter(|v| !v.is_null()), new) {
                (None, _) => self.changed(&mut patch, key, new),
                (Some(old), new) if old == new => {}
                (Some(Value::Object(old)), Value::Object(new)) => {
                    self.diff_map_field(&mut patch, key, old, new, field, &field_path)?;
                }
                (Some(Value::Array(old)), Value::Array(new)) => {
                    self.diff_list_field(&mut patch, key, old, new, field, &field_path)?;
                }
                (Some(old), _) if old != new => self.changed(&mut patch, key, new),
                (Some(_), _) => {}
            }
        }
        if !self.options.ignore_deletions {
            for (key, old) in original {
                if !old.is_null() && modified.get(key).is_none_or(Value::is_null) {
                    if key.starts_with('$') {
                        return Err(PatchError::DirectiveLikeField { path: push_key(&path(), key) });
                    }
                    patch.insert(key.clone(), Value::Null);
                }
            }
        }
        let clears_fields =
            original.iter().any(|(k, v)| !v.is_null() && modified.get(k).is_none_or(Value::is_null));
        if !retained.is_empty() && (!patch.is_empty() || clears_fields) {
            retained.sort();
            patch.insert(
                RETAIN_KEYS.to_owned(),
                Value::Array(retained.into_iter().map(Value::String).collect()),
            );
        }
        Ok(patch)
    }

    fn changed(&self, patch: &mut Map<String, Value>, key: &str, new: &Value) {
        if !self.options.ignore_changes_and_additions {
            patch.insert(key.to_owned(), without_nulls(new));
        }
    }

    fn diff_map_field(
        &self,
        patch: &mut Map<String, Value>,
        key: &str,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        meta: &Meta,
        path: LazyPath<'_>,
    ) -> Result<(), PatchError> {
        if meta.replace {
            if old != new && !self.options.ignore_changes_and_additions {
                let mut value = without_nulls(&Value::Object(new.clone()));
                if let Value::Object(m) = &mut value {
                    m.insert(PATCH.to_owned(), Value::String("replace".into()));
                }
                patch.insert(key.to_owned(), value);
            }
            return Ok(());
        }
        let sub = self.diff_maps(old, new, meta, meta.retain_keys, path)?;
        if !sub.is_empty() {
            patch.insert(key.to_owned(), Value::Object(sub));
        }
        Ok(())
    }

    fn diff_list_field(
        &self,
        patch: &mut Map<String, Value>,
        key: &str,
        old: &[Value],
        new: &[Value],
        meta: &Meta,
        path: LazyPath<'_>,
    ) -> Result<(), PatchError> {
        let holds_maps = old.iter().chain(new).any(Value::is_object);
        let keyed = match meta.strategic_list() {
            ListKind::Atomic => {
                self.changed(patch, key, &Value::Array(new.to_vec()));
                return Ok(());
            }
            ListKind::Keyed(keys) if holds_maps => self.diff_keyed(old, new, &keys[0], meta, path)?,
            ListKind::Keyed(_) | ListKind::Set => {
                let path = path();
                scalars_only(new, &path)?;
                scalars_only(old, &path)?;
                Some(self.diff_scalars(old, new))
            }
        };
        let Some(ListDiff { changes, deletions, order }) = keyed else {
            // Elements sharing a merge key (ports 80/TCP and 80/UDP share `containerPort`) cannot
            // be addressed by a keyed patch; kubectl's patch would merge them into one. The list
            // is sent whole instead, which kube-apiserver applies exactly.
            if !self.options.ignore_changes_and_additions {
                let mut list = vec![json!({ PATCH: "replace" })];
                list.extend(new.iter().map(without_nulls));
                patch.insert(key.to_owned(), Value::Array(list));
            }
            return Ok(());
        };
        if !changes.is_empty() {
            patch.insert(key.to_owned(), Value::Array(changes));
        }
        if !deletions.is_empty() {
            patch.insert(format!("{DELETE_FROM_PRIMITIVE_LIST}{key}"), Value::Array(deletions));
        }
        if !order.is_empty() {
            patch.insert(format!("{SET_ELEMENT_ORDER}{key}"), Value::Array(order));
        }
        Ok(())
    }

    /// A keyed list: changed elements (with their key), new elements, `$patch: delete` for
    /// removed ones, and the element order. `None` when two elements of a list share a key.
    fn diff_keyed(
        &self,
        old: &[Value],
        new: &[Value],
        key: &str,
        meta: &Meta,
        path: LazyPath<'_>,
    ) -> Result<Option<ListDiff>, PatchError> {
        let items = self.schema.item(meta);
        let ids = |list: &[Value]| -> Result<Vec<String>, PatchError> {
            list.iter()
                .enumerate()
                .map(|(index, e)| e.get(key).map(scalar_id).ok_or_else(|| missing_key(&path(), index, key)))
                .collect()
        };
        let (old_ids, new_ids) = (ids(old)?, ids(new)?);
        let old_by_id: HashMap<&str, usize> =
            old_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        let new_set: HashSet<&str> = new_ids.iter().map(String::as_str).collect();
        if old_by_id.len() < old.len() || new_set.len() < new.len() {
            return Ok(None);
        }

        let mut changes = Vec::new();
        let keys = [key.to_owned()];
        for (value, id) in new.iter().zip(&new_ids) {
            let Some(element) = value.as_object() else { continue };
            match old_by_id.get(id.as_str()).map(|&i| &old[i]) {
                Some(previous) if previous == value => {}
                Some(Value::Object(previous)) => {
                    let element_path = || push_selector(&path(), &keys, value);
                    let sub = self.diff_maps(previous, element, items, meta.retain_keys, &element_path)?;
                    if !sub.is_empty() {
                        let mut with_key = Map::with_capacity(sub.len() + 1);
                        with_key.insert(key.to_owned(), value[key].clone());
                        with_key.extend(sub);
                        changes.push(Value::Object(with_key));
                    }
                }
                _ if !self.options.ignore_changes_and_additions => changes.push(without_nulls(value)),
                _ => {}
            }
        }
        if !self.options.ignore_deletions {
            for (previous, id) in old.iter().zip(&old_ids) {
                if !new_set.contains(id.as_str()) {
                    changes.push(json!({ key: previous[key].clone(), PATCH: "delete" }));
                }
            }
        }
        let order_same = old_ids == new_ids;
        let wants_order = (!self.options.ignore_changes_and_additions
            && (!changes.is_empty() || !order_same))
            || (!self.options.ignore_deletions && !changes.is_empty());
        let order = if self.options.set_element_order && wants_order {
            new.iter().map(|e| json!({ key: e[key].clone() })).collect()
        } else {
            Vec::new()
        };
        Ok(Some(ListDiff { changes, deletions: Vec::new(), order }))
    }

    /// A merged list of scalars: added values, removed values, and the element order.
    fn diff_scalars(&self, old: &[Value], new: &[Value]) -> ListDiff {
        let old_ids: HashSet<String> = old.iter().map(scalar_id).collect();
        let new_ids: HashSet<String> = new.iter().map(scalar_id).collect();
        let additions = if self.options.ignore_changes_and_additions {
            Vec::new()
        } else if old_ids.len() < old.len() && old != new {
            // The live list holds duplicates. kube-apiserver deduplicates a merged scalar list
            // only when the patch lists values for it, so every wanted value is listed.
            values_not_in(new, &HashSet::default())
        } else {
            values_not_in(new, &old_ids)
        };
        let deletions = if self.options.ignore_deletions { Vec::new() } else { values_not_in(old, &new_ids) };
        let wants_order = (!self.options.ignore_deletions && !deletions.is_empty())
            || (!self.options.ignore_changes_and_additions && old != new);
        let order = if self.options.set_element_order && wants_order { new.to_vec() } else { Vec::new() };
        ListDiff { changes: additions, deletions, order }
    }
}

/// The distinct values of `list` that `other` (a set of identities) lacks, in `list`'s order.
fn values_not_in(list: &[Value], other: &HashSet<String>) -> Vec<Value> {
    let mut seen = HashSet::default();
    list.iter()
        .filter(|v| {
            let id = scalar_id(v);
            !other.contains(&id) && seen.insert(id)
        })
        .cloned()
        .collect()
}

/// Merges the deletions and the delta of a three-way patch into one patch. They touch disjoint
/// fields except where both reach into the same map or keyed-list element, which merge too.
fn combine(
    mut first: Map<String, Value>,
    second: Map<String, Value>,
    schema: &Schema,
    meta: &Meta,
) -> Map<String, Value> {
    for (key, value) in second {
        let field = schema.field(meta, &key);
        let merged = match (first.shift_remove(&key), value) {
            (Some(Value::Object(a)), Value::Object(b)) => Value::Object(combine(a, b, schema, field)),
            (Some(Value::Array(a)), Value::Array(b)) if !key.starts_with('$') => {
                Value::Array(combine_lists(a, b, schema, field))
            }
            (Some(Value::Array(mut a)), Value::Array(b)) if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) => {
                a.extend(b.into_iter().filter(|v| !a.contains(v)).collect::<Vec<_>>());
                Value::Array(a)
            }
            (_, b) => b,
        };
        first.insert(key, merged);
    }
    // Element patches from the two halves were concatenated; a keyed patch list must follow its
    // `$setElementOrder` (kube-apiserver refuses it otherwise), as `modified` orders them.
    let orders: Vec<(String, Vec<Value>)> = first
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(SET_ELEMENT_ORDER)?.to_owned(), v.as_array()?.clone())))
        .collect();
    for (field, order) in orders {
        let ListKind::Keyed(keys) = schema.field(meta, &field).strategic_list() else { continue };
        let key = &keys[0];
        if let Some(Value::Array(list)) = first.get_mut(&field) {
            let rank: HashMap<String, usize> =
                order.iter().enumerate().filter_map(|(i, e)| Some((scalar_id(e.get(key)?), i))).collect();
            // Directive elements (`$patch: delete`) are not ordered; they go last.
            list.sort_by_cached_key(|e| match (e.get(PATCH), e.get(key)) {
                (None, Some(k)) => rank.get(&scalar_id(k)).copied().unwrap_or(usize::MAX - 1),
                _ => usize::MAX,
            });
        }
    }
    first
}

fn combine_lists(mut first: Vec<Value>, second: Vec<Value>, schema: &Schema, meta: &Meta) -> Vec<Value> {
    match meta.strategic_list() {
        ListKind::Keyed(keys) => {
            let key = &keys[0];
            for element in second {
                let at = first.iter().position(|e| e.get(key).is_some() && e.get(key) == element.get(key));
                match (at, element) {
                    (Some(i), Value::Object(b)) => {
                        if let Value::Object(a) = std::mem::take(&mut first[i]) {
                            first[i] = Value::Object(combine(a, b, schema, schema.item(meta)));
                        }
                    }
                    (_, element) => first.push(element),
                }
            }
            first
        }
        ListKind::Set => {
            let extra: Vec<Value> = second.into_iter().filter(|v| !first.contains(v)).collect();
            first.extend(extra);
            first
        }
        ListKind::Atomic => second,
    }
}

/// apimachinery's `MergingMapsHaveConflicts`, collecting the paths where `patch` would change a
/// field differently from how `changed` (original → current) already changed it.
fn conflicts(
    patch: &Value,
    changed: &Value,
    schema: &Schema,
    meta: &Meta,
    path: &str,
    out: &mut Vec<String>,
) {
    match (patch, changed) {
        (Value::Object(p), Value::Object(c)) => {
            let (pd, cd) = (p.get(PATCH), c.get(PATCH));
            if (pd.is_some() || cd.is_some()) && pd != cd {
                out.push(path.to_owned());
                return;
            }
            if meta.replace {
                return;
            }
            for (key, pv) in p {
                if key.starts_with('$') {
                    continue;
                }
                if let Some(cv) = c.get(key) {
                    conflicts(pv, cv, schema, schema.field(meta, key), &push_key(path, key), out);
                }
            }
        }
        (Value::Array(p), Value::Array(c)) => match meta.strategic_list() {
            // Merging sets of scalars never conflicts.
            ListKind::Set => {}
            ListKind::Keyed(keys) => {
                let key = &keys[0];
                for pe in p {
                    let Some(k) = pe.get(key) else { continue };
                    if let Some(ce) = c.iter().find(|ce| ce.get(key) == Some(k)) {
                        let element_path = push_selector(path, std::slice::from_ref(key), pe);
                        conflicts(pe, ce, schema, schema.item(meta), &element_path, out);
                    }
                }
            }
            ListKind::Atomic => {
                let scalars = p.iter().chain(c).all(|v| !v.is_object() && !v.is_array());
                let same = if scalars {
                    let mut a: Vec<String> = p.iter().map(scalar_id).collect();
                    let mut b: Vec<String> = c.iter().map(scalar_id).collect();
                    a.sort();
                    a.dedup();
                    b.sort();
                    b.dedup();
                    a == b
                } else {
                    p == c
                };
                if !same {
                    out.push(path.to_owned());
                }
            }
        },
        (p, c) if p != c => out.push(path.to_owned()),
        _ => {}
    }
}
