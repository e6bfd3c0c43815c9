//! Field-level validation errors, printed and aggregated as kube-apiserver prints them
//! (`k8s.io/apimachinery/pkg/util/validation/field` and `errors.NewInvalid`).
//!
//! A 422 `Invalid` answer carries [`invalid_message`] as its message and [`causes`] as
//! `details.causes`.

use crate::gofmt;
use serde_json::{Value, json};
use std::fmt;

/// Why a field is invalid; [`ErrorType::reason`] is the `reason` of a status cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// A malformed value (`FieldValueInvalid`).
    FieldValueInvalid,
    /// A missing value (`FieldValueRequired`).
    FieldValueRequired,
    /// A value too long; the value itself is not echoed (`FieldValueTooLong`).
    FieldValueTooLong,
    /// A value outside an enumeration (`FieldValueNotSupported`).
    FieldValueNotSupported,
    /// A value not permitted here (`FieldValueForbidden`).
    FieldValueForbidden,
    /// A value that must be unique and is not (`FieldValueDuplicate`).
    FieldValueDuplicate,
}

impl ErrorType {
    /// The machine-readable reason, e.g. `FieldValueInvalid`.
    pub fn reason(self) -> &'static str {
        match self {
            ErrorType::FieldValueInvalid => "FieldValueInvalid",
            ErrorType::FieldValueRequired => "FieldValueRequired",
            ErrorType::FieldValueTooLong => "FieldValueTooLong",
            ErrorType::FieldValueNotSupported => "FieldValueNotSupported",
            ErrorType::FieldValueForbidden => "FieldValueForbidden",
            ErrorType::FieldValueDuplicate => "FieldValueDuplicate",
        }
    }

    /// The human-readable name kube prints, e.g. `Invalid value`.
    pub fn description(self) -> &'static str {
        match self {
            ErrorType::FieldValueInvalid => "Invalid value",
            ErrorType::FieldValueRequired => "Required value",
            ErrorType::FieldValueTooLong => "Too long",
            ErrorType::FieldValueNotSupported => "Unsupported value",
            ErrorType::FieldValueForbidden => "Forbidden",
            ErrorType::FieldValueDuplicate => "Duplicate value",
        }
    }

    /// Whether the message shows the offending value (kube omits it for these types).
    fn shows_value(self) -> bool {
        !matches!(
            self,
            ErrorType::FieldValueRequired | ErrorType::FieldValueForbidden | ErrorType::FieldValueTooLong
        )
    }
}

/// The offending value of a [`FieldError`], printed as Go prints it: strings quoted, numbers
/// and booleans plain, anything else as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum BadValue {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// Any other value, printed as JSON (`null` for Go's nil slices).
    Json(Value),
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        BadValue::Str(s.to_owned())
    }
}

impl From<String> for BadValue {
    fn from(s: String) -> Self {
        BadValue::Str(s)
    }
}

impl From<i64> for BadValue {
    fn from(n: i64) -> Self {
        BadValue::Int(n)
    }
}

impl From<bool> for BadValue {
    fn from(b: bool) -> Self {
        BadValue::Bool(b)
    }
}

impl From<Value> for BadValue {
    fn from(v: Value) -> Self {
        BadValue::Json(v)
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Str(s) => f.write_str(&gofmt::quote(s)),
            BadValue::Int(n) => write!(f, "{n}"),
            BadValue::Bool(b) => write!(f, "{b}"),
            BadValue::Json(v) => f.write_str(&gofmt::json_marshal(v)),
        }
    }
}

/// One field-level validation error: `field: Type: value: detail`, as kube's `field.Error`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The path of the field, e.g. `metadata.name` (kube's `<nil>` for a pathless error).
    pub field: String,
    /// The kind of error.
    pub error_type: ErrorType,
    /// The offending value, shown only for the types that show one.
    pub bad_value: BadValue,
    /// The explanation after the value; may be empty.
    pub detail: String,
}

impl FieldError {
    /// `field.Invalid`: a malformed value.
    pub fn invalid(field: impl Into<String>, value: impl Into<BadValue>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            error_type: ErrorType::FieldValueInvalid,
            bad_value: value.into(),
            detail: detail.into(),
        }
    }

    /// `field.Required`: a missing value.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            error_type: ErrorType::FieldValueRequired,
            bad_value: BadValue::Str(String::new()),
            detail: detail.into(),
        }
    }

    /// `field.Forbidden`: a value not permitted here.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            error_type: ErrorType::FieldValueForbidden,
            bad_value: BadValue::Str(String::new()),
            detail: detail.into(),
        }
    }

    /// `field.Duplicate`: a value that must be unique.
    pub fn duplicate(field: impl Into<String>, value: impl Into<BadValue>) -> Self {
        FieldError {
            field: field.into(),
            error_type: ErrorType::FieldValueDuplicate,
            bad_value: value.into(),
            detail: String::new(),
        }
    }

    /// `field.NotSupported`: a value outside `supported`, which the detail lists quoted.
    pub fn not_supported(field: impl Into<String>, value: impl Into<BadValue>, supported: &[&str]) -> Self {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|s| gofmt::quote(s)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        FieldError {
            field: field.into(),
            error_type: ErrorType::FieldValueNotSupported,
            bad_value: value.into(),
            detail,
        }
    }

    /// `field.TooLong`: a value longer than `max_bytes`; the value is not echoed.
    pub fn too_long(field: impl Into<String>, max_bytes: usize) -> Self {
        let unit = if max_bytes == 1 { "byte" } else { "bytes" };
        FieldError {
            field: field.into(),
            error_type: ErrorType::FieldValueTooLong,
            bad_value: BadValue::Str("<value omitted>".to_owned()),
            detail: format!("may not be more than {max_bytes} {unit}"),
        }
    }

    /// The message without the field (kube's `ErrorBody`), which is a cause's `message`.
    pub fn body(&self) -> String {
        let mut s = self.error_type.description().to_owned();
        if self.error_type.shows_value() {
            s = format!("{s}: {}", self.bad_value);
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }

    /// The status cause: `{"reason": ..., "message": ..., "field": ...}`.
    pub fn cause(&self) -> Value {
        json!({"reason": self.error_type.reason(), "message": self.body(), "field": self.field})
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

impl std::error::Error for FieldError {}

/// The `details.causes` array of a 422 answer for `errors`.
pub fn causes(errors: &[FieldError]) -> Value {
    Value::Array(errors.iter().map(FieldError::cause).collect())
}

/// kube's aggregate of error messages: one message alone, several as `[a, b]`, each distinct
/// message once; empty for none.
pub fn aggregate<I>(messages: I) -> String
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    let mut seen: Vec<String> = Vec::new();
    for message in messages {
        let message = message.into();
        if !seen.contains(&message) {
            seen.push(message);
        }
    }
    match seen.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// The message of a 422 `Invalid` answer, e.g.
/// `Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": ...`.
///
/// `kind` and `group` name the object's kind (`group` empty for the core group).
pub fn invalid_message(kind: &str, group: &str, name: &str, errors: &[FieldError]) -> String {
    let qualified = if group.is_empty() { kind.to_owned() } else { format!("{kind}.{group}") };
    let head = format!("{qualified} {} is invalid", gofmt::quote(name));
    if errors.is_empty() {
        head
    } else {
        format!("{head}: {}", aggregate(errors.iter().map(ToString::to_string)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_follow_error_type() {
        let e = FieldError::invalid("metadata.name", "Foo_bar", "bad");
        assert_eq!(e.to_string(), r#"metadata.name: Invalid value: "Foo_bar": bad"#);
        let e = FieldError::required("metadata.name", "name or generateName is required");
        assert_eq!(e.to_string(), "metadata.name: Required value: name or generateName is required");
        let e = FieldError::required("metadata.namespace", "");
        assert_eq!(e.to_string(), "metadata.namespace: Required value");
        let e = FieldError::forbidden("metadata.namespace", "not allowed on this type");
        assert_eq!(e.to_string(), "metadata.namespace: Forbidden: not allowed on this type");
        let e = FieldError::too_long("metadata.annotations", 262144);
        assert_eq!(e.to_string(), "metadata.annotations: Too long: may not be more than 262144 bytes");
        let e = FieldError::invalid("metadata.generation", -1i64, "must be greater than or equal to 0");
        assert_eq!(
            e.to_string(),
            "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
        );
        let e = FieldError::not_supported("spec.type", "Foo", &["A", "B"]);
        assert_eq!(e.to_string(), r#"spec.type: Unsupported value: "Foo": supported values: "A", "B""#);
        let e = FieldError::duplicate("spec.ports[1]", "http");
        assert_eq!(e.to_string(), r#"spec.ports[1]: Duplicate value: "http""#);
        let e = FieldError::invalid("values", Value::Null, "empty");
        assert_eq!(e.to_string(), "values: Invalid value: null: empty");
    }

    #[test]
    fn cause_json() {
        let e = FieldError::invalid("metadata.name", "x_y", "bad");
        assert_eq!(
            e.cause(),
            json!({"reason": "FieldValueInvalid", "message": "Invalid value: \"x_y\": bad", "field": "metadata.name"})
        );
    }

    #[test]
    fn aggregate_forms() {
        assert_eq!(aggregate(Vec::<String>::new()), "");
        assert_eq!(aggregate(["a"]), "a");
        assert_eq!(aggregate(["a", "b", "a"]), "[a, b]");
        assert_eq!(aggregate(["a", "a"]), "a");
    }

    #[test]
    fn invalid_messages() {
        let errors = [FieldError::invalid("metadata.name", "Web", "x")];
        assert_eq!(
            invalid_message("Deployment", "apps", "Web", &errors),
            r#"Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": x"#
        );
        let two = [FieldError::invalid("a", "1", "x"), FieldError::required("b", "")];
        assert_eq!(
            invalid_message("ConfigMap", "", "c", &two),
            r#"ConfigMap "c" is invalid: [a: Invalid value: "1": x, b: Required value]"#
        );
        assert_eq!(invalid_message("Pod", "", "p", &[]), r#"Pod "p" is invalid"#);
    }
}
