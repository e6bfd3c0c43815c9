//! Creating and deleting objects in the edit protocol's style: a create never replaces an
//! object someone else made meanwhile, and a delete carries preconditions on the `uid` and
//! `resourceVersion` the user saw, so it never removes a newer version they have not seen.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cluster::{Cluster, ClusterError};
use crate::edit::{EditError, GoneReason, Identity, uid};

/// `POST /api/v1/create`'s body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRequest {
    /// The kubeconfig context; the default one when absent.
    #[serde(default)]
    pub cluster: Option<String>,
    /// The object to create.
    pub object: Value,
}

/// What became of a create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum CreateOutcome {
    /// The object was created.
    Created {
        /// The object as stored.
        object: Value,
    },
    /// An object of that name exists already; nothing was written.
    Exists {
        /// That object, if it could be read.
        theirs: Option<Value>,
    },
}

/// `POST /api/v1/delete`'s body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteRequest {
    /// The kubeconfig context; the default one when absent.
    #[serde(default)]
    pub cluster: Option<String>,
    /// The object as the user loaded it, with its `resourceVersion` and `uid`.
    pub base: Value,
}

/// What became of a delete.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum DeleteOutcome {
    /// The API server accepted the deletion (finalizers may still hold the object a while).
    Deleted {
        /// The API server's answer: the object, marked for deletion or as it was, or a Status.
        object: Value,
    },
    /// Someone changed the object since it was loaded; nothing was deleted.
    Changed {
        /// The live object.
        theirs: Value,
    },
    /// The object is gone already, or replaced by another of the same name.
    Gone {
        /// Deleted or replaced.
        reason: GoneReason,
        /// The object now under that name, if any.
        theirs: Option<Value>,
    },
}

/// Creates `request.object` as field manager `manager`.
pub async fn create(
    cluster: &Cluster,
    manager: &str,
    request: &CreateRequest,
) -> Result<CreateOutcome, EditError> {
    let object = &request.object;
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str).filter(|t| !t.is_empty());
    let (Some(api_version), Some(kind_name), Some(name)) =
        (text("/apiVersion"), text("/kind"), text("/metadata/name"))
    else {
        return Err(EditError::Invalid("the object needs apiVersion, kind and metadata.name".into()));
    };
    let kind = match cluster.kind(api_version, kind_name).await {
        Err(ClusterError::Refused { code: 404, message, .. }) => return Err(EditError::Invalid(message)),
        other => other?,
    };
    match cluster.create(&kind, object, manager).await? {
        Some(object) => Ok(CreateOutcome::Created { object }),
        None => {
            Ok(CreateOutcome::Exists { theirs: cluster.get(&kind, text("/metadata/namespace"), name).await? })
        }
    }
}

/// Deletes `request.base` if it is still the version the user loaded.
pub async fn delete(cluster: &Cluster, request: &DeleteRequest) -> Result<DeleteOutcome, EditError> {
    let identity = Identity::of(&request.base, &request.base)?;
    let kind = match cluster.kind(&identity.api_version, &identity.kind).await {
        Err(ClusterError::Refused { code: 404, message, .. }) => return Err(EditError::Invalid(message)),
        other => other?,
    };
    let namespace = identity.namespace.as_deref();
    let deleted =
        cluster.delete(&kind, namespace, &identity.name, &identity.uid, &identity.resource_version).await;
    match deleted {
        Ok(object) => Ok(DeleteOutcome::Deleted { object }),
        Err(ClusterError::Refused { code: 404 | 409, .. }) => {
            Ok(match cluster.get(&kind, namespace, &identity.name).await? {
                None => DeleteOutcome::Gone { reason: GoneReason::Deleted, theirs: None },
                Some(live) if uid(&live) != identity.uid => {
                    DeleteOutcome::Gone { reason: GoneReason::Replaced, theirs: Some(live) }
                }
                Some(live) => DeleteOutcome::Changed { theirs: live },
            })
        }
        Err(other) => Err(other.into()),
    }
}
