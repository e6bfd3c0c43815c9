//! The definitions of the built-in kinds, generated once from `k8s-openapi`'s `schemars`
//! implementations and shaped like kube-apiserver's OpenAPI v2 `definitions`.
//!
//! Generation takes a few milliseconds, so it happens on first use and is kept for the life of
//! the process: documents rebuilt after a CRD change and [`crate::Validator::builtin`] share it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use k8s_openapi::api;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::{ListableResource, Resource};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Value, json};

use crate::extensions;

/// Where definitions live in a v2 document, and so the prefix of every `$ref` in [`Builtin`].
pub(crate) const V2_REF_PREFIX: &str = "#/definitions/";

/// `io.k8s.apimachinery.pkg.apis.meta.v1.`, the package of the API machinery types.
pub(crate) const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

/// A kind with its group, version and root definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KindRoot {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: String,
    pub definition: String,
}

/// The generated built-in definitions.
pub(crate) struct Builtin {
    /// Definitions by name, v2 style (`$ref`s to `#/definitions/...`), with kube's extensions.
    pub definitions: BTreeMap<String, Value>,
    /// Every kind whose root is among the definitions, lists included.
    pub kinds: Vec<KindRoot>,
}

/// The built-in definitions, generated on first use.
pub(crate) fn get() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
    BUILTIN.get_or_init(generate)
}

/// Collects kinds while their schemas are generated.
struct Collector {
    generator: SchemaGenerator,
    kinds: Vec<KindRoot>,
    /// List definitions to build: the list's name, the item definition and kind.
    lists: Vec<(String, String, String)>,
}

impl Collector {
    fn kind<K: Resource + JsonSchema>(&mut self) {
        self.generator.subschema_for::<K>();
        self.kinds.push(KindRoot {
            group: K::GROUP,
            version: K::VERSION,
            kind: K::KIND.to_owned(),
            definition: K::schema_name().into_owned(),
        });
    }

    /// A kind that also has a list kind; the list's definition is built by [`list_definition`].
    fn listed<K: ListableResource + JsonSchema>(&mut self) {
        self.kind::<K>();
        let definition = format!("{}List", K::schema_name());
        self.lists.push((definition.clone(), K::schema_name().into_owned(), K::KIND.to_owned()));
        self.kinds.push(KindRoot {
            group: K::GROUP,
            version: K::VERSION,
            kind: K::LIST_KIND.to_owned(),
            definition,
        });
    }

    fn other<T: JsonSchema>(&mut self) {
        self.generator.subschema_for::<T>();
    }
}

fn generate() -> Builtin {
    let mut settings = SchemaSettings::draft07();
    settings.definitions_path = "/definitions".into();
    settings.meta_schema = None;
    settings.transforms.clear();
    let mut c = Collector { generator: SchemaGenerator::new(settings), kinds: Vec::new(), lists: Vec::new() };

    use api::core::v1 as core;
    c.kind::<core::Binding>();
    c.listed::<core::ComponentStatus>();
    c.listed::<core::ConfigMap>();
    c.listed::<core::Endpoints>();
    c.listed::<core::Event>();
    c.listed::<core::LimitRange>();
    c.listed::<core::Namespace>();
    c.listed::<core::Node>();
    c.listed::<core::PersistentVolume>();
    c.listed::<core::PersistentVolumeClaim>();
    c.listed::<core::Pod>();
    c.listed::<core::PodTemplate>();
    c.listed::<core::ReplicationController>();
    c.listed::<core::ResourceQuota>();
    c.listed::<core::Secret>();
    c.listed::<core::Service>();
    c.listed::<core::ServiceAccount>();
    c.listed::<api::apps::v1::ControllerRevision>();
    c.listed::<api::apps::v1::DaemonSet>();
    c.listed::<api::apps::v1::Deployment>();
    c.listed::<api::apps::v1::ReplicaSet>();
    c.listed::<api::apps::v1::StatefulSet>();
    c.listed::<api::batch::v1::CronJob>();
    c.listed::<api::batch::v1::Job>();
    c.kind::<api::autoscaling::v1::Scale>();
    c.listed::<api::autoscaling::v1::HorizontalPodAutoscaler>();
    c.listed::<api::autoscaling::v2::HorizontalPodAutoscaler>();
    c.listed::<api::networking::v1::IPAddress>();
    c.listed::<api::networking::v1::Ingress>();
    c.listed::<api::networking::v1::IngressClass>();
    c.listed::<api::networking::v1::NetworkPolicy>();
    c.listed::<api::networking::v1::ServiceCIDR>();
    c.listed::<api::discovery::v1::EndpointSlice>();
    c.kind::<api::policy::v1::Eviction>();
    c.listed::<api::policy::v1::PodDisruptionBudget>();
    c.listed::<api::rbac::v1::ClusterRole>();
    c.listed::<api::rbac::v1::ClusterRoleBinding>();
    c.listed::<api::rbac::v1::Role>();
    c.listed::<api::rbac::v1::RoleBinding>();
    c.listed::<api::storage::v1::CSIDriver>();
    c.listed::<api::storage::v1::CSINode>();
    c.listed::<api::storage::v1::CSIStorageCapacity>();
    c.listed::<api::storage::v1::StorageClass>();
    c.listed::<api::storage::v1::VolumeAttachment>();
    c.listed::<api::storage::v1::VolumeAttributesClass>();
    c.listed::<api::coordination::v1::Lease>();
    c.listed::<api::events::v1::Event>();
    c.listed::<apiextensions::v1::CustomResourceDefinition>();
    c.kind::<api::authorization::v1::LocalSubjectAccessReview>();
    c.kind::<api::authorization::v1::SelfSubjectAccessReview>();
    c.kind::<api::authorization::v1::SelfSubjectRulesReview>();
    c.kind::<api::authorization::v1::SubjectAccessReview>();
    c.kind::<api::authentication::v1::SelfSubjectReview>();
    c.kind::<api::authentication::v1::TokenReview>();
    c.kind::<api::authentication::v1::TokenRequest>();

    // Request and response envelopes of every group, and the discovery documents.
    c.other::<meta::Status>();
    c.other::<meta::DeleteOptions>();
    c.other::<meta::WatchEvent<k8s_openapi::apimachinery::pkg::runtime::RawExtension>>();
    c.other::<meta::Patch>();
    c.other::<meta::APIResourceList>();
    c.other::<meta::APIGroupList>();
    c.other::<meta::APIGroup>();
    c.other::<meta::APIVersions>();
    c.other::<k8s_openapi::apimachinery::pkg::version::Info>();
    for kind in ["Status", "APIResourceList", "APIGroupList", "APIGroup", "APIVersions"] {
        c.kinds.push(KindRoot {
            group: "",
            version: "v1",
            kind: kind.to_owned(),
            definition: format!("{META}{kind}"),
        });
    }

    let Collector { mut generator, kinds, lists } = c;
    let mut definitions: BTreeMap<String, Value> = generator.take_definitions(false).into_iter().collect();
    for (name, schema) in definitions.iter_mut() {
        adjust(name, schema);
    }
    for (list, item, item_kind) in lists {
        definitions.insert(list, list_definition(&item, &item_kind));
    }
    for kind in &kinds {
        if let Some(schema) = definitions.get_mut(&kind.definition) {
            add_gvk(schema, kind.group, kind.version, &kind.kind);
        }
    }
    for envelope in ["DeleteOptions", "WatchEvent"] {
        if let Some(schema) = definitions.get_mut(&format!("{META}{envelope}")) {
            add_gvk(schema, "", "v1", envelope);
        }
    }
    extensions::annotate(&mut definitions);
    Builtin { definitions, kinds }
}

/// Where `k8s-openapi`'s schema differs from what kube-apiserver publishes.
fn adjust(name: &str, schema: &mut Value) {
    let description = schema.get("description").cloned();
    // Types with their own JSON forms: kube publishes their v2 shape (the v3 shape is derived
    // when a v3 document is built, see `documents`).
    let replacement = match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
            Some(json!({"type": "string", "format": "int-or-string"}))
        }
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => Some(json!({"type": "string"})),
        // Any JSON value, not only objects.
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON" => Some(json!({})),
        _ => None,
    };
    if let Some(mut replacement) = replacement {
        if let (Some(description), Some(object)) = (description, replacement.as_object_mut()) {
            object.insert("description".to_owned(), description);
        }
        *schema = replacement;
        return;
    }
    let Some(object) = schema.as_object_mut() else { return };
    let metadata_is_object_meta = object
        .get("properties")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("$ref"))
        .and_then(Value::as_str)
        .is_some_and(|r| r.ends_with("v1.ObjectMeta") || r.ends_with("v1.ListMeta"));
    // kube requires it; `k8s-openapi` leaves it optional because servers have sent nulls.
    if name == "io.k8s.api.events.v1.Event" {
        object.insert("required".to_owned(), json!(["eventTime"]));
        return;
    }
    let Some(required) = object.get_mut("required").and_then(Value::as_array_mut) else { return };
    // `k8s-openapi` makes non-optional Rust fields required: `metadata` of every object kind,
    // which kube requires of core Events only, and the `name` of local object references, which
    // kube defaults to "" instead.
    required.retain(|field| {
        let metadata = field == "metadata" && metadata_is_object_meta && name != "io.k8s.api.core.v1.Event";
        let reference_name = field == "name" && DEFAULTED_NAMES.contains(&name);
        !metadata && !reference_name
    });
    if required.is_empty() {
        object.remove("required");
    }
}

/// Types whose `name` kube defaults to "" rather than requires.
const DEFAULTED_NAMES: &[&str] = &[
    "io.k8s.api.core.v1.ConfigMapEnvSource",
    "io.k8s.api.core.v1.ConfigMapKeySelector",
    "io.k8s.api.core.v1.ConfigMapProjection",
    "io.k8s.api.core.v1.ConfigMapVolumeSource",
    "io.k8s.api.core.v1.LocalObjectReference",
    "io.k8s.api.core.v1.SecretEnvSource",
    "io.k8s.api.core.v1.SecretKeySelector",
    "io.k8s.api.core.v1.SecretProjection",
];

/// The definition of a built-in list kind, as kube-apiserver publishes every `<Kind>List`.
fn list_definition(item_definition: &str, item_kind: &str) -> Value {
    json!({
        "description": format!("{item_kind}List is a list of {item_kind} objects."),
        "type": "object",
        "properties": {
            "apiVersion": {
                "description": API_VERSION_DESCRIPTION,
                "type": "string",
            },
            "items": {
                "description": format!("List of {item_kind} objects."),
                "type": "array",
                "items": {"$ref": format!("{V2_REF_PREFIX}{item_definition}")},
            },
            "kind": {
                "description": KIND_DESCRIPTION,
                "type": "string",
            },
            "metadata": {
                "description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
                "$ref": format!("{V2_REF_PREFIX}{META}ListMeta"),
            },
        },
        "required": ["items"],
    })
}

/// The description kube gives every `apiVersion` field.
pub(crate) const API_VERSION_DESCRIPTION: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";

/// The description kube gives every `kind` field.
pub(crate) const KIND_DESCRIPTION: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// Appends a `{group, kind, version}` entry to a schema's `x-kubernetes-group-version-kind`
/// list, once.
pub(crate) fn add_gvk(schema: &mut Value, group: &str, version: &str, kind: &str) {
    let Some(object) = schema.as_object_mut() else { return };
    let entry = json!({"group": group, "kind": kind, "version": version});
    let list = object.entry("x-kubernetes-group-version-kind").or_insert_with(|| Value::Array(Vec::new()));
    if let Some(list) = list.as_array_mut()
        && !list.contains(&entry)
    {
        list.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_lists_have_definitions_and_gvks() {
        let builtin = get();
        for kind in &builtin.kinds {
            let schema = builtin.definitions.get(&kind.definition);
            let gvks = schema.and_then(|s| s.get("x-kubernetes-group-version-kind"));
            assert!(gvks.is_some_and(|g| g.as_array().is_some_and(|a| !a.is_empty())), "{}", kind.definition);
        }
        let deployment_list = &builtin.definitions["io.k8s.api.apps.v1.DeploymentList"];
        assert_eq!(
            deployment_list["properties"]["items"]["items"]["$ref"],
            "#/definitions/io.k8s.api.apps.v1.Deployment"
        );
    }

    #[test]
    fn metadata_is_not_required() {
        let deployment = &get().definitions["io.k8s.api.apps.v1.Deployment"];
        assert!(deployment.get("required").is_none());
    }
}
