//! The edit protocol's endpoints: `POST /api/v1/edit`, `/api/v1/merge`, `/api/v1/create`,
//! `/api/v1/delete`, each carried out as the caller.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Failure, read_body};
use crate::auth::Caller;
use crate::edit::{EditOutcome, EditRequest, MergeOutcome, MergeRequest, edit, merge};
use crate::objects::{self, CreateOutcome, CreateRequest, DeleteOutcome, DeleteRequest};
use crate::server::Server;

pub(super) async fn edit_object(
    State(server): State<Arc<Server>>,
    caller: Caller,
    body: Body,
) -> Result<Response, Failure> {
    let request: EditRequest = read_body(body).await?;
    let acting = server.acting(&caller, request.cluster.as_deref()).await?;
    let outcome = edit(&acting.cluster, &acting.manager(), &request).await?;
    let code = match &outcome {
        EditOutcome::Applied { .. } | EditOutcome::Merged { .. } | EditOutcome::Unchanged { .. } => {
            StatusCode::OK
        }
        EditOutcome::Conflict { .. } => StatusCode::CONFLICT,
        EditOutcome::Gone { .. } => StatusCode::GONE,
    };
    Ok((code, axum::Json(outcome)).into_response())
}

pub(super) async fn merge_objects(
    State(server): State<Arc<Server>>,
    caller: Caller,
    body: Body,
) -> Result<Response, Failure> {
    let request: MergeRequest = read_body(body).await?;
    let acting = server.acting(&caller, request.cluster.as_deref()).await?;
    let outcome = merge(&acting.cluster, &request).await?;
    let code = match &outcome {
        MergeOutcome::Merged { .. } => StatusCode::OK,
        MergeOutcome::Conflict { .. } => StatusCode::CONFLICT,
        MergeOutcome::Gone { .. } => StatusCode::GONE,
    };
    Ok((code, axum::Json(outcome)).into_response())
}

pub(super) async fn create_object(
    State(server): State<Arc<Server>>,
    caller: Caller,
    body: Body,
) -> Result<Response, Failure> {
    let request: CreateRequest = read_body(body).await?;
    let acting = server.acting(&caller, request.cluster.as_deref()).await?;
    let outcome = objects::create(&acting.cluster, &acting.manager(), &request).await?;
    let code = match &outcome {
        CreateOutcome::Created { .. } => StatusCode::CREATED,
        CreateOutcome::Exists { .. } => StatusCode::CONFLICT,
    };
    Ok((code, axum::Json(outcome)).into_response())
}

pub(super) async fn delete_object(
    State(server): State<Arc<Server>>,
    caller: Caller,
    body: Body,
) -> Result<Response, Failure> {
    let request: DeleteRequest = read_body(body).await?;
    let acting = server.acting(&caller, request.cluster.as_deref()).await?;
    let outcome = objects::delete(&acting.cluster, &request).await?;
    let code = match &outcome {
        DeleteOutcome::Deleted { .. } => StatusCode::OK,
        DeleteOutcome::Changed { .. } => StatusCode::CONFLICT,
        DeleteOutcome::Gone { .. } => StatusCode::GONE,
    };
    Ok((code, axum::Json(outcome)).into_response())
}
