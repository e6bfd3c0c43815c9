//! CustomResourceDefinitions as kube-apiserver publishes them: one definition per served
//! version, named after the reversed group (`stable.example.com`, `v1`, `CronTab` →
//! `com.example.stable.v1.CronTab`), with `apiVersion`, `kind` and a `metadata` referring to
//! `ObjectMeta`, plus the list kind.

use serde_json::{Map, Value, json};

use crate::OpenApiError;
use crate::builtin::{API_VERSION_DESCRIPTION, KIND_DESCRIPTION, META, V2_REF_PREFIX, add_gvk};
use crate::paths::Gvk;

/// One served version of a CRD.
#[derive(Clone, Debug)]
pub(crate) struct CrdVersion {
    pub gvk: Gvk,
    pub list_kind: String,
    pub plural: String,
    pub namespaced: bool,
    pub definition: String,
    /// The version's `openAPIV3Schema`, as written (absent for schemaless CRDs).
    pub schema: Option<Value>,
    /// `status` and/or `scale`.
    pub subresources: Vec<&'static str>,
}

impl CrdVersion {
    /// The definition name of the version's list kind.
    pub(crate) fn list_definition(&self) -> String {
        format!("{}List", self.definition)
    }

    /// The root definition kube publishes, v2-style refs, with v3-only keywords still present.
    pub(crate) fn root_definition(&self) -> Value {
        let mut root = match &self.schema {
            Some(Value::Object(schema)) => schema.clone(),
            _ => {
                let mut schema = Map::new();
                schema.insert("x-kubernetes-preserve-unknown-fields".to_owned(), Value::Bool(true));
                schema
            }
        };
        root.insert("type".to_owned(), Value::from("object"));
        let properties = root.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        if let Some(properties) = properties.as_object_mut() {
            properties.insert(
                "apiVersion".to_owned(),
                json!({"description": API_VERSION_DESCRIPTION, "type": "string"}),
            );
            properties.insert("kind".to_owned(), json!({"description": KIND_DESCRIPTION, "type": "string"}));
            properties.insert(
                "metadata".to_owned(),
                json!({
                    "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                    "$ref": format!("{V2_REF_PREFIX}{META}ObjectMeta"),
                }),
            );
        }
        let mut root = Value::Object(root);
        add_gvk(&mut root, &self.gvk.group, &self.gvk.version, &self.gvk.kind);
        root
    }

    /// The list kind's definition.
    pub(crate) fn list_definition_schema(&self) -> Value {
        let kind = &self.gvk.kind;
        let mut list = json!({
            "description": format!("{} is a list of {kind}", self.list_kind),
            "type": "object",
            "properties": {
                "apiVersion": {"description": API_VERSION_DESCRIPTION, "type": "string"},
                "items": {
                    "description": format!("List of {}. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md", self.plural),
                    "type": "array",
                    "items": {"$ref": format!("{V2_REF_PREFIX}{}", self.definition)},
                },
                "kind": {"description": KIND_DESCRIPTION, "type": "string"},
                "metadata": {
                    "description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
                    "$ref": format!("{V2_REF_PREFIX}{META}ListMeta"),
                },
            },
            "required": ["items"],
        });
        add_gvk(&mut list, &self.gvk.group, &self.gvk.version, &self.list_kind);
        list
    }
}

/// `stable.example.com` → `com.example.stable`.
fn reversed_group(group: &str) -> String {
    group.split('.').rev().collect::<Vec<_>>().join(".")
}

/// The served versions of a CRD.
pub(crate) fn served_versions(crd: &Value) -> Result<Vec<CrdVersion>, OpenApiError> {
    let name = crd.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("<unnamed>");
    let invalid =
        |problem: &str| OpenApiError::InvalidCrd { name: name.to_owned(), problem: problem.to_owned() };
    let text = |pointer: &str| crd.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty());
    let group = text("/spec/group").ok_or_else(|| invalid("spec.group is missing"))?;
    let kind = text("/spec/names/kind").ok_or_else(|| invalid("spec.names.kind is missing"))?;
    let plural = text("/spec/names/plural").ok_or_else(|| invalid("spec.names.plural is missing"))?;
    let list_kind = text("/spec/names/listKind").map_or_else(|| format!("{kind}List"), str::to_owned);
    let namespaced = match text("/spec/scope") {
        Some("Namespaced") => true,
        Some("Cluster") => false,
        _ => return Err(invalid("spec.scope must be Namespaced or Cluster")),
    };
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("spec.versions is missing"))?;
    let mut served = Vec::new();
    for version in versions {
        if version.get("served").and_then(Value::as_bool) != Some(true) {
            continue;
        }
        let version_name = version
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("a version has no name"))?;
        let subresources = ["status", "scale"]
            .into_iter()
            .filter(|sub| version.get("subresources").and_then(|s| s.get(*sub)).is_some_and(Value::is_object))
            .collect();
        served.push(CrdVersion {
            gvk: Gvk { group: group.to_owned(), version: version_name.to_owned(), kind: kind.to_owned() },
            list_kind: list_kind.clone(),
            plural: plural.to_owned(),
            namespaced,
            definition: format!("{}.{version_name}.{kind}", reversed_group(group)),
            schema: version.pointer("/schema/openAPIV3Schema").cloned(),
            subresources,
        });
    }
    Ok(served)
}

/// The v2 form of a CRD schema: kube removes what swagger 2.0 cannot express and what would
/// make kubectl's v2-based validation reject valid objects (`nullable` values, int-or-string,
/// fields kept by `x-kubernetes-preserve-unknown-fields`).
pub(crate) fn to_v2(schema: &mut Value, depth: usize) {
    let Some(object) = schema.as_object_mut() else { return };
    if depth > crate::documents::MAX_DEPTH {
        object.clear();
        return;
    }
    for keyword in ["anyOf", "oneOf", "allOf", "not", "x-kubernetes-validations"] {
        object.remove(keyword);
    }
    if object.remove("nullable").and_then(|n| n.as_bool()) == Some(true) {
        for keyword in ["type", "items", "properties", "additionalProperties"] {
            object.remove(keyword);
        }
    }
    if object.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
        object.remove("type");
    }
    if object.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool) == Some(true) {
        object.remove("properties");
        object.remove("items");
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for property in properties.values_mut() {
            to_v2(property, depth + 1);
        }
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(child) = object.get_mut(keyword) {
            to_v2(child, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_names_reverse_the_group() {
        let crd = json!({
            "metadata": {"name": "crontabs.stable.example.com"},
            "spec": {
                "group": "stable.example.com",
                "names": {"kind": "CronTab", "plural": "crontabs"},
                "scope": "Namespaced",
                "versions": [
                    {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"}},
                     "subresources": {"status": {}}},
                    {"name": "v2", "served": false, "storage": false},
                ],
            },
        });
        let versions = served_versions(&crd).unwrap_or_default();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].definition, "com.example.stable.v1.CronTab");
        assert_eq!(versions[0].list_kind, "CronTabList");
        assert_eq!(versions[0].subresources, vec!["status"]);
        let root = versions[0].root_definition();
        assert_eq!(
            root["properties"]["metadata"]["$ref"],
            "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        assert_eq!(
            root["x-kubernetes-group-version-kind"],
            json!([{"group": "stable.example.com", "kind": "CronTab", "version": "v1"}])
        );
    }

    #[test]
    fn a_crd_without_scope_is_refused() {
        let crd = json!({"metadata": {"name": "x"}, "spec": {"group": "g", "names": {"kind": "K", "plural": "ks"}, "versions": []}});
        assert!(matches!(served_versions(&crd), Err(OpenApiError::InvalidCrd { .. })));
    }
}
