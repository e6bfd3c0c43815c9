//! Reading a request: which resource the path names (kube-apiserver's RequestInfo), the verb,
//! the query parameters, and the body in the content types kube-apiserver accepts.

use std::collections::HashMap;

use axum::http::{HeaderMap, Method};
use serde_json::Value;

use crate::status::ApiError;

/// Largest request body kube-apiserver accepts (3 MiB).
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// Deepest nesting accepted in a body.
const MAX_DEPTH: usize = 128;

/// A request for a resource, parsed from its path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourcePath {
    /// API group ("" for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Namespace, when the path has `/namespaces/<ns>/`.
    pub namespace: Option<String>,
    /// Plural resource name; empty for a group-version discovery request.
    pub resource: String,
    /// Object name.
    pub name: Option<String>,
    /// Subresource.
    pub subresource: Option<String>,
    /// The legacy `/watch/` path prefix was used.
    pub watch_prefix: bool,
}

/// Namespace subresources, which `/namespaces/<name>/<x>` can name instead of a resource.
const NAMESPACE_SUBRESOURCES: &[&str] = &["status", "finalize"];

/// Parses `/api/v1/...` and `/apis/<group>/<version>/...`; None for any other path.
pub fn parse_path(path: &str) -> Option<ResourcePath> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    let (group, version, rest) = match parts.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let mut request =
        ResourcePath { group: group.into(), version: version.into(), ..ResourcePath::default() };
    let mut rest = rest;
    if let ["watch", tail @ ..] = rest {
        request.watch_prefix = true;
        rest = tail;
    }
    if let ["namespaces", ns, next, tail @ ..] = rest
        && !NAMESPACE_SUBRESOURCES.contains(next)
    {
        request.namespace = Some((*ns).to_string());
        rest = &rest[2..];
        let _ = tail;
    }
    match rest {
        [] => {}
        [resource] => request.resource = (*resource).into(),
        [resource, name] => {
            request.resource = (*resource).into();
            request.name = Some((*name).into());
        }
        [resource, name, sub] => {
            request.resource = (*resource).into();
            request.name = Some((*name).into());
            request.subresource = Some((*sub).into());
        }
        _ => return None,
    }
    // A namespace's own path names it both ways: /api/v1/namespaces/x is the namespace x.
    Some(request)
}

/// Query parameters, decoded (the last value of a repeated key wins, except `dryRun`).
#[derive(Debug, Default)]
pub struct Query {
    values: HashMap<String, String>,
    /// Every `dryRun` value.
    pub dry_run: Vec<String>,
}

impl Query {
    /// Parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Query {
        let mut query = Query::default();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            if key == "dryRun" {
                query.dry_run.push(value.to_string());
            }
            query.values.insert(key.into_owned(), value.into_owned());
        }
        query
    }

    /// One parameter.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// A boolean parameter (`true`/`1`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// `dryRun=All`; any other value is refused as kube-apiserver does (422 on the request's
    /// options kind: `CreateOptions`, `UpdateOptions`, `PatchOptions`, `DeleteOptions`).
    pub fn dry_run(&self, options: &str) -> Result<bool, ApiError> {
        match self.dry_run.iter().find(|v| *v != "All") {
            Some(value) => Err(invalid_option(
                options,
                "dryRun",
                format!("Unsupported value: \"{value}\": supported values: \"All\""),
                "FieldValueNotSupported",
            )),
            None => Ok(!self.dry_run.is_empty()),
        }
    }
}

/// kube-apiserver's 422 for an invalid query option, e.g.
/// `PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch`.
pub fn invalid_option(options: &str, field: &str, detail: String, reason: &str) -> ApiError {
    ApiError::invalid(
        "meta.k8s.io",
        options,
        "",
        format!("{options}.meta.k8s.io \"\" is invalid: {field}: {detail}"),
        vec![serde_json::json!({"reason": reason, "message": detail, "field": field})],
    )
}

/// The verb kube-apiserver derives for RBAC from the method and path.
pub fn verb(method: &Method, path: &ResourcePath, query: &Query) -> &'static str {
    let watching = path.watch_prefix || query.flag("watch");
    match *method {
        Method::GET | Method::HEAD => match (&path.name, watching) {
            (_, true) => "watch",
            (Some(_), false) => "get",
            (None, false) => "list",
        },
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE => {
            if path.name.is_some() {
                "delete"
            } else {
                "deletecollection"
            }
        }
        _ => "",
    }
}

/// The essence of the request's content type (`application/json`), lower-cased.
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Parses a JSON body, with kube-apiserver's 400 for anything that is not JSON.
pub fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.to_string().starts_with("recursion limit exceeded") {
            ApiError::bad_request(format!("the request body nests more than {MAX_DEPTH} levels"))
        } else {
            ApiError::bad_request(format!("json: {e}"))
        }
    })
}

/// Parses a YAML (or JSON, which is YAML) body.
pub fn yaml_body(body: &[u8]) -> Result<Value, ApiError> {
    let text =
        std::str::from_utf8(body).map_err(|_| ApiError::bad_request("the request body is not UTF-8"))?;
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Ok(value);
    }
    concord_patch::document::parse_yaml(text)
        .map_err(|e| ApiError::bad_request(format!("error converting YAML to JSON: {e}")))
}

/// Whether the client asked for the Table form.
pub fn wants_table(headers: &HeaderMap) -> bool {
    accept(headers).split(',').next().is_some_and(|first| first.contains("as=Table"))
}

/// Whether the client asked for aggregated discovery.
pub fn wants_aggregated(headers: &HeaderMap) -> bool {
    accept(headers).split(',').next().is_some_and(|first| first.contains("as=APIGroupDiscoveryList"))
}

/// Whether the `Accept` header allows a JSON answer (kube-apiserver's 406 otherwise).
pub fn accepts_json(headers: &HeaderMap) -> bool {
    let accept = accept(headers);
    accept.is_empty()
        || accept.split(',').any(|part| {
            let essence = part.split(';').next().unwrap_or_default().trim();
            matches!(essence, "application/json" | "*/*" | "application/*" | "application/yaml" | "")
        })
}

fn accept(headers: &HeaderMap) -> &str {
    headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_like_request_info() {
        let p = parse_path("/api/v1/namespaces/default/pods/web/log").unwrap();
        assert_eq!(
            (
                p.group.as_str(),
                p.namespace.as_deref(),
                p.resource.as_str(),
                p.name.as_deref(),
                p.subresource.as_deref()
            ),
            ("", Some("default"), "pods", Some("web"), Some("log"))
        );
        let p = parse_path("/api/v1/namespaces/default").unwrap();
        assert_eq!(
            (p.namespace, p.resource.as_str(), p.name.as_deref()),
            (None, "namespaces", Some("default"))
        );
        let p = parse_path("/api/v1/namespaces/gone/finalize").unwrap();
        assert_eq!(
            (p.resource.as_str(), p.name.as_deref(), p.subresource.as_deref()),
            ("namespaces", Some("gone"), Some("finalize"))
        );
        let p = parse_path("/apis/apps/v1/namespaces/x/deployments").unwrap();
        assert_eq!(
            (p.group.as_str(), p.namespace.as_deref(), p.resource.as_str(), p.name),
            ("apps", Some("x"), "deployments", None)
        );
        let p = parse_path("/apis/apps/v1/deployments").unwrap();
        assert_eq!((p.namespace, p.resource.as_str()), (None, "deployments"));
        let p = parse_path("/api/v1/watch/namespaces/x/pods").unwrap();
        assert!(p.watch_prefix);
        assert_eq!(parse_path("/apis/apps/v1").map(|p| p.resource), Some(String::new()));
        assert_eq!(parse_path("/healthz"), None);
        assert_eq!(parse_path("/api/v1/a/b/c/d"), None);
    }
}
