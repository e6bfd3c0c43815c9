//! Object names, namespaces, labels and annotations, validated as kube-apiserver v1.32 validates
//! them on create (`ValidateObjectMeta`), with its exact messages.
//!
//! Name generation happens before validation: when `metadata.generateName` is set and
//! `metadata.name` is not, the caller sets `metadata.name` to [`generate_name`] of it, then
//! calls [`validate_object_meta`], which checks both.

use crate::field::{BadValue, FieldError};
use serde_json::{Map, Value, json};

/// kube's limit on the total size of an object's annotations (keys plus values), in bytes.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

const DNS1123_LABEL_MAX: usize = 63;
const DNS1123_SUBDOMAIN_MAX: usize = 253;
const QUALIFIED_NAME_MAX: usize = 63;
const LABEL_VALUE_MAX: usize = 63;
const FIELD_MANAGER_MAX: usize = 128;
const SUBRESOURCE_NAME_MAX: usize = 256;
const MAX_GENERATED_PREFIX: usize = 63 - 5;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// The characters kube appends to `generateName`.
const GENERATED_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// Which rule a kind's `metadata.name` follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameRule {
    /// A lowercase RFC 1123 subdomain, at most 253 characters: most kinds.
    Subdomain,
    /// A lowercase RFC 1123 label, at most 63 characters: namespaces.
    Label,
    /// A DNS-1035 label (starting with a letter), at most 63 characters: services.
    Dns1035Label,
    /// Any name usable as a path segment (not `.` or `..`, no `/` or `%`): RBAC roles and bindings.
    PathSegment,
}

/// The messages for `name` under `rule`; `prefix` when `name` is a `generateName` that will get
/// characters appended (kube then tolerates a trailing `-`).
pub fn validate_name(name: &str, rule: NameRule, prefix: bool) -> Vec<String> {
    match rule {
        NameRule::Subdomain => is_dns1123_subdomain(&prefix_masked(name, prefix)),
        NameRule::Label => is_dns1123_label(&prefix_masked(name, prefix)),
        NameRule::Dns1035Label => is_dns1035_label(&prefix_masked(name, prefix)),
        // kube's ValidateRBACName ignores `prefix`.
        NameRule::PathSegment => is_path_segment_name(name),
    }
}

/// kube's `maskTrailingDash`, quirk included: a trailing `-` of a prefix longer than one byte
/// makes the last two bytes one `a`, so the suffix to come is taken as valid.
fn prefix_masked(name: &str, prefix: bool) -> String {
    if prefix && name.len() > 1 && name.ends_with('-') {
        let mut cut = name.len() - 2;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}a", &name[..cut])
    } else {
        name.to_owned()
    }
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let examples: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!("{msg} (e.g. {}regex used for validation is '{fmt}')", examples.join(" or "))
}

fn is_alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            is_alnum_lower(first) && is_alnum_lower(last) && b.iter().all(|&c| is_alnum_lower(c) || c == b'-')
        }
        _ => false,
    }
}

fn matches_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(matches_dns1123_label)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn matches_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// kube's `IsDNS1123Subdomain`: the messages for an invalid lowercase RFC 1123 subdomain.
pub fn is_dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
    }
    if !matches_dns1123_subdomain(s) {
        errs.push(regex_error(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, &["example.com"]));
    }
    errs
}

/// kube's `IsDNS1123Label`: the messages for an invalid lowercase RFC 1123 label.
pub fn is_dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX {
        errs.push(max_len_error(DNS1123_LABEL_MAX));
    }
    if !matches_dns1123_label(s) {
        if matches_dns1123_subdomain(s) {
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(regex_error(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, &["my-name", "123-abc"]));
        }
    }
    errs
}

/// kube's `IsDNS1035Label`: the messages for an invalid DNS-1035 label.
pub fn is_dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX {
        errs.push(max_len_error(DNS1123_LABEL_MAX));
    }
    let starts_with_letter = s.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if !(starts_with_letter && matches_dns1123_label(s)) {
        errs.push(regex_error(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, &["my-name", "abc-123"]));
    }
    errs
}

/// kube's `IsValidPathSegmentName`.
pub fn is_path_segment_name(s: &str) -> Vec<String> {
    if s == "." || s == ".." {
        return vec![format!("may not be '{s}'")];
    }
    let mut errs = Vec::new();
    for illegal in ["/", "%"] {
        if s.contains(illegal) {
            errs.push(format!("may not contain '{illegal}'"));
        }
    }
    errs
}

/// kube's `IsQualifiedName`: the messages for an invalid label key (an optional DNS subdomain
/// prefix and `/`, then a name of at most 63 characters).
pub fn is_qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                errs.extend(is_dns1123_subdomain(prefix).into_iter().map(|m| format!("prefix part {m}")));
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > QUALIFIED_NAME_MAX {
        errs.push(format!("name part {}", max_len_error(QUALIFIED_NAME_MAX)));
    }
    if !matches_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// kube's `IsValidLabelValue`: the messages for an invalid label value.
pub fn is_valid_label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > LABEL_VALUE_MAX {
        errs.push(max_len_error(LABEL_VALUE_MAX));
    }
    if !(s.is_empty() || matches_qualified_name_part(s)) {
        errs.push(regex_error(LABEL_VALUE_MSG, LABEL_VALUE_FMT, &["MyValue", "my_value", "12345"]));
    }
    errs
}

/// kube's name generation: `prefix` cut to 58 bytes, then five characters from kube's alphabet
/// `bcdfghjklmnpqrstvwxz2456789`, each chosen by one call of `random` (a uniform `u32`).
///
/// A prefix cut inside a multi-byte character is cut before it instead (Go would cut the bytes,
/// producing a name that fails validation either way).
pub fn generate_name(prefix: &str, mut random: impl FnMut() -> u32) -> String {
    let mut cut = prefix.len().min(MAX_GENERATED_PREFIX);
    while !prefix.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut name = prefix[..cut].to_owned();
    for _ in 0..5 {
        // Multiply-shift maps the draw onto the alphabet with a bias below 2^-27, and never
        // loops, whatever `random` returns.
        let index = (u64::from(random()) * GENERATED_ALPHABET.len() as u64) >> 32;
        if let Some(&c) = usize::try_from(index).ok().and_then(|i| GENERATED_ALPHABET.get(i)) {
            name.push(char::from(c));
        }
    }
    name
}

fn str_of<'a>(meta: &'a Value, key: &str) -> &'a str {
    meta.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Validates an object's `metadata` on create as kube's `ValidateObjectMeta` does: name and
/// generateName under `rule`, the namespace (required and a DNS label when `namespaced`,
/// forbidden otherwise), generation, labels, annotations, owner references, finalizers and
/// managed fields. Errors come in kube's order; map entries in the object's order.
///
/// Fields of the wrong JSON type are treated as absent: kube rejects them while decoding,
/// before validation runs.
pub fn validate_object_meta(meta: &Value, rule: NameRule, namespaced: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let generate_name = str_of(meta, "generateName");
    if !generate_name.is_empty() {
        for msg in validate_name(generate_name, rule, true) {
            errs.push(FieldError::invalid("metadata.generateName", generate_name, msg));
        }
    }
    let name = str_of(meta, "name");
    if name.is_empty() {
        errs.push(FieldError::required("metadata.name", "name or generateName is required"));
    } else {
        for msg in validate_name(name, rule, false) {
            errs.push(FieldError::invalid("metadata.name", name, msg));
        }
    }
    let namespace = str_of(meta, "namespace");
    if namespaced {
        if namespace.is_empty() {
            errs.push(FieldError::required("metadata.namespace", ""));
        } else {
            for msg in validate_name(namespace, NameRule::Label, false) {
                errs.push(FieldError::invalid("metadata.namespace", namespace, msg));
            }
        }
    } else if !namespace.is_empty() {
        errs.push(FieldError::forbidden("metadata.namespace", "not allowed on this type"));
    }
    if let Some(generation) = meta.get("generation").and_then(Value::as_i64)
        && generation < 0
    {
        errs.push(FieldError::invalid(
            "metadata.generation",
            generation,
            "must be greater than or equal to 0",
        ));
    }
    let empty = Map::new();
    let labels = meta.get("labels").and_then(Value::as_object).unwrap_or(&empty);
    errs.extend(validate_labels(labels, "metadata.labels"));
    let annotations = meta.get("annotations").and_then(Value::as_object).unwrap_or(&empty);
    errs.extend(validate_annotations(annotations, "metadata.annotations"));
    if let Some(refs) = meta.get("ownerReferences").and_then(Value::as_array) {
        errs.extend(validate_owner_references(refs));
    }
    if let Some(finalizers) = meta.get("finalizers").and_then(Value::as_array) {
        errs.extend(validate_finalizers(finalizers));
    }
    if let Some(entries) = meta.get("managedFields").and_then(Value::as_array) {
        errs.extend(validate_managed_fields(entries));
    }
    errs
}

/// kube's `ValidateLabels`: each key a qualified name, each value a label value, reported at
/// `path` (e.g. `metadata.labels` or `spec.template.metadata.labels`).
pub fn validate_labels(labels: &Map<String, Value>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (key, value) in labels {
        for msg in is_qualified_name(key) {
            errs.push(FieldError::invalid(path, key.as_str(), msg));
        }
        let value = value.as_str().unwrap_or("");
        for msg in is_valid_label_value(value) {
            errs.push(FieldError::invalid(path, value, msg));
        }
    }
    errs
}

/// kube's `ValidateAnnotations`: each key a qualified name ignoring case, and keys plus values
/// at most [`TOTAL_ANNOTATION_SIZE_LIMIT`] bytes, reported at `path`.
pub fn validate_annotations(annotations: &Map<String, Value>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0usize;
    for (key, value) in annotations {
        for msg in is_qualified_name(&key.to_lowercase()) {
            errs.push(FieldError::invalid(path, key.as_str(), msg));
        }
        total = total.saturating_add(key.len()).saturating_add(value.as_str().map_or(0, str::len));
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

/// An owner reference as Go marshals the typed struct (field order, omitted empties), for
/// messages that print it.
fn owner_reference_json(r: &Value) -> Value {
    let mut out = Map::new();
    for key in ["apiVersion", "kind", "name", "uid"] {
        out.insert(key.to_owned(), json!(str_of(r, key)));
    }
    for key in ["controller", "blockOwnerDeletion"] {
        if let Some(b) = r.get(key).and_then(Value::as_bool) {
            out.insert(key.to_owned(), json!(b));
        }
    }
    Value::Object(out)
}

fn validate_owner_references(refs: &[Value]) -> Vec<FieldError> {
    const PATH: &str = "metadata.ownerReferences";
    let mut errs = Vec::new();
    let mut first_controller: Option<String> = None;
    for r in refs {
        let api_version = str_of(r, "apiVersion");
        let kind = str_of(r, "kind");
        // schema.ParseGroupVersion: "v1", "group/version"; anything else has no version.
        let (group, version) = match api_version.split('/').collect::<Vec<_>>().as_slice() {
            [""] => ("", ""),
            [v] => ("", *v),
            [g, v] => (*g, *v),
            _ => ("", ""),
        };
        if version.is_empty() {
            errs.push(FieldError::invalid(
                format!("{PATH}.apiVersion"),
                api_version,
                "version must not be empty",
            ));
        }
        if kind.is_empty() {
            errs.push(FieldError::invalid(format!("{PATH}.kind"), kind, "must not be empty"));
        }
        let name = str_of(r, "name");
        if name.is_empty() {
            errs.push(FieldError::invalid(format!("{PATH}.name"), name, "must not be empty"));
        }
        let uid = str_of(r, "uid");
        if uid.is_empty() {
            errs.push(FieldError::invalid(format!("{PATH}.uid"), uid, "must not be empty"));
        }
        if group.is_empty() && version == "v1" && kind == "Event" {
            errs.push(FieldError::invalid(
                PATH,
                owner_reference_json(r),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if r.get("controller").and_then(Value::as_bool) == Some(true) {
            let current = format!("{kind}/{name}");
            match &first_controller {
                Some(first) => errs.push(FieldError::invalid(
                    PATH,
                    Value::Array(refs.iter().map(owner_reference_json).collect()),
                    format!(
                        "Only one reference can have Controller set to true. Found \"true\" in references for {first} and {current}"
                    ),
                )),
                None => first_controller = Some(current),
            }
        }
    }
    errs
}

fn validate_finalizers(finalizers: &[Value]) -> Vec<FieldError> {
    const PATH: &str = "metadata.finalizers";
    let mut errs = Vec::new();
    let names: Vec<&str> = finalizers.iter().map(|f| f.as_str().unwrap_or("")).collect();
    for name in &names {
        for msg in is_qualified_name(name) {
            errs.push(FieldError::invalid(PATH, *name, msg));
        }
    }
    if names.contains(&"orphan") && names.contains(&"foregroundDeletion") {
        errs.push(FieldError::invalid(
            PATH,
            Value::Array(names.iter().map(|n| json!(n)).collect()),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

fn validate_managed_fields(entries: &[Value]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let path = format!("metadata.managedFields[{i}]");
        let operation = str_of(entry, "operation");
        if operation != "Apply" && operation != "Update" {
            errs.push(FieldError::invalid(
                format!("{path}.operation"),
                operation,
                "must be `Apply` or `Update`",
            ));
        }
        let fields_type = str_of(entry, "fieldsType");
        if !fields_type.is_empty() && fields_type != "FieldsV1" {
            errs.push(FieldError::invalid(format!("{path}.fieldsType"), fields_type, "must be `FieldsV1`"));
        }
        let manager = str_of(entry, "manager");
        if manager.len() > FIELD_MANAGER_MAX {
            errs.push(FieldError::too_long(format!("{path}.manager"), FIELD_MANAGER_MAX));
        }
        for (at, c) in manager.char_indices() {
            if !crate::gofmt::is_print(c) {
                errs.push(FieldError::invalid(
                    format!("{path}.manager"),
                    BadValue::Str(manager.to_owned()),
                    format!("invalid character U+{:04X} (at position {at})", c as u32),
                ));
            }
        }
        if str_of(entry, "subresource").len() > SUBRESOURCE_NAME_MAX {
            errs.push(FieldError::too_long(format!("{path}.subresource"), SUBRESOURCE_NAME_MAX));
        }
    }
    errs
}
