//! `/api/v1/session`: who the caller is, and — with `--auth token` — signing in with a bearer
//! token (checked by the cluster, then kept only in the sealed session cookie) and out.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{Failure, read_body};
use crate::auth::{Auth, Caller, Sessions};
use crate::server::Server;

/// `POST /api/v1/session`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    /// A Kubernetes bearer token.
    token: String,
    /// The cluster that checks it; the default one when absent.
    #[serde(default)]
    cluster: Option<String>,
}

/// `GET`: the auth mode, and who the caller is (on the default cluster), if anyone.
pub(super) async fn show(State(server): State<Arc<Server>>, caller: Result<Caller, Failure>) -> Response {
    let mode = server.auth().name();
    let acting = match caller {
        Ok(caller) => server.acting(&caller, None).await.map_err(Failure::from),
        Err(failure) => Err(failure),
    };
    match acting {
        Ok(acting) => {
            axum::Json(json!({"mode": mode, "signedIn": true, "user": acting.user})).into_response()
        }
        Err(failure) => {
            axum::Json(json!({"mode": mode, "signedIn": false, "message": failure.message})).into_response()
        }
    }
}

/// `POST`: signs in with a token the cluster accepts; the user's name, and the session cookie.
pub(super) async fn sign_in(State(server): State<Arc<Server>>, body: Body) -> Result<Response, Failure> {
    let Auth::Token(sessions) = server.auth() else {
        return Err(Failure {
            code: StatusCode::CONFLICT,
            outcome: "invalid",
            message: format!(
                "this server identifies users by --auth {}; there is nothing to sign in to",
                server.auth().name()
            ),
        });
    };
    let request: SignIn = read_body(body).await?;
    let token = request.token.trim().to_owned();
    if token.is_empty() {
        return Err(Failure::invalid("the token is empty".into()));
    }
    let caller = Caller::Token { token: token.clone(), user: None };
    let acting = server.acting(&caller, request.cluster.as_deref()).await?;
    let cookie = sessions.begin(&token, &acting.user).map_err(|e| Failure::invalid(e.to_string()))?;
    tracing::info!(user = %acting.user, "signed in");
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(json!({"signedIn": true, "user": acting.user})))
        .into_response())
}

/// `DELETE`: ends the session (the browser forgets the cookie).
pub(super) async fn sign_out() -> Response {
    ([(header::SET_COOKIE, Sessions::end())], axum::Json(json!({"signedIn": false}))).into_response()
}
