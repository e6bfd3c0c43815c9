//! Bad input gets a typed error from every entry point — never a panic, never a stack overflow.

use concord_patch::json::{MAX_DEPTH, drop_deep};
use concord_patch::json_patch::{self, CreateOptions};
use concord_patch::merge3::merge3;
use concord_patch::{PatchError, Schema, merge_patch, strategic};
use serde_json::{Map, Value, json};

fn deployment() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "a"}]}}}})
}

/// A document nested `levels` deep, built without recursion.
fn nested(levels: usize) -> Value {
    let mut v = json!("leaf");
    for i in 0..levels {
        if i % 2 == 0 {
            let mut m = Map::new();
            m.insert("spec".into(), v);
            v = Value::Object(m);
        } else {
            v = Value::Array(vec![v]);
        }
    }
    v
}

#[test]
fn ten_thousand_levels_are_refused_everywhere() {
    let mut deep_object = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
    deep_object["spec"] = nested(10_000);
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    let too_deep = PatchError::TooDeep { limit: MAX_DEPTH };

    assert_eq!(strategic::apply(&obj, &deep_object, &info), Err(too_deep.clone()));
    assert_eq!(strategic::apply(&deep_object, &obj, &info), Err(too_deep.clone()));
    assert_eq!(strategic::create_two_way(&obj, &deep_object, &info), Err(too_deep.clone()));
    assert_eq!(strategic::create_three_way(&obj, &obj, &deep_object, &info, false), Err(too_deep.clone()));
    assert_eq!(merge_patch::apply(&obj, &deep_object), Err(too_deep.clone()));
    assert_eq!(merge_patch::create(&deep_object, &obj), Err(too_deep.clone()));
    assert_eq!(
        json_patch::create(&obj, &deep_object, CreateOptions::default()).err(),
        Some(too_deep.clone())
    );
    assert_eq!(merge3(&obj, &deep_object, &obj, &info), Err(too_deep.clone()));
    assert_eq!(merge3(&obj, &obj, &deep_object, &info), Err(too_deep.clone()));
    let mut deep_ops = json!([{"op": "add", "path": "/x", "value": "placeholder"}]);
    deep_ops[0]["value"] = deep_object["spec"].take();
    assert_eq!(json_patch::parse(&deep_ops).err(), Some(too_deep));
    let mut document = json!({"definitions": {"A": {}}});
    document["definitions"]["A"] = deep_ops[0]["value"].take();
    assert!(Schema::from_openapi(&document).is_err());
    drop_deep(document);
    drop_deep(deep_ops);
    drop_deep(deep_object);
}

#[test]
fn patches_that_are_not_objects() {
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    for patch in [json!([1]), json!("x"), json!(3), json!(null)] {
        assert!(matches!(
            strategic::apply(&obj, &patch, &info),
            Err(PatchError::NotAnObject { what: "patch", .. })
        ));
    }
    assert!(matches!(strategic::apply(&json!([]), &json!({}), &info), Err(PatchError::NotAnObject { .. })));
    assert!(matches!(
        strategic::create_two_way(&obj, &json!("x"), &info),
        Err(PatchError::NotAnObject { .. })
    ));
    assert!(matches!(merge3(&json!(1), &obj, &obj, &info), Err(PatchError::NotAnObject { .. })));
    assert!(matches!(json_patch::parse(&json!({"op": "add"})), Err(PatchError::WrongType { .. })));
}

#[test]
fn wrong_types_at_a_path_are_named() {
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    let patch = json!({"spec": {"template": {"spec": {"containers": {"name": "app"}}}}});
    assert_eq!(
        strategic::apply(&obj, &patch, &info),
        Err(PatchError::WrongType {
            path: "/spec/template/spec/containers".into(),
            expected: "list",
            found: "object"
        })
    );
    let patch = json!({"spec": {"template": "nope"}});
    assert!(matches!(strategic::apply(&obj, &patch, &info), Err(PatchError::WrongType { .. })));
    let patch = json!({"metadata": {"$setElementOrder/finalizers": "a"}});
    assert!(matches!(strategic::apply(&obj, &patch, &info), Err(PatchError::WrongType { .. })));
    let patch = json!({"metadata": {"finalizers": [{"not": "a scalar"}]}});
    assert!(matches!(strategic::apply(&obj, &patch, &info), Err(PatchError::WrongType { .. })));
}

#[test]
fn unknown_directives_are_refused() {
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    for patch in [
        json!({"$patch": "upsert"}),
        json!({"spec": {"$magic": true}}),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "$patch": 7}]}}}}),
        json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "$patch": "merge"}]}}}}),
    ] {
        assert!(
            matches!(strategic::apply(&obj, &patch, &info), Err(PatchError::UnknownDirective { .. })),
            "{patch}"
        );
    }
}

#[test]
fn list_elements_missing_their_merge_key() {
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"image": "b"}]}}}});
    assert_eq!(
        strategic::apply(&obj, &patch, &info),
        Err(PatchError::MissingMergeKey {
            path: "/spec/template/spec/containers".into(),
            index: 0,
            key: "name".into()
        })
    );
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "delete"}]}}}});
    assert!(matches!(strategic::apply(&obj, &patch, &info), Err(PatchError::MissingMergeKey { .. })));
    let mut modified = obj.clone();
    modified["spec"]["template"]["spec"]["containers"] = json!([{"image": "b"}]);
    assert!(matches!(
        strategic::create_two_way(&obj, &modified, &info),
        Err(PatchError::MissingMergeKey { .. })
    ));
    let mut theirs = obj.clone();
    theirs["spec"]["template"]["spec"]["containers"][0]["image"] = json!("t");
    assert!(matches!(merge3(&obj, &theirs, &modified, &info), Err(PatchError::MissingMergeKey { .. })));
}

#[test]
fn failed_json_patches_say_which_operation() {
    let patch = json_patch::parse(&json!([{"op": "replace", "path": "/nope/deeper", "value": 1}])).unwrap();
    let err = json_patch::apply(&deployment(), &patch).unwrap_err();
    assert!(matches!(&err, PatchError::JsonPatch(m) if m.contains("nope")), "{err}");
}

#[test]
fn errors_read_as_one_line() {
    let err = PatchError::WrongType { path: "/spec/replicas".into(), expected: "a scalar", found: "object" };
    assert_eq!(err.to_string(), "wrong type at /spec/replicas: expected a scalar, found object");
    let err = PatchError::Conflict { paths: vec!["/a".into(), "/b".into()] };
    assert_eq!(err.to_string(), "patch conflicts with changes made since the original at: /a, /b");
}

#[test]
fn errors_at_the_top_level_say_so() {
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    let err = strategic::apply(&obj, &json!({"$patch": "frob"}), &info).unwrap_err();
    assert_eq!(err.to_string(), "unknown patch directive at the top level: $patch: \"frob\"");
}

#[test]
fn strategic_patches_refuse_what_they_cannot_express() {
    let obj = deployment();
    let info = Schema::builtin().for_object(&obj);
    let mut modified = obj.clone();
    modified["spec"]["template"]["spec"]["$patch"] = json!("replace");
    assert_eq!(
        strategic::create_two_way(&obj, &modified, &info),
        Err(PatchError::DirectiveLikeField { path: "/spec/template/spec/$patch".into() })
    );
    let mut modified = obj.clone();
    modified["spec"]["template"]["spec"]["containers"] = json!("ctrl");
    assert!(matches!(strategic::create_two_way(&obj, &modified, &info), Err(PatchError::WrongType { .. })));
}

#[test]
fn a_live_set_with_duplicates_is_deduplicated_by_the_patch() {
    let mut live = deployment();
    live["metadata"]["finalizers"] = json!(["b", "b", "c"]);
    let mut wanted = live.clone();
    wanted["metadata"]["finalizers"] = json!(["b"]);
    let info = Schema::builtin().for_object(&live);
    let patch = strategic::create_two_way(&live, &wanted, &info).unwrap();
    assert_eq!(strategic::apply(&live, &patch, &info).unwrap(), wanted);
}

#[test]
fn a_non_scalar_in_a_set_is_reported_at_its_own_index() {
    let mut original = deployment();
    original["metadata"]["finalizers"] = json!(["a", {"not": "a scalar"}]);
    let mut modified = deployment();
    modified["metadata"]["finalizers"] = json!(["a"]);
    let info = Schema::builtin().for_object(&original);
    assert_eq!(
        strategic::create_two_way(&original, &modified, &info),
        Err(PatchError::WrongType {
            path: "/metadata/finalizers/1".into(),
            expected: "a scalar (the list has no merge key)",
            found: "object"
        })
    );
}
