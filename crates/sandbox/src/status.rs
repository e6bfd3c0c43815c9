//! Failures as kube-apiserver reports them: a `metav1.Status` body with the same `code`,
//! `reason`, `message` and `details` that clients (kubectl's error printer, kube-rs'
//! `ErrorResponse`) read. This is the one place where an API failure becomes HTTP.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A failed API request.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// `Status.reason` (`NotFound`, `Conflict`, `Invalid`, ...); empty for none.
    pub reason: &'static str,
    /// Human-readable message, exactly as kube-apiserver words it.
    pub message: String,
    /// `Status.details`, when the failure concerns one object.
    pub details: Option<Value>,
}

/// The resource an error concerns: `kind` in `Status.details` is the plural resource name for
/// most errors and the Kind for `Invalid`, as in kube-apiserver.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// API group, empty for core.
    pub group: &'a str,
    /// Plural resource name (`deployments`).
    pub resource: &'a str,
    /// Object name; empty when the request has none.
    pub name: &'a str,
}

impl Target<'_> {
    /// `deployments.apps` or `pods`: how kube-apiserver names a resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    fn details(&self) -> Value {
        let mut details = serde_json::Map::new();
        if !self.name.is_empty() {
            details.insert("name".into(), self.name.into());
        }
        if !self.group.is_empty() {
            details.insert("group".into(), self.group.into());
        }
        details.insert("kind".into(), self.resource.into());
        Value::Object(details)
    }
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, reason, message: message.into(), details: None }
    }

    fn with_details(mut self, details: Value) -> ApiError {
        self.details = Some(details);
        self
    }

    /// 404 for a named object that does not exist.
    pub fn not_found(target: Target) -> ApiError {
        ApiError::new(404, "NotFound", format!("{} \"{}\" not found", target.qualified(), target.name))
            .with_details(target.details())
    }

    /// 404 for a path or resource type the server does not serve.
    pub fn no_such_resource() -> ApiError {
        ApiError::new(404, "NotFound", "the server could not find the requested resource")
            .with_details(json!({}))
    }

    /// 409 on create of a name that exists.
    pub fn already_exists(target: Target) -> ApiError {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{}\" already exists", target.qualified(), target.name),
        )
        .with_details(target.details())
    }

    /// 409 Conflict with kube-apiserver's "Operation cannot be fulfilled" wording.
    pub fn conflict(target: Target, why: &str) -> ApiError {
        ApiError::new(
            409,
            "Conflict",
            format!("Operation cannot be fulfilled on {} \"{}\": {why}", target.qualified(), target.name),
        )
        .with_details(target.details())
    }

    /// 409 for a write whose `metadata.resourceVersion` is not the live one.
    pub fn stale(target: Target) -> ApiError {
        ApiError::conflict(
            target,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 409 for server-side apply conflicts between field managers.
    pub fn apply_conflict(target: Target, message: String, causes: Vec<Value>) -> ApiError {
        let mut details = target.details();
        if let Some(map) = details.as_object_mut() {
            map.insert("causes".into(), Value::Array(causes));
        }
        ApiError::new(409, "Conflict", message).with_details(details)
    }

    /// 422 Invalid: `message` is the aggregate text, `causes` the per-field entries.
    pub fn invalid(group: &str, kind: &str, name: &str, message: String, causes: Vec<Value>) -> ApiError {
        let mut details = serde_json::Map::new();
        details.insert("name".into(), name.into());
        if !group.is_empty() {
            details.insert("group".into(), group.into());
        }
        details.insert("kind".into(), kind.into());
        details.insert("causes".into(), Value::Array(causes));
        ApiError::new(422, "Invalid", message).with_details(Value::Object(details))
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    /// 401 for a request whose credentials were not accepted.
    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized")
    }

    /// 403 with the authorizer's message.
    pub fn forbidden(target: Target, message: String) -> ApiError {
        ApiError::new(403, "Forbidden", message).with_details(target.details())
    }

    /// 403 for a non-resource path.
    pub fn forbidden_path(message: String) -> ApiError {
        ApiError::new(403, "Forbidden", message).with_details(json!({}))
    }

    /// 405 for a verb the resource does not support.
    pub fn method_not_allowed(verb: &str, target: Target) -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource".to_string(),
        )
        .with_details(
            json!({ "group": target.group, "kind": target.resource, "causes": [{"message": verb}] }),
        )
    }

    /// 406 for an `Accept` header the server cannot satisfy.
    pub fn not_acceptable(accepted: &str) -> ApiError {
        ApiError::new(
            406,
            "NotAcceptable",
            format!("only the following media types are accepted: {accepted}"),
        )
    }

    /// 413 for a body over the limit.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(413, "RequestEntityTooLarge", format!("Request entity too large: limit is {limit}"))
    }

    /// 415 for a body in a format this request does not take.
    pub fn unsupported_media_type(accepted: &[&str]) -> ApiError {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: {}",
                accepted.join(", ")
            ),
        )
    }

    /// 410 Expired for a watch or list from a version older than the kept history.
    pub fn expired(message: impl Into<String>) -> ApiError {
        ApiError::new(410, "Expired", message)
    }

    /// 500 for a failure of the sandbox itself (storage).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "InternalError", format!("Internal error occurred: {}", message.into()))
    }

    /// 503 while the server cannot serve the request.
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(503, "ServiceUnavailable", message)
    }

    /// The `metav1.Status` body.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        });
        if let Some(map) = status.as_object_mut() {
            if !self.reason.is_empty() {
                map.insert("reason".into(), self.reason.into());
            }
            if let Some(details) = &self.details {
                map.insert("details".into(), details.clone());
            }
            map.insert("code".into(), self.code.into());
        }
        status
    }
}

/// The `Status` of a successful delete of a whole collection or of an object whose deletion
/// completed, as kube-apiserver answers some deletes.
pub fn success(details: Value) -> Value {
    json!({ "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        crate::http::json_response(code, &self.to_status())
    }
}
