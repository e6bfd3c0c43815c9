//! The `scale` subresource: an `autoscaling/v1` `Scale` view of a workload's replica count.

use std::sync::Arc;

use concord_patch::PatchType;
use concord_patch::schema::TypeInfo;
use serde_json::{Map, Value, json};

use super::write::{Modified, Modify, PatchBody, WriteOptions, Written};
use super::{Api, str_at, target};
use crate::registry::Resource;
use crate::status::ApiError;

/// Where a resource keeps its desired and observed replicas and its selector.
fn paths(resource: &Resource) -> (String, String, Option<String>) {
    match resource.custom.as_ref().and_then(|c| c.scale.as_ref()) {
        Some(p) => {
            (pointer(&p.spec_replicas), pointer(&p.status_replicas), p.label_selector.as_deref().map(pointer))
        }
        None => ("/spec/replicas".into(), "/status/replicas".into(), None),
    }
}

/// `.spec.replicas` → `/spec/replicas`.
fn pointer(json_path: &str) -> String {
    json_path.trim_start_matches('.').split('.').fold(String::new(), |acc, part| acc + "/" + part)
}

/// The `Scale` object of a workload.
pub(super) fn scale_of(resource: &Resource, object: &Value) -> Value {
    let (spec, status, selector) = paths(resource);
    let selector = match selector {
        Some(p) => str_at(object, &p).to_string(),
        None => object
            .pointer("/spec/selector")
            .and_then(|s| concord_apimachinery::labels::from_label_selector_json(s).ok())
            .map(|s| s.to_string())
            .unwrap_or_default(),
    };
    let meta = object.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let mut scale_meta = Map::new();
    for field in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
        if let Some(v) = meta.get(field) {
            scale_meta.insert(field.into(), v.clone());
        }
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": scale_meta,
        "spec": {"replicas": object.pointer(&spec).and_then(Value::as_i64).unwrap_or(0)},
        "status": {"replicas": object.pointer(&status).and_then(Value::as_i64).unwrap_or(0), "selector": selector},
    })
}

/// Sets the replica count of a workload from a `Scale`.
fn set_replicas(resource: &Resource, object: &mut Map<String, Value>, scale: &Value) -> Result<(), Modify> {
    let replicas = scale.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0);
    if replicas < 0 {
        return Err(Modify::Api(ApiError::invalid(
            "autoscaling",
            "Scale",
            str_at(scale, "/metadata/name"),
            format!(
                "Scale.autoscaling \"{}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0",
                str_at(scale, "/metadata/name")
            ),
            vec![
                json!({"reason": "FieldValueInvalid", "message": format!("Invalid value: {replicas}: must be greater than or equal to 0"), "field": "spec.replicas"}),
            ],
        )));
    }
    let (spec, _, _) = paths(resource);
    let mut node = &mut *object;
    let parts: Vec<&str> = spec.trim_start_matches('/').split('/').collect();
    let Some((last, parents)) = parts.split_last() else {
        return Ok(());
    };
    for part in parents {
        let child = node.entry(part.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !child.is_object() {
            *child = Value::Object(Map::new());
        }
        node = child.as_object_mut().unwrap_or_else(|| unreachable!("just made a map"));
    }
    node.insert(last.to_string(), replicas.into());
    Ok(())
}

impl Api {
    /// The `Scale` view of a workload object (GET on `scale`).
    pub fn scale(&self, resource: &Resource, object: &Value) -> Value {
        scale_of(resource, object)
    }

    /// PUT on `scale`.
    pub(super) async fn update_scale(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        body: Value,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let precondition = body.as_object().and_then(super::meta::request_version);
        let res = resource.clone();
        let written = self
            .modify(resource, namespace, name, Some("scale"), options, precondition, move |live| {
                let mut new = live.as_object().cloned().unwrap_or_default();
                set_replicas(&res, &mut new, &body)?;
                Ok(Modified::Update(new))
            })
            .await?;
        Ok(Written { object: scale_of(resource, &written.object), encoded: None, ..written })
    }

    /// PATCH on `scale`: the patch applies to the `Scale` view.
    pub(super) async fn patch_scale(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        body: PatchBody,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let (patch_type, patch) = match body {
            PatchBody::Patch(t, p) => (t, p),
            PatchBody::Apply(config) => (PatchType::Merge, config),
        };
        let res = resource.clone();
        let written = self
            .modify(resource, namespace, name, Some("scale"), options, None, move |live| {
                let scale = scale_of(&res, live);
                let info = TypeInfo::untyped(concord_patch::schema::PatchFormat::Strategic);
                let patched =
                    patch_type.apply(&scale, &patch, &info).map_err(|e| Modify::Patch(e.to_string()))?;
                if let Some(version) = patched.pointer("/metadata/resourceVersion").and_then(Value::as_str)
                    && Some(version) != scale.pointer("/metadata/resourceVersion").and_then(Value::as_str)
                {
                    return Err(Modify::Api(ApiError::stale(target(&res, str_at(live, "/metadata/name")))));
                }
                let mut new = live.as_object().cloned().unwrap_or_default();
                set_replicas(&res, &mut new, &patched)?;
                Ok(Modified::Update(new))
            })
            .await?;
        Ok(Written { object: scale_of(resource, &written.object), encoded: None, ..written })
    }
}
