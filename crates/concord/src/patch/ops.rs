//! The operations behind `concord patch`, on parsed documents: each picks the type's patch
//! metadata and calls the engine. Shared by the one-shot commands and `--lines`.

use std::borrow::Cow;

use concord_patch::merge3::{Merge3, Outcome, Side};
use concord_patch::{Gvk, PatchType, Schema, TypeInfo, json_patch, merge_patch, strategic};
use serde_json::{Value, json};

use crate::error::Error;

/// Reads a kind as `<apiVersion>/<Kind>`: `v1/ConfigMap`, `apps/v1/Deployment`.
pub fn parse_kind(text: &str) -> Result<Gvk, String> {
    match text.rsplit_once('/') {
        Some((api_version, kind)) if !api_version.is_empty() && !kind.is_empty() => {
            Ok(Gvk::from_api_version(api_version, kind))
        }
        _ => Err(format!("{text:?} is not a kind: write <apiVersion>/<Kind>, e.g. apps/v1/Deployment")),
    }
}

/// The patch metadata for an object: of the kind named, or else of its own `apiVersion`/`kind`.
fn type_info<'s>(schema: &'s Schema, kind: Option<&Gvk>, object: &Value) -> TypeInfo<'s> {
    match kind {
        Some(gvk) => schema.for_kind(gvk),
        None => schema.for_object(object),
    }
}

/// A named source of extra patch metadata: an OpenAPI document or a CustomResourceDefinition.
pub enum SchemaSource {
    /// An OpenAPI v2 or v3 document.
    OpenApi(String, Value),
    /// A CustomResourceDefinition object.
    Crd(String, Value),
}

/// The built-in schema, extended by the given documents (later ones win on equal names).
pub fn schema(sources: Vec<SchemaSource>) -> Result<Cow<'static, Schema>, Error> {
    let mut schema = Cow::Borrowed(Schema::builtin());
    for source in sources {
        let (name, read) = match source {
            SchemaSource::OpenApi(name, doc) => (name, Schema::from_openapi(&doc)),
            SchemaSource::Crd(name, crd) => (name, Schema::from_crd(&crd)),
        };
        let extra = read.map_err(|source| Error::Schema { name, source })?;
        schema.to_mut().extend(extra);
    }
    Ok(schema)
}

/// What `create` is asked for.
pub struct CreateRequest<'a> {
    /// The patch format.
    pub patch_type: PatchType,
    /// The object before (for a three-way patch: the last applied configuration).
    pub original: &'a Value,
    /// The object as wanted.
    pub modified: &'a Value,
    /// The live object, for a three-way patch as `kubectl apply` makes it.
    pub current: Option<&'a Value>,
    /// Three-way only: overwrite changes made in `current` since `original` instead of failing.
    pub overwrite: bool,
    /// JSON patch only: precede each change with a `test` of the value it replaces.
    pub test_preconditions: bool,
    /// The kind whose metadata applies, if not the objects' own.
    pub kind: Option<&'a Gvk>,
}

/// Creates a patch from `original` to `modified` (two-way) or, with `current`, the three-way
/// patch `kubectl apply` sends.
pub fn create(request: &CreateRequest<'_>, schema: &Schema) -> Result<Value, Error> {
    let CreateRequest { patch_type, original, modified, current, overwrite, test_preconditions, kind } =
        *request;
    if overwrite && current.is_none() {
        return Err(Error::Usage(
            "overwrite only applies to a three-way patch (with a current object)".into(),
        ));
    }
    if test_preconditions && patch_type != PatchType::Json {
        return Err(Error::Usage(format!(
            "test preconditions only apply to --type json, not --type {}",
            patch_type
        )));
    }
    if current.is_some() && patch_type != PatchType::Strategic {
        return Err(Error::Usage(format!(
            "three-way patches (with a current object) are only supported for --type strategic, \
             not --type {}",
            patch_type
        )));
    }
    Ok(match patch_type {
        PatchType::Strategic => {
            let info = type_info(schema, kind, modified);
            match current {
                Some(current) => strategic::create_three_way(original, modified, current, &info, overwrite)?,
                None => strategic::create_two_way(original, modified, &info)?,
            }
        }
        PatchType::Merge => merge_patch::create(original, modified)?,
        PatchType::Json => {
            let options = json_patch::CreateOptions { test_preconditions };
            let patch = json_patch::create(original, modified, options)?;
            serde_json::to_value(&patch).map_err(Error::Encode)?
        }
    })
}

/// Applies `patch` to `object`.
pub fn apply(
    patch_type: PatchType,
    object: &Value,
    patch: &Value,
    schema: &Schema,
    kind: Option<&Gvk>,
) -> Result<Value, Error> {
    Ok(patch_type.apply(object, patch, &type_info(schema, kind, object))?)
}

/// The answer of the editor merge, and whether it is clean (merged or unchanged).
pub struct Merge3Answer {
    /// `{"outcome": ..., ...}` as printed.
    pub json: Value,
    /// False for a conflict or a gone object (exit code 1).
    pub clean: bool,
}

/// The editor merge of `base`, `theirs` and `mine`, with the user's conflict resolutions.
pub fn merge3(
    base: &Value,
    theirs: &Value,
    mine: &Value,
    resolutions: &[(String, Side)],
    schema: &Schema,
    kind: Option<&Gvk>,
) -> Result<Merge3Answer, Error> {
    let info = type_info(schema, kind, base);
    let merge = resolutions.iter().fold(Merge3::new(&info), |m, (path, side)| m.resolve(path.clone(), *side));
    Ok(match merge.run(base, Some(theirs), mine)? {
        Outcome::Merged { object, patch, patch_type } => {
            let outcome = if &object == theirs { "unchanged" } else { "merged" };
            let json = json!({"outcome": outcome, "object": object, "patch": patch, "patchType": patch_type});
            Merge3Answer { json, clean: true }
        }
        Outcome::Conflicts(conflicts) => Merge3Answer {
            json: json!({"outcome": "conflict", "conflicts": serde_json::to_value(&conflicts).map_err(Error::Encode)?}),
            clean: false,
        },
        Outcome::Gone(reason) => Merge3Answer {
            json: json!({"outcome": "gone", "reason": serde_json::to_value(reason).map_err(Error::Encode)?}),
            clean: false,
        },
    })
}

/// Reads a `POINTER=theirs|mine` resolution. The pointer may itself contain `=` (keyed-list
/// elements are addressed as `/spec/ports/port=80,protocol=TCP`), so the side follows the last one.
pub fn parse_resolution(text: &str) -> Result<(String, Side), String> {
    let (path, side) = text.rsplit_once('=').ok_or_else(|| format!("{text:?} is not POINTER=theirs|mine"))?;
    let side = match side {
        "theirs" => Side::Theirs,
        "mine" => Side::Mine,
        other => return Err(format!("{other:?} is not a side: use theirs or mine")),
    };
    Ok((path.to_owned(), side))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_split_at_the_last_equals_sign() {
        assert_eq!(
            parse_resolution("/spec/ports/port=80,protocol=TCP=mine"),
            Ok(("/spec/ports/port=80,protocol=TCP".to_owned(), Side::Mine))
        );
        assert_eq!(parse_resolution("/data/a=theirs"), Ok(("/data/a".to_owned(), Side::Theirs)));
        assert!(parse_resolution("/data/a").is_err());
        assert!(parse_resolution("/data/a=both").is_err());
    }
}
