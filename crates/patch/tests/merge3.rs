//! The editor merge beyond the shared scenarios: keyed lists, sets, atomic lists, resolutions,
//! identity and deletion, and the patch it yields.

mod common;

use common::{pod_schema, yaml};
use concord_patch::merge3::{Conflict, GoneReason, Merge3, Outcome, Side, merge3};
use concord_patch::{Gvk, PatchError, PatchFormat, TypeInfo};
use serde_json::{Value, json};

fn doc(body: &str) -> Value {
    let mut v = yaml(body);
    let object = v.as_object_mut().expect("object");
    object.insert("apiVersion".into(), json!("v1"));
    object.insert("kind".into(), json!("Pod"));
    let meta = object.entry("metadata").or_insert_with(|| json!({}));
    meta["name"] = json!("p");
    v
}

fn run(base: &str, theirs: &str, mine: &str) -> Outcome {
    let schema = pod_schema();
    let info = schema.for_kind(&Gvk::from_api_version("v1", "Pod"));
    merge3(&doc(base), &doc(theirs), &doc(mine), &info).expect("merge runs")
}

fn merged(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Merged { object, .. } => object,
        other => panic!("expected a merge, got {other:?}"),
    }
}

fn conflicts(outcome: Outcome) -> Vec<Conflict> {
    match outcome {
        Outcome::Conflicts(c) => c,
        other => panic!("expected conflicts, got {other:?}"),
    }
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().expect("list").iter().map(|e| e["name"].as_str().expect("name")).collect()
}

#[test]
fn removed_element_against_modified_element_conflicts_by_key() {
    let c = conflicts(run(
        "spec: {containers: [{name: app, image: a:1}, {name: side, image: s:1}]}",
        "spec: {containers: [{name: app, image: a:1}]}",
        "spec: {containers: [{name: app, image: a:1}, {name: side, image: s:2}]}",
    ));
    assert_eq!(
        c,
        vec![Conflict {
            path: "/spec/containers/name=side".into(),
            base: Some(json!({"name": "side", "image": "s:1"})),
            theirs: None,
            mine: Some(json!({"name": "side", "image": "s:2"})),
        }]
    );
}

#[test]
fn elements_added_on_both_sides_are_all_kept() {
    let base = "spec: {containers: [{name: app}]}";
    let theirs = "spec: {containers: [{name: app}, {name: b}]}";
    let mine = "spec: {containers: [{name: app}, {name: a}, {name: c}]}";
    let one = merged(run(base, theirs, mine));
    let other = merged(run(base, mine, theirs));
    assert_eq!(names(&one["spec"]["containers"]), ["app", "a", "b", "c"]);
    assert_eq!(one, other, "the result does not depend on who saved first");
}

#[test]
fn an_element_deleted_on_one_side_and_untouched_on_the_other_stays_deleted() {
    let result = merged(run(
        "spec: {containers: [{name: app, env: [{name: A}, {name: B}]}]}",
        "spec: {containers: [{name: app, env: [{name: A}]}]}",
        "spec: {containers: [{name: app, image: new, env: [{name: A}, {name: B}]}]}",
    ));
    assert_eq!(
        result["spec"]["containers"],
        json!([{"name": "app", "env": [{"name": "A"}], "image": "new"}])
    );
}

#[test]
fn multi_key_elements_are_addressed_by_all_keys() {
    let c = conflicts(run(
        "spec: {containers: [{name: app, ports: [{containerPort: 80, protocol: TCP, name: a}]}]}",
        "spec: {containers: [{name: app, ports: [{containerPort: 80, protocol: TCP, name: b}]}]}",
        "spec: {containers: [{name: app, ports: [{containerPort: 80, protocol: TCP, name: c}]}]}",
    ));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].path, "/spec/containers/name=app/ports/containerPort=80,protocol=TCP/name");
}

#[test]
fn sets_combine_and_never_conflict() {
    let result = merged(run(
        "metadata: {finalizers: [a, b, c]}",
        "metadata: {finalizers: [a, c, d]}",
        "metadata: {finalizers: [a, b, e]}",
    ));
    assert_eq!(result["metadata"]["finalizers"], json!(["a", "d", "e"]));
}

#[test]
fn atomic_lists_conflict_unless_changed_alike() {
    let c = conflicts(run(
        "spec: {tolerations: [{key: a}]}",
        "spec: {tolerations: [{key: b}]}",
        "spec: {tolerations: [{key: c}]}",
    ));
    assert_eq!(c[0].path, "/spec/tolerations");
    let result = merged(run(
        "spec: {tolerations: [{key: a}]}",
        "spec: {tolerations: [{key: b}]}",
        "spec: {tolerations: [{key: b}]}",
    ));
    assert_eq!(result["spec"]["tolerations"], json!([{"key": "b"}]));
}

#[test]
fn duplicate_keys_make_a_list_atomic() {
    let c = conflicts(run(
        "spec: {containers: [{name: a, env: [{name: X, value: '1'}, {name: X, value: '2'}]}]}",
        "spec: {containers: [{name: a, env: [{name: X, value: '1'}]}]}",
        "spec: {containers: [{name: a, env: [{name: X, value: '3'}, {name: X, value: '2'}]}]}",
    ));
    assert_eq!(c[0].path, "/spec/containers/name=a/env");
}

#[test]
fn one_sides_reordering_is_kept_with_the_others_edits() {
    let result = merged(run(
        "spec: {containers: [{name: a}, {name: b}, {name: c}]}",
        "spec: {containers: [{name: c}, {name: a}, {name: b}]}",
        "spec: {containers: [{name: a, image: x}, {name: b}, {name: c}, {name: d}]}",
    ));
    assert_eq!(names(&result["spec"]["containers"]), ["c", "a", "b", "d"]);
    assert_eq!(result["spec"]["containers"][1]["image"], json!("x"));
    let c = conflicts(run(
        "spec: {containers: [{name: a}, {name: b}, {name: c}]}",
        "spec: {containers: [{name: c}, {name: a}, {name: b}]}",
        "spec: {containers: [{name: b}, {name: a}, {name: c}]}",
    ));
    assert_eq!(c[0].path, "/spec/containers");
}

#[test]
fn resolutions_pick_a_side_per_field() {
    let schema = pod_schema();
    let info = schema.for_kind(&Gvk::from_api_version("v1", "Pod"));
    let base = doc("spec: {containers: [{name: app, image: a:1}]}\nmetadata: {labels: {x: '1'}}");
    let theirs = doc("spec: {containers: [{name: app, image: a:2}]}\nmetadata: {labels: {x: '2'}}");
    let mine = doc("spec: {containers: [{name: app, image: a:3}]}\nmetadata: {labels: {x: '3', y: '1'}}");
    let outcome = Merge3::new(&info)
        .resolve("/spec/containers/name=app/image", Side::Mine)
        .resolve("/metadata/labels/x", Side::Theirs)
        .run(&base, Some(&theirs), &mine)
        .unwrap();
    let Outcome::Merged { object, patch, .. } = outcome else { panic!("resolved merge") };
    assert_eq!(object["spec"]["containers"][0]["image"], json!("a:3"));
    assert_eq!(object["metadata"]["labels"], json!({"x": "2", "y": "1"}));
    // The patch carries only what changes on the live object.
    assert_eq!(
        patch,
        json!({"metadata": {"labels": {"y": "1"}}, "spec": {"containers": [{"name": "app", "image": "a:3"}],
            "$setElementOrder/containers": [{"name": "app"}]}})
    );
}

#[test]
fn identity_changes_are_refused_and_vanished_objects_reported() {
    let schema = pod_schema();
    let info = schema.for_kind(&Gvk::from_api_version("v1", "Pod"));
    let base = doc("metadata: {uid: u1}");
    let mut renamed = base.clone();
    renamed["metadata"]["name"] = json!("q");
    assert_eq!(
        merge3(&base, &base, &renamed, &info),
        Err(PatchError::IdentityChanged { field: "metadata.name" })
    );
    let mut replaced = base.clone();
    replaced["metadata"]["uid"] = json!("u2");
    assert_eq!(merge3(&base, &replaced, &base, &info), Ok(Outcome::Gone(GoneReason::Replaced)));
    assert_eq!(Merge3::new(&info).run(&base, None, &base), Ok(Outcome::Gone(GoneReason::Deleted)));
}

#[test]
fn custom_resources_get_a_merge_patch() {
    let info = TypeInfo::untyped(PatchFormat::Merge);
    let base = json!({"apiVersion": "example.com/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"a": 1, "b": [1]}});
    let mut theirs = base.clone();
    theirs["spec"]["a"] = json!(2);
    let mut mine = base.clone();
    mine["spec"]["b"] = json!([1, 2]);
    let Outcome::Merged { object, patch, .. } = merge3(&base, &theirs, &mine, &info).unwrap() else {
        panic!("merge")
    };
    assert_eq!(object["spec"], json!({"a": 2, "b": [1, 2]}));
    assert_eq!(patch, json!({"spec": {"b": [1, 2]}}));
}

#[test]
fn conflicts_serialize_without_absent_sides() {
    let c = Conflict { path: "/a".into(), base: Some(json!(1)), theirs: None, mine: Some(json!(2)) };
    assert_eq!(serde_json::to_value(&c).unwrap(), json!({"path": "/a", "base": 1, "mine": 2}));
}

#[test]
fn custom_resource_lists_follow_their_schemas_list_type() {
    let crd = yaml(
        "
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gateways.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gateways, singular: gateway, kind: Gateway}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              listeners:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties:
                    name: {type: string}
                    port: {type: integer}
              hosts:
                type: array
                x-kubernetes-list-type: set
                items: {type: string}
",
    );
    let schema = concord_patch::Schema::from_crd(&crd).unwrap();
    let object = |listeners: Value, hosts: Value| {
        json!({"apiVersion": "example.com/v1", "kind": "Gateway", "metadata": {"name": "g", "namespace": "n"},
            "spec": {"listeners": listeners, "hosts": hosts}})
    };
    let base = object(json!([{"name": "http", "port": 80}, {"name": "https", "port": 443}]), json!(["a"]));
    let theirs =
        object(json!([{"name": "http", "port": 8080}, {"name": "https", "port": 443}]), json!(["a", "b"]));
    let mine =
        object(json!([{"name": "http", "port": 80}, {"name": "https", "port": 8443}]), json!(["a", "c"]));
    let info = schema.for_object(&base);
    assert_eq!(info.format, PatchFormat::Merge);
    let Outcome::Merged { object: merged, patch, patch_type } = merge3(&base, &theirs, &mine, &info).unwrap()
    else {
        panic!("element-wise merge expected")
    };
    assert_eq!(
        merged["spec"]["listeners"],
        json!([{"name": "http", "port": 8080}, {"name": "https", "port": 8443}])
    );
    assert_eq!(merged["spec"]["hosts"], json!(["a", "b", "c"]));
    // A merge patch cannot address list elements: the lists go whole, guarded by the
    // resourceVersion precondition the edit protocol adds.
    assert_eq!(
        patch,
        json!({"spec": {"listeners": merged["spec"]["listeners"], "hosts": merged["spec"]["hosts"]}})
    );
    assert_eq!(patch_type, concord_patch::PatchType::Merge);

    // Without the schema the same lists are atomic: divergent edits conflict.
    let untyped = TypeInfo::untyped(PatchFormat::Merge);
    let c = conflicts(merge3(&base, &theirs, &mine, &untyped).unwrap());
    let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["/spec/listeners", "/spec/hosts"]);
}
