//! The RBAC authorizer as kube-apiserver evaluates it (`plugin/pkg/auth/authorizer/rbac`), with
//! the superuser group in front of it, the 403 texts, impersonation, and rule listing for
//! `SelfSubjectRulesReview` (`kubectl auth can-i --list`).
//!
//! The caller keeps a [`Policy`] built from the current Roles, RoleBindings, ClusterRoles and
//! ClusterRoleBindings and rebuilds it when one of them changes. Aggregated ClusterRoles get the
//! rules kube's aggregation controller would give them; [`aggregate_cluster_roles`] tells the
//! caller which rules to store so that reading the ClusterRole shows them, as on a cluster.
//!
//! ```
//! use concord_apimachinery::rbac::{Attributes, Policy, UserInfo, bootstrap_objects, forbidden_message};
//! use serde_json::json;
//!
//! let objects = bootstrap_objects();
//! let binding = json!({"kind": "RoleBinding", "metadata": {"name": "alice-view", "namespace": "dev"},
//!     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
//!     "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice"}]});
//! // Each list may hold other kinds too: only its own kind is read.
//! let policy = Policy::new(&objects, &[binding], &objects, &objects);
//!
//! let alice = UserInfo::new("alice", "", vec![]).with_authenticated_group();
//! let list = Attributes::resource(alice.clone(), "list", "", "pods").namespace("dev");
//! assert!(policy.authorize(&list).allowed);
//!
//! let delete = Attributes::resource(alice, "delete", "", "pods").namespace("dev").name("web");
//! let decision = policy.authorize(&delete);
//! assert!(!decision.allowed);
//! assert_eq!(forbidden_message(&delete, &decision.reason),
//!     r#"pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "dev""#);
//! ```

mod bootstrap;
mod impersonation;

pub use bootstrap::bootstrap_objects;
pub use impersonation::{ImpersonationError, ImpersonationRequest};

use crate::field::aggregate;
use crate::gofmt;
use crate::labels::{LabelSelector, from_label_selector_json};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;

/// The group whose members may do anything, before RBAC is asked.
pub const SYSTEM_MASTERS: &str = "system:masters";
/// The group every authenticated user is in.
pub const ALL_AUTHENTICATED: &str = "system:authenticated";
/// The group of requests without credentials.
pub const ALL_UNAUTHENTICATED: &str = "system:unauthenticated";
/// The user name of requests without credentials.
pub const ANONYMOUS: &str = "system:anonymous";

const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";

/// Who makes a request, as authentication established it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfo {
    /// The user name, e.g. `alice` or `system:serviceaccount:default:builder`.
    pub name: String,
    /// A unique id; may be empty.
    pub uid: String,
    /// The groups, including the implicit `system:authenticated` once added.
    pub groups: Vec<String>,
    /// Extra attributes (impersonated `Impersonate-Extra-*`, token claims).
    pub extra: BTreeMap<String, Vec<String>>,
}

impl UserInfo {
    /// A user with exactly these groups.
    pub fn new(name: &str, uid: &str, groups: Vec<String>) -> UserInfo {
        UserInfo { name: name.to_owned(), uid: uid.to_owned(), groups, extra: BTreeMap::new() }
    }

    /// The anonymous user: `system:anonymous` in `system:unauthenticated`.
    pub fn anonymous() -> UserInfo {
        UserInfo::new(ANONYMOUS, "", vec![ALL_UNAUTHENTICATED.to_owned()])
    }

    /// A service account as its token authenticates: `system:serviceaccount:<ns>:<name>` in
    /// `system:serviceaccounts`, `system:serviceaccounts:<ns>` and `system:authenticated`.
    pub fn service_account(namespace: &str, name: &str, uid: &str) -> UserInfo {
        let mut groups = service_account_groups(namespace);
        groups.push(ALL_AUTHENTICATED.to_owned());
        UserInfo::new(&service_account_username(namespace, name), uid, groups)
    }

    /// Adds `system:authenticated` as kube-apiserver does after authenticating: not for the
    /// anonymous user, nor when the user already is in `system:authenticated` or
    /// `system:unauthenticated`.
    pub fn with_authenticated_group(mut self) -> UserInfo {
        let implicit = self.groups.iter().any(|g| g == ALL_AUTHENTICATED || g == ALL_UNAUTHENTICATED);
        if self.name != ANONYMOUS && !implicit {
            self.groups.push(ALL_AUTHENTICATED.to_owned());
        }
        self
    }
}

fn service_account_username(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}")
}

fn service_account_groups(namespace: &str) -> Vec<String> {
    vec!["system:serviceaccounts".to_owned(), format!("system:serviceaccounts:{namespace}")]
}

/// What a request asks to do, as kube's `authorizer.Attributes`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attributes {
    /// Who asks.
    pub user: UserInfo,
    /// The verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`, or another (`impersonate`, `escalate`, ...); for non-resource
    /// requests the lowercase HTTP method.
    pub verb: String,
    /// The API group, `""` for core.
    pub api_group: String,
    /// The plural resource name.
    pub resource: String,
    /// The subresource, e.g. `log` or `status`; may be empty.
    pub subresource: String,
    /// The namespace; empty for cluster-scoped resources and cluster-wide lists.
    pub namespace: String,
    /// The object name; empty for lists, watches and creates (for a list selecting
    /// `metadata.name=x` kube-apiserver sets `x`).
    pub name: String,
    /// The URL path of a non-resource request, e.g. `/version`.
    pub path: String,
    /// Whether this is a request for an API resource (else for `path`).
    pub resource_request: bool,
}

impl Attributes {
    /// A resource request; add the rest with [`Attributes::namespace`], [`Attributes::name`]
    /// and [`Attributes::subresource`].
    pub fn resource(user: UserInfo, verb: &str, api_group: &str, resource: &str) -> Attributes {
        Attributes {
            user,
            verb: verb.to_owned(),
            api_group: api_group.to_owned(),
            resource: resource.to_owned(),
            resource_request: true,
            ..Attributes::default()
        }
    }

    /// A non-resource request for `path`.
    pub fn non_resource(user: UserInfo, verb: &str, path: &str) -> Attributes {
        Attributes { user, verb: verb.to_owned(), path: path.to_owned(), ..Attributes::default() }
    }

    /// With this namespace.
    pub fn namespace(mut self, namespace: &str) -> Attributes {
        namespace.clone_into(&mut self.namespace);
        self
    }

    /// With this object name.
    pub fn name(mut self, name: &str) -> Attributes {
        name.clone_into(&mut self.name);
        self
    }

    /// With this subresource.
    pub fn subresource(mut self, subresource: &str) -> Attributes {
        subresource.clone_into(&mut self.subresource);
        self
    }
}

/// The authorizer's answer. A denial's `reason` is empty, or `RBAC: ` and the errors met while
/// resolving bindings (e.g. a missing role); it ends the 403 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Which binding allowed it, or why resolution was incomplete.
    pub reason: String,
}

/// One rule of a Role or ClusterRole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyRule {
    /// Verbs, `*` for all.
    pub verbs: Vec<String>,
    /// API groups, `*` for all.
    pub api_groups: Vec<String>,
    /// Resources, `*`, `resource/subresource` or `*/subresource`.
    pub resources: Vec<String>,
    /// Object names; empty for all.
    pub resource_names: Vec<String>,
    /// Non-resource URL paths, a trailing `*` matching any suffix.
    pub non_resource_urls: Vec<String>,
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter().try_fold(value, |v, key| v.get(key)).and_then(Value::as_str).unwrap_or("")
}

impl PolicyRule {
    /// Reads a rule object (`verbs`, `apiGroups`, `resources`, `resourceNames`,
    /// `nonResourceURLs`); missing lists are empty.
    pub fn from_json(rule: &Value) -> PolicyRule {
        PolicyRule {
            verbs: strings(rule, "verbs"),
            api_groups: strings(rule, "apiGroups"),
            resources: strings(rule, "resources"),
            resource_names: strings(rule, "resourceNames"),
            non_resource_urls: strings(rule, "nonResourceURLs"),
        }
    }

    /// The rule as its JSON object, empty lists other than `verbs` omitted as kube omits them.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("verbs".to_owned(), json!(self.verbs));
        for (key, list) in [
            ("apiGroups", &self.api_groups),
            ("resources", &self.resources),
            ("resourceNames", &self.resource_names),
            ("nonResourceURLs", &self.non_resource_urls),
        ] {
            if !list.is_empty() {
                out.insert(key.to_owned(), json!(list));
            }
        }
        Value::Object(out)
    }

    /// Whether this rule allows the request (kube's `RuleAllows`).
    pub fn allows(&self, attrs: &Attributes) -> bool {
        let verb = self.verbs.iter().any(|v| v == "*" || *v == attrs.verb);
        if !verb {
            return false;
        }
        if !attrs.resource_request {
            return self.non_resource_urls.iter().any(|url| {
                url == "*"
                    || *url == attrs.path
                    || url
                        .strip_suffix('*')
                        .is_some_and(|_| attrs.path.starts_with(url.trim_end_matches('*')))
            });
        }
        let group = self.api_groups.iter().any(|g| g == "*" || *g == attrs.api_group);
        let combined = if attrs.subresource.is_empty() {
            attrs.resource.clone()
        } else {
            format!("{}/{}", attrs.resource, attrs.subresource)
        };
        let resource = self.resources.iter().any(|r| {
            r == "*"
                || *r == combined
                || (!attrs.subresource.is_empty() && r.strip_prefix("*/") == Some(attrs.subresource.as_str()))
        });
        let name = self.resource_names.is_empty() || self.resource_names.contains(&attrs.name);
        group && resource && name
    }
}

#[derive(Debug, Clone)]
struct Subject {
    kind: String,
    name: String,
    namespace: String,
}

#[derive(Debug, Clone)]
struct Binding {
    name: String,
    namespace: String,
    role_kind: String,
    role_name: String,
    subjects: Vec<Subject>,
}

impl Binding {
    fn from_json(binding: &Value) -> Binding {
        let subjects = binding
            .get("subjects")
            .and_then(Value::as_array)
            .map(|subjects| {
                subjects
                    .iter()
                    .map(|s| Subject {
                        kind: str_at(s, &["kind"]).to_owned(),
                        name: str_at(s, &["name"]).to_owned(),
                        namespace: str_at(s, &["namespace"]).to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Binding {
            name: str_at(binding, &["metadata", "name"]).to_owned(),
            namespace: str_at(binding, &["metadata", "namespace"]).to_owned(),
            role_kind: str_at(binding, &["roleRef", "kind"]).to_owned(),
            role_name: str_at(binding, &["roleRef", "name"]).to_owned(),
            subjects,
        }
    }

    /// The first subject that is `user` (kube's `appliesTo`); a ServiceAccount subject without a
    /// namespace means one in the binding's namespace.
    fn subject_for(&self, user: &UserInfo) -> Option<&Subject> {
        self.subjects.iter().find(|s| match s.kind.as_str() {
            "User" => user.name == s.name,
            "Group" => user.groups.contains(&s.name),
            "ServiceAccount" => {
                let namespace = if s.namespace.is_empty() { &self.namespace } else { &s.namespace };
                !namespace.is_empty() && user.name == service_account_username(namespace, &s.name)
            }
            _ => false,
        })
    }

    /// How kube names this binding when it allows a request.
    fn describe(&self, subject: &Subject, cluster: bool) -> String {
        let subject_text = if subject.kind == "ServiceAccount" {
            let namespace = if subject.namespace.is_empty() { &self.namespace } else { &subject.namespace };
            format!("{} {}", subject.kind, gofmt::quote(&format!("{}/{namespace}", subject.name)))
        } else {
            format!("{} {}", subject.kind, gofmt::quote(&subject.name))
        };
        let (kind, name) = if cluster {
            ("ClusterRoleBinding", self.name.clone())
        } else {
            ("RoleBinding", format!("{}/{}", self.name, self.namespace))
        };
        format!(
            "{kind} {} of {} {} to {subject_text}",
            gofmt::quote(&name),
            self.role_kind,
            gofmt::quote(&self.role_name)
        )
    }
}

/// What the visit of a user's rules meets.
enum Visit<'a> {
    Rule { rule: &'a PolicyRule, binding: &'a Binding, subject: &'a Subject, cluster: bool },
    Error(String),
}

/// The RBAC objects in force, ready to authorize requests.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    roles: HashMap<(String, String), Vec<PolicyRule>>,
    cluster_roles: HashMap<String, Vec<PolicyRule>>,
    cluster_role_bindings: Vec<Binding>,
    role_bindings: HashMap<String, Vec<Binding>>,
}

fn rules_of(role: &Value) -> Vec<PolicyRule> {
    role.get("rules")
        .and_then(Value::as_array)
        .map(|rules| rules.iter().map(PolicyRule::from_json).collect())
        .unwrap_or_default()
}

impl Policy {
    /// Builds the policy from the stored objects (missing fields read as empty). Each list may
    /// hold objects of other kinds, which are skipped; an object without `kind` is taken as the
    /// list's kind. Aggregated ClusterRoles take the rules aggregation gives them, whatever rules
    /// they store.
    pub fn new<'a, R, RB, CR, CRB>(
        roles: R,
        role_bindings: RB,
        cluster_roles: CR,
        cluster_role_bindings: CRB,
    ) -> Policy
    where
        R: IntoIterator<Item = &'a Value>,
        RB: IntoIterator<Item = &'a Value>,
        CR: IntoIterator<Item = &'a Value>,
        CRB: IntoIterator<Item = &'a Value>,
    {
        let mut policy = Policy::default();
        for role in roles.into_iter().filter(|o| is_kind(o, "Role")) {
            let key = (
                str_at(role, &["metadata", "namespace"]).to_owned(),
                str_at(role, &["metadata", "name"]).to_owned(),
            );
            policy.roles.insert(key, rules_of(role));
        }
        for binding in role_bindings.into_iter().filter(|o| is_kind(o, "RoleBinding")) {
            let binding = Binding::from_json(binding);
            policy.role_bindings.entry(binding.namespace.clone()).or_default().push(binding);
        }
        let cluster_roles: Vec<&Value> =
            cluster_roles.into_iter().filter(|o| is_kind(o, "ClusterRole")).collect();
        policy.cluster_roles =
            aggregated(&cluster_roles).into_iter().map(|(name, role)| (name, role.rules)).collect();
        policy.cluster_role_bindings = cluster_role_bindings
            .into_iter()
            .filter(|o| is_kind(o, "ClusterRoleBinding"))
            .map(Binding::from_json)
            .collect();
        policy
    }

    /// Visits the rules that apply to `user` in `namespace`: ClusterRoleBindings first, then the
    /// namespace's RoleBindings, in the order given.
    fn visit<'a>(
        &'a self,
        user: &UserInfo,
        namespace: &str,
        mut f: impl FnMut(Visit<'a>) -> ControlFlow<()>,
    ) {
        let namespaced = if namespace.is_empty() { None } else { self.role_bindings.get(namespace) };
        let bindings = self
            .cluster_role_bindings
            .iter()
            .map(|b| (b, true))
            .chain(namespaced.into_iter().flatten().map(|b| (b, false)));
        for (binding, cluster) in bindings {
            let Some(subject) = binding.subject_for(user) else { continue };
            let binding_namespace = if cluster { "" } else { namespace };
            let visit = match self.role_rules(binding, binding_namespace) {
                Err(error) => f(Visit::Error(error)),
                Ok(rules) => {
                    rules.iter().try_for_each(|rule| f(Visit::Rule { rule, binding, subject, cluster }))
                }
            };
            if visit.is_break() {
                return;
            }
        }
    }

    /// The rules of a binding's role, or kube's error for a reference that does not resolve.
    fn role_rules(&self, binding: &Binding, namespace: &str) -> Result<&[PolicyRule], String> {
        let name = &binding.role_name;
        match binding.role_kind.as_str() {
            "Role" => self
                .roles
                .get(&(namespace.to_owned(), name.clone()))
                .map(Vec::as_slice)
                .ok_or_else(|| format!("role.rbac.authorization.k8s.io {} not found", gofmt::quote(name))),
            "ClusterRole" => self.cluster_roles.get(name).map(Vec::as_slice).ok_or_else(|| {
                format!("clusterrole.rbac.authorization.k8s.io {} not found", gofmt::quote(name))
            }),
            other => Err(format!("unsupported role reference kind: {}", gofmt::quote(other))),
        }
    }

    /// Decides a request as kube-apiserver's authorizer chain does: members of `system:masters`
    /// may do anything; otherwise RBAC allows when a rule of a role bound to the user (a
    /// ClusterRoleBinding, or a RoleBinding in the request's namespace) matches.
    pub fn authorize(&self, attrs: &Attributes) -> Decision {
        if attrs.user.groups.iter().any(|g| g == SYSTEM_MASTERS) {
            return Decision { allowed: true, reason: String::new() };
        }
        let mut allowed_by = None;
        let mut errors = Vec::new();
        self.visit(&attrs.user, &attrs.namespace, |visit| match visit {
            Visit::Rule { rule, binding, subject, cluster } if rule.allows(attrs) => {
                allowed_by = Some(binding.describe(subject, cluster));
                ControlFlow::Break(())
            }
            Visit::Rule { .. } => ControlFlow::Continue(()),
            Visit::Error(error) => {
                errors.push(error);
                ControlFlow::Continue(())
            }
        });
        match allowed_by {
            Some(source) => Decision { allowed: true, reason: format!("RBAC: allowed by {source}") },
            None if errors.is_empty() => Decision { allowed: false, reason: String::new() },
            None => Decision { allowed: false, reason: format!("RBAC: {}", aggregate(errors)) },
        }
    }

    /// The rules `user` has in `namespace` (cluster-wide ones included), as a
    /// SelfSubjectRulesReview reports them.
    pub fn rules_for(&self, user: &UserInfo, namespace: &str) -> RulesReview {
        let mut review = RulesReview::default();
        let mut errors = Vec::new();
        self.visit(user, namespace, |visit| {
            match visit {
                Visit::Rule { rule, .. } => {
                    if !rule.resources.is_empty() {
                        review
                            .resource_rules
                            .push(PolicyRule { non_resource_urls: Vec::new(), ..rule.clone() });
                    }
                    if !rule.non_resource_urls.is_empty() {
                        review.non_resource_rules.push(PolicyRule {
                            verbs: rule.verbs.clone(),
                            non_resource_urls: rule.non_resource_urls.clone(),
                            ..PolicyRule::default()
                        });
                    }
                }
                Visit::Error(error) => errors.push(error),
            }
            ControlFlow::Continue(())
        });
        review.evaluation_error = aggregate(errors);
        review
    }
}

fn is_kind(object: &Value, kind: &str) -> bool {
    object.get("kind").and_then(Value::as_str).is_none_or(|k| k == kind)
}

/// A user's rules, as the status of a SelfSubjectRulesReview.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RulesReview {
    /// Rules about API resources.
    pub resource_rules: Vec<PolicyRule>,
    /// Rules about non-resource URLs.
    pub non_resource_rules: Vec<PolicyRule>,
    /// Whether the list may lack rules (never for RBAC).
    pub incomplete: bool,
    /// The errors met while resolving bindings, e.g. a missing role.
    pub evaluation_error: String,
}

impl RulesReview {
    /// The `status` object of a SelfSubjectRulesReview.
    pub fn status_json(&self) -> Value {
        let resource_rules: Vec<Value> = self
            .resource_rules
            .iter()
            .map(|r| PolicyRule { non_resource_urls: Vec::new(), ..r.clone() }.to_json())
            .collect();
        let non_resource_rules: Vec<Value> = self
            .non_resource_rules
            .iter()
            .map(|r| json!({"verbs": r.verbs, "nonResourceURLs": r.non_resource_urls}))
            .collect();
        let mut status = json!({
            "resourceRules": resource_rules,
            "nonResourceRules": non_resource_rules,
            "incomplete": self.incomplete,
        });
        if !self.evaluation_error.is_empty()
            && let Some(status) = status.as_object_mut()
        {
            status.insert("evaluationError".to_owned(), json!(self.evaluation_error));
        }
        status
    }
}

/// The text of kube-apiserver's 403 for a request the authorizer did not allow, e.g.
/// `pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the
/// namespace "dev"`, or `forbidden: User "bob" cannot get path "/api"`. `reason` is the
/// decision's reason (appended after `: ` when not empty).
pub fn forbidden_message(attrs: &Attributes, reason: &str) -> String {
    let user = gofmt::quote(&attrs.user.name);
    let body = if !attrs.resource_request {
        format!("User {user} cannot {} path {}", attrs.verb, gofmt::quote(&attrs.path))
    } else {
        let resource = if attrs.subresource.is_empty() {
            attrs.resource.clone()
        } else {
            format!("{}/{}", attrs.resource, attrs.subresource)
        };
        let scope = if attrs.namespace.is_empty() {
            "at the cluster scope".to_owned()
        } else {
            format!("in the namespace {}", gofmt::quote(&attrs.namespace))
        };
        format!(
            "User {user} cannot {} resource {} in API group {} {scope}",
            attrs.verb,
            gofmt::quote(&resource),
            gofmt::quote(&attrs.api_group)
        )
    };
    // kube keeps the message from looking like HTML.
    let body = body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let error = if reason.is_empty() { body } else { format!("{body}: {reason}") };
    let qualified = if attrs.api_group.is_empty() {
        attrs.resource.clone()
    } else {
        format!("{}.{}", attrs.resource, attrs.api_group)
    };
    if qualified.is_empty() {
        format!("forbidden: {error}")
    } else if attrs.name.is_empty() {
        format!("{qualified} is forbidden: {error}")
    } else {
        format!("{qualified} {} is forbidden: {error}", gofmt::quote(&attrs.name))
    }
}

/// The 403 `Status` object kube-apiserver answers with: [`forbidden_message`] and the details
/// naming the group, resource and object.
pub fn forbidden_status(attrs: &Attributes, reason: &str) -> Value {
    let mut details = Map::new();
    for (key, value) in [("name", &attrs.name), ("group", &attrs.api_group), ("kind", &attrs.resource)] {
        if !value.is_empty() {
            details.insert(key.to_owned(), json!(value));
        }
    }
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": forbidden_message(attrs, reason),
        "reason": "Forbidden",
        "details": details,
        "code": 403,
    })
}

/// A ClusterRole as aggregation sees it.
struct ClusterRole {
    labels: Map<String, Value>,
    rules: Vec<PolicyRule>,
    /// The selectors of an aggregated role; `None` for a plain role, or when a selector is
    /// invalid (kube's controller then leaves the role alone).
    selectors: Option<Vec<LabelSelector>>,
}

fn parse_selectors(role: &Value) -> Option<Vec<LabelSelector>> {
    let rule = role.get("aggregationRule").filter(|r| !r.is_null())?;
    let selectors = rule.get("clusterRoleSelectors").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    selectors
        .iter()
        .map(|s| if s.is_null() { Ok(LabelSelector::everything()) } else { from_label_selector_json(s) })
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

/// ClusterRoles by name, aggregated roles holding the union of the rules of the roles their
/// selectors match, in name order, each distinct rule once. Aggregated roles matching other
/// aggregated roles are recomputed in name order until nothing changes, which is where kube's
/// controller settles.
fn aggregated(cluster_roles: &[&Value]) -> BTreeMap<String, ClusterRole> {
    let mut roles: BTreeMap<String, ClusterRole> = cluster_roles
        .iter()
        .map(|role| {
            let labels = role
                .get("metadata")
                .and_then(|m| m.get("labels"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let entry = ClusterRole { labels, rules: rules_of(role), selectors: parse_selectors(role) };
            (str_at(role, &["metadata", "name"]).to_owned(), entry)
        })
        .collect();
    let aggregated_names: Vec<String> =
        roles.iter().filter(|(_, r)| r.selectors.is_some()).map(|(name, _)| name.clone()).collect();
    for _ in 0..=aggregated_names.len() {
        let mut changed = false;
        for name in &aggregated_names {
            let Some(selectors) = roles.get(name).and_then(|r| r.selectors.clone()) else { continue };
            let mut rules: Vec<PolicyRule> = Vec::new();
            for selector in &selectors {
                for (other_name, other) in &roles {
                    if other_name == name || !selector.matches(&other.labels) {
                        continue;
                    }
                    for rule in &other.rules {
                        if !rules.contains(rule) {
                            rules.push(rule.clone());
                        }
                    }
                }
            }
            if let Some(role) = roles.get_mut(name)
                && role.rules != rules
            {
                role.rules = rules;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    roles
}

/// For every aggregated ClusterRole (one with an `aggregationRule`), its name and the `rules`
/// kube's aggregation controller would store in it.
pub fn aggregate_cluster_roles<'a>(
    cluster_roles: impl IntoIterator<Item = &'a Value>,
) -> Vec<(String, Value)> {
    let cluster_roles: Vec<&Value> = cluster_roles.into_iter().collect();
    aggregated(&cluster_roles)
        .into_iter()
        .filter(|(_, role)| role.selectors.is_some())
        .map(|(name, role)| (name, Value::Array(role.rules.iter().map(PolicyRule::to_json).collect())))
        .collect()
}
