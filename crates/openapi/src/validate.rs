//! Checking written objects against their schema, as kube-apiserver does when it decodes a
//! request body.
//!
//! Built-in kinds are decoded by Go's JSON decoder into Go structs: a value of the wrong JSON
//! type fails the request (400, `json: cannot unmarshal ...`), unknown fields are dropped and,
//! with `fieldValidation=Strict`, fail it too (`strict decoding error: unknown field "..."`).
//! Custom resources are decoded as unstructured JSON, pruned (fields the schema does not declare
//! are dropped unless `x-kubernetes-preserve-unknown-fields`), defaulted, and validated against
//! the OpenAPI v3 keywords a structural schema allows (422 Invalid, one cause per problem).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Number, Value};

use crate::builtin::{self, META};
use crate::documents::MAX_DEPTH;
use crate::{OpenApiError, crd};

/// How the API server treats unknown fields: kube's `fieldValidation` query parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Fail the request.
    Strict,
    /// Drop the fields and warn (kube-apiserver's default).
    #[default]
    Warn,
    /// Drop the fields silently.
    Ignore,
}

impl FieldValidation {
    /// Parses the query parameter's value (`Strict`, `Warn`, `Ignore`), or `None` for anything
    /// else, which kube-apiserver refuses (400: `fieldValidation must be one of "Ignore",
    /// "Warn", or "Strict"`).
    pub fn from_query(value: &str) -> Option<FieldValidation> {
        match value {
            "Strict" => Some(FieldValidation::Strict),
            "Warn" => Some(FieldValidation::Warn),
            "Ignore" => Some(FieldValidation::Ignore),
            _ => None,
        }
    }
}

/// What is wrong with a field. The `FieldValue*` kinds are kube's `causes[].reason` values of a
/// 422 Invalid response; [`IssueKind::Decode`] and [`IssueKind::UnknownField`] make the request
/// fail to decode (400 BadRequest, see [`Checked::decoding_error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// A built-in kind's body does not decode into its Go type (wrong JSON type, number out of
    /// range, malformed quantity or base64).
    Decode,
    /// A field the schema does not declare (reported only with [`FieldValidation::Strict`]).
    UnknownField,
    /// `FieldValueTypeInvalid`: wrong JSON type or format.
    FieldValueTypeInvalid,
    /// `FieldValueRequired`.
    FieldValueRequired,
    /// `FieldValueNotSupported`: not among the `enum` values.
    FieldValueNotSupported,
    /// `FieldValueInvalid`: bounds, pattern, length or item counts.
    FieldValueInvalid,
    /// `FieldValueTooLong`: over `maxLength`.
    FieldValueTooLong,
    /// `FieldValueTooMany`: over `maxItems` or `maxProperties`.
    FieldValueTooMany,
    /// `FieldValueDuplicate`: a repeated element of a `set` or `map` list.
    FieldValueDuplicate,
}

impl IssueKind {
    /// The `causes[].reason` kube-apiserver reports, for the kinds that are causes of a 422.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            IssueKind::Decode | IssueKind::UnknownField => None,
            IssueKind::FieldValueTypeInvalid => Some("FieldValueTypeInvalid"),
            IssueKind::FieldValueRequired => Some("FieldValueRequired"),
            IssueKind::FieldValueNotSupported => Some("FieldValueNotSupported"),
            IssueKind::FieldValueInvalid => Some("FieldValueInvalid"),
            IssueKind::FieldValueTooLong => Some("FieldValueTooLong"),
            IssueKind::FieldValueTooMany => Some("FieldValueTooMany"),
            IssueKind::FieldValueDuplicate => Some("FieldValueDuplicate"),
        }
    }
}

/// One problem with an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    /// The field, e.g. `spec.replicas` or `spec.template.spec.containers[0].name`.
    pub field: String,
    /// What kind of problem.
    pub kind: IssueKind,
    /// kube's text: for causes, the message without the field (`Invalid value: "x": ...`,
    /// `Required value`); for [`IssueKind::Decode`] Go's decoding error; for
    /// [`IssueKind::UnknownField`] `unknown field "spec.foo"`.
    pub message: String,
}

impl fmt::Display for FieldIssue {
    /// The issue as kube prints it in an error message: `field: message` for causes, the
    /// message alone for decoding problems.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IssueKind::Decode | IssueKind::UnknownField => f.write_str(&self.message),
            _ => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// The outcome of [`Validator::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Problems failing the request.
    pub errors: Vec<FieldIssue>,
    /// Texts for `Warning` headers (`unknown field "spec.foo"`), with [`FieldValidation::Warn`].
    pub warnings: Vec<String>,
}

impl Checked {
    /// Whether the object passed.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The text of kube-apiserver's 400 BadRequest when the body does not decode: Go's error
    /// for a wrong type, else `strict decoding error: unknown field "a", unknown field "b"`.
    /// kube-apiserver prefixes it with `<Kind> in version "<version>" cannot be handled as a
    /// <Kind>: `. Validation issues are not reported while decoding fails.
    pub fn decoding_error(&self) -> Option<String> {
        if let Some(decode) = self.errors.iter().find(|issue| issue.kind == IssueKind::Decode) {
            return Some(decode.message.clone());
        }
        let unknown: Vec<&str> = self
            .errors
            .iter()
            .filter(|issue| issue.kind == IssueKind::UnknownField)
            .map(|issue| issue.message.as_str())
            .collect();
        (!unknown.is_empty()).then(|| format!("strict decoding error: {}", unknown.join(", ")))
    }

    /// The causes of kube-apiserver's 422 Invalid: the issues other than decoding problems.
    /// kube's message is `<Kind>.<group> "<name>" is invalid: ` followed by them (`field:
    /// message`), joined by `, ` in brackets when there are several.
    pub fn invalid(&self) -> impl Iterator<Item = &FieldIssue> {
        self.errors.iter().filter(|issue| issue.kind.reason().is_some())
    }
}

/// A CRD version's schema, ready to check objects against.
#[derive(Debug)]
struct CustomSchema {
    definition: String,
    schema: Value,
    patterns: HashMap<String, Regex>,
}

/// Checks objects against the built-in definitions and, when made with
/// [`Validator::for_crd`], one CRD version's schema.
#[derive(Debug)]
pub struct Validator {
    custom: Option<CustomSchema>,
}

impl Validator {
    /// The validator for built-in kinds, built on first use.
    pub fn builtin() -> &'static Validator {
        static BUILTIN: OnceLock<Validator> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // Generating the definitions is the expensive part; do it now, not on first check.
            builtin::get();
            Validator { custom: None }
        })
    }

    /// A validator for one served version of a CustomResourceDefinition; its definition name
    /// is the one published in the OpenAPI documents (`com.example.stable.v1.CronTab`).
    /// Built-in definitions can be checked with it too.
    pub fn for_crd(crd: &Value, version: &str) -> Result<Validator, OpenApiError> {
        let name = crd.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("<unnamed>").to_owned();
        let served =
            crd::served_versions(crd)?.into_iter().find(|v| v.gvk.version == version).ok_or_else(|| {
                OpenApiError::UnknownVersion { name: name.clone(), version: version.to_owned() }
            })?;
        let schema = served.schema.unwrap_or_else(
            || serde_json::json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        );
        let mut patterns = HashMap::new();
        compile_patterns(&schema, &mut patterns, 0)
            .map_err(|problem| OpenApiError::InvalidCrd { name, problem })?;
        Ok(Validator { custom: Some(CustomSchema { definition: served.definition, schema, patterns }) })
    }

    /// Checks `object` against `definition` (an OpenAPI definition name). Wrong types are
    /// errors with kube's messages. Unknown fields are always removed from the object (built-in
    /// kinds drop them when decoding; custom resources prune them unless
    /// `x-kubernetes-preserve-unknown-fields`) and reported per `mode`: [`FieldValidation::Strict`]
    /// as errors, [`FieldValidation::Warn`] as warnings. Custom resources also get their
    /// `default`s and the OpenAPI v3 validation keywords structural schemas allow. An unknown
    /// definition is not checked.
    pub fn check(&self, definition: &str, object: &mut Value, mode: FieldValidation) -> Checked {
        let definitions = &builtin::get().definitions;
        let mut unknown = Vec::new();
        let mut errors = Vec::new();
        match &self.custom {
            Some(custom) if custom.definition == definition => {
                let mut walk = Structural {
                    definitions,
                    patterns: &custom.patterns,
                    errors: Vec::new(),
                    unknown: Vec::new(),
                };
                let mut path = Path::default();
                walk.value(&custom.schema, object, &mut path, Node::Root, 0);
                walk.unknown.sort();
                errors = walk.errors;
                unknown = walk.unknown;
            }
            _ => {
                if let Some(schema) = definitions.get(definition) {
                    let mut decode = Decode::new(definitions);
                    decode.root(definition, schema, object);
                    errors.extend(decode.error);
                    unknown = decode.unknown;
                }
            }
        }
        let mut checked = Checked { errors, warnings: Vec::new() };
        for field in unknown {
            let message = format!("unknown field \"{field}\"");
            match mode {
                FieldValidation::Strict => {
                    checked.errors.push(FieldIssue { field, kind: IssueKind::UnknownField, message })
                }
                FieldValidation::Warn => checked.warnings.push(message),
                FieldValidation::Ignore => {}
            }
        }
        checked
    }
}

fn compile_patterns(
    schema: &Value,
    patterns: &mut HashMap<String, Regex>,
    depth: usize,
) -> Result<(), String> {
    let Some(object) = schema.as_object() else { return Ok(()) };
    if depth > MAX_DEPTH {
        return Err(format!("schema nested deeper than {MAX_DEPTH} levels"));
    }
    if let Some(Value::String(pattern)) = object.get("pattern")
        && !patterns.contains_key(pattern)
    {
        let regex = Regex::new(pattern).map_err(|err| format!("invalid pattern {pattern:?}: {err}"))?;
        patterns.insert(pattern.clone(), regex);
    }
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(child) = object.get(keyword) {
            compile_patterns(child, patterns, depth + 1)?;
        }
    }
    if let Some(Value::Object(properties)) = object.get("properties") {
        for child in properties.values() {
            compile_patterns(child, patterns, depth + 1)?;
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = object.get(keyword) {
            for child in children {
                compile_patterns(child, patterns, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// A field path as kube prints it: `spec.containers[0].name`.
#[derive(Default)]
struct Path {
    text: String,
    /// Lengths of `text` to return to.
    marks: Vec<usize>,
}

impl Path {
    fn push_key(&mut self, key: &str) {
        self.marks.push(self.text.len());
        if !self.text.is_empty() {
            self.text.push('.');
        }
        self.text.push_str(key);
    }

    fn push_index(&mut self, index: usize) {
        self.marks.push(self.text.len());
        self.text.push('[');
        self.text.push_str(&index.to_string());
        self.text.push(']');
    }

    fn pop(&mut self) {
        if let Some(len) = self.marks.pop() {
            self.text.truncate(len);
        }
    }

    fn child(&self, key: &str) -> String {
        if self.text.is_empty() { key.to_owned() } else { format!("{}.{key}", self.text) }
    }
}

/// The name of a JSON value's type in Go's decoding errors.
fn go_value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn definition_of(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(crate::builtin::V2_REF_PREFIX))
}

fn schema_type(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/// Go's JSON decoding of a built-in kind into its Go struct.
struct Decode<'a> {
    definitions: &'a BTreeMap<String, Value>,
    /// Go's `errorContext.FieldStack`: struct field names only, no indices or map keys.
    fields: Vec<String>,
    /// The innermost struct's Go name.
    structs: Vec<String>,
    /// Path for unknown fields (sigs.k8s.io/json's strict field path, with indices).
    path: Path,
    /// The first type error, which Go's decoder reports.
    error: Option<FieldIssue>,
    unknown: Vec<String>,
}

impl<'a> Decode<'a> {
    fn new(definitions: &'a BTreeMap<String, Value>) -> Decode<'a> {
        Decode {
            definitions,
            fields: Vec::new(),
            structs: Vec::new(),
            path: Path::default(),
            error: None,
            unknown: Vec::new(),
        }
    }

    fn root(&mut self, name: &str, schema: &'a Value, value: &mut Value) {
        self.structure(name, schema, value, 0);
    }

    /// The Go type a schema decodes into, as `reflect.Type.String()` prints it.
    fn go_type(&self, schema: &Value, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "interface {}".to_owned();
        }
        if let Some(name) = definition_of(schema) {
            return go_struct_type(name);
        }
        match schema_type(schema) {
            Some("string") if schema.get("format").and_then(Value::as_str) == Some("byte") => {
                "[]uint8".to_owned()
            }
            Some("string") => "string".to_owned(),
            Some("integer") if schema.get("format").and_then(Value::as_str) == Some("int64") => {
                "int64".to_owned()
            }
            Some("integer") => "int32".to_owned(),
            Some("number") => "float64".to_owned(),
            Some("boolean") => "bool".to_owned(),
            Some("array") => match schema.get("items") {
                Some(items) => format!("[]{}", self.go_type(items, depth + 1)),
                None => "[]interface {}".to_owned(),
            },
            Some("object") => match schema.get("additionalProperties") {
                Some(values) if values.is_object() => {
                    format!("map[string]{}", self.go_type(values, depth + 1))
                }
                _ => "map[string]interface {}".to_owned(),
            },
            _ => "interface {}".to_owned(),
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(FieldIssue { field: self.fields.join("."), kind: IssueKind::Decode, message });
        }
    }

    /// Go's `UnmarshalTypeError`: `json: cannot unmarshal <what> into Go struct field
    /// <Struct>.<field path> of type <type>`, or `Go value` at the top or inside custom
    /// unmarshalers.
    fn type_error(&mut self, what: String, go_type: &str) {
        let message = match self.structs.last() {
            Some(structure) if !self.fields.is_empty() => format!(
                "json: cannot unmarshal {what} into Go struct field {structure}.{} of type {go_type}",
                self.fields.join(".")
            ),
            _ => format!("json: cannot unmarshal {what} into Go value of type {go_type}"),
        };
        self.fail(message);
    }

    fn value(&mut self, schema: &'a Value, value: &mut Value, depth: usize) {
        if value.is_null() || self.error.is_some() {
            return;
        }
        if depth > MAX_DEPTH {
            self.fail("json: exceeded max depth".to_owned());
            return;
        }
        if let Some(name) = definition_of(schema) {
            let Some(target) = self.definitions.get(name) else { return };
            match name {
                INT_OR_STRING => match value {
                    Value::String(_) => {}
                    Value::Number(number) => {
                        if number.as_i64().is_none_or(|n| i32::try_from(n).is_err()) {
                            self.fail(format!(
                                "json: cannot unmarshal number {number} into Go value of type int32"
                            ));
                        }
                    }
                    other => {
                        let what = go_value_kind(other);
                        self.fail(format!("json: cannot unmarshal {what} into Go value of type int32"));
                    }
                },
                QUANTITY => {
                    let text = match value {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    };
                    if let Err(message) = check_quantity(&text) {
                        self.fail(message.to_owned());
                    }
                }
                _ if target.get("properties").is_some() => self.structure(name, target, value, depth),
                // Time, MicroTime and other string-encoded types: their UnmarshalJSON decodes a
                // Go string.
                _ if schema_type(target) == Some("string") && !value.is_string() => {
                    let what = go_value_kind(value);
                    self.fail(format!("json: cannot unmarshal {what} into Go value of type string"));
                }
                // Strings of string-encoded types; RawExtension, JSON, FieldsV1: any JSON.
                _ => {}
            }
            return;
        }
        match (schema_type(schema), &mut *value) {
            (Some("string"), Value::String(text)) => {
                if schema.get("format").and_then(Value::as_str) == Some("byte")
                    && let Some(offset) = base64_error(text)
                {
                    self.fail(format!("illegal base64 data at input byte {offset}"));
                }
            }
            (Some("integer"), Value::Number(number)) => {
                let fits = match schema.get("format").and_then(Value::as_str) {
                    Some("int64") => number.as_i64().is_some(),
                    _ => number.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                };
                if !fits {
                    let go_type = self.go_type(schema, depth);
                    self.type_error(format!("number {number}"), &go_type);
                }
            }
            (Some("number"), Value::Number(_)) | (Some("boolean"), Value::Bool(_)) => {}
            (Some("array"), Value::Array(items)) => {
                let Some(item_schema) = schema.get("items") else { return };
                for (index, item) in items.iter_mut().enumerate() {
                    self.path.push_index(index);
                    self.value(item_schema, item, depth + 1);
                    self.path.pop();
                }
            }
            (Some("object"), Value::Object(entries)) => {
                let Some(value_schema) = schema.get("additionalProperties").filter(|s| s.is_object()) else {
                    return;
                };
                for (key, entry) in entries.iter_mut() {
                    self.path.push_key(key);
                    self.value(value_schema, entry, depth + 1);
                    self.path.pop();
                }
            }
            (None, _) => {}
            (Some(_), other) => {
                let what = go_value_kind(other).to_owned();
                let go_type = self.go_type(schema, depth);
                self.type_error(what, &go_type);
            }
        }
    }

    /// A Go struct: its declared fields decode, unknown ones are dropped and recorded, and
    /// `null`s leave the field unset.
    fn structure(&mut self, name: &str, schema: &'a Value, value: &mut Value, depth: usize) {
        let Value::Object(entries) = value else {
            if !value.is_null() {
                let what = go_value_kind(value).to_owned();
                self.type_error(what, &go_struct_type(name));
            }
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        self.structs.push(short_name(name).to_owned());
        let mut dropped = Vec::new();
        for (key, entry) in entries.iter_mut() {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => {
                    if entry.is_null() {
                        dropped.push(key.clone());
                        continue;
                    }
                    self.fields.push(key.clone());
                    self.path.push_key(key);
                    self.value(property, entry, depth + 1);
                    self.path.pop();
                    self.fields.pop();
                }
                None => {
                    self.unknown.push(self.path.child(key));
                    dropped.push(key.clone());
                }
            }
        }
        for key in dropped {
            entries.shift_remove(&key);
        }
        self.structs.pop();
    }
}

/// `io.k8s.api.apps.v1.DeploymentSpec` → `DeploymentSpec`.
fn short_name(definition: &str) -> &str {
    definition.rsplit('.').next().unwrap_or(definition)
}

/// The Go type of a definition as `reflect` prints it: `v1.DeploymentSpec`,
/// `resource.Quantity`, `intstr.IntOrString`.
fn go_struct_type(definition: &str) -> String {
    let mut parts = definition.rsplit('.');
    let name = parts.next().unwrap_or(definition);
    match parts.next() {
        Some(package) => format!("{package}.{name}"),
        None => name.to_owned(),
    }
}

/// Checks a quantity as `resource.ParseQuantity` does, with its error texts.
fn check_quantity(text: &str) -> Result<(), &'static str> {
    const FORMAT: &str =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    const SUFFIX: &str = "unable to parse quantity's suffix";
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_len);
    let dots = number.matches('.').count();
    if number.is_empty() || dots > 1 || !number.chars().any(|c| c.is_ascii_digit()) {
        return Err(FORMAT);
    }
    let letters_len = suffix.find(|c: char| !"eEinumkKMGTP".contains(c)).unwrap_or(suffix.len());
    let tail = &suffix[letters_len..];
    let tail_digits = tail.strip_prefix(['+', '-']).unwrap_or(tail);
    if !tail_digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FORMAT);
    }
    let known = matches!(
        suffix,
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E"
    );
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.strip_prefix(['+', '-']).unwrap_or(e))
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()));
    if known || exponent { Ok(()) } else { Err(SUFFIX) }
}

/// Where Go's `base64.StdEncoding` stops decoding `text`, if it does.
fn base64_error(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let is_newline = |b: u8| b == b'\n' || b == b'\r';
    let is_symbol = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let mut i = 0;
    loop {
        let mut j = 0;
        while j < 4 {
            while i < bytes.len() && is_newline(bytes[i]) {
                i += 1;
            }
            let Some(&byte) = bytes.get(i) else {
                return if j == 0 { None } else { Some(i - j) };
            };
            i += 1;
            if is_symbol(byte) {
                j += 1;
                continue;
            }
            if byte != b'=' {
                return Some(i - 1);
            }
            match j {
                0 | 1 => return Some(i - 1),
                2 => {
                    while i < bytes.len() && is_newline(bytes[i]) {
                        i += 1;
                    }
                    match bytes.get(i) {
                        None => return Some(bytes.len()),
                        Some(b'=') => i += 1,
                        Some(_) => return Some(i - 1),
                    }
                }
                _ => {}
            }
            while i < bytes.len() && is_newline(bytes[i]) {
                i += 1;
            }
            return if i < bytes.len() { Some(i) } else { None };
        }
    }
}

/// What kind of node a structural walk is at: the object root and embedded resources keep
/// `apiVersion`, `kind` and `metadata` whatever the schema says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Root,
    Embedded,
    Nested,
}

/// The apiextensions server's handling of a custom resource: prune, default, validate.
struct Structural<'a> {
    definitions: &'a BTreeMap<String, Value>,
    patterns: &'a HashMap<String, Regex>,
    errors: Vec<FieldIssue>,
    unknown: Vec<String>,
}

fn is_true(schema: &Value, keyword: &str) -> bool {
    schema.get(keyword).and_then(Value::as_bool) == Some(true)
}

/// The OpenAPI type of a JSON value as kube-openapi infers it (integers are numbers without a
/// fraction).
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl Structural<'_> {
    fn issue(&mut self, field: &str, kind: IssueKind, message: String) {
        self.errors.push(FieldIssue { field: field.to_owned(), kind, message });
    }

    /// `Invalid value: <value>: <field> in body <detail>`, kube's `field.Invalid` around a
    /// kube-openapi error.
    fn invalid(&mut self, field: &str, kind: IssueKind, bad: &str, detail: &str) {
        self.issue(field, kind, format!("Invalid value: {bad}: {field} in body {detail}"));
    }

    fn value(&mut self, schema: &Value, value: &mut Value, path: &mut Path, node: Node, depth: usize) {
        let field = path.text.clone();
        if depth > MAX_DEPTH {
            self.invalid(&field, IssueKind::FieldValueInvalid, "\"\"", "is nested too deeply");
            return;
        }
        if value.is_null() {
            if !is_true(schema, "nullable")
                && !is_true(schema, "x-kubernetes-preserve-unknown-fields")
                && let Some(expected) = schema_type(schema)
            {
                let detail = format!("must be of type {expected}: \"null\"");
                self.invalid(&field, IssueKind::FieldValueTypeInvalid, "\"null\"", &detail);
            }
            return;
        }
        let actual = json_type(value);
        if is_true(schema, "x-kubernetes-int-or-string") {
            if actual != "integer" && actual != "string" {
                let detail = format!("must be of type integer,string: \"{actual}\"");
                self.invalid(&field, IssueKind::FieldValueTypeInvalid, &format!("\"{actual}\""), &detail);
                return;
            }
        } else if let Some(expected) = schema_type(schema) {
            let matches = expected == actual
                || (expected == "number" && actual == "integer")
                || (expected == "integer" && value.as_f64().is_some_and(|f| f.fract() == 0.0));
            if !matches {
                let detail = format!("must be of type {expected}: \"{actual}\"");
                self.invalid(&field, IssueKind::FieldValueTypeInvalid, &format!("\"{actual}\""), &detail);
                return;
            }
        }
        let node = if is_true(schema, "x-kubernetes-embedded-resource") { Node::Embedded } else { node };
        match value {
            Value::Object(entries) => self.object(schema, entries, path, node, depth),
            Value::Array(items) => self.array(schema, items, path, depth),
            Value::String(text) => self.string(schema, text, &field),
            Value::Number(number) => self.number(schema, number, &field),
            Value::Bool(_) | Value::Null => {}
        }
        self.enumeration(schema, value, &field);
    }

    fn object(
        &mut self,
        schema: &Value,
        entries: &mut Map<String, Value>,
        path: &mut Path,
        node: Node,
        depth: usize,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties").filter(|s| s.is_object());
        let preserve = is_true(schema, "x-kubernetes-preserve-unknown-fields");
        let mut dropped = Vec::new();
        for (key, entry) in entries.iter_mut() {
            if node != Node::Nested && key == "metadata" {
                // ObjectMeta is decoded like a built-in type.
                if let Some(meta) = self.definitions.get(&format!("{META}ObjectMeta")) {
                    let mut decode = Decode::new(self.definitions);
                    decode.path.text = path.child("metadata");
                    decode.fields.push("metadata".to_owned());
                    decode.structure(&format!("{META}ObjectMeta"), meta, entry, depth + 1);
                    self.errors.extend(decode.error);
                    self.unknown.extend(decode.unknown);
                }
                continue;
            }
            if node != Node::Nested && (key == "apiVersion" || key == "kind") {
                continue;
            }
            let child = properties.and_then(|p| p.get(key)).or(additional);
            match child {
                Some(child) => {
                    if entry.is_null() && !is_true(child, "nullable") {
                        match child.get("default") {
                            Some(default) => *entry = default.clone(),
                            None => {
                                dropped.push(key.clone());
                                continue;
                            }
                        }
                    }
                    path.push_key(key);
                    self.value(child, entry, path, Node::Nested, depth + 1);
                    path.pop();
                }
                None if preserve => {}
                None => {
                    self.unknown.push(path.child(key));
                    dropped.push(key.clone());
                }
            }
        }
        for key in dropped {
            entries.shift_remove(&key);
        }
        if let Some(properties) = properties {
            for (key, child) in properties {
                if entries.contains_key(key) {
                    continue;
                }
                if let Some(default) = child.get("default") {
                    let mut defaulted = default.clone();
                    path.push_key(key);
                    self.value(child, &mut defaulted, path, Node::Nested, depth + 1);
                    path.pop();
                    entries.insert(key.clone(), defaulted);
                }
            }
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !entries.contains_key(name) {
                    let field = path.child(name);
                    self.issue(&field, IssueKind::FieldValueRequired, "Required value".to_owned());
                }
            }
        }
        let field = path.text.clone();
        let count = entries.len() as u64;
        if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
            && count > max
        {
            self.issue(
                &field,
                IssueKind::FieldValueTooMany,
                format!("Too many: {count}: must have at most {max} items"),
            );
        }
        if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
            && count < min
        {
            self.invalid(
                &field,
                IssueKind::FieldValueInvalid,
                &count.to_string(),
                &format!("should have at least {min} properties"),
            );
        }
    }

    fn array(&mut self, schema: &Value, items: &mut [Value], path: &mut Path, depth: usize) {
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter_mut().enumerate() {
                path.push_index(index);
                self.value(item_schema, item, path, Node::Nested, depth + 1);
                path.pop();
            }
        }
        let field = path.text.clone();
        let count = items.len() as u64;
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            self.issue(
                &field,
                IssueKind::FieldValueTooMany,
                format!("Too many: {count}: must have at most {max} items"),
            );
        }
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            self.invalid(
                &field,
                IssueKind::FieldValueInvalid,
                &count.to_string(),
                &format!("should have at least {min} items"),
            );
        }
        // `x-kubernetes-list-type` set and map lists must not repeat an element or a key.
        let keys: Vec<&str> = match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("set") => Vec::new(),
            Some("map") => schema
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|keys| keys.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            _ => return,
        };
        let mut seen: Vec<Value> = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let identity = if keys.is_empty() {
                item.clone()
            } else {
                Value::Object(
                    keys.iter().filter_map(|k| item.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect(),
                )
            };
            if seen.contains(&identity) {
                let shown = if keys.is_empty() { go_value(&identity) } else { go_map(&identity) };
                let field = format!("{field}[{index}]");
                self.issue(&field, IssueKind::FieldValueDuplicate, format!("Duplicate value: {shown}"));
            } else {
                seen.push(identity);
            }
        }
    }

    fn string(&mut self, schema: &Value, text: &str, field: &str) {
        let quoted = go_quote(text);
        let length = text.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            self.issue(
                field,
                IssueKind::FieldValueTooLong,
                format!("Too long: may not be longer than {max}"),
            );
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            self.invalid(
                field,
                IssueKind::FieldValueInvalid,
                &quoted,
                &format!("should be at least {min} chars long"),
            );
        }
        if let Some(Value::String(pattern)) = schema.get("pattern")
            && let Some(regex) = self.patterns.get(pattern)
            && !regex.is_match(text)
        {
            self.invalid(field, IssueKind::FieldValueInvalid, &quoted, &format!("should match '{pattern}'"));
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && !valid_format(format, text)
        {
            self.invalid(
                field,
                IssueKind::FieldValueTypeInvalid,
                &quoted,
                &format!("must be of type {format}: {quoted}"),
            );
        }
    }

    fn number(&mut self, schema: &Value, number: &Number, field: &str) {
        let Some(x) = number.as_f64() else { return };
        let shown = go_number(number);
        let bound = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
        if let Some(max) = bound("maximum") {
            let exclusive = is_true(schema, "exclusiveMaximum");
            if x > max || (exclusive && x == max) {
                let relation = if exclusive { "less than" } else { "less than or equal to" };
                self.invalid(
                    field,
                    IssueKind::FieldValueInvalid,
                    &shown,
                    &format!("should be {relation} {}", go_float(max)),
                );
            }
        }
        if let Some(min) = bound("minimum") {
            let exclusive = is_true(schema, "exclusiveMinimum");
            if x < min || (exclusive && x == min) {
                let relation = if exclusive { "greater than" } else { "greater than or equal to" };
                self.invalid(
                    field,
                    IssueKind::FieldValueInvalid,
                    &shown,
                    &format!("should be {relation} {}", go_float(min)),
                );
            }
        }
        if let Some(factor) = bound("multipleOf")
            && factor > 0.0
            && (x / factor).fract() != 0.0
        {
            self.invalid(
                field,
                IssueKind::FieldValueInvalid,
                &shown,
                &format!("should be a multiple of {}", go_float(factor)),
            );
        }
    }

    fn enumeration(&mut self, schema: &Value, value: &Value, field: &str) {
        let Some(Value::Array(allowed)) = schema.get("enum") else { return };
        let equal = |a: &Value, b: &Value| match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            _ => a == b,
        };
        if allowed.iter().any(|candidate| equal(candidate, value)) {
            return;
        }
        let supported: Vec<String> = allowed
            .iter()
            .map(|candidate| match candidate {
                Value::String(text) => go_quote(text),
                other => go_quote(&other.to_string()),
            })
            .collect();
        self.issue(
            field,
            IssueKind::FieldValueNotSupported,
            format!("Unsupported value: {}: supported values: {}", go_value(value), supported.join(", ")),
        );
    }
}

/// The string formats kube-openapi checks that structural schemas commonly use. Formats it does
/// not know pass, as they do in kube.
fn valid_format(format: &str, text: &str) -> bool {
    match format {
        "date-time" | "datetime" => valid_date_time(text),
        "date" => valid_date(text),
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.contains(':') && text.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => text.split_once('/').is_some_and(|(ip, bits)| {
            let max = if ip.parse::<std::net::Ipv4Addr>().is_ok() {
                32
            } else if ip.parse::<std::net::Ipv6Addr>().is_ok() {
                128
            } else {
                return false;
            };
            bits.parse::<u8>().is_ok_and(|b| b <= max)
        }),
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
        }
        "byte" => base64_error(text).is_none(),
        _ => true,
    }
}

fn valid_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
        && text.get(5..7).and_then(|m| m.parse::<u8>().ok()).is_some_and(|m| (1..=12).contains(&m))
        && text.get(8..10).and_then(|d| d.parse::<u8>().ok()).is_some_and(|d| (1..=31).contains(&d))
}

/// RFC 3339 date-time (`2006-01-02T15:04:05Z`, optional fraction and offset).
fn valid_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't', ' ']) else { return false };
    if !valid_date(date) {
        return false;
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => return false,
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()) { "" } else { whole }
    });
    let two_digits = |s: &str, max: u8| s.len() == 2 && s.parse::<u8>().is_ok_and(|v| v <= max);
    let parts: Vec<&str> = clock.split(':').collect();
    let clock_ok =
        parts.len() == 3 && two_digits(parts[0], 23) && two_digits(parts[1], 59) && two_digits(parts[2], 60);
    let offset_ok = matches!(offset, "Z" | "z")
        || offset
            .get(1..)
            .and_then(|o| o.split_once(':'))
            .is_some_and(|(h, m)| two_digits(h, 23) && two_digits(m, 59));
    clock_ok && offset_ok
}

/// Go's `%q` of a string.
fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{7}' => quoted.push_str("\\a"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\u{b}' => quoted.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => quoted.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e21.
fn go_float(x: f64) -> String {
    let magnitude = x.abs();
    if x != 0.0 && !(1e-4..1e21).contains(&magnitude) {
        let formatted = format!("{x:e}");
        match formatted.split_once('e') {
            Some((mantissa, exponent)) => {
                let (sign, digits) = match exponent.strip_prefix('-') {
                    Some(digits) => ('-', digits),
                    None => ('+', exponent),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => formatted,
        }
    } else {
        format!("{x}")
    }
}

/// A JSON number as kube prints a decoded one: integers as `int64`, the rest as `float64`.
fn go_number(number: &Number) -> String {
    match number.as_i64() {
        Some(integer) => integer.to_string(),
        None => number.as_f64().map_or_else(|| number.to_string(), go_float),
    }
}

/// A decoded JSON value as kube's field errors print it.
fn go_value(value: &Value) -> String {
    match value {
        Value::String(text) => go_quote(text),
        Value::Number(number) => go_number(number),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => "\"null\"".to_owned(),
        Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// Go's `%#v` of a `map[string]interface{}` of scalars, as duplicate map-list keys print.
fn go_map(value: &Value) -> String {
    let Some(entries) = value.as_object() else { return go_value(value) };
    let mut keys: Vec<&String> = entries.keys().collect();
    keys.sort();
    let inner: Vec<String> = keys
        .into_iter()
        .map(|key| {
            let shown = match &entries[key] {
                Value::Number(number) => go_number(number),
                other => go_value(other),
            };
            format!("{}:{shown}", go_quote(key))
        })
        .collect();
    format!("map[string]interface {{}}{{{}}}", inner.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_errors_at_go_offsets() {
        assert_eq!(base64_error("aGVsbG8="), None);
        assert_eq!(base64_error("aGVsbG8"), Some(4));
        assert_eq!(base64_error("a$=="), Some(1));
        assert_eq!(base64_error("aGVsbG8=x"), Some(8));
        assert_eq!(base64_error(""), None);
    }

    #[test]
    fn quantities_parse_like_kube() {
        for good in ["1", "100m", "1.5Gi", "2e3", "+1", ".5", "1E-3", "10k"] {
            assert_eq!(check_quantity(good), Ok(()), "{good}");
        }
        assert!(check_quantity("abc").is_err_and(|e| e.starts_with("quantities must match")));
        assert_eq!(
            check_quantity("1Zi"),
            Err(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            )
        );
        assert_eq!(
            check_quantity("1Gb"),
            Err(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            )
        );
        assert_eq!(check_quantity("1iM"), Err("unable to parse quantity's suffix"));
    }

    #[test]
    fn go_formatting() {
        assert_eq!(go_float(10.0), "10");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
        assert_eq!(
            go_map(&serde_json::json!({"port": 80, "protocol": "TCP"})),
            "map[string]interface {}{\"port\":80, \"protocol\":\"TCP\"}"
        );
        assert_eq!(go_struct_type("io.k8s.api.apps.v1.DeploymentSpec"), "v1.DeploymentSpec");
    }

    #[test]
    fn date_times() {
        assert!(valid_date_time("2024-01-02T03:04:05Z"));
        assert!(valid_date_time("2024-01-02T03:04:05.123+01:00"));
        assert!(!valid_date_time("2024-01-02"));
        assert!(!valid_date_time("yesterday"));
    }
}
