//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod generators;

use concord_patch::schema::{ListType, Meta, ObjectType, Shape};
use concord_patch::{Gvk, Schema};
use serde_json::Value;

/// A field of a named object type.
pub fn object(type_name: &str) -> Meta {
    Meta::object(type_name)
}

/// A list of the given elements, with a patch strategy and merge key.
pub fn list(items: Meta, strategy: &str, merge_key: Option<&str>) -> Meta {
    let mut meta = Meta { shape: Shape::List(Box::new(items)), ..Meta::default() };
    meta.set_patch_strategy(strategy);
    meta.merge_key = merge_key.map(str::to_owned);
    meta
}

/// A small hand-written schema shaped like Pods, independent of the built-in table, so that
/// the directive tests pin the engine and not the table.
pub fn pod_schema() -> Schema {
    let mut schema = Schema::default();
    let mut add = |name: &str, fields: Vec<(&str, Meta)>| {
        let fields = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        schema.types.insert(name.to_owned(), ObjectType { fields });
    };
    add("Pod", vec![("metadata", object("ObjectMeta")), ("spec", object("PodSpec"))]);
    add(
        "ObjectMeta",
        vec![
            ("finalizers", {
                let mut m = list(Meta { shape: Shape::Scalar, ..Meta::default() }, "merge", None);
                m.list_type = Some(ListType::Set);
                m
            }),
            ("ownerReferences", list(object("OwnerReference"), "merge", Some("uid"))),
            (
                "labels",
                Meta {
                    shape: Shape::Map(Box::new(Meta { shape: Shape::Scalar, ..Meta::default() })),
                    ..Meta::default()
                },
            ),
        ],
    );
    add(
        "PodSpec",
        vec![
            ("containers", list(object("Container"), "merge", Some("name"))),
            ("volumes", list(object("Volume"), "merge,retainKeys", Some("name"))),
            ("tolerations", list(object("Toleration"), "", None)),
            ("strategy", {
                let mut m = object("Strategy");
                m.set_patch_strategy("retainKeys");
                m
            }),
        ],
    );
    add(
        "Container",
        vec![
            ("env", list(object("EnvVar"), "merge", Some("name"))),
            ("ports", {
                let mut m = list(object("ContainerPort"), "merge", Some("containerPort"));
                m.list_type = Some(ListType::Map);
                m.list_map_keys = vec!["containerPort".into(), "protocol".into()];
                m
            }),
            ("args", list(Meta { shape: Shape::Scalar, ..Meta::default() }, "", None)),
            ("image", Meta { shape: Shape::Scalar, ..Meta::default() }),
        ],
    );
    schema.kinds.insert(Gvk::from_api_version("v1", "Pod"), "Pod".to_owned());
    schema
}

/// Reads a YAML document into JSON.
pub fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("test YAML parses")
}
