//! The examples of the Kubernetes "Server-Side Apply" documentation
//! (kubernetes.io/docs/reference/using-api/server-side-apply), reproduced exactly.

// A test fails by panicking, so unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use concord_fieldmanager::{ApplyError, Manager, apply, update};
use concord_patch::Schema;
use serde_json::{Value, json};

fn manager<'a>(name: &'a str, api_version: &'a str, time: &'a str) -> Manager<'a> {
    Manager { name, api_version, time, ..Manager::default() }
}

fn test_cm(data: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "test-cm", "namespace": "default", "labels": {"test-label": "test"}},
        "data": {"key": data}})
}

/// "A simple example of an object created using Server-Side Apply".
#[test]
fn configmap_created_by_apply() {
    let info = Schema::builtin().for_object(&test_cm(""));
    let object =
        apply(&info, None, &test_cm("some value"), &manager("kubectl", "v1", "2010-10-10T00:00:00Z"), false)
            .unwrap();
    let mut expected = test_cm("some value");
    expected["metadata"]["managedFields"] = json!([{
        "manager": "kubectl",
        "operation": "Apply",
        "apiVersion": "v1",
        "time": "2010-10-10T00:00:00Z",
        "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": {"f:labels": {"f:test-label": {}}}, "f:data": {"f:key": {}}}
    }]);
    assert_eq!(object, expected);
    // kube-apiserver's byte order: entry fields in struct order, fieldsV1 keys sorted.
    assert_eq!(
        serde_json::to_string(&object["metadata"]["managedFields"]).unwrap(),
        r#"[{"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2010-10-10T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}}]"#
    );
}

/// "An example object with multiple managers": an update by kube-controller-manager changes
/// `data.key`, which moves its ownership; an apply of the old value then conflicts.
#[test]
fn configmap_with_two_managers() {
    let info = Schema::builtin().for_object(&test_cm(""));
    let applied = apply(
        &info,
        None,
        &test_cm("some value"),
        &manager("kubectl", "v1", "2019-03-30T15:00:00.000Z"),
        false,
    )
    .unwrap();
    let mut updated = applied.clone();
    updated["data"]["key"] = json!("new value");
    update(
        &info,
        Some(&applied),
        &mut updated,
        &manager("kube-controller-manager", "v1", "2019-03-30T16:00:00.000Z"),
    )
    .unwrap();

    let mut expected = test_cm("new value");
    expected["metadata"]["managedFields"] = json!([
        {"manager": "kubectl", "operation": "Apply", "apiVersion": "v1", "time": "2019-03-30T15:00:00Z",
         "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:test-label": {}}}}},
        {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
         "time": "2019-03-30T16:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:key": {}}}}
    ]);
    assert_eq!(updated, expected);

    // "If this update has instead been attempted using Server-Side Apply, the request would
    // have failed due to conflicting ownership."
    let err = apply(
        &info,
        Some(&updated),
        &test_cm("some value"),
        &manager("kubectl", "v1", "2019-03-30T17:00:00Z"),
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" using v1: .data.key"
    );
    assert_eq!(
        err.causes(),
        vec![
            json!({"reason": "FieldManagerConflict", "message": "conflict with \"kube-controller-manager\" using v1",
            "field": ".data.key"})
        ]
    );
}

/// "Transferring ownership": replicas handed from a user's configuration to the HPA through a
/// temporary manager, which disappears once the HPA writes the field.
#[test]
fn replicas_handed_over_to_the_hpa() {
    let deployment = |replicas: Option<u32>| {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}},
            "spec": {"selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}}});
        if let Some(r) = replicas {
            d["spec"]["replicas"] = json!(r);
        }
        d
    };
    let info = Schema::builtin().for_object(&deployment(None));
    let live = apply(
        &info,
        None,
        &deployment(Some(3)),
        &manager("kubectl", "apps/v1", "2026-01-01T00:00:00Z"),
        false,
    )
    .unwrap();

    // The replicas-only manifest, applied by a private manager: same value, shared ownership.
    let replicas_only = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "nginx-deployment"}, "spec": {"replicas": 3}});
    let live = apply(
        &info,
        Some(&live),
        &replicas_only,
        &manager("handover-to-hpa", "apps/v1", "2026-01-01T00:01:00Z"),
        false,
    )
    .unwrap();
    let owners = |object: &Value| -> Vec<String> {
        object["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["fieldsV1"]["f:spec"].get("f:replicas").is_some())
            .map(|e| e["manager"].as_str().unwrap().to_owned())
            .collect()
    };
    // The apply changed nothing, so kube-apiserver stamps no time on the new entry (which
    // therefore sorts first).
    assert_eq!(owners(&live), ["handover-to-hpa", "kubectl"]);
    assert_eq!(live["metadata"]["managedFields"][0].get("time"), None);

    // The user removes replicas from the configuration: the value stays, handover owns it.
    let live = apply(
        &info,
        Some(&live),
        &deployment(None),
        &manager("kubectl", "apps/v1", "2026-01-01T00:02:00Z"),
        false,
    )
    .unwrap();
    assert_eq!(live["spec"]["replicas"], 3);
    assert_eq!(owners(&live), ["handover-to-hpa"]);

    // The HPA sets replicas: the temporary manager owns nothing any more and is gone.
    let mut scaled = live.clone();
    scaled["spec"]["replicas"] = json!(5);
    update(
        &info,
        Some(&live),
        &mut scaled,
        &manager("kube-controller-manager", "apps/v1", "2026-01-01T00:03:00Z"),
    )
    .unwrap();
    let managers: Vec<&str> = scaled["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["manager"].as_str().unwrap())
        .collect();
    assert_eq!(managers, ["kubectl", "kube-controller-manager"]);
    assert_eq!(owners(&scaled), ["kube-controller-manager"]);
}

/// "Clearing managedFields": a list of one empty entry (or an empty list) strips them, and the
/// object stays untracked by further updates.
#[test]
fn clearing_managed_fields() {
    let info = Schema::builtin().for_object(&test_cm(""));
    let live =
        apply(&info, None, &test_cm("a"), &manager("kubectl", "v1", "2026-01-01T00:00:00Z"), false).unwrap();
    for reset in [json!([{}]), json!([])] {
        let mut cleared = live.clone();
        cleared["metadata"]["managedFields"] = reset;
        update(&info, Some(&live), &mut cleared, &manager("kubectl-patch", "v1", "2026-01-01T00:01:00Z"))
            .unwrap();
        assert_eq!(cleared, test_cm("a"));

        let mut next = cleared.clone();
        next["data"]["key"] = json!("b");
        update(&info, Some(&cleared), &mut next, &manager("kubectl-edit", "v1", "2026-01-01T00:02:00Z"))
            .unwrap();
        assert_eq!(next.pointer("/metadata/managedFields"), None);
    }
}

/// "Upgrading from client-side apply to server-side apply": with the field manager `kubectl`,
/// fields client-side apply still owns (per its annotation) transfer without conflicts; a field
/// someone else changed since (the documentation's `kubectl scale`) conflicts; another field
/// manager opts out and conflicts.
#[test]
fn upgrade_from_client_side_apply() {
    let config = |replicas: u32| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}})
    };
    let info = Schema::builtin().for_object(&config(1));
    // `kubectl apply` (client-side) creates the object with its annotation.
    let mut live = config(3);
    live["metadata"]["annotations"] = json!({
        "kubectl.kubernetes.io/last-applied-configuration": format!("{}\n", serde_json::to_string(&config(3)).unwrap())
    });
    update(&info, None, &mut live, &manager("kubectl-client-side-apply", "apps/v1", "2026-01-01T00:00:00Z"))
        .unwrap();

    // `kubectl apply --server-side` with a new replica count: no conflict.
    let upgraded =
        apply(&info, Some(&live), &config(5), &manager("kubectl", "apps/v1", "2026-01-01T00:01:00Z"), false)
            .unwrap();
    assert_eq!(upgraded["spec"]["replicas"], 5);
    let entries = upgraded["metadata"]["managedFields"].as_array().unwrap();
    assert_eq!(entries[0]["manager"], "kubectl");
    assert_eq!(entries[0]["fieldsV1"]["f:spec"]["f:replicas"], json!({}));
    assert_eq!(entries[1]["manager"], "kubectl-client-side-apply");
    assert_eq!(entries[1]["fieldsV1"]["f:spec"].get("f:replicas"), None);
    // The annotation follows the applied configuration, for a later downgrade.
    let annotation = upgraded["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
        .as_str()
        .unwrap();
    assert_eq!(serde_json::from_str::<Value>(annotation).unwrap(), config(5));
    assert!(annotation.ends_with("}\n"));

    // Another field manager does not get that treatment.
    let err = apply(
        &info,
        Some(&live),
        &config(5),
        &manager("my-manager", "apps/v1", "2026-01-01T00:01:00Z"),
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"
    );

    // Someone scaled the Deployment after the client-side apply: that conflicts even for kubectl.
    let mut scaled = live.clone();
    scaled["spec"]["replicas"] = json!(4);
    update(&info, Some(&live), &mut scaled, &manager("kubectl-scale", "apps/v1", "2026-01-01T00:02:00Z"))
        .unwrap();
    let err = apply(
        &info,
        Some(&scaled),
        &config(5),
        &manager("kubectl", "apps/v1", "2026-01-01T00:03:00Z"),
        false,
    )
    .unwrap_err();
    assert!(
        matches!(&err, ApplyError::Conflicts(c) if c.len() == 1 && c[0].manager == "kubectl-scale"),
        "{err:?}"
    );
}
