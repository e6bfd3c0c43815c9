//! Impersonation (`Impersonate-User`, `-Group`, `-Uid`, `-Extra-*` headers) as kube-apiserver's
//! filter checks it: one `impersonate` authorization per requested identity part, in header
//! order, stopping at the first refusal.

use super::{
    ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS, Attributes, Policy, SERVICE_ACCOUNT_PREFIX, UserInfo,
    forbidden_message, service_account_groups, service_account_username,
};
use crate::names::{NameRule, validate_name};
use std::collections::BTreeMap;

/// The identity a request asks to act as, from its impersonation headers (already decoded:
/// extra keys lowercased and unescaped, as kube does before checking).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImpersonationRequest {
    /// `Impersonate-User`; empty when absent.
    pub user: String,
    /// Each `Impersonate-Group`, in order.
    pub groups: Vec<String>,
    /// Each `Impersonate-Extra-<key>` value as `(key, value)`, in order.
    pub extra: Vec<(String, String)>,
    /// `Impersonate-Uid`; empty when absent.
    pub uid: String,
}

/// Why impersonation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImpersonationError {
    /// Groups, extras or a uid without a user: kube answers 500 with this text (the requested
    /// parts printed as Go prints its object references).
    #[error("requested {0} without impersonating a user")]
    WithoutUser(String),
    /// The acting user may not impersonate one of the parts: a 403 whose message is
    /// [`ImpersonationError::Forbidden::message`].
    #[error("{message}")]
    Forbidden {
        /// The refused check (verb `impersonate` on `users`, `groups`, `serviceaccounts`,
        /// `uids` or `userextras/<key>`).
        attributes: Box<Attributes>,
        /// The 403 message.
        message: String,
    },
}

/// A service account user name split as kube's `SplitUsername`: both parts valid names.
fn split_service_account(username: &str) -> Option<(&str, &str)> {
    let rest = username.strip_prefix(SERVICE_ACCOUNT_PREFIX)?;
    let (namespace, name) = rest.split_once(':')?;
    let valid = !name.contains(':')
        && validate_name(namespace, NameRule::Label, false).is_empty()
        && validate_name(name, NameRule::Subdomain, false).is_empty();
    valid.then_some((namespace, name))
}

/// One requested identity part: what to authorize, and how Go prints its object reference.
struct Part {
    resource: &'static str,
    subresource: String,
    api_group: &'static str,
    namespace: String,
    name: String,
    printed: String,
}

fn printed(kind: &str, namespace: &str, name: &str, api_version: &str, field_path: &str) -> String {
    format!("{{{kind} {namespace} {name}  {api_version}  {field_path}}}")
}

impl Policy {
    /// Checks that `actor` may impersonate what `request` asks, and returns the impersonated
    /// user: for a service account without requested groups, its service-account groups; then
    /// `system:authenticated` (or `system:unauthenticated` for `system:anonymous`) unless
    /// already requested. `Ok(None)` when the request asks for no impersonation.
    pub fn impersonate(
        &self,
        actor: &UserInfo,
        request: &ImpersonationRequest,
    ) -> Result<Option<UserInfo>, ImpersonationError> {
        let mut parts = Vec::new();
        let service_account = split_service_account(&request.user);
        if let Some((namespace, name)) = service_account {
            parts.push(Part {
                resource: "serviceaccounts",
                subresource: String::new(),
                api_group: "",
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                printed: printed("ServiceAccount", namespace, name, "", ""),
            });
        } else if !request.user.is_empty() {
            parts.push(Part {
                resource: "users",
                subresource: String::new(),
                api_group: "",
                namespace: String::new(),
                name: request.user.clone(),
                printed: printed("User", "", &request.user, "", ""),
            });
        }
        for group in &request.groups {
            parts.push(Part {
                resource: "groups",
                subresource: String::new(),
                api_group: "",
                namespace: String::new(),
                name: group.clone(),
                printed: printed("Group", "", group, "", ""),
            });
        }
        for (key, value) in &request.extra {
            parts.push(Part {
                resource: "userextras",
                subresource: key.clone(),
                api_group: "authentication.k8s.io",
                namespace: String::new(),
                name: value.clone(),
                printed: printed("UserExtra", "", value, "authentication.k8s.io/v1", key),
            });
        }
        if !request.uid.is_empty() {
            parts.push(Part {
                resource: "uids",
                subresource: String::new(),
                api_group: "authentication.k8s.io",
                namespace: String::new(),
                name: request.uid.clone(),
                printed: printed("UID", "", &request.uid, "authentication.k8s.io/v1", ""),
            });
        }
        if parts.is_empty() {
            return Ok(None);
        }
        if request.user.is_empty() {
            let printed: Vec<&str> = parts.iter().map(|p| p.printed.as_str()).collect();
            return Err(ImpersonationError::WithoutUser(format!("[{}]", printed.join(" "))));
        }
        for part in parts {
            let attributes =
                Attributes::resource(actor.clone(), "impersonate", part.api_group, part.resource)
                    .namespace(&part.namespace)
                    .name(&part.name)
                    .subresource(&part.subresource);
            let decision = self.authorize(&attributes);
            if !decision.allowed {
                let message = forbidden_message(&attributes, &decision.reason);
                return Err(ImpersonationError::Forbidden { attributes: Box::new(attributes), message });
            }
        }
        let (name, mut groups) = match service_account {
            Some((namespace, name)) if request.groups.is_empty() => {
                (service_account_username(namespace, name), service_account_groups(namespace))
            }
            _ => (request.user.clone(), request.groups.clone()),
        };
        if name == ANONYMOUS {
            if !groups.iter().any(|g| g == ALL_UNAUTHENTICATED) {
                groups.push(ALL_UNAUTHENTICATED.to_owned());
            }
        } else if !groups.iter().any(|g| g == ALL_AUTHENTICATED || g == ALL_UNAUTHENTICATED) {
            groups.push(ALL_AUTHENTICATED.to_owned());
        }
        let mut extra: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (key, value) in &request.extra {
            extra.entry(key.clone()).or_default().push(value.clone());
        }
        Ok(Some(UserInfo { name, uid: request.uid.clone(), groups, extra }))
    }
}
