//! The HTTP API. Handlers only translate: a request into a call on the [`Server`], a
//! [`Cluster`](crate::Cluster) or the edit protocol, and its outcome or error into a status code
//! and a JSON body ([`Failure`] is the one place errors become answers).
//!
//! Every mutating request must carry the [`CSRF_HEADER`], which a page of another origin cannot
//! send without a CORS preflight that this server never grants; the session cookie is
//! SameSite=Strict besides.

mod read;
mod session;
mod ui;
mod write;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::auth::{AuthError, Caller};
use crate::cluster::ClusterError;
use crate::edit::EditError;
use crate::server::{Server, ServerError};

/// The header every mutating request must carry, with the value `1`.
pub const CSRF_HEADER: &str = "x-concord-csrf";

/// The largest request body accepted.
pub const MAX_BODY: usize = 8 << 20;

/// The API's routes over `server`. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()`: `--auth proxy` believes only the
/// proxy's addresses.
pub fn router(server: Arc<Server>) -> Router {
    let clusters = "/api/v1/clusters/{cluster}";
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/session", get(session::show).post(session::sign_in).delete(session::sign_out))
        .route("/api/v1/clusters", get(read::clusters))
        .route(&format!("{clusters}/discovery"), get(read::discovery))
        .route(&format!("{clusters}/objects/{{group}}/{{version}}/{{resource}}"), get(read::list))
        .route(&format!("{clusters}/objects/{{group}}/{{version}}/{{resource}}/{{name}}"), get(read::object))
        .route(&format!("{clusters}/events"), get(read::events))
        .route(&format!("{clusters}/logs/{{namespace}}/{{pod}}"), get(read::logs))
        .route(&format!("{clusters}/watch/{{group}}/{{version}}/{{resource}}"), get(read::watch))
        .route("/api/v1/edit", post(write::edit_object))
        .route("/api/v1/merge", post(write::merge_objects))
        .route("/api/v1/create", post(write::create_object))
        .route("/api/v1/delete", post(write::delete_object))
        .fallback(ui::serve)
        .layer(middleware::from_fn(csrf))
        .with_state(server)
}

/// The OpenAPI document of this API, written by hand next to the handlers (so it says what
/// the protocol promises, not what a generator inferred), checked against real answers by the
/// tests.
const OPENAPI: &str = include_str!("openapi.yaml");

/// `GET /api/v1/openapi.json`.
async fn openapi() -> Response {
    static DOCUMENT: std::sync::OnceLock<Result<serde_json::Value, String>> = std::sync::OnceLock::new();
    match DOCUMENT.get_or_init(|| serde_saphyr::from_str(OPENAPI).map_err(|e| e.to_string())) {
        Ok(document) => axum::Json(document).into_response(),
        Err(e) => Failure { code: StatusCode::INTERNAL_SERVER_ERROR, outcome: "invalid", message: e.clone() }
            .into_response(),
    }
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

impl FromRequestParts<Arc<Server>> for Caller {
    type Rejection = Failure;

    /// Who the request is from, as the server's `--auth` mode tells.
    async fn from_request_parts(parts: &mut Parts, server: &Arc<Server>) -> Result<Caller, Failure> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        Ok(server.auth().caller(&parts.headers, peer).map_err(ServerError::from)?)
    }
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
        .map_err(|e| Failure::invalid(format!("the request body is not valid here: {e}")))
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

impl From<ClusterError> for Failure {
    /// The cluster's own code and message where it refused; 502 when it could not be reached,
    /// 504 when it did not answer in time.
    fn from(error: ClusterError) -> Failure {
        let message = error.to_string();
        let (code, outcome) = match &error {
            ClusterError::Refused { code, .. } => {
                let code = StatusCode::from_u16(*code).unwrap_or(StatusCode::BAD_GATEWAY);
                let outcome = match code {
                    StatusCode::UNAUTHORIZED => "unauthorized",
                    StatusCode::FORBIDDEN => "forbidden",
                    StatusCode::NOT_FOUND => "notfound",
                    StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "invalid",
                    _ => "refused",
                };
                (code, outcome)
            }
            ClusterError::Unreachable(_) => (StatusCode::BAD_GATEWAY, "unavailable"),
            ClusterError::Timeout(_) => (StatusCode::GATEWAY_TIMEOUT, "unavailable"),
        };
        Failure { code, outcome, message }
    }
}

impl From<EditError> for Failure {
    fn from(error: EditError) -> Failure {
        match error {
            EditError::Invalid(message) => Failure::invalid(message),
            EditError::Busy => {
                Failure { code: StatusCode::SERVICE_UNAVAILABLE, outcome: "busy", message: error.to_string() }
            }
            EditError::Cluster(error) => error.into(),
        }
    }
}

impl From<ServerError> for Failure {
    fn from(error: ServerError) -> Failure {
        match error {
            ServerError::UnknownCluster { .. } => Failure::invalid(error.to_string()),
            ServerError::Auth(AuthError::UntrustedPeer(_)) => Failure::forbidden(error.to_string()),
            ServerError::Auth(error) => Failure {
                code: StatusCode::UNAUTHORIZED,
                outcome: "unauthorized",
                message: error.to_string(),
            },
            ServerError::Cluster(error) => error.into(),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.code, axum::Json(json!({"outcome": self.outcome, "message": self.message}))).into_response()
    }
}
