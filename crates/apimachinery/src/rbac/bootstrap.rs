//! The part of kube-apiserver's bootstrap RBAC policy a sandbox needs: the user-facing roles
//! (`cluster-admin`, `admin`, `edit`, `view` and the `system:aggregate-to-*` roles they are built
//! from) and the roles that let everyone do discovery, read `/version` and `/healthz`, and ask
//! what they may do, with their ClusterRoleBindings, as kube ships them.

use super::{PolicyRule, aggregate_cluster_roles};
use serde_json::{Map, Value, json};

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE: &[&str] =
    &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn rule(api_groups: &[&str], resources: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        verbs: owned(verbs),
        api_groups: owned(api_groups),
        resources: owned(resources),
        ..PolicyRule::default()
    }
}

fn urls(non_resource_urls: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule { verbs: owned(verbs), non_resource_urls: owned(non_resource_urls), ..PolicyRule::default() }
}

fn metadata(name: &str, extra_label: Option<&str>) -> Value {
    let mut labels = Map::new();
    labels.insert("kubernetes.io/bootstrapping".to_owned(), json!("rbac-defaults"));
    if let Some(label) = extra_label {
        labels.insert(label.to_owned(), json!("true"));
    }
    json!({
        "name": name,
        "labels": labels,
        "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
    })
}

fn cluster_role(name: &str, extra_label: Option<&str>, rules: &[PolicyRule]) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": metadata(name, extra_label),
        "rules": rules.iter().map(PolicyRule::to_json).collect::<Vec<_>>(),
    })
}

fn aggregated_role(name: &str, extra_label: Option<&str>, aggregate_from: &str) -> Value {
    let mut role = cluster_role(name, extra_label, &[]);
    role["aggregationRule"] = json!({
        "clusterRoleSelectors": [{"matchLabels": {format!("rbac.authorization.k8s.io/aggregate-to-{aggregate_from}"): "true"}}]
    });
    role
}

fn binding(role: &str, groups: &[&str]) -> Value {
    let subjects: Vec<Value> = groups
        .iter()
        .map(|g| json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g}))
        .collect();
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": metadata(role, None),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    })
}

fn aggregate_to_edit() -> Vec<PolicyRule> {
    vec![
        rule(
            &[""],
            &["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"],
            READ,
        ),
        rule(&[""], &["serviceaccounts"], &["impersonate"]),
        rule(&[""], &["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
        rule(&[""], &["pods/eviction"], &["create"]),
        rule(
            &[""],
            &[
                "configmaps",
                "events",
                "persistentvolumeclaims",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "secrets",
                "serviceaccounts",
                "services",
                "services/proxy",
            ],
            WRITE,
        ),
        rule(&[""], &["serviceaccounts/token"], &["create"]),
        rule(
            &["apps"],
            &[
                "daemonsets",
                "deployments",
                "deployments/rollback",
                "deployments/scale",
                "replicasets",
                "replicasets/scale",
                "statefulsets",
                "statefulsets/scale",
            ],
            WRITE,
        ),
        rule(&["autoscaling"], &["horizontalpodautoscalers"], WRITE),
        rule(&["batch"], &["cronjobs", "jobs"], WRITE),
        rule(
            &["extensions"],
            &[
                "daemonsets",
                "deployments",
                "deployments/rollback",
                "deployments/scale",
                "ingresses",
                "networkpolicies",
                "replicasets",
                "replicasets/scale",
                "replicationcontrollers/scale",
            ],
            WRITE,
        ),
        rule(&["policy"], &["poddisruptionbudgets"], WRITE),
        rule(&["networking.k8s.io"], &["ingresses", "networkpolicies"], WRITE),
        rule(&["coordination.k8s.io"], &["leases"], READ_WRITE),
    ]
}

fn aggregate_to_view() -> Vec<PolicyRule> {
    vec![
        rule(
            &[""],
            &[
                "configmaps",
                "endpoints",
                "persistentvolumeclaims",
                "persistentvolumeclaims/status",
                "pods",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/status",
            ],
            READ,
        ),
        rule(
            &[""],
            &[
                "bindings",
                "events",
                "limitranges",
                "namespaces/status",
                "pods/log",
                "pods/status",
                "replicationcontrollers/status",
                "resourcequotas",
                "resourcequotas/status",
            ],
            READ,
        ),
        rule(&[""], &["namespaces"], READ),
        rule(&["discovery.k8s.io"], &["endpointslices"], READ),
        rule(
            &["apps"],
            &[
                "controllerrevisions",
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
                "statefulsets",
                "statefulsets/scale",
                "statefulsets/status",
            ],
            READ,
        ),
        rule(&["autoscaling"], &["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
        rule(&["batch"], &["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
        rule(
            &["extensions"],
            &[
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "ingresses",
                "ingresses/status",
                "networkpolicies",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
                "replicationcontrollers/scale",
            ],
            READ,
        ),
        rule(&["policy"], &["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
        rule(&["networking.k8s.io"], &["ingresses", "ingresses/status", "networkpolicies"], READ),
    ]
}

/// The bootstrap ClusterRoles and ClusterRoleBindings a sandbox seeds, as kube-apiserver
/// creates them (labelled `kubernetes.io/bootstrapping: rbac-defaults`, annotated
/// `rbac.authorization.kubernetes.io/autoupdate: "true"`), the aggregated roles `admin`,
/// `edit` and `view` already holding their aggregated rules.
///
/// Bindings: `cluster-admin` to `system:masters`; `system:basic-user` (self-reviews) and
/// `system:discovery` (`/api`, `/apis`, `/openapi`, `/version`, health) to
/// `system:authenticated`; `system:public-info-viewer` (`/version`, health) to
/// `system:authenticated` and `system:unauthenticated`; `system:monitoring` to the group of the
/// same name.
pub fn bootstrap_objects() -> Vec<Value> {
    let mut roles = vec![
        aggregated_role("admin", None, "admin"),
        cluster_role("cluster-admin", None, &[rule(&["*"], &["*"], &["*"]), urls(&["*"], &["*"])]),
        aggregated_role("edit", Some("rbac.authorization.k8s.io/aggregate-to-admin"), "edit"),
        cluster_role(
            "system:aggregate-to-admin",
            Some("rbac.authorization.k8s.io/aggregate-to-admin"),
            &[
                rule(&["authorization.k8s.io"], &["localsubjectaccessreviews"], &["create"]),
                rule(&["rbac.authorization.k8s.io"], &["rolebindings", "roles"], READ_WRITE),
            ],
        ),
        cluster_role(
            "system:aggregate-to-edit",
            Some("rbac.authorization.k8s.io/aggregate-to-edit"),
            &aggregate_to_edit(),
        ),
        cluster_role(
            "system:aggregate-to-view",
            Some("rbac.authorization.k8s.io/aggregate-to-view"),
            &aggregate_to_view(),
        ),
        cluster_role(
            "system:basic-user",
            None,
            &[
                rule(
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                    &["create"],
                ),
                rule(&["authentication.k8s.io"], &["selfsubjectreviews"], &["create"]),
            ],
        ),
        cluster_role(
            "system:discovery",
            None,
            &[urls(
                &[
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/openapi",
                    "/openapi/*",
                    "/readyz",
                    "/version",
                    "/version/",
                ],
                &["get"],
            )],
        ),
        cluster_role(
            "system:monitoring",
            None,
            &[urls(
                &[
                    "/healthz",
                    "/healthz/*",
                    "/livez",
                    "/livez/*",
                    "/metrics",
                    "/metrics/slis",
                    "/readyz",
                    "/readyz/*",
                ],
                &["get"],
            )],
        ),
        cluster_role(
            "system:public-info-viewer",
            None,
            &[urls(&["/healthz", "/livez", "/readyz", "/version", "/version/"], &["get"])],
        ),
        aggregated_role("view", Some("rbac.authorization.k8s.io/aggregate-to-edit"), "view"),
    ];
    for (name, rules) in aggregate_cluster_roles(&roles.clone()) {
        if let Some(role) = roles.iter_mut().find(|r| r["metadata"]["name"] == name.as_str()) {
            role["rules"] = rules;
        }
    }
    roles.extend([
        binding("cluster-admin", &["system:masters"]),
        binding("system:basic-user", &["system:authenticated"]),
        binding("system:discovery", &["system:authenticated"]),
        binding("system:monitoring", &["system:monitoring"]),
        binding("system:public-info-viewer", &["system:authenticated", "system:unauthenticated"]),
    ]);
    roles
}
