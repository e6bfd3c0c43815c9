//! The edit protocol (DESIGN.md, "The edit protocol"): the user's change is a patch from the
//! object as they loaded it (`base`) to the object as they want it (`mine`), sent with
//! preconditions on `base`'s `resourceVersion` and `uid` and their own field manager. When
//! someone else wrote first, the live object (`theirs`) is merged three ways with `base` and
//! `mine`: both changes are kept, or the fields where they disagree are reported and nothing is
//! written. Overwriting someone else's change happens only where the user resolved a conflict
//! to `mine`, and only against the version they resolved it on.

pub(crate) use concord_patch::merge3::GoneReason;
use concord_patch::merge3::{Conflict, Merge3, Outcome, Side};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cluster::{Cluster, ClusterError};

/// How long a merged change keeps being re-sent after losing yet another race. Each lost race
/// means someone else's write went through, so the object is busy, not stuck; a short random
/// pause between tries spreads out writers that keep colliding.
const MERGE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// Metadata the API server sets: never part of what a user changes, so left out of every patch
/// and merge (the preconditions carry `resourceVersion` and `uid`).
const SERVER_METADATA: [&str; 8] = [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// `POST /api/v1/edit`'s body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditRequest {
    /// The kubeconfig context to edit in; the default one when absent.
    #[serde(default)]
    pub cluster: Option<String>,
    /// The object as the user loaded it, with its `resourceVersion` and `uid`.
    pub base: Value,
    /// The object as the user wants it.
    pub mine: Value,
    /// How the user resolved conflicts reported earlier.
    #[serde(default)]
    pub resolutions: Vec<Resolution>,
    /// The `resourceVersion` of the live object the resolutions were made against: they hold
    /// only while the object is still at that version.
    #[serde(default)]
    pub theirs_resource_version: Option<String>,
}

/// A conflict the user resolved.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// The conflict's path, as it was reported.
    pub path: String,
    /// Which side's value to keep.
    pub take: Side,
}

/// What became of an edit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum EditOutcome {
    /// The change was written over the version the user loaded.
    Applied {
        /// The live object after the write.
        object: Value,
    },
    /// Someone else changed the object meanwhile; both changes were kept.
    Merged {
        /// The live object after the write.
        object: Value,
    },
    /// Nothing needed writing: the change was empty, or already made by someone else.
    Unchanged {
        /// The live object.
        object: Value,
    },
    /// The user's change and someone else's disagree; nothing was written.
    Conflict {
        /// The live object.
        theirs: Value,
        /// Each field both changed differently.
        conflicts: Vec<Conflict>,
    },
    /// The object was deleted, or replaced by another of the same name; nothing was written.
    Gone {
        /// Deleted or replaced.
        reason: GoneReason,
        /// The object now under that name, if any.
        theirs: Option<Value>,
    },
}

/// Why an edit could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The request itself is wrong (not objects, different identities, no version, unknown
    /// kind, a patch the engine refuses).
    #[error("{0}")]
    Invalid(String),
    /// The cluster refused or failed.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// The object kept changing while the merged change was being saved.
    #[error("the object kept changing for {} seconds while saving; try again", MERGE_PATIENCE.as_secs())]
    Busy,
}

/// Carries out `request` on `cluster` as field manager `manager` (e.g. `concord:alice`).
pub async fn edit(cluster: &Cluster, manager: &str, request: &EditRequest) -> Result<EditOutcome, EditError> {
    let identity = Identity::of(&request.base, &request.mine)?;
    let kind = match cluster.kind(&identity.api_version, &identity.kind).await {
        Err(ClusterError::Refused { code: 404, message, .. }) => return Err(EditError::Invalid(message)),
        other => other?,
    };
    let info = kind.type_info();
    let patch_type = kind.patch_type();
    let namespace = identity.namespace.as_deref();
    let (base, mine) = (user_view(&request.base), user_view(&request.mine));
    let mut patch = patch_type.create(&base, &mine, &info).map_err(|e| EditError::Invalid(e.to_string()))?;
    if is_empty_patch(&patch) {
        return Ok(match cluster.get(&kind, namespace, &identity.name).await? {
            None => EditOutcome::Gone { reason: GoneReason::Deleted, theirs: None },
            Some(live) if uid(&live) != identity.uid => {
                EditOutcome::Gone { reason: GoneReason::Replaced, theirs: Some(live) }
            }
            Some(live) => EditOutcome::Unchanged { object: live },
        });
    }
    let mut resource_version = identity.resource_version.clone();
    let deadline = tokio::time::Instant::now() + MERGE_PATIENCE;
    for attempt in 0.. {
        if attempt > 1 {
            if tokio::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
        let written = cluster
            .patch(
                &kind,
                namespace,
                &identity.name,
                &with_preconditions(&patch, &resource_version, &identity.uid),
                manager,
            )
            .await;
        match written {
            // Every write after the first sends a merged change.
            Ok(object) if attempt > 0 => return Ok(EditOutcome::Merged { object }),
            Ok(object) => return Ok(EditOutcome::Applied { object }),
            // Someone else wrote first (409), or the object is gone (404).
            Err(ClusterError::Refused { code: 404 | 409, .. }) => {}
            Err(other) => return Err(other.into()),
        }
        let Some(theirs) = cluster.get(&kind, namespace, &identity.name).await? else {
            return Ok(EditOutcome::Gone { reason: GoneReason::Deleted, theirs: None });
        };
        if uid(&theirs) != identity.uid {
            return Ok(EditOutcome::Gone { reason: GoneReason::Replaced, theirs: Some(theirs) });
        }
        let theirs_version = str_at(&theirs, "/metadata/resourceVersion").to_owned();
        let mut merge = Merge3::new(&info);
        // Resolutions were made against one version of theirs: they mean nothing for another.
        if request.theirs_resource_version.as_deref() == Some(theirs_version.as_str()) {
            for resolution in &request.resolutions {
                merge = merge.resolve(resolution.path.clone(), resolution.take);
            }
        }
        match merge
            .run(&base, Some(&user_view(&theirs)), &mine)
            .map_err(|e| EditError::Invalid(e.to_string()))?
        {
            // Someone else made the same change: nothing is left to write.
            Outcome::Merged { patch: next, .. } if is_empty_patch(&next) => {
                return Ok(EditOutcome::Unchanged { object: theirs });
            }
            Outcome::Merged { patch: next, .. } => {
                patch = next;
                resource_version = theirs_version;
            }
            Outcome::Conflicts(conflicts) => return Ok(EditOutcome::Conflict { theirs, conflicts }),
            Outcome::Gone(reason) => return Ok(EditOutcome::Gone { reason, theirs: Some(theirs) }),
        }
    }
    Err(EditError::Busy)
}

/// `POST /api/v1/merge`'s body: someone else's version of an object to take into an edit.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MergeRequest {
    /// The kubeconfig context the object is in; the default one when absent.
    #[serde(default)]
    pub cluster: Option<String>,
    /// The object as the user loaded it.
    pub base: Value,
    /// A newer version of it, as someone else left it.
    pub theirs: Value,
    /// The object as the user is editing it.
    pub mine: Value,
    /// How the user resolved conflicts reported earlier for this `theirs`.
    #[serde(default)]
    pub resolutions: Vec<Resolution>,
}

/// What a merge of someone else's version into an edit gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum MergeOutcome {
    /// Both changes combined: the user's edit, now based on `theirs` (carrying its
    /// `resourceVersion` and `uid`), so saving it sends only the user's change.
    Merged {
        /// The merged object.
        object: Value,
    },
    /// The two changes disagree on these fields.
    Conflict {
        /// Each field both changed differently.
        conflicts: Vec<Conflict>,
    },
    /// `theirs` is another object of the same name.
    Gone {
        /// Always `replaced`: a deleted object has no `theirs`.
        reason: GoneReason,
    },
}

/// Merges `request.theirs` into the user's edit three ways — the same merge a save runs, but
/// writing nothing (the cluster is only asked for the kind's patch metadata), so an editor can
/// show the result before saving it.
pub async fn merge(cluster: &Cluster, request: &MergeRequest) -> Result<MergeOutcome, EditError> {
    let identity = Identity::of(&request.base, &request.mine)?;
    Identity::of(&request.base, &request.theirs).map_err(|_| {
        EditError::Invalid("theirs must be the same object as base, with its resourceVersion and uid".into())
    })?;
    if uid(&request.theirs) != identity.uid {
        return Ok(MergeOutcome::Gone { reason: GoneReason::Replaced });
    }
    let kind = match cluster.kind(&identity.api_version, &identity.kind).await {
        Err(ClusterError::Refused { code: 404, message, .. }) => return Err(EditError::Invalid(message)),
        other => other?,
    };
    let info = kind.type_info();
    let mut merge = Merge3::new(&info);
    for resolution in &request.resolutions {
        merge = merge.resolve(resolution.path.clone(), resolution.take);
    }
    let theirs = &request.theirs;
    let outcome = merge
        .run(&user_view(&request.base), Some(&user_view(theirs)), &user_view(&request.mine))
        .map_err(|e| EditError::Invalid(e.to_string()))?;
    Ok(match outcome {
        Outcome::Merged { mut object, .. } => {
            if let (Some(merged), Some(server)) = (
                object.get_mut("metadata").and_then(Value::as_object_mut),
                theirs.get("metadata").and_then(Value::as_object),
            ) {
                for field in SERVER_METADATA {
                    if let Some(value) = server.get(field) {
                        merged.insert(field.to_owned(), value.clone());
                    }
                }
            }
            MergeOutcome::Merged { object }
        }
        Outcome::Conflicts(conflicts) => MergeOutcome::Conflict { conflicts },
        Outcome::Gone(reason) => MergeOutcome::Gone { reason },
    })
}

/// The object an edit is about, from `base`, checked against `mine`.
pub(crate) struct Identity {
    pub(crate) api_version: String,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
    pub(crate) resource_version: String,
    pub(crate) uid: String,
}

impl Identity {
    pub(crate) fn of(base: &Value, mine: &Value) -> Result<Identity, EditError> {
        for (what, object) in [("base", base), ("mine", mine)] {
            if !object.is_object() {
                return Err(EditError::Invalid(format!("{what} must be an object")));
            }
        }
        let fields = [
            ("apiVersion", "/apiVersion"),
            ("kind", "/kind"),
            ("metadata.name", "/metadata/name"),
            ("metadata.namespace", "/metadata/namespace"),
        ];
        for (field, pointer) in fields {
            if base.pointer(pointer) != mine.pointer(pointer) {
                return Err(EditError::Invalid(format!(
                    "mine must be the same object as base: its {field} differs"
                )));
            }
        }
        let required = |field: &str, pointer: &str| match base.pointer(pointer).and_then(Value::as_str) {
            Some(text) if !text.is_empty() => Ok(text.to_owned()),
            _ => Err(EditError::Invalid(format!("base has no {field}: send the object as it was loaded"))),
        };
        Ok(Identity {
            api_version: required("apiVersion", "/apiVersion")?,
            kind: required("kind", "/kind")?,
            name: required("metadata.name", "/metadata/name")?,
            namespace: base.pointer("/metadata/namespace").and_then(Value::as_str).map(str::to_owned),
            resource_version: required("metadata.resourceVersion", "/metadata/resourceVersion")?,
            uid: required("metadata.uid", "/metadata/uid")?,
        })
    }
}

/// `object` as a user edits it: without the metadata the API server sets, which the protocol
/// leaves out of every patch and merge (an editor showing them would invite edits that are
/// dropped).
pub fn user_view(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in SERVER_METADATA {
            metadata.remove(field);
        }
    }
    object
}

/// `patch` carrying `resourceVersion` and `uid` preconditions: the API server refuses it with a
/// 409 unless the object is still at that version.
fn with_preconditions(patch: &Value, resource_version: &str, uid: &str) -> Value {
    let mut patch = patch.clone();
    if let Some(object) = patch.as_object_mut() {
        let metadata = object.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
        if let Some(metadata) = metadata.as_object_mut() {
            metadata.insert("resourceVersion".into(), Value::String(resource_version.to_owned()));
            metadata.insert("uid".into(), Value::String(uid.to_owned()));
        }
    }
    patch
}

/// A random pause of up to 2^attempt milliseconds (at most 64).
fn backoff(attempt: usize) -> std::time::Duration {
    use std::hash::BuildHasher;
    let ceiling = 1u64 << attempt.min(6);
    // Each `RandomState` is keyed afresh: a cheap random number without a generator to share.
    let random = std::collections::hash_map::RandomState::new().hash_one(attempt);
    std::time::Duration::from_millis(random % (ceiling + 1))
}

fn is_empty_patch(patch: &Value) -> bool {
    match patch {
        Value::Object(map) => map.is_empty(),
        Value::Array(operations) => operations.is_empty(),
        _ => false,
    }
}

pub(crate) fn uid(object: &Value) -> String {
    str_at(object, "/metadata/uid").to_owned()
}

fn str_at<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn identity_needs_the_same_object_with_a_version() {
        let base = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "n", "resourceVersion": "5", "uid": "u"}});
        let ok = Identity::of(
            &base,
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "n"}}),
        );
        assert_eq!(ok.unwrap().resource_version, "5");
        let renamed =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "n"}});
        let error = Identity::of(&base, &renamed).err().unwrap().to_string();
        assert_eq!(error, "mine must be the same object as base: its metadata.name differs");
        let moved = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        assert!(Identity::of(&base, &moved).is_err());
        let unversioned =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "uid": "u"}});
        let error = Identity::of(&unversioned, &unversioned).err().unwrap().to_string();
        assert_eq!(error, "base has no metadata.resourceVersion: send the object as it was loaded");
        assert!(Identity::of(&json!([]), &json!({})).is_err());
    }

    #[test]
    fn preconditions_ride_in_the_patch_and_server_fields_stay_out() {
        let patch = with_preconditions(&json!({"data": {"a": "1"}}), "7", "u");
        assert_eq!(patch, json!({"data": {"a": "1"}, "metadata": {"resourceVersion": "7", "uid": "u"}}));
        let view = user_view(&json!({"metadata": {"name": "a", "uid": "u", "resourceVersion": "7",
            "managedFields": [], "labels": {"k": "v"}}}));
        assert_eq!(view, json!({"metadata": {"name": "a", "labels": {"k": "v"}}}));
    }
}
