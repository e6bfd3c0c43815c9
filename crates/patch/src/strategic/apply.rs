//! Applying a strategic merge patch (apimachinery's `StrategicMergePatch`).

// Identities hash with FxHash: SipHash's flooding resistance is not needed for the keys of one
// document and costs a fifth of a large merge.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde_json::{Map, Value};

use super::order::{Keyed, normalize, scalar_id};
use super::{
    DELETE_FROM_PRIMITIVE_LIST, PATCH, RETAIN_KEYS, SET_ELEMENT_ORDER, check_shape, missing_key,
    require_strategic, scalars_only, wrong_type,
};
use crate::PatchError;
use crate::error::type_name;
use crate::json::check_all;
use crate::pointer::{push_index, push_key};
use crate::schema::{ListKind, Meta, Schema, TypeInfo};

/// Applies a strategic merge patch to an object. Both must be JSON objects; `null` in the patch
/// deletes a field. Fails on an unknown directive, a list element without its merge key, or a
/// value whose type contradicts the schema, and then returns no partial result.
pub fn apply(original: &Value, patch: &Value, info: &TypeInfo<'_>) -> Result<Value, PatchError> {
    require_strategic(info)?;
    check_all(&[original, patch])?;
    apply_within_limits(original, patch, info)
}

/// [`apply`] for documents already checked against the depth limit.
pub(crate) fn apply_within_limits(
    original: &Value,
    patch: &Value,
    info: &TypeInfo<'_>,
) -> Result<Value, PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::NotAnObject { what: "patch", found: type_name(patch) });
    };
    let Value::Object(original) = original else {
        return Err(PatchError::NotAnObject { what: "object", found: type_name(original) });
    };
    let merger = Merger { schema: info.schema };
    merger.merge_map(original.clone(), patch, &info.root, "").map(Value::Object)
}

struct Merger<'a> {
    schema: &'a Schema,
}

impl Merger<'_> {
    fn merge_map(
        &self,
        mut original: Map<String, Value>,
        patch: &Map<String, Value>,
        meta: &Meta,
        path: &str,
    ) -> Result<Map<String, Value>, PatchError> {
        if let Some(directive) = patch.get(PATCH) {
            match directive.as_str() {
                Some("replace") => {
                    let rest: Map<String, Value> = patch
                        .iter()
                        .filter(|(k, _)| *k != PATCH)
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    return self.merge_map(Map::new(), &rest, meta, path);
                }
                // apimachinery answers a deleted map with an empty one.
                Some("delete") => return Ok(Map::new()),
                Some("merge") => {}
                _ => return Err(unknown_directive(path, PATCH, directive)),
            }
        }
        for key in patch.keys() {
            if key.starts_with('$')
                && key != PATCH
                && key != RETAIN_KEYS
                && !key.starts_with(DELETE_FROM_PRIMITIVE_LIST)
                && !key.starts_with(SET_ELEMENT_ORDER)
            {
                return Err(PatchError::UnknownDirective { path: path.to_owned(), directive: key.clone() });
            }
        }
        if let Some(retain) = patch.get(RETAIN_KEYS) {
            apply_retain_keys(&mut original, patch, retain, path)?;
        }
        for (key, values) in patch {
            if let Some(field) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
                let remove = as_list(values, &push_key(path, key))?;
                match original.get_mut(field) {
                    Some(Value::Array(items)) => items.retain(|item| !remove.contains(item)),
                    Some(Value::Null) | None => {}
                    Some(other) => return Err(wrong_type(&push_key(path, field), "list", other)),
                }
            }
        }
        // The order `$setElementOrder` sorts server-only elements by is read from the list as
        // the merge leaves it in memory (see `server_order`), so it is taken before merging.
        let mut server_orders = Vec::new();
        for key in patch.keys() {
            if let Some(field) = key.strip_prefix(SET_ELEMENT_ORDER)
                && let Some(Value::Array(items)) = original.get(field)
            {
                let field_meta = self.schema.field(meta, field);
                let patch_list = patch.get(field).and_then(Value::as_array).map(Vec::as_slice);
                server_orders.push((field, server_order(items, patch_list, field_meta)));
            }
        }
        // Deletions are gathered and made in one pass: removing keys one by one from an
        // order-keeping map shifts it every time, quadratic on a large ConfigMap.
        let deleted: HashSet<&str> = patch
            .iter()
            .filter(|(k, v)| v.is_null() && !k.starts_with('$'))
            .map(|(k, _)| k.as_str())
            .collect();
        if !deleted.is_empty() {
            original.retain(|k, _| !deleted.contains(k.as_str()));
        }
        // Lists a `$setElementOrder` pass orders afterwards need no ordering while merging: that
        // pass sorts every element again.
        let ordered_later: HashSet<&str> =
            patch.keys().filter_map(|k| k.strip_prefix(SET_ELEMENT_ORDER)).collect();
        for (key, value) in patch {
            if key.starts_with('$') || value.is_null() {
                continue;
            }
            let field_meta = self.schema.field(meta, key);
            let field_path = push_key(path, key);
            let old = original.get_mut(key).map(std::mem::take);
            let order = if ordered_later.contains(key.as_str()) { Order::Later } else { Order::Now };
            let merged = self.merge_value(old, value, field_meta, &field_path, order)?;
            original.insert(key.clone(), merged);
        }
        for (key, order) in patch {
            if let Some(field) = key.strip_prefix(SET_ELEMENT_ORDER) {
                let order = as_list(order, &push_key(path, key))?;
                let field_meta = self.schema.field(meta, field);
                let field_path = push_key(path, field);
                if let Some(Value::Array(list)) = patch.get(field) {
                    check_patch_follows_order(list, order, field_meta, &field_path)?;
                }
                let server = server_orders.iter().find(|(f, _)| *f == field).map(|(_, o)| o.as_slice());
                if let Some(Value::Array(items)) = original.get_mut(field) {
                    let items_now = std::mem::take(items);
                    *items = reorder(items_now, order, server.unwrap_or_default(), field_meta, &field_path)?;
                }
            }
        }
        Ok(original)
    }

    /// Merges one patch value into the value it replaces (absent when the field is new).
    fn merge_value(
        &self,
        old: Option<Value>,
        patch: &Value,
        meta: &Meta,
        path: &str,
        order: Order,
    ) -> Result<Value, PatchError> {
        check_shape(patch, meta, || path.to_owned())?;
        match (old, patch) {
            (Some(Value::Object(old)), Value::Object(p)) if !meta.replace => {
                self.merge_map(old, p, meta, path).map(Value::Object)
            }
            (Some(Value::Array(old)), Value::Array(p)) => {
                self.merge_list(old, p, meta, path, order).map(Value::Array)
            }
            // A new value, or one whose type changed: the patch value wins, with its directives
            // processed and its nulls dropped, as if merged into nothing.
            (_, Value::Object(p)) => self.merge_map(Map::new(), p, meta, path).map(Value::Object),
            (_, Value::Array(p)) => self.new_list(p, meta, path).map(Value::Array),
            (_, scalar) => Ok(scalar.clone()),
        }
    }

    fn merge_list(
        &self,
        original: Vec<Value>,
        patch: &[Value],
        meta: &Meta,
        path: &str,
        order_when: Order,
    ) -> Result<Vec<Value>, PatchError> {
        let items = self.schema.item(meta);
        match meta.strategic_list() {
            ListKind::Atomic => self.new_list(patch, meta, path),
            ListKind::Set => {
                scalars_only(patch, path)?;
                let server: Vec<String> = original.iter().map(scalar_id).collect();
                let order: Vec<String> = patch.iter().map(scalar_id).collect();
                let mut seen = HashSet::default();
                let merged: Vec<Keyed> = original
                    .into_iter()
                    .chain(patch.iter().cloned())
                    .filter_map(|v| {
                        let id = scalar_id(&v);
                        seen.insert(id.clone()).then_some((id, v))
                    })
                    .collect();
                Ok(order_when.apply(merged, &order, &server))
            }
            ListKind::Keyed(keys) => {
                self.merge_keyed_list(original, patch, &keys[0], items, path, order_when)
            }
        }
    }

    /// A list that replaces nothing is taken as the patch has it, as apimachinery does: its
    /// elements are not merged with each other (two ports may share a `containerPort`), only
    /// cleaned of nulls and directives; a `$patch: delete` or `replace` element stands for
    /// nothing here and is dropped.
    fn new_list(&self, patch: &[Value], meta: &Meta, path: &str) -> Result<Vec<Value>, PatchError> {
        let items = self.schema.item(meta);
        let mut out = Vec::with_capacity(patch.len());
        for (i, element) in patch.iter().enumerate() {
            let element_path = push_index(path, i);
            if let Some(directive) = element.get(PATCH) {
                match directive.as_str() {
                    Some("delete" | "replace") => continue,
                    Some("merge") => {}
                    _ => return Err(unknown_directive(&element_path, PATCH, directive)),
                }
            }
            out.push(self.merge_value(None, element, items, &element_path, Order::Now)?);
        }
        Ok(out)
    }

    fn merge_keyed_list(
        &self,
        mut original: Vec<Value>,
        patch: &[Value],
        key: &str,
        items: &Meta,
        path: &str,
        order_when: Order,
    ) -> Result<Vec<Value>, PatchError> {
        let mut regular = Vec::with_capacity(patch.len());
        let mut deleted = HashSet::default();
        let mut replace = false;
        for (i, element) in patch.iter().enumerate() {
            let element_path = push_index(path, i);
            let Value::Object(map) = element else {
                return Err(wrong_type(&element_path, "object", element));
            };
            match map.get(PATCH) {
                None => regular.push((i, map)),
                Some(directive) => match directive.as_str() {
                    Some("delete") => {
                        deleted.insert(map.get(key).map(scalar_id).ok_or_else(|| missing_key(path, i, key))?);
                    }
                    Some("replace") => replace = true,
                    _ => return Err(unknown_directive(&element_path, PATCH, directive)),
                },
            }
        }
        if !deleted.is_empty() {
            original.retain(|o| o.get(key).is_none_or(|k| !deleted.contains(&scalar_id(k))));
        }
        if replace {
            return regular
                .into_iter()
                .map(|(i, m)| self.merge_map(Map::new(), m, items, &push_index(path, i)).map(Value::Object))
                .collect();
        }

        let server: Vec<String> =
            original.iter().map(|e| e.get(key).map(scalar_id).unwrap_or_default()).collect();
        let mut position: HashMap<String, usize> =
            HashMap::with_capacity_and_hasher(original.len(), Default::default());
        for (i, (id, element)) in server.iter().zip(&original).enumerate() {
            if element.get(key).is_some() {
                position.entry(id.clone()).or_insert(i);
            }
        }
        let mut merged: Vec<Keyed> =
            original.into_iter().zip(server.iter().cloned()).map(|(v, id)| (id, v)).collect();
        let mut order = Vec::with_capacity(regular.len());
        for (i, element) in regular {
            let id = element.get(key).map(scalar_id).ok_or_else(|| missing_key(path, i, key))?;
            let element_path = push_index(path, i);
            match position.get(&id) {
                Some(&at) => {
                    let old = match std::mem::take(&mut merged[at].1) {
                        Value::Object(m) => m,
                        _ => Map::new(),
                    };
                    merged[at].1 = Value::Object(self.merge_map(old, element, items, &element_path)?);
                }
                None => {
                    position.insert(id.clone(), merged.len());
                    merged.push((
                        id.clone(),
                        Value::Object(self.merge_map(Map::new(), element, items, &element_path)?),
                    ));
                }
            }
            order.push(id);
        }
        Ok(order_when.apply(merged, &order, &server))
    }
}

/// When a merged list is put in order.
#[derive(Clone, Copy)]
enum Order {
    /// Now, by the patch list's order (no `$setElementOrder` follows).
    Now,
    /// By a `$setElementOrder` pass afterwards, which sorts every element again.
    Later,
}

impl Order {
    fn apply(self, merged: Vec<Keyed>, order: &[String], server: &[String]) -> Vec<Value> {
        match self {
            Order::Now => normalize(merged, order, server),
            Order::Later => merged.into_iter().map(|(_, v)| v).collect(),
        }
    }
}

/// `$retainKeys`: every field the patch sets must be listed, and fields not listed are cleared.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    retain: &Value,
    path: &str,
) -> Result<(), PatchError> {
    let retain_path = push_key(path, RETAIN_KEYS);
    let keys = as_list(retain, &retain_path)?
        .iter()
        .map(|k| k.as_str().ok_or_else(|| wrong_type(&retain_path, "a list of field names", retain)))
        .collect::<Result<HashSet<&str>, _>>()?;
    if let Some(key) =
        patch.iter().find(|(k, v)| !k.starts_with('$') && !v.is_null() && !keys.contains(k.as_str()))
    {
        return Err(PatchError::RetainKeysMismatch { path: path.to_owned(), key: key.0.clone() });
    }
    original.retain(|k, _| keys.contains(k.as_str()));
    Ok(())
}

/// The identity of a list element: its merge key's value in a keyed list, itself otherwise.
fn element_id(meta: &Meta, element: &Value) -> Option<String> {
    identity(meta, element).map(scalar_id)
}

/// The server order a `$setElementOrder` pass compares elements by. apimachinery takes the live
/// list before the merge, but the merge has already edited that list's memory in place: each
/// `$patch: delete` shifts the later elements left (the last slot keeps a stale copy) and each
/// new element is appended into the slot that frees. kube-apiserver's results follow from that,
/// so it is modelled here: the list keeps its length, deletions shift, appends overwrite.
fn server_order(original: &[Value], patch: Option<&[Value]>, meta: &Meta) -> Vec<String> {
    let mut view: Vec<String> = original.iter().map(|e| element_id(meta, e).unwrap_or_default()).collect();
    let (Some(patch), ListKind::Keyed(keys)) = (patch, meta.strategic_list()) else { return view };
    let key = &keys[0];
    if patch.iter().any(|e| e.get(PATCH).and_then(Value::as_str) == Some("replace")) {
        // A replaced list is a new list; the live one is left as it was.
        return view;
    }
    let capacity = view.len();
    let mut live: Vec<String> = view.clone();
    for element in patch.iter().filter(|e| e.get(PATCH).and_then(Value::as_str) == Some("delete")) {
        let Some(id) = element.get(key).map(scalar_id) else { continue };
        while let Some(at) = live.iter().position(|l| *l == id) {
            live.remove(at);
            if at < capacity {
                view[at..].rotate_left(1);
                // The slot at the end keeps the element that was last.
                if let (Some(last), Some(stale)) = (view.last_mut(), original.last()) {
                    *last = element_id(meta, stale).unwrap_or_default();
                }
            }
        }
    }
    for element in patch.iter().filter(|e| e.get(PATCH).is_none()) {
        let Some(id) = element.get(key).map(scalar_id) else { continue };
        if !live.contains(&id) {
            if live.len() < capacity {
                view[live.len()] = id.clone();
            }
            live.push(id);
        }
    }
    view
}

/// Reorders a merged list by a `$setElementOrder` list, against the given server order.
fn reorder(
    items: Vec<Value>,
    order: &[Value],
    server: &[String],
    meta: &Meta,
    path: &str,
) -> Result<Vec<Value>, PatchError> {
    let id = |v: &Value, i: usize| -> Result<String, PatchError> {
        match (meta.strategic_list(), v) {
            (ListKind::Keyed(keys), Value::Object(_)) => {
                element_id(meta, v).ok_or_else(|| missing_key(path, i, &keys[0]))
            }
            (ListKind::Keyed(_), other) => Err(wrong_type(&push_index(path, i), "object", other)),
            _ => Ok(scalar_id(v)),
        }
    };
    let order_ids = order.iter().enumerate().map(|(i, v)| id(v, i)).collect::<Result<Vec<_>, _>>()?;
    let keyed = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| Ok((id(&v, i)?, v)))
        .collect::<Result<Vec<Keyed>, PatchError>>()?;
    Ok(normalize(keyed, &order_ids, server))
}

/// The elements a patch list names must appear in its `$setElementOrder` list, in the same
/// relative order, or kube-apiserver refuses the patch.
fn check_patch_follows_order(
    list: &[Value],
    order: &[Value],
    meta: &Meta,
    path: &str,
) -> Result<(), PatchError> {
    // The patch list must be a subsequence of the order list: one walk comparing key values,
    // with no identity built per element of what may be a long list.
    let mut remaining = order.iter().map(|o| identity(meta, o));
    for element in list.iter().filter(|e| e.get(PATCH).is_none()) {
        let wanted = identity(meta, element);
        if wanted.is_none() || !remaining.any(|o| o == wanted) {
            return Err(PatchError::SetElementOrderMismatch { path: path.to_owned() });
        }
    }
    Ok(())
}

/// What identifies a list element: its merge key's value in a keyed list, itself otherwise.
fn identity<'v>(meta: &Meta, element: &'v Value) -> Option<&'v Value> {
    match meta.strategic_list() {
        ListKind::Keyed(keys) => element.get(&keys[0]),
        _ => Some(element),
    }
}

fn as_list<'v>(value: &'v Value, path: &str) -> Result<&'v Vec<Value>, PatchError> {
    value.as_array().ok_or_else(|| wrong_type(path, "list", value))
}

fn unknown_directive(path: &str, key: &str, value: &Value) -> PatchError {
    PatchError::UnknownDirective { path: path.to_owned(), directive: format!("{key}: {value}") }
}
