//! Questions about the caller the API server answers: who am I (`SelfSubjectReview`) and may I
//! (`SelfSubjectAccessReview`). Both are asked with the caller's own credentials.

use serde_json::{Value, json};

use super::{Cluster, ClusterError};

/// Who the cluster says the caller is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// The user name (`alice`, `system:serviceaccount:ns:name`).
    pub username: String,
    /// The groups.
    pub groups: Vec<String>,
}

/// An access question: may the caller `verb` `resource` of `group` in `namespace` (everywhere
/// when `None`)?
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Access {
    /// The verb (`list`, `watch`, `patch`).
    pub verb: String,
    /// The API group; empty for the core group.
    pub group: String,
    /// The plural resource name.
    pub resource: String,
    /// The namespace; `None` asks about all namespaces at once.
    pub namespace: Option<String>,
}

impl Cluster {
    /// Who the cluster takes the caller for.
    pub async fn whoami(&self) -> Result<UserInfo, ClusterError> {
        let review = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
        let answer = self.create_review("/apis/authentication.k8s.io/v1/selfsubjectreviews", &review).await?;
        let info = &answer["status"]["userInfo"];
        let username = info["username"].as_str().unwrap_or_default().to_owned();
        if username.is_empty() {
            return Err(ClusterError::Unreachable("the SelfSubjectReview named no user".into()));
        }
        let groups = info["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        Ok(UserInfo { username, groups })
    }

    /// Whether the caller may do what `access` asks.
    pub async fn may(&self, access: &Access) -> Result<bool, ClusterError> {
        let mut attributes = json!({"verb": access.verb, "group": access.group, "resource": access.resource});
        if let Some(namespace) = &access.namespace {
            attributes["namespace"] = json!(namespace);
        }
        let review = json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": attributes},
        });
        let answer =
            self.create_review("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", &review).await?;
        Ok(answer["status"]["allowed"].as_bool() == Some(true))
    }

    async fn create_review(&self, path: &str, review: &Value) -> Result<Value, ClusterError> {
        let body = serde_json::to_vec(review).map_err(|e| ClusterError::Unreachable(e.to_string()))?;
        let request = http::Request::post(path)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .map_err(|e| ClusterError::Unreachable(format!("cannot make the request: {e}")))?;
        self.timed(self.client.request::<Value>(request)).await
    }
}
