//! The patch formats of Kubernetes' PATCH verb, by name and by content type, with one entry
//! point to create or apply any of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::TypeInfo;
use crate::{PatchError, json_patch, merge_patch, strategic};

/// A patch format. (Server-side apply, `application/apply-patch+yaml`, is not a patch format
/// but a declaration of intent; the sandbox handles it separately.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchType {
    /// JSON patch, RFC 6902.
    Json,
    /// JSON merge patch, RFC 7386.
    Merge,
    /// Kubernetes strategic merge patch.
    Strategic,
}

impl PatchType {
    /// The request content type kube-apiserver expects for this format.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Json => "application/json-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
        }
    }

    /// The format of a request content type, ignoring parameters such as `charset`.
    pub fn from_content_type(content_type: &str) -> Option<PatchType> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        [PatchType::Json, PatchType::Merge, PatchType::Strategic]
            .into_iter()
            .find(|t| t.content_type().eq_ignore_ascii_case(essence))
    }

    /// Applies a patch of this format to an object.
    pub fn apply(self, object: &Value, patch: &Value, info: &TypeInfo<'_>) -> Result<Value, PatchError> {
        match self {
            PatchType::Json => json_patch::apply(object, &json_patch::parse(patch)?),
            PatchType::Merge => {
                if !patch.is_object() {
                    // RFC 7386 would replace the document; for an API object that is an error.
                    return Err(PatchError::NotAnObject {
                        what: "patch",
                        found: crate::error::type_name(patch),
                    });
                }
                merge_patch::apply(object, patch)
            }
            PatchType::Strategic => strategic::apply(object, patch, info),
        }
    }

    /// Creates the patch of this format that turns `original` into `modified`.
    pub fn create(
        self,
        original: &Value,
        modified: &Value,
        info: &TypeInfo<'_>,
    ) -> Result<Value, PatchError> {
        match self {
            PatchType::Json => {
                let patch = json_patch::create(original, modified, json_patch::CreateOptions::default())?;
                serde_json::to_value(patch).map_err(|e| PatchError::JsonPatch(e.to_string()))
            }
            PatchType::Merge => merge_patch::create(original, modified),
            PatchType::Strategic => strategic::create_two_way(original, modified, info),
        }
    }
}

impl fmt::Display for PatchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PatchType::Json => "json",
            PatchType::Merge => "merge",
            PatchType::Strategic => "strategic",
        })
    }
}

/// A patch type name that is not `json`, `merge` or `strategic`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown patch type {0:?}: expected json, merge or strategic")]
pub struct UnknownPatchType(pub String);

impl FromStr for PatchType {
    type Err = UnknownPatchType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(PatchType::Json),
            "merge" => Ok(PatchType::Merge),
            "strategic" => Ok(PatchType::Strategic),
            other => Err(UnknownPatchType(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;
    use serde_json::json;

    #[test]
    fn content_types_and_names_round_trip() {
        for t in [PatchType::Json, PatchType::Merge, PatchType::Strategic] {
            assert_eq!(PatchType::from_content_type(t.content_type()), Some(t));
            assert_eq!(t.to_string().parse::<PatchType>(), Ok(t));
        }
        assert_eq!(
            PatchType::from_content_type("application/merge-patch+json; charset=utf-8"),
            Some(PatchType::Merge)
        );
        assert_eq!(PatchType::from_content_type("application/apply-patch+yaml"), None);
        assert!("yaml".parse::<PatchType>().is_err());
    }

    #[test]
    fn every_format_round_trips_through_one_entry_point() {
        let a =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
        let b =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"b": "2"}});
        let info = Schema::builtin().for_object(&a);
        for t in [PatchType::Json, PatchType::Merge, PatchType::Strategic] {
            let patch = t.create(&a, &b, &info).unwrap();
            assert_eq!(t.apply(&a, &patch, &info).unwrap(), b, "{t}");
        }
        assert!(matches!(
            PatchType::Merge.apply(&a, &json!([1]), &info),
            Err(PatchError::NotAnObject { .. })
        ));
    }
}
