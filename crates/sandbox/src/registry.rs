//! Which resources the sandbox serves: the built-in table and the custom resources of every
//! established CustomResourceDefinition. Discovery, OpenAPI, routing, storage keys and table
//! printing all read this one registry.

use std::collections::HashMap;
use std::sync::Arc;

use concord_apimachinery::names::NameRule;
use serde_json::Value;

/// Verbs of an ordinary resource, in discovery's order.
const ALL_VERBS: &[&str] =
    &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
/// Namespaces cannot be deleted as a collection.
const NAMESPACE_VERBS: &[&str] = &["create", "delete", "get", "list", "patch", "update", "watch"];
/// Review resources are only created.
const CREATE_ONLY: &[&str] = &["create"];
/// Verbs of `status` subresources.
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];
/// Kind of every `scale` subresource.
const SCALE: (&str, &str, &str) = ("autoscaling", "v1", "Scale");

/// A subresource such as `status` or `scale`.
#[derive(Debug, Clone)]
pub struct Subresource {
    /// `status`, `scale`, `log`.
    pub name: &'static str,
    /// The subresource's own (group, version, kind): the parent's for `status`.
    pub gvk: (String, String, String),
    /// Verbs the subresource supports.
    pub verbs: &'static [&'static str],
}

/// What the sandbox knows about a custom resource's version.
#[derive(Clone)]
pub struct Custom {
    /// The CRD object the resource came from.
    pub crd: Arc<Value>,
    /// Validation, pruning and defaulting for this version.
    pub validator: Arc<concord_openapi::Validator>,
    /// Patch metadata from the version's schema.
    pub schema: Arc<concord_patch::schema::Schema>,
    /// Table printer from `additionalPrinterColumns`.
    pub printer: Arc<dyn concord_printers::Printer>,
    /// `.spec.scale` paths of the scale subresource, when it has one.
    pub scale: Option<ScalePaths>,
}

impl std::fmt::Debug for Custom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Custom").field("crd", &self.crd.pointer("/metadata/name")).finish_non_exhaustive()
    }
}

/// Where a custom resource keeps its replica counts, from the CRD's `subresources.scale`.
#[derive(Debug, Clone)]
pub struct ScalePaths {
    /// `.spec.replicas`.
    pub spec_replicas: String,
    /// `.status.replicas`.
    pub status_replicas: String,
    /// `.status.labelSelector`, if set.
    pub label_selector: Option<String>,
}

/// One served resource at one version.
#[derive(Debug, Clone)]
pub struct Resource {
    /// API group; empty for the core group.
    pub group: String,
    /// Version (`v1`).
    pub version: String,
    /// Kind (`Deployment`).
    pub kind: String,
    /// Plural resource name (`deployments`): the URL segment and the storage prefix.
    pub plural: String,
    /// Singular name (`deployment`).
    pub singular: String,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names for kubectl (`deploy`).
    pub short_names: Vec<String>,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Verbs the resource supports.
    pub verbs: &'static [&'static str],
    /// Subresources.
    pub subresources: Vec<Subresource>,
    /// OpenAPI definition name of the kind.
    pub definition: String,
    /// How object names are validated.
    pub name_rule: NameRule,
    /// Whether the object has a `status` that only the status subresource writes.
    pub has_status: bool,
    /// Set for custom resources.
    pub custom: Option<Custom>,
}

impl Resource {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    /// Storage key prefix of the resource (all versions of a resource share it).
    pub fn key_prefix(&self) -> String {
        let group = if self.group.is_empty() { "core" } else { &self.group };
        format!("/{group}/{}/", self.plural)
    }

    /// Storage key prefix of one namespace's objects (or of all objects of a cluster-scoped resource).
    pub fn namespace_prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("{}{ns}/", self.key_prefix()),
            _ => self.key_prefix(),
        }
    }

    /// Storage key of one object.
    pub fn key(&self, namespace: Option<&str>, name: &str) -> String {
        let ns = if self.namespaced { namespace.unwrap_or_default() } else { "" };
        format!("{}{ns}/{name}", self.key_prefix())
    }

    /// The named subresource.
    pub fn subresource(&self, name: &str) -> Option<&Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// The field labels a field selector may use on this resource.
    pub fn field_labels(&self) -> concord_apimachinery::fields::FieldLabels {
        match &self.custom {
            None => concord_apimachinery::fields::FieldLabels::builtin(&self.group, &self.plural),
            Some(custom) => {
                let version = custom.crd.pointer("/spec/versions").and_then(Value::as_array).and_then(|vs| {
                    vs.iter().find(|v| v.get("name").and_then(Value::as_str) == Some(&self.version))
                });
                let paths: Vec<String> = version
                    .and_then(|v| v.get("selectableFields"))
                    .and_then(Value::as_array)
                    .map(|fs| {
                        fs.iter()
                            .filter_map(|f| f.get("jsonPath").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                concord_apimachinery::fields::FieldLabels::custom_resource(!self.namespaced, paths)
            }
        }
    }

    /// Whether a completed DELETE answers with the deleted object (kube's `ReturnDeletedObject`:
    /// pods, services, service accounts, volumes, claims and custom resources) rather than a
    /// `Status`.
    pub fn returns_deleted_object(&self) -> bool {
        self.custom.is_some()
            || (self.group.is_empty()
                && matches!(
                    self.plural.as_str(),
                    "pods" | "services" | "serviceaccounts" | "persistentvolumes" | "persistentvolumeclaims"
                ))
    }

    /// Whether `verb` is allowed on the resource itself.
    pub fn allows(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }

    /// The resource's OpenAPI description for the document builder.
    pub fn openapi(&self) -> concord_openapi::Resource {
        concord_openapi::Resource {
            group: self.group.clone(),
            version: self.version.clone(),
            kind: self.kind.clone(),
            list_kind: format!("{}List", self.kind),
            plural: self.plural.clone(),
            namespaced: self.namespaced,
            verbs: self.verbs.iter().map(|v| v.to_string()).collect(),
            subresources: self
                .subresources
                .iter()
                .filter(|s| s.name != "log")
                .map(|s| concord_openapi::Subresource {
                    name: s.name.to_string(),
                    kind_definition: if s.name == "scale" {
                        "io.k8s.api.autoscaling.v1.Scale".to_string()
                    } else {
                        self.definition.clone()
                    },
                    verbs: s.verbs.iter().map(|v| v.to_string()).collect(),
                })
                .collect(),
            definition: self.definition.clone(),
        }
    }
}

/// One row of the built-in table.
struct Builtin {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    all: bool,
    verbs: &'static [&'static str],
    status: bool,
    scale: bool,
    package: &'static str,
    name_rule: NameRule,
}

const fn builtin(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    package: &'static str,
) -> Builtin {
    Builtin {
        group,
        version,
        kind,
        plural,
        namespaced,
        short: &[],
        all: false,
        verbs: ALL_VERBS,
        status: false,
        scale: false,
        package,
        name_rule: NameRule::Subdomain,
    }
}

impl Builtin {
    const fn short(mut self, short: &'static [&'static str]) -> Builtin {
        self.short = short;
        self
    }
    const fn all(mut self) -> Builtin {
        self.all = true;
        self
    }
    const fn status(mut self) -> Builtin {
        self.status = true;
        self
    }
    const fn scale(mut self) -> Builtin {
        self.scale = true;
        self
    }
    const fn verbs(mut self, verbs: &'static [&'static str]) -> Builtin {
        self.verbs = verbs;
        self
    }
    const fn names(mut self, rule: NameRule) -> Builtin {
        self.name_rule = rule;
        self
    }
}

const CORE: &str = "io.k8s.api.core.v1";

/// The built-in resources, as kube-apiserver 1.36 serves them.
const BUILTINS: &[Builtin] = &[
    builtin("", "v1", "Namespace", "namespaces", false, CORE)
        .short(&["ns"])
        .status()
        .verbs(NAMESPACE_VERBS)
        .names(NameRule::Label),
    builtin("", "v1", "Pod", "pods", true, CORE).short(&["po"]).all().status(),
    builtin("", "v1", "Service", "services", true, CORE)
        .short(&["svc"])
        .all()
        .status()
        .names(NameRule::Dns1035Label),
    builtin("", "v1", "Endpoints", "endpoints", true, CORE).short(&["ep"]),
    builtin("", "v1", "ConfigMap", "configmaps", true, CORE).short(&["cm"]),
    builtin("", "v1", "Secret", "secrets", true, CORE),
    builtin("", "v1", "ServiceAccount", "serviceaccounts", true, CORE).short(&["sa"]),
    builtin("", "v1", "Event", "events", true, CORE).short(&["ev"]),
    builtin("", "v1", "Node", "nodes", false, CORE).short(&["no"]).status(),
    builtin("", "v1", "PersistentVolume", "persistentvolumes", false, CORE).short(&["pv"]).status(),
    builtin("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, CORE).short(&["pvc"]).status(),
    builtin("apps", "v1", "Deployment", "deployments", true, "io.k8s.api.apps.v1")
        .short(&["deploy"])
        .all()
        .status()
        .scale(),
    builtin("apps", "v1", "ReplicaSet", "replicasets", true, "io.k8s.api.apps.v1")
        .short(&["rs"])
        .all()
        .status()
        .scale(),
    builtin("apps", "v1", "StatefulSet", "statefulsets", true, "io.k8s.api.apps.v1")
        .short(&["sts"])
        .all()
        .status()
        .scale(),
    builtin("apps", "v1", "DaemonSet", "daemonsets", true, "io.k8s.api.apps.v1")
        .short(&["ds"])
        .all()
        .status(),
    builtin("apps", "v1", "ControllerRevision", "controllerrevisions", true, "io.k8s.api.apps.v1"),
    builtin("batch", "v1", "Job", "jobs", true, "io.k8s.api.batch.v1").all().status(),
    builtin("batch", "v1", "CronJob", "cronjobs", true, "io.k8s.api.batch.v1").short(&["cj"]).all().status(),
    builtin("networking.k8s.io", "v1", "Ingress", "ingresses", true, "io.k8s.api.networking.v1")
        .short(&["ing"])
        .status(),
    builtin("rbac.authorization.k8s.io", "v1", "Role", "roles", true, "io.k8s.api.rbac.v1")
        .names(NameRule::PathSegment),
    builtin("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, "io.k8s.api.rbac.v1")
        .names(NameRule::PathSegment),
    builtin("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, "io.k8s.api.rbac.v1")
        .names(NameRule::PathSegment),
    builtin(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
        "io.k8s.api.rbac.v1",
    )
    .names(NameRule::PathSegment),
    builtin("coordination.k8s.io", "v1", "Lease", "leases", true, "io.k8s.api.coordination.v1"),
    builtin("events.k8s.io", "v1", "Event", "events", true, "io.k8s.api.events.v1").short(&["ev"]),
    builtin(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
    )
    .short(&["crd", "crds"])
    .status(),
    builtin(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        false,
        "io.k8s.api.authorization.v1",
    )
    .verbs(CREATE_ONLY),
    builtin(
        "authentication.k8s.io",
        "v1",
        "SelfSubjectReview",
        "selfsubjectreviews",
        false,
        "io.k8s.api.authentication.v1",
    )
    .verbs(CREATE_ONLY),
    builtin(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectRulesReview",
        "selfsubjectrulesreviews",
        false,
        "io.k8s.api.authorization.v1",
    )
    .verbs(CREATE_ONLY),
];

impl Builtin {
    fn resource(&self) -> Resource {
        let mut subresources = Vec::new();
        if self.status {
            subresources.push(Subresource {
                name: "status",
                gvk: (self.group.into(), self.version.into(), self.kind.into()),
                verbs: STATUS_VERBS,
            });
        }
        if self.scale {
            subresources.push(Subresource {
                name: "scale",
                gvk: (SCALE.0.into(), SCALE.1.into(), SCALE.2.into()),
                verbs: STATUS_VERBS,
            });
        }
        if self.kind == "Pod" {
            subresources.push(Subresource {
                name: "log",
                gvk: ("".into(), "v1".into(), "Pod".into()),
                verbs: &["get"],
            });
        }
        Resource {
            group: self.group.into(),
            version: self.version.into(),
            kind: self.kind.into(),
            plural: self.plural.into(),
            singular: self.kind.to_lowercase(),
            namespaced: self.namespaced,
            short_names: self.short.iter().map(|s| s.to_string()).collect(),
            categories: if self.all { vec!["all".into()] } else { Vec::new() },
            verbs: self.verbs,
            subresources,
            definition: format!("{}.{}", self.package, self.kind),
            name_rule: self.name_rule,
            has_status: self.status,
            custom: None,
        }
    }
}

/// Every served resource, indexed for routing. Immutable: a CRD change builds a new one.
#[derive(Debug, Default)]
pub struct Registry {
    resources: Vec<Arc<Resource>>,
    by_path: HashMap<(String, String, String), Arc<Resource>>,
}

impl Registry {
    /// The built-in resources plus `custom` ones (from the stored CRDs: a CRD's resources are
    /// served as soon as it is created, as the sandbox has no controller to establish it).
    pub fn new(custom: Vec<Resource>) -> Registry {
        let mut registry = Registry::default();
        for r in BUILTINS.iter().map(Builtin::resource).chain(custom) {
            let r = Arc::new(r);
            registry.by_path.insert((r.group.clone(), r.version.clone(), r.plural.clone()), r.clone());
            registry.resources.push(r);
        }
        registry
    }

    /// The resource at `/apis/<group>/<version>/<plural>`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<&Arc<Resource>> {
        self.by_path.get(&(group.to_string(), version.to_string(), plural.to_string()))
    }

    /// The resource of a kind, at the given apiVersion.
    pub fn by_kind(&self, group: &str, version: &str, kind: &str) -> Option<&Arc<Resource>> {
        self.resources.iter().find(|r| r.group == group && r.version == version && r.kind == kind)
    }

    /// All resources, built-ins first, in a stable order.
    pub fn all(&self) -> &[Arc<Resource>] {
        &self.resources
    }

    /// The served group versions: (group, versions newest-preferred first).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for r in &self.resources {
            match groups.iter_mut().find(|(g, _)| *g == r.group) {
                Some((_, versions)) => {
                    if !versions.contains(&r.version) {
                        versions.push(r.version.clone());
                    }
                }
                None => groups.push((r.group.clone(), vec![r.version.clone()])),
            }
        }
        groups
    }

    /// Resources of one group version.
    pub fn in_group_version<'a>(
        &'a self,
        group: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = &'a Arc<Resource>> {
        self.resources.iter().filter(move |r| r.group == group && r.version == version)
    }
}

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}
