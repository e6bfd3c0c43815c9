//! The editor merge: `base` (the object as the user loaded it), `theirs` (the live object, changed
//! by someone else meanwhile) and `mine` (the object as the user wants it) become one object that
//! keeps both people's changes — or a list of the fields where they genuinely disagree.
//!
//! The rules, field by field, are those of Concord's edit protocol:
//! - a field only one side changed takes that side's value; a field deleted on one side and
//!   untouched on the other stays deleted (it must never come back);
//! - the same change on both sides is no conflict;
//! - different values, delete against modify, and divergent edits of an atomic list are
//!   conflicts, reported by JSON pointer with the three values;
//! - keyed lists (containers by `name`, ports by `port` and `protocol`, …) merge element by
//!   element, addressed by key in conflict paths (`/spec/ports/port=80,protocol=TCP`); sets of
//!   scalars (finalizers) combine additions and removals and never conflict.
//!
//! The result comes with the smallest patch that turns `theirs` into it, in the format the type
//! takes (strategic merge patch, or JSON merge patch for custom resources), ready to send with
//! `theirs`' `resourceVersion` as precondition.

// Identities hash with FxHash: SipHash's flooding resistance is not needed for the keys of one
// document and costs a fifth of a large merge.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::type_name;
use crate::json::check_all;
use crate::pointer::{LazyPath, push_key, push_selector};
use crate::schema::{ListKind, Meta, PatchFormat, Schema, TypeInfo};
use crate::strategic::order::scalar_id;
use crate::{PatchError, PatchType, merge_patch, strategic};

/// Which side a conflict is resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Keep the live object's value.
    Theirs,
    /// Take the user's value (an explicit overwrite of someone else's change).
    Mine,
}

/// A field both sides changed differently. Absent values (`None`) mean the field does not exist
/// on that side; they are left out of the JSON form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The field, as a JSON pointer whose keyed-list elements are addressed by key.
    pub path: String,
    /// The value both started from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Value>,
    /// The live value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theirs: Option<Value>,
    /// The user's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<Value>,
}

/// Why there is nothing left to merge into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoneReason {
    /// The object was deleted.
    Deleted,
    /// An object of the same name exists, but it is another one (its `uid` differs).
    Replaced,
}

/// The result of a merge.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Both sides' changes combine. `patch` turns `theirs` into `object`; it is `{}` when
    /// `theirs` already is the result.
    Merged {
        /// The merged object.
        object: Value,
        /// The smallest patch from `theirs` to `object`, verified to produce exactly `object`.
        patch: Value,
        /// The patch's format: strategic merge patch for built-in kinds where it can express the
        /// change, JSON merge patch otherwise and for custom resources.
        patch_type: PatchType,
    },
    /// The sides disagree on these fields; nothing should be written.
    Conflicts(Vec<Conflict>),
    /// The object `base` came from no longer exists.
    Gone(GoneReason),
}

/// A configured three-way merge: the type's metadata and any conflict resolutions the user chose.
#[derive(Clone, Debug)]
pub struct Merge3<'a> {
    info: &'a TypeInfo<'a>,
    resolutions: HashMap<String, Side>,
}

/// Merges `base`, `theirs` and `mine` with no resolutions; see [`Merge3::run`].
pub fn merge3(
    base: &Value,
    theirs: &Value,
    mine: &Value,
    info: &TypeInfo<'_>,
) -> Result<Outcome, PatchError> {
    Merge3::new(info).run(base, Some(theirs), mine)
}

impl<'a> Merge3<'a> {
    /// A merge for objects of the given type.
    pub fn new(info: &'a TypeInfo<'a>) -> Self {
        Merge3 { info, resolutions: HashMap::default() }
    }

    /// Resolves the conflict at `path` (as reported in [`Conflict::path`]) to one side.
    pub fn resolve(mut self, path: impl Into<String>, side: Side) -> Self {
        self.resolutions.insert(path.into(), side);
        self
    }

    /// Runs the merge. `theirs` is `None` when the object was deleted. `mine` must be the same
    /// object as `base`: same `apiVersion`, `kind`, name and namespace.
    pub fn run(&self, base: &Value, theirs: Option<&Value>, mine: &Value) -> Result<Outcome, PatchError> {
        check_all(&[base, mine])?;
        if let Some(theirs) = theirs {
            check_all(&[theirs])?;
        }
        for (what, v) in [("base object", base), ("mine object", mine)] {
            if !v.is_object() {
                return Err(PatchError::NotAnObject { what, found: type_name(v) });
            }
        }
        for (field, pointer) in IDENTITY {
            if base.pointer(pointer) != mine.pointer(pointer) {
                return Err(PatchError::IdentityChanged { field });
            }
        }
        let Some(theirs) = theirs else { return Ok(Outcome::Gone(GoneReason::Deleted)) };
        let uid = |v: &Value| v.pointer("/metadata/uid").cloned();
        if let (Some(a), Some(b)) = (uid(base), uid(theirs))
            && a != b
        {
            return Ok(Outcome::Gone(GoneReason::Replaced));
        }

        let mut merger =
            Merger { schema: self.info.schema, resolutions: &self.resolutions, conflicts: Vec::new() };
        let merged = merger.value(Some(base), Some(theirs), Some(mine), &self.info.root, &String::new)?;
        if !merger.conflicts.is_empty() {
            return Ok(Outcome::Conflicts(merger.conflicts));
        }
        let object = merged.unwrap_or_else(|| Value::Object(Map::new()));
        let (patch, patch_type) = self.patch(theirs, &object)?;
        Ok(Outcome::Merged { object, patch, patch_type })
    }

    /// The patch from `theirs` to the merged object, checked to produce exactly that object.
    /// A strategic merge patch cannot say everything (a set holding duplicates, fields named like
    /// directives); where the check fails, a JSON merge patch — which kube-apiserver accepts for
    /// every kind, lists sent whole — says it instead.
    fn patch(&self, theirs: &Value, object: &Value) -> Result<(Value, PatchType), PatchError> {
        if self.info.format == PatchFormat::Strategic {
            // The documents were checked against the depth limit on the way in.
            let strategic = strategic::create_two_way_within_limits(theirs, object, self.info)
                .and_then(|patch| Ok((strategic::apply_within_limits(theirs, &patch, self.info)?, patch)));
            if let Ok((result, patch)) = strategic
                && result == *object
            {
                return Ok((patch, PatchType::Strategic));
            }
        }
        let patch = merge_patch::create(theirs, object)?;
        Ok((patch, PatchType::Merge))
    }
}

/// The fields that say which object this is; an edit may not change them.
const IDENTITY: [(&str, &str); 4] = [
    ("apiVersion", "/apiVersion"),
    ("kind", "/kind"),
    ("metadata.name", "/metadata/name"),
    ("metadata.namespace", "/metadata/namespace"),
];

struct Merger<'a> {
    schema: &'a Schema,
    resolutions: &'a HashMap<String, Side>,
    conflicts: Vec<Conflict>,
}

/// A null field is an absent one: Kubernetes objects give `null` no other meaning.
fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

impl Merger<'_> {
    fn value(
        &mut self,
        base: Option<&Value>,
        theirs: Option<&Value>,
        mine: Option<&Value>,
        meta: &Meta,
        path: LazyPath<'_>,
    ) -> Result<Option<Value>, PatchError> {
        let (base, theirs, mine) = (present(base), present(theirs), present(mine));
        if theirs == mine || base == mine {
            return Ok(theirs.cloned());
        }
        if base == theirs {
            return Ok(mine.cloned());
        }
        match (theirs, mine) {
            (Some(Value::Object(t)), Some(Value::Object(m))) => {
                let b = base.and_then(Value::as_object);
                self.map(b, t, m, meta, path).map(|m| Some(Value::Object(m)))
            }
            (Some(Value::Array(t)), Some(Value::Array(m))) => match meta.structural_list() {
                ListKind::Atomic => Ok(self.conflict(path, base, theirs, mine)),
                kind => {
                    let b = base.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                    self.list([b, t, m], (base, theirs, mine), &kind, self.schema.item(meta), path)
                }
            },
            _ => Ok(self.conflict(path, base, theirs, mine)),
        }
    }

    fn map(
        &mut self,
        base: Option<&Map<String, Value>>,
        theirs: &Map<String, Value>,
        mine: &Map<String, Value>,
        meta: &Meta,
        path: LazyPath<'_>,
    ) -> Result<Map<String, Value>, PatchError> {
        let mut result = Map::new();
        let keys = theirs.keys().chain(mine.keys().filter(|k| present(theirs.get(*k)).is_none()));
        for key in keys {
            let field = self.schema.field(meta, key);
            let merged =
                self.value(base.and_then(|b| b.get(key)), theirs.get(key), mine.get(key), field, &|| {
                    push_key(&path(), key)
                })?;
            if let Some(v) = merged {
                result.insert(key.clone(), v);
            }
        }
        Ok(result)
    }

    /// Records a conflict unless the user resolved it, and yields the value to keep meanwhile.
    fn conflict(
        &mut self,
        path: LazyPath<'_>,
        base: Option<&Value>,
        theirs: Option<&Value>,
        mine: Option<&Value>,
    ) -> Option<Value> {
        let path = path();
        match self.resolutions.get(&path) {
            Some(Side::Mine) => mine.cloned(),
            Some(Side::Theirs) => theirs.cloned(),
            None => {
                self.conflicts.push(Conflict {
                    path,
                    base: base.cloned(),
                    theirs: theirs.cloned(),
                    mine: mine.cloned(),
                });
                theirs.cloned()
            }
        }
    }

    /// Merges a keyed list or a set element by element, then orders the result. `lists` are the
    /// base, theirs and mine elements; `whole` the same lists as values, for a conflict on the
    /// list itself.
    fn list(
        &mut self,
        [base, theirs, mine]: [&[Value]; 3],
        whole: (Option<&Value>, Option<&Value>, Option<&Value>),
        kind: &ListKind<'_>,
        items: &Meta,
        path: LazyPath<'_>,
    ) -> Result<Option<Value>, PatchError> {
        let (Some(b), Some(t), Some(m)) = (
            Identified::new(base, kind, path)?,
            Identified::new(theirs, kind, path)?,
            Identified::new(mine, kind, path)?,
        ) else {
            // Duplicate identities: no element-wise merge is well defined, so the list is atomic.
            return Ok(self.conflict(path, whole.0, whole.1, whole.2));
        };
        let mut merged: HashMap<&str, Value> = HashMap::default();
        let all_ids = b.order.iter().chain(&t.order).chain(&m.order);
        let mut visited = HashSet::default();
        // Elements with an unresolved conflict hold theirs' value only provisionally.
        let mut unsettled = HashSet::default();
        for id in all_ids {
            if !visited.insert(&**id) {
                continue;
            }
            let (be, te, me) = (b.get(id), t.get(id), m.get(id));
            let element_path = || match kind {
                ListKind::Keyed(keys) => {
                    push_selector(&path(), keys, te.or(me).or(be).unwrap_or(&Value::Null))
                }
                _ => push_key(&path(), id),
            };
            let before = self.conflicts.len();
            if let Some(v) = self.value(be, te, me, items, &element_path)? {
                merged.insert(&**id, v);
            }
            if self.conflicts.len() > before {
                unsettled.insert(&**id);
            }
        }

        // Order is decided among the elements of `base` that survive the merge, on which both
        // sides agree whoever saved first.
        let survivors: HashSet<&str> = b
            .order
            .iter()
            .map(|id| &**id)
            .filter(|id| merged.contains_key(id) && !unsettled.contains(id))
            .collect();
        let Some(spine) = spine(&b, &t, &m, &survivors) else {
            // Both sides reordered the list differently.
            return Ok(self.conflict(path, whole.0, whole.1, whole.2));
        };

        // An addition is placed before the surviving base element that followed it on its side,
        // or at the end if none did: appended elements stay last, inserted ones stay in front of
        // their neighbour, whatever the other side did to the order.
        let mut additions: HashMap<Option<&str>, (Vec<&str>, Vec<&str>)> = HashMap::default();
        for (side, is_theirs) in [(&t, true), (&m, false)] {
            let mut anchor: Option<&str> = None;
            for id in side.order.iter().rev() {
                if survivors.contains(&**id) {
                    anchor = Some(id);
                } else if !b.contains(id) {
                    let entry = additions.entry(anchor).or_default();
                    if is_theirs { &mut entry.0 } else { &mut entry.1 }.push(id);
                }
            }
        }
        let mut order: Vec<&str> = Vec::with_capacity(merged.len());
        for anchor in spine.into_iter().map(Some).chain([None]) {
            if let Some((mut ta, mut ma)) = additions.remove(&anchor) {
                ta.reverse();
                ma.reverse();
                order.extend(interleave(&ta, &ma));
            }
            order.extend(anchor);
        }
        let mut result = Vec::with_capacity(merged.len());
        for id in order {
            if let Some(v) = merged.remove(id) {
                result.push(v);
            }
        }
        Ok(Some(Value::Array(result)))
    }
}

/// Two sides' additions at one place, in an order that does not depend on which side is which:
/// each side's own order is kept, and where they differ the smaller identity goes first.
fn interleave<'s>(a: &[&'s str], b: &[&'s str]) -> Vec<&'s str> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len() + b.len());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                out.push(*x);
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                out.push(*x);
                i += 1;
            }
            (Some(_), Some(y)) | (None, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// A list's elements by identity. Identities are shared (`Rc`) between the order and the map,
/// so each is allocated once.
struct Identified<'v> {
    order: Vec<Rc<str>>,
    by_id: HashMap<Rc<str>, &'v Value>,
}

impl<'v> Identified<'v> {
    /// Identifies every element; `None` if two elements share an identity.
    fn new(list: &'v [Value], kind: &ListKind<'_>, path: LazyPath<'_>) -> Result<Option<Self>, PatchError> {
        let mut order = Vec::with_capacity(list.len());
        let mut by_id = HashMap::with_capacity_and_hasher(list.len(), Default::default());
        for (index, element) in list.iter().enumerate() {
            let id = match kind {
                ListKind::Keyed(keys) => key_id(element, keys).ok_or_else(|| {
                    PatchError::MissingMergeKey { path: path(), index, key: keys.join(",") }
                })?,
                _ => scalar_id(element),
            };
            let id: Rc<str> = id.into();
            if by_id.insert(id.clone(), element).is_some() {
                return Ok(None);
            }
            order.push(id);
        }
        Ok(Some(Identified { order, by_id }))
    }

    fn get(&self, id: &str) -> Option<&'v Value> {
        self.by_id.get(id).copied()
    }

    fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }
}

/// The identity of a keyed element: its key values. Keys an element lacks count as null (a
/// defaulted key such as a port's protocol may be missing from a user's edit), but at least one
/// key must be present.
fn key_id(element: &Value, keys: &[String]) -> Option<String> {
    let object = element.as_object()?;
    if !keys.iter().any(|k| object.contains_key(k)) {
        return None;
    }
    if let [key] = keys {
        return object.get(key).map(scalar_id);
    }
    let ids: Vec<String> = keys.iter().map(|k| object.get(k).map(scalar_id).unwrap_or_default()).collect();
    // Identities never contain a NUL, so joining with one cannot make two identities equal.
    Some(ids.join("\0"))
}

/// The order of the surviving elements of `base`: base's own, or that of the side that reordered
/// them, or the order both sides agree on if both did. `None` when both reordered them
/// differently.
fn spine<'s>(
    base: &'s Identified<'_>,
    theirs: &'s Identified<'_>,
    mine: &'s Identified<'_>,
    survivors: &HashSet<&str>,
) -> Option<Vec<&'s str>> {
    fn restricted<'s>(side: &'s Identified<'_>, keep: &dyn Fn(&str) -> bool) -> Vec<&'s str> {
        side.order.iter().map(|id| &**id).filter(|id| keep(id)).collect()
    }
    let reordered = |side: &Identified<'_>| {
        let keep = |id: &str| survivors.contains(id) && side.contains(id);
        restricted(side, &keep) != restricted(base, &keep)
    };
    let survives = |id: &str| survivors.contains(id);
    let in_both = |id: &str| survivors.contains(id) && theirs.contains(id) && mine.contains(id);
    let mut spine = match (reordered(theirs), reordered(mine)) {
        (false, false) => restricted(base, &survives),
        (true, false) => restricted(theirs, &survives),
        (false, true) => restricted(mine, &survives),
        (true, true) => {
            let agreed = restricted(theirs, &in_both);
            if agreed != restricted(mine, &in_both) {
                return None;
            }
            agreed
        }
    };
    // Survivors the reference lacks (kept by a resolved conflict on one side only) go after
    // their nearest base predecessor.
    let placed: HashSet<&str> = spine.iter().copied().collect();
    for (i, id) in base.order.iter().enumerate() {
        if survivors.contains(&**id) && !placed.contains(&**id) {
            let at = base.order[..i]
                .iter()
                .rev()
                .find_map(|prev| spine.iter().position(|s| **s == **prev))
                .map_or(0, |p| p + 1);
            spine.insert(at, id);
        }
    }
    Some(spine)
}
