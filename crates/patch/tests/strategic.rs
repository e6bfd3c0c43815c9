//! Strategic merge patch: every directive and list strategy, with cases written from the
//! Kubernetes documentation of strategic merge patch and the API conventions.

mod common;

use common::{pod_schema, yaml};
use concord_patch::strategic::{apply, create_three_way, create_two_way};
use concord_patch::{Gvk, PatchError, PatchFormat, Schema, TypeInfo};
use serde_json::{Value, json};

fn pod(schema: &Schema) -> TypeInfo<'_> {
    schema.for_kind(&Gvk::from_api_version("v1", "Pod"))
}

fn apply_yaml(original: &str, patch: &str) -> Result<Value, PatchError> {
    let schema = pod_schema();
    apply(&yaml(original), &yaml(patch), &pod(&schema))
}

#[test]
fn maps_merge_and_null_deletes() {
    let result =
        apply_yaml("metadata: {labels: {a: '1', b: '2'}, name: p}", "metadata: {labels: {b: null, c: '3'}}")
            .unwrap();
    assert_eq!(result, json!({"metadata": {"labels": {"a": "1", "c": "3"}, "name": "p"}}));
}

#[test]
fn keyed_lists_merge_by_merge_key() {
    let original = "
spec:
  containers:
  - {name: app, image: app:1, args: [a]}
  - {name: sidecar, image: side:1}
";
    // Changing one container leaves the other alone. Without `$setElementOrder` the new one goes
    // where kube-apiserver puts it (checked with kubectl): ahead of the server-only elements.
    let result =
        apply_yaml(original, "spec: {containers: [{name: app, image: app:2}, {name: new, image: n:1}]}")
            .unwrap();
    assert_eq!(
        result["spec"]["containers"],
        json!([
            {"name": "app", "image": "app:2", "args": ["a"]},
            {"name": "new", "image": "n:1"},
            {"name": "sidecar", "image": "side:1"}
        ])
    );
}

#[test]
fn patch_delete_removes_a_keyed_element() {
    let result = apply_yaml(
        "spec: {containers: [{name: a, image: x}, {name: b, image: z}]}",
        "spec: {containers: [{name: a, $patch: delete}]}",
    )
    .unwrap();
    assert_eq!(result["spec"]["containers"], json!([{"name": "b", "image": "z"}]));
}

#[test]
fn patch_replace_replaces_a_list_or_a_map() {
    let result = apply_yaml(
        "spec: {containers: [{name: a, image: x}, {name: b, image: w}]}",
        "spec: {containers: [{$patch: replace}, {name: c, image: z}]}",
    )
    .unwrap();
    assert_eq!(result["spec"]["containers"], json!([{"name": "c", "image": "z"}]));

    let result =
        apply_yaml("metadata: {labels: {a: '1', b: '2'}}", "metadata: {labels: {$patch: replace, c: '3'}}")
            .unwrap();
    assert_eq!(result["metadata"]["labels"], json!({"c": "3"}));
}

#[test]
fn patch_delete_empties_a_map_and_merge_is_the_default() {
    let result = apply_yaml("metadata: {labels: {a: '1'}}", "metadata: {labels: {$patch: delete}}").unwrap();
    assert_eq!(result["metadata"]["labels"], json!({}));
    let result =
        apply_yaml("metadata: {labels: {a: '1'}}", "metadata: {labels: {$patch: merge, b: '2'}}").unwrap();
    assert_eq!(result["metadata"]["labels"], json!({"a": "1", "b": "2"}));
}

#[test]
fn retain_keys_clears_unlisted_fields() {
    let result = apply_yaml(
        "spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}",
        "spec: {strategy: {$retainKeys: [type], type: Recreate}}",
    )
    .unwrap();
    assert_eq!(result["spec"]["strategy"], json!({"type": "Recreate"}));
    // On list elements: a volume switching source drops the old one.
    let result = apply_yaml(
        "spec: {volumes: [{name: v, emptyDir: {}}]}",
        "spec: {volumes: [{name: v, $retainKeys: [name, hostPath], hostPath: {path: /x}}]}",
    )
    .unwrap();
    assert_eq!(result["spec"]["volumes"], json!([{"name": "v", "hostPath": {"path": "/x"}}]));
    let err = apply_yaml("spec: {strategy: {type: A}}", "spec: {strategy: {$retainKeys: [type], other: 1}}")
        .unwrap_err();
    assert_eq!(err, PatchError::RetainKeysMismatch { path: "/spec/strategy".into(), key: "other".into() });
}

#[test]
fn primitive_merge_lists_are_sets() {
    let result = apply_yaml("metadata: {finalizers: [a, b]}", "metadata: {finalizers: [b, c]}").unwrap();
    assert_eq!(result["metadata"]["finalizers"], json!(["a", "b", "c"]));
    let result = apply_yaml(
        "metadata: {finalizers: [a, b, c]}",
        "metadata: {$deleteFromPrimitiveList/finalizers: [b, missing]}",
    )
    .unwrap();
    assert_eq!(result["metadata"]["finalizers"], json!(["a", "c"]));
}

#[test]
fn atomic_lists_are_replaced() {
    let result = apply_yaml(
        "spec: {tolerations: [{key: a}, {key: b}], containers: [{name: c, args: [x, y]}]}",
        "spec: {tolerations: [{key: c}], containers: [{name: c, args: [z]}]}",
    )
    .unwrap();
    assert_eq!(result["spec"]["tolerations"], json!([{"key": "c"}]));
    assert_eq!(result["spec"]["containers"][0]["args"], json!(["z"]));
}

#[test]
fn set_element_order_orders_keyed_and_primitive_lists() {
    // The environment-variable example of the "preserve order" design: the server has reordered
    // and added variables; the patch deletes ENV3 and adds ENV6 in the user's order. The result
    // is kube-apiserver's (checked with kubectl), not the design document's.
    let result = apply_yaml(
        "
spec:
  containers:
  - name: c
    env: [{name: ENV2}, {name: ENV5}, {name: ENV1}, {name: ENV3}, {name: ENV4}]
",
        "
spec:
  containers:
  - name: c
    $setElementOrder/env: [{name: ENV1}, {name: ENV2}, {name: ENV6}]
    env: [{name: ENV3, $patch: delete}, {name: ENV6, value: new}]
",
    )
    .unwrap();
    let names: Vec<&str> = result["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ENV5", "ENV1", "ENV2", "ENV4", "ENV6"]);

    let result =
        apply_yaml("metadata: {finalizers: [b, a]}", "metadata: {$setElementOrder/finalizers: [a, b]}")
            .unwrap();
    assert_eq!(result["metadata"]["finalizers"], json!(["a", "b"]));

    let err = apply_yaml(
        "metadata: {finalizers: [a]}",
        "metadata: {$setElementOrder/finalizers: [a], finalizers: [z]}",
    )
    .unwrap_err();
    assert_eq!(err, PatchError::SetElementOrderMismatch { path: "/metadata/finalizers".into() });
}

#[test]
fn directives_inside_new_values_are_processed() {
    let result =
        apply_yaml("{}", "spec: {containers: [{name: a, image: x, env: [{name: E, $patch: delete}]}]}")
            .unwrap();
    assert_eq!(result, json!({"spec": {"containers": [{"name": "a", "image": "x", "env": []}]}}));
}

#[test]
fn bad_patches_get_typed_errors() {
    let original = "spec: {containers: [{name: a}]}";
    assert!(matches!(
        apply_yaml(original, "spec: {containers: [{image: x}]}"),
        Err(PatchError::MissingMergeKey { .. })
    ));
    assert!(matches!(
        apply_yaml(original, "spec: {containers: [{name: a, $patch: explode}]}"),
        Err(PatchError::UnknownDirective { .. })
    ));
    assert!(matches!(
        apply_yaml(original, "spec: {$frobnicate: 1}"),
        Err(PatchError::UnknownDirective { .. })
    ));
    assert!(matches!(apply_yaml(original, "{$patch: sideways}"), Err(PatchError::UnknownDirective { .. })));
    assert_eq!(
        apply_yaml(original, "spec: {containers: oops}").unwrap_err(),
        PatchError::WrongType { path: "/spec/containers".into(), expected: "list", found: "string" }
    );
    assert!(matches!(
        apply_yaml(original, "spec: {containers: [{name: a, image: [1]}]}"),
        Err(PatchError::WrongType { .. })
    ));
    assert!(matches!(apply_yaml(original, "[1]"), Err(PatchError::NotAnObject { .. })));
    assert!(matches!(
        apply_yaml(original, "metadata: {$retainKeys: notalist}"),
        Err(PatchError::WrongType { .. })
    ));
}

#[test]
fn custom_resources_refuse_strategic_merge_patch() {
    let info = TypeInfo::untyped(PatchFormat::Merge);
    assert_eq!(apply(&json!({}), &json!({}), &info), Err(PatchError::StrategicUnsupported));
    assert_eq!(create_two_way(&json!({}), &json!({}), &info), Err(PatchError::StrategicUnsupported));
}

#[test]
fn two_way_patches_look_like_kubectls() {
    let schema = pod_schema();
    let info = pod(&schema);
    let original = yaml(
        "
metadata: {labels: {a: '1', gone: x}, finalizers: [f1, f2]}
spec:
  containers:
  - {name: app, image: app:1, env: [{name: A, value: '1'}]}
  - {name: side, image: s:1}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
",
    );
    let modified = yaml(
        "
metadata: {labels: {a: '2'}, finalizers: [f1, f3]}
spec:
  containers:
  - {name: app, image: app:2, env: [{name: A, value: '1'}]}
  strategy: {type: Recreate}
",
    );
    let patch = create_two_way(&original, &modified, &info).unwrap();
    assert_eq!(
        patch,
        yaml(
            "
metadata:
  labels: {a: '2', gone: null}
  finalizers: [f3]
  $deleteFromPrimitiveList/finalizers: [f2]
  $setElementOrder/finalizers: [f1, f3]
spec:
  containers:
  - {name: app, image: app:2}
  - {name: side, $patch: delete}
  $setElementOrder/containers: [{name: app}]
  strategy: {type: Recreate, rollingUpdate: null, $retainKeys: [type]}
"
        )
    );
    assert_eq!(apply(&original, &patch, &info).unwrap(), modified);
    assert_eq!(create_two_way(&modified, &modified, &info).unwrap(), json!({}));
}

#[test]
fn three_way_patches_keep_others_fields_and_detect_conflicts() {
    let schema = pod_schema();
    let info = pod(&schema);
    // kubectl apply: the last applied configuration had label `a`, the new one has `b`
    // instead; meanwhile a controller added label `c` and an extra container.
    let original = yaml("metadata: {labels: {a: '1'}}\nspec: {containers: [{name: app, image: app:1}]}");
    let modified = yaml("metadata: {labels: {b: '1'}}\nspec: {containers: [{name: app, image: app:2}]}");
    let current = yaml(
        "metadata: {labels: {a: '1', c: '1'}}\nspec: {containers: [{name: app, image: app:1}, {name: injected, image: i:1}]}",
    );
    let patch = create_three_way(&original, &modified, &current, &info, false).unwrap();
    let result = apply(&current, &patch, &info).unwrap();
    assert_eq!(result["metadata"]["labels"], json!({"b": "1", "c": "1"}));
    let names: Vec<&str> = result["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "injected"]);
    assert_eq!(result["spec"]["containers"][0]["image"], json!("app:2"));

    // Someone else changed the image since the last apply, to another value: a conflict,
    // unless the user asks to overwrite.
    let current = yaml("metadata: {labels: {a: '1'}}\nspec: {containers: [{name: app, image: app:9}]}");
    let err = create_three_way(&original, &modified, &current, &info, false).unwrap_err();
    assert_eq!(err, PatchError::Conflict { paths: vec!["/spec/containers/name=app/image".into()] });
    let patch = create_three_way(&original, &modified, &current, &info, true).unwrap();
    assert_eq!(apply(&current, &patch, &info).unwrap()["spec"]["containers"][0]["image"], json!("app:2"));

    // The same change made by someone else is no conflict.
    let current = yaml("metadata: {labels: {a: '1'}}\nspec: {containers: [{name: app, image: app:2}]}");
    assert!(create_three_way(&original, &modified, &current, &info, false).is_ok());
}
