//! What can go wrong, with the texts kube-apiserver answers.

use serde_json::{Value, json};

use crate::managed::{ManagerId, Operation};

/// Why [`update`](crate::update) could not track a write. The object is left with the live
/// object's `managedFields`, as kube-apiserver does when tracking fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// The object is not a JSON object.
    #[error("the object is not a JSON object")]
    NotAnObject,
    /// An input nests deeper than [`concord_patch::json::MAX_DEPTH`].
    #[error("the object nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// [`Manager::time`](crate::Manager::time) is not an RFC 3339 timestamp.
    #[error("invalid time {0:?}: expected RFC 3339, e.g. 2026-11-24T10:00:00Z")]
    InvalidTime(String),
}

/// One field another manager owns with a different value than an apply sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The other manager's name.
    pub manager: String,
    /// How the other manager wrote the field.
    pub operation: Operation,
    /// The apiVersion of the other manager's entry.
    pub api_version: String,
    /// The subresource the other manager wrote through, if any.
    pub subresource: Option<String>,
    /// The field, in kube's path form: `.spec.replicas`, `.metadata.labels.app`,
    /// `.spec.template.spec.containers[name="nginx"].image`.
    pub field: String,
}

impl Conflict {
    fn manager_id(&self) -> ManagerId {
        ManagerId::new(
            &self.manager,
            self.operation,
            &self.api_version,
            self.subresource.as_deref().unwrap_or(""),
        )
    }
}

/// Why [`apply`](crate::apply) refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// Other managers own fields the configuration changes (HTTP 409, reason `Conflict`, with
    /// [`ApplyError::causes`] as `details.causes`). Ordered by manager, then field.
    #[error("{}", conflict_message(.0))]
    Conflicts(Vec<Conflict>),
    /// The configuration cannot be applied: not an object, wrong apiVersion or kind, another
    /// name, `managedFields` set, or values the schema refuses (HTTP 400).
    #[error("{0}")]
    Invalid(String),
    /// The live object's `managedFields` cannot be read, or the caller passed an invalid time
    /// (HTTP 500).
    #[error("{0}")]
    Internal(String),
}

impl ApplyError {
    /// kube-apiserver's message: `Apply failed with 1 conflict: conflict with "x" using
    /// apps/v1: .spec.replicas`, or the multi-conflict form that lists fields per manager.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The `details.causes` of the 409 `Status`: one
    /// `{"reason": "FieldManagerConflict", "message": "conflict with \"x\" using apps/v1",
    /// "field": ".spec.replicas"}` per conflict; empty for other errors.
    pub fn causes(&self) -> Vec<Value> {
        match self {
            ApplyError::Conflicts(conflicts) => conflicts
                .iter()
                .map(|c| {
                    json!({
                        "reason": "FieldManagerConflict",
                        "message": format!("conflict with {}", c.manager_id().describe()),
                        "field": c.field,
                    })
                })
                .collect(),
            ApplyError::Invalid(_) | ApplyError::Internal(_) => Vec::new(),
        }
    }
}

fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [only] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            only.manager_id().describe(),
            only.field
        );
    }
    let mut by_manager: Vec<(String, String, Vec<&str>)> = Vec::new();
    for conflict in conflicts {
        let id = conflict.manager_id();
        let key = id.key();
        match by_manager.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, fields)) => fields.push(&conflict.field),
            None => by_manager.push((key, id.describe(), vec![&conflict.field])),
        }
    }
    by_manager.sort_by(|a, b| a.0.cmp(&b.0));
    let lines: Vec<String> = by_manager
        .into_iter()
        .flat_map(|(_, described, fields)| {
            std::iter::once(format!("conflicts with {described}:"))
                .chain(fields.into_iter().map(|f| format!("- {f}")))
        })
        .collect();
    format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict(manager: &str, operation: Operation, field: &str) -> Conflict {
        Conflict {
            manager: manager.into(),
            operation,
            api_version: "apps/v1".into(),
            subresource: None,
            field: field.into(),
        }
    }

    #[test]
    fn one_conflict() {
        let err = ApplyError::Conflicts(vec![conflict(
            "kubectl-client-side-apply",
            Operation::Update,
            ".spec.replicas",
        )]);
        assert_eq!(
            err.message(),
            "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"
        );
        assert_eq!(
            err.causes(),
            vec![json!({"reason": "FieldManagerConflict",
                "message": "conflict with \"kubectl-client-side-apply\" using apps/v1", "field": ".spec.replicas"})]
        );
    }

    #[test]
    fn conflicts_grouped_by_sorted_manager() {
        let err = ApplyError::Conflicts(vec![
            conflict("y", Operation::Update, ".spec.replicas"),
            conflict("x", Operation::Apply, ".metadata.labels.app"),
            conflict("y", Operation::Update, ".spec.paused"),
        ]);
        assert_eq!(
            err.message(),
            "Apply failed with 3 conflicts: conflicts with \"x\":\n- .metadata.labels.app\nconflicts with \"y\" using apps/v1:\n- .spec.replicas\n- .spec.paused"
        );
        assert_eq!(err.causes()[1]["message"], "conflict with \"x\"");
    }
}
