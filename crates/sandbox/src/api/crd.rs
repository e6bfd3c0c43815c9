//! Custom resources: every served version of every stored CustomResourceDefinition becomes a
//! [`Resource`] with its own validator (pruning, defaults), patch metadata and table printer.

use std::sync::Arc;

use concord_patch::schema::Schema;
use serde_json::Value;

use super::{Api, str_at};
use crate::registry::{Custom, Registry, Resource, ScalePaths, Subresource};

/// Where CRDs are stored.
const CRD_PREFIX: &str = "/apiextensions.k8s.io/customresourcedefinitions/";

impl Api {
    /// The stored CRD objects.
    pub(super) fn crd_objects(&self) -> Vec<Value> {
        self.current_objects(CRD_PREFIX)
    }

    /// Rebuilds the registry from the stored CRDs and drops the OpenAPI documents built from the
    /// old one.
    pub(super) fn reload_crds(&self) {
        let custom: Vec<Resource> = self.crd_objects().iter().flat_map(resources_of).collect();
        let registry = Arc::new(Registry::new(custom));
        match self.registry.write() {
            Ok(mut slot) => *slot = registry,
            Err(poisoned) => *poisoned.into_inner() = registry,
        }
        *self.documents.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// The resources of one CRD, one per served version. A CRD whose schema cannot be read still
/// serves its resources, without validation, rather than disappearing.
fn resources_of(crd: &Value) -> Vec<Resource> {
    if crd.pointer("/metadata/deletionTimestamp").is_some_and(|t| !t.is_null()) {
        return Vec::new(); // kube stops serving a CRD's resources once its deletion starts
    }
    let group = str_at(crd, "/spec/group");
    let kind = str_at(crd, "/spec/names/kind");
    let plural = str_at(crd, "/spec/names/plural");
    if group.is_empty() || kind.is_empty() || plural.is_empty() {
        return Vec::new();
    }
    let names = |pointer: &str| -> Vec<String> {
        crd.pointer(pointer)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let mut schema = Schema::builtin().clone();
    match Schema::from_crd(crd) {
        Ok(own) => schema.extend(own),
        Err(e) => {
            tracing::warn!(crd = str_at(crd, "/metadata/name"), error = %e, "CRD schema has no patch metadata")
        }
    }
    let schema = Arc::new(schema);
    let crd_arc = Arc::new(crd.clone());
    let versions = crd.pointer("/spec/versions").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut resources = Vec::new();
    for v in versions.iter().filter(|v| v.get("served").and_then(Value::as_bool) != Some(false)) {
        let version = str_at(v, "/name");
        if version.is_empty() {
            continue;
        }
        let validator = match concord_openapi::Validator::for_crd(crd, version) {
            Ok(validator) => Arc::new(validator),
            Err(e) => {
                tracing::warn!(crd = str_at(crd, "/metadata/name"), error = %e, "CRD version has an unreadable schema");
                continue;
            }
        };
        let columns =
            v.get("additionalPrinterColumns").and_then(Value::as_array).cloned().unwrap_or_default();
        let printer: Arc<dyn concord_printers::Printer> = match concord_printers::for_crd_columns(&columns) {
            Ok(p) => Arc::from(p),
            Err(_) => match concord_printers::for_crd_columns(&[]) {
                Ok(p) => Arc::from(p),
                Err(_) => continue,
            },
        };
        let mut subresources = Vec::new();
        let has_status = v.pointer("/subresources/status").is_some();
        if has_status {
            subresources.push(Subresource {
                name: "status",
                gvk: (group.into(), version.into(), kind.into()),
                verbs: &["get", "patch", "update"],
            });
        }
        let scale = v.pointer("/subresources/scale").map(|s| ScalePaths {
            spec_replicas: str_at(s, "/specReplicasPath").to_string(),
            status_replicas: str_at(s, "/statusReplicasPath").to_string(),
            label_selector: s.get("labelSelectorPath").and_then(Value::as_str).map(str::to_string),
        });
        if scale.is_some() {
            subresources.push(Subresource {
                name: "scale",
                gvk: ("autoscaling".into(), "v1".into(), "Scale".into()),
                verbs: &["get", "patch", "update"],
            });
        }
        resources.push(Resource {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: Some(str_at(crd, "/spec/names/singular"))
                .filter(|s| !s.is_empty())
                .map_or_else(|| kind.to_lowercase(), str::to_string),
            namespaced: str_at(crd, "/spec/scope") != "Cluster",
            short_names: names("/spec/names/shortNames"),
            categories: names("/spec/names/categories"),
            verbs: &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            subresources,
            definition: definition_name(group, version, kind),
            name_rule: concord_apimachinery::names::NameRule::Subdomain,
            has_status,
            custom: Some(Custom { crd: crd_arc.clone(), validator, schema: schema.clone(), printer, scale }),
        });
    }
    resources
}

/// The OpenAPI definition name kube-apiserver publishes for a custom resource:
/// `example.com`, `v1`, `Widget` → `com.example.v1.Widget`.
pub fn definition_name(group: &str, version: &str, kind: &str) -> String {
    let reversed: Vec<&str> = group.split('.').rev().collect();
    format!("{}.{version}.{kind}", reversed.join("."))
}
