//! A kubectl session against the sandbox, replayed request by request (`fixtures/`): a
//! Deployment created by `kubectl apply` (client-side), scaled with `kubectl scale`, then
//! `kubectl apply --server-side --field-manager=alice --force-conflicts -f ssa3.yaml`.
//!
//! `repro-live.json` is the object before the server-side apply and `repro-after.json` the
//! object after the command. The command sends three requests (kubectl ≥ 1.26, `apply.go`):
//!
//! 1. the apply itself, after which client-side apply still owns everything it owned;
//! 2. a JSON patch of `metadata.managedFields` that moves every field of the `Update` managers
//!    owning the `last-applied-configuration` annotation (here `kubectl-client-side-apply`)
//!    into alice's `Apply` entry (client-go's `csaupgrade`, kubernetes/kubernetes#112905);
//! 3. the same apply again, which, alice now owning everything, prunes all it no longer applies.
//!
//! `repro-after.json` is the outcome of all three. kube-apiserver computes the same ownership
//! and the same pruned object at step 3, then refuses it (the Deployment has lost its selector
//! and template, which apps validation requires), so there the object stays as step 2 left it.

// A test fails by panicking, so unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use concord_fieldmanager::{Manager, apply, update};
use concord_patch::document::parse_yaml;
use concord_patch::schema::TypeInfo;
use concord_patch::{Gvk, Schema};
use serde_json::{Map, Value, json};

const LIVE: &str = include_str!("fixtures/repro-live.json");
const AFTER: &str = include_str!("fixtures/repro-after.json");
const SSA3: &str = include_str!("fixtures/ssa3.yaml");
/// The second of the session's server-side apply.
const TIME: &str = "2026-11-24T21:28:59Z";

fn info() -> TypeInfo<'static> {
    Schema::builtin().for_kind(&Gvk::from_api_version("apps/v1", "Deployment"))
}

fn json_fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The manager the sandbox passes for a write to the Deployment itself (it has a status).
fn writer<'a>(name: &'a str, time: &'a str) -> Manager<'a> {
    Manager { name, api_version: "apps/v1", subresource: None, time, reset_fields: &["status"] }
}

fn entries(object: &Value) -> &Vec<Value> {
    object["metadata"]["managedFields"].as_array().unwrap()
}

fn entry<'v>(object: &'v Value, manager: &str, operation: &str) -> Option<&'v Value> {
    entries(object).iter().find(|e| e["manager"] == manager && e["operation"] == operation)
}

fn managers(object: &Value) -> Vec<String> {
    entries(object)
        .iter()
        .map(|e| {
            let subresource = e.get("subresource").and_then(Value::as_str).map(|s| format!("/{s}"));
            format!(
                "{}/{}{}",
                e["manager"].as_str().unwrap(),
                e["operation"].as_str().unwrap(),
                subresource.unwrap_or_default()
            )
        })
        .collect()
}

fn apply_entry(manager: &str, time: &str, fields: Value) -> Value {
    json!({"manager": manager, "operation": "Apply", "apiVersion": "apps/v1", "time": time,
        "fieldsType": "FieldsV1", "fieldsV1": fields})
}

/// `live` with `spec.replicas` at `replicas` and these `managedFields`.
fn live_with(live: &Value, replicas: u32, managed_fields: Value) -> Value {
    let mut expected = live.clone();
    expected["spec"]["replicas"] = json!(replicas);
    expected["metadata"]["managedFields"] = managed_fields;
    expected
}

#[test]
fn forced_apply_takes_replicas_from_scale_and_leaves_client_side_apply_alone() {
    let live = json_fixture(LIVE);
    let applied = parse_yaml(SSA3).unwrap();
    let result = apply(&info(), Some(&live), &applied, &writer("alice", TIME), true).unwrap();

    // kube-apiserver's answer: alice owns `.spec.replicas`; `kubectl` (scale) lost its only
    // field and is gone; client-side apply's entry is untouched, time included.
    let csa = entries(&live)[0].clone();
    assert_eq!(csa["manager"], "kubectl-client-side-apply");
    let expected =
        live_with(&live, 5, json!([apply_entry("alice", TIME, json!({"f:spec": {"f:replicas": {}}})), csa]));
    assert_eq!(result, expected);
}

#[test]
fn unforced_apply_of_replicas_conflicts_with_scale_only() {
    let live = json_fixture(LIVE);
    let applied = parse_yaml(SSA3).unwrap();
    let err = apply(&info(), Some(&live), &applied, &writer("alice", TIME), false).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"
    );
}

#[test]
fn apply_of_a_field_nobody_owns_keeps_every_manager() {
    let live = json_fixture(LIVE);
    let applied = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web3", "namespace": "demo", "labels": {"team": "a"}}});
    for force in [false, true] {
        let result = apply(&info(), Some(&live), &applied, &writer("alice", TIME), force).unwrap();
        let mut expected = live.clone();
        expected["metadata"]["labels"]["team"] = json!("a");
        let mut entries =
            vec![apply_entry("alice", TIME, json!({"f:metadata": {"f:labels": {"f:team": {}}}}))];
        entries.extend(live["metadata"]["managedFields"].as_array().unwrap().iter().cloned());
        expected["metadata"]["managedFields"] = Value::Array(entries);
        assert_eq!(result, expected, "force: {force}");
    }
}

/// The union of two `fieldsV1` values (a field set's union is the union of its trie's keys).
fn union_fields(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(Value::Object(mine)), Value::Object(theirs)) => union_fields(mine, theirs),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

/// What kubectl's `csaupgrade.UpgradeManagedFields` makes of `managedFields`: the `Update`
/// entries (main resource) of `csa` merged into `ssa`'s `Apply` entry, and dropped.
fn migrate(managed_fields: &[Value], csa: &str, ssa: &str) -> Value {
    let is_csa =
        |e: &Value| e["manager"] == csa && e["operation"] == "Update" && e.get("subresource").is_none();
    let mut migrated: Vec<Value> = managed_fields.iter().filter(|e| !is_csa(e)).cloned().collect();
    let target = migrated
        .iter_mut()
        .find(|e| e["manager"] == ssa && e["operation"] == "Apply" && e.get("subresource").is_none())
        .unwrap();
    for from in managed_fields.iter().filter(|e| is_csa(e)) {
        union_fields(target["fieldsV1"].as_object_mut().unwrap(), from["fieldsV1"].as_object().unwrap());
    }
    Value::Array(migrated)
}

/// Removes what differs between two writes of the same object besides the content: the
/// version and generation the sandbox sets, and entry times.
fn content(object: &Value) -> Value {
    let mut object = object.clone();
    let metadata = object["metadata"].as_object_mut().unwrap();
    metadata.remove("resourceVersion");
    metadata.remove("generation");
    for entry in metadata["managedFields"].as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("time");
    }
    object
}

#[test]
fn kubectls_migration_then_reapply_is_what_removed_the_other_fields() {
    let info = info();
    let live = json_fixture(LIVE);
    let applied = parse_yaml(SSA3).unwrap();
    let alice = writer("alice", TIME);

    // 1. The apply: client-side apply keeps its fields.
    let first = apply(&info, Some(&live), &applied, &alice, true).unwrap();
    assert_eq!(managers(&first), ["alice/Apply", "kubectl-client-side-apply/Update"]);

    // 2. kubectl's JSON patch of managedFields (fieldManager=alice): the entries sent replace
    //    the live ones; no field changed, so alice gets no `Update` entry.
    let migrated = migrate(entries(&first), "kubectl-client-side-apply", "alice");
    let mut second = first.clone();
    second["metadata"]["managedFields"] = migrated.clone();
    update(&info, Some(&first), &mut second, &Manager { name: "alice", ..alice }).unwrap();
    assert_eq!(second["metadata"]["managedFields"], migrated);
    assert_eq!(managers(&second), ["alice/Apply"]);

    // 3. The same apply again: alice applied labels, selector, template and the annotation
    //    before (as far as ownership goes) and no longer does, and nobody else owns them.
    let third = apply(&info, Some(&second), &applied, &alice, true).unwrap();
    assert_eq!(content(&third), content(&json_fixture(AFTER)));
}

/// The same kind of session with more updaters: `kubectl label`, `kubectl annotate`, `kubectl
/// patch` and `kubectl scale` after the client-side apply. A forced apply of the replicas takes
/// them from `kubectl` (scale) and touches nobody else.
#[test]
fn forced_apply_after_several_updaters_takes_only_what_it_sets() {
    let info = info();
    let live = json_fixture(LIVE);
    let mut created = live.clone();
    created["metadata"].as_object_mut().unwrap().remove("managedFields");
    created["spec"]["replicas"] = json!(2);
    update(&info, None, &mut created, &writer("kubectl-client-side-apply", "2026-11-24T21:28:50Z")).unwrap();
    let csa_fields = entries(&created)[0]["fieldsV1"].clone();

    let write = |old: &Value,
                 name: &str,
                 subresource: Option<&'static str>,
                 time: &str,
                 change: &dyn Fn(&mut Value)| {
        let mut new = old.clone();
        change(&mut new);
        let manager = Manager { subresource, ..writer(name, time) };
        update(&info, Some(old), &mut new, &manager).unwrap();
        new
    };
    let labeled = write(&created, "kubectl-label", None, "2026-11-24T21:28:51Z", &|o| {
        o["metadata"]["labels"]["tier"] = json!("fe")
    });
    let annotated = write(&labeled, "kubectl-annotate", None, "2026-11-24T21:28:52Z", &|o| {
        o["metadata"]["annotations"]["note"] = json!("x");
    });
    let patched = write(&annotated, "kubectl-patch", None, "2026-11-24T21:28:53Z", &|o| {
        o["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    });
    let scaled = write(&patched, "kubectl", Some("scale"), "2026-11-24T21:28:54Z", &|o| {
        o["spec"]["replicas"] = json!(3)
    });
    assert_eq!(
        managers(&scaled),
        [
            "kubectl-client-side-apply/Update",
            "kubectl-label/Update",
            "kubectl-annotate/Update",
            "kubectl-patch/Update",
            "kubectl/Update/scale"
        ]
    );
    // Each updater took what it changed from client-side apply.
    let image = json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {"f:image": {}}}}}}});
    assert_eq!(entry(&scaled, "kubectl-patch", "Update").unwrap()["fieldsV1"], image);
    let csa_now = &entry(&scaled, "kubectl-client-side-apply", "Update").unwrap()["fieldsV1"];
    let csa_containers = &csa_now["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"];
    assert_eq!(csa_containers.get("f:image"), None);
    assert_eq!(csa_now["f:spec"].get("f:replicas"), None);
    assert_eq!(csa_fields["f:spec"]["f:replicas"], json!({}));

    let applied = parse_yaml(SSA3).unwrap();
    let result = apply(&info, Some(&scaled), &applied, &writer("alice", TIME), true).unwrap();
    let mut expected_entries = vec![apply_entry("alice", TIME, json!({"f:spec": {"f:replicas": {}}}))];
    expected_entries.extend(entries(&scaled).iter().filter(|e| e["manager"] != "kubectl").cloned());
    assert_eq!(result, live_with(&scaled, 5, Value::Array(expected_entries)));
}

/// A controller's status entry survives applies through the main resource, and an apply
/// through the status subresource leaves the main resource's managers alone.
#[test]
fn status_subresource_managers_and_main_resource_managers_keep_each_others_fields() {
    let info = info();
    let live = json_fixture(LIVE);
    let status_of = |name, time| Manager {
        subresource: Some("status"),
        reset_fields: &["spec", "metadata"],
        ..writer(name, time)
    };
    let mut with_status = live.clone();
    with_status["status"] = json!({"replicas": 3, "observedGeneration": 2});
    update(
        &info,
        Some(&live),
        &mut with_status,
        &status_of("kube-controller-manager", "2026-11-24T21:28:58Z"),
    )
    .unwrap();
    let before = managers(&with_status);
    assert_eq!(
        before,
        // Same second: by manager name.
        ["kube-controller-manager/Update/status", "kubectl-client-side-apply/Update", "kubectl/Update/scale"]
    );

    let applied = parse_yaml(SSA3).unwrap();
    let result = apply(&info, Some(&with_status), &applied, &writer("alice", TIME), true).unwrap();
    assert_eq!(
        managers(&result),
        ["alice/Apply", "kube-controller-manager/Update/status", "kubectl-client-side-apply/Update"]
    );
    assert_eq!(result["status"], with_status["status"]);

    // bob applies status (and, ignored there, spec) through the subresource.
    let status_config = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web3"},
        "spec": {"replicas": 9}, "status": {"replicas": 4, "readyReplicas": 4}});
    let bob = status_of("bob", "2026-11-24T21:29:00Z");
    let err = apply(&info, Some(&result), &status_config, &bob, false).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" with subresource \"status\" using apps/v1: .status.replicas"
    );
    let forced = apply(&info, Some(&result), &status_config, &bob, true).unwrap();
    assert_eq!(
        managers(&forced),
        [
            "alice/Apply",
            "bob/Apply/status",
            "kube-controller-manager/Update/status",
            "kubectl-client-side-apply/Update"
        ]
    );
    assert_eq!(
        entry(&forced, "bob", "Apply").unwrap()["fieldsV1"],
        json!({"f:status": {"f:readyReplicas": {}, "f:replicas": {}}})
    );
    assert_eq!(
        entry(&forced, "kube-controller-manager", "Update").unwrap()["fieldsV1"],
        json!({"f:status": {"f:observedGeneration": {}}})
    );
    for name in ["alice", "kubectl-client-side-apply"] {
        let operation = if name == "alice" { "Apply" } else { "Update" };
        assert_eq!(entry(&forced, name, operation), entry(&result, name, operation), "{name}");
    }
}

/// `kubectl apply --server-side` with its default field manager `kubectl` over the same object:
/// the scaled replicas still conflict (their live value is no longer the annotation's), a
/// forced apply takes only them, and the annotation follows the applied configuration.
#[test]
fn kubectl_field_manager_takes_only_what_it_applies_too() {
    let info = info();
    let live = json_fixture(LIVE);
    let mut applied = parse_yaml(SSA3).unwrap();
    let kubectl = writer("kubectl", TIME);
    let err = apply(&info, Some(&live), &applied, &kubectl, false).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"
    );

    let result = apply(&info, Some(&live), &applied, &kubectl, true).unwrap();
    let csa = entries(&live)[0].clone();
    let mut expected = live_with(
        &live,
        5,
        json!([apply_entry("kubectl", TIME, json!({"f:spec": {"f:replicas": {}}})), csa]),
    );
    expected["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = json!(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web3\",\"namespace\":\"demo\"},\"spec\":{\"replicas\":5}}\n"
    );
    assert_eq!(result, expected);

    // Without the scale, the replicas are still client-side apply's (live value = annotation's):
    // that conflict is forgiven, and client-side apply loses only them.
    let mut unscaled = live.clone();
    unscaled["spec"]["replicas"] = json!(2);
    unscaled["metadata"]["managedFields"] = json!([entries(&live)[0].clone()]);
    let mut csa_fields = entries(&live)[0]["fieldsV1"].clone();
    csa_fields["f:spec"].as_object_mut().unwrap().insert("f:replicas".into(), json!({}));
    unscaled["metadata"]["managedFields"][0]["fieldsV1"] = csa_fields;
    applied["spec"]["replicas"] = json!(4);
    let result = apply(&info, Some(&unscaled), &applied, &kubectl, false).unwrap();
    assert_eq!(managers(&result), ["kubectl/Apply", "kubectl-client-side-apply/Update"]);
    assert_eq!(
        entry(&result, "kubectl-client-side-apply", "Update").unwrap()["fieldsV1"],
        entries(&live)[0]["fieldsV1"]
    );
    assert_eq!(result["spec"]["replicas"], 4);
}
