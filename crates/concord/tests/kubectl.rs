//! Cross-check of `concord patch` against kubectl's own patch code (apimachinery's strategic merge
//! patch, JSON merge patch and JSON patch), run locally with `kubectl patch --local`: every case
//! is applied by both and the results must be equal; patches created by `concord patch create`
//! must turn the original into the modified object when kubectl applies them.
//!
//! kubectl is part of every machine (`/usr/bin/kubectl`, v1.32); these tests fail when it is
//! missing rather than pass without checking anything.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use tempfile::TempDir;

const KUBECTL: &str = "/usr/bin/kubectl";

/// A scratch directory with an empty kubeconfig (kubectl wants one even for `--local`).
struct Scratch {
    dir: TempDir,
    files: usize,
}

impl Scratch {
    fn new() -> Scratch {
        assert!(
            Path::new(KUBECTL).exists(),
            "{KUBECTL} not found: kubectl (v1.32) is part of every machine and this cross-check needs it"
        );
        let dir = TempDir::new().unwrap();
        std::fs::write(dir.path().join("kubeconfig"), "").unwrap();
        Scratch { dir, files: 0 }
    }

    fn file(&mut self, value: &Value) -> PathBuf {
        self.files += 1;
        let path = self.dir.path().join(format!("doc{}.json", self.files));
        std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
        path
    }

    /// `concord patch apply`; the result, or the error message.
    fn concord_apply(&mut self, patch_type: &str, object: &Value, patch: &Value) -> Result<Value, String> {
        let (object, patch) = (self.file(object), self.file(patch));
        let out = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["patch", "apply", "--type", patch_type])
            .arg(object)
            .arg(patch)
            .output()
            .unwrap();
        if out.status.success() {
            Ok(serde_json::from_slice(&out.stdout).unwrap())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }

    /// `concord patch create`; the patch.
    fn concord_create(&mut self, patch_type: &str, original: &Value, modified: &Value) -> Value {
        let (original, modified) = (self.file(original), self.file(modified));
        let out = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["patch", "create", "--type", patch_type])
            .arg(original)
            .arg(modified)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "concord patch create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `kubectl patch --local`; the result, or the error message.
    fn kubectl_apply(&mut self, patch_type: &str, object: &Value, patch: &Value) -> Result<Value, String> {
        let object = self.file(object);
        let out = Command::new(KUBECTL)
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .args(["patch", "--local", "-o", "json", "--type", patch_type, "-f"])
            .arg(object)
            .arg("-p")
            .arg(serde_json::to_string(patch).unwrap())
            .output()
            .unwrap();
        if out.status.success() {
            Ok(normalize(serde_json::from_slice(&out.stdout).unwrap()))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

/// kubectl may print `metadata.creationTimestamp: null` for an object that has none (a typed
/// round trip adds it); nothing else is added. Dropped so results compare equal.
fn normalize(mut object: Value) -> Value {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
        && meta.get("creationTimestamp") == Some(&Value::Null)
    {
        meta.remove("creationTimestamp");
    }
    object
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "labels": {"app": "web", "tier": "front"},
            "finalizers": ["a.example/one", "b.example/two"],
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx:1.25",
                            "args": ["--port", "8080"],
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                        },
                        {"name": "sidecar", "image": "busybox"},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}, {"name": "cache", "emptyDir": {}}],
                },
            },
        },
    })
}

fn pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "labels": {"app": "p"}},
        "spec": {
            "containers": [{
                "name": "dns",
                "image": "coredns",
                "ports": [
                    {"containerPort": 53, "protocol": "TCP", "name": "dns-tcp"},
                    {"containerPort": 9153, "protocol": "TCP", "name": "metrics"},
                ],
            }],
            "tolerations": [{"key": "a", "operator": "Exists"}],
        },
    })
}

fn service() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "dns"},
        "spec": {
            "selector": {"app": "dns"},
            "ports": [
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP"},
            ],
        },
    })
}

fn config_map() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "labels": {"a": "1"}},
        "data": {"a": "1", "b": "2"},
    })
}

/// One cross-check case: a patch of one type applied to an object.
struct Case {
    name: &'static str,
    object: Value,
    patch_type: &'static str,
    patch: Value,
}

fn case(name: &'static str, object: Value, patch_type: &'static str, patch: Value) -> Case {
    Case { name, object, patch_type, patch }
}

fn containers(list: Value) -> Value {
    json!({"spec": {"template": {"spec": {"containers": list}}}})
}

/// The cases on which concord and kubectl agree.
fn apply_cases() -> Vec<Case> {
    let d = deployment;
    vec![
        case(
            "modify a keyed element in place",
            d(),
            "strategic",
            containers(json!([{"name": "app", "image": "nginx:1.26"}])),
        ),
        case(
            "delete a keyed element",
            d(),
            "strategic",
            containers(json!([{"name": "sidecar", "$patch": "delete"}])),
        ),
        case(
            "$setElementOrder reorders a keyed list",
            d(),
            "strategic",
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
                "containers": [{"name": "app", "image": "nginx:1.26"}],
            }}}}),
        ),
        case(
            "$deleteFromPrimitiveList removes from a merged scalar list",
            d(),
            "strategic",
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.example/one"]}}),
        ),
        case(
            "$retainKeys on the deployment strategy",
            d(),
            "strategic",
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
        ),
        case(
            "$patch: replace on a map",
            d(),
            "strategic",
            json!({"spec": {"template": {"metadata": {"labels": {"$patch": "replace", "app": "web", "v": "2"}}}}}),
        ),
        case(
            "$patch: replace in a keyed list",
            d(),
            "strategic",
            containers(json!([{"$patch": "replace"}, {"name": "only", "image": "x"}])),
        ),
        case(
            "null deletes fields",
            d(),
            "strategic",
            json!({"metadata": {"labels": {"tier": null}}, "spec": {"replicas": null, "strategy": {"rollingUpdate": null}}}),
        ),
        case(
            "an atomic list (args) is replaced",
            d(),
            "strategic",
            containers(json!([{"name": "app", "args": ["--verbose"]}])),
        ),
        case(
            "$patch: delete of a volume",
            d(),
            "strategic",
            json!({"spec": {"template": {"spec": {"volumes": [{"name": "data", "$patch": "delete"}]}}}}),
        ),
        case(
            "container ports: merge key containerPort only, protocol ignored",
            pod(),
            "strategic",
            json!({"spec": {"containers": [{"name": "dns", "ports": [{"containerPort": 53, "protocol": "UDP", "name": "dns"}]}]}}),
        ),
        case(
            "service ports: merge key port, modified in place",
            service(),
            "strategic",
            json!({"spec": {"ports": [{"port": 53, "targetPort": 5353}]}}),
        ),
        case(
            "tolerations (atomic) replaced",
            pod(),
            "strategic",
            json!({"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}}),
        ),
        case(
            "configmap data: add, change and delete keys",
            config_map(),
            "strategic",
            json!({"data": {"a": null, "b": "20", "c": "3"}}),
        ),
        case(
            "configmap data: $patch: delete on a map",
            config_map(),
            "strategic",
            json!({"data": {"$patch": "delete"}}),
        ),
        case(
            "merge patch replaces lists whole",
            d(),
            "merge",
            containers(json!([{"name": "only", "image": "x"}])),
        ),
        case(
            "merge patch: null deletes, maps merge",
            config_map(),
            "merge",
            json!({"metadata": {"labels": {"a": null, "b": "2"}}, "data": {"b": null}}),
        ),
        case(
            "json patch: replace, add, remove",
            d(),
            "json",
            json!([
                {"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "add", "path": "/metadata/labels/x", "value": "y"},
                {"op": "remove", "path": "/spec/template/spec/containers/1"},
                {"op": "test", "path": "/metadata/name", "value": "web"},
            ]),
        ),
    ]
}

/// Runs cases through both implementations; every disagreement, described.
fn disagreements(cases: Vec<Case>) -> Vec<String> {
    let mut scratch = Scratch::new();
    let mut failures = Vec::new();
    for c in cases {
        let ours = scratch.concord_apply(c.patch_type, &c.object, &c.patch);
        let theirs = scratch.kubectl_apply(c.patch_type, &c.object, &c.patch);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) if a == b => {}
            (Err(_), Err(_)) => {}
            _ => failures.push(format!(
                "{}: --type {} patch {}\n  concord: {}\n  kubectl: {}",
                c.name,
                c.patch_type,
                c.patch,
                ours.map_or_else(|e| e, |v| v.to_string()),
                theirs.map_or_else(|e| e, |v| v.to_string()),
            )),
        }
    }
    failures
}

#[test]
fn concord_apply_matches_kubectl_patch() {
    let cases = apply_cases();
    assert!(cases.len() >= 12);
    let failures = disagreements(cases);
    assert!(failures.is_empty(), "concord and kubectl disagree:\n{}", failures.join("\n"));
}

/// Each case of the apply table applied by kubectl, with every `$` directive and list kind.
#[test]
fn every_case_applies_with_kubectl() {
    let mut scratch = Scratch::new();
    for c in apply_cases() {
        let result = scratch.kubectl_apply(c.patch_type, &c.object, &c.patch);
        assert!(result.is_ok(), "{}: {result:?}", c.name);
    }
}

// Elements a patch adds without `$setElementOrder` are ordered by apimachinery's
// `mergeSortedSlice`, which puts a patch element the live list lacks *before* the server-only
// elements it meets. Patches created with `$setElementOrder` name every element, so only
// hand-written patches show this; these cases pin the engine to kubectl on it.

fn assert_agrees(c: Case) {
    let failures = disagreements(vec![c]);
    assert!(failures.is_empty(), "concord and kubectl disagree:\n{}", failures.join("\n"));
}

#[test]
fn new_container_goes_first_like_kubectl() {
    assert_agrees(case(
        "add a container",
        deployment(),
        "strategic",
        containers(json!([{"name": "log", "image": "fluentd"}])),
    ));
}

#[test]
fn new_finalizer_goes_first_like_kubectl() {
    assert_agrees(case(
        "add a finalizer",
        deployment(),
        "strategic",
        json!({"metadata": {"finalizers": ["c.example/three"]}}),
    ));
}

#[test]
fn new_env_var_before_existing_one_like_kubectl() {
    // Live env [A, B], patch [C (new), A]: kubectl [C, A, B]; concord [B, C, A].
    assert_agrees(case(
        "add an env var before modifying another",
        deployment(),
        "strategic",
        containers(
            json!([{"name": "app", "env": [{"name": "C", "value": "4"}, {"name": "A", "value": "3"}]}]),
        ),
    ));
}

#[test]
fn new_and_existing_containers_like_kubectl() {
    // Live [app, sidecar], patch [x (new), app]: kubectl [x, app, sidecar]; concord [sidecar, x, app].
    assert_agrees(case(
        "add a container before modifying another",
        deployment(),
        "strategic",
        containers(json!([{"name": "x", "image": "x"}, {"name": "app", "image": "y"}])),
    ));
}

/// An edit: the object before and after.
struct Edit {
    name: &'static str,
    original: Value,
    modified: Value,
}

fn edit(name: &'static str, original: Value, change: impl FnOnce(&mut Value)) -> Edit {
    let mut modified = original.clone();
    change(&mut modified);
    Edit { name, original, modified }
}

fn at<'v>(value: &'v mut Value, pointer: &str) -> &'v mut Value {
    value.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}"))
}

fn edits() -> Vec<Edit> {
    let d = deployment;
    let c = "/spec/template/spec/containers";
    vec![
        edit("add a container at the end", d(), |m| {
            at(m, c).as_array_mut().unwrap().push(json!({"name": "log", "image": "fluentd"}));
        }),
        edit("add a container at the front", d(), |m| {
            at(m, c).as_array_mut().unwrap().insert(0, json!({"name": "init", "image": "alpine"}));
        }),
        edit("remove a container", d(), |m| {
            at(m, c).as_array_mut().unwrap().remove(1);
        }),
        edit("reorder containers", d(), |m| at(m, c).as_array_mut().unwrap().reverse()),
        edit("change, add and remove env vars", d(), |m| {
            *at(m, &format!("{c}/0/env")) =
                json!([{"name": "C", "value": "3"}, {"name": "A", "value": "10"}]);
        }),
        edit("remove a label, add an annotation", d(), |m| {
            at(m, "/metadata/labels").as_object_mut().unwrap().remove("tier");
            at(m, "/metadata").as_object_mut().unwrap().insert("annotations".into(), json!({"note": "x"}));
        }),
        edit("remove and add finalizers", d(), |m| {
            *at(m, "/metadata/finalizers") = json!(["b.example/two", "c.example/three"]);
        }),
        edit("strategy to Recreate (retainKeys)", d(), |m| {
            *at(m, "/spec/strategy") = json!({"type": "Recreate"})
        }),
        edit("volume source replaced (retainKeys on volumes)", d(), |m| {
            *at(m, "/spec/template/spec/volumes/0") = json!({"name": "data", "hostPath": {"path": "/srv"}});
        }),
        edit("drop replicas, change args", d(), |m| {
            at(m, "/spec").as_object_mut().unwrap().remove("replicas");
            *at(m, &format!("{c}/0/args")) = json!(["--port", "9090", "--verbose"]);
        }),
        edit("service ports: change one, add one", service(), |m| {
            *at(m, "/spec/ports") = json!([
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 5353},
                {"name": "metrics", "port": 9153, "protocol": "TCP"},
                {"name": "dns-udp", "port": 54, "protocol": "UDP"},
            ]);
        }),
        edit("pod: container ports and tolerations", pod(), |m| {
            *at(m, "/spec/containers/0/ports") = json!([{"containerPort": 9153, "protocol": "TCP", "name": "metrics"}, {"containerPort": 8080}]);
            *at(m, "/spec/tolerations") = json!([]);
        }),
        edit("configmap data", config_map(), |m| *at(m, "/data") = json!({"b": "20", "c": "3"})),
    ]
}

/// Patches concord creates, applied by kubectl, give the modified object: strategic (with
/// `$setElementOrder`, `$deleteFromPrimitiveList`, `$retainKeys`, `$patch: delete`), merge and
/// JSON patch with test preconditions.
#[test]
fn kubectl_applies_created_patches() {
    let mut scratch = Scratch::new();
    let mut failures = Vec::new();
    for e in edits() {
        for patch_type in ["strategic", "merge", "json"] {
            let patch = scratch.concord_create(patch_type, &e.original, &e.modified);
            match scratch.kubectl_apply(patch_type, &e.original, &patch) {
                Ok(result) if result == e.modified => {}
                other => failures
                    .push(format!("{} (--type {patch_type}): patch {patch}\n  kubectl: {other:?}", e.name)),
            }
            // And concord applies its own patch the same way.
            match scratch.concord_apply(patch_type, &e.original, &patch) {
                Ok(result) if result == e.modified => {}
                other => failures.push(format!("{} (--type {patch_type}, concord apply): {other:?}", e.name)),
            }
        }
    }
    assert!(failures.is_empty(), "created patches do not reproduce the edit:\n{}", failures.join("\n"));
}

/// With `$setElementOrder`, server-only elements are placed by the live list as apimachinery's
/// merge has already edited it in memory (deletions shift it, new elements fill the freed
/// slots), which is why the new ENV6 lands after the server-only ENV4 here.
#[test]
fn set_element_order_after_deletions_like_kubectl() {
    let mut object = deployment();
    object["spec"]["template"]["spec"]["containers"][0]["env"] = json!([
        {"name": "ENV2"}, {"name": "ENV5"}, {"name": "ENV1"}, {"name": "ENV3"}, {"name": "ENV4"}
    ]);
    assert_agrees(case(
        "setElementOrder with a deletion and an addition",
        object,
        "strategic",
        json!({"spec": {"template": {"spec": {"containers": [{
            "name": "app",
            "$setElementOrder/env": [{"name": "ENV1"}, {"name": "ENV2"}, {"name": "ENV6"}],
            "env": [{"name": "ENV3", "$patch": "delete"}, {"name": "ENV6", "value": "new"}],
        }]}}}}),
    ));
}

#[test]
fn set_element_order_of_a_primitive_list_like_kubectl() {
    for (live, patch) in [
        (json!(["A", "S"]), json!({"$setElementOrder/finalizers": ["A", "N"], "finalizers": ["N"]})),
        (json!(["S", "A"]), json!({"$setElementOrder/finalizers": ["A", "N"], "finalizers": ["N"]})),
        (json!(["S", "A"]), json!({"finalizers": ["N", "A"]})),
        (
            json!(["A", "B", "C"]),
            json!({"$setElementOrder/finalizers": ["C", "A"], "$deleteFromPrimitiveList/finalizers": ["B"]}),
        ),
    ] {
        let mut object = deployment();
        object["metadata"]["finalizers"] = live;
        assert_agrees(case("finalizer order", object, "strategic", json!({"metadata": patch})));
    }
}
