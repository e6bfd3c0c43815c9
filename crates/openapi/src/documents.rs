//! `/openapi/v2` and `/openapi/v3` for a set of served resources and CRDs.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha512};

use crate::builtin::{self, META, V2_REF_PREFIX, add_gvk};
use crate::crd::{self, CrdVersion};
use crate::paths::{self, Gvk, PathItem, Served};
use crate::{OpenApiError, Resource};

/// How deep schemas are followed; CRD schemas are user input.
pub(crate) const MAX_DEPTH: usize = 256;

/// Where definitions live in a v3 document.
const V3_REF_PREFIX: &str = "#/components/schemas/";

/// Everything served under `/openapi`, built from the built-in definitions plus CRDs.
#[derive(Clone, Debug)]
pub struct Documents {
    v2: Value,
    /// v3 documents by their path under `/openapi/v3/` (`api/v1`, `apis/apps/v1`, `apis`, ...),
    /// with their hashes.
    v3: BTreeMap<String, (Value, String)>,
}

/// The definitions a document can draw from: the built-in ones and those of the CRDs.
struct Pool<'a> {
    builtin: &'a BTreeMap<String, Value>,
    custom: BTreeMap<String, Value>,
}

impl Pool<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.custom.get(name).or_else(|| self.builtin.get(name))
    }

    fn is_custom(&self, name: &str) -> bool {
        self.custom.contains_key(name)
    }

    /// The named definitions and everything they refer to, transitively.
    fn closure<'n>(&self, roots: impl IntoIterator<Item = &'n str>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = queue.pop() {
            if seen.contains(&name) {
                continue;
            }
            let refs = match (self.custom.get(&name), builtin_refs().get(&name)) {
                (Some(schema), _) => {
                    let mut refs = Vec::new();
                    collect_refs(schema, &mut refs, 0);
                    refs
                }
                (None, Some(refs)) => refs.clone(),
                (None, None) => continue,
            };
            queue.extend(refs.into_iter().filter(|r| !seen.contains(r)));
            seen.insert(name);
        }
        seen
    }
}

/// The definitions each built-in definition refers to directly, collected once.
fn builtin_refs() -> &'static BTreeMap<String, Vec<String>> {
    static REFS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    REFS.get_or_init(|| {
        builtin::get()
            .definitions
            .iter()
            .map(|(name, schema)| {
                let mut refs = Vec::new();
                collect_refs(schema, &mut refs, 0);
                (name.clone(), refs)
            })
            .collect()
    })
}

/// The definition names a schema refers to.
fn collect_refs(schema: &Value, out: &mut Vec<String>, depth: usize) {
    let Some(object) = schema.as_object() else { return };
    if depth > MAX_DEPTH {
        return;
    }
    for (key, value) in object {
        match (key.as_str(), value) {
            ("$ref", Value::String(reference)) => {
                if let Some(name) = reference.strip_prefix(V2_REF_PREFIX) {
                    out.push(name.to_owned());
                }
            }
            // A map of schemas, whatever their names (JSONSchemaProps has properties named
            // `$ref` and `default`).
            ("properties" | "patternProperties" | "definitions", Value::Object(children)) => {
                children.values().for_each(|child| collect_refs(child, out, depth + 1));
            }
            ("items" | "additionalProperties" | "not", child) => collect_refs(child, out, depth + 1),
            ("allOf" | "anyOf" | "oneOf", Value::Array(children)) => {
                children.iter().for_each(|child| collect_refs(child, out, depth + 1));
            }
            _ => {}
        }
    }
}

/// A built-in definition as kube publishes it in v3: `$ref`s under `#/components/schemas/`, a
/// `$ref` with siblings (a description) wrapped in `allOf`, and the v3 forms of the types with
/// custom JSON encodings.
fn to_v3(name: &str, schema: &Value) -> Value {
    let mut converted = convert_v3(schema, 0);
    let one_of = match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
            Some(json!([{"type": "integer"}, {"type": "string"}]))
        }
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => {
            Some(json!([{"type": "string"}, {"type": "number"}]))
        }
        _ => None,
    };
    if let (Some(one_of), Some(object)) = (one_of, converted.as_object_mut()) {
        object.remove("type");
        object.insert("oneOf".to_owned(), one_of);
    }
    converted
}

fn convert_v3(schema: &Value, depth: usize) -> Value {
    let Some(object) = schema.as_object() else { return schema.clone() };
    if depth > MAX_DEPTH {
        return Value::Object(Map::new());
    }
    let mut converted = Map::new();
    for (key, value) in object {
        let value = match (key.as_str(), value) {
            ("$ref", Value::String(reference)) => match reference.strip_prefix(V2_REF_PREFIX) {
                Some(name) => Value::from(format!("{V3_REF_PREFIX}{name}")),
                None => value.clone(),
            },
            ("properties" | "patternProperties" | "definitions", Value::Object(children)) => Value::Object(
                children.iter().map(|(name, child)| (name.clone(), convert_v3(child, depth + 1))).collect(),
            ),
            ("items" | "additionalProperties" | "not", child) => convert_v3(child, depth + 1),
            ("allOf" | "anyOf" | "oneOf", Value::Array(children)) => {
                Value::Array(children.iter().map(|child| convert_v3(child, depth + 1)).collect())
            }
            _ => value.clone(),
        };
        converted.insert(key.clone(), value);
    }
    if converted.len() > 1
        && let Some(reference) = converted.remove("$ref")
    {
        converted.insert("allOf".to_owned(), json!([{"$ref": reference}]));
    }
    Value::Object(converted)
}

/// SHA-512 of the document's JSON, upper-case hex, as kube-apiserver's `?hash=`.
fn hash(document: &Value) -> String {
    let digest = Sha512::digest(document.to_string().as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02X}");
    }
    hex
}

fn security_scheme() -> Value {
    json!({"BearerToken": {"description": "Bearer Token authentication", "in": "header", "name": "authorization", "type": "apiKey"}})
}

fn info() -> Value {
    json!({"title": "Kubernetes", "version": "unversioned"})
}

/// The paths of one group-version, with the GVs kinds' envelopes.
#[derive(Default)]
struct GroupVersion {
    items: Vec<PathItem>,
}

impl Documents {
    /// Builds the documents for the served built-in resources and the given
    /// `apiextensions.k8s.io/v1` CustomResourceDefinition objects (their served versions).
    ///
    /// Resources backed by one of the CRDs (same group, version and plural) are published from
    /// the CRD, so the registry may list them or not.
    pub fn build(resources: &[Resource], crds: &[Value]) -> Result<Documents, OpenApiError> {
        let builtin = builtin::get();
        let mut pool = Pool { builtin: &builtin.definitions, custom: BTreeMap::new() };
        let mut custom_versions: Vec<CrdVersion> = Vec::new();
        for crd in crds {
            custom_versions.extend(crd::served_versions(crd)?);
        }
        for version in &custom_versions {
            pool.custom.insert(version.definition.clone(), version.root_definition());
            pool.custom.insert(version.list_definition(), version.list_definition_schema());
        }
        let custom_keys: HashSet<(&str, &str, &str)> = custom_versions
            .iter()
            .map(|v| (v.gvk.group.as_str(), v.gvk.version.as_str(), v.plural.as_str()))
            .collect();

        let gvk_of = |definition: &str| -> Option<Gvk> {
            builtin.kinds.iter().find(|k| k.definition == definition).map(|k| Gvk {
                group: k.group.to_owned(),
                version: k.version.to_owned(),
                kind: k.kind.clone(),
            })
        };
        let all_verbs: Vec<String> =
            ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
                .map(str::to_owned)
                .into();
        let sub_verbs: Vec<String> = ["get", "update", "patch"].map(str::to_owned).into();

        let mut group_versions: BTreeMap<(String, String), GroupVersion> = BTreeMap::new();
        for resource in resources {
            if custom_keys.contains(&(
                resource.group.as_str(),
                resource.version.as_str(),
                resource.plural.as_str(),
            )) {
                continue;
            }
            let unknown = |definition: &str| OpenApiError::UnknownDefinition {
                resource: format!("{}.{}", resource.plural, resource.group),
                definition: definition.to_owned(),
            };
            if pool.get(&resource.definition).is_none() {
                return Err(unknown(&resource.definition));
            }
            let gvk = Gvk {
                group: resource.group.clone(),
                version: resource.version.clone(),
                kind: resource.kind.clone(),
            };
            let mut subresources = Vec::new();
            for sub in &resource.subresources {
                let sub_gvk = if sub.kind_definition == resource.definition {
                    gvk.clone()
                } else {
                    gvk_of(&sub.kind_definition).ok_or_else(|| unknown(&sub.kind_definition))?
                };
                subresources.push((
                    sub.name.as_str(),
                    sub.kind_definition.as_str(),
                    sub_gvk,
                    sub.verbs.as_slice(),
                ));
            }
            let served = Served {
                gvk,
                plural: &resource.plural,
                namespaced: resource.namespaced,
                verbs: &resource.verbs,
                definition: &resource.definition,
                list_definition: format!("{}List", resource.definition),
                subresources,
                custom: false,
            };
            group_versions
                .entry((resource.group.clone(), resource.version.clone()))
                .or_default()
                .items
                .extend(paths::resource_paths(&served));
        }
        let scale_gvk =
            Gvk { group: "autoscaling".to_owned(), version: "v1".to_owned(), kind: "Scale".to_owned() };
        let scale_definition = "io.k8s.api.autoscaling.v1.Scale";
        for version in &custom_versions {
            let subresources = version
                .subresources
                .iter()
                .map(|sub| match *sub {
                    "scale" => (*sub, scale_definition, scale_gvk.clone(), sub_verbs.as_slice()),
                    _ => (*sub, version.definition.as_str(), version.gvk.clone(), sub_verbs.as_slice()),
                })
                .collect();
            let served = Served {
                gvk: version.gvk.clone(),
                plural: &version.plural,
                namespaced: version.namespaced,
                verbs: &all_verbs,
                definition: &version.definition,
                list_definition: version.list_definition(),
                subresources,
                custom: true,
            };
            group_versions
                .entry((version.gvk.group.clone(), version.gvk.version.clone()))
                .or_default()
                .items
                .extend(paths::resource_paths(&served));
        }

        let mut v3 = BTreeMap::new();
        let mut all_items: Vec<PathItem> = Vec::new();
        let mut groups: BTreeSet<&str> = BTreeSet::new();
        for ((group, version), gv) in &group_versions {
            let mut items = vec![paths::group_version_root(group, version)];
            items.extend(gv.items.iter().cloned());
            items.sort_by(|a, b| a.path.cmp(&b.path));
            let document = v3_document(&pool, &items, &[(group.as_str(), version.as_str())]);
            let key =
                if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") };
            insert_v3(&mut v3, key, document);
            if !group.is_empty() {
                groups.insert(group);
            }
            all_items.extend(items);
        }
        let mut discovery = vec![
            paths::discovery(
                "/api/".to_owned(),
                "getCoreAPIVersions".to_owned(),
                "get available API versions",
                "core".to_owned(),
                format!("{META}APIVersions"),
                false,
            ),
            paths::discovery(
                "/apis/".to_owned(),
                "getAPIVersions".to_owned(),
                "get available API versions",
                "apis".to_owned(),
                format!("{META}APIGroupList"),
                false,
            ),
            paths::discovery(
                "/version/".to_owned(),
                "getCodeVersion".to_owned(),
                "get the version information for this server",
                "version".to_owned(),
                "io.k8s.apimachinery.pkg.version.Info".to_owned(),
                true,
            ),
        ];
        for group in &groups {
            discovery.push(paths::group_root(group));
        }
        for item in &discovery {
            let key = item.path.trim_matches('/').to_owned();
            insert_v3(&mut v3, key, v3_document(&pool, std::slice::from_ref(item), &[]));
        }
        all_items.extend(discovery);
        all_items.sort_by(|a, b| a.path.cmp(&b.path));
        let served_gvs: Vec<(&str, &str)> =
            group_versions.keys().map(|(g, v)| (g.as_str(), v.as_str())).collect();
        let v2 = v2_document(&pool, &all_items, &served_gvs);
        Ok(Documents { v2, v3 })
    }

    /// The swagger 2.0 document with every path and definition (`/openapi/v2`).
    pub fn v2(&self) -> &Value {
        &self.v2
    }

    /// The `/openapi/v3` index: each document's path with its `serverRelativeURL`, whose
    /// `hash` changes whenever the document does.
    pub fn v3_index(&self) -> Value {
        let paths: Map<String, Value> = self
            .v3
            .iter()
            .map(|(key, (_, hash))| {
                (key.clone(), json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}))
            })
            .collect();
        json!({"paths": paths})
    }

    /// The v3 document at `/openapi/v3/<path>` (`api/v1`, `apis/apps/v1`, `apis`, `version`,
    /// ...), with its hash.
    pub fn v3(&self, path: &str) -> Option<(&Value, &str)> {
        self.v3.get(path.trim_matches('/')).map(|(document, hash)| (document, hash.as_str()))
    }
}

fn insert_v3(v3: &mut BTreeMap<String, (Value, String)>, key: String, document: Value) {
    let digest = hash(&document);
    v3.insert(key, (document, digest));
}

/// The envelope definitions every group-version with the matching operations registers.
fn envelope_gvks(name: &str, schema: &mut Value, group_versions: &[(&str, &str)]) {
    for envelope in ["DeleteOptions", "WatchEvent"] {
        if name.strip_prefix(META) == Some(envelope) {
            for (group, version) in group_versions {
                add_gvk(schema, group, version, envelope);
            }
        }
    }
}

/// The built-in definitions in their v3 form, converted once.
fn builtin_v3() -> &'static BTreeMap<String, Value> {
    static V3: OnceLock<BTreeMap<String, Value>> = OnceLock::new();
    V3.get_or_init(|| {
        builtin::get().definitions.iter().map(|(name, schema)| (name.clone(), to_v3(name, schema))).collect()
    })
}

fn v3_document(pool: &Pool<'_>, items: &[PathItem], group_versions: &[(&str, &str)]) -> Value {
    let roots: Vec<&str> = items.iter().flat_map(PathItem::definitions).collect();
    let mut schemas = Map::new();
    for name in pool.closure(roots) {
        let converted = match (pool.custom.get(&name), builtin_v3().get(&name)) {
            (Some(custom), _) => Some(to_v3(&name, custom)),
            (None, Some(builtin)) => Some(builtin.clone()),
            (None, None) => None,
        };
        if let Some(mut converted) = converted {
            envelope_gvks(&name, &mut converted, group_versions);
            schemas.insert(name, converted);
        }
    }
    let paths: Map<String, Value> = items.iter().map(|item| (item.path.clone(), item.v3())).collect();
    json!({
        "openapi": "3.0.0",
        "info": info(),
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": security_scheme()},
    })
}

fn v2_document(pool: &Pool<'_>, items: &[PathItem], group_versions: &[(&str, &str)]) -> Value {
    let roots: Vec<&str> = items.iter().flat_map(PathItem::definitions).collect();
    let mut definitions = Map::new();
    for name in pool.closure(roots) {
        if let Some(schema) = pool.get(&name) {
            let mut schema = schema.clone();
            if pool.is_custom(&name) {
                crd::to_v2(&mut schema, 0);
            }
            envelope_gvks(&name, &mut schema, group_versions);
            definitions.insert(name, schema);
        }
    }
    let paths: Map<String, Value> = items.iter().map(|item| (item.path.clone(), item.v2())).collect();
    json!({
        "swagger": "2.0",
        "info": info(),
        "paths": paths,
        "definitions": definitions,
        "security": [{"BearerToken": []}],
        "securityDefinitions": security_scheme(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_with_siblings_are_wrapped_in_all_of() {
        let schema = json!({"properties": {
            "a": {"$ref": "#/definitions/X", "description": "d"},
            "b": {"type": "array", "items": {"$ref": "#/definitions/Y"}},
        }});
        let converted = to_v3("Z", &schema);
        assert_eq!(
            converted["properties"]["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "d"})
        );
        assert_eq!(converted["properties"]["b"]["items"], json!({"$ref": "#/components/schemas/Y"}));
    }

    #[test]
    fn deep_schemas_are_cut_off() {
        let mut schema = json!({});
        for _ in 0..(MAX_DEPTH * 2) {
            // Moved in, not through `json!`, which would copy the whole value at every level.
            let properties = Value::Object(Map::from_iter([("a".to_owned(), schema)]));
            schema = Value::Object(Map::from_iter([("properties".to_owned(), properties)]));
        }
        let mut refs = Vec::new();
        collect_refs(&schema, &mut refs, 0);
        assert!(refs.is_empty());
        let converted = convert_v3(&schema, 0);
        assert!(converted.is_object());
    }
}
