//! Who is asking: bearer tokens from a static token file (or anonymous full access on loopback
//! when there is none), impersonation headers, and RBAC authorization of each request.

use std::net::SocketAddr;

use axum::http::HeaderMap;
use concord_apimachinery::rbac::{Attributes, ImpersonationError, ImpersonationRequest, Policy, UserInfo};
use concord_apimachinery::tokens::TokenFile;

use super::request::ResourcePath;
use crate::status::{ApiError, Target};

/// How the sandbox authenticates.
#[derive(Debug)]
pub enum Authn {
    /// No token file: every loopback client is a cluster administrator.
    LoopbackAdmin,
    /// Bearer tokens from a kube-apiserver static token file.
    Tokens(TokenFile),
}

/// The user a loopback client is without a token file.
fn loopback_admin() -> UserInfo {
    UserInfo::new("system:admin", "", vec!["system:masters".into(), "system:authenticated".into()])
}

impl Authn {
    /// The authenticated user of a request (before impersonation).
    pub fn authenticate(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Result<UserInfo, ApiError> {
        let bearer = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        match self {
            Authn::LoopbackAdmin => {
                if peer.is_some_and(|p| p.ip().is_loopback()) {
                    Ok(loopback_admin())
                } else {
                    Err(ApiError::unauthorized())
                }
            }
            Authn::Tokens(tokens) => match bearer {
                Some(token) => {
                    let user = tokens.authenticate(token).ok_or_else(ApiError::unauthorized)?;
                    Ok(user.with_authenticated_group())
                }
                None => Ok(UserInfo::anonymous()),
            },
        }
    }
}

/// Applies `Impersonate-User` / `Impersonate-Group` / `Impersonate-Uid` /
/// `Impersonate-Extra-*`, checking that `user` may impersonate each part.
pub fn impersonate(policy: &Policy, user: UserInfo, headers: &HeaderMap) -> Result<UserInfo, ApiError> {
    let values = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
    };
    let mut request = ImpersonationRequest {
        user: values("impersonate-user").into_iter().next().unwrap_or_default(),
        groups: values("impersonate-group"),
        uid: values("impersonate-uid").into_iter().next().unwrap_or_default(),
        extra: Vec::new(),
    };
    for (name, value) in headers {
        if let Some(key) = name.as_str().strip_prefix("impersonate-extra-") {
            let key = percent_decode(key).to_lowercase();
            if let Ok(value) = value.to_str() {
                request.extra.push((key, value.to_string()));
            }
        }
    }
    match policy.impersonate(&user, &request) {
        Ok(Some(impersonated)) => Ok(impersonated),
        Ok(None) => Ok(user),
        Err(ImpersonationError::WithoutUser(parts)) => {
            Err(ApiError::internal(format!("requested {parts} without impersonating a user")))
        }
        Err(ImpersonationError::Forbidden { attributes, message }) => Err(ApiError::forbidden(
            Target { group: &attributes.api_group, resource: &attributes.resource, name: &attributes.name },
            message,
        )),
    }
}

/// Decodes `%XX` escapes of an impersonation extra key.
fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("k={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_string())
}

/// The RBAC attributes of a resource request.
pub fn resource_attributes(user: &UserInfo, verb: &str, path: &ResourcePath) -> Attributes {
    Attributes::resource(user.clone(), verb, &path.group, &path.resource)
        .namespace(path.namespace.as_deref().unwrap_or_default())
        .name(path.name.as_deref().unwrap_or_default())
        .subresource(path.subresource.as_deref().unwrap_or_default())
}

/// The RBAC attributes of a request for a non-resource path.
pub fn path_attributes(user: &UserInfo, method: &str, path: &str) -> Attributes {
    Attributes::non_resource(user.clone(), &method.to_ascii_lowercase(), path)
}

/// Refuses a request the policy does not allow, with kube-apiserver's 403.
pub fn authorize(policy: &Policy, attrs: &Attributes) -> Result<(), ApiError> {
    let decision = policy.authorize(attrs);
    if decision.allowed {
        return Ok(());
    }
    let message = concord_apimachinery::rbac::forbidden_message(attrs, &decision.reason);
    if attrs.resource_request {
        Err(ApiError::forbidden(
            Target { group: &attrs.api_group, resource: &attrs.resource, name: &attrs.name },
            message,
        ))
    } else {
        Err(ApiError::forbidden_path(message))
    }
}
