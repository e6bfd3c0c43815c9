//! `SelfSubjectAccessReview` and `SelfSubjectRulesReview` (what `kubectl auth can-i` asks) and
//! `SelfSubjectReview` (`kubectl auth whoami`). They are answered, never stored.

use concord_apimachinery::rbac::{Attributes, Policy, UserInfo};
use serde_json::{Value, json};

use crate::registry::Resource;
use crate::status::ApiError;

/// Answers a review of the requesting user.
pub fn review(policy: &Policy, user: &UserInfo, resource: &Resource, body: Value) -> Result<Value, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_request(format!(
            "the body of the request was not a {} object",
            resource.kind
        )));
    }
    let mut answer = body.clone();
    let spec = body.get("spec").cloned().unwrap_or_else(|| json!({}));
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let status = match resource.kind.as_str() {
        "SelfSubjectAccessReview" => {
            let attrs = if let Some(r) = spec.get("resourceAttributes") {
                Attributes::resource(user.clone(), &text(r, "verb"), &text(r, "group"), &text(r, "resource"))
                    .subresource(&text(r, "subresource"))
                    .namespace(&text(r, "namespace"))
                    .name(&text(r, "name"))
            } else if let Some(n) = spec.get("nonResourceAttributes") {
                Attributes::non_resource(user.clone(), &text(n, "verb"), &text(n, "path"))
            } else {
                return Err(ApiError::invalid(
                    "authorization.k8s.io",
                    "SelfSubjectAccessReview",
                    "",
                    "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
                    vec![json!({"reason": "FieldValueInvalid", "message": "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified", "field": "spec.resourceAttributes"})],
                ));
            };
            let decision = policy.authorize(&attrs);
            let mut status = json!({"allowed": decision.allowed});
            if !decision.reason.is_empty() {
                status["reason"] = json!(decision.reason);
            }
            status
        }
        "SelfSubjectRulesReview" => {
            let namespace = text(&spec, "namespace");
            policy.rules_for(user, &namespace).status_json()
        }
        "SelfSubjectReview" => {
            let mut info = json!({"username": user.name, "groups": user.groups});
            if !user.uid.is_empty() {
                info["uid"] = json!(user.uid);
            }
            if !user.extra.is_empty() {
                info["extra"] = json!(user.extra);
            }
            json!({"userInfo": info})
        }
        _ => return Err(ApiError::no_such_resource()),
    };
    if let Some(map) = answer.as_object_mut() {
        map.insert("apiVersion".into(), resource.api_version().into());
        map.insert("kind".into(), resource.kind.clone().into());
        map.entry("metadata").or_insert_with(|| json!({}));
        map.insert("status".into(), status);
    }
    Ok(answer)
}
