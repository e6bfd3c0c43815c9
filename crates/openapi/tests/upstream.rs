//! Compares the generated documents with the upstream Kubernetes 1.36 documents

//! (`shared/k8s-openapi`): the definitions reachable from the served kinds (every upstream
//! property present with the same type, the `x-kubernetes-*` extensions identical) and the paths
//! of the served resources (operations, IDs, actions, GVKs, parameters, bodies, responses).
//! Every mismatch is collected and reported at once.

#![recursion_limit = "256"]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use concord_openapi::Documents;
use serde_json::Value;

const EXTENSIONS: &[&str] = &[
    "x-kubernetes-group-version-kind",
    "x-kubernetes-patch-strategy",
    "x-kubernetes-patch-merge-key",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-unions",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
];

/// The definition a schema refers to, directly or through `allOf`.
fn reference(schema: &Value) -> Option<&str> {
    let direct = schema.get("$ref").and_then(Value::as_str);
    let wrapped = schema.pointer("/allOf/0/$ref").and_then(Value::as_str);
    direct.or(wrapped).and_then(|r| r.rsplit('/').next())
}

fn gvk_set(value: Option<&Value>) -> BTreeSet<String> {
    match value {
        Some(Value::Array(items)) => items.iter().map(Value::to_string).collect(),
        Some(other) => BTreeSet::from([other.to_string()]),
        None => BTreeSet::new(),
    }
}

/// Compares one schema, recursively through inline properties, items and map values.
fn compare(ours: &Value, theirs: &Value, at: &str, envelope: bool, problems: &mut Vec<String>) {
    for extension in EXTENSIONS {
        let (a, b) = (ours.get(*extension), theirs.get(*extension));
        if *extension == "x-kubernetes-group-version-kind" {
            let (a, b) = (gvk_set(a), gvk_set(b));
            // Envelopes (DeleteOptions, WatchEvent) carry a GVK per group-version; upstream's v2
            // lists every group-version kube-apiserver has, ours the served ones.
            let ok = if envelope { a.is_subset(&b) && !a.is_empty() } else { a == b };
            if !ok {
                problems.push(format!("{at}: {extension} is {a:?}, upstream {b:?}"));
            }
        } else if a != b {
            problems.push(format!("{at}: {extension} is {a:?}, upstream {b:?}"));
        }
    }
    let type_of = |s: &Value| s.get("type").cloned();
    if reference(ours) != reference(theirs) {
        problems.push(format!("{at}: refers to {:?}, upstream {:?}", reference(ours), reference(theirs)));
    } else if type_of(ours) != type_of(theirs) {
        problems.push(format!("{at}: type {:?}, upstream {:?}", type_of(ours), type_of(theirs)));
    }
    let no_properties = serde_json::Map::new();
    let our_properties = ours.get("properties").and_then(Value::as_object).unwrap_or(&no_properties);
    let their_properties = theirs.get("properties").and_then(Value::as_object).unwrap_or(&no_properties);
    for (name, their_property) in their_properties {
        match our_properties.get(name) {
            Some(our_property) => {
                compare(our_property, their_property, &format!("{at}.{name}"), false, problems)
            }
            None => problems.push(format!("{at}.{name}: missing")),
        }
    }
    for name in our_properties.keys().filter(|name| !their_properties.contains_key(*name)) {
        problems.push(format!("{at}.{name}: not upstream"));
    }
    for keyword in ["items", "additionalProperties"] {
        match (ours.get(keyword), theirs.get(keyword)) {
            (Some(a), Some(b)) => compare(a, b, &format!("{at}/{keyword}"), false, problems),
            (None, None) => {}
            (a, b) => problems.push(format!("{at}: {keyword} {a:?}, upstream {b:?}")),
        }
    }
    if ours.get("required") != theirs.get("required") {
        let sorted = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array).map(|a| a.iter().map(Value::to_string).collect()).unwrap_or_default()
        };
        if sorted(ours.get("required")) != sorted(theirs.get("required")) {
            problems.push(format!(
                "{at}: required {:?}, upstream {:?}",
                ours.get("required"),
                theirs.get("required")
            ));
        }
    }
}

fn compare_definitions(
    ours: &serde_json::Map<String, Value>,
    theirs: &serde_json::Map<String, Value>,
    what: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, schema) in ours {
        match theirs.get(name) {
            Some(upstream) => {
                let envelope =
                    name.ends_with("meta.v1.DeleteOptions") || name.ends_with("meta.v1.WatchEvent");
                compare(schema, upstream, &format!("{what} {name}"), envelope, &mut problems);
            }
            None => problems.push(format!("{what} {name}: not upstream")),
        }
    }
    problems
}

fn report(problems: Vec<String>) {
    assert!(problems.is_empty(), "{} differences from upstream:\n{}", problems.len(), problems.join("\n"));
}

fn documents() -> Documents {
    Documents::build(&common::resources(), &[]).unwrap()
}

#[test]
fn v2_definitions_match_upstream() {
    let documents = documents();
    let upstream = common::read_json(common::upstream_dir().join("swagger.json"));
    let ours = documents.v2()["definitions"].as_object().unwrap();
    assert!(ours.len() > 150, "only {} definitions", ours.len());
    report(compare_definitions(ours, upstream["definitions"].as_object().unwrap(), "v2"));
}

/// The group-version documents the served resources make.
fn group_versions() -> BTreeSet<String> {
    common::resources()
        .iter()
        .map(|r| {
            if r.group.is_empty() {
                format!("api/{}", r.version)
            } else {
                format!("apis/{}/{}", r.group, r.version)
            }
        })
        .collect()
}

#[test]
fn v3_definitions_match_upstream() {
    let documents = documents();
    let mut problems = Vec::new();
    for key in group_versions() {
        let (ours, _) = documents.v3(&key).unwrap();
        let upstream = common::upstream_v3(&key);
        problems.extend(compare_definitions(
            ours["components"]["schemas"].as_object().unwrap(),
            upstream["components"]["schemas"].as_object().unwrap(),
            &key,
        ));
    }
    report(problems);
}

/// Compares the operations of one path item, v3 form.
fn compare_path(ours: &Value, theirs: &Value, at: &str, problems: &mut Vec<String>) {
    let names = |item: &Value| -> Vec<String> {
        let mut names: Vec<String> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|params| {
                params
                    .iter()
                    .map(|p| {
                        format!("{}:{}", p["in"].as_str().unwrap_or(""), p["name"].as_str().unwrap_or(""))
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    if names(ours) != names(theirs) {
        problems.push(format!("{at}: path parameters {:?}, upstream {:?}", names(ours), names(theirs)));
    }
    let methods = |item: &Value| -> BTreeSet<String> {
        item.as_object()
            .map(|o| o.keys().filter(|k| *k != "parameters").cloned().collect())
            .unwrap_or_default()
    };
    if methods(ours) != methods(theirs) {
        problems.push(format!("{at}: methods {:?}, upstream {:?}", methods(ours), methods(theirs)));
    }
    for method in methods(ours).intersection(&methods(theirs)) {
        let (a, b) = (&ours[method], &theirs[method]);
        let at = format!("{at} {method}");
        for key in ["operationId", "x-kubernetes-action", "x-kubernetes-group-version-kind", "tags"] {
            if a.get(key) != b.get(key) {
                problems.push(format!("{at}: {key} {:?}, upstream {:?}", a.get(key), b.get(key)));
            }
        }
        if names(a) != names(b) {
            problems.push(format!("{at}: parameters {:?}, upstream {:?}", names(a), names(b)));
        }
        let content = |body: Option<&Value>| -> Vec<(String, Option<String>)> {
            body.and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| (k.clone(), reference(&v["schema"]).map(str::to_owned)))
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect()
                })
                .unwrap_or_default()
        };
        if content(a.get("requestBody")) != content(b.get("requestBody")) {
            problems.push(format!(
                "{at}: request body {:?}, upstream {:?}",
                content(a.get("requestBody")),
                content(b.get("requestBody"))
            ));
        }
        if a.pointer("/requestBody/required") != b.pointer("/requestBody/required") {
            problems.push(format!("{at}: request body required differs"));
        }
        let codes = |op: &Value| -> BTreeSet<String> {
            op["responses"].as_object().map(|r| r.keys().cloned().collect()).unwrap_or_default()
        };
        if codes(a) != codes(b) {
            problems.push(format!("{at}: responses {:?}, upstream {:?}", codes(a), codes(b)));
        }
        for code in codes(a).intersection(&codes(b)) {
            let (x, y) = (content(a["responses"].get(code)), content(b["responses"].get(code)));
            if x != y {
                problems.push(format!("{at} {code}: {x:?}, upstream {y:?}"));
            }
        }
    }
}

#[test]
fn v3_paths_match_upstream() {
    let documents = documents();
    let resources = common::resources();
    let mut problems = Vec::new();
    for key in group_versions() {
        let (ours, _) = documents.v3(&key).unwrap();
        let upstream = common::upstream_v3(&key);
        let their_paths = upstream["paths"].as_object().unwrap();
        for (path, item) in ours["paths"].as_object().unwrap() {
            match their_paths.get(path) {
                Some(upstream_item) => compare_path(item, upstream_item, path, &mut problems),
                None => problems.push(format!("{path}: not upstream")),
            }
        }
        // Every upstream path of a served resource (its collection, objects, status, scale and
        // watch paths) is served.
        let prefix = format!("/{key}/");
        for path in their_paths.keys() {
            let Some(rest) = path.strip_prefix(&prefix) else { continue };
            let rest = rest.strip_prefix("watch/").unwrap_or(rest);
            let rest = rest.strip_prefix("namespaces/{namespace}/").unwrap_or(rest);
            let segments: Vec<&str> = rest.split('/').collect();
            let served = resources.iter().find(|r| {
                let gv = if r.group.is_empty() {
                    format!("api/{}", r.version)
                } else {
                    format!("apis/{}/{}", r.group, r.version)
                };
                gv == key && segments.first() == Some(&r.plural.as_str())
            });
            let Some(resource) = served else { continue };
            let subresource_served = match segments.get(2) {
                None => true,
                Some(sub) => resource.subresources.iter().any(|s| s.name == *sub),
            };
            if subresource_served && !ours["paths"].as_object().unwrap().contains_key(path) {
                problems.push(format!("{path}: upstream only"));
            }
        }
    }
    report(problems);
}

#[test]
fn v2_paths_carry_the_same_operations() {
    let documents = documents();
    let upstream = common::read_json(common::upstream_dir().join("swagger.json"));
    let mut problems = Vec::new();
    for (path, item) in documents.v2()["paths"].as_object().unwrap() {
        let Some(theirs) = upstream["paths"].get(path) else {
            problems.push(format!("{path}: not upstream"));
            continue;
        };
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            for key in [
                "operationId",
                "x-kubernetes-action",
                "x-kubernetes-group-version-kind",
                "consumes",
                "produces",
            ] {
                let (a, b) = (op.get(key), theirs[method].get(key));
                let set = |v: Option<&Value>| {
                    v.map(|v| match v {
                        Value::Array(items) => items.iter().map(Value::to_string).collect::<BTreeSet<_>>(),
                        other => BTreeSet::from([other.to_string()]),
                    })
                };
                if set(a) != set(b) {
                    problems.push(format!("{path} {method}: {key} {a:?}, upstream {b:?}"));
                }
            }
        }
    }
    report(problems);
}
