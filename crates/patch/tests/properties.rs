//! Property tests over generated Kubernetes-like objects (Deployments with keyed lists, sets,
//! atomic lists, maps and `retainKeys` fields, using the built-in metadata):
//! - `apply(create(a, b), a) == b` for strategic merge patch, JSON merge patch and JSON patch,
//!   and for kubectl's three-way patch when the live object is the last applied one;
//! - `merge3(x, x, y) == y` and `merge3(x, y, x) == y`;
//! - swapping theirs and mine changes nothing: the same merged object, or the same conflicts;
//! - a merged result's patch turns theirs into exactly that result.

use concord_patch::json_patch::{self, CreateOptions};
use concord_patch::merge3::{Outcome, merge3};
use concord_patch::schema::ListKind;
use concord_patch::{Meta, PatchType, Schema, merge_patch, strategic};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn small_map(keys: &'static str) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(keys, "[a-z0-9]{0,3}", 0..4)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

/// A list of objects with unique `name`s, in any order.
fn named<T: Strategy<Value = Map<String, Value>>>(
    names: &'static str,
    size: std::ops::Range<usize>,
    element: impl Fn() -> T,
) -> impl Strategy<Value = Value> {
    prop::collection::btree_set(names, size)
        .prop_flat_map(move |names| {
            let elements: Vec<_> = names
                .into_iter()
                .map(|name| {
                    element().prop_map(move |mut m| {
                        let mut with_name = Map::new();
                        with_name.insert("name".into(), json!(name));
                        with_name.append(&mut m);
                        Value::Object(with_name)
                    })
                })
                .collect();
            elements.prop_shuffle()
        })
        .prop_map(Value::Array)
}

fn env_var() -> impl Strategy<Value = Map<String, Value>> {
    "[a-z]{0,2}".prop_map(|v| {
        let mut m = Map::new();
        m.insert("value".into(), json!(v));
        m
    })
}

fn container() -> impl Strategy<Value = Map<String, Value>> {
    (
        "img:[0-9]",
        named("[A-E]", 0..4, env_var),
        prop::collection::btree_set((1u16..4, prop::sample::select(vec!["TCP", "UDP"])), 0..3),
        prop::option::of(prop::collection::vec("[a-c]", 0..3)),
    )
        .prop_map(|(image, env, ports, args)| {
            let mut m = Map::new();
            m.insert("image".into(), json!(image));
            m.insert("env".into(), env);
            let ports: Vec<Value> = ports
                .into_iter()
                .map(|(port, protocol)| json!({"containerPort": 8000 + port, "protocol": protocol}))
                .collect();
            m.insert("ports".into(), Value::Array(ports));
            if let Some(args) = args {
                m.insert("args".into(), json!(args));
            }
            m
        })
}

fn strategy() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!({"type": "Recreate"}))),
        (1u8..4).prop_map(|n| Some(json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": n}}))),
    ]
}

/// A Deployment-like object. Identity fields are fixed, so any two are versions of one object.
fn deployment() -> impl Strategy<Value = Value> {
    (
        small_map("[a-c]{1,2}"),
        prop::option::of(small_map("[a-c]\\.io/[x-z]")),
        prop::collection::btree_set("f[1-4]", 0..4)
            .prop_map(|s| s.into_iter().collect::<Vec<_>>())
            .prop_shuffle(),
        prop::option::of(0u8..5),
        strategy(),
        named("[a-d]", 1..4, container),
        prop::option::of(prop::collection::vec("[a-c]", 0..3)),
    )
        .prop_map(|(labels, annotations, finalizers, replicas, strategy, containers, tolerations)| {
            let mut metadata = json!({"name": "web", "namespace": "team-a", "labels": labels});
            if let Some(a) = annotations {
                metadata["annotations"] = Value::Object(a);
            }
            if !finalizers.is_empty() {
                metadata["finalizers"] = json!(finalizers);
            }
            let mut spec = json!({"template": {"spec": {"containers": containers}}});
            if let Some(r) = replicas {
                spec["replicas"] = json!(r);
            }
            if let Some(s) = strategy {
                spec["strategy"] = s;
            }
            if let Some(t) = tolerations {
                let list: Vec<Value> = t.into_iter().map(|k| json!({"key": k})).collect();
                spec["template"]["spec"]["tolerations"] = Value::Array(list);
            }
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": spec})
        })
}

/// A version of `base` edited towards `alt`: each field (and each element of a list keyed by
/// `name`) is kept, taken from `alt`, dropped when `alt` lacks it, or mixed deeper — so that two
/// such edits of one base overlap in some fields and not in others.
fn mix(base: &Value, alt: &Value, choices: &mut impl Iterator<Item = u8>) -> Value {
    fn pick(choices: &mut impl Iterator<Item = u8>) -> u8 {
        choices.next().unwrap_or(0) % 4
    }
    match (base, alt) {
        (Value::Object(b), Value::Object(a)) => {
            let mut out = Map::new();
            for key in b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))) {
                let chosen = match (pick(choices), b.get(key), a.get(key)) {
                    (2, Some(bv), Some(av)) => Some(mix(bv, av, choices)),
                    (1, _, av) => av.cloned(),
                    (_, bv, _) => bv.cloned(),
                };
                if let Some(v) = chosen {
                    out.insert(key.clone(), v);
                }
            }
            Value::Object(out)
        }
        (Value::Array(b), Value::Array(a)) if b.iter().chain(a).all(|e| e.get("name").is_some()) => {
            let find =
                |list: &[Value], name: &Value| list.iter().find(|e| e.get("name") == Some(name)).cloned();
            let names: Vec<Value> = b
                .iter()
                .chain(a.iter().filter(|e| find(b, &e["name"]).is_none()))
                .map(|e| e["name"].clone())
                .collect();
            let mut out = Vec::new();
            for name in names {
                let chosen = match (pick(choices), find(b, &name), find(a, &name)) {
                    (2, Some(bv), Some(av)) => Some(mix(&bv, &av, choices)),
                    (1, _, av) => av,
                    (_, bv, _) => bv,
                };
                out.extend(chosen);
            }
            Value::Array(out)
        }
        _ => {
            if pick(choices) == 1 {
                alt.clone()
            } else {
                base.clone()
            }
        }
    }
}

fn edits() -> impl Strategy<Value = (Value, Value, Value)> {
    (
        deployment(),
        deployment(),
        deployment(),
        prop::collection::vec(any::<u8>(), 256),
        prop::collection::vec(any::<u8>(), 256),
    )
        .prop_map(|(base, a, b, c1, c2)| {
            let theirs = mix(&base, &a, &mut c1.into_iter().cycle());
            let mine = mix(&base, &b, &mut c2.into_iter().cycle());
            (base, theirs, mine)
        })
}

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
}
