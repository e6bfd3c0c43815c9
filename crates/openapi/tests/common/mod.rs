//! The resources the tests serve (the sandbox's set), and access to the upstream documents.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use concord_openapi::{Resource, Subresource};
use serde_json::Value;

const ALL: &[&str] = &["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

fn resource(
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
    namespaced: bool,
    package: &str,
    subresources: &[&str],
) -> Resource {
    let definition = format!("{package}.{kind}");
    Resource {
        group: group.to_owned(),
        version: version.to_owned(),
        kind: kind.to_owned(),
        list_kind: format!("{kind}List"),
        plural: plural.to_owned(),
        namespaced,
        verbs: ALL.iter().map(|v| (*v).to_owned()).collect(),
        subresources: subresources
            .iter()
            .map(|name| Subresource {
                name: (*name).to_owned(),
                kind_definition: if *name == "scale" {
                    "io.k8s.api.autoscaling.v1.Scale".to_owned()
                } else {
                    definition.clone()
                },
                verbs: ["get", "update", "patch"].map(str::to_owned).into(),
            })
            .collect(),
        definition,
    }
}

/// The sandbox's served resources.
pub fn resources() -> Vec<Resource> {
    let core = "io.k8s.api.core.v1";
    let apps = "io.k8s.api.apps.v1";
    let batch = "io.k8s.api.batch.v1";
    let mut list = vec![
        resource("", "v1", "Namespace", "namespaces", false, core, &["status"]),
        resource("", "v1", "Pod", "pods", true, core, &["status"]),
        resource("", "v1", "Service", "services", true, core, &["status"]),
        resource("", "v1", "Endpoints", "endpoints", true, core, &[]),
        resource("", "v1", "ConfigMap", "configmaps", true, core, &[]),
        resource("", "v1", "Secret", "secrets", true, core, &[]),
        resource("", "v1", "ServiceAccount", "serviceaccounts", true, core, &[]),
        resource("", "v1", "Event", "events", true, core, &[]),
        resource("", "v1", "Node", "nodes", false, core, &["status"]),
        resource("", "v1", "PersistentVolume", "persistentvolumes", false, core, &["status"]),
        resource("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, core, &["status"]),
        resource("apps", "v1", "Deployment", "deployments", true, apps, &["scale", "status"]),
        resource("apps", "v1", "ReplicaSet", "replicasets", true, apps, &["scale", "status"]),
        resource("apps", "v1", "StatefulSet", "statefulsets", true, apps, &["scale", "status"]),
        resource("apps", "v1", "DaemonSet", "daemonsets", true, apps, &["status"]),
        resource("batch", "v1", "Job", "jobs", true, batch, &["status"]),
        resource("batch", "v1", "CronJob", "cronjobs", true, batch, &["status"]),
        resource(
            "networking.k8s.io",
            "v1",
            "Ingress",
            "ingresses",
            true,
            "io.k8s.api.networking.v1",
            &["status"],
        ),
        resource("rbac.authorization.k8s.io", "v1", "Role", "roles", true, "io.k8s.api.rbac.v1", &[]),
        resource(
            "rbac.authorization.k8s.io",
            "v1",
            "RoleBinding",
            "rolebindings",
            true,
            "io.k8s.api.rbac.v1",
            &[],
        ),
        resource(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole",
            "clusterroles",
            false,
            "io.k8s.api.rbac.v1",
            &[],
        ),
        resource(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRoleBinding",
            "clusterrolebindings",
            false,
            "io.k8s.api.rbac.v1",
            &[],
        ),
        resource("coordination.k8s.io", "v1", "Lease", "leases", true, "io.k8s.api.coordination.v1", &[]),
        resource("events.k8s.io", "v1", "Event", "events", true, "io.k8s.api.events.v1", &[]),
        resource(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            false,
            "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
            &["status"],
        ),
    ];
    // kube-apiserver cannot delete namespaces as a collection.
    list[0].verbs.retain(|verb| verb != "deletecollection");
    let mut review = resource(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        false,
        "io.k8s.api.authorization.v1",
        &[],
    );
    review.verbs = vec!["create".to_owned()];
    list.push(review);
    list
}

/// `shared/k8s-openapi` beside the project.
pub fn upstream_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/k8s-openapi");
    assert!(
        dir.join("swagger.json").is_file(),
        "the upstream OpenAPI documents are missing at {}",
        dir.display()
    );
    dir
}

pub fn read_json(path: PathBuf) -> Value {
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The upstream v3 document stored for `api/v1`, `apis/apps/v1`, ...
pub fn upstream_v3(key: &str) -> Value {
    read_json(upstream_dir().join("v3").join(format!("{}_openapi.json", key.replace('/', "__"))))
}

/// A CRD exercising nested objects, preserve-unknown-fields, int-or-string, a map list, defaults
/// and validation keywords.
pub fn widget_crd() -> Value {
    serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "listKind": "WidgetList", "plural": "widgets", "singular": "widget"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": true,
                    "storage": true,
                    "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size"}},
                    "schema": {"openAPIV3Schema": {
                        "description": "A widget.",
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["size"],
                                "properties": {
                                    "size": {"type": "integer", "minimum": 1, "maximum": 10, "description": "How big."},
                                    "color": {"type": "string", "enum": ["red", "green"], "default": "red"},
                                    "name": {"type": "string", "maxLength": 5, "minLength": 2, "pattern": "^[a-z]+$"},
                                    "port": {"x-kubernetes-int-or-string": true},
                                    "ip": {"type": "string", "format": "ipv4"},
                                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                                    "note": {"type": "string", "nullable": true},
                                    "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2, "x-kubernetes-list-type": "set"},
                                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                                    "ports": {
                                        "type": "array",
                                        "x-kubernetes-list-type": "map",
                                        "x-kubernetes-list-map-keys": ["port", "protocol"],
                                        "items": {
                                            "type": "object",
                                            "required": ["port"],
                                            "properties": {
                                                "port": {"type": "integer"},
                                                "protocol": {"type": "string", "default": "TCP"},
                                                "nested": {"type": "object", "properties": {"deep": {"type": "boolean", "default": true}}},
                                            },
                                        },
                                    },
                                },
                            },
                            "status": {"type": "object", "properties": {"size": {"type": "integer"}}},
                        },
                    }},
                },
                {"name": "v2", "served": false, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}},
            ],
        },
    })
}
