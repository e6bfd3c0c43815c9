//! Reading patch metadata from OpenAPI documents and CustomResourceDefinitions.
//!
//! kube-apiserver publishes two dialects: v2 (`/openapi/v2`, schemas under `definitions`, refs
//! `#/definitions/X`) and v3 (`/openapi/v3/<group-version>`, schemas under `components.schemas`,
//! refs `#/components/schemas/X`, usually wrapped as `allOf: [{$ref}]` so that a description can
//! sit beside them). Both describe built-in types as named definitions and custom resources as
//! definitions with inline nested schemas. This module turns either into a [`Schema`]: one
//! [`ObjectType`] per object definition, and one more per inline object schema, named after the
//! place it occurs (`<parent type>/<field>`), so that CRD schemas can be navigated like built-in
//! ones.
//!
//! The reader never recurses without bound: inline nesting is capped at [`MAX_DEPTH`], and refs
//! to object definitions are not followed (they become [`Shape::Object`] by name), so a
//! self-referential type such as `JSONSchemaProps` costs nothing. Only refs to non-object
//! definitions (aliases such as `Quantity`) are expanded, once each, with a guard against alias
//! cycles.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::{Gvk, ListType, Meta, ObjectType, Schema, Shape};

/// How deeply schemas may nest (inline objects, lists, maps, allOf members and alias refs
/// together) before a document is rejected. Real CRD schemas stay far below this; the cap keeps a
/// hostile or broken document from exhausting the stack.
pub(super) const MAX_DEPTH: usize = 64;

/// The type kube-apiserver gives every object's `metadata`. A CRD's schema leaves `metadata`
/// untyped, but the server always treats it as this type (and publishes it so).
const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

const PATCH_STRATEGY: &str = "x-kubernetes-patch-strategy";
const PATCH_MERGE_KEY: &str = "x-kubernetes-patch-merge-key";
const LIST_TYPE: &str = "x-kubernetes-list-type";
const LIST_MAP_KEYS: &str = "x-kubernetes-list-map-keys";
const GROUP_VERSION_KIND: &str = "x-kubernetes-group-version-kind";

/// Why an OpenAPI document or a CustomResourceDefinition could not be read.
///
/// `at` locates the problem: a definition name, followed by `/field` for each property on the way
/// down (the same path used to name inline types).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenApiError {
    /// The value is not an OpenAPI document: it has neither a `swagger`/`openapi` version nor
    /// schemas, or its `definitions` (v2) / `components.schemas` (v3) is not an object.
    #[error("not an OpenAPI document: expected `definitions` (v2) or `components.schemas` (v3) objects")]
    NotADocument,
    /// The value is not a usable `apiextensions.k8s.io/v1` CustomResourceDefinition.
    #[error("not a usable CustomResourceDefinition: {0}")]
    NotACrd(&'static str),
    /// A schema has the wrong JSON type somewhere.
    #[error("{at}: {problem}")]
    Malformed {
        /// Where the problem is.
        at: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A patch annotation has a value Kubernetes does not define.
    #[error("{at}: invalid `{annotation}`: {problem}")]
    BadAnnotation {
        /// Where the annotation is.
        at: String,
        /// Which annotation.
        annotation: &'static str,
        /// What is wrong with its value.
        problem: &'static str,
    },
    /// A `$ref` names no schema of the document (or points outside it).
    #[error("{at}: unresolved reference `{reference}`")]
    UnresolvedRef {
        /// Where the reference is.
        at: String,
        /// The reference as written.
        reference: String,
    },
    /// Schemas nest deeper than the reader allows (64 levels).
    #[error("{at}: schemas nest deeper than {limit} levels", limit = MAX_DEPTH)]
    TooDeep {
        /// Where the limit was hit.
        at: String,
    },
    /// Two schemas would get the same type name (a definition named like a synthesized inline
    /// type, or a CRD listing a version twice).
    #[error("{at}: type `{name}` is defined twice")]
    DuplicateType {
        /// Where the second definition is.
        at: String,
        /// The contested name.
        name: String,
    },
}

type Result<T> = std::result::Result<T, OpenApiError>;

/// Reads an OpenAPI v2 or v3 document. See [`Schema::from_openapi`].
pub(super) fn read(document: &Value) -> Result<Schema> {
    let schemas =
        document.get("definitions").or_else(|| document.get("components").and_then(|c| c.get("schemas")));
    let definitions = match schemas {
        Some(schemas) => schemas.as_object().ok_or(OpenApiError::NotADocument)?,
        // kube-apiserver serves some documents (`/openapi/v3/logs`, `.../openid/v1/jwks`) that
        // describe paths only: nothing to learn, but nothing wrong either.
        None if document.get("swagger").is_some() || document.get("openapi").is_some() => {
            return Ok(Schema::default());
        }
        None => return Err(OpenApiError::NotADocument),
    };
    let mut reader = Reader::new(Some(definitions));
    for (name, definition) in definitions {
        reader.definition(name, definition)?;
    }
    Ok(reader.schema)
}

/// Reads a CustomResourceDefinition. See [`Schema::from_crd`].
pub(super) fn read_crd(crd: &Value) -> Result<Schema> {
    if crd.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition") {
        return Err(OpenApiError::NotACrd("`kind` is not CustomResourceDefinition"));
    }
    let spec = crd.get("spec").ok_or(OpenApiError::NotACrd("no `spec`"))?;
    let group =
        spec.get("group").and_then(Value::as_str).ok_or(OpenApiError::NotACrd("no `spec.group` string"))?;
    let kind = spec
        .get("names")
        .and_then(|n| n.get("kind"))
        .and_then(Value::as_str)
        .ok_or(OpenApiError::NotACrd("no `spec.names.kind` string"))?;
    let versions = spec
        .get("versions")
        .and_then(Value::as_array)
        .ok_or(OpenApiError::NotACrd("no `spec.versions` list"))?;

    // CRD schemas are self-contained (the API server rejects `$ref`), so there is nothing to
    // resolve against.
    let mut reader = Reader::new(None);
    for version in versions {
        let name = version
            .get("name")
            .and_then(Value::as_str)
            .ok_or(OpenApiError::NotACrd("a version has no `name` string"))?;
        let served = version
            .get("served")
            .and_then(Value::as_bool)
            .ok_or(OpenApiError::NotACrd("a version has no `served` boolean"))?;
        // A version may omit its schema only in CRDs the server would reject; without one there
        // is nothing to record, and the kind's objects merge by default rules.
        let Some(root) = version.get("schema").and_then(|s| s.get("openAPIV3Schema")) else {
            continue;
        };
        let type_name = crd_type_name(group, name, kind);
        match reader.meta(root, &type_name, 0)?.shape {
            Shape::Object(_) => {}
            // `type: object` with `x-kubernetes-preserve-unknown-fields` and no properties is a
            // legal (if lazy) CRD: everything is free-form except `metadata`.
            Shape::Unknown => {
                reader.schema.types.insert(type_name.clone(), ObjectType::default());
            }
            Shape::Scalar | Shape::List(_) | Shape::Map(_) => {
                return Err(OpenApiError::Malformed {
                    at: type_name,
                    problem: "the root schema does not describe an object",
                });
            }
        }
        if let Some(object) = reader.schema.types.get_mut(&type_name) {
            let metadata = object.fields.entry("metadata".to_owned()).or_default();
            if metadata.shape == Shape::Unknown {
                metadata.shape = Shape::Object(OBJECT_META.to_owned());
            }
        }
        if served {
            let gvk = Gvk { group: group.to_owned(), version: name.to_owned(), kind: kind.to_owned() };
            reader.schema.kinds.insert(gvk, type_name);
        }
    }
    Ok(reader.schema)
}

/// The definition name kube-apiserver publishes a custom resource under: the group's labels
/// reversed, then version and kind (`example.com`, `v1`, `Widget` → `com.example.v1.Widget`).
/// Using the same name makes a schema read from a CRD line up with the cluster's document.
pub(super) fn crd_type_name(group: &str, version: &str, kind: &str) -> String {
    let mut name: Vec<&str> = group.split('.').rev().filter(|s| !s.is_empty()).collect();
    name.push(version);
    name.push(kind);
    name.join(".")
}

/// The annotations found on one schema node, before they are combined with those of its `allOf`
/// members.
#[derive(Default)]
struct Annotations<'v> {
    strategy: Option<&'v str>,
    merge_key: Option<&'v str>,
    list_type: Option<ListType>,
    list_map_keys: Option<Vec<String>>,
}

impl<'v> Annotations<'v> {
    fn read(node: &'v Map<String, Value>, at: &str) -> Result<Annotations<'v>> {
        let bad =
            |annotation, problem| OpenApiError::BadAnnotation { at: at.to_owned(), annotation, problem };
        let string = |annotation| match node.get(annotation) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(bad(annotation, "not a string")),
        };
        let strategy = string(PATCH_STRATEGY)?;
        let merge_key = string(PATCH_MERGE_KEY)?;
        let list_type = match string(LIST_TYPE)? {
            None => None,
            Some("atomic") => Some(ListType::Atomic),
            Some("set") => Some(ListType::Set),
            Some("map") => Some(ListType::Map),
            Some(_) => return Err(bad(LIST_TYPE, "not one of atomic, set, map")),
        };
        let list_map_keys = match node.get(LIST_MAP_KEYS) {
            None => None,
            Some(Value::Array(keys)) => Some(
                keys.iter()
                    .map(|k| k.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad(LIST_MAP_KEYS, "not a list of strings"))?,
            ),
            Some(_) => return Err(bad(LIST_MAP_KEYS, "not a list of strings")),
        };
        Ok(Annotations { strategy, merge_key, list_type, list_map_keys })
    }

    /// Fills what this node leaves unsaid from `other` (an `allOf` member): Kubernetes puts
    /// annotations beside the `allOf`, but hand-written documents sometimes put them inside.
    fn or(self, other: Annotations<'v>) -> Annotations<'v> {
        Annotations {
            strategy: self.strategy.or(other.strategy),
            merge_key: self.merge_key.or(other.merge_key),
            list_type: self.list_type.or(other.list_type),
            list_map_keys: self.list_map_keys.or(other.list_map_keys),
        }
    }

    fn apply(self, meta: &mut Meta) {
        if let Some(strategy) = self.strategy {
            meta.set_patch_strategy(strategy);
        }
        meta.merge_key = self.merge_key.map(str::to_owned);
        meta.list_type = self.list_type;
        meta.list_map_keys = self.list_map_keys.unwrap_or_default();
    }
}

/// What a ref to a non-object definition stands for, while and after it is expanded.
enum Alias {
    /// Being expanded: a ref reaching it again is a cycle.
    InProgress,
    /// Expanded to this shape.
    Done(Shape),
}

struct Reader<'d> {
    /// The document's named schemas, if refs may be resolved.
    definitions: Option<&'d Map<String, Value>>,
    schema: Schema,
    aliases: HashMap<String, Alias>,
}

impl<'d> Reader<'d> {
    fn new(definitions: Option<&'d Map<String, Value>>) -> Reader<'d> {
        Reader { definitions, schema: Schema::default(), aliases: HashMap::new() }
    }

    /// Registers one named definition (if it is an object) and the kinds it serves.
    fn definition(&mut self, name: &str, definition: &Value) -> Result<()> {
        let node = as_schema(definition, name)?;
        if let Some(node) = node
            && node.contains_key("properties")
        {
            self.object(node, name, 0)?;
        }
        let Some(gvks) = node.and_then(|n| n.get(GROUP_VERSION_KIND)) else {
            return Ok(());
        };
        let malformed = || OpenApiError::Malformed {
            at: name.to_owned(),
            problem: "malformed x-kubernetes-group-version-kind",
        };
        for gvk in gvks.as_array().ok_or_else(malformed)? {
            let field = |f| gvk.get(f).and_then(Value::as_str).map(str::to_owned).ok_or_else(malformed);
            let gvk = Gvk { group: field("group")?, version: field("version")?, kind: field("kind")? };
            self.schema.kinds.insert(gvk, name.to_owned());
        }
        Ok(())
    }

    /// The metadata of the value `schema` describes. `slot` names the place (and any inline
    /// object type found there); `depth` counts nesting so far.
    fn meta(&mut self, schema: &Value, slot: &str, depth: usize) -> Result<Meta> {
        if depth > MAX_DEPTH {
            return Err(OpenApiError::TooDeep { at: slot.to_owned() });
        }
        let Some(node) = as_schema(schema, slot)? else {
            return Ok(Meta::UNKNOWN);
        };
        let mut annotations = Annotations::read(node, slot)?;
        for member in node.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            if let Some(member) = member.as_object() {
                annotations = annotations.or(Annotations::read(member, slot)?);
            }
        }
        let mut meta = Meta { shape: self.shape(node, slot, depth)?, ..Meta::default() };
        annotations.apply(&mut meta);
        Ok(meta)
    }

    /// The shape of the value a schema node describes, registering inline object types.
    fn shape(&mut self, node: &Map<String, Value>, slot: &str, depth: usize) -> Result<Shape> {
        if let Some(reference) = node.get("$ref") {
            let reference = reference.as_str().ok_or_else(|| OpenApiError::Malformed {
                at: slot.to_owned(),
                problem: "`$ref` is not a string",
            })?;
            return self.reference(reference, slot, depth);
        }
        if node.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
            return Ok(Shape::Scalar);
        }
        if node.contains_key("properties") {
            self.object(node, slot, depth)?;
            return Ok(Shape::Object(slot.to_owned()));
        }
        match node.get("type") {
            Some(Value::String(t)) if t == "array" => {
                let items = match node.get("items") {
                    Some(items) => self.meta(items, slot, depth + 1)?,
                    None => Meta::UNKNOWN,
                };
                return Ok(Shape::List(Box::new(items)));
            }
            Some(Value::String(t)) if is_primitive(t) => return Ok(Shape::Scalar),
            Some(Value::String(_)) | None => {}
            Some(_) => {
                return Err(OpenApiError::Malformed {
                    at: slot.to_owned(),
                    problem: "`type` is not a string",
                });
            }
        }
        match node.get("additionalProperties") {
            Some(Value::Bool(true)) => return Ok(Shape::Map(Box::new(Meta::UNKNOWN))),
            Some(values @ Value::Object(_)) => {
                return Ok(Shape::Map(Box::new(self.meta(values, slot, depth + 1)?)));
            }
            _ => {}
        }
        if let Some(members) = node.get("allOf").and_then(Value::as_array) {
            // v3 wraps a ref in `allOf` so that siblings (description, default) can sit beside
            // it; the first member that says anything decides the shape.
            for member in members {
                if let Some(member) = as_schema(member, slot)? {
                    let shape = self.shape(member, slot, depth + 1)?;
                    if shape != Shape::Unknown {
                        return Ok(shape);
                    }
                }
            }
        }
        // `oneOf: [string, number]` is how v3 spells Quantity and IntOrString: a scalar either
        // way. Any alternative that is not a scalar leaves the value untyped. Members are only
        // inspected, not read: alternatives that are inline objects would all claim this slot's
        // type name, and an untyped value needs no types anyway.
        for keyword in ["oneOf", "anyOf"] {
            if let Some(members) = node.get(keyword).and_then(Value::as_array) {
                let mut all_scalar = !members.is_empty();
                for member in members {
                    let scalar = match as_schema(member, slot)? {
                        Some(member) => match member.get("$ref").and_then(Value::as_str) {
                            Some(reference) => self.reference(reference, slot, depth + 1)? == Shape::Scalar,
                            None => member.get("type").and_then(Value::as_str).is_some_and(is_primitive),
                        },
                        None => false,
                    };
                    all_scalar &= scalar;
                }
                return Ok(if all_scalar { Shape::Scalar } else { Shape::Unknown });
            }
        }
        Ok(Shape::Unknown)
    }

    /// Registers the object type `name` from a node with `properties`.
    fn object(&mut self, node: &Map<String, Value>, name: &str, depth: usize) -> Result<()> {
        let properties = node.get("properties").and_then(Value::as_object).ok_or_else(|| {
            OpenApiError::Malformed { at: name.to_owned(), problem: "`properties` is not an object" }
        })?;
        // Reserve the name first, so that a second schema claiming it is caught even while this
        // one's fields are still being read.
        match self.schema.types.entry(name.to_owned()) {
            Entry::Occupied(_) => {
                return Err(OpenApiError::DuplicateType { at: name.to_owned(), name: name.to_owned() });
            }
            Entry::Vacant(entry) => {
                entry.insert(ObjectType::default());
            }
        }
        let mut fields = HashMap::with_capacity(properties.len());
        for (field, schema) in properties {
            let slot = format!("{name}/{field}");
            fields.insert(field.clone(), self.meta(schema, &slot, depth + 1)?);
        }
        self.schema.types.insert(name.to_owned(), ObjectType { fields });
        Ok(())
    }

    /// The shape a `$ref` stands for: the named object type, or the expansion of a non-object
    /// definition (a scalar alias such as Quantity, or something untyped such as RawExtension).
    fn reference(&mut self, reference: &str, at: &str, depth: usize) -> Result<Shape> {
        let unresolved =
            || OpenApiError::UnresolvedRef { at: at.to_owned(), reference: reference.to_owned() };
        let name = reference
            .strip_prefix("#/definitions/")
            .or_else(|| reference.strip_prefix("#/components/schemas/"))
            .ok_or_else(unresolved)?;
        // JSON pointer escapes; Kubernetes names never need them, but the syntax allows them.
        let name = name.replace("~1", "/").replace("~0", "~");
        let definition = self.definitions.and_then(|d| d.get(&name)).ok_or_else(unresolved)?;
        let Some(node) = as_schema(definition, &name)? else {
            return Ok(Shape::Unknown);
        };
        if node.contains_key("properties") {
            return Ok(Shape::Object(name));
        }
        match self.aliases.get(&name) {
            Some(Alias::Done(shape)) => return Ok(shape.clone()),
            // A definition that contains itself without an object in between (`A: {items: A}`)
            // has no finite shape; say nothing about it rather than reject the document.
            Some(Alias::InProgress) => return Ok(Shape::Unknown),
            None => {}
        }
        self.aliases.insert(name.clone(), Alias::InProgress);
        let shape = self.shape(node, &name, depth + 1)?;
        self.aliases.insert(name, Alias::Done(shape.clone()));
        Ok(shape)
    }
}

/// A schema node as a JSON object; `None` for the boolean schemas `true`/`false`, which say
/// nothing about shape.
fn as_schema<'v>(schema: &'v Value, at: &str) -> Result<Option<&'v Map<String, Value>>> {
    match schema {
        Value::Object(node) => Ok(Some(node)),
        Value::Bool(_) => Ok(None),
        _ => Err(OpenApiError::Malformed { at: at.to_owned(), problem: "a schema is not an object" }),
    }
}

fn is_primitive(json_type: &str) -> bool {
    matches!(json_type, "string" | "integer" | "number" | "boolean")
}

// Tests unwrap freely: a panic is exactly how they should fail.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::ListKind;

    fn with(mut node: Value, key: &str, value: &str) -> Value {
        node[key] = json!(value);
        node
    }

    fn list_of(items: Meta) -> Shape {
        Shape::List(Box::new(items))
    }

    fn field<'s>(schema: &'s Schema, type_name: &str, field: &str) -> &'s Meta {
        schema
            .types
            .get(type_name)
            .unwrap_or_else(|| panic!("no type {type_name}"))
            .fields
            .get(field)
            .unwrap_or_else(|| panic!("no field {type_name}.{field}"))
    }

    /// The same little API in both dialects: v2 with bare refs, v3 with refs wrapped in allOf.
    fn document(v3: bool) -> Value {
        let r = |name: &str| {
            if v3 {
                json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}], "description": "d"})
            } else {
                json!({"$ref": format!("#/definitions/{name}"), "description": "d"})
            }
        };
        let item_ref = |name: &str| json!({"$ref": format!("#/{}/{name}", if v3 { "components/schemas" } else { "definitions" })});
        let quantity = if v3 {
            json!({"oneOf": [{"type": "string"}, {"type": "number"}]})
        } else {
            json!({"type": "string"})
        };
        let definitions = json!({
            "test.Pod": {
                "type": "object",
                "properties": {
                    "metadata": r("test.Meta"),
                    "spec": r("test.PodSpec"),
                },
                "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}],
            },
            "test.Meta": {
                "type": "object",
                "properties": {
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "finalizers": {
                        "type": "array", "items": {"type": "string"},
                        "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge",
                    },
                    "raw": r("test.Raw"),
                },
            },
            "test.PodSpec": {
                "type": "object",
                "properties": {
                    "containers": {
                        "type": "array", "items": item_ref("test.Container"),
                        "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                        "x-kubernetes-patch-merge-key": "name",
                        "x-kubernetes-patch-strategy": "merge",
                    },
                    "strategy": with(r("test.Strategy"), "x-kubernetes-patch-strategy", "retainKeys"),
                    "overhead": {"type": "object", "additionalProperties": item_ref("test.Quantity")},
                    "port": r("test.IntOrString"),
                },
            },
            "test.Container": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "cpu": r("test.Quantity")},
            },
            "test.Strategy": {"type": "object", "properties": {"type": {"type": "string"}}},
            "test.Quantity": quantity,
            "test.IntOrString": {"type": "string", "format": "int-or-string"},
            "test.Raw": {"type": "object"},
        });
        if v3 {
            json!({"openapi": "3.0.0", "components": {"schemas": definitions}})
        } else {
            json!({"swagger": "2.0", "definitions": definitions})
        }
    }

    #[test]
    fn reads_v2_refs_and_annotations() {
        let schema = read(&document(false)).unwrap();
        let gvk = Gvk::from_api_version("v1", "Pod");
        assert_eq!(schema.kinds.get(&gvk).map(String::as_str), Some("test.Pod"));
        assert_eq!(field(&schema, "test.Pod", "spec").shape, Shape::Object("test.PodSpec".into()));
        let containers = field(&schema, "test.PodSpec", "containers");
        assert_eq!(
            containers,
            &Meta {
                shape: list_of(Meta::object("test.Container")),
                merge: true,
                merge_key: Some("name".into()),
                list_type: Some(ListType::Map),
                list_map_keys: vec!["name".into()],
                ..Meta::default()
            }
        );
        let strategy = field(&schema, "test.PodSpec", "strategy");
        assert!(strategy.retain_keys && !strategy.merge);
        assert_eq!(strategy.shape, Shape::Object("test.Strategy".into()));
        let finalizers = field(&schema, "test.Meta", "finalizers");
        assert_eq!(finalizers.shape, list_of(Meta { shape: Shape::Scalar, ..Meta::default() }));
        assert_eq!(finalizers.list_type, Some(ListType::Set));
        let scalar = Meta { shape: Shape::Scalar, ..Meta::default() };
        assert_eq!(field(&schema, "test.Meta", "labels").shape, Shape::Map(Box::new(scalar.clone())));
        assert_eq!(field(&schema, "test.PodSpec", "overhead").shape, Shape::Map(Box::new(scalar)));
        assert_eq!(field(&schema, "test.Container", "cpu").shape, Shape::Scalar);
        assert_eq!(field(&schema, "test.PodSpec", "port").shape, Shape::Scalar);
        assert_eq!(field(&schema, "test.Meta", "raw").shape, Shape::Unknown);
        // Only object definitions become types.
        assert!(!schema.types.contains_key("test.Quantity"));
        assert!(!schema.types.contains_key("test.Raw"));
    }

    #[test]
    fn v3_allof_refs_read_like_v2() {
        assert_eq!(read(&document(true)).unwrap(), read(&document(false)).unwrap());
    }

    #[test]
    fn annotations_inside_allof_members_are_read() {
        let doc = json!({"definitions": {
            "A": {"properties": {"b": {
                "description": "annotation inside the member, as some generators write it",
                "allOf": [{"$ref": "#/definitions/B", "x-kubernetes-patch-strategy": "replace"}],
            }}},
            "B": {"properties": {}},
        }});
        let schema = read(&doc).unwrap();
        let b = field(&schema, "A", "b");
        assert!(b.replace);
        assert_eq!(b.shape, Shape::Object("B".into()));
    }

    #[test]
    fn inline_objects_get_path_names() {
        let doc = json!({"definitions": {
            "com.example.v1.Widget": {
                "type": "object",
                "properties": {
                    "spec": {
                        "type": "object",
                        "properties": {
                            "ports": {
                                "type": "array",
                                "x-kubernetes-list-type": "map",
                                "x-kubernetes-list-map-keys": ["port", "protocol"],
                                "items": {"type": "object", "properties": {"port": {"type": "integer"}}},
                            },
                            "any": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        },
                    },
                },
            },
        }});
        let schema = read(&doc).unwrap();
        let spec = field(&schema, "com.example.v1.Widget", "spec");
        assert_eq!(spec.shape, Shape::Object("com.example.v1.Widget/spec".into()));
        let ports = field(&schema, "com.example.v1.Widget/spec", "ports");
        assert_eq!(ports.shape, list_of(Meta::object("com.example.v1.Widget/spec/ports")));
        assert_eq!(ports.list_map_keys, ["port", "protocol"]);
        assert_eq!(field(&schema, "com.example.v1.Widget/spec/ports", "port").shape, Shape::Scalar);
        assert_eq!(field(&schema, "com.example.v1.Widget/spec", "any").shape, Shape::Unknown);
    }

    #[test]
    fn alternatives_of_inline_objects_are_untyped() {
        let doc = json!({"definitions": {"A": {"properties": {"b": {"oneOf": [
            {"properties": {"x": {"type": "string"}}},
            {"properties": {"y": {"type": "string"}}},
        ]}}}}});
        let schema = read(&doc).unwrap();
        assert_eq!(field(&schema, "A", "b").shape, Shape::Unknown);
        assert_eq!(schema.types.len(), 1);
    }

    #[test]
    fn self_reference_and_alias_cycles_terminate() {
        let doc = json!({"definitions": {
            // Like JSONSchemaProps: an object type that contains itself.
            "Props": {"properties": {
                "properties": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Props"}},
                "items": {"$ref": "#/definitions/Loop"},
            }},
            // Aliases that never reach an object.
            "Loop": {"type": "array", "items": {"$ref": "#/definitions/Loop2"}},
            "Loop2": {"$ref": "#/definitions/Loop"},
        }});
        let schema = read(&doc).unwrap();
        assert_eq!(field(&schema, "Props", "properties").shape, Shape::Map(Box::new(Meta::object("Props"))));
        // Loop = [Loop2] = [Loop], cut where it closes.
        assert_eq!(field(&schema, "Props", "items").shape, list_of(Meta::UNKNOWN));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut node = json!({"type": "string"});
        for _ in 0..1_000 {
            // Moved in, not through `json!`, which would copy the whole value at every level.
            node = serde_json::Value::Object(serde_json::Map::from_iter([
                ("type".to_owned(), json!("array")),
                ("items".to_owned(), node),
            ]));
        }
        let doc = json!({"definitions": {"Deep": {"properties": {"x": node}}}});
        let err = read(&doc).unwrap_err();
        assert!(matches!(err, OpenApiError::TooDeep { .. }), "{err}");
    }

    #[test]
    fn malformed_documents_are_typed_errors() {
        assert_eq!(read(&json!([1, 2])), Err(OpenApiError::NotADocument));
        assert_eq!(read(&json!({"definitions": 3})), Err(OpenApiError::NotADocument));
        let cases = [
            json!({"definitions": {"A": 7}}),
            json!({"definitions": {"A": {"properties": []}}}),
            json!({"definitions": {"A": {"properties": {"b": {"type": 5}}}}}),
            json!({"definitions": {"A": {"properties": {"b": {"$ref": 5}}}}}),
            json!({"definitions": {"A": {"properties": {"b": {"$ref": "#/definitions/Nope"}}}}}),
            json!({"definitions": {"A": {"properties": {"b": {"$ref": "http://x/y.json"}}}}}),
            json!({"definitions": {"A": {"properties": {"b": {"x-kubernetes-list-type": "bag"}}}}}),
            json!({"definitions": {"A": {"properties": {"b": {"x-kubernetes-list-map-keys": "k"}}}}}),
            json!({"definitions": {"A": {"properties": {"b": {"x-kubernetes-patch-strategy": 1}}}}}),
            json!({"definitions": {"A": {"properties": {}, "x-kubernetes-group-version-kind": {}}}}),
            json!({"definitions": {
                "A": {"properties": {"b": {"properties": {}}}},
                "A/b": {"properties": {}},
            }}),
        ];
        for case in cases {
            let err = read(&case).expect_err(&case.to_string());
            assert!(!err.to_string().is_empty());
        }
        let err = read(&json!({"definitions": {"A": {"properties": {"b": {"$ref": "#/definitions/Nope"}}}}}))
            .unwrap_err();
        assert_eq!(err.to_string(), "A/b: unresolved reference `#/definitions/Nope`",);
    }

    fn crd() -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {
                "group": "example.com",
                "names": {"kind": "Widget", "plural": "widgets"},
                "scope": "Namespaced",
                "versions": [
                    {
                        "name": "v1",
                        "served": true,
                        "storage": true,
                        "schema": {"openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "apiVersion": {"type": "string"},
                                "kind": {"type": "string"},
                                "metadata": {"type": "object"},
                                "spec": {
                                    "type": "object",
                                    "properties": {
                                        "ports": {
                                            "type": "array",
                                            "x-kubernetes-list-type": "map",
                                            "x-kubernetes-list-map-keys": ["port", "protocol"],
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "port": {"type": "integer"},
                                                    "protocol": {"type": "string"},
                                                    "hosts": {
                                                        "type": "array",
                                                        "items": {"type": "string"},
                                                        "x-kubernetes-list-type": "set",
                                                    },
                                                },
                                            },
                                        },
                                        "size": {"x-kubernetes-int-or-string": true},
                                    },
                                },
                            },
                        }},
                    },
                    {
                        "name": "v1alpha1",
                        "served": false,
                        "storage": false,
                        "schema": {"openAPIV3Schema": {"type": "object", "properties": {}}},
                    },
                ],
            },
        })
    }

    #[test]
    fn reads_a_crd() {
        let schema = read_crd(&crd()).unwrap();
        let v1 = Gvk::from_api_version("example.com/v1", "Widget");
        assert_eq!(schema.kinds.get(&v1).map(String::as_str), Some("com.example.v1.Widget"));
        assert!(!schema.kinds.contains_key(&Gvk::from_api_version("example.com/v1alpha1", "Widget")));
        assert_eq!(schema.kinds.len(), 1);

        let root = Meta::object("com.example.v1.Widget");
        assert_eq!(schema.field(&root, "metadata").shape, Shape::Object(OBJECT_META.into()));
        let spec = schema.field(&root, "spec");
        let ports = schema.field(spec, "ports");
        assert_eq!(ports.list_type, Some(ListType::Map));
        assert_eq!(ports.structural_list(), ListKind::Keyed(&["port".into(), "protocol".into()]));
        let port = schema.item(ports);
        assert_eq!(port.shape, Shape::Object("com.example.v1.Widget/spec/ports".into()));
        assert_eq!(schema.field(port, "hosts").list_type, Some(ListType::Set));
        assert_eq!(schema.field(spec, "size").shape, Shape::Scalar);
    }

    #[test]
    fn rejects_what_is_not_a_crd() {
        assert!(matches!(read_crd(&json!({"kind": "Pod"})), Err(OpenApiError::NotACrd(_))));
        let mut no_group = crd();
        no_group["spec"]["group"] = json!(1);
        assert!(matches!(read_crd(&no_group), Err(OpenApiError::NotACrd(_))));
        let mut bad_root = crd();
        bad_root["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = json!({"type": "string"});
        assert!(matches!(read_crd(&bad_root), Err(OpenApiError::Malformed { .. })));
        let mut free_form = crd();
        free_form["spec"]["versions"][0]["schema"]["openAPIV3Schema"] =
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
        let schema = read_crd(&free_form).unwrap();
        let root = Meta::object("com.example.v1.Widget");
        assert_eq!(schema.field(&root, "metadata").shape, Shape::Object(OBJECT_META.into()));
        assert_eq!(schema.field(&root, "spec"), &Meta::UNKNOWN);
        let mut twice = crd();
        twice["spec"]["versions"][1]["name"] = json!("v1");
        assert!(matches!(read_crd(&twice), Err(OpenApiError::DuplicateType { .. })));
    }

    #[test]
    fn crd_type_names_match_the_api_server() {
        assert_eq!(crd_type_name("example.com", "v1", "Widget"), "com.example.v1.Widget");
        assert_eq!(crd_type_name("cert-manager.io", "v1", "Certificate"), "io.cert-manager.v1.Certificate");
    }
}
