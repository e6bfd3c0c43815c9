//! Generators of Kubernetes-like objects for property tests: Deployments with keyed lists
//! (containers, env, ports with two keys), sets (finalizers), atomic lists (args, tolerations),
//! maps and a `retainKeys` field; and three versions of one object edited independently.

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
pub fn deployment() -> impl Strategy<Value = Value> {
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

pub fn edits() -> impl Strategy<Value = (Value, Value, Value)> {
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
