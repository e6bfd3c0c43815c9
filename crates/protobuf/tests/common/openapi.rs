//! Checks JSON objects against the upstream Kubernetes OpenAPI v2 document (shared by the unit
//! tests in `src/` and the integration tests).

use std::collections::BTreeSet;
use std::path::PathBuf;

use base64::Engine as _;
use serde_json::{Map, Value};

/// The definitions of the upstream swagger.json.
pub struct Swagger {
    definitions: Map<String, Value>,
}

/// What a walk found: keys or values the schema does not allow, and the properties it reached.
#[derive(Default)]
pub struct Walk {
    /// `path: problem` for every key or value that does not match the schema.
    pub problems: Vec<String>,
    /// `(definition, property)` for every property the walked objects set.
    pub covered: BTreeSet<(String, String)>,
}

impl Swagger {
    /// Reads `shared/k8s-openapi/swagger.json` beside the repository.
    pub fn load() -> Self {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-openapi/swagger.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let mut doc: Value = serde_json::from_str(&text).expect("swagger.json is JSON");
        let Some(Value::Object(definitions)) = doc.get_mut("definitions").map(Value::take) else {
            panic!("swagger.json has no definitions");
        };
        Self { definitions }
    }

    /// The definition whose `x-kubernetes-group-version-kind` lists the apiVersion and kind.
    pub fn definition_for(&self, api_version: &str, kind: &str) -> Option<&str> {
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        self.definitions.iter().find_map(|(name, schema)| {
            let gvks = schema.get("x-kubernetes-group-version-kind")?.as_array()?;
            gvks.iter()
                .any(|gvk| gvk["group"] == group && gvk["version"] == version && gvk["kind"] == kind)
                .then_some(name.as_str())
        })
    }

    /// Every property of a definition.
    pub fn properties(&self, definition: &str) -> Vec<String> {
        self.definitions[definition]
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| props.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Walks `value` against the definition of its apiVersion and kind.
    pub fn check_object(&self, value: &Value, walk: &mut Walk) {
        let api_version = value["apiVersion"].as_str().unwrap_or_default();
        let kind = value["kind"].as_str().unwrap_or_default();
        match self.definition_for(api_version, kind) {
            Some(definition) => {
                let schema = Value::String(format!("#/definitions/{definition}"));
                let schema = serde_json::json!({ "$ref": schema });
                self.check(&schema, value, kind, None, walk);
            }
            None => walk.problems.push(format!("{api_version} {kind}: no upstream definition")),
        }
    }

    fn check(&self, schema: &Value, value: &Value, path: &str, owner: Option<&str>, walk: &mut Walk) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/definitions/");
            let Some(target) = self.definitions.get(name) else {
                walk.problems.push(format!("{path}: dangling {reference}"));
                return;
            };
            return self.check(target, value, path, Some(name), walk);
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.check(part, value, path, owner, walk);
            }
            return;
        }
        // Go writes nil pointers and zero times as null.
        if value.is_null() {
            return;
        }
        let format = schema.get("format").and_then(Value::as_str);
        let ok = match (schema.get("type").and_then(Value::as_str), value) {
            (Some("string"), Value::Number(n)) => format == Some("int-or-string") && n.is_i64(),
            (Some("string"), Value::String(s)) => match format {
                Some("byte") => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
                Some("date-time") => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                _ => true,
            },
            (Some("integer"), Value::Number(n)) => n.is_i64(),
            (Some("number"), Value::Number(_)) => true,
            (Some("boolean"), Value::Bool(_)) => true,
            (Some("array"), Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    self.check(&schema["items"], item, &format!("{path}[{index}]"), None, walk);
                }
                true
            }
            (Some("object") | None, Value::Object(fields)) => {
                self.check_fields(schema, fields, path, owner, walk);
                true
            }
            _ => false,
        };
        if !ok {
            walk.problems.push(format!("{path}: {value} does not match {schema}"));
        }
    }

    fn check_fields(
        &self,
        schema: &Value,
        fields: &Map<String, Value>,
        path: &str,
        owner: Option<&str>,
        walk: &mut Walk,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for (key, field) in fields {
            let field_path = format!("{path}.{key}");
            if let Some(property) = properties.and_then(|props| props.get(key)) {
                if let Some(owner) = owner {
                    walk.covered.insert((owner.to_owned(), key.clone()));
                }
                self.check(property, field, &field_path, None, walk);
            } else if let Some(additional) = additional {
                self.check(additional, field, &format!("{path}[{key}]"), None, walk);
            } else if properties.is_some() {
                walk.problems.push(format!("{field_path}: not in the upstream schema"));
            }
        }
    }
}
