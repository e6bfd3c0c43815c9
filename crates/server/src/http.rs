//! The HTTP API. Handlers only translate: a request body into an [`EditRequest`], an
//! [`EditOutcome`] or error into a status code and a JSON body. Every mutating request must carry
//! the [`CSRF_HEADER`], which a page of another origin cannot send without a CORS preflight that
//! this server never grants.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::cluster::{Cluster, ClusterError};
use crate::edit::{EditError, EditOutcome, EditRequest, edit};
use crate::objects::{self, CreateOutcome, CreateRequest, DeleteOutcome, DeleteRequest};

/// The header every mutating request must carry, with the value `1`.
pub const CSRF_HEADER: &str = "x-concord-csrf";

/// The largest request body accepted.
pub const MAX_BODY: usize = 8 << 20;

/// A cluster the server offers, and who Concord acts as there.
pub struct ClusterEntry {
    /// The cluster, reached with the user's credentials.
    pub cluster: Cluster,
    /// The user's name there: writes carry the field manager `concord:<user>`.
    pub user: String,
}

impl ClusterEntry {
    /// The field manager of the user's writes: `concord:<user>`.
    pub fn manager(&self) -> String {
        format!("concord:{}", self.user)
    }
}

/// The server's state: the clusters by kubeconfig context name.
pub struct Server {
    clusters: BTreeMap<String, ClusterEntry>,
    default: String,
}

impl Server {
    /// A server offering `clusters`, `default` being the one requests without `cluster` use.
    pub fn new(clusters: BTreeMap<String, ClusterEntry>, default: String) -> Server {
        Server { clusters, default }
    }

    fn cluster(&self, name: Option<&str>) -> Result<&ClusterEntry, Failure> {
        let name = name.unwrap_or(&self.default);
        self.clusters.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.clusters.keys().map(String::as_str).collect();
            Failure::invalid(format!("no cluster {name:?}; known: {known:?}"))
        })
    }
}

/// The API's routes over `server`.
pub fn router(server: Arc<Server>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/clusters", get(clusters))
        .route("/api/v1/edit", post(edit_object))
        .route("/api/v1/create", post(create_object))
        .route("/api/v1/delete", post(delete_object))
        .layer(middleware::from_fn(csrf))
        .with_state(server)
}

/// Refuses mutating requests without the CSRF header, or sent by a page of another site.
async fn csrf(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = request.headers();
        if headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) != Some("1") {
            let message = format!("a {} needs the header {CSRF_HEADER}: 1", request.method());
            return Failure::forbidden(message).into_response();
        }
        if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
            return Failure::forbidden("cross-site requests are refused".into()).into_response();
        }
    }
    next.run(request).await
}

async fn clusters(State(server): State<Arc<Server>>) -> Response {
    let list: Vec<Value> = server
        .clusters
        .iter()
        .map(|(name, entry)| json!({"name": name, "user": entry.user, "default": *name == server.default}))
        .collect();
    (StatusCode::OK, axum::Json(json!({"clusters": list}))).into_response()
}

async fn edit_object(State(server): State<Arc<Server>>, body: Body) -> Result<Response, Failure> {
    let request: EditRequest = read_body(body).await?;
    let entry = server.cluster(request.cluster.as_deref())?;
    let outcome = edit(&entry.cluster, &entry.manager(), &request).await?;
    let code = match &outcome {
        EditOutcome::Applied { .. } | EditOutcome::Merged { .. } | EditOutcome::Unchanged { .. } => {
            StatusCode::OK
        }
        EditOutcome::Conflict { .. } => StatusCode::CONFLICT,
        EditOutcome::Gone { .. } => StatusCode::GONE,
    };
    Ok((code, axum::Json(outcome)).into_response())
}

async fn create_object(State(server): State<Arc<Server>>, body: Body) -> Result<Response, Failure> {
    let request: CreateRequest = read_body(body).await?;
    let entry = server.cluster(request.cluster.as_deref())?;
    let outcome = objects::create(&entry.cluster, &entry.manager(), &request).await?;
    let code = match &outcome {
        CreateOutcome::Created { .. } => StatusCode::CREATED,
        CreateOutcome::Exists { .. } => StatusCode::CONFLICT,
    };
    Ok((code, axum::Json(outcome)).into_response())
}

async fn delete_object(State(server): State<Arc<Server>>, body: Body) -> Result<Response, Failure> {
    let request: DeleteRequest = read_body(body).await?;
    let entry = server.cluster(request.cluster.as_deref())?;
    let outcome = objects::delete(&entry.cluster, &request).await?;
    let code = match &outcome {
        DeleteOutcome::Deleted { .. } => StatusCode::OK,
        DeleteOutcome::Changed { .. } => StatusCode::CONFLICT,
        DeleteOutcome::Gone { .. } => StatusCode::GONE,
    };
    Ok((code, axum::Json(outcome)).into_response())
}

/// Reads a JSON (or YAML) body of at most [`MAX_BODY`] bytes into `T`.
async fn read_body<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, Failure> {
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| Failure {
        code: StatusCode::PAYLOAD_TOO_LARGE,
        outcome: "invalid",
        message: format!("the request body is larger than {} MiB", MAX_BODY >> 20),
    })?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| Failure::invalid("the request body is not UTF-8".into()))?;
    let value = concord_patch::document::parse(text)
        .map_err(|e| Failure::invalid(format!("the request body does not parse: {e}")))?;
    serde_json::from_value(value)
        .map_err(|e| Failure::invalid(format!("the request body is not an edit: {e}")))
}

/// A request that failed: `{"outcome": …, "message": …}` with its status code. The one place
/// errors become HTTP answers.
#[derive(Debug)]
pub struct Failure {
    code: StatusCode,
    outcome: &'static str,
    message: String,
}

impl Failure {
    fn invalid(message: String) -> Failure {
        Failure { code: StatusCode::BAD_REQUEST, outcome: "invalid", message }
    }

    fn forbidden(message: String) -> Failure {
        Failure { code: StatusCode::FORBIDDEN, outcome: "forbidden", message }
    }
}

impl From<EditError> for Failure {
    /// The cluster's own code and message where it refused.
    fn from(error: EditError) -> Failure {
        let message = error.to_string();
        let (code, outcome) = match &error {
            EditError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid"),
            EditError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            EditError::Cluster(ClusterError::Refused { code, .. }) => {
                let code = StatusCode::from_u16(*code).unwrap_or(StatusCode::BAD_GATEWAY);
                let outcome = match code {
                    StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "forbidden",
                    StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "invalid",
                    _ => "refused",
                };
                (code, outcome)
            }
            EditError::Cluster(ClusterError::Unreachable(_)) => (StatusCode::BAD_GATEWAY, "unavailable"),
            EditError::Cluster(ClusterError::Timeout) => (StatusCode::GATEWAY_TIMEOUT, "unavailable"),
        };
        Failure { code, outcome, message }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.code, axum::Json(json!({"outcome": self.outcome, "message": self.message}))).into_response()
    }
}
