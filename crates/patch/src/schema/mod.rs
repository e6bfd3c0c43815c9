//! Patch metadata: how each field of an object merges.
//!
//! Strategic merge patch and the editor merge need to know, for every list in an object, whether
//! it is atomic, a set, or a list of maps identified by keys, and for some maps whether keys absent
//! from a patch are cleared (`retainKeys`). Kubernetes publishes this in its OpenAPI documents as
//! `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`, `x-kubernetes-list-type` and
//! `x-kubernetes-list-map-keys`. A [`Schema`] holds that information for a set of named object
//! types; it comes either from an OpenAPI document ([`Schema::from_openapi`]) or from the crate's
//! own table of built-in kinds ([`Schema::builtin`]).
//!
//! Navigation is by [`Meta`]: the metadata of one value (its shape and, for a field, the field's
//! patch annotations). [`Schema::field`] and [`Schema::item`] step into children; a field the
//! schema does not know yields [`Meta::UNKNOWN`], under which maps merge and lists are replaced,
//! as kube-apiserver does for fields without annotations.

mod builtin;
mod openapi;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use openapi::OpenApiError;

/// The shape of a value, as far as merging cares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// Nothing is known: maps merge key by key, lists are replaced whole.
    #[default]
    Unknown,
    /// A string, number or boolean.
    Scalar,
    /// A named object type whose fields are listed in the [`Schema`].
    Object(String),
    /// A map with arbitrary keys (`additionalProperties`) whose values all have this metadata.
    Map(Box<Meta>),
    /// A list whose elements all have this metadata.
    List(Box<Meta>),
}

/// `x-kubernetes-list-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListType {
    /// The list is replaced as a whole.
    Atomic,
    /// A list of unique scalars, merged as a set.
    Set,
    /// A list of objects identified by the `x-kubernetes-list-map-keys` fields.
    Map,
}

/// The metadata of one value: its shape and, where the value is a field, the field's annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// What kind of value this is.
    pub shape: Shape,
    /// `x-kubernetes-patch-strategy` contains `merge`: a list merges instead of being replaced.
    pub merge: bool,
    /// `x-kubernetes-patch-strategy` contains `retainKeys`: a patch clears the keys it does not
    /// name (a map, or each element of a list).
    pub retain_keys: bool,
    /// `x-kubernetes-patch-strategy` contains `replace`.
    pub replace: bool,
    /// `x-kubernetes-patch-merge-key`: the field identifying an element of a merged list of maps.
    pub merge_key: Option<String>,
    /// `x-kubernetes-list-type`, where given.
    pub list_type: Option<ListType>,
    /// `x-kubernetes-list-map-keys`, where given.
    pub list_map_keys: Vec<String>,
}

/// How a list is merged, derived from a field's annotations and its element shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListKind<'a> {
    /// Replaced as a whole; in the editor merge, divergent edits conflict.
    Atomic,
    /// A set of scalars: additions and removals from both sides combine.
    Set,
    /// Objects identified by these key fields, merged element by element.
    Keyed(&'a [String]),
}

impl Meta {
    /// The metadata of a value nothing is known about.
    pub const UNKNOWN: Meta = Meta {
        shape: Shape::Unknown,
        merge: false,
        retain_keys: false,
        replace: false,
        merge_key: None,
        list_type: None,
        list_map_keys: Vec::new(),
    };

    /// Metadata for a value of the named object type.
    pub fn object(type_name: impl Into<String>) -> Meta {
        Meta { shape: Shape::Object(type_name.into()), ..Meta::default() }
    }

    /// Parses an `x-kubernetes-patch-strategy` value (comma-separated) into this metadata.
    pub fn set_patch_strategy(&mut self, strategy: &str) {
        for part in strategy.split(',').map(str::trim) {
            match part {
                "merge" => self.merge = true,
                "retainKeys" => self.retain_keys = true,
                "replace" => self.replace = true,
                _ => {}
            }
        }
    }

    /// The strategic-merge-patch view of a list: merge by `merge_key`, a merged set of scalars,
    /// or atomic. This is what kube-apiserver uses for strategic merge patch.
    pub fn strategic_list(&self) -> ListKind<'_> {
        if !self.merge {
            return ListKind::Atomic;
        }
        match &self.merge_key {
            Some(key) => ListKind::Keyed(std::slice::from_ref(key)),
            None => ListKind::Set,
        }
    }

    /// The structural view of a list used by the editor merge: `x-kubernetes-list-type` and its
    /// map keys where present (they identify elements more precisely, e.g. a Service port by
    /// `port` and `protocol`), otherwise the strategic-merge-patch annotations.
    pub fn structural_list(&self) -> ListKind<'_> {
        match self.list_type {
            Some(ListType::Map) if !self.list_map_keys.is_empty() => ListKind::Keyed(&self.list_map_keys),
            Some(ListType::Set) => ListKind::Set,
            Some(ListType::Atomic) => ListKind::Atomic,
            _ => self.strategic_list(),
        }
    }
}

/// A named object type: its fields with their metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectType {
    /// Fields by JSON name. Fields absent here have no annotations and merge by default rules.
    pub fields: HashMap<String, Meta>,
}

/// Identifies a kind: `group`, `version` and `kind` (`group` is empty for the core group).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvk {
    /// API group; empty for the core group.
    pub group: String,
    /// API version within the group.
    pub version: String,
    /// Kind name.
    pub kind: String,
}

impl Gvk {
    /// Builds a GVK from an object's `apiVersion` (`group/version` or `version`) and `kind`.
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        Gvk { group: group.to_owned(), version: version.to_owned(), kind: kind.to_owned() }
    }

    /// Whether kube-apiserver serves this group from compiled-in types (so it accepts strategic
    /// merge patch), as opposed to a CustomResourceDefinition (JSON merge patch only). Built-in
    /// groups are the core group, groups without a dot (`apps`, `batch`, …) and `*.k8s.io`.
    pub fn is_builtin_group(&self) -> bool {
        self.group.is_empty() || !self.group.contains('.') || self.group.ends_with(".k8s.io")
    }
}

/// Which patch format an object type takes, and so which format the engine produces for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchFormat {
    /// Kubernetes strategic merge patch (built-in kinds).
    Strategic,
    /// JSON merge patch, RFC 7386 (custom resources).
    Merge,
}

/// A place to borrow [`Meta::UNKNOWN`] from for any lifetime.
static UNKNOWN: Meta = Meta::UNKNOWN;

/// Patch metadata for a set of object types, and which type each kind's root object has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// Object types by name (OpenAPI definition names, e.g. `io.k8s.api.apps.v1.Deployment`).
    pub types: HashMap<String, ObjectType>,
    /// The type of each kind's root object.
    pub kinds: HashMap<Gvk, String>,
}

impl Schema {
    /// The crate's own metadata for the built-in kinds Concord's sandbox serves (core/v1,
    /// apps/v1, batch/v1, autoscaling/v2, networking, discovery, policy, rbac, storage,
    /// coordination, events and apiextensions, all v1). Needs no document; a test checks it
    /// against the upstream Kubernetes OpenAPI documents.
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(builtin::schema)
    }

    /// Reads patch metadata from an OpenAPI document, v2 (`definitions`) or v3
    /// (`components.schemas`), as kube-apiserver serves at `/openapi/v2` and `/openapi/v3/...`.
    pub fn from_openapi(document: &serde_json::Value) -> Result<Schema, OpenApiError> {
        openapi::read(document)
    }

    /// Reads patch metadata from a CustomResourceDefinition (`apiextensions.k8s.io/v1`): one type
    /// per inline object of each version's `openAPIV3Schema` (honouring `x-kubernetes-list-type`
    /// and `x-kubernetes-list-map-keys`), and each served version's kind mapped to its root type.
    /// Root types are named as kube-apiserver publishes them (`example.com`, `v1`, `Widget` →
    /// `com.example.v1.Widget`), nested ones `<parent>/<field>`. The root's `metadata` refers to
    /// `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`, which this schema does not define:
    /// combine it with the built-in schema (or the cluster's) using [`Schema::extend`] to
    /// navigate into `metadata`.
    pub fn from_crd(crd: &serde_json::Value) -> Result<Schema, OpenApiError> {
        openapi::read_crd(crd)
    }

    /// Adds the types and kinds of `other`, replacing entries of the same name.
    pub fn extend(&mut self, other: Schema) {
        self.types.extend(other.types);
        self.kinds.extend(other.kinds);
    }

    /// The metadata of a field of a value described by `parent`.
    pub fn field<'a>(&'a self, parent: &'a Meta, name: &str) -> &'a Meta {
        match &parent.shape {
            Shape::Object(type_name) => {
                self.types.get(type_name).and_then(|t| t.fields.get(name)).unwrap_or(&UNKNOWN)
            }
            Shape::Map(values) => values,
            _ => &UNKNOWN,
        }
    }

    /// The metadata of an element of a list described by `list`.
    pub fn item<'a>(&'a self, list: &'a Meta) -> &'a Meta {
        match &list.shape {
            Shape::List(items) => items,
            _ => &UNKNOWN,
        }
    }

    /// The metadata handle for objects of a kind: the root type if the schema knows the kind, and
    /// the patch format kube-apiserver accepts for it.
    pub fn for_kind(&self, gvk: &Gvk) -> TypeInfo<'_> {
        let root = match self.kinds.get(gvk) {
            Some(type_name) => Meta::object(type_name.clone()),
            None => Meta::UNKNOWN,
        };
        let format = if gvk.is_builtin_group() { PatchFormat::Strategic } else { PatchFormat::Merge };
        TypeInfo { schema: self, root, format }
    }

    /// The metadata handle for an object, found from its `apiVersion` and `kind`.
    pub fn for_object(&self, object: &serde_json::Value) -> TypeInfo<'_> {
        let field = |name| object.get(name).and_then(serde_json::Value::as_str).unwrap_or("");
        self.for_kind(&Gvk::from_api_version(field("apiVersion"), field("kind")))
    }
}

/// Everything the engine needs to know about one object type: the schema to navigate, the root
/// object's metadata, and the patch format to produce.
#[derive(Clone, Debug)]
pub struct TypeInfo<'a> {
    /// The schema that `root` refers into.
    pub schema: &'a Schema,
    /// Metadata of the root object.
    pub root: Meta,
    /// The patch format for this type.
    pub format: PatchFormat,
}

impl<'a> TypeInfo<'a> {
    /// A type nothing is known about, patched in the given format.
    pub fn untyped(format: PatchFormat) -> TypeInfo<'static> {
        static EMPTY: OnceLock<Schema> = OnceLock::new();
        TypeInfo { schema: EMPTY.get_or_init(Schema::default), root: Meta::UNKNOWN, format }
    }
}
