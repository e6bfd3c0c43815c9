//! Property tests over generated Kubernetes-like objects (Deployments with keyed lists, sets,
//! atomic lists, maps and `retainKeys` fields, using the built-in metadata):
//! - `apply(create(a, b), a) == b` for strategic merge patch, JSON merge patch and JSON patch,
//!   and for kubectl's three-way patch when the live object is the last applied one;
//! - `merge3(x, x, y) == y` and `merge3(x, y, x) == y`;
//! - swapping theirs and mine changes nothing: the same merged object, or the same conflicts;
//! - a merged result's patch turns theirs into exactly that result;
//! - `json::equal` says what `==` says, whatever the order of map keys.

mod common;

use common::generators::{deployment, edits};
use concord_patch::json_patch::{self, CreateOptions};
use concord_patch::merge3::{Outcome, merge3};
use concord_patch::schema::ListKind;
use concord_patch::{Meta, PatchType, Schema, json, merge_patch, strategic};
use proptest::prelude::*;
use serde_json::Value;

/// Whether `result` holds everything `wanted` sets, as kubectl apply promises: maps key by key,
/// keyed lists element by element (matched by merge key, order aside), sets as subsets, anything
/// else equal. Also checks that fields `previous` had and `wanted` dropped are gone from maps.
fn applied(result: &Value, wanted: &Value, previous: Option<&Value>, schema: &Schema, meta: &Meta) -> bool {
    match (result, wanted) {
        (Value::Object(r), Value::Object(w)) => {
            let dropped = previous
                .and_then(Value::as_object)
                .is_some_and(|p| p.keys().any(|k| !w.contains_key(k) && r.contains_key(k)));
            !dropped
                && w.iter().all(|(k, wv)| {
                    r.get(k).is_some_and(|rv| {
                        applied(rv, wv, previous.and_then(|p| p.get(k)), schema, schema.field(meta, k))
                    })
                })
        }
        // Elements are matched by their full identity (ports by port and protocol), which the
        // merge key alone may not give.
        (Value::Array(r), Value::Array(w)) => match meta.structural_list() {
            ListKind::Keyed(keys) if w.iter().all(Value::is_object) => {
                let same = |a: &Value, b: &Value| keys.iter().all(|k| a.get(k) == b.get(k));
                let find = |list: &[Value], e: &Value| list.iter().find(|x| same(x, e)).cloned();
                w.iter().all(|we| {
                    let before = previous.and_then(Value::as_array).and_then(|p| find(p, we));
                    find(r, we).is_some_and(|re| applied(&re, we, before.as_ref(), schema, schema.item(meta)))
                })
            }
            ListKind::Set => w.iter().all(|v| r.contains(v)),
            _ => r == w,
        },
        _ => result == wanted,
    }
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=N` runs more.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn strategic_patches_round_trip((a, b) in (deployment(), deployment())) {
        let info = Schema::builtin().for_object(&a);
        let patch = strategic::create_two_way(&a, &b, &info).unwrap();
        prop_assert_eq!(strategic::apply(&a, &patch, &info).unwrap(), b);
    }

    #[test]
    fn strategic_patches_round_trip_on_close_versions((base, edited, _) in edits()) {
        let info = Schema::builtin().for_object(&base);
        let patch = strategic::create_two_way(&base, &edited, &info).unwrap();
        prop_assert_eq!(strategic::apply(&base, &patch, &info).unwrap(), edited);
    }

    #[test]
    fn three_way_patches_without_concurrent_changes_reach_modified((a, b) in (deployment(), deployment())) {
        // kubectl apply when nobody else touched the object: the live object is the last
        // applied one, so the patch must produce exactly the new configuration.
        let info = Schema::builtin().for_object(&a);
        let patch = strategic::create_three_way(&a, &b, &a, &info, false).unwrap();
        prop_assert_eq!(strategic::apply(&a, &patch, &info).unwrap(), b);
    }

    #[test]
    fn three_way_patches_apply_the_configuration_over_concurrent_changes((last, current, wanted) in edits()) {
        let info = Schema::builtin().for_object(&last);
        let patch = strategic::create_three_way(&last, &wanted, &current, &info, true).unwrap();
        let result = strategic::apply(&current, &patch, &info).unwrap();
        prop_assert!(
            applied(&result, &wanted, Some(&last), info.schema, &info.root),
            "result {} does not hold {} (patch {})", result, wanted, patch
        );
    }

    #[test]
    fn merge_patches_round_trip((a, b) in (deployment(), deployment())) {
        let patch = merge_patch::create(&a, &b).unwrap();
        prop_assert_eq!(merge_patch::apply(&a, &patch).unwrap(), b);
    }

    #[test]
    fn json_patches_round_trip((a, b) in (deployment(), deployment()), tests in any::<bool>()) {
        let patch = json_patch::create(&a, &b, CreateOptions { test_preconditions: tests }).unwrap();
        prop_assert_eq!(json_patch::apply(&a, &patch).unwrap(), b);
    }

    #[test]
    fn merge3_takes_the_only_change((x, y, _) in edits()) {
        let info = Schema::builtin().for_object(&x);
        for (theirs, mine) in [(&x, &y), (&y, &x)] {
            match merge3(&x, theirs, mine, &info).unwrap() {
                Outcome::Merged { object, .. } => prop_assert_eq!(&object, &y),
                other => prop_assert!(false, "expected a merge, got {:?}", other),
            }
        }
    }

    #[test]
    fn merge3_is_symmetric_and_its_patch_is_exact((base, theirs, mine) in edits()) {
        let info = Schema::builtin().for_object(&base);
        let one = merge3(&base, &theirs, &mine, &info).unwrap();
        let other = merge3(&base, &mine, &theirs, &info).unwrap();
        match (&one, &other) {
            (Outcome::Merged { object: a, patch, patch_type }, Outcome::Merged { object: b, .. }) => {
                prop_assert_eq!(a, b);
                // Ordinary Deployments never need the merge-patch fallback.
                prop_assert_eq!(*patch_type, PatchType::Strategic);
                prop_assert_eq!(&strategic::apply(&theirs, patch, &info).unwrap(), a);
            }
            (Outcome::Conflicts(a), Outcome::Conflicts(b)) => {
                let mut pa: Vec<&str> = a.iter().map(|c| c.path.as_str()).collect();
                let mut pb: Vec<&str> = b.iter().map(|c| c.path.as_str()).collect();
                pa.sort();
                pb.sort();
                prop_assert_eq!(pa, pb);
            }
            _ => prop_assert!(false, "swapping sides changed the outcome: {:?} vs {:?}", one, other),
        }
    }

    #[test]
    fn equal_is_equality_whatever_the_key_order((base, edited, _) in edits(), other in deployment()) {
        for (a, b) in [(&base, &edited), (&base, &other), (&base, &base)] {
            prop_assert_eq!(json::equal(a, b), a == b);
            prop_assert_eq!(json::equal(&reversed(a), b), a == b);
            prop_assert_eq!(json::equal(a, &reversed(b)), a == b);
        }
    }
}

/// `value` with the keys of every map in reverse order.
fn reversed(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().rev().map(|(k, v)| (k.clone(), reversed(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}
