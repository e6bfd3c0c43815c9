//! create, update (PUT), patch (all four content types) and the status and scale subresources.

use std::sync::Arc;

use concord_openapi::FieldValidation;
use concord_patch::PatchType;
use concord_patch::schema::{Gvk, Schema, TypeInfo};
use concord_store::Write;
use serde_json::{Map, Value};

use super::meta::{self, check_body, prepare_create, prepare_update, request_version, set_version};
use super::{Api, MAX_RETRIES, str_at, target};
use crate::registry::Resource;
use crate::status::ApiError;

/// Options every write takes from its query string.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// `dryRun=All`: validate and answer, store nothing.
    pub dry_run: bool,
    /// `fieldManager` (or the default kube-apiserver derives from the user agent).
    pub field_manager: String,
    /// `fieldValidation`.
    pub validation: FieldValidation,
    /// `force` (server-side apply only).
    pub force: bool,
}

impl Default for WriteOptions {
    fn default() -> WriteOptions {
        // kube-apiserver's default for requests that do not say is Warn.
        WriteOptions {
            dry_run: false,
            field_manager: String::new(),
            validation: FieldValidation::Warn,
            force: false,
        }
    }
}

/// The result of a successful write.
#[derive(Debug)]
pub struct Written {
    /// The object as stored (or as it would be, for a dry run).
    pub object: Value,
    /// `object` encoded exactly as stored, when this write stored it: answers send these bytes
    /// rather than encoding the object a second time.
    pub encoded: Option<Vec<u8>>,
    /// `Warning` headers to send.
    pub warnings: Vec<String>,
    /// Whether the write created the object (201 rather than 200).
    pub created: bool,
}

/// A PATCH body, by content type.
#[derive(Debug)]
pub enum PatchBody {
    /// `application/json-patch+json`, `application/merge-patch+json` or
    /// `application/strategic-merge-patch+json`.
    Patch(PatchType, Value),
    /// `application/apply-patch+yaml`: the configuration to apply, parsed.
    Apply(Value),
}

/// What a compare-and-swap stored: the object, and its encoding unless it was deleted.
pub(super) struct Committed {
    pub(super) object: Value,
    pub(super) encoded: Option<Vec<u8>>,
}

/// Why the store refused a compare-and-swap.
pub(super) enum Refusal {
    Exists,
    Raced,
}

/// The patch metadata of a resource's kind.
pub(super) fn type_info(resource: &Resource) -> TypeInfo<'_> {
    let gvk =
        Gvk { group: resource.group.clone(), version: resource.version.clone(), kind: resource.kind.clone() };
    match &resource.custom {
        Some(custom) => custom.schema.for_kind(&gvk),
        None => Schema::builtin().for_kind(&gvk),
    }
}

impl Api {
    /// POST: creates an object in `namespace`.
    pub async fn create(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        body: Value,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        if !resource.allows("create") {
            return Err(ApiError::method_not_allowed("create", target(resource, "")));
        }
        let mut object = check_body(resource, namespace, None, body)?;
        let warnings = self.validate(resource, &mut object, None, options.validation)?;
        prepare_create(resource, &mut object)?;
        super::builtin::default(resource, &mut object);
        self.validate_meta(resource, &object, None)?;
        let name = str_at_map(&object, "name").to_string();
        if resource.namespaced {
            self.check_namespace(namespace.unwrap_or_default())?;
        }
        let mut value = Value::Object(object);
        record_update(options, resource, None, None, &mut value)?;
        let Value::Object(object) = value else {
            return Err(ApiError::internal("the field manager returned a non-object"));
        };
        if options.dry_run {
            return Ok(Written { object: Value::Object(object), encoded: None, warnings, created: true });
        }
        let key = resource.key(namespace, &name);
        match self.commit(&key, None, Some(object)).await? {
            Ok(Committed { object, encoded }) => {
                self.invalidate(resource);
                Ok(Written { object, encoded, warnings, created: true })
            }
            Err(_) => Err(ApiError::already_exists(target(resource, &name))),
        }
    }

    /// PUT: replaces an object (or its status), with the body's `resourceVersion` as precondition.
    pub async fn update(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        subresource: Option<&str>,
        body: Value,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        if !resource.allows("update") {
            return Err(ApiError::method_not_allowed("update", target(resource, name)));
        }
        if subresource == Some("scale") {
            return self.update_scale(resource, namespace, name, body, options).await;
        }
        let body = check_body(resource, namespace, Some(name), body)?;
        let precondition = request_version(&body);
        if precondition.is_none() && resource.custom.is_some() {
            // Custom resources do not allow unconditional updates.
            return Err(ApiError::invalid(
                &resource.group,
                &resource.kind,
                name,
                format!(
                    "{}.{} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update",
                    resource.kind, resource.group
                ),
                vec![
                    serde_json::json!({"reason": "FieldValueInvalid", "message": "Invalid value: 0: must be specified for an update", "field": "metadata.resourceVersion"}),
                ],
            ));
        }
        let body_uid =
            body.get("metadata").and_then(|m| m.get("uid")).and_then(Value::as_str).map(str::to_string);
        self.modify(resource, namespace, name, subresource, options, precondition, move |live| {
            if let Some(uid) = &body_uid {
                let live_uid = meta::uid(live);
                if !uid.is_empty() && uid != live_uid {
                    return Err(Modify::Conflict(format!(
                        "Precondition failed: UID in precondition: {uid}, UID in object meta: {live_uid}"
                    )));
                }
            }
            Ok(Modified::Update(body.clone()))
        })
        .await
    }

    /// PATCH: applies a patch (or server-side apply) to the live object.
    pub async fn patch(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        subresource: Option<&str>,
        body: PatchBody,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        if !resource.allows("patch") {
            return Err(ApiError::method_not_allowed("patch", target(resource, name)));
        }
        if let PatchBody::Patch(PatchType::Strategic, _) = body
            && resource.custom.is_some()
        {
            return Err(ApiError::unsupported_media_type(&[
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/apply-patch+yaml",
            ]));
        }
        if let PatchBody::Apply(config) = &body {
            if options.field_manager.is_empty() {
                return Err(ApiError::bad_request("fieldManager is required for apply requests"));
            }
            let key = resource.key(namespace, name);
            if self.store.get(&key).is_none() && subresource.is_none() {
                return self.apply_create(resource, namespace, name, config.clone(), options).await;
            }
        }
        if subresource == Some("scale") {
            return self.patch_scale(resource, namespace, name, body, options).await;
        }
        let info_resource = resource.clone();
        let manager_name = options.field_manager.clone();
        let force = options.force;
        let sub = subresource.map(str::to_string);
        let time = meta::now();
        self.modify(resource, namespace, name, subresource, options, None, move |live| {
            let info = type_info(&info_resource);
            match &body {
                PatchBody::Patch(patch_type, patch) => {
                    let patched =
                        patch_type.apply(live, patch, &info).map_err(|e| Modify::Patch(e.to_string()))?;
                    Ok(Modified::Update(into_map(patched)?))
                }
                PatchBody::Apply(config) => {
                    let api_version = info_resource.api_version();
                    let m = concord_fieldmanager::Manager {
                        name: &manager_name,
                        api_version: &api_version,
                        subresource: sub.as_deref(),
                        time: &time,
                        reset_fields: reset_fields(&info_resource, sub.as_deref()),
                    };
                    let applied = concord_fieldmanager::apply(&info, Some(live), config, &m, force)
                        .map_err(Modify::Apply)?;
                    Ok(Modified::Applied(into_map(applied)?))
                }
            }
        })
        .await
    }

    /// Server-side apply of an object that does not exist yet: a create with Apply ownership.
    async fn apply_create(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        config: Value,
        options: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let info = type_info(resource);
        let api_version = resource.api_version();
        let time = meta::now();
        let m = concord_fieldmanager::Manager {
            name: &options.field_manager,
            api_version: &api_version,
            subresource: None,
            time: &time,
            reset_fields: reset_fields(resource, None),
        };
        let applied = concord_fieldmanager::apply(&info, None, &config, &m, options.force)
            .map_err(|e| apply_error(resource, name, e))?;
        let mut object = check_body(resource, namespace, Some(name), applied)?;
        let warnings = self.validate(resource, &mut object, None, options.validation)?;
        prepare_create(resource, &mut object)?;
        super::builtin::default(resource, &mut object);
        self.validate_meta(resource, &object, None)?;
        if resource.namespaced {
            self.check_namespace(namespace.unwrap_or_default())?;
        }
        if options.dry_run {
            return Ok(Written { object: Value::Object(object), encoded: None, warnings, created: true });
        }
        match self.commit(&resource.key(namespace, name), None, Some(object)).await? {
            Ok(Committed { object, encoded }) => {
                self.invalidate(resource);
                Ok(Written { object, encoded, warnings, created: true })
            }
            // Someone created it meanwhile: apply to theirs.
            Err(_) => {
                Box::pin(self.patch(resource, namespace, name, None, PatchBody::Apply(config), options)).await
            }
        }
    }

    /// The read-modify-write loop shared by update and patch. `change` computes the new object
    /// from the live one; `precondition` is a `resourceVersion` the caller demands.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn modify(
        &self,
        resource: &Arc<Resource>,
        namespace: Option<&str>,
        name: &str,
        subresource: Option<&str>,
        options: &WriteOptions,
        precondition: Option<String>,
        change: impl Fn(&Value) -> Result<Modified, Modify>,
    ) -> Result<Written, ApiError> {
        let key = resource.key(namespace, name);
        for _ in 0..MAX_RETRIES {
            let Some((live, revision)) = self.live(&key)? else {
                return Err(ApiError::not_found(target(resource, name)));
            };
            if let Some(version) = &precondition
                && *version != revision.to_string()
            {
                return Err(ApiError::stale(target(resource, name)));
            }
            let modified = change(&live).map_err(|e| e.into_api_error(resource, name))?;
            let (mut new, applied) = match modified {
                Modified::Update(new) => (new, false),
                Modified::Applied(new) => (new, true),
            };
            // A patch may carry its own resourceVersion: then it is a precondition too.
            if let Some(version) = request_version(&new)
                && version != revision.to_string()
            {
                return Err(ApiError::stale(target(resource, name)));
            }
            let Value::Object(old) = &live else {
                return Err(ApiError::internal("stored object is not a map"));
            };
            // The identity of the object is not the patch's to change.
            new = check_body(resource, namespace, Some(name), Value::Object(new))?;
            let warnings = self.validate(resource, &mut new, Some(old), options.validation)?;
            prepare_update(resource, subresource, old, &mut new);
            super::builtin::default(resource, &mut new);
            self.validate_meta(resource, &new, Some(old))?;
            let mut value = Value::Object(new);
            if !applied {
                record_update(options, resource, subresource, Some(&live), &mut value)?;
            }
            let Value::Object(mut new) = value else {
                return Err(ApiError::internal("the field manager returned a non-object"));
            };
            set_version(&mut new, revision);
            if live.as_object().is_some_and(|live| concord_patch::json::equal_maps(live, &new)) {
                // Nothing changed: kube-apiserver does not write, and the version stays.
                return Ok(Written { object: live, encoded: None, warnings, created: false });
            }
            let finished = meta::is_deleting(&new) && meta::finalizers(&new).is_empty();
            if options.dry_run {
                return Ok(Written { object: Value::Object(new), encoded: None, warnings, created: false });
            }
            let outcome = if finished {
                self.commit(&key, Some(revision), None).await?
            } else {
                self.commit(&key, Some(revision), Some(new)).await?
            };
            match outcome {
                Ok(Committed { object, encoded }) => {
                    self.invalidate(resource);
                    if finished {
                        self.after_delete(&object, super::delete::Propagation::Background);
                    }
                    return Ok(Written { object, encoded, warnings, created: false });
                }
                Err(_) if precondition.is_some() => return Err(ApiError::stale(target(resource, name))),
                Err(_) => continue,
            }
        }
        Err(ApiError::conflict(target(resource, name), "too many concurrent writes; please try again"))
    }

    /// Commits `object` at `key` (or deletes the key, for None) if the key's revision is still
    /// `expected` (None: the key must not exist). Returns the stored object, with its new
    /// `resourceVersion`, or why the store refused.
    pub(super) async fn commit(
        &self,
        key: &str,
        expected: Option<u64>,
        object: Option<Map<String, Value>>,
    ) -> Result<Result<Committed, Refusal>, ApiError> {
        let deleting = object.is_none();
        let (result, _) = self
            .store
            .write_async(key.to_string(), move |current, revision| {
                if current.map(|c| c.revision) != expected {
                    let why = if expected.is_none() { Refusal::Exists } else { Refusal::Raced };
                    return (Write::Abort, Err(why));
                }
                let mut object = match (object, current) {
                    (Some(object), _) => object,
                    // A delete answers with the object as it was, at the deletion's revision.
                    (None, Some(current)) => match serde_json::from_slice(&current.bytes) {
                        Ok(Value::Object(map)) => map,
                        _ => Map::new(),
                    },
                    (None, None) => return (Write::Abort, Err(Refusal::Raced)),
                };
                set_version(&mut object, revision);
                let object = Value::Object(object);
                if deleting {
                    return (Write::Delete, Ok(Committed { object, encoded: None }));
                }
                match serde_json::to_vec(&object) {
                    Ok(bytes) => (Write::Put(bytes.clone()), Ok(Committed { object, encoded: Some(bytes) })),
                    Err(_) => (Write::Abort, Err(Refusal::Raced)),
                }
            })
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(result)
    }

    /// Validates an object against its kind's schema: type errors and, per `mode`, unknown fields.
    /// Unknown fields are dropped either way.
    fn validate(
        &self,
        resource: &Resource,
        object: &mut Map<String, Value>,
        previous: Option<&Map<String, Value>>,
        mode: FieldValidation,
    ) -> Result<Vec<String>, ApiError> {
        // A built-in kind's schema never changes, so a top-level struct the write leaves as
        // stored passed this check when it was written: it stands aside (an empty struct in its
        // place keeps the field order) while the rest is checked.
        let mut unchanged = Vec::new();
        if resource.custom.is_none()
            && let Some(previous) = previous
        {
            for (key, value) in object.iter_mut() {
                if key != "metadata"
                    && value.is_object()
                    && previous.get(key).is_some_and(|old| concord_patch::json::equal(old, value))
                {
                    unchanged.push((key.clone(), std::mem::replace(value, Value::Object(Map::new()))));
                }
            }
        }
        let mut value = Value::Object(std::mem::take(object));
        let checked = match &resource.custom {
            Some(custom) => custom.validator.check(&resource.definition, &mut value, mode),
            None => concord_openapi::Validator::builtin().check(&resource.definition, &mut value, mode),
        };
        *object = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        for (key, value) in unchanged {
            if let Some(slot) = object.get_mut(&key) {
                *slot = value;
            }
        }
        if let Some(decoding) = checked.decoding_error() {
            return Err(ApiError::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: {decoding}",
                kind = resource.kind,
                version = resource.version
            )));
        }
        let invalid: Vec<&concord_openapi::FieldIssue> = checked.invalid().collect();
        if invalid.is_empty() {
            return Ok(checked.warnings);
        }
        let name = str_at_map(object, "name");
        let causes = invalid
            .iter()
            .map(|i| serde_json::json!({"reason": i.kind.reason().unwrap_or("FieldValueInvalid"), "message": i.message, "field": i.field}))
            .collect();
        let details: Vec<String> = invalid.iter().map(|i| i.to_string()).collect();
        Err(ApiError::invalid(
            &resource.group,
            &resource.kind,
            name,
            invalid_text(resource, name, &details),
            causes,
        ))
    }

    /// Validates names, namespaces, labels and annotations.
    /// Also applies the kind's own rules (see [`super::builtin::validate`]); `old` is the live
    /// object on update.
    fn validate_meta(
        &self,
        resource: &Resource,
        object: &Map<String, Value>,
        old: Option<&Map<String, Value>>,
    ) -> Result<(), ApiError> {
        let empty = Value::Object(Map::new());
        let meta = object.get("metadata").unwrap_or(&empty);
        let mut errors =
            concord_apimachinery::names::validate_object_meta(meta, resource.name_rule, resource.namespaced);
        errors.extend(super::builtin::validate(resource, object, old));
        if errors.is_empty() {
            return Ok(());
        }
        let name = str_at_map(object, "name");
        let message =
            concord_apimachinery::field::invalid_message(&resource.kind, &resource.group, name, &errors);
        let causes = errors.iter().map(|e| e.cause()).collect();
        Err(ApiError::invalid(&resource.group, &resource.kind, name, message, causes))
    }

    /// A namespaced object's namespace must exist and not be terminating.
    fn check_namespace(&self, namespace: &str) -> Result<(), ApiError> {
        let registry = self.registry();
        let Some(namespaces) = registry.get("", "v1", "namespaces") else {
            return Ok(());
        };
        match self.live(&namespaces.key(None, namespace))? {
            None => Err(ApiError::not_found(crate::status::Target {
                group: "",
                resource: "namespaces",
                name: namespace,
            })),
            Some((ns, _)) if str_at(&ns, "/status/phase") == "Terminating" => Err(ApiError::forbidden(
                crate::status::Target { group: "", resource: "namespaces", name: namespace },
                format!(
                    "unable to create new content in namespace {namespace} because it is being terminated"
                ),
            )),
            Some(_) => Ok(()),
        }
    }
}

/// What a modification produced.
pub(super) enum Modified {
    /// A new object, whose managedFields the field manager updates.
    Update(Map<String, Value>),
    /// A server-side apply result, managedFields already set.
    Applied(Map<String, Value>),
}

/// Why a modification was refused.
pub(super) enum Modify {
    /// The patch did not apply.
    Patch(String),
    /// A precondition in the body failed.
    Conflict(String),
    /// Server-side apply refused.
    Apply(concord_fieldmanager::ApplyError),
    /// Some other error, already an API error.
    Api(ApiError),
}

impl Modify {
    fn into_api_error(self, resource: &Resource, name: &str) -> ApiError {
        match self {
            Modify::Patch(message) => ApiError { code: 422, reason: "Invalid", message, details: None },
            Modify::Conflict(why) => ApiError::conflict(target(resource, name), &why),
            Modify::Apply(e) => apply_error(resource, name, e),
            Modify::Api(e) => e,
        }
    }
}

/// Server-side apply's errors as kube-apiserver reports them.
fn apply_error(resource: &Resource, name: &str, error: concord_fieldmanager::ApplyError) -> ApiError {
    match &error {
        concord_fieldmanager::ApplyError::Conflicts(_) => {
            ApiError::apply_conflict(target(resource, name), error.message(), error.causes())
        }
        _ => ApiError::bad_request(error.message()),
    }
}

/// Records a non-apply write of `value` (over `old`) in its managedFields, under the request's
/// field manager.
fn record_update(
    options: &WriteOptions,
    resource: &Resource,
    subresource: Option<&str>,
    old: Option<&Value>,
    value: &mut Value,
) -> Result<(), ApiError> {
    let api_version = resource.api_version();
    let time = meta::now();
    let manager = concord_fieldmanager::Manager {
        name: &options.field_manager,
        api_version: &api_version,
        subresource,
        time: &time,
        reset_fields: reset_fields(resource, subresource),
    };
    concord_fieldmanager::update(&type_info(resource), old, value, &manager)
        .map_err(|e| ApiError::bad_request(e.to_string()))
}

/// The fields a write through `subresource` resets, which its writer never owns (kube's
/// `GetResetFields`).
fn reset_fields(resource: &Resource, subresource: Option<&str>) -> &'static [&'static str] {
    match (resource.has_status, subresource) {
        (true, Some("status")) => &["spec", "metadata"],
        (true, _) => &["status"],
        (false, _) => &[],
    }
}

/// The object as a map, or the error of a patch that turned it into something else.
fn into_map(value: Value) -> Result<Map<String, Value>, Modify> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Modify::Patch("the patch made the object something other than an object".into())),
    }
}

fn str_at_map<'a>(object: &'a Map<String, Value>, field: &str) -> &'a str {
    object.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or_default()
}

/// kube-apiserver's `Kind.group "name" is invalid: [a, b]` text.
fn invalid_text(resource: &Resource, name: &str, details: &[String]) -> String {
    let kind = if resource.group.is_empty() {
        resource.kind.clone()
    } else {
        format!("{}.{}", resource.kind, resource.group)
    };
    match details {
        [one] => format!("{kind} \"{name}\" is invalid: {one}"),
        many => format!("{kind} \"{name}\" is invalid: [{}]", many.join(", ")),
    }
}
