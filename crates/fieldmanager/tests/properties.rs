//! Properties of field management over generated Deployments.

// A test fails by panicking, so unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use concord_fieldmanager::fieldpath::{Path, Set};
use concord_fieldmanager::{Manager, apply, update};
use concord_patch::{Gvk, Schema, TypeInfo};
use proptest::prelude::*;
use serde_json::{Value, json};

fn info() -> TypeInfo<'static> {
    Schema::builtin().for_kind(&Gvk::from_api_version("apps/v1", "Deployment"))
}

fn manager<'a>(name: &'a str, time: &'a str) -> Manager<'a> {
    Manager { name, api_version: "apps/v1", time, ..Manager::default() }
}

/// Deployments with the shapes that matter: a granular map, a scalar, a keyed list with nested
/// keyed lists and atomic lists, a set.
fn deployment() -> impl Strategy<Value = Value> {
    let labels = prop::collection::btree_map("[a-c]", "[xy]", 0..3);
    let containers = prop::collection::btree_map(
        "[a-c]",
        (
            prop::option::of("[xy]:[12]"),
            prop::collection::btree_set(80u16..82, 0..3),
            prop::option::of(prop::collection::vec("[xy]", 0..2)),
        ),
        0..3,
    );
    let finalizers = prop::collection::btree_set("[pq]", 0..3);
    (labels, 1u8..4, containers, finalizers).prop_map(|(labels, replicas, containers, finalizers)| {
        let mut d =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {}});
        if !labels.is_empty() {
            d["metadata"]["labels"] = json!(labels);
        }
        if !finalizers.is_empty() {
            d["metadata"]["finalizers"] = json!(finalizers);
        }
        // Always one field of its own: an applier that owns nothing gets no entry, and the next
        // apply then meets an untracked object (see `an_untracked_object_...` in scenarios.rs).
        d["spec"]["replicas"] = json!(replicas);
        if !containers.is_empty() {
            let list: Vec<Value> = containers
                .into_iter()
                .map(|(name, (image, ports, args))| {
                    let mut c = json!({"name": name});
                    if let Some(image) = image {
                        c["image"] = json!(image);
                    }
                    if !ports.is_empty() {
                        c["ports"] = ports.into_iter().map(|p| json!({"containerPort": p})).collect();
                    }
                    if let Some(args) = args {
                        c["args"] = json!(args);
                    }
                    c
                })
                .collect();
            d["spec"]["template"] = json!({"spec": {"containers": list}});
        }
        d
    })
}

/// The object without `managedFields` and without empty maps: an apply drops a struct it
/// emptied where a fresh object keeps the `{}` it was given, which Go types do not tell apart.
fn content(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(m) = copy["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    drop_empty_maps(&mut copy);
    copy
}

fn drop_empty_maps(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(drop_empty_maps);
            map.retain(|_, v| !matches!(v, Value::Object(m) if m.is_empty()));
        }
        Value::Array(items) => items.iter_mut().for_each(drop_empty_maps),
        _ => {}
    }
}

fn entry_sets(object: &Value, operation: &str) -> Vec<(String, Set)> {
    object["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["operation"] == operation)
        .map(|e| (e["manager"].as_str().unwrap().to_owned(), Set::from_fields_v1(&e["fieldsV1"]).unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Applying the same configuration again changes nothing, not even a time.
    #[test]
    fn reapplying_is_idempotent(config in deployment()) {
        let info = info();
        let first = apply(&info, None, &config, &manager("ops", "2026-01-01T00:00:00Z"), false).unwrap();
        let again = apply(&info, Some(&first), &config, &manager("ops", "2026-01-01T00:05:00Z"), false).unwrap();
        prop_assert_eq!(again, first);
    }

    /// A lone applier moving from one configuration to another gets exactly what applying the
    /// second one from scratch gives: everything dropped from its intent is gone.
    #[test]
    fn a_lone_applier_converges_to_its_latest_intent(old in deployment(), new in deployment()) {
        let info = info();
        let t = "2026-01-01T00:00:00Z";
        let first = apply(&info, None, &old, &manager("ops", t), false).unwrap();
        let moved = apply(&info, Some(&first), &new, &manager("ops", t), false).unwrap();
        let fresh = apply(&info, None, &new, &manager("ops", t), false).unwrap();
        prop_assert_eq!(content(&moved), content(&fresh));
        prop_assert_eq!(entry_sets(&moved, "Apply"), entry_sets(&fresh, "Apply"));
    }

    /// Updaters never share a field: each change moves it to the one writer.
    #[test]
    fn update_entries_never_overlap(writes in prop::collection::vec((0usize..3, deployment()), 1..6)) {
        let info = info();
        let names = ["alice", "bob", "carol"];
        let mut live: Option<Value> = None;
        for (i, (who, object)) in writes.into_iter().enumerate() {
            let mut next = object;
            let time = format!("2026-01-01T00:0{i}:00Z");
            update(&info, live.as_ref(), &mut next, &manager(names[who], &time)).unwrap();
            let sets = entry_sets(&next, "Update");
            for (i, (a, a_set)) in sets.iter().enumerate() {
                for (b, b_set) in &sets[i + 1..] {
                    let shared: Vec<String> = a_set.intersection(b_set).paths().iter().map(Path::to_string).collect();
                    prop_assert!(shared.is_empty(), "{} and {} both own {:?}", a, b, shared);
                }
            }
            live = Some(next);
        }
    }

    /// A write that sends the stored managedFields back (as every patch does) records the same
    /// ownership as one that sends none: the shortcut for writes that move no ownership agrees
    /// with the general path. Each step either writes a new object or changes the replicas of
    /// the live one (a manager re-writing what it owns, the shortcut's case).
    #[test]
    fn sending_the_stored_entries_back_is_sending_none(
        writes in prop::collection::vec((0usize..3, prop::option::of(deployment()), 1u8..4), 1..8)
    ) {
        let info = info();
        let names = ["alice", "bob", "carol"];
        let mut live: Option<Value> = None;
        for (i, (who, object, replicas)) in writes.into_iter().enumerate() {
            let mut sent = match (object, &live) {
                (Some(object), _) => object,
                (None, Some(live)) => live.clone(),
                (None, None) => json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}),
            };
            sent["spec"]["replicas"] = json!(replicas);
            let time = format!("2026-01-01T00:0{i}:00Z");
            let mut without = sent.clone();
            if let Some(meta) = without["metadata"].as_object_mut() {
                meta.remove("managedFields");
            }
            update(&info, live.as_ref(), &mut without, &manager(names[who], &time)).unwrap();
            if let Some(stored) = live.as_ref().and_then(|l| l["metadata"].get("managedFields")) {
                sent["metadata"]["managedFields"] = stored.clone();
                update(&info, live.as_ref(), &mut sent, &manager(names[who], &time)).unwrap();
                prop_assert_eq!(&sent, &without);
            }
            live = Some(without);
        }
    }

    /// A forced apply sets every value of the configuration, whoever owned it before.
    #[test]
    fn forced_apply_sets_the_configuration(first in deployment(), second in deployment()) {
        let info = info();
        let live = apply(&info, None, &first, &manager("one", "2026-01-01T00:00:00Z"), false).unwrap();
        let result = apply(&info, Some(&live), &second, &manager("two", "2026-01-01T00:01:00Z"), true).unwrap();
        if let Some(labels) = second["metadata"]["labels"].as_object() {
            for (k, v) in labels {
                prop_assert_eq!(&result["metadata"]["labels"][k], v);
            }
        }
        if let Some(r) = second["spec"].get("replicas") {
            prop_assert_eq!(&result["spec"]["replicas"], r);
        }
        let finalizers: Vec<&Value> = result["metadata"]["finalizers"].as_array().into_iter().flatten().collect();
        for f in second["metadata"]["finalizers"].as_array().into_iter().flatten() {
            prop_assert!(finalizers.contains(&f));
        }
        for c in second["spec"]["template"]["spec"]["containers"].as_array().into_iter().flatten() {
            let found = result["spec"]["template"]["spec"]["containers"]
                .as_array()
                .and_then(|list| list.iter().find(|r| r["name"] == c["name"]));
            prop_assert!(found.is_some(), "container {} missing", c["name"]);
            let found = found.unwrap();
            for key in ["image", "args"] {
                if let Some(v) = c.get(key) {
                    prop_assert_eq!(&found[key], v);
                }
            }
        }
    }
}
