//! Sequences of writes by several managers, checked against what kube-apiserver does.

// A test fails by panicking, so unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use concord_fieldmanager::{ApplyError, Manager, Operation, apply, update};
use concord_patch::schema::{PatchFormat, TypeInfo};
use concord_patch::{Gvk, Schema};
use serde_json::{Value, json};

const T0: &str = "2026-11-24T10:00:00Z";
const T1: &str = "2026-11-24T10:01:00Z";
const T2: &str = "2026-11-24T10:02:00Z";
const T3: &str = "2026-11-24T10:03:00Z";

fn at<'a>(name: &'a str, time: &'a str) -> Manager<'a> {
    Manager { name, api_version: "apps/v1", time, ..Manager::default() }
}

fn deployment_info() -> TypeInfo<'static> {
    Schema::builtin().for_kind(&Gvk::from_api_version("apps/v1", "Deployment"))
}

fn deployment(spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": spec})
}

/// The `fieldsV1` of one manager's entry.
fn fields_of<'v>(object: &'v Value, manager: &str, operation: &str) -> &'v Value {
    object["metadata"]["managedFields"]
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["manager"] == manager && e["operation"] == operation))
        .map(|e| &e["fieldsV1"])
        .unwrap_or(&Value::Null)
}

fn managers(object: &Value) -> Vec<String> {
    object["metadata"]["managedFields"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| format!("{}/{}", e["manager"].as_str().unwrap(), e["operation"].as_str().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

fn conflicts(err: ApplyError) -> Vec<(String, String)> {
    match err {
        ApplyError::Conflicts(c) => c.into_iter().map(|c| (c.manager, c.field)).collect(),
        other => panic!("expected conflicts, got {other:?}"),
    }
}

#[test]
fn update_on_create_owns_everything_set_and_later_updates_move_what_they_change() {
    let info = deployment_info();
    let mut created = deployment(json!({"replicas": 1, "paused": false}));
    created["metadata"]["labels"] = json!({"app": "web"});
    update(&info, None, &mut created, &at("kubectl-create", T0)).unwrap();
    assert_eq!(
        created["metadata"]["managedFields"],
        json!([{"manager": "kubectl-create", "operation": "Update", "apiVersion": "apps/v1", "time": T0,
            "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {".": {}, "f:paused": {}, "f:replicas": {}}}}])
    );

    let mut scaled = created.clone();
    scaled["spec"]["replicas"] = json!(4);
    scaled["metadata"]["labels"] = json!({});
    update(&info, Some(&created), &mut scaled, &at("hpa", T1)).unwrap();
    assert_eq!(
        fields_of(&scaled, "kubectl-create", "Update"),
        &json!({"f:metadata": {"f:labels": {}}, "f:spec": {".": {}, "f:paused": {}}})
    );
    assert_eq!(fields_of(&scaled, "hpa", "Update"), &json!({"f:spec": {"f:replicas": {}}}));
    assert_eq!(managers(&scaled), ["kubectl-create/Update", "hpa/Update"]);
}

#[test]
fn times_move_only_for_entries_that_gained_fields() {
    let info = deployment_info();
    let mut v1 = deployment(json!({"replicas": 1}));
    update(&info, None, &mut v1, &at("a", T0)).unwrap();
    let mut v2 = v1.clone();
    v2["spec"]["paused"] = json!(true);
    update(&info, Some(&v1), &mut v2, &at("b", T1)).unwrap();
    // A write that changes nothing leaves every entry as it was.
    let mut v3 = v2.clone();
    update(&info, Some(&v2), &mut v3, &at("a", T2)).unwrap();
    assert_eq!(v3, v2);
    let times: Vec<&str> = v3["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["time"].as_str().unwrap())
        .collect();
    assert_eq!(times, [T0, T1]);
    // Only server-set metadata changed: nothing to track.
    let mut v4 = v3.clone();
    v4["metadata"]["resourceVersion"] = json!("42");
    v4["metadata"]["generation"] = json!(2);
    update(&info, Some(&v3), &mut v4, &at("c", T3)).unwrap();
    assert_eq!(managers(&v4), ["a/Update", "b/Update"]);
}

#[test]
fn apply_conflicts_force_and_shared_ownership() {
    let info = deployment_info();
    let mut live = deployment(json!({"replicas": 3, "paused": false}));
    update(&info, None, &mut live, &at("kubectl-client-side-apply", T0)).unwrap();

    // Same value: shared, no conflict.
    let same = deployment(json!({"paused": false}));
    let shared = apply(&info, Some(&live), &same, &at("ops", T1), false).unwrap();
    assert_eq!(fields_of(&shared, "ops", "Apply"), &json!({"f:spec": {"f:paused": {}}}));
    assert_eq!(fields_of(&shared, "kubectl-client-side-apply", "Update")["f:spec"]["f:paused"], json!({}));

    // Different value: conflict, then force moves ownership.
    let changed = deployment(json!({"replicas": 5, "paused": false}));
    let err = apply(&info, Some(&shared), &changed, &at("ops", T2), false).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"
    );
    let forced = apply(&info, Some(&shared), &changed, &at("ops", T2), true).unwrap();
    assert_eq!(forced["spec"]["replicas"], 5);
    assert_eq!(fields_of(&forced, "ops", "Apply"), &json!({"f:spec": {"f:paused": {}, "f:replicas": {}}}));
    assert_eq!(
        fields_of(&forced, "kubectl-client-side-apply", "Update"),
        &json!({"f:spec": {".": {}, "f:paused": {}}})
    );

    // A shared field changed by one of its owners conflicts with the other.
    let unpause = deployment(json!({"replicas": 5, "paused": true}));
    let err = apply(&info, Some(&forced), &unpause, &at("ops", T3), false).unwrap_err();
    assert_eq!(conflicts(err), [("kubectl-client-side-apply".to_owned(), ".spec.paused".to_owned())]);
}

#[test]
fn reapplying_without_a_field_removes_it_unless_someone_else_owns_it() {
    let info = deployment_info();
    let labelled = |labels: Value| {
        let mut d = deployment(json!({"replicas": 1}));
        d["metadata"]["labels"] = labels;
        d
    };
    let live =
        apply(&info, None, &labelled(json!({"app": "web", "tier": "front"})), &at("ops", T0), false).unwrap();
    // An updater also sets `app` (to the same value: nothing changes, so it owns nothing)...
    let mut touched = live.clone();
    touched["metadata"]["labels"]["team"] = json!("a");
    update(&info, Some(&live), &mut touched, &at("labeller", T1)).unwrap();

    // ...so dropping `tier` from the configuration deletes it, while `team` (the updater's)
    // stays untouched.
    let pruned =
        apply(&info, Some(&touched), &labelled(json!({"app": "web"})), &at("ops", T2), false).unwrap();
    assert_eq!(pruned["metadata"]["labels"], json!({"app": "web", "team": "a"}));
    assert_eq!(
        fields_of(&pruned, "ops", "Apply"),
        &json!({"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:replicas": {}}})
    );

    // A label another applier also applied stays when one of them lets go.
    let both =
        apply(&info, Some(&pruned), &labelled(json!({"app": "web"})), &at("other", T2), false).unwrap();
    let after =
        apply(&info, Some(&both), &deployment(json!({"replicas": 1})), &at("ops", T3), false).unwrap();
    assert_eq!(after["metadata"]["labels"], json!({"app": "web", "team": "a"}));

    // Dropping every label: the map goes too.
    let gone =
        apply(&info, Some(&pruned), &deployment(json!({"replicas": 1})), &at("ops", T3), false).unwrap();
    assert_eq!(gone["metadata"]["labels"], json!({"team": "a"}));
    let mut solo = apply(&info, None, &labelled(json!({"x": "1"})), &at("ops", T0), false).unwrap();
    solo = apply(&info, Some(&solo), &deployment(json!({"replicas": 1})), &at("ops", T1), false).unwrap();
    assert_eq!(solo["metadata"].get("labels"), None);
}

fn with_containers(containers: Value) -> Value {
    deployment(json!({"template": {"spec": {"containers": containers}}}))
}

#[test]
fn keyed_lists_merge_per_element() {
    let info = deployment_info();
    let live = apply(
        &info,
        None,
        &with_containers(json!([{"name": "a", "image": "a:1", "ports": [{"containerPort": 80}]},
            {"name": "b", "image": "b:1"}])),
        &at("ops", T0),
        false,
    )
    .unwrap();
    assert_eq!(
        fields_of(&live, "ops", "Apply")["f:spec"]["f:template"]["f:spec"]["f:containers"],
        json!({
            "k:{\"name\":\"a\"}": {".": {}, "f:image": {}, "f:name": {},
                "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}}},
            "k:{\"name\":\"b\"}": {".": {}, "f:image": {}, "f:name": {}}
        })
    );

    // Another applier adds a sidecar and sets a's image to the same value: no conflict.
    let sidecar = apply(
        &info,
        Some(&live),
        &with_containers(json!([{"name": "a", "image": "a:1"}, {"name": "sidecar", "image": "s:1"}])),
        &at("mesh", T1),
        false,
    )
    .unwrap();
    let names = |o: &Value| -> Vec<String> {
        o["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&sidecar), ["a", "b", "sidecar"]);

    // The first applier drops b and a's port: b goes, the port goes, a stays (mesh owns it too).
    let dropped = apply(
        &info,
        Some(&sidecar),
        &with_containers(json!([{"name": "x", "image": "x:1"}])),
        &at("ops", T2),
        false,
    )
    .unwrap();
    assert_eq!(names(&dropped), ["a", "sidecar", "x"]);
    let a = &dropped["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(a, &json!({"name": "a", "image": "a:1"}));

    // Changing an element field another applier owns conflicts at the element's path.
    let err = apply(
        &info,
        Some(&dropped),
        &with_containers(json!([{"name": "a", "image": "a:2"}])),
        &at("ops", T3),
        false,
    )
    .unwrap_err();
    assert_eq!(
        conflicts(err),
        [("mesh".to_owned(), r#".spec.template.spec.containers[name="a"].image"#.to_owned())]
    );
}

#[test]
fn atomic_lists_and_maps_are_owned_whole() {
    let info = deployment_info();
    let live = apply(
        &info,
        None,
        &deployment(json!({"selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "c", "args": ["x"]}]}}})),
        &at("ops", T0),
        false,
    )
    .unwrap();
    let spec = &fields_of(&live, "ops", "Apply")["f:spec"];
    assert_eq!(spec["f:selector"], json!({}));
    assert_eq!(spec["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"]["f:args"], json!({}));

    let err = apply(
        &info,
        Some(&live),
        &deployment(json!({"template": {"spec": {"containers": [{"name": "c", "args": ["x", "y"]}]}}})),
        &at("other", T1),
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"ops\": .spec.template.spec.containers[name=\"c\"].args"
    );
    let err = apply(
        &info,
        Some(&live),
        &deployment(json!({"selector": {"matchLabels": {"app": "api"}}})),
        &at("other", T1),
        false,
    )
    .unwrap_err();
    assert_eq!(conflicts(err), [("ops".to_owned(), ".spec.selector".to_owned())]);
}

#[test]
fn sets_merge_per_value() {
    let info = Schema::builtin().for_kind(&Gvk::from_api_version("v1", "ConfigMap"));
    let cm = |finalizers: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": finalizers}});
    let core = |name, time| Manager { name, api_version: "v1", time, ..Manager::default() };
    let live = apply(&info, None, &cm(json!(["a.example/x"])), &core("a", T0), false).unwrap();
    let live = apply(&info, Some(&live), &cm(json!(["b.example/y"])), &core("b", T1), false).unwrap();
    assert_eq!(live["metadata"]["finalizers"], json!(["a.example/x", "b.example/y"]));
    assert_eq!(
        fields_of(&live, "a", "Apply"),
        &json!({"f:metadata": {"f:finalizers": {"v:\"a.example/x\"": {}}}})
    );
    let live = apply(&info, Some(&live), &cm(json!([])), &core("a", T2), false).unwrap();
    assert_eq!(live["metadata"]["finalizers"], json!(["b.example/y"]));
    assert_eq!(managers(&live), ["b/Apply"]);
}

#[test]
fn service_ports_are_keyed_by_port_and_protocol_and_the_selector_is_atomic() {
    let info = Schema::builtin().for_kind(&Gvk::from_api_version("v1", "Service"));
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080},
            {"port": 53, "protocol": "UDP"}]}});
    let live = apply(
        &info,
        None,
        &svc,
        &Manager { name: "ops", api_version: "v1", time: T0, ..Manager::default() },
        false,
    )
    .unwrap();
    assert_eq!(
        fields_of(&live, "ops", "Apply"),
        &json!({"f:spec": {"f:ports": {
            "k:{\"port\":53,\"protocol\":\"UDP\"}": {".": {}, "f:port": {}, "f:protocol": {}},
            "k:{\"port\":80,\"protocol\":\"TCP\"}": {".": {}, "f:port": {}, "f:targetPort": {}}},
            "f:selector": {}}})
    );
    assert_eq!(
        serde_json::to_string(&fields_of(&live, "ops", "Apply")["f:spec"]["f:ports"]).unwrap(),
        r#"{"k:{\"port\":53,\"protocol\":\"UDP\"}":{".":{},"f:port":{},"f:protocol":{}},"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:targetPort":{}}}"#
    );
}

#[test]
fn status_is_tracked_through_its_subresource_only() {
    let info = deployment_info();
    let main = |name, time| Manager { reset_fields: &["status"], ..at(name, time) };
    let status = |name, time| Manager {
        subresource: Some("status"),
        reset_fields: &["spec", "metadata.labels"],
        ..at(name, time)
    };

    // An apply through the main resource never owns status.
    let mut config = deployment(json!({"replicas": 2}));
    config["status"] = json!({"replicas": 7});
    let live = apply(&info, None, &config, &main("ops", T0), false).unwrap();
    assert_eq!(fields_of(&live, "ops", "Apply"), &json!({"f:spec": {"f:replicas": {}}}));

    // The controller writes status through the subresource.
    let mut with_status = live.clone();
    with_status["status"] = json!({"replicas": 2, "readyReplicas": 2});
    update(&info, Some(&live), &mut with_status, &status("kube-controller-manager", T1)).unwrap();
    let entry = with_status["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manager"] == "kube-controller-manager")
        .unwrap();
    assert_eq!(entry["subresource"], "status");
    assert_eq!(entry["fieldsV1"], json!({"f:status": {"f:readyReplicas": {}, "f:replicas": {}}}));

    // Through the subresource, managedFields sent with the write are ignored.
    let mut sneaky = with_status.clone();
    sneaky["metadata"]["managedFields"] = json!([]);
    sneaky["status"]["readyReplicas"] = json!(1);
    update(&info, Some(&with_status), &mut sneaky, &status("kube-controller-manager", T2)).unwrap();
    assert_eq!(managers(&sneaky), ["ops/Apply", "kube-controller-manager/Update"]);

    // An apply to status conflicts with the subresource's updater, named as such.
    let err = apply(
        &info,
        Some(&sneaky),
        &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "status": {"replicas": 9}}),
        &status("someone", T3),
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" with subresource \"status\" using apps/v1: .status.replicas"
    );
    match err {
        ApplyError::Conflicts(c) => {
            assert_eq!((c[0].operation, c[0].subresource.as_deref()), (Operation::Update, Some("status")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn managed_fields_sent_with_an_update() {
    let info = deployment_info();
    let mut live = deployment(json!({"replicas": 1}));
    update(&info, None, &mut live, &at("a", T0)).unwrap();
    let mut live2 = live.clone();
    live2["spec"]["paused"] = json!(true);
    update(&info, Some(&live), &mut live2, &at("b", T1)).unwrap();

    // Valid entries replace the live ones (here: dropping b's).
    let mut edited = live2.clone();
    edited["metadata"]["managedFields"] = json!([live2["metadata"]["managedFields"][0].clone()]);
    update(&info, Some(&live2), &mut edited, &at("editor", T2)).unwrap();
    assert_eq!(managers(&edited), ["a/Update"]);

    // Invalid ones are ignored: the live ones stay.
    let mut garbage = live2.clone();
    garbage["metadata"]["managedFields"] =
        json!([{"manager": "x", "operation": "Patch", "apiVersion": "v1", "fieldsType": "FieldsV1"}]);
    update(&info, Some(&live2), &mut garbage, &at("editor", T2)).unwrap();
    assert_eq!(garbage, live2);

    // Creating with managedFields: they are read, but the creator changed every field there is,
    // so it ends up owning them all.
    let mut imported = live2.clone();
    imported["spec"]["minReadySeconds"] = json!(5);
    update(&info, None, &mut imported, &at("importer", T3)).unwrap();
    assert_eq!(managers(&imported), ["importer/Update"]);
    assert_eq!(
        fields_of(&imported, "importer", "Update"),
        &json!({"f:spec": {".": {}, "f:minReadySeconds": {}, "f:paused": {}, "f:replicas": {}}})
    );
}

#[test]
fn an_untracked_object_is_first_owned_by_before_first_apply() {
    let info = deployment_info();
    let live = deployment(json!({"replicas": 1, "paused": false}));
    let err =
        apply(&info, Some(&live), &deployment(json!({"replicas": 2})), &at("ops", T0), false).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas"
    );
    let taken = apply(&info, Some(&live), &deployment(json!({"replicas": 2})), &at("ops", T0), true).unwrap();
    assert_eq!(managers(&taken), ["ops/Apply", "before-first-apply/Update"]);
    // The stand-in compares the object with an empty one, so `spec` itself is its too (kube's
    // Go zero value has an empty `spec` already; see the crate's known differences).
    assert_eq!(
        fields_of(&taken, "before-first-apply", "Update"),
        &json!({"f:spec": {".": {}, "f:paused": {}}})
    );
}

#[test]
fn conflicts_with_several_managers() {
    let info = deployment_info();
    let mut live = deployment(json!({"replicas": 1, "paused": false, "minReadySeconds": 0}));
    update(&info, None, &mut live, &at("zeta", T0)).unwrap();
    let live = apply(&info, Some(&live), &deployment(json!({"minReadySeconds": 0})), &at("alpha", T1), false)
        .unwrap();
    let err = apply(
        &info,
        Some(&live),
        &deployment(json!({"replicas": 2, "paused": true, "minReadySeconds": 3})),
        &at("ops", T2),
        false,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 4 conflicts: conflicts with \"alpha\":\n- .spec.minReadySeconds\nconflicts with \"zeta\" using apps/v1:\n- .spec.minReadySeconds\n- .spec.paused\n- .spec.replicas"
    );
    assert_eq!(err.causes().len(), 4);
    assert_eq!(err.causes()[0]["message"], "conflict with \"alpha\"");
}

#[test]
fn invalid_applies_are_refused_with_kube_messages() {
    let info = deployment_info();
    let live = apply(&info, None, &deployment(json!({"replicas": 1})), &at("ops", T0), false).unwrap();
    let invalid = |config: Value| match apply(&info, Some(&live), &config, &at("ops", T1), false) {
        Err(ApplyError::Invalid(message)) => message,
        other => panic!("expected Invalid, got {other:?}"),
    };
    assert_eq!(invalid(json!("text")), "the applied configuration is not an object");
    let mut wrong_version = deployment(json!({}));
    wrong_version["apiVersion"] = json!("apps/v2");
    assert_eq!(invalid(wrong_version), "invalid object type: apps/v2, Kind=Deployment");
    assert_eq!(invalid(json!({"kind": "Deployment"})), "invalid object type: /, Kind=Deployment");
    let mut wrong_kind = deployment(json!({}));
    wrong_kind["kind"] = json!("StatefulSet");
    assert_eq!(invalid(wrong_kind), "invalid object type: apps/v1, Kind=StatefulSet");
    let mut renamed = deployment(json!({}));
    renamed["metadata"]["name"] = json!("other");
    assert_eq!(invalid(renamed), "the name of the object (other) does not match the name on the URL (web)");
    let mut managed = deployment(json!({}));
    managed["metadata"]["managedFields"] = json!([]);
    assert_eq!(invalid(managed), "metadata.managedFields must be nil");
    assert_eq!(
        invalid(with_containers(json!([{"name": "a"}, {"name": "a"}]))),
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name=\"a\"]"
    );
    let mut bad = deployment(json!({"template": []}));
    bad["metadata"]["finalizers"] = json!([{"n": 1}]);
    assert_eq!(
        invalid(bad),
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n  .metadata.finalizers: element 0: associative list without keys has an element that's a map type\n  .spec.template: expected map, got []"
    );
}

#[test]
fn untyped_objects_use_the_deduced_schema() {
    let info = TypeInfo::untyped(PatchFormat::Merge);
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "labels": {"a": "1"}},
        "spec": {"config": {"x": 1}, "list": [1, 2]}});
    let manager = Manager { name: "ops", api_version: "example.com/v1", time: T0, ..Manager::default() };
    let live = apply(&info, None, &widget, &manager, false).unwrap();
    assert_eq!(
        fields_of(&live, "ops", "Apply"),
        &json!({"f:metadata": {"f:labels": {".": {}, "f:a": {}}},
            "f:spec": {".": {}, "f:config": {".": {}, "f:x": {}}, "f:list": {}}})
    );
    // Maps merge, lists are replaced whole.
    let other = Manager { name: "other", ..manager };
    let patch = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"config": {"y": 2}}});
    let merged = apply(&info, Some(&live), &patch, &other, false).unwrap();
    assert_eq!(merged["spec"], json!({"config": {"x": 1, "y": 2}, "list": [1, 2]}));
}

#[test]
fn at_most_ten_update_entries_are_kept() {
    let info = deployment_info();
    let mut live = deployment(json!({}));
    let names: Vec<String> = (0..12).map(|i| format!("writer-{i:02}")).collect();
    let times: Vec<String> = (0..12).map(|i| format!("2026-11-24T10:{i:02}:00Z")).collect();
    update(&info, None, &mut live, &at("creator", "2026-11-24T09:00:00Z")).unwrap();
    for (i, (name, time)) in names.iter().zip(&times).enumerate() {
        let mut next = live.clone();
        next["metadata"]["annotations"] = json!({});
        next["metadata"]["annotations"][format!("a{i}")] = json!("x");
        for j in 0..i {
            next["metadata"]["annotations"][format!("a{j}")] = json!("x");
        }
        update(&info, Some(&live), &mut next, &at(name, time)).unwrap();
        live = next;
    }
    let entries = managers(&live);
    assert_eq!(entries.len(), 10, "{entries:?}");
    assert_eq!(entries[0], "ancient-changes/Update");
    assert!(
        !entries.contains(&"creator/Update".to_owned()) && !entries.contains(&"writer-00/Update".to_owned())
    );
}

#[test]
fn errors_leave_the_live_managed_fields() {
    let info = deployment_info();
    let mut live = deployment(json!({"replicas": 1}));
    update(&info, None, &mut live, &at("a", T0)).unwrap();
    let mut next = live.clone();
    next["spec"]["replicas"] = json!(2);
    next["metadata"]["managedFields"] = json!([]);
    assert!(update(&info, Some(&live), &mut next, &at("b", "yesterday")).is_err());
    assert_eq!(next["metadata"]["managedFields"], live["metadata"]["managedFields"]);

    let mut deep = json!(1);
    for _ in 0..300 {
        deep = json!({"x": deep});
    }
    let mut too_deep = live.clone();
    too_deep["spec"]["template"] = deep.clone();
    assert!(update(&info, Some(&live), &mut too_deep, &at("b", T1)).is_err());
    assert_eq!(too_deep["metadata"]["managedFields"], live["metadata"]["managedFields"]);
    let mut config = deployment(json!({}));
    config["spec"]["template"] = deep;
    assert!(matches!(apply(&info, Some(&live), &config, &at("b", T1), false), Err(ApplyError::Invalid(_))));
    assert!(update(&info, None, &mut json!([]), &at("b", T1)).is_err());
}
