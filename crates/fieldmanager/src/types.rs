//! How structured-merge-diff sees each value of an object: a scalar, a map (a struct with named
//! fields, or a map with arbitrary keys; granular or atomic) or a list (atomic, a set, or keyed
//! by some of its elements' fields), from concord-patch's [`Meta`] plus what it does not record.
//!
//! concord-patch's metadata is about patching, so this module adds three facts
//! structured-merge-diff needs and kube-apiserver's OpenAPI publishes:
//!
//! - `x-kubernetes-map-type: atomic` (Go `+structType=atomic` / `+mapType=atomic`): the object
//!   types and map fields owned as one value ([`ATOMIC_TYPES`], [`ATOMIC_MAP_FIELDS`]);
//! - defaults of list-map key fields (a container port's `protocol` is `TCP`), with which
//!   kube-apiserver completes a key the applied configuration leaves out ([`KEY_DEFAULTS`]);
//! - which keys are named struct fields. Every key of an object type is one. For a value the
//!   schema says nothing about ([`Shape::Unknown`]), kube-apiserver's answer differs by kind:
//!   built-in kinds are Go structs, whose every field is declared (concord-patch's built-in
//!   table just leaves out the ones patching does not care about), so such a map is a struct;
//!   custom resources and kinds without a schema get structured-merge-diff's deduced schema,
//!   where a map's keys are not fields (`x-kubernetes-preserve-unknown-fields`). Lists the schema
//!   says nothing about are atomic either way.
//!
//! A test (`upstream` below) checks the three tables against the Kubernetes OpenAPI documents.

use concord_patch::schema::{ListKind, Meta, PatchFormat, Schema, Shape, TypeInfo};
use serde_json::Value;

use crate::path::PathElement;

/// Object types declared `x-kubernetes-map-type: atomic` by Kubernetes 1.36.
pub(crate) const ATOMIC_TYPES: &[&str] = &[
    "io.k8s.api.admissionregistration.v1.MatchResources",
    "io.k8s.api.admissionregistration.v1.NamedRuleWithOperations",
    "io.k8s.api.admissionregistration.v1.ParamKind",
    "io.k8s.api.admissionregistration.v1.ParamRef",
    "io.k8s.api.admissionregistration.v1.Variable",
    "io.k8s.api.admissionregistration.v1alpha1.MatchResources",
    "io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations",
    "io.k8s.api.admissionregistration.v1alpha1.ParamKind",
    "io.k8s.api.admissionregistration.v1alpha1.ParamRef",
    "io.k8s.api.admissionregistration.v1beta1.MatchResources",
    "io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations",
    "io.k8s.api.admissionregistration.v1beta1.ParamKind",
    "io.k8s.api.admissionregistration.v1beta1.ParamRef",
    "io.k8s.api.admissionregistration.v1beta1.Variable",
    "io.k8s.api.autoscaling.v1.CrossVersionObjectReference",
    "io.k8s.api.core.v1.ConfigMapKeySelector",
    "io.k8s.api.core.v1.EndpointAddress",
    "io.k8s.api.core.v1.EndpointPort",
    "io.k8s.api.core.v1.FileKeySelector",
    "io.k8s.api.core.v1.LocalObjectReference",
    "io.k8s.api.core.v1.NodeSelector",
    "io.k8s.api.core.v1.NodeSelectorTerm",
    "io.k8s.api.core.v1.ObjectFieldSelector",
    "io.k8s.api.core.v1.ObjectReference",
    "io.k8s.api.core.v1.ResourceFieldSelector",
    "io.k8s.api.core.v1.ScopeSelector",
    "io.k8s.api.core.v1.SecretKeySelector",
    "io.k8s.api.core.v1.SecretReference",
    "io.k8s.api.core.v1.TopologySelectorTerm",
    "io.k8s.api.core.v1.TypedLocalObjectReference",
    "io.k8s.api.discovery.v1.EndpointPort",
    "io.k8s.api.networking.v1.ServiceBackendPort",
    "io.k8s.api.rbac.v1.RoleRef",
    "io.k8s.api.rbac.v1.Subject",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
    "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
];

/// Map fields declared `x-kubernetes-map-type: atomic`, as `(object type, field)`.
pub(crate) const ATOMIC_MAP_FIELDS: &[(&str, &str)] = &[
    ("io.k8s.api.core.v1.PodSpec", "nodeSelector"),
    ("io.k8s.api.core.v1.ReplicationControllerSpec", "selector"),
    ("io.k8s.api.core.v1.ServiceSpec", "selector"),
    ("io.k8s.api.node.v1.Scheduling", "nodeSelector"),
];

/// Defaults of list-map key fields, as `(element type, field, default as JSON)`. Most are the
/// zero values Kubernetes' OpenAPI v3 declares for required key fields; a container port's
/// `protocol` is `TCP`.
pub(crate) const KEY_DEFAULTS: &[(&str, &str, &str)] = &[
    ("io.k8s.api.admissionregistration.v1.MatchCondition", "name", "\"\""),
    ("io.k8s.api.admissionregistration.v1.MutatingWebhook", "name", "\"\""),
    ("io.k8s.api.admissionregistration.v1.ValidatingWebhook", "name", "\"\""),
    ("io.k8s.api.admissionregistration.v1.Variable", "name", "\"\""),
    ("io.k8s.api.admissionregistration.v1alpha1.MatchCondition", "name", "\"\""),
    ("io.k8s.api.admissionregistration.v1beta1.MatchCondition", "name", "\"\""),
    ("io.k8s.api.apiserverinternal.v1alpha1.StorageVersionCondition", "type", "\"\""),
    ("io.k8s.api.apps.v1.DaemonSetCondition", "type", "\"\""),
    ("io.k8s.api.apps.v1.DeploymentCondition", "type", "\"\""),
    ("io.k8s.api.apps.v1.ReplicaSetCondition", "type", "\"\""),
    ("io.k8s.api.apps.v1.StatefulSetCondition", "type", "\"\""),
    ("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition", "type", "\"\""),
    ("io.k8s.api.certificates.v1.CertificateSigningRequestCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.ComponentCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.Container", "name", "\"\""),
    ("io.k8s.api.core.v1.ContainerPort", "containerPort", "0"),
    ("io.k8s.api.core.v1.ContainerPort", "protocol", "\"TCP\""),
    ("io.k8s.api.core.v1.EnvVar", "name", "\"\""),
    ("io.k8s.api.core.v1.EphemeralContainer", "name", "\"\""),
    ("io.k8s.api.core.v1.HostAlias", "ip", "\"\""),
    ("io.k8s.api.core.v1.LocalObjectReference", "name", "\"\""),
    ("io.k8s.api.core.v1.NamespaceCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.NodeAddress", "type", "\"\""),
    ("io.k8s.api.core.v1.NodeCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.PersistentVolumeClaimCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.PodCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.PodIP", "ip", "\"\""),
    ("io.k8s.api.core.v1.PodResourceClaim", "name", "\"\""),
    ("io.k8s.api.core.v1.PodResourceClaimStatus", "name", "\"\""),
    ("io.k8s.api.core.v1.PodSchedulingGate", "name", "\"\""),
    ("io.k8s.api.core.v1.ReplicationControllerCondition", "type", "\"\""),
    ("io.k8s.api.core.v1.ResourceClaim", "name", "\"\""),
    ("io.k8s.api.core.v1.ResourceHealth", "resourceID", "\"\""),
    ("io.k8s.api.core.v1.ResourceStatus", "name", "\"\""),
    ("io.k8s.api.core.v1.ServicePort", "port", "0"),
    ("io.k8s.api.core.v1.ServicePort", "protocol", "\"TCP\""),
    ("io.k8s.api.core.v1.TopologySpreadConstraint", "topologyKey", "\"\""),
    ("io.k8s.api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable", "\"\""),
    ("io.k8s.api.core.v1.Volume", "name", "\"\""),
    ("io.k8s.api.core.v1.VolumeDevice", "devicePath", "\"\""),
    ("io.k8s.api.core.v1.VolumeMount", "mountPath", "\"\""),
    ("io.k8s.api.core.v1.VolumeMountStatus", "mountPath", "\"\""),
    ("io.k8s.api.resource.v1.AllocatedDeviceStatus", "device", "\"\""),
    ("io.k8s.api.resource.v1.AllocatedDeviceStatus", "driver", "\"\""),
    ("io.k8s.api.resource.v1.AllocatedDeviceStatus", "pool", "\"\""),
    ("io.k8s.api.resource.v1.ResourceClaimConsumerReference", "uid", "\"\""),
    ("io.k8s.api.resource.v1beta1.AllocatedDeviceStatus", "device", "\"\""),
    ("io.k8s.api.resource.v1beta1.AllocatedDeviceStatus", "driver", "\"\""),
    ("io.k8s.api.resource.v1beta1.AllocatedDeviceStatus", "pool", "\"\""),
    ("io.k8s.api.resource.v1beta1.ResourceClaimConsumerReference", "uid", "\"\""),
    ("io.k8s.api.resource.v1beta2.AllocatedDeviceStatus", "device", "\"\""),
    ("io.k8s.api.resource.v1beta2.AllocatedDeviceStatus", "driver", "\"\""),
    ("io.k8s.api.resource.v1beta2.AllocatedDeviceStatus", "pool", "\"\""),
    ("io.k8s.api.resource.v1beta2.ResourceClaimConsumerReference", "uid", "\"\""),
    ("io.k8s.api.scheduling.v1alpha2.PodGroupResourceClaim", "name", "\"\""),
    ("io.k8s.api.scheduling.v1alpha2.PodGroupResourceClaimStatus", "name", "\"\""),
    ("io.k8s.api.scheduling.v1alpha2.PodGroupTemplate", "name", "\"\""),
    ("io.k8s.api.storage.v1.CSINodeDriver", "name", "\"\""),
    (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionCondition",
        "type",
        "\"\"",
    ),
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule", "rule", "\"\""),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.Condition", "type", "\"\""),
    ("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", "uid", "\"\""),
    ("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceCondition", "type", "\"\""),
];

/// The schema context of a walk over one object.
#[derive(Clone, Copy)]
pub(crate) struct Typer<'s> {
    schema: &'s Schema,
    /// Untyped maps are Go structs (built-in kinds) rather than deduced maps.
    untyped_maps_are_structs: bool,
}

/// The type of one position in an object: its metadata and whether the field holding it was
/// declared atomic.
#[derive(Clone, Copy)]
pub(crate) struct Ty<'s> {
    meta: &'s Meta,
    atomic_field: bool,
}

/// How a list's elements are identified.
#[derive(Clone, Copy)]
pub(crate) enum Rel<'s> {
    /// The list is one value.
    Atomic,
    /// Elements are scalars identified by value.
    Set,
    /// Elements are maps identified by these fields; the element type, for key defaults.
    Keyed(&'s [String], Option<&'s str>),
}

/// What a value is, for structured-merge-diff.
#[derive(Clone, Copy)]
pub(crate) enum Atom<'s> {
    Scalar,
    Map {
        /// Keys are named struct fields rather than arbitrary map keys.
        structure: bool,
        atomic: bool,
    },
    List {
        item: Ty<'s>,
        rel: Rel<'s>,
    },
}

impl Atom<'_> {
    /// Whether the value is owned as a whole.
    pub(crate) fn is_leaf(&self) -> bool {
        match self {
            Atom::Scalar => true,
            Atom::Map { atomic, .. } => *atomic,
            Atom::List { rel, .. } => matches!(rel, Rel::Atomic),
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Atom::Scalar => 0,
            Atom::Map { .. } => 1,
            Atom::List { .. } => 2,
        }
    }
}

impl<'s> Typer<'s> {
    pub(crate) fn new(info: &TypeInfo<'s>) -> Typer<'s> {
        Typer {
            schema: info.schema,
            untyped_maps_are_structs: info.format == PatchFormat::Strategic
                && info.root.shape != Shape::Unknown,
        }
    }

    /// The type of an object's root.
    pub(crate) fn root<'a>(info: &'a TypeInfo<'_>) -> Ty<'a> {
        Ty { meta: &info.root, atomic_field: false }
    }

    /// What the schema says `value` is; `Err` names the expected JSON type when the value has
    /// another (null fits any map or list).
    pub(crate) fn atom<'a>(&self, ty: Ty<'a>, value: &Value) -> Result<Atom<'a>, &'static str>
    where
        's: 'a,
    {
        let atom = self.shape_atom(ty, Some(value));
        let fits = match (&atom, value) {
            (_, Value::Null) => true,
            (Atom::Scalar, v) => !v.is_object() && !v.is_array(),
            (Atom::Map { .. }, v) => v.is_object(),
            (Atom::List { .. }, v) => v.is_array(),
        };
        if fits {
            Ok(atom)
        } else {
            Err(match atom {
                Atom::Scalar => "scalar",
                Atom::Map { .. } => "map",
                Atom::List { .. } => "list",
            })
        }
    }

    /// The atom of a position holding `lhs` and `rhs` (either may be absent). A value of
    /// another JSON type than the schema's, or two sides of different types, make the position
    /// a leaf: it is owned and replaced whole, as structured-merge-diff ends up doing.
    pub(crate) fn atom_of_pair<'a>(&self, ty: Ty<'a>, lhs: Option<&Value>, rhs: Option<&Value>) -> Atom<'a>
    where
        's: 'a,
    {
        let lhs = lhs.map(|v| self.atom(ty, v));
        let rhs = rhs.map(|v| self.atom(ty, v));
        match (lhs, rhs) {
            (Some(Ok(l)), Some(Ok(r))) if l.kind() == r.kind() => r,
            (Some(Ok(a)), None) | (None, Some(Ok(a))) => a,
            _ => Atom::Scalar,
        }
    }

    /// The atom a position has regardless of its value (`None` for untyped positions).
    fn shape_atom<'a>(&self, ty: Ty<'a>, value: Option<&Value>) -> Atom<'a>
    where
        's: 'a,
    {
        match &ty.meta.shape {
            Shape::Scalar => Atom::Scalar,
            Shape::Object(name) => Atom::Map {
                structure: true,
                atomic: ty.atomic_field || ATOMIC_TYPES.contains(&name.as_str()),
            },
            Shape::Map(_) => Atom::Map { structure: false, atomic: ty.atomic_field },
            Shape::List(items) => {
                let rel = match ty.meta.structural_list() {
                    ListKind::Atomic => Rel::Atomic,
                    ListKind::Set => Rel::Set,
                    ListKind::Keyed(keys) => Rel::Keyed(keys, object_name(items)),
                };
                Atom::List { item: Ty { meta: items, atomic_field: false }, rel }
            }
            Shape::Unknown => match value {
                Some(Value::Object(_)) => {
                    Atom::Map { structure: self.untyped_maps_are_structs, atomic: ty.atomic_field }
                }
                Some(Value::Array(_)) => {
                    Atom::List { item: Ty { meta: &UNKNOWN, atomic_field: false }, rel: Rel::Atomic }
                }
                _ => Atom::Scalar,
            },
        }
    }

    /// The type of the value under key `name` of a map of type `parent`.
    pub(crate) fn field<'a>(&self, parent: Ty<'a>, name: &str) -> Ty<'a>
    where
        's: 'a,
    {
        let atomic_field = match &parent.meta.shape {
            Shape::Object(type_name) => ATOMIC_MAP_FIELDS.iter().any(|(t, f)| t == type_name && *f == name),
            _ => false,
        };
        Ty { meta: self.schema.field(parent.meta, name), atomic_field }
    }

    /// Whether key `name` of a map of type `parent` is a named struct field. Used where no value
    /// is at hand (walking a field set), so an untyped position counts as a map.
    pub(crate) fn is_named_field(&self, parent: Ty<'_>) -> bool {
        match &parent.meta.shape {
            Shape::Object(_) => true,
            Shape::Unknown => self.untyped_maps_are_structs,
            _ => false,
        }
    }

    /// The type of the child a path element leads to, where no value is at hand.
    pub(crate) fn child<'a>(&self, parent: Ty<'a>, element: &PathElement) -> Ty<'a>
    where
        's: 'a,
    {
        match element {
            PathElement::Field(name) => self.field(parent, name),
            _ => Ty { meta: self.schema.item(parent.meta), atomic_field: false },
        }
    }

    /// The path element identifying element `index` of a list, or why it has none.
    pub(crate) fn element(&self, rel: Rel<'_>, index: usize, item: &Value) -> Result<PathElement, String> {
        match rel {
            Rel::Atomic => Ok(PathElement::Index(index)),
            Rel::Set => match item {
                Value::Object(_) => {
                    Err("associative list without keys has an element that's a map type".into())
                }
                Value::Array(_) => Err("not supported: associative list with lists as elements".into()),
                Value::Null => {
                    Err("associative list without keys has an element that's an explicit null".into())
                }
                scalar => Ok(PathElement::Value(scalar.clone())),
            },
            Rel::Keyed(keys, element_type) => {
                let map = match item {
                    Value::Null => {
                        return Err("associative list with keys may not have a null element".into());
                    }
                    Value::Object(map) => map,
                    _ => return Err("associative list with keys may not have non-map elements".into()),
                };
                let mut fields = Vec::with_capacity(keys.len());
                for key in keys {
                    let key_value = match map.get(key) {
                        Some(v) => v.clone(),
                        None => match key_default(element_type, key) {
                            Some(default) => default,
                            None => {
                                return Err(format!(
                                    "associative list with keys has an element that omits key field \"{key}\" (and doesn't have default value)"
                                ));
                            }
                        },
                    };
                    fields.push((key.clone(), key_value));
                }
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                Ok(PathElement::Key(fields))
            }
        }
    }

    /// A list's elements with their path elements, first occurrence of each identity only;
    /// elements without one are left out and reported.
    pub(crate) fn index<'v>(
        &self,
        rel: Rel<'_>,
        items: &'v [Value],
    ) -> (Vec<(PathElement, &'v Value)>, Vec<String>) {
        let mut out: Vec<(PathElement, &'v Value)> = Vec::with_capacity(items.len());
        let mut seen = std::collections::BTreeSet::new();
        let mut errors = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match self.element(rel, i, item) {
                Ok(element) => {
                    if seen.insert(element.clone()) {
                        out.push((element, item));
                    } else {
                        errors.push(format!("duplicate entries for key {element}"));
                    }
                }
                Err(e) => errors.push(format!("element {i}: {e}")),
            }
        }
        (out, errors)
    }
}

static UNKNOWN: Meta = Meta::UNKNOWN;

fn object_name(meta: &Meta) -> Option<&str> {
    match &meta.shape {
        Shape::Object(name) => Some(name),
        _ => None,
    }
}

fn key_default(element_type: Option<&str>, key: &str) -> Option<Value> {
    let element_type = element_type?;
    let (_, _, default) = KEY_DEFAULTS.iter().find(|(t, f, _)| *t == element_type && *f == key)?;
    serde_json::from_str(default).ok()
}

/// The tables against the upstream Kubernetes OpenAPI documents (`shared/k8s-openapi/` beside
/// the project), both ways: v2 (`swagger.json`) and every v3 document.
#[cfg(test)]
mod upstream {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    fn documents() -> Vec<(String, serde_json::Map<String, Value>)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-openapi");
        let read = |path: &std::path::Path| -> Value {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
                panic!("the upstream OpenAPI documents are missing ({}): {e}", path.display())
            });
            serde_json::from_str(&text).unwrap()
        };
        let mut out = Vec::new();
        let v2 = read(&dir.join("swagger.json"));
        out.push(("swagger.json".to_owned(), v2["definitions"].as_object().unwrap().clone()));
        let mut v3: Vec<PathBuf> =
            std::fs::read_dir(dir.join("v3")).unwrap().map(|e| e.unwrap().path()).collect();
        v3.sort();
        for path in v3 {
            if let Some(schemas) = read(&path)["components"]["schemas"].as_object() {
                out.push((path.display().to_string(), schemas.clone()));
            }
        }
        out
    }

    fn reference(schema: &Value) -> Option<&str> {
        let r = schema.get("$ref").or_else(|| schema.get("allOf")?.get(0)?.get("$ref"))?;
        r.as_str()?.rsplit('/').next()
    }

    #[test]
    fn tables_match_the_openapi_documents() {
        let (mut types, mut fields, mut defaults) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (_, schemas) in documents() {
            for (name, schema) in &schemas {
                if schema["x-kubernetes-map-type"] == "atomic" {
                    types.insert(name.clone());
                }
                for (field, property) in schema["properties"].as_object().into_iter().flatten() {
                    if property["x-kubernetes-map-type"] == "atomic" && reference(property).is_none() {
                        fields.insert((name.clone(), field.clone()));
                    }
                    let keys = property["x-kubernetes-list-map-keys"].as_array().into_iter().flatten();
                    let Some(element) = reference(&property["items"]) else { continue };
                    for key in keys.filter_map(Value::as_str) {
                        if let Some(default) =
                            schemas.get(element).and_then(|e| e["properties"][key].get("default"))
                        {
                            defaults.insert((element.to_owned(), key.to_owned(), default.to_string()));
                        }
                    }
                }
            }
        }
        let ours_types: BTreeSet<String> = ATOMIC_TYPES.iter().map(|t| (*t).to_owned()).collect();
        assert_eq!(ours_types, types, "ATOMIC_TYPES");
        let ours_fields: BTreeSet<(String, String)> =
            ATOMIC_MAP_FIELDS.iter().map(|(t, f)| ((*t).to_owned(), (*f).to_owned())).collect();
        assert_eq!(ours_fields, fields, "ATOMIC_MAP_FIELDS");
        let ours_defaults: BTreeSet<(String, String, String)> = KEY_DEFAULTS
            .iter()
            .map(|(t, f, d)| ((*t).to_owned(), (*f).to_owned(), (*d).to_owned()))
            .collect();
        assert_eq!(ours_defaults, defaults, "KEY_DEFAULTS");
    }
}
