//! The demo data `concord serve` loads into its own sandbox, so a first start shows a console
//! with something in it: a namespace with a small web application and a custom resource.

use std::time::Duration;

use serde_json::{Value, json};

use crate::cluster::{Cluster, ClusterError};

/// The demo objects, in creation order (the namespace and the CRD before what needs them).
pub fn objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo", "labels": {"concord.dev/demo": "true"}}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "web-config", "namespace": "demo", "labels": {"app": "web"}},
            "data": {"greeting": "Hello from Concord", "log-level": "info"}}),
        json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "web-credentials", "namespace": "demo", "labels": {"app": "web"}},
            "type": "Opaque", "stringData": {"username": "demo", "password": "change-me"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "demo", "labels": {"app": "web"},
                "annotations": {"concord.dev/owner": "platform-team"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                        "ports": [{"containerPort": 80, "name": "http"}],
                        "env": [{"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "web-config", "key": "log-level"}}}],
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}}}),
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "demo", "labels": {"app": "web"}},
            "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}),
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.demo.concord.dev"},
            "spec": {"group": "demo.concord.dev", "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "additionalPrinterColumns": [{"name": "Size", "type": "string", "jsonPath": ".spec.size"}],
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "size": {"type": "string", "enum": ["small", "medium", "large"]},
                            "color": {"type": "string"},
                            "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"}}}}}}}]}}),
        json!({"apiVersion": "demo.concord.dev/v1", "kind": "Widget",
            "metadata": {"name": "sprocket", "namespace": "demo"},
            "spec": {"size": "medium", "color": "teal", "tags": ["demo"]}}),
    ]
}

/// Creates the demo objects that do not exist yet; how many it created.
pub async fn load(cluster: &Cluster) -> Result<usize, ClusterError> {
    let mut created = 0;
    for object in objects() {
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let kind_name = object["kind"].as_str().unwrap_or_default();
        // A kind whose CRD was just created is served a moment later.
        let mut attempts = 0;
        let kind = loop {
            match cluster.kind(api_version, kind_name).await {
                Err(ClusterError::Refused { code: 404, .. }) if attempts < 50 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => break other?,
            }
        };
        if cluster.create(&kind, &object, "concord:demo").await?.is_some() {
            created += 1;
        }
    }
    Ok(created)
}
