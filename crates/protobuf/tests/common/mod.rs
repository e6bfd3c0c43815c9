//! Helpers shared by the integration tests.

#![allow(dead_code)] // each test binary uses its own subset

pub mod openapi;

use std::sync::LazyLock;

use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
use prost::Message;
use serde_json::Value;

static SWAGGER: LazyLock<openapi::Swagger> = LazyLock::new(openapi::Swagger::load);

/// Asserts that every key of `object` exists in the upstream schema of its kind, with a value of
/// the schema's type.
pub fn assert_upstream_names(object: &Value) {
    let mut walk = openapi::Walk::default();
    SWAGGER.check_object(object, &mut walk);
    assert_eq!(walk.problems, Vec::<String>::new(), "{object}");
}

/// Wraps a message in the `k8s\0` + `runtime.Unknown` envelope, as client-go does.
pub fn envelope(api_version: &str, kind: &str, message: &impl Message) -> Vec<u8> {
    let unknown = Unknown {
        type_meta: Some(TypeMeta { api_version: Some(api_version.to_owned()), kind: Some(kind.to_owned()) }),
        raw: Some(message.encode_to_vec()),
        content_encoding: Some(String::new()),
        content_type: Some(String::new()),
    };
    [b"k8s\0".as_slice(), &unknown.encode_to_vec()].concat()
}
