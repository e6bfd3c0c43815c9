//! Sets of field paths, stored as a trie (structured-merge-diff's `fieldpath.Set`), and their
//! `fieldsV1` encoding.
//!
//! A path is in the set when its last element is a *member* of the node its prefix leads to.
//! A node's *children* hold longer paths; a child node is never empty. In `fieldsV1`, a member
//! that also has children is written as its children plus `".": {}`.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::path::{Path, PathElement};

/// A set of field paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Set {
    members: BTreeSet<PathElement>,
    children: BTreeMap<PathElement, Set>,
}

impl Set {
    /// The empty set.
    pub(crate) fn new() -> Set {
        Set::default()
    }

    /// Whether the set holds no path.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.is_empty()
    }

    /// Adds a path. The empty path (the whole object) is never tracked.
    pub(crate) fn insert(&mut self, path: &[PathElement]) {
        let Some((last, prefix)) = path.split_last() else {
            return;
        };
        let mut node = self;
        for element in prefix {
            node = node.children.entry(element.clone()).or_default();
        }
        node.members.insert(last.clone());
    }

    /// Whether the set holds exactly this path.
    pub fn has(&self, path: &[PathElement]) -> bool {
        let Some((last, prefix)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for element in prefix {
            match node.children.get(element) {
                Some(child) => node = child,
                None => return false,
            }
        }
        node.members.contains(last)
    }

    /// Whether `element` (one step from the root of this set) is a member.
    pub(crate) fn has_member(&self, element: &PathElement) -> bool {
        self.members.contains(element)
    }

    /// The paths below `element`, with `element` taken off their front.
    pub(crate) fn with_prefix(&self, element: &PathElement) -> Option<&Set> {
        self.children.get(element)
    }

    /// The paths of either set.
    pub(crate) fn union(&self, other: &Set) -> Set {
        let mut out = self.clone();
        out.union_with(other);
        out
    }

    pub(crate) fn union_with(&mut self, other: &Set) {
        self.members.extend(other.members.iter().cloned());
        for (element, child) in &other.children {
            self.children.entry(element.clone()).or_default().union_with(child);
        }
    }

    /// The paths of both sets. Walks the smaller side of each node, so intersecting a large set
    /// with the few paths a write changed costs only those paths.
    pub fn intersection(&self, other: &Set) -> Set {
        let (small, large) =
            if self.members.len() <= other.members.len() { (self, other) } else { (other, self) };
        let members = small.members.iter().filter(|m| large.members.contains(*m)).cloned().collect();
        let (small, large) =
            if self.children.len() <= other.children.len() { (self, other) } else { (other, self) };
        let children = small
            .children
            .iter()
            .filter_map(|(element, child)| {
                let common = child.intersection(large.children.get(element)?);
                (!common.is_empty()).then(|| (element.clone(), common))
            })
            .collect();
        Set { members, children }
    }

    /// The paths of `self` that are not in `other`. A member of `other` does not take away the
    /// paths below it (see [`Set::recursive_difference`]).
    pub(crate) fn difference(&self, other: &Set) -> Set {
        let mut out = self.clone();
        out.remove_all(other);
        out
    }

    /// Removes the paths of `other` from `self` in place, in time proportional to `other`:
    /// [`Set::difference`] without copying `self`.
    pub(crate) fn remove_all(&mut self, other: &Set) {
        for member in &other.members {
            self.members.remove(member);
        }
        for (element, theirs) in &other.children {
            if let Some(child) = self.children.get_mut(element) {
                child.remove_all(theirs);
                if child.is_empty() {
                    self.children.remove(element);
                }
            }
        }
    }

    /// The paths of `self` that are neither in `other` nor below one of its paths.
    pub(crate) fn recursive_difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter_map(|(element, child)| {
                if other.members.contains(element) {
                    return None;
                }
                match other.children.get(element) {
                    Some(theirs) => {
                        let rest = child.recursive_difference(theirs);
                        (!rest.is_empty()).then(|| (element.clone(), rest))
                    }
                    None => Some((element.clone(), child.clone())),
                }
            })
            .collect();
        Set { members, children }
    }

    /// Every path, members of a node before the paths below it, each group in `fieldsV1` order
    /// (structured-merge-diff's `Set.Iterate`).
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Vec<PathElement>, out: &mut Vec<Path>) {
        for member in &self.members {
            let mut path = prefix.clone();
            path.push(member.clone());
            out.push(Path(path));
        }
        for (element, child) in &self.children {
            prefix.push(element.clone());
            child.collect(prefix, out);
            prefix.pop();
        }
    }

    /// Direct members and children, for walks that follow a schema alongside the set.
    pub(crate) fn parts(&self) -> (&BTreeSet<PathElement>, &BTreeMap<PathElement, Set>) {
        (&self.members, &self.children)
    }

    pub(crate) fn from_parts(members: BTreeSet<PathElement>, children: BTreeMap<PathElement, Set>) -> Set {
        let children = children.into_iter().filter(|(_, child)| !child.is_empty()).collect();
        Set { members, children }
    }

    /// The `fieldsV1` form: `{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`, with `"."`
    /// first and keys in structured-merge-diff's path order, as kube-apiserver writes it.
    pub fn to_fields_v1(&self) -> Value {
        Value::Object(self.emit(false))
    }

    fn emit(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::new();
        if include_self && !self.is_empty() {
            out.insert(".".to_owned(), Value::Object(Map::new()));
        }
        let mut members = self.members.iter().peekable();
        let mut children = self.children.iter().peekable();
        loop {
            let next_member_first = match (members.peek(), children.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(m), Some((c, _))) => m <= c,
            };
            if next_member_first {
                let Some(member) = members.next() else { break };
                match children.peek() {
                    Some((c, child)) if *c == member => {
                        out.insert(member.to_fields_key(), Value::Object(child.emit(true)));
                        children.next();
                    }
                    _ => {
                        out.insert(member.to_fields_key(), Value::Object(Map::new()));
                    }
                }
            } else {
                let Some((element, child)) = children.next() else { break };
                out.insert(element.to_fields_key(), Value::Object(child.emit(false)));
            }
        }
        out
    }

    /// Reads a `fieldsV1` value. Keys of kinds this version does not know are dropped, as
    /// structured-merge-diff does; values nested deeper than
    /// [`MAX_DEPTH`](concord_patch::json::MAX_DEPTH) are refused.
    pub fn from_fields_v1(fields: &Value) -> Result<Set, String> {
        concord_patch::json::check_depth(fields).map_err(|e| e.to_string())?;
        let object = fields.as_object().ok_or("fieldsV1 is not an object")?;
        Ok(Set::read(object)?.0.unwrap_or_default())
    }

    /// Reads one level: the set below it (if anything is below) and whether the level's own
    /// path is a member of its parent (`"."`, or nothing below at all).
    fn read(object: &Map<String, Value>) -> Result<(Option<Set>, bool), String> {
        let mut set: Option<Set> = None;
        let mut is_member = false;
        for (key, inner) in object {
            if key == "." {
                is_member = true;
                continue;
            }
            let Some(element) = PathElement::from_fields_key(key)? else {
                continue;
            };
            let inner = inner.as_object().ok_or_else(|| format!("{key}: expected an object"))?;
            let (grandchildren, child_is_member) = Set::read(inner)?;
            let set = set.get_or_insert_with(Set::default);
            match grandchildren {
                Some(grandchildren) => {
                    if child_is_member {
                        set.members.insert(element.clone());
                    }
                    // Two keys can name one element (`k:` fields in another order): merge them.
                    match set.children.entry(element) {
                        Entry::Vacant(slot) => {
                            slot.insert(grandchildren);
                        }
                        Entry::Occupied(mut slot) => slot.get_mut().union_with(&grandchildren),
                    }
                }
                None => {
                    set.members.insert(element);
                }
            }
        }
        if set.is_none() {
            is_member = true;
        }
        Ok((set, is_member))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(name: &str) -> PathElement {
        PathElement::Field(name.to_owned())
    }

    fn set(paths: &[&[PathElement]]) -> Set {
        let mut s = Set::new();
        for p in paths {
            s.insert(p);
        }
        s
    }

    #[test]
    fn fields_v1_round_trips_with_dot_first() {
        let text = r#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let parsed = Set::from_fields_v1(&value).unwrap();
        assert_eq!(serde_json::to_string(&parsed.to_fields_v1()).unwrap(), text);
        assert!(parsed.has(&[f("metadata"), f("labels")]));
        assert!(parsed.has(&[f("metadata"), f("labels"), f("app")]));
        assert!(!parsed.has(&[f("metadata")]));
        assert!(!parsed.has(&[f("spec"), f("containers")]));
    }

    #[test]
    fn upstream_golden_order_is_kept() {
        // structured-merge-diff's own golden data for the V1 encoding.
        let text = r#"{"f:aaa":{},"f:aab":{},"k:{\"name\":\"first\"}":{},"k:{\"port\":443,\"protocol\":\"tcp\"}":{},"k:{\"port\":443,\"protocol\":\"udp\"}":{},"v:1":{},"v:3":{},"v:\"aa\"":{},"v:true":{},"i:1":{},"i:4":{}}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let parsed = Set::from_fields_v1(&value).unwrap();
        assert_eq!(serde_json::to_string(&parsed.to_fields_v1()).unwrap(), text);
    }

    #[test]
    fn unknown_kinds_are_dropped_and_garbage_refused() {
        let parsed = Set::from_fields_v1(&json!({"f:aaa": {}, "r:aab": {}})).unwrap();
        assert_eq!(parsed.to_fields_v1(), json!({"f:aaa": {}}));
        assert!(Set::from_fields_v1(&json!({"f:a": 1})).is_err());
        assert!(Set::from_fields_v1(&json!({"zz": {}})).is_err());
        assert!(Set::from_fields_v1(&json!([])).is_err());
        let mut deep = json!({});
        for _ in 0..1000 {
            // Moved in, not through `json!`, which would copy the whole value at every level.
            deep = Value::Object(Map::from_iter([("f:a".to_owned(), deep)]));
        }
        assert!(Set::from_fields_v1(&deep).is_err());
    }

    #[test]
    fn set_algebra() {
        let a = set(&[&[f("a")], &[f("b"), f("c")], &[f("b"), f("d")]]);
        let b = set(&[&[f("b")], &[f("b"), f("c")]]);
        assert_eq!(a.intersection(&b), set(&[&[f("b"), f("c")]]));
        assert_eq!(b.intersection(&a), a.intersection(&b));
        assert_eq!(a.difference(&b), set(&[&[f("a")], &[f("b"), f("d")]]));
        assert_eq!(a.recursive_difference(&b), set(&[&[f("a")]]));
        let u = a.union(&b);
        assert!(u.has(&[f("b")]) && u.has(&[f("b"), f("d")]) && u.has(&[f("a")]));
        assert!(a.difference(&a).is_empty());
        assert_eq!(
            u.paths().iter().map(ToString::to_string).collect::<Vec<_>>(),
            [".a", ".b", ".b.c", ".b.d"]
        );
        let mut empty = Set::new();
        empty.insert(&[]);
        assert!(empty.is_empty());
    }
}
