//! The RBAC authorizer: bindings, scopes, subjects, rule forms, aggregation, the bootstrap
//! policy, 403 texts, rule listing and impersonation.

#![allow(clippy::unwrap_used)]

use concord_apimachinery::rbac::{
    Attributes, ImpersonationError, ImpersonationRequest, Policy, UserInfo, aggregate_cluster_roles,
    bootstrap_objects, forbidden_message, forbidden_status,
};
use serde_json::{Value, json};

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

fn role(namespace: &str, name: &str, rules: Vec<Value>) -> Value {
    json!({"kind": "Role", "metadata": {"name": name, "namespace": namespace}, "rules": rules})
}

fn cluster_role(name: &str, rules: Vec<Value>) -> Value {
    json!({"kind": "ClusterRole", "metadata": {"name": name}, "rules": rules})
}

fn subject(kind: &str, name: &str, namespace: Option<&str>) -> Value {
    let mut s = json!({"kind": kind, "name": name});
    if let Some(ns) = namespace {
        s["namespace"] = json!(ns);
    }
    s
}

fn role_binding(namespace: &str, name: &str, role_kind: &str, role: &str, subjects: Vec<Value>) -> Value {
    json!({"kind": "RoleBinding", "metadata": {"name": name, "namespace": namespace},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role}, "subjects": subjects})
}

fn cluster_role_binding(name: &str, role: &str, subjects: Vec<Value>) -> Value {
    json!({"kind": "ClusterRoleBinding", "metadata": {"name": name},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}, "subjects": subjects})
}

/// A policy from one list of objects of any RBAC kind.
fn policy(objects: &[Value]) -> Policy {
    Policy::new(objects, objects, objects, objects)
}

fn user(name: &str, groups: &[&str]) -> UserInfo {
    UserInfo::new(name, "", groups.iter().map(|g| g.to_string()).collect()).with_authenticated_group()
}

fn can(p: &Policy, attrs: &Attributes) -> bool {
    p.authorize(attrs).allowed
}

#[test]
fn cluster_role_binding_applies_everywhere() {
    let p = policy(&[
        cluster_role("pod-reader", vec![rule(&[""], &["pods"], &["get", "list", "watch"])]),
        cluster_role_binding("readers", "pod-reader", vec![subject("Group", "readers", None)]),
    ]);
    let bob = user("bob", &["readers"]);
    assert!(can(&p, &Attributes::resource(bob.clone(), "list", "", "pods").namespace("dev")));
    assert!(can(&p, &Attributes::resource(bob.clone(), "list", "", "pods")));
    assert!(can(&p, &Attributes::resource(bob.clone(), "get", "", "pods").namespace("prod").name("web")));
    assert!(!can(&p, &Attributes::resource(bob.clone(), "delete", "", "pods").namespace("dev").name("web")));
    assert!(!can(&p, &Attributes::resource(bob.clone(), "list", "apps", "deployments").namespace("dev")));
    assert!(!can(
        &p,
        &Attributes::resource(bob, "get", "", "pods").namespace("dev").name("web").subresource("log")
    ));
    assert!(!can(&p, &Attributes::resource(user("alice", &[]), "list", "", "pods")));
    assert_eq!(
        p.authorize(&Attributes::resource(user("bob", &["readers"]), "list", "", "pods")).reason,
        r#"RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "pod-reader" to Group "readers""#
    );
}

#[test]
fn role_binding_to_cluster_role_is_scoped_to_its_namespace() {
    let p = policy(&[
        cluster_role("editor", vec![rule(&["", "apps"], &["*"], &["*"])]),
        role_binding("dev", "alice-edit", "ClusterRole", "editor", vec![subject("User", "alice", None)]),
    ]);
    let alice = user("alice", &[]);
    assert!(can(
        &p,
        &Attributes::resource(alice.clone(), "delete", "apps", "deployments").namespace("dev").name("web")
    ));
    assert!(can(&p, &Attributes::resource(alice.clone(), "create", "", "configmaps").namespace("dev")));
    assert!(!can(&p, &Attributes::resource(alice.clone(), "create", "", "configmaps").namespace("prod")));
    assert!(!can(&p, &Attributes::resource(alice.clone(), "list", "", "configmaps")));
    assert!(!can(&p, &Attributes::resource(alice.clone(), "create", "batch", "jobs").namespace("dev")));
    assert_eq!(
        p.authorize(&Attributes::resource(alice, "get", "", "pods").namespace("dev")).reason,
        r#"RBAC: allowed by RoleBinding "alice-edit/dev" of ClusterRole "editor" to User "alice""#
    );
}

#[test]
fn role_binding_to_role() {
    let p = policy(&[
        role("dev", "cm-writer", vec![rule(&[""], &["configmaps"], &["create", "update"])]),
        role("prod", "cm-writer", vec![rule(&[""], &["secrets"], &["create"])]),
        role_binding("dev", "b", "Role", "cm-writer", vec![subject("User", "carol", None)]),
        role_binding("prod", "b", "Role", "cm-writer", vec![subject("User", "carol", None)]),
    ]);
    let carol = user("carol", &[]);
    assert!(can(&p, &Attributes::resource(carol.clone(), "create", "", "configmaps").namespace("dev")));
    assert!(!can(&p, &Attributes::resource(carol.clone(), "create", "", "secrets").namespace("dev")));
    assert!(can(&p, &Attributes::resource(carol.clone(), "create", "", "secrets").namespace("prod")));
    assert!(!can(&p, &Attributes::resource(carol, "create", "", "configmaps").namespace("prod")));
}

#[test]
fn service_account_subjects() {
    let p = policy(&[
        cluster_role("r", vec![rule(&[""], &["pods"], &["get"])]),
        // Without a namespace, a RoleBinding's service account is in the binding's namespace.
        role_binding("dev", "local", "ClusterRole", "r", vec![subject("ServiceAccount", "builder", None)]),
        role_binding(
            "dev",
            "remote",
            "ClusterRole",
            "r",
            vec![subject("ServiceAccount", "deployer", Some("ci"))],
        ),
        // A ClusterRoleBinding's service account must name its namespace.
        cluster_role_binding("unqualified", "r", vec![subject("ServiceAccount", "ghost", None)]),
        cluster_role_binding(
            "all-sa-in-mon",
            "r",
            vec![subject("Group", "system:serviceaccounts:mon", None)],
        ),
    ]);
    let get =
        |u: UserInfo, ns: &str| can(&p, &Attributes::resource(u, "get", "", "pods").namespace(ns).name("x"));
    assert!(get(UserInfo::service_account("dev", "builder", "u1"), "dev"));
    assert!(!get(UserInfo::service_account("other", "builder", "u1"), "dev"));
    assert!(get(UserInfo::service_account("ci", "deployer", "u2"), "dev"));
    assert!(!get(UserInfo::service_account("ci", "deployer", "u2"), "ci"));
    assert!(!get(UserInfo::service_account("dev", "ghost", "u3"), "dev"));
    assert!(get(UserInfo::service_account("mon", "anything", "u4"), "prod"));
    // A user merely named like a service account is one.
    assert!(get(user("system:serviceaccount:dev:builder", &[]), "dev"));
    assert!(!get(user("system:serviceaccount:dev:builder2", &[]), "dev"));
    let sa = UserInfo::service_account("dev", "builder", "u1");
    assert_eq!(sa.name, "system:serviceaccount:dev:builder");
    assert_eq!(sa.groups, ["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"]);
    assert_eq!(
        p.authorize(&Attributes::resource(sa, "get", "", "pods").namespace("dev")).reason,
        r#"RBAC: allowed by RoleBinding "local/dev" of ClusterRole "r" to ServiceAccount "builder/dev""#
    );
}

#[test]
fn implicit_groups() {
    let p = policy(&[
        cluster_role("r", vec![rule(&[""], &["namespaces"], &["list"])]),
        cluster_role_binding("authn", "r", vec![subject("Group", "system:authenticated", None)]),
    ]);
    let list = |u: UserInfo| can(&p, &Attributes::resource(u, "list", "", "namespaces"));
    assert!(list(user("anyone", &[])));
    assert!(!list(UserInfo::anonymous()));
    assert!(!list(UserInfo::new("raw", "", vec![])));
    assert_eq!(UserInfo::anonymous().with_authenticated_group().groups, ["system:unauthenticated"]);
    assert_eq!(
        UserInfo::new("x", "", vec!["system:unauthenticated".into()]).with_authenticated_group().groups,
        ["system:unauthenticated"]
    );
    assert_eq!(user("x", &["a", "system:authenticated"]).groups, ["a", "system:authenticated"]);
}

#[test]
fn superusers_need_no_rules() {
    let p = policy(&[]);
    let root = user("root", &["system:masters"]);
    let d = p.authorize(&Attributes::resource(
        root.clone(),
        "escalate",
        "rbac.authorization.k8s.io",
        "clusterroles",
    ));
    assert!(d.allowed);
    assert_eq!(d.reason, "");
    assert!(can(&p, &Attributes::non_resource(root, "delete", "/anything")));
}

#[test]
fn resource_names() {
    let p = policy(&[
        cluster_role(
            "one-cm",
            vec![json!({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app-config"],
                                          "verbs": ["get", "update", "list", "create", "delete", "deletecollection", "watch"]})],
        ),
        role_binding("dev", "b", "ClusterRole", "one-cm", vec![subject("User", "dan", None)]),
    ]);
    let dan = user("dan", &[]);
    let cm = |verb: &str, name: &str| {
        can(&p, &Attributes::resource(dan.clone(), verb, "", "configmaps").namespace("dev").name(name))
    };
    assert!(cm("get", "app-config"));
    assert!(cm("update", "app-config"));
    assert!(cm("delete", "app-config"));
    assert!(!cm("get", "other"));
    // Collections and creates carry no name, so a named rule cannot allow them.
    assert!(!cm("list", ""));
    assert!(!cm("create", ""));
    assert!(!cm("deletecollection", ""));
    // A list or watch selecting metadata.name=app-config carries that name, as kube-apiserver sets it.
    assert!(cm("list", "app-config"));
    assert!(cm("watch", "app-config"));
}

#[test]
fn subresources_and_wildcards() {
    let p = policy(&[
        cluster_role(
            "r",
            vec![
                rule(&[""], &["pods/log"], &["get"]),
                rule(&["apps"], &["*/scale"], &["update"]),
                rule(&["*"], &["widgets"], &["*"]),
            ],
        ),
        cluster_role_binding("b", "r", vec![subject("User", "eve", None)]),
    ]);
    let eve = user("eve", &[]);
    let at = |verb: &str, group: &str, resource: &str, sub: &str| {
        can(
            &p,
            &Attributes::resource(eve.clone(), verb, group, resource)
                .namespace("dev")
                .name("x")
                .subresource(sub),
        )
    };
    assert!(at("get", "", "pods", "log"));
    assert!(!at("get", "", "pods", ""));
    assert!(!at("get", "", "pods", "exec"));
    assert!(at("update", "apps", "deployments", "scale"));
    assert!(at("update", "apps", "statefulsets", "scale"));
    assert!(!at("update", "apps", "deployments", ""));
    assert!(!at("update", "", "replicationcontrollers", "scale"));
    assert!(at("patch", "example.com", "widgets", ""));
    assert!(at("escalate", "other.io", "widgets", ""));
    assert!(!at("get", "example.com", "widgets", "status"));

    let all = policy(&[
        cluster_role("all", vec![rule(&["*"], &["*"], &["*"])]),
        cluster_role_binding("b", "all", vec![subject("User", "eve", None)]),
    ]);
    assert!(can(&all, &Attributes::resource(user("eve", &[]), "get", "", "pods").subresource("log")));
    // Resource rules never allow a path.
    assert!(!can(&all, &Attributes::non_resource(user("eve", &[]), "get", "/healthz")));
}

#[test]
fn non_resource_urls() {
    let p = policy(&[
        cluster_role(
            "r",
            vec![
                json!({"nonResourceURLs": ["/healthz", "/apis/*", "/logs*"], "verbs": ["get"]}),
                json!({"nonResourceURLs": ["*"], "verbs": ["head"]}),
            ],
        ),
        cluster_role_binding("b", "r", vec![subject("User", "fay", None)]),
    ]);
    let fay = user("fay", &[]);
    let get = |verb: &str, path: &str| can(&p, &Attributes::non_resource(fay.clone(), verb, path));
    assert!(get("get", "/healthz"));
    assert!(!get("get", "/healthz/etcd"));
    assert!(get("get", "/apis/apps/v1"));
    assert!(get("get", "/apis/"));
    assert!(!get("get", "/apis"));
    assert!(get("get", "/logs"));
    assert!(get("get", "/logsfoo/bar"));
    assert!(!get("post", "/healthz"));
    assert!(get("head", "/anything/at/all"));
    // Path rules never allow a resource.
    assert!(!can(&p, &Attributes::resource(fay, "get", "", "healthz")));
}

#[test]
fn unresolved_references_are_reported() {
    let p = policy(&[
        role_binding("dev", "a", "Role", "missing-role", vec![subject("User", "gus", None)]),
        role_binding("dev", "b", "ClusterRole", "missing-cr", vec![subject("User", "gus", None)]),
        role_binding("dev", "c", "Magic", "x", vec![subject("User", "gus", None)]),
        cluster_role_binding("d", "missing-cr", vec![subject("User", "gus", None)]),
        // A ClusterRoleBinding cannot bind a Role (it has no namespace to find it in).
        json!({"kind": "ClusterRoleBinding", "metadata": {"name": "e"},
               "roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "gus"}]}),
    ]);
    let attrs = Attributes::resource(user("gus", &[]), "get", "", "pods").namespace("dev").name("web");
    let decision = p.authorize(&attrs);
    assert!(!decision.allowed);
    assert_eq!(
        decision.reason,
        r#"RBAC: [clusterrole.rbac.authorization.k8s.io "missing-cr" not found, role.rbac.authorization.k8s.io "r" not found, role.rbac.authorization.k8s.io "missing-role" not found, unsupported role reference kind: "Magic"]"#
    );
    assert_eq!(
        forbidden_message(&attrs, &decision.reason),
        format!(
            r#"pods "web" is forbidden: User "gus" cannot get resource "pods" in API group "" in the namespace "dev": {}"#,
            decision.reason
        )
    );
    let one = policy(&[role_binding("dev", "a", "Role", "nope", vec![subject("User", "gus", None)])]);
    assert_eq!(one.authorize(&attrs).reason, r#"RBAC: role.rbac.authorization.k8s.io "nope" not found"#);
}

#[test]
fn forbidden_texts() {
    let alice = user("alice", &[]);
    let cases: &[(Attributes, &str)] = &[
        (
            Attributes::resource(alice.clone(), "list", "", "pods").namespace("default"),
            r#"pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default""#,
        ),
        (
            Attributes::resource(alice.clone(), "list", "", "nodes"),
            r#"nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope"#,
        ),
        (
            Attributes::resource(alice.clone(), "get", "", "pods").namespace("default").name("web"),
            r#"pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default""#,
        ),
        (
            Attributes::resource(alice.clone(), "get", "", "pods")
                .namespace("default")
                .name("web")
                .subresource("log"),
            r#"pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "default""#,
        ),
        (
            Attributes::resource(alice.clone(), "create", "apps", "deployments").namespace("dev"),
            r#"deployments.apps is forbidden: User "alice" cannot create resource "deployments" in API group "apps" in the namespace "dev""#,
        ),
        (
            Attributes::resource(alice.clone(), "patch", "apps", "deployments")
                .namespace("dev")
                .name("web")
                .subresource("scale"),
            r#"deployments.apps "web" is forbidden: User "alice" cannot patch resource "deployments/scale" in API group "apps" in the namespace "dev""#,
        ),
        (
            Attributes::resource(alice.clone(), "delete", "rbac.authorization.k8s.io", "clusterroles")
                .name("admin"),
            r#"clusterroles.rbac.authorization.k8s.io "admin" is forbidden: User "alice" cannot delete resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope"#,
        ),
        (
            Attributes::non_resource(user("bob", &[]), "get", "/api"),
            r#"forbidden: User "bob" cannot get path "/api""#,
        ),
        (
            Attributes::non_resource(UserInfo::anonymous(), "get", "/metrics"),
            r#"forbidden: User "system:anonymous" cannot get path "/metrics""#,
        ),
        (
            Attributes::non_resource(user("bob", &[]), "get", "/a<b>&c"),
            r#"forbidden: User "bob" cannot get path "/a&lt;b&gt;&amp;c""#,
        ),
        (
            Attributes::resource(user("sa \"q\"", &[]), "list", "", "pods"),
            r#"pods is forbidden: User "sa \"q\"" cannot list resource "pods" in API group "" at the cluster scope"#,
        ),
    ];
    let nobody = policy(&[]);
    for (attrs, want) in cases {
        let decision = nobody.authorize(attrs);
        assert!(!decision.allowed);
        assert_eq!(forbidden_message(attrs, &decision.reason), *want);
    }
}

#[test]
fn forbidden_status_objects() {
    let attrs =
        Attributes::resource(user("alice", &[]), "get", "apps", "deployments").namespace("dev").name("web");
    assert_eq!(
        forbidden_status(&attrs, ""),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": r#"deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "dev""#,
               "reason": "Forbidden", "details": {"name": "web", "group": "apps", "kind": "deployments"}, "code": 403})
    );
    let path = Attributes::non_resource(UserInfo::anonymous(), "get", "/metrics");
    assert_eq!(forbidden_status(&path, "")["details"], json!({}));
}

fn extra_view_role() -> Value {
    json!({"kind": "ClusterRole", "metadata": {"name": "widget-viewer", "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
           "rules": [rule(&["example.com"], &["widgets"], &["get", "list", "watch"])]})
}

#[test]
fn aggregation_reaches_view_edit_and_admin() {
    let mut objects = bootstrap_objects();
    objects.push(extra_view_role());
    objects.push(role_binding("dev", "v", "ClusterRole", "view", vec![subject("User", "vic", None)]));
    objects.push(role_binding("dev", "e", "ClusterRole", "edit", vec![subject("User", "ed", None)]));
    objects.push(role_binding("dev", "a", "ClusterRole", "admin", vec![subject("User", "ada", None)]));
    let p = policy(&objects);
    let widgets = |name: &str, verb: &str| {
        can(&p, &Attributes::resource(user(name, &[]), verb, "example.com", "widgets").namespace("dev"))
    };
    assert!(widgets("vic", "list"));
    assert!(widgets("ed", "list"));
    assert!(widgets("ada", "list"));
    assert!(!widgets("ada", "create"));
    let pods = |name: &str, verb: &str| {
        can(&p, &Attributes::resource(user(name, &[]), verb, "", "pods").namespace("dev"))
    };
    assert!(pods("vic", "list") && !pods("vic", "create"));
    assert!(pods("ed", "create") && pods("ed", "deletecollection"));
    assert!(pods("ada", "create"));
    let secrets = |name: &str| {
        can(&p, &Attributes::resource(user(name, &[]), "get", "", "secrets").namespace("dev").name("s"))
    };
    assert!(!secrets("vic"));
    assert!(secrets("ed"));
    let roles = |name: &str| {
        can(
            &p,
            &Attributes::resource(user(name, &[]), "create", "rbac.authorization.k8s.io", "rolebindings")
                .namespace("dev"),
        )
    };
    assert!(!roles("ed"));
    assert!(roles("ada"));

    // What the aggregation controller would store.
    let stored: Vec<(String, Value)> = aggregate_cluster_roles(&objects);
    let names: Vec<&str> = stored.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["admin", "edit", "view"]);
    let view = &stored[2].1;
    assert!(view.as_array().unwrap().contains(
        &json!({"verbs": ["get", "list", "watch"], "apiGroups": ["example.com"], "resources": ["widgets"]})
    ));
}

#[test]
fn aggregation_details() {
    let selector_role = |name: &str, selectors: Value| {
        json!({"kind": "ClusterRole", "metadata": {"name": name}, "aggregationRule": {"clusterRoleSelectors": selectors},
               "rules": [rule(&["stale"], &["stale"], &["stale"])]})
    };
    let labelled = |name: &str, labels: Value, rules: Vec<Value>| json!({"kind": "ClusterRole", "metadata": {"name": name, "labels": labels}, "rules": rules});
    let roles = vec![
        selector_role(
            "agg",
            json!([{"matchLabels": {"team": "a"}}, {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["x"]}]}]),
        ),
        labelled(
            "b-role",
            json!({"team": "a"}),
            vec![rule(&[""], &["pods"], &["get"]), rule(&[""], &["services"], &["get"])],
        ),
        labelled("a-role", json!({"team": "a", "tier": "x"}), vec![rule(&[""], &["services"], &["get"])]),
        labelled("c-role", json!({"tier": "x"}), vec![rule(&[""], &["pods"], &["get"])]),
        selector_role("empty", json!([])),
        selector_role("bad", json!([{"matchExpressions": [{"key": "a", "operator": "Bogus"}]}])),
        json!({"kind": "ClusterRole", "metadata": {"name": "self", "labels": {"team": "a"}},
               "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"team": "a"}}]}}),
    ];
    let stored = aggregate_cluster_roles(&roles);
    let get = |name: &str| stored.iter().find(|(n, _)| n == name).map(|(_, r)| r.clone());
    // Matching roles in name order, each distinct rule once, across selectors.
    assert_eq!(
        get("agg").unwrap(),
        json!([{"verbs": ["get"], "apiGroups": [""], "resources": ["services"]}, {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}])
    );
    assert_eq!(get("empty").unwrap(), json!([]));
    // An invalid selector leaves the role alone, as kube's controller fails on it.
    assert_eq!(get("bad"), None);
    // A role never aggregates itself; "self" matches b-role and a-role (and agg, which has no label).
    assert_eq!(
        get("self").unwrap(),
        json!([{"verbs": ["get"], "apiGroups": [""], "resources": ["services"]}, {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}])
    );
}

#[test]
fn bootstrap_policy() {
    let objects = bootstrap_objects();
    let p = policy(&objects);
    let names: Vec<&str> = objects.iter().filter_map(|o| o["metadata"]["name"].as_str()).collect();
    for name in [
        "cluster-admin",
        "admin",
        "edit",
        "view",
        "system:discovery",
        "system:basic-user",
        "system:public-info-viewer",
    ] {
        let count = names.iter().filter(|n| **n == name).count();
        assert!(count >= 1, "{name}");
    }
    for object in &objects {
        assert_eq!(object["metadata"]["annotations"]["rbac.authorization.kubernetes.io/autoupdate"], "true");
        assert_eq!(object["metadata"]["labels"]["kubernetes.io/bootstrapping"], "rbac-defaults");
        assert_eq!(object["apiVersion"], "rbac.authorization.k8s.io/v1");
    }
    let admin =
        objects.iter().find(|o| o["metadata"]["name"] == "admin" && o["kind"] == "ClusterRole").unwrap();
    assert!(admin["rules"].as_array().unwrap().len() > 10, "admin carries its aggregated rules");

    let anon = UserInfo::anonymous();
    let someone = user("someone", &[]);
    let path = |u: &UserInfo, p_: &str| can(&p, &Attributes::non_resource(u.clone(), "get", p_));
    for public in ["/version", "/version/", "/healthz", "/livez", "/readyz"] {
        assert!(path(&anon, public), "{public}");
    }
    for discovery in ["/api", "/api/v1", "/apis", "/apis/apps/v1", "/openapi/v2", "/openapi/v3/apis/apps/v1"]
    {
        assert!(!path(&anon, discovery), "{discovery}");
        assert!(path(&someone, discovery), "{discovery}");
    }
    assert!(!path(&someone, "/metrics"));
    assert!(path(&user("prom", &["system:monitoring"]), "/metrics"));
    for review in ["selfsubjectaccessreviews", "selfsubjectrulesreviews"] {
        assert!(can(&p, &Attributes::resource(someone.clone(), "create", "authorization.k8s.io", review)));
        assert!(!can(&p, &Attributes::resource(anon.clone(), "create", "authorization.k8s.io", review)));
    }
    assert!(can(
        &p,
        &Attributes::resource(someone.clone(), "create", "authentication.k8s.io", "selfsubjectreviews")
    ));
    assert!(!can(&p, &Attributes::resource(someone.clone(), "list", "", "pods").namespace("default")));
    let root = user("root", &["system:masters"]);
    assert_eq!(
        p.authorize(&Attributes::resource(
            UserInfo::new("root", "", vec!["system:masters".into()]),
            "list",
            "",
            "pods"
        ))
        .reason,
        ""
    );
    assert!(can(&p, &Attributes::non_resource(root, "get", "/metrics")));
}

#[test]
fn rules_for_self_review() {
    let mut objects = bootstrap_objects();
    objects.push(role(
        "dev",
        "cm",
        vec![
            json!({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"], "verbs": ["get"]}),
        ],
    ));
    objects.push(role_binding("dev", "b", "Role", "cm", vec![subject("User", "hal", None)]));
    objects.push(role_binding("dev", "broken", "Role", "gone", vec![subject("User", "hal", None)]));
    let p = policy(&objects);
    let review = p.rules_for(&user("hal", &[]), "dev");
    assert!(!review.incomplete);
    assert_eq!(review.evaluation_error, r#"role.rbac.authorization.k8s.io "gone" not found"#);
    let status = review.status_json();
    let resource_rules = status["resourceRules"].as_array().unwrap();
    assert!(resource_rules.contains(&json!({"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]})));
    assert!(resource_rules.contains(
        &json!({"verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"]})
    ));
    let non_resource = status["nonResourceRules"].as_array().unwrap();
    assert!(non_resource.contains(&json!({"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]})));
    assert_eq!(status["incomplete"], false);
    assert_eq!(status["evaluationError"], r#"role.rbac.authorization.k8s.io "gone" not found"#);
    // Another namespace shows only the cluster-wide rules.
    let elsewhere = p.rules_for(&user("hal", &[]), "prod");
    assert!(elsewhere.evaluation_error.is_empty());
    assert!(elsewhere.status_json().get("evaluationError").is_none());
    assert!(!elsewhere.resource_rules.iter().any(|r| r.resources == ["configmaps"]));
    // cluster-admin's two rules are split by kind.
    let root = p.rules_for(&UserInfo::new("root", "", vec!["system:masters".into()]), "");
    assert!(root.resource_rules.iter().any(|r| r.resources == ["*"] && r.non_resource_urls.is_empty()));
    assert!(root.non_resource_rules.iter().any(|r| r.non_resource_urls == ["*"] && r.resources.is_empty()));
}

#[test]
fn impersonation() {
    let p = policy(&[
        cluster_role(
            "impersonator",
            vec![
                rule(&[""], &["users"], &["impersonate"]),
                json!({"apiGroups": [""], "resources": ["groups"], "resourceNames": ["devs"], "verbs": ["impersonate"]}),
                rule(&["authentication.k8s.io"], &["uids", "userextras/scopes"], &["impersonate"]),
            ],
        ),
        cluster_role_binding("imp", "impersonator", vec![subject("User", "ivy", None)]),
        role(
            "dev",
            "sa-imp",
            vec![
                json!({"apiGroups": [""], "resources": ["serviceaccounts"], "resourceNames": ["builder"], "verbs": ["impersonate"]}),
            ],
        ),
        role_binding("dev", "sa-imp", "Role", "sa-imp", vec![subject("User", "ivy", None)]),
    ]);
    let ivy = user("ivy", &[]);
    let request = |user: &str, groups: &[&str]| ImpersonationRequest {
        user: user.to_string(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        ..ImpersonationRequest::default()
    };
    assert_eq!(p.impersonate(&ivy, &ImpersonationRequest::default()).unwrap(), None);

    let bob = p.impersonate(&ivy, &request("bob", &["devs"])).unwrap().unwrap();
    assert_eq!(bob.name, "bob");
    assert_eq!(bob.groups, ["devs", "system:authenticated"]);
    let bob = p.impersonate(&ivy, &request("bob", &[])).unwrap().unwrap();
    assert_eq!(bob.groups, ["system:authenticated"]);

    let err = p.impersonate(&ivy, &request("bob", &["system:masters"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"groups "system:masters" is forbidden: User "ivy" cannot impersonate resource "groups" in API group "" at the cluster scope"#
    );
    let ImpersonationError::Forbidden { attributes, .. } = err else { panic!("forbidden expected") };
    assert_eq!(
        (attributes.resource.as_str(), attributes.name.as_str(), attributes.verb.as_str()),
        ("groups", "system:masters", "impersonate")
    );

    let sa = p.impersonate(&ivy, &request("system:serviceaccount:dev:builder", &[])).unwrap().unwrap();
    assert_eq!(sa.name, "system:serviceaccount:dev:builder");
    assert_eq!(sa.groups, ["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"]);
    assert_eq!(
        p.impersonate(&ivy, &request("system:serviceaccount:dev:other", &[])).unwrap_err().to_string(),
        r#"serviceaccounts "other" is forbidden: User "ivy" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "dev""#
    );
    // Not a valid service account name: checked as a plain user name.
    let odd = p.impersonate(&ivy, &request("system:serviceaccount:Dev:x", &[])).unwrap().unwrap();
    assert_eq!(odd.groups, ["system:authenticated"]);

    let full = ImpersonationRequest {
        user: "bob".into(),
        groups: vec![],
        extra: vec![("scopes".into(), "view".into()), ("scopes".into(), "edit".into())],
        uid: "1234".into(),
    };
    let bob = p.impersonate(&ivy, &full).unwrap().unwrap();
    assert_eq!(bob.uid, "1234");
    assert_eq!(bob.extra["scopes"], ["view", "edit"]);
    let other_extra = ImpersonationRequest { extra: vec![("reason".into(), "x".into())], ..full.clone() };
    assert_eq!(
        p.impersonate(&ivy, &other_extra).unwrap_err().to_string(),
        r#"userextras.authentication.k8s.io "x" is forbidden: User "ivy" cannot impersonate resource "userextras/reason" in API group "authentication.k8s.io" at the cluster scope"#
    );

    let anonymous = p.impersonate(&ivy, &request("system:anonymous", &[])).unwrap().unwrap();
    assert_eq!(anonymous.groups, ["system:unauthenticated"]);

    let without_user = ImpersonationRequest {
        groups: vec!["devs".into()],
        uid: "9".into(),
        ..ImpersonationRequest::default()
    };
    assert_eq!(
        p.impersonate(&ivy, &without_user).unwrap_err().to_string(),
        "requested [{Group  devs    } {UID  9  authentication.k8s.io/v1  }] without impersonating a user"
    );
    assert!(matches!(
        p.impersonate(&user("nobody", &[]), &request("bob", &[])),
        Err(ImpersonationError::Forbidden { .. })
    ));
}

#[test]
fn attribute_builders() {
    let a = Attributes::resource(user("u", &[]), "get", "apps", "deployments")
        .namespace("ns")
        .name("n")
        .subresource("scale");
    assert_eq!(
        (
            a.verb.as_str(),
            a.api_group.as_str(),
            a.resource.as_str(),
            a.namespace.as_str(),
            a.name.as_str(),
            a.subresource.as_str()
        ),
        ("get", "apps", "deployments", "ns", "n", "scale")
    );
    assert!(a.resource_request);
    let b = Attributes::non_resource(user("u", &[]), "get", "/x");
    assert!(!b.resource_request);
    assert_eq!(b.path, "/x");
}
