//! The `x-kubernetes-*` extensions kube-apiserver publishes on built-in types, which
//! `k8s-openapi`'s schemas leave out.
//!
//! Patch metadata (`x-kubernetes-patch-strategy`, `-patch-merge-key`, `-list-type`,
//! `-list-map-keys`) comes from `concord-patch`'s table of built-in kinds, the same data the
//! patch engine merges with. The few remaining extensions, which merging does not use, are
//! listed here; `tests/upstream.rs` checks both against the upstream documents.

use std::collections::BTreeMap;

use concord_patch::schema::{ListType, Meta, Schema, Shape};
use serde_json::{Map, Value, json};

/// `x-kubernetes-map-type` (`+structType`/`+mapType` in kube's Go types): on a whole type
/// (field `None`) or on one field.
const MAP_TYPES: &[(&str, Option<&str>, &str)] = &[
    ("io.k8s.api.autoscaling.v1.CrossVersionObjectReference", None, "atomic"),
    ("io.k8s.api.core.v1.ConfigMapKeySelector", None, "atomic"),
    ("io.k8s.api.core.v1.EndpointAddress", None, "atomic"),
    ("io.k8s.api.core.v1.EndpointPort", None, "atomic"),
    ("io.k8s.api.core.v1.FileKeySelector", None, "atomic"),
    ("io.k8s.api.core.v1.LocalObjectReference", None, "atomic"),
    ("io.k8s.api.core.v1.NodeSelector", None, "atomic"),
    ("io.k8s.api.core.v1.NodeSelectorTerm", None, "atomic"),
    ("io.k8s.api.core.v1.ObjectFieldSelector", None, "atomic"),
    ("io.k8s.api.core.v1.ObjectReference", None, "atomic"),
    ("io.k8s.api.core.v1.PersistentVolumeClaimStatus", Some("allocatedResourceStatuses"), "granular"),
    ("io.k8s.api.core.v1.PersistentVolumeSpec", Some("claimRef"), "granular"),
    ("io.k8s.api.core.v1.PodSpec", Some("nodeSelector"), "atomic"),
    ("io.k8s.api.core.v1.ReplicationControllerSpec", Some("selector"), "atomic"),
    ("io.k8s.api.core.v1.ResourceFieldSelector", None, "atomic"),
    ("io.k8s.api.core.v1.ScopeSelector", None, "atomic"),
    ("io.k8s.api.core.v1.SecretKeySelector", None, "atomic"),
    ("io.k8s.api.core.v1.SecretReference", None, "atomic"),
    ("io.k8s.api.core.v1.ServiceSpec", Some("selector"), "atomic"),
    ("io.k8s.api.core.v1.TopologySelectorTerm", None, "atomic"),
    ("io.k8s.api.core.v1.TypedLocalObjectReference", None, "atomic"),
    ("io.k8s.api.discovery.v1.EndpointPort", None, "atomic"),
    ("io.k8s.api.networking.v1.ServiceBackendPort", None, "atomic"),
    ("io.k8s.api.rbac.v1.RoleRef", None, "atomic"),
    ("io.k8s.api.rbac.v1.Subject", None, "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", None, "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", None, "atomic"),
];

/// `x-kubernetes-list-type` of fields in types `concord-patch`'s table does not cover: API
/// machinery envelopes and discovery documents, and the authorization group's review kinds.
const LIST_TYPES: &[(&str, &str, &str)] = &[
    ("io.k8s.api.authorization.v1.FieldSelectorAttributes", "requirements", "atomic"),
    ("io.k8s.api.authorization.v1.LabelSelectorAttributes", "requirements", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup", "serverAddressByClientCIDRs", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup", "versions", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList", "groups", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIResource", "categories", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIResource", "shortNames", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList", "resources", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions", "serverAddressByClientCIDRs", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions", "versions", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement", "values", "atomic"),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails", "causes", "atomic"),
];

/// A type with a union: its name, the discriminator field if any, and each member field with
/// its discriminator value.
type Union = (&'static str, Option<&'static str>, &'static [(&'static str, &'static str)]);

/// `x-kubernetes-unions` (`+union` in kube's Go types): the discriminator field, if any, and the
/// member fields with the discriminator value of each.
const UNIONS: &[Union] = &[
    ("io.k8s.api.core.v1.AppArmorProfile", Some("type"), &[("localhostProfile", "LocalhostProfile")]),
    ("io.k8s.api.core.v1.PodSchedulingGroup", None, &[("podGroupName", "PodGroupName")]),
    ("io.k8s.api.core.v1.SeccompProfile", Some("type"), &[("localhostProfile", "LocalhostProfile")]),
];

/// Adds every extension this module knows to the definitions present.
pub(crate) fn annotate(definitions: &mut BTreeMap<String, Value>) {
    for (type_name, object_type) in &Schema::builtin().types {
        let Some(properties) = definitions.get_mut(type_name).and_then(|d| d.get_mut("properties")) else {
            continue;
        };
        for (field, meta) in &object_type.fields {
            if let Some(property) = properties.get_mut(field) {
                annotate_value(property, meta);
            }
        }
    }
    for (type_name, field, map_type) in MAP_TYPES {
        let Some(schema) = definitions.get_mut(*type_name) else { continue };
        let target = match field {
            None => Some(schema),
            Some(field) => schema.get_mut("properties").and_then(|p| p.get_mut(*field)),
        };
        if let Some(Value::Object(target)) = target {
            target.insert("x-kubernetes-map-type".to_owned(), Value::from(*map_type));
        }
    }
    for (type_name, field, list_type) in LIST_TYPES {
        let property = definitions
            .get_mut(*type_name)
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(*field));
        if let Some(Value::Object(property)) = property {
            property.insert("x-kubernetes-list-type".to_owned(), Value::from(*list_type));
        }
    }
    for (type_name, discriminator, members) in UNIONS {
        let Some(Value::Object(schema)) = definitions.get_mut(*type_name) else { continue };
        let mut union = Map::new();
        if let Some(discriminator) = discriminator {
            union.insert("discriminator".to_owned(), Value::from(*discriminator));
        }
        let members: Map<String, Value> =
            members.iter().map(|(field, value)| ((*field).to_owned(), Value::from(*value))).collect();
        union.insert("fields-to-discriminateBy".to_owned(), Value::Object(members));
        schema.insert("x-kubernetes-unions".to_owned(), json!([union]));
    }
}

/// Writes one value's patch annotations onto its schema, and those of its list items or map
/// values onto `items` / `additionalProperties`.
fn annotate_value(schema: &mut Value, meta: &Meta) {
    let Some(object) = schema.as_object_mut() else { return };
    let strategy: Vec<&str> =
        [(meta.merge, "merge"), (meta.retain_keys, "retainKeys"), (meta.replace, "replace")]
            .into_iter()
            .filter_map(|(set, name)| set.then_some(name))
            .collect();
    if !strategy.is_empty() {
        object.insert("x-kubernetes-patch-strategy".to_owned(), Value::from(strategy.join(",")));
    }
    if let Some(key) = &meta.merge_key {
        object.insert("x-kubernetes-patch-merge-key".to_owned(), Value::from(key.as_str()));
    }
    if let Some(list_type) = meta.list_type {
        let name = match list_type {
            ListType::Atomic => "atomic",
            ListType::Set => "set",
            ListType::Map => "map",
        };
        object.insert("x-kubernetes-list-type".to_owned(), Value::from(name));
    }
    if !meta.list_map_keys.is_empty() {
        object.insert("x-kubernetes-list-map-keys".to_owned(), Value::from(meta.list_map_keys.clone()));
    }
    match &meta.shape {
        Shape::List(items) => {
            if let Some(items_schema) = object.get_mut("items") {
                annotate_value(items_schema, items);
            }
        }
        Shape::Map(values) => {
            if let Some(values_schema) = object.get_mut("additionalProperties") {
                annotate_value(values_schema, values);
            }
        }
        Shape::Unknown | Shape::Scalar | Shape::Object(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_spec_containers_carry_patch_metadata() {
        let definitions = &crate::builtin::get().definitions;
        let containers = &definitions["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        assert_eq!(containers["x-kubernetes-list-type"], "map");
        assert_eq!(containers["x-kubernetes-list-map-keys"], json!(["name"]));
        let volumes = &definitions["io.k8s.api.core.v1.PodSpec"]["properties"]["volumes"];
        assert_eq!(volumes["x-kubernetes-patch-strategy"], "merge,retainKeys");
        let selector = &definitions["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"];
        assert_eq!(selector["x-kubernetes-map-type"], "atomic");
    }
}
